"""The value parsers: human numbers, shares, handles, platforms, countries, dates."""

from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from creators.importing.kinds.common import text_parser
from creators.importing.values import (
    normalise_country,
    normalise_handle,
    normalise_platform,
    parse_count,
    parse_datetime,
    parse_distinct,
    parse_number,
    parse_share,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("48.5M", 48_500_000), ("383.1K", 383_100), ("1.2B", 1_200_000_000), ("12,345", 12_345),
     ("1,234,567", 1_234_567), (" 900 ", 900), ("2k", 2000), (17, 17), ("", None), (None, None)],
)  # fmt: skip
def test_counts(text, expected):
    assert parse_count(text) == expected


@pytest.mark.parametrize("text", ["lots", "12..3", "1e999", "-5", "M"])
def test_bad_counts_say_why(text):
    with pytest.raises(ValueError, match=r"number|negative|finite"):
        parse_count(text)


def test_shares_as_percent_or_fraction():
    assert parse_share(" 3.4% ") == pytest.approx(0.034)
    assert parse_share("0.034") == pytest.approx(0.034)
    assert parse_share(34) == pytest.approx(0.34)
    assert parse_share("100%") == 1.0
    with pytest.raises(ValueError, match="outside"):
        parse_share("140%")
    assert parse_number("3,4") == pytest.approx(3.4)


def test_handles_from_urls_and_at_signs():
    assert normalise_handle("@Green.Kitchen") == "green.kitchen"
    assert normalise_handle("https://www.instagram.com/Green.Kitchen/?hl=en") == "green.kitchen"
    assert normalise_handle("https://www.tiktok.com/@veggie_dan") == "veggie_dan"
    assert normalise_handle("youtube.com/@PlantChef") == "plantchef"
    with pytest.raises(ValueError, match="handle"):
        normalise_handle("two words")


def test_platforms_countries_dates():
    assert normalise_platform("IG") == "instagram"
    assert normalise_platform("X") == "twitter"
    with pytest.raises(ValueError, match="unknown platform"):
        normalise_platform("myspace")
    assert normalise_country("Germany") == "DE"
    assert normalise_country("de") == "DE"
    assert normalise_country("UK") == "GB"
    with pytest.raises(ValueError, match="unknown country"):
        normalise_country("Atlantis")
    assert parse_datetime("2024-03-01") == datetime(2024, 3, 1, tzinfo=UTC)
    assert parse_datetime("2024-03-01T10:00:00+02:00").hour == 10
    with pytest.raises(ValueError, match="not a date"):
        parse_datetime("yesterday-ish")


# parse_distinct: the vectorised paths must give exactly what the scalar parsers give.
_NUMBERISH = st.text(alphabet="0123456789.,+-%@ _KkMmBbNnxa\t\u00a0", max_size=12)
_HANDLEISH = st.text(alphabet="abcXYZ09._-@/: \u00fc", max_size=14)


def _scalar(parser, value):
    try:
        return parser(value), None
    except ValueError as exc:
        return None, str(exc)


@pytest.mark.parametrize("parser", [parse_number, parse_count, parse_share, normalise_handle])
@hyp_settings(max_examples=150, deadline=None)
@given(values=st.lists(st.one_of(_NUMBERISH, _HANDLEISH), max_size=30, unique=True))
def test_parse_distinct_matches_the_scalar_parser(parser, values):
    results, errors = parse_distinct(parser, np.array(values, dtype=object))
    for position, value in enumerate(values):
        expected, reason = _scalar(parser, value)
        assert errors.get(position) == reason, value
        assert results[position] == expected and type(results[position]) is type(expected), value


def test_parse_distinct_fast_paths_and_text_fields():
    values = np.array(["48.5M", "383.1K", " 3.4% ", "0.034", "2.5", "-0", "9" * 400], dtype=object)
    results, errors = parse_distinct(parse_count, values)
    assert list(results[:5]) == [48_500_000, 383_100, None, 0, 2] and results[5] == 0
    assert "not a number" in errors[2] and "not a finite number" in errors[6]
    text = text_parser(5)
    results, errors = parse_distinct(text, np.array([" ab ", "   ", "toolong"], dtype=object))
    assert list(results) == ["ab", None, None]
    assert errors == {2: "longer than 5 characters"}


def test_iso_dates_parsed_a_column_at_once_give_the_scalar_parsers_moments():
    values = np.array(
        [
            "2025-05-01T10:00:00Z",
            "2025-05-01 12:00:00+02:00",
            "2025-05-01",
            "2025-05-01T10:00:00.652000",
            "1714550400",
            "9999-12-31",
            "May 1, 2025",
        ],
        dtype=object,
    )
    results, errors = parse_distinct(parse_datetime, values)
    for position, value in enumerate(values):
        try:
            expected = parse_datetime(value)
        except ValueError as exc:
            assert errors[position] == str(exc)
        else:
            assert results[position] == expected and results[position].tzinfo is not None
    assert list(errors) == [5]
