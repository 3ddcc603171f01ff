"""Rendering of the Jinja2 partials (templates/jinja2/) into a Django page or response."""

from django.template import engines
from django.utils.safestring import SafeString, mark_safe


def render_jinja2(template_name: str, context: dict) -> SafeString:
    """The partial's HTML, safe to place in a Django template: Jinja2 escaped every value."""
    html = engines["jinja2"].get_template(template_name).render(context)
    return mark_safe(html)  # the output of an autoescaping template


def join_rendered(parts) -> SafeString:
    """Pieces each rendered by an autoescaping template, as one piece."""
    return mark_safe("".join(parts))
