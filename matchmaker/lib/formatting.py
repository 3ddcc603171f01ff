"""Every number and date a person reads, written one way: templates (the `fmt` filters), the
Jinja2 row partials, row builders, exports' human columns and the API's `*_display` fields all
call these functions.

Numbers and money go through Babel (the CLDR data: separators, currency symbols and their
digits for every ISO currency); dates through Django's time-zone support. A missing value is
an em dash, never "None", "nan" or 0.

- count: 15089.0 -> "15,089" (an integer with separators)
- compact: 12400 -> "12.4k" (follower counts in dense tables)
- money: (1200, "USD") -> "$1,200"; cents only below 100; "€1,200", "CA$40,000"
- money_range: (300, 700, "USD") -> "$300–$700"
- rate: 0.1035 -> "10.4%"; below 1% two decimals: 0.0035 -> "0.35%"
- score: 0.734 -> "73" (a 0..1 score on the 0-100 scale the pages show)
- percentile: 87.4 -> "87th percentile"
- number: (1.2345, 2) -> "1.23" (a plain quantity with separators)
- day: date(2026, 12, 1) -> "1 Dec 2026"
- moment: a datetime -> "1 Dec 2026, 22:25 UTC" (in the current time zone)
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal, get_currency_symbol
from django.conf import settings
from django.utils import timezone

DASH = "—"
# The functions that templates use as filters (matchmaker.templatetags.fmt, matchmaker.jinja2).
FILTERS = ("count", "compact", "money", "rate", "score", "percentile", "number", "day", "moment")
DEFAULT_CURRENCY = "USD"


def _locale() -> str:
    return getattr(settings, "FORMAT_LOCALE", "en_US")


def to_number(value) -> float | None:
    """The value as a finite float, or None when missing, unreadable, NaN or infinite."""
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def count(value) -> str:
    number = to_number(value)
    if number is None:
        return DASH
    return format_decimal(_half_up(Decimal(repr(number)), 0), format="#,##0", locale=_locale())


def _half_up(amount: Decimal, places: int) -> Decimal:
    """Round half away from zero, as people do (Python and Babel round half to even)."""
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def compact(value) -> str:
    number = to_number(value)
    if number is None:
        return DASH
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


def _amount(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() else None


def money(value, currency: str | None = DEFAULT_CURRENCY, *, cents: bool | None = None) -> str:
    """An amount with its currency's symbol; whole units at or above 100 unless cents=True."""
    amount = _amount(value)
    if amount is None:
        return DASH
    currency = (currency or DEFAULT_CURRENCY).upper()
    with_cents = abs(amount) < 100 if cents is None else cents
    pattern = "¤#,##0.00" if with_cents else "¤#,##0"
    amount = _half_up(amount, 2 if with_cents else 0)
    if get_currency_symbol(currency, _locale())[-1:].isalpha():
        # CLDR's currency spacing: a symbol of letters is set apart from the digits ("CHF 12.50").
        pattern = pattern.replace("¤", "¤\u00a0")
    return format_currency(
        amount, currency, format=pattern, locale=_locale(), currency_digits=False
    )


def money_range(
    low, high, currency: str | None = DEFAULT_CURRENCY, *, cents: bool | None = None
) -> str:
    """$300–$700; one amount when both ends round to the same text. cents=False: whole units
    at both ends (an estimate's range: "$66–$132", not "$66.16–$132")."""
    low_text, high_text = money(low, currency, cents=cents), money(high, currency, cents=cents)
    if low_text == DASH or high_text == DASH:
        return low_text if high_text == DASH else high_text
    return low_text if low_text == high_text else f"{low_text}–{high_text}"


def rate(value, digits: int | None = None) -> str:
    """A fraction as a percentage: one decimal, two below 1% (so 0.35% is not "0.3%")."""
    number = to_number(value)
    if number is None:
        return DASH
    if digits is None:
        digits = 2 if 0 < abs(number) < 0.01 else 1
    return f"{_half_up(Decimal(repr(number)) * 100, int(digits))}%"


def score(value) -> str:
    """A 0..1 score on the 0-100 scale (clamped), as an integer."""
    number = to_number(value)
    if number is None:
        return DASH
    return str(round(min(1.0, max(0.0, number)) * 100))


def ordinal(value: int) -> str:
    number = int(value)
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def percentile(value) -> str:
    """A 0-100 percentile rank: "87th percentile" (clamped to 0-100)."""
    number = to_number(value)
    if number is None:
        return DASH
    return f"{ordinal(round(min(100.0, max(0.0, number))))} percentile"


def number(value, digits: int = 0) -> str:
    value = to_number(value)
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * int(digits) if int(digits) > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale())


def day(value) -> str:
    if value is None or value == "":
        return DASH
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if not isinstance(value, date):
        return DASH
    return f"{value.day} {value:%b %Y}"


def moment(value) -> str:
    if not isinstance(value, datetime):
        return day(value)
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    zone = value.tzname() or ""
    return f"{value.day} {value:%b %Y, %H:%M}" + (f" {zone}" if zone else "")
