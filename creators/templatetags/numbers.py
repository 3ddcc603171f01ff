"""Number filters for people: 12.4k followers, 3.1% engagement, $1,200 per post."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}


def _to_float(value) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@register.filter
def compact(value) -> str:
    """12400 -> "12.4k", 1_250_000 -> "1.3M", 950 -> "950"; empty for a missing value."""
    number = _to_float(value)
    if number is None:
        return "—"
    sign = "-" if number < 0 else ""
    number = abs(number)
    units = ((1e3, "k"), (1e6, "M"), (1e9, "B"))
    for index, (size, suffix) in enumerate(units):
        if number < size * 1000 or index == len(units) - 1:
            if number < size:
                break
            text = f"{number / size:.1f}".removesuffix(".0")
            # 999,960 rounds to "1000k": say "1M" instead.
            if text == "1000" and index + 1 < len(units):
                return f"{sign}1{units[index + 1][1]}"
            return f"{sign}{text}{suffix}"
    return f"{sign}{number:.0f}"


@register.filter
def pct(value, digits: int = 1) -> str:
    """A fraction as a percentage: 0.031 -> "3.1%"; "—" when missing."""
    number = _to_float(value)
    if number is None:
        return "—"
    return f"{number * 100:.{int(digits)}f}%"


@register.filter
def money(value, currency: str = "USD") -> str:
    """1200 -> "$1,200" (no cents at or above 100); "—" when missing."""
    if value is None or value == "":
        return "—"
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "—"
    symbol = _SYMBOLS.get(currency or "USD")
    text = f"{amount:,.0f}" if abs(amount) >= 100 else f"{amount:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


@register.filter
def width_class(fraction) -> str:
    """A 0..1 fraction as a .w-N width class for bars (clamped)."""
    number = _to_float(fraction) or 0.0
    return f"w-{max(0, min(100, round(number * 100)))}"
