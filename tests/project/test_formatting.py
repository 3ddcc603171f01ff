"""The one formatting module: every figure a person reads is written the same way."""

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.template import engines
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from matchmaker.lib import formatting as fmt


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (15089.0, "15,089"),
        ("9.00", "9"),
        (0, "0"),
        (None, "—"),
        ("", "—"),
        (float("nan"), "—"),
        ("abc", "—"),
        (-1234.6, "-1,235"),
        (2.5, "3"),
    ],
)
def test_count(value, text):
    assert fmt.count(value) == text


@pytest.mark.parametrize(
    ("value", "currency", "text"),
    [
        (500, "USD", "$500"),
        (Decimal("40000.00"), "USD", "$40,000"),
        (3470.5, "USD", "$3,471"),
        (12.5, "USD", "$12.50"),
        (1200, "EUR", "€1,200"),
        (1200, "gbp", "£1,200"),
        (40000, "CAD", "CA$40,000"),
        (-6620, "USD", "-$6,620"),
        (None, "USD", "—"),
        (5, None, "$5.00"),
    ],
)
def test_money(value, currency, text):
    assert fmt.money(value, currency) == text


def test_money_cents_on_request_and_ranges():
    assert fmt.money(3470.5, "USD", cents=True) == "$3,470.50"
    assert fmt.money_range(300, 700, "USD") == "$300–$700"
    assert fmt.money_range(500, 500.2, "USD") == "$500"
    assert fmt.money_range(None, 700, "USD") == "$700"
    assert fmt.money_range(66.16, 132.3, "USD") == "$66.16–$132"
    assert fmt.money_range(66.16, 132.3, "USD", cents=False) == "$66–$132"


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.1035, "10.4%"), (0.0035, "0.35%"), (0, "0.0%"), (1, "100.0%"), (None, "—")],
)
def test_rate(value, text):
    assert fmt.rate(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (100, "100th percentile"),
        (1, "1st percentile"),
        (12, "12th percentile"),
        (22.4, "22nd percentile"),
        (103, "100th percentile"),
        (None, "—"),
    ],
)
def test_percentile(value, text):
    assert fmt.percentile(value) == text


def test_score_and_number():
    assert fmt.score(0.734) == "73"
    assert fmt.score(1.7) == "100"
    assert fmt.number(1234.5678, 2) == "1,234.57"
    assert fmt.compact(24_400) == "24.4k"


def test_dates_one_way_with_the_zone():
    assert fmt.day(date(2026, 12, 1)) == "1 Dec 2026"
    stamp = datetime(2026, 11, 1, 22, 25, tzinfo=UTC)
    with timezone.override("UTC"):
        assert fmt.moment(stamp) == "1 Nov 2026, 22:25 UTC"
        assert fmt.day(stamp) == "1 Nov 2026"
    with timezone.override("Europe/Berlin"):
        assert fmt.moment(stamp) == "1 Nov 2026, 23:25 CET"
    assert fmt.moment(None) == "—"


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_count_is_an_integer_with_separators(value):
    text = fmt.count(value)
    assert "." not in text
    assert int(text.replace(",", "")) == int(
        Decimal(repr(value)).quantize(1, rounding=ROUND_HALF_UP)
    )


def test_filters_are_builtin_in_templates_and_jinja2():
    django_text = engines["django"].from_string("{{ v|count }} {{ m|money:'EUR' }} {{ r|rate }}")
    jinja_text = engines["jinja2"].from_string("{{ v|count }} {{ m|money('EUR') }} {{ r|rate }}")
    context = {"v": 15089.0, "m": 1200, "r": 0.1035}
    assert django_text.render(context) == jinja_text.render(context) == "15,089 €1,200 10.4%"
