"""The one number parser: the float and the exact Decimal reading of the same text agree."""

from decimal import Decimal

import pytest

from matchmaker.lib.numbers import parse_decimal, parse_number


@pytest.mark.parametrize(
    ("text", "exact"),
    [
        ("12,345", Decimal("12345")),
        ("1,250.5", Decimal("1250.5")),
        ("48.5M", Decimal("48500000")),
        ("383.1K", Decimal("383100")),
        ("1 234", Decimal("1234")),
        ("2E+12", Decimal("2E12")),
        ("3,4", Decimal("3.4")),
        (7, Decimal(7)),
        (Decimal("0.10"), Decimal("0.10")),
    ],
)
def test_float_and_decimal_readings_agree(text, exact):
    assert parse_decimal(text) == exact
    assert parse_number(text) == pytest.approx(float(exact))


@pytest.mark.parametrize("blank", [None, "", " ", "-", "n/a", float("nan")])
def test_blank_is_none(blank):
    assert parse_decimal(blank) is None and parse_number(blank) is None


@pytest.mark.parametrize("bad", ["lots", "NaN", "Infinity", Decimal("NaN"), True, "1.2.3"])
def test_what_is_not_a_number_is_refused(bad):
    with pytest.raises(ValueError, match="not a"):
        parse_decimal(bad)
