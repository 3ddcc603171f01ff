"""Small filters of the campaign pages: score fractions as 0-100 and as bar width classes."""

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()


def _fraction(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return min(1.0, max(0.0, number))


@register.filter
def score100(value) -> str:
    """0.734 -> '73'; missing -> an en dash."""
    number = _fraction(value)
    return "–" if number is None else str(round(number * 100))


@register.filter
def bar_width(value) -> str:
    """0.734 -> 'w-73', the CSS class giving a bar fill that width (CSP forbids style=)."""
    number = _fraction(value)
    return "w-0" if number is None else f"w-{round(number * 100)}"


@register.filter
def get_attr(obj, name: str):
    """{{ match|get_attr:"audience_fit" }}: a component column by name."""
    return getattr(obj, name, None)


@register.filter
def humanise(name: str) -> str:
    return str(name).replace("_", " ").capitalize()


@register.simple_tag
def component_cells(match, components) -> str:
    """The table cells of a match's component bars, built in one call: rendering 6 bars x 50 rows
    through template tags was the matches page's main cost, and format_html per cell the next.
    Only the label needs escaping; the score and width class are made here from numbers."""
    cells = []
    for name in components:
        label = escape(humanise(name))
        value = getattr(match, name, None)
        score = score100(value)
        cells.append(
            f'<td title="{label}: {score}"><div class="bar" role="img" '
            f'aria-label="{label} {score} of 100"><span class="{bar_width(value)}"></span></div></td>'
        )
    return mark_safe("".join(cells))
