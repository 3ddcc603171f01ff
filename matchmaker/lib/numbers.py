"""The one parser of numbers people write: "12,345", "48.5M", "383.1K", "1.2B", "1 234", "2E+12".

`parse_number` gives a float (the imported files' columns); `parse_decimal` reads the same
text as an exact Decimal (amounts of money, counts that must be whole). Both return None for an
empty cell and raise ValueError with a readable reason for anything else they cannot read, so
each caller adds only its own rules (negative, too large, whole) and its own wording.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

# What a spreadsheet writes in a cell that holds no value.
BLANKS = frozenset({"", "-", "n/a", "N/A", "NA", "null", "None"})

SUFFIXES = {"K": 10**3, "M": 10**6, "B": 10**9, "BN": 10**9, "MM": 10**6}
# A decimal with an optional exponent (spreadsheets write 2E+12) and an optional suffix.
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?(?:E[+-]?\d+)?)\s*(K|M|B|BN|MM)?$", re.IGNORECASE)


def is_blank(value) -> bool:
    """None, NaN, or text that means "no value" (see BLANKS)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in BLANKS


def _match(value) -> re.Match:
    """The number and suffix of `value`'s text, separators resolved."""
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("_", "")
    # Thousands separators: "12,345" and "1,234,567"; a lone comma decimal like "3,4" is a decimal.
    if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?([KMB]|BN|MM)?", text, re.IGNORECASE):
        text = text.replace(",", "")
    elif re.fullmatch(r"[+-]?\d+,\d+([KMB])?", text, re.IGNORECASE):
        text = text.replace(",", ".")
    match = _NUMBER.match(text)
    if not match:
        raise ValueError(f"not a number: {str(value)[:40]!r}")
    return match


def _suffix(match: re.Match) -> int:
    return SUFFIXES.get((match.group(2) or "").upper(), 1)


def parse_number(value) -> float | None:
    """A count or amount as a float: 12,345 / 48.5M / 383.1K / 1.2B / 1 234 / 2E+12."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int | float):
        if math.isinf(value):
            raise ValueError(f"not a finite number: {value!r}")
        return float(value)
    match = _match(value)
    # Float arithmetic, as the vectorised column parser does: both give the same float.
    number = float(match.group(1)) * float(_suffix(match))
    if math.isinf(number):
        raise ValueError(f"not a finite number: {str(value)[:40]!r}")
    return number


def parse_decimal(value) -> Decimal | None:
    """The same numbers as parse_number, read exactly: "1,250.5" -> Decimal("1250.5")."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, Decimal) and value.is_finite():
        return value
    if isinstance(value, float) and math.isinf(value):
        raise ValueError(f"not a finite number: {value!r}")
    match = _match(value)
    return Decimal(match.group(1)) * _suffix(match)
