"""Which file column feeds which field: headers read by their words, columns by their content.

A header is split into words (`header_tokens`: "IG account name" -> ig, account, name;
"subscriberCount" -> subscriber, count; "#Followees" -> followees). A field matches a header
exactly (its name 100, a synonym 95, separators and case aside; 2 less for a plural "s") or by words, when
a synonym's words appear in a row among the header's (`owner_username`, `posted_at_utc`),
scored higher the more words the synonym covers (a more specific field beats a general one) and
lower for each other word of the header. Words every export adds (ig, utc, total, #) cost
nothing; a generic word (name, id, rate, a word of several fields' synonyms) matches by words only
when nothing else is in the header. A field may avoid headers with some words (the creator's
country is not the "audience country").

Each candidate column's sample is then profiled (content.ColumnProfile): the share of values
that look like what the field expects scales the score (ties go to the content; a rival
within 10% with as good a header makes the choice unsure), and a column
where fewer than half do is no candidate at all (a "name" column of handles is the handle, not the
display name). Columns go to fields greedily, best score first, each column feeding at most
one field. When a kind has no handle column but a display-name one, handles are derived from the
display names (DERIVED_PREFIX in the mapping, content.slug_handle parses them).

`detect(headers, spec, sample)` returns a Detection: the mapping, and per field its Choice with
the evidence shown on the preview and by import_creators, and whether it is sure.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from creators.importing.content import DESCRIPTIONS, ColumnProfile, slug_handle
from creators.importing.values import (
    normalise_country,
    normalise_handle,
    normalise_platform,
    parse_bool,
    parse_count,
    parse_datetime,
    parse_share,
)
from matchmaker.lib.formatting import rate
from matchmaker.lib.numbers import parse_number

if TYPE_CHECKING:
    from creators.importing.registry import FieldSpec, KindSpec

# A mapping value "derive:Youtuber" feeds the field handles derived from that column's names.
DERIVED_PREFIX = "derive:"
# Words exports add around the usual ones, which say nothing about the field.
NOISE = frozenset(
    {
        "ig", "insta", "instagram", "tt", "tiktok", "tik", "tok", "yt", "youtube", "you", "tube",
        "twitter", "fb", "x",
        "utc", "gmt", "iso", "local", "the", "of", "in", "on", "per", "at", "by", "for",
        "number", "num", "no", "nr", "total", "all", "my", "raw", "col", "field", "data",
        "value", "s", "1", "2", "mostly", "current", "latest", "profile", "account",
        # the objects JSON exports nest their fields in (node.username, statistics.viewCount)
        "node", "graphql", "edges", "snippet", "statistics", "stats", "meta", "item", "items",
        "attributes",
    }
)  # fmt: skip
# Words too general to pick a field when the header holds other words too.
GENERIC = frozenset(
    {
        "id", "date", "time", "name", "url", "link", "type", "key", "label", "code", "rate",
        "user", "account", "profile", "channel", "site", "contact", "about", "description",
        "title", "group", "n", "sample", "post", "video", "count", "er", "ad", "paid",
        "price", "fee", "lang", "display", "saved", "creator", "author", "owner", "engagement",
    }
)  # fmt: skip
# field -> header words that rule it out (a different thing with a similar name).
AVOID = {
    "country": {"audience", "follower", "followers", "rank", "code2"},
    "followers": {"growth", "gained", "last", "change", "delta", "rank", "day", "days", "30"},
    "following": {"rank"},
    "posts_count": {"rank", "last", "days"},
    "handle": {"follower", "tagged", "mention", "mentions", "sponsor"},
    "display_name": {"follower", "category", "tagged"},
    "reported_engagement_rate": {"authentic", "avg", "average"},
}
# What a field's values look like when its FieldSpec does not say: by its parser.
_CONTENT_OF_PARSER = {
    normalise_handle: "handle",
    normalise_platform: "platform",
    normalise_country: "country",
    parse_count: "count",
    parse_number: "count",
    parse_share: "share",
    parse_datetime: "date",
    parse_bool: "bool",
}
# A column where fewer than this share of values fit a field is no candidate for it: by
# words of a synonym, by a whole synonym (a few bad cells are the rows to reject, not a sign of
# the wrong column); a header that is the field's own name is always one.
VETO_FIT_WORDS = 0.5
VETO_FIT_SYNONYM = 0.2
# field -> synonyms that name it only when the values agree (most "name" columns are names).
CONFIRMED_BY_CONTENT = {"handle": {"name", "author", "youtuber", "influencer"}}
SURE_SCORE = 60
SURE_FIT = 0.8


def normalise_header(header: str) -> str:
    """ "Follower Count (#)" -> "follower_count"; "E-mail" -> "e_mail"."""
    text = re.sub(r"[^0-9a-z]+", "_", str(header).strip().lower().replace("%", " pct "))
    return text.strip("_")


def header_tokens(header: str) -> tuple[str, ...]:
    """The words of a header: camelCase split, lower case, every other character a separator
    (emoji, punctuation, other scripts' separators), "%" as pct."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(header))
    text = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", text)
    return tuple(t for t in normalise_header(text).split("_") if t)


def header_signature(headers: list[str]) -> str:
    """A stable hash of the normalised header row (SavedMapping.header_signature)."""
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode()).hexdigest()


