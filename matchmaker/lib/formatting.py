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
- quantity: (3, "row") -> "3 rows", (1, "row") -> "1 row" (a count with its noun)
- percentile: 87.4 -> "87th percentile"; 99 and up -> "top 1%", below 1 -> "bottom 1%"
- rank: a 0..1 share of the cohort (stored percentiles) as the percentile label: 0.87 -> "87th percentile"
- number: (1.2345, 2) -> "1.23" (a plain quantity with separators)
- day: date(2026, 12, 1) -> "1 Dec 2026"
- moment: a datetime -> "1 Dec 2026, 22:25 UTC" (in the current time zone)

Exports write cells for programs to read (export_cell, EXPORT_KINDS): no separators or
symbols; rates as fractions with 4 decimals (0.0801), money with 2 decimals (its currency in a
column of its own), counts as integers, percentiles and scores on 0-100 with one decimal,
ROAS-like numbers with 2, dates ISO 8601
(2026-12-01; moments in UTC: 2026-11-01T22:25:00Z). A missing value is an empty cell.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal, get_currency_symbol
from django.conf import settings
from django.utils import timezone

DASH = "—"
# The functions that templates use as filters (matchmaker.templatetags.fmt, matchmaker.jinja2).
FILTERS = (
    "count",
    "compact",
    "money",
    "rate",
    "score",
    "percentile",
    "rank",
    "number",
    "day",
    "moment",
    "quantity",
)
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


def quantity(value, noun: str, plural: str | None = None) -> str:
    """A count with its noun, singular for exactly one: "1 row", "3 rows", "1,204 errors"."""
    number = to_number(value)
    if number is None:
        return DASH
    text = count(number)
    word = noun if text in ("1", "-1") else (plural or _plural(noun))
    return f"{text} {word}"


def _plural(noun: str) -> str:
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in tuple("aeiou"):
        return noun[:-1] + "ies"
    return noun + "s"


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
    """A 0-100 percentile rank (clamped to 0-100): "87th percentile". The ends read as shares
    of the cohort, since "100th percentile" is no rank: 99 and up is "top 1%", below 1 is
    "bottom 1%"."""
    number = to_number(value)
    if number is None:
        return DASH
    rounded = round(float(_half_up(Decimal(repr(min(100.0, max(0.0, number)))), 0)))
    if rounded >= 99:
        return "top 1%"
    if rounded < 1:
        return "bottom 1%"
    return f"{ordinal(rounded)} percentile"


def rank(value) -> str:
    """A stored percentile (the 0..1 share of the cohort ranked below) as its label."""
    number = to_number(value)
    return DASH if number is None else percentile(number * 100)


def number(value, digits: int = 0) -> str:
    value = to_number(value)
    if value is None:
        return DASH
    pattern = "#,##0" + ("." + "0" * int(digits) if int(digits) > 0 else "")
    return format_decimal(value, format=pattern, locale=_locale())


def day(value) -> str:
    """A date (or a datetime, in the current zone; or an ISO date text, as JSON data holds
    them): "1 Dec 2026"."""
    if value is None or value == "":
        return DASH
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
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


# Exports ---------------------------------------------------------------------------------------

EXPORT_KINDS = (
    "text",
    "count",
    "rate",
    "money",
    "number",
    "score",
    "percentile",
    "date",
    "moment",
    "flag",
)


def export_cell(value, kind: str = "text") -> str:
    """A value as an export cell of its kind (see the module docstring): a str, "" when
    missing or unreadable. Fixed decimals per kind: rate 4, money 2, number 2, score and
    percentile 1 (both 0-100; stored 0..1), count 0."""
    if kind not in EXPORT_KINDS:
        raise ValueError(f"unknown export kind {kind!r}")
    if kind == "text":
        return "" if value is None else str(value)
    if kind == "flag":
        return "" if value is None else ("yes" if value else "no")
    if kind in ("date", "moment"):
        return _export_date(value, kind)
    amount = _amount(value) if kind == "money" else None
    if kind != "money":
        number = to_number(value)
        amount = None if number is None else Decimal(repr(number))
    if amount is None:
        return ""
    if kind in ("score", "percentile"):
        amount = min(Decimal(1), max(Decimal(0), amount)) * 100
    places = {"count": 0, "rate": 4, "money": 2, "number": 2, "score": 1, "percentile": 1}[kind]
    text = format(_half_up(amount, places), "f")
    return text[1:] if text.startswith("-") and not text.strip("-0.") else text  # no "-0.00"


def _export_date(value, kind: str) -> str:
    if isinstance(value, datetime):
        if kind == "date":
            return (
                (timezone.localtime(value) if timezone.is_aware(value) else value)
                .date()
                .isoformat()
            )
        if timezone.is_aware(value):
            value = value.astimezone(UTC)
            return value.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return ""
