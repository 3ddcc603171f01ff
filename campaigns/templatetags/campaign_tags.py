"""Small filters of the campaign pages: score fractions as 0-100 and as bar width classes."""

from django import template

from matchmaker.lib import formatting

register = template.Library()


def _fraction(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return min(1.0, max(0.0, number))


@register.filter
def score100(value) -> str:
    """0.734 -> '73'; missing -> an em dash (formatting.score: one formatter)."""
    return formatting.score(value)


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
