"""What a column's values look like: a quick, vectorised profile of a sample of its cells, so
the column detector (columns) can decide between candidate fields and catch wrong guesses.

`ColumnProfile(sample).share(kind)` is, for one column's sample (text cells, None for empty),
the share of non-empty values that look like a VALUE_KINDS kind: a handle (lower-case word with dots,
underscores, digits), a display name (capitals, spaces or letters of any script), a URL, a
country (ISO code or name), a date or epoch timestamp, a count (K/M suffixes), a share, money,
a boolean, an id, a platform name, an e-mail address, or plain text. Only the detector's sample is profiled (SAMPLE_ROWS rows),
never the whole file.
"""

from __future__ import annotations

import unicodedata

import pandas as pd

from creators.importing.values import normalise_country, normalise_platform, parse_datetime

SAMPLE_ROWS = 500
# Fewer non-empty values than this say nothing about a column: its header decides alone.
MIN_VALUES = 3

_HANDLE = r"@?[a-z0-9._]{1,30}"
_PROFILE_URL = (
    r"(?:https?://)?(?:www\.|m\.)?(?:instagram\.com|tiktok\.com|youtube\.com|twitter\.com|"
    r"x\.com|twitch\.tv|facebook\.com)/(?:c/|user/|channel/)?@?[^/?#\s]+/?"
)
_URL = r"(?:https?://|www\.)\S+"
_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?"
_COUNT = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?\s*(?:[kKmMbB]|[bB][nN])?"
_SHARE = rf"{_NUMBER}\s*%"
_MONEY = rf"(?:[$€£¥]\s*{_NUMBER}|{_NUMBER}\s*(?:[$€£¥]|usd|eur|gbp)|{_NUMBER})"
_BOOL = r"(?:true|false|yes|no|y|n|t|f|0|1|x)"
_EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
_ID = r"[A-Za-z0-9_\-:]{1,100}"
_EPOCH = r"\d{9,10}(?:\.\d+)?|\d{12,13}"
_ISO_DATE = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"


class ColumnProfile:
    """One column's sample, profiled lazily: `share(kind)` is the share of its non-empty values
    that look like `kind` (each kind computed once, on first use); `known` is False when the
    sample has fewer than MIN_VALUES non-empty values, and says nothing."""

    def __init__(self, sample: pd.Series):
        text = sample.dropna().astype(str).str.strip()
        self.text = text[(text != "") & (text.str.lower() != "nan")].head(SAMPLE_ROWS)
        self.known = len(self.text) >= MIN_VALUES
        self._shares: dict[str, float] = {}

    def share(self, kind: str) -> float:
        if kind not in self._shares:
            mask = _MASKS[kind](self.text) if self.known else None
            self._shares[kind] = 0.0 if mask is None else round(float(mask.mean()), 4)
        return self._shares[kind]

    def fit(self, kind: str) -> float | None:
        """How well the column fits a field expecting `kind` (0..1), None when unknown."""
        return self.share(kind) if self.known else None


def _handle(text: pd.Series) -> pd.Series:
    return text.str.fullmatch(_HANDLE) | text.str.fullmatch(_PROFILE_URL, case=False)


def _name(text: pd.Series) -> pd.Series:
    return text.map(_has_letter) & ~text.str.fullmatch(_HANDLE) & ~text.str.fullmatch(_URL)


def _parsed_by(parser, prefilter=None):
    def mask(text: pd.Series) -> pd.Series:
        candidates = text.str.len() <= 40
        if prefilter is not None:
            candidates &= prefilter(text)
        ok = _parses(parser, text[candidates].drop_duplicates())
        return candidates & text.map(lambda v: ok.get(v, False))

    return mask


def _date(text: pd.Series) -> pd.Series:
    worded = _parsed_by(
        parse_datetime, lambda t: t.map(_has_letter) | t.str.contains(r"[/.\-:]", regex=True)
    )
    return text.str.fullmatch(_EPOCH) | text.str.fullmatch(_ISO_DATE) | worded(text)


def _share(text: pd.Series) -> pd.Series:
    plain = text.str.fullmatch(_NUMBER) & (pd.to_numeric(text, errors="coerce") <= 100)
    return text.str.fullmatch(_SHARE) | plain


def _id(text: pd.Series) -> pd.Series:
    # Ids are mostly distinct: a column of a few repeated values is not one.
    unique = text.nunique() / len(text) >= 0.5
    return text.str.fullmatch(_ID) & unique


_MASKS = {
    "handle": _handle,
    "name": _name,
    "url": lambda t: t.str.fullmatch(_URL, case=False),
    "country": _parsed_by(normalise_country),
    "date": _date,
    "count": lambda t: t.str.fullmatch(_COUNT),
    "share": _share,
    "money": lambda t: t.str.lower().str.fullmatch(_MONEY),
    "bool": lambda t: t.str.lower().str.fullmatch(_BOOL),
    "id": _id,
    "platform": _parsed_by(normalise_platform),
    "email": lambda t: t.str.fullmatch(_EMAIL),
    "language": lambda t: t.str.fullmatch(r"[A-Za-z]{2}(?:[-_][A-Za-z]{2})?"),
    "text": lambda t: pd.Series(True, index=t.index),
}
VALUE_KINDS = tuple(_MASKS)


def _has_letter(value: str) -> bool:
    return any(unicodedata.category(c).startswith("L") for c in value)


def _parses(parser, distinct: pd.Series):
    """{value: whether `parser` accepts it}, each distinct value parsed once."""
    accepted = {}
    for value in distinct:
        try:
            accepted[value] = parser(value) is not None
        except ValueError:
            accepted[value] = False
    return accepted


DESCRIPTIONS = {
    "handle": "look like handles",
    "name": "look like display names",
    "url": "are links",
    "country": "are countries",
    "date": "are dates or timestamps",
    "count": "are counts",
    "share": "are percentages or shares",
    "money": "are amounts",
    "bool": "are yes/no values",
    "id": "look like ids",
    "platform": "are platform names",
    "email": "are e-mail addresses",
    "language": "are language codes",
    "text": "are text",
}


def slug_handle(value) -> str | None:
    """A handle derived from a display name: letters (accents dropped) and digits, lower case,
    everything else removed ("YouTube Movies" -> "youtubemovies", "T-Series" -> "tseries").
    None for an empty cell; ValueError when nothing of it is Latin letters or digits."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or text.lower() == "nan":
        return None
    kept = []
    for char in text:
        if char.isascii():
            if char.isalnum():
                kept.append(char.lower())
            continue
        if unicodedata.category(char).startswith("L"):
            base = unicodedata.normalize("NFKD", char)[0]
            if base.isascii() and base.isalpha():
                kept.append(base.lower())
    handle = "".join(kept)[:100]
    if not handle:
        raise ValueError(f"no handle can be derived from {text[:60]!r}")
    return handle
