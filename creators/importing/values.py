"""The parsers of human-written values in imported files.

Counts and shares (" 3.4% " or 0.034) over the one number parser, matchmaker.lib.numbers
("48.5M", "1.2B", "12,345"); handles (with @, or as profile URLs); platform names; countries by
name or ISO code; dates; links; yes/no; hashtag lists, and the hashtags of a caption.
Each parser returns None for an empty cell and raises ValueError with a readable reason for
a value it cannot understand, so the caller can report the row and the reason.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from functools import cache

import numpy as np
import pandas as pd
from babel import Locale

from creators.models import Platform
from matchmaker.lib.dates import date_problem, window_stamps
from matchmaker.lib.numbers import BLANKS, SUFFIXES, is_blank, parse_number
from matchmaker.lib.urls import is_http_url, with_scheme

# The vectorised column parser below scales by the same suffixes as the one scalar parser.
_SUFFIX = {suffix: float(scale) for suffix, scale in SUFFIXES.items()}


def parse_count(value) -> int | None:
    """A non-negative whole count (followers, likes). "1.2K" -> 1200."""
    number = parse_number(value)
    if number is None:
        return None
    if number < 0:
        raise ValueError(f"negative count: {str(value)[:40]!r}")
    if number > 9e15:
        raise ValueError(f"count too large: {str(value)[:40]!r}")
    return round(number)


def parse_share(value) -> float | None:
    """A fraction 0..1 from "3.4%", " 3.4 % ", 0.034 or 3.4 (a bare number > 1 is a percent)."""
    if is_blank(value):
        return None
    text = str(value).strip()
    percent = text.endswith("%")
    number = parse_number(text.rstrip("%").strip()) if percent else parse_number(value)
    if number is None:
        raise ValueError(f"not a share: {text[:40]!r}")
    if percent or number > 1:
        number = number / 100
    if not 0 <= number <= 1:
        raise ValueError(f"share outside 0-100%: {text[:40]!r}")
    return number


_URL = re.compile(
    r"^(?:https?://)?(?:www\.|m\.|mobile\.)?"
    r"(?:instagram\.com|tiktok\.com|youtube\.com|twitter\.com|x\.com|twitch\.tv|facebook\.com)"
    r"/(?:c/|user/|channel/)?@?([^/?#\s]+)",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"^[a-z0-9._\-]{1,100}$")


def normalise_handle(value) -> str | None:
    """Lower-case handle without @, from "@Name", "name" or a profile URL."""
    if is_blank(value):
        return None
    text = str(value).strip()
    match = _URL.match(text)
    if match:
        text = match.group(1)
    text = text.lstrip("@").strip().lower()
    if not _HANDLE.match(text):
        raise ValueError(f"not a handle: {str(value)[:60]!r}")
    return text


_PLATFORMS = {
    "instagram": "instagram", "ig": "instagram", "insta": "instagram",
    "tiktok": "tiktok", "tik tok": "tiktok", "tt": "tiktok",
    "youtube": "youtube", "yt": "youtube", "you tube": "youtube",
    "twitter": "twitter", "x": "twitter", "x / twitter": "twitter", "x.com": "twitter",
    "twitch": "twitch", "facebook": "facebook", "fb": "facebook",
}  # fmt: skip


def normalise_platform(value) -> str | None:
    """One of creators.Platform values from a name or abbreviation ("IG", "X", "YouTube")."""
    if is_blank(value):
        return None
    key = str(value).strip().lower()
    if key in _PLATFORMS:
        return _PLATFORMS[key]
    raise ValueError(
        f"unknown platform: {str(value)[:40]!r} (use one of {', '.join(Platform.values)})"
    )


_COUNTRY_NAMES = {
    "united states": "US", "usa": "US", "united states of america": "US", "america": "US",
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "england": "GB",
    "germany": "DE", "deutschland": "DE", "france": "FR", "spain": "ES", "españa": "ES",
    "italy": "IT", "italia": "IT", "netherlands": "NL", "the netherlands": "NL",
    "belgium": "BE", "austria": "AT", "switzerland": "CH", "sweden": "SE", "norway": "NO",
    "denmark": "DK", "finland": "FI", "poland": "PL", "portugal": "PT", "ireland": "IE",
    "canada": "CA", "mexico": "MX", "brazil": "BR", "brasil": "BR", "argentina": "AR",
    "india": "IN", "japan": "JP", "china": "CN", "south korea": "KR", "korea": "KR",
    "australia": "AU", "new zealand": "NZ", "indonesia": "ID", "philippines": "PH",
    "turkey": "TR", "türkiye": "TR", "russia": "RU", "ukraine": "UA", "nigeria": "NG",
    "south africa": "ZA", "egypt": "EG", "kenya": "KE", "united arab emirates": "AE",
    "uae": "AE", "saudi arabia": "SA", "singapore": "SG", "malaysia": "MY", "thailand": "TH",
    "vietnam": "VN", "colombia": "CO", "chile": "CL", "peru": "PE", "greece": "GR",
    "czech republic": "CZ", "czechia": "CZ", "romania": "RO", "hungary": "HU", "israel": "IL",
    "pakistan": "PK", "bangladesh": "BD",
}  # fmt: skip


@cache
def _country_names() -> dict[str, str]:
    """English country names (CLDR's, through babel) and the common other spellings -> code."""
    names = {
        name.lower(): code
        for code, name in Locale("en").territories.items()
        if len(code) == 2 and code.isalpha()
    }
    return names | _COUNTRY_NAMES


def normalise_country(value) -> str | None:
    """ISO 3166-1 alpha-2 code from a code ("de", "GBR" is not accepted) or an English name;
    "nan" (pandas' empty cell, written out by exports) is empty."""
    if is_blank(value) or str(value).strip().lower() == "nan":
        return None
    text = str(value).strip()
    if re.fullmatch(r"[A-Za-z]{2}", text):
        code = text.upper()
        return "GB" if code == "UK" else code
    code = _country_names().get(text.lower())
    if code:
        return code
    raise ValueError(f"unknown country: {text[:40]!r} (use a name or a 2-letter ISO code)")


def parse_datetime(value) -> datetime | None:
    """An aware datetime (UTC when no zone is given) from ISO text, common date forms or epoch,
    within the plausible window of matchmaker.lib.dates (2004 to tomorrow)."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        stamp = pd.Timestamp(value)
    else:
        text = str(value).strip()
        try:
            if re.fullmatch(r"\d{9,10}(\.\d+)?", text):
                stamp = pd.Timestamp(float(text), unit="s")
            else:
                stamp = pd.Timestamp(text)
        except (ValueError, OverflowError, TypeError) as exc:
            raise ValueError(f"not a date: {text[:40]!r}") from exc
    if stamp is pd.NaT or pd.isna(stamp):
        raise ValueError(f"not a date: {str(value)[:40]!r}")
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize(UTC)
    moment = stamp.to_pydatetime()
    problem = date_problem(moment)
    if problem:
        raise ValueError(problem)
    return moment


# The common shape of a link, a strict subset of what Django's URL check accepts (host labels of
# letters, digits and inner hyphens, an alphabetic top-level domain, printable ASCII after it):
# a whole column of these is checked at once, everything else goes through the full check.
_FAST_URL = re.compile(
    r"https?://(?P<host>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})(?:[/?#][!-~]*)?",
    re.IGNORECASE,
)


def url_parser(limit: int):
    """A parser of a link column: an http(s) URL of at most `limit` characters (https:// is
    assumed when the cell names no scheme); javascript:, data: or any other scheme, or text
    that is not a URL, is a row error."""

    def parse(value) -> str | None:
        if is_blank(value):
            return None
        text = with_scheme(str(value).strip())
        if len(text) > limit:
            raise ValueError(f"URL longer than {limit} characters")
        if not is_http_url(text):
            raise ValueError(f"not an http(s) URL: {str(value).strip()[:60]!r}")
        return text

    def fast(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        text = values.str.strip()
        host = text.str.extract(f"^{_FAST_URL.pattern}$", flags=re.IGNORECASE)["host"]
        handled = (host.notna() & (host.str.len() <= 253) & (text.str.len() <= limit)).to_numpy()
        return handled, text.to_numpy(dtype=object)

    parse.fast = fast
    parse.content = "url"
    return parse


def parse_bool(value) -> bool | None:
    """yes/no, true/false, 1/0, x."""
    if is_blank(value):
        return None
    text = str(value).strip().lower()
    if text in {"1", "1.0", "true", "yes", "y", "x", "t"}:
        return True
    if text in {"0", "0.0", "false", "no", "n", "f"}:
        return False
    raise ValueError(f"not yes/no: {str(value)[:40]!r}")


# A hashtag in a caption: "#" not inside a word (an "&#39;" entity, "C#"), then word
# characters with at least one letter ("#1" is a rank, not a tag); an emoji ends it.
HASHTAG = r"(?<![\w&#])#(\w*[^\W\d_]\w*)"
HASHTAG_LIMIT = 100
HASHTAGS_PER_POST = 60


def unique_hashtags(tags) -> list[str]:
    """Tags without "#", each once (case-insensitively, the first spelling kept), in order;
    at most HASHTAGS_PER_POST, each at most HASHTAG_LIMIT characters."""
    seen, out = set(), []
    for tag in tags:
        tag = str(tag).strip().lstrip("#").strip()[:HASHTAG_LIMIT]
        key = tag.casefold()
        if tag and key not in seen:
            seen.add(key)
            out.append(tag)
    return out[:HASHTAGS_PER_POST]


def parse_hashtags(value) -> list[str] | None:
    """A hashtags cell: a JSON list (["skincare", "#glow"]) or tags separated by commas,
    semicolons or spaces, with or without "#"."""
    if is_blank(value):
        return None
    if isinstance(value, list | tuple):
        return unique_hashtags(value) or None
    text = str(value).strip()
    if text.startswith("["):
        try:
            items = json.loads(text)
        except ValueError:
            items = None
        if isinstance(items, list):
            return unique_hashtags(items) or None
        text = text.strip("[]")
    items = [item.strip("'\"") for item in re.split(r"[\s,;]+", text)]
    return unique_hashtags(items) or None


def caption_hashtags(captions: pd.Series) -> pd.Series:
    """The hashtags each caption carries (lists, [] for none), as unique_hashtags gives them."""
    found = captions.fillna("").astype(str).str.findall(HASHTAG)
    return found.map(unique_hashtags)


# ---------------------------------------------------------------- whole columns at once
#
# parse_distinct parses the distinct values of a column. The common shapes (plain handles,
# numbers with an optional K/M/B suffix, percentages) are parsed with vectorised string ops; every
# other value goes through the scalar parser above, so results and error messages are the same.

_FAST_NUMBER = r"([+-]?[0-9]+(?:\.[0-9]+)?)(K|M|B|BN|MM)?"
_FAST_SHARE = r"([+-]?[0-9]+(?:\.[0-9]+)?)([ \t]*%)?"
_FAST_HANDLE = r"@?[A-Za-z0-9._\-]{1,100}"
_BLANKS = sorted(BLANKS)


def _stripped(values: pd.Series) -> pd.Series:
    return values.str.strip()


def _fast_number(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(handled mask, numbers) for plain numbers with an optional suffix; the rest: scalar."""
    parts = _stripped(values).str.extract(f"^{_FAST_NUMBER}$", flags=re.IGNORECASE)
    handled = parts[0].notna().to_numpy()
    numbers = np.full(len(values), np.nan)
    if handled.any():
        scale = parts.loc[handled, 1].fillna("").str.upper().map(_SUFFIX).fillna(1.0)
        numbers[handled] = parts.loc[handled, 0].astype(float).to_numpy() * scale.to_numpy()
    handled &= np.isfinite(numbers)
    return handled, numbers


def _fast_parse_number(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    handled, numbers = _fast_number(values)
    return handled, numbers.astype(object)


def _fast_parse_count(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    handled, numbers = _fast_number(values)
    handled &= (numbers >= 0) & (numbers <= 9e15)
    counts = np.zeros(len(values), dtype=np.int64)
    counts[handled] = np.rint(numbers[handled])  # round half to even, as round() does
    results = np.empty(len(values), dtype=object)
    results[:] = counts.tolist()
    return handled, results


def _fast_parse_share(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    parts = _stripped(values).str.extract(f"^{_FAST_SHARE}$")
    handled = parts[0].notna().to_numpy()
    shares = np.full(len(values), np.nan)
    if handled.any():
        number = parts.loc[handled, 0].astype(float).to_numpy()
        percent = parts.loc[handled, 1].notna().to_numpy()
        shares[handled] = np.where(percent | (number > 1), number / 100, number)
    handled &= (shares >= 0) & (shares <= 1)
    return handled, shares.astype(object)


def _fast_normalise_handle(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    text = _stripped(values)
    handled = (text.str.fullmatch(_FAST_HANDLE, na=False) & ~text.isin(_BLANKS)).to_numpy()
    return handled, text.str.lstrip("@").str.lower().to_numpy(dtype=object)


# ISO 8601 as exports write it (dates, times to the second or finer, Z or an offset).
_FAST_ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-]\d{2}:?\d{2})?"


def _fast_parse_datetime(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """ISO text inside the plausible window, a whole column at once (as UTC, the same moment
    parse_datetime gives); anything else, and every date outside the window (for its
    message), goes through parse_datetime."""
    text = _stripped(values)
    iso = text.str.fullmatch(_FAST_ISO).fillna(False).to_numpy(dtype=bool)
    results = np.full(len(values), None, dtype=object)
    if not iso.any():
        return iso, results
    stamps, bad = window_stamps(text[iso])
    handled = iso.copy()
    handled[iso] = ~bad
    good = stamps[~bad]
    results[handled] = pd.DatetimeIndex(good).to_pydatetime()
    return handled, results


_FAST = {
    parse_datetime: _fast_parse_datetime,
    parse_number: _fast_parse_number,
    parse_count: _fast_parse_count,
    parse_share: _fast_parse_share,
    normalise_handle: _fast_normalise_handle,
}


def parse_distinct(parser, values: np.ndarray) -> tuple[np.ndarray, dict[int, str]]:
    """Parse an array of distinct non-null values with `parser` (a scalar parser of this module
    or any callable; a callable may carry a `fast` attribute like the ones in _FAST).

    Returns the results (object array, None where the value is empty or invalid) and the
    errors as {position: reason}."""
    results = np.empty(len(values), dtype=object)
    errors: dict[int, str] = {}
    todo: np.ndarray | range = range(len(values))
    fast = _FAST.get(parser) or getattr(parser, "fast", None)
    if fast is not None and len(values):
        handled, fast_results = fast(pd.Series(values, dtype=object))
        results[handled] = fast_results[handled]
        todo = np.flatnonzero(~handled)
    for position in todo:
        try:
            results[position] = parser(values[position])
        except (ValueError, TypeError, OverflowError) as exc:
            errors[int(position)] = str(exc)
    return results, errors