def _stem(token: str) -> str:
    return token[:-1] if len(token) > 3 and token.endswith("s") else token


def content_of(spec_field: FieldSpec) -> str:
    if spec_field.content:
        return spec_field.content
    parser = spec_field.parser
    return getattr(parser, "content", None) or _CONTENT_OF_PARSER.get(parser, "text")


@dataclass(frozen=True)
class HeaderMatch:
    score: float
    word: str  # the synonym (or field name) that matched
    exact: bool


def header_match(tokens: tuple[str, ...], spec_field: FieldSpec) -> HeaderMatch | None:
    """How well a header (its words) names a field; None when it does not."""
    if not tokens or set(tokens) & AVOID.get(spec_field.name, set()):
        return None
    stems = [_stem(t) for t in tokens]
    joined = "".join(stems)
    tokens_joined = "".join(tokens)
    best: HeaderMatch | None = None
    for position, candidate in enumerate((spec_field.name, *spec_field.synonyms)):
        words = [_stem(t) for t in header_tokens(candidate)]
        target = "".join(words)
        if not target:
            continue
        if tokens_joined == "".join(header_tokens(candidate)):
            match = HeaderMatch(100 if position == 0 else 95, candidate, True)
        elif joined == target:  # the same but for a plural "s"
            match = HeaderMatch(98 if position == 0 else 93, candidate, True)
        else:
            run = _run_of(stems, target)
            if run is None:
                continue
            start, end = run
            extras = [t for t in tokens[:start] + tokens[end:] if t not in NOISE]
            if extras and end - start == 1 and (target in GENERIC or len(target) <= 2):
                continue
            covered = end - start
            match = HeaderMatch(min(89, 50 + 10 * covered - 4 * len(extras)), candidate, False)
        if best is None or match.score > best.score:
            best = match
    return best


def _run_of(stems: list[str], target: str) -> tuple[int, int] | None:
    """The longest run of consecutive header words that spells `target` (start, end)."""
    found = None
    for start in range(len(stems)):
        text = ""
        for end in range(start + 1, len(stems) + 1):
            text += stems[end - 1]
            if len(text) > len(target):
                break
            if text == target and (found is None or end - start > found[1] - found[0]):
                found = (start, end)
    return found


@dataclass
class Choice:
    """Why a column feeds a field."""

    field: str
    column: str
    score: float
    evidence: str
    sure: bool
    derived: bool = False
    header_score: float = 100


@dataclass
class Detection:
    mapping: dict[str, str] = field(default_factory=dict)
    choices: dict[str, Choice] = field(default_factory=dict)
    # field -> why no column feeds it (a candidate ruled out by its values)
    notes: dict[str, str] = field(default_factory=dict)
    preset: str = ""  # the preset applied (presets), if any

    def uncertain(self, spec: KindSpec, *, have_platform: bool) -> list[str]:
        """Required fields without a sure column (missing ones included)."""
        fields = []
        for spec_field in spec.fields:
            if not spec_field.required or (spec_field.name == "platform" and have_platform):
                continue
            choice = self.choices.get(spec_field.name)
            if choice is None or not choice.sure:
                fields.append(spec_field.name)
        return fields

    def explain(self, name: str) -> str:
        choice = self.choices.get(name)
        if choice is not None:
            return choice.evidence + ("" if choice.sure else " (not sure: check it)")
        return self.notes.get(name, "no column found")

    def override(self, name: str, column: str, evidence: str) -> None:
        """A column given or remembered for a field: sure, whatever was detected."""
        for other, choice in list(self.choices.items()):
            if other != name and choice.column == column and not choice.derived:
                del self.choices[other]
                self.mapping.pop(other, None)
        self.mapping[name] = column
        derived = column.startswith(DERIVED_PREFIX)
        self.choices[name] = Choice(name, column, 100, evidence, True, derived)

    def drop(self, name: str, evidence: str) -> None:
        self.mapping.pop(name, None)
        self.choices.pop(name, None)
        self.notes[name] = evidence


def _vetoed(match: HeaderMatch, spec_field: FieldSpec, kind: str, fit: float | None) -> bool:
    """Whether the values rule the column out for the field (module docstring)."""
    if match.word in CONFIRMED_BY_CONTENT.get(spec_field.name, ()):
        return fit is None or fit < SURE_FIT
    if kind == "text" or fit is None or match.score == 100:
        return False
    return fit < (VETO_FIT_SYNONYM if match.exact else VETO_FIT_WORDS)


def _percent(share: float) -> str:
    return rate(share, 0)


