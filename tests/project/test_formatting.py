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
        # "100% percentile" / "100th percentile" is no rank: the ends read as shares.
        (100, "top 1%"),
        (99.2, "top 1%"),
        (98.4, "98th percentile"),
        (1, "1st percentile"),
        (12, "12th percentile"),
        (22.4, "22nd percentile"),
        (103, "top 1%"),
        (0, "bottom 1%"),
        (-5, "bottom 1%"),
        (None, "—"),
    ],
)
def test_percentile(value, text):
    assert fmt.percentile(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.0, "top 1%"), (0.87, "87th percentile"), (0.0, "bottom 1%"), (0.5, "50th percentile")],
)
def test_rank_reads_a_stored_fraction(value, text):
    assert fmt.rank(value) == text


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-10, max_value=10))
def test_rank_is_always_within_0_to_100(value):
    text = fmt.rank(value)
    assert text in ("top 1%", "bottom 1%") or 1 <= int(text.split()[0][:-2]) <= 98


@pytest.mark.parametrize(
    ("value", "noun", "text"),
    [
        (1, "row", "1 row"),
        (2, "row", "2 rows"),
        (0, "row", "0 rows"),
        (1204, "error", "1,204 errors"),
        (3.0, "match", "3 matches"),
        (2, "entry", "2 entries"),
        (2, "day", "2 days"),
        (None, "row", "—"),
    ],
)
def test_quantity_says_singular_for_one(value, noun, text):
    assert fmt.quantity(value, noun) == text


def test_quantity_in_templates():
    django_text = engines["django"].from_string('{{ n|quantity:"row" }}').render({"n": 1})
    jinja_text = engines["jinja2"].from_string('{{ n|quantity("row") }}').render({"n": 6})
    assert (django_text, jinja_text) == ("1 row", "6 rows")


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
    assert fmt.day("2026-01-02") == "2 Jan 2026"  # ISO text, as JSON data holds dates
    assert fmt.day("not a date") == "—"


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


@pytest.mark.parametrize(
    ("value", "kind", "cell"),
    [
        (0.08011365878685031, "rate", "0.0801"),
        (0.08, "rate", "0.0800"),
        (-0.05, "rate", "-0.0500"),
        (-0.00001, "rate", "0.0000"),
        (Decimal("40000"), "money", "40000.00"),
        (3470.505, "money", "3470.51"),
        (15089.0, "count", "15089"),
        (0.87, "percentile", "87.0"),
        (1.3, "percentile", "100.0"),
        (0.734, "score", "73.4"),
        (3.14159, "number", "3.14"),
        (True, "flag", "yes"),
        (date(2026, 12, 1), "date", "2026-12-01"),
        (datetime(2026, 11, 1, 22, 25, tzinfo=UTC), "moment", "2026-11-01T22:25:00Z"),
        (None, "rate", ""),
        (float("nan"), "count", ""),
        (None, "date", ""),
        ("=x", "text", "=x"),  # neutralising formulas is the CSV writer's job
    ],
)
def test_export_cells(value, kind, cell):
    assert fmt.export_cell(value, kind) == cell


def test_export_cell_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown export kind"):
        fmt.export_cell(1, "percent")


def test_every_csv_export_goes_through_the_typed_helper():
    """One export helper: no view writes a CSV header and raw values by itself."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    callers = [
        path.relative_to(root).as_posix()
        for app in ("campaigns", "creators", "scoring", "tenancy", "matchmaker")
        for path in (root / app).rglob("*.py")
        if "csv_response(" in path.read_text() or "csv.writer(" in path.read_text()
    ]
    assert callers == ["matchmaker/lib/csv_export.py"]
