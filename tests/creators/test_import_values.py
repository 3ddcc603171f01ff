"""The value parsers: human numbers, shares, handles, platforms, countries, dates."""

from datetime import UTC, datetime

import pytest

from creators.importing.values import (
    normalise_country,
    normalise_handle,
    normalise_platform,
    parse_count,
    parse_datetime,
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