def detect(headers: list[str], spec: KindSpec, sample: pd.DataFrame | None = None) -> Detection:
    """The detected mapping with its evidence; `sample` is some first rows of the file (the
    header's columns, text cells), or None to read the headers only."""
    profiles: dict[str, ColumnProfile] = {}

    def profile(header: str) -> ColumnProfile | None:
        if sample is None or header not in sample:
            return None
        if header not in profiles:
            column = sample[header]
            if isinstance(column, pd.DataFrame):  # the header row names this column twice
                column = column.iloc[:, 0]
            profiles[header] = ColumnProfile(column)
        return profiles[header]

    unique_headers = list(dict.fromkeys(headers))
    tokens = {h: header_tokens(h) for h in unique_headers}
    candidates = []
    notes: dict[str, str] = {}
    for spec_field in spec.fields:
        kind = content_of(spec_field)
        for header in unique_headers:
            match = header_match(tokens[header], spec_field)
            if match is None:
                continue
            column_profile = profile(header)
            fit = column_profile.fit(kind) if column_profile is not None else None
            words = "header" if match.exact else "header words"
            evidence = f"{words} {match.word.replace('_', ' ')!r}"
            if fit is not None and kind != "text":
                evidence += f", {_percent(fit)} of values {DESCRIPTIONS[kind]}"
            if _vetoed(match, spec_field, kind, fit):
                if fit is None:
                    continue
                notes.setdefault(
                    spec_field.name,
                    f"not {header!r}: only {_percent(fit)} of its values {DESCRIPTIONS[kind]}",
                )
                continue
            score = match.score * (0.75 if fit is None else 0.5 + 0.5 * fit)
            if match.score == 100 or kind == "text":
                sure = True
            elif match.exact:
                sure = fit is None or fit >= VETO_FIT_WORDS
            else:
                sure = match.score >= SURE_SCORE and (fit is None or fit >= SURE_FIT)
            candidates.append(
                Choice(spec_field.name, header, round(score, 2), evidence, sure, False, match.score)
            )
    candidates.sort(key=lambda c: (-c.score, headers.index(c.column)))
    detection = Detection(notes=notes)
    used: set[str] = set()
    for choice in candidates:
        if choice.field in detection.choices or choice.column in used:
            continue
        rivals = [
            c
            for c in candidates
            if c is not choice
            and c.score >= 0.9 * choice.score
            and c.header_score >= choice.header_score
            and c.column not in used
            and c.field not in detection.choices
            and (c.field == choice.field or c.column == choice.column)
        ]
        if rivals:
            choice.sure = False
            rival = rivals[0]
            other = rival.column if rival.field == choice.field else rival.field
            choice.evidence += f"; {other!r} fits almost as well"
        detection.choices[choice.field] = choice
        detection.mapping[choice.field] = choice.column
        detection.notes.pop(choice.field, None)
        used.add(choice.column)
    _derive_handles(detection, spec, headers, profile)
    return detection


def _derive_handles(detection: Detection, spec: KindSpec, headers: list[str], profile) -> None:
    """No handle column: propose handles derived from a display-name column (the one mapped,
    else a column ruled out as the handle because its values are names)."""
    names = [f.name for f in spec.fields]
    if "handle" not in names or "handle" in detection.mapping:
        return
    source = detection.mapping.get("display_name")
    if source is None:
        for header in dict.fromkeys(headers):
            column_profile = profile(header)
            handle_words = any(
                header_match(header_tokens(header), f) is not None
                for f in spec.fields
                if f.name == "handle"
            )
            if handle_words and column_profile is not None and column_profile.fit("name"):
                source = header
                break
    if source is None:
        return
    column_profile = profile(source)
    evidence = (
        f"no handle column: handles derived from the names in {source!r} "
        "(lower case, spaces and symbols removed)"
    )
    # Too few values to tell: proposed, never taken without a look.
    sure = False
    if column_profile is not None and column_profile.known:
        slugs = []
        for value in column_profile.text:
            try:
                slugs.append(slug_handle(value))
            except ValueError:
                slugs.append(None)
        made = pd.Series(slugs, dtype=object).dropna()
        share = len(made) / len(column_profile.text)
        distinct = made.nunique() / max(1, len(made))
        evidence += f", {_percent(share)} of values give one, {_percent(distinct)} distinct"
        sure = share >= 0.9
    detection.choices["handle"] = Choice(
        "handle", DERIVED_PREFIX + source, 50, evidence, sure, derived=True
    )
    detection.mapping["handle"] = DERIVED_PREFIX + source
    detection.notes.pop("handle", None)


def detect_mapping(
    headers: list[str], spec: KindSpec, sample: pd.DataFrame | None = None
) -> dict[str, str]:
    """Our field -> the file's header (see detect)."""
    return detect(headers, spec, sample).mapping


def missing_required(mapping: dict[str, str], spec: KindSpec, *, have_platform: bool) -> list[str]:
    """Required fields the mapping does not cover (platform is not needed when the job sets one)."""
    missing = []
    for spec_field in spec.fields:
        if not spec_field.required or spec_field.name in mapping:
            continue
        if spec_field.name == "platform" and have_platform:
            continue
        missing.append(spec_field.name)
    return missing
