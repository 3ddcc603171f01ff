"""Number filters for people (12.4k followers, 3.1% engagement, $1,200 per post), kept for the
templates that {% load numbers %}: each one is matchmaker.lib.formatting's function."""

from django import template

from matchmaker.lib import formatting

register = template.Library()


@register.filter
def compact(value) -> str:
    return formatting.compact(value)


@register.filter
def pct(value, digits: int = 1) -> str:
    """A fraction as a percentage with fixed decimals: 0.031 -> "3.1%"."""
    return formatting.rate(value, int(digits))


@register.filter
def money(value, currency: str = formatting.DEFAULT_CURRENCY) -> str:
    return formatting.money(value, currency)


@register.filter
def width_class(fraction) -> str:
    """A 0..1 fraction as a .w-N width class for bars (clamped)."""
    number = formatting.to_number(fraction) or 0.0
    return f"w-{max(0, min(100, round(number * 100)))}"
