"""Discovery's "already mentions <brand>" filter: scoring.metrics.affinity's matching rules
(organic_mentions) as a PostgreSQL condition on a creator's unpaid posts, so the filter keeps
exactly the creators whose profile timeline shows the brand, and the count and last date a row
shows are the ones affinity finds (tests/campaigns/test_discovery_mentions.py checks both
engines on the same posts).

The searched text is the caption, the hashtags and the sponsor tags (the JSON lists as text:
their quotes, commas and brackets are non-word characters, as affinity's joining spaces are),
folded as affinity.normalised folds it: NFKD, combining marks dropped, lower(), then the few
characters where Unicode case folding differs from lower-casing (ß -> ss, ς -> σ, Cherokee),
"_" as a space. The regex is affinity.term_pattern's with Python's word class spelt out as
code-point ranges: PostgreSQL's \\w follows the C library's classes, which differ from Python's
on some 2,000 marks and numerals of other scripts.
"""

import re
import sys
import unicodedata
from datetime import datetime
from functools import cache

import pandas as pd
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Lower, Replace

from creators.models import Post
from scoring.metrics import affinity


@cache
def _case_fixes() -> tuple[str, str, dict[str, str]]:
    """What lower() leaves that casefold() changes, among characters NFKD keeps: (from, to) for
    translate() (one character each) and {character: text} for the longer foldings."""
    single, longer = {}, {}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code < 0xE000 or char != char.lower():
            continue
        folded = char.casefold()
        if folded != char and unicodedata.normalize("NFKD", char) == char:
            (single if len(folded) == 1 else longer)[char] = folded
    return "".join(single), "".join(single.values()), longer


@cache
def _word_class() -> str:
    """Python's \\w (Unicode letters, digits, "_") as the body of a bracket expression."""
    word = re.compile(r"\w")
    ranges, start = [], None
    for code in range(sys.maxunicode + 2):
        is_word = code <= sys.maxunicode and not 0xD800 <= code < 0xE000 and word.match(chr(code))
        if is_word and start is None:
            start = code
        elif not is_word and start is not None:
            ranges.append(chr(start) if start == code - 1 else f"{chr(start)}-{chr(code - 1)}")
            start = None
    return "".join(ranges)


# A text with a character outside ASCII (NUL cannot be in a PostgreSQL text).
NON_ASCII = "[^\\x01-\\x7f]"


def joined_text(*fields: str) -> Func:
    """These text (or JSON) columns as one text, joined by spaces."""
    columns = [Cast(F(name), TextField()) for name in fields]
    return Func(*columns, template="concat_ws(' ', %(expressions)s)", output_field=TextField())


def _matches(text, pattern: str) -> Func:
    return Func(text, _text(pattern), arg_joiner=" ~ ", template="(%(expressions)s)",
                output_field=BooleanField())  # fmt: skip


def folded(text) -> Func:
    """affinity.normalised of a text expression, in SQL. An ASCII text only needs lower() and
    "_" as a space (NFKD, the marks and case folding change nothing in it): the full folding
    costs ~60 us a post, translate() with its long table half of that."""
    full = Func(text, template="normalize(%(expressions)s, NFKD)", output_field=TextField())
    full = Func(
        full,
        _text(affinity.COMBINING),
        _text(""),
        _text("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    source, target, longer = _case_fixes()
    full = Func(
        Lower(full), _text(source), _text(target), function="translate", output_field=TextField()
    )
    for char, folding in longer.items():
        full = Replace(full, _text(char), _text(folding))
    return Replace(
        Case(When(_matches(text, NON_ASCII), then=full), default=Lower(text)),
        _text("_"),
        _text(" "),
    )


def _text(value: str) -> Value:
    return Value(value, output_field=TextField())


def brand_regex(name: str) -> str | None:
    """The PostgreSQL regex of a brand name: affinity.term_pattern of the name as affinity
    folds it, None for a name without a letter or digit (it matches nothing)."""
    term = affinity.normalised(pd.Series([name])).str.strip("#@ ").iloc[0]
    pattern = affinity.term_pattern(term)
    if pattern is None:
        return None
    word = _word_class()
    # term_pattern writes \w and \W only as classes (its words are escaped word characters).
    return pattern.replace(r"\W", f"[^{word}]").replace(r"\w", f"[{word}]")


def mentioning_posts(brand_name: str) -> QuerySet:
    """Unpaid posts whose caption, hashtags or sponsor tags mention the brand (none when the
    name cannot be matched)."""
    pattern = brand_regex(brand_name)
    if pattern is None:
        return Post.objects.none()
    text = joined_text("caption", "hashtags", "sponsor_handles")
    # A cheap necessary condition first (PostgreSQL runs the cheaper test first): an ASCII text
    # that folds to hold the brand's first word holds it in any case.
    first_word = re.findall(r"\w+", affinity.normalised(pd.Series([brand_name])).iloc[0])[0]
    return (
        Post.objects.filter(is_sponsored=False)
        .alias(mention_raw=text, mention_text=folded(text))
        .filter(Q(mention_raw__regex=NON_ASCII) | Q(mention_raw__icontains=first_word))
        .filter(mention_text__regex=pattern)
    )


def with_brand_mentions(qs: QuerySet, brand_name: str) -> QuerySet:
    """The creators of qs with at least one unpaid post mentioning the brand."""
    return qs.filter(Exists(mentioning_posts(brand_name).filter(creator_id=OuterRef("pk"))))


def brand_mention_summary(
    *, brand_name: str, creator_ids: list[int]
) -> dict[int, tuple[int, datetime]]:
    """creator id -> (posts mentioning the brand, the last one's posted_at), for those of these
    creators who mention it: what affinity.organic_affinity calls brand_n and last_mention."""
    if not creator_ids:
        return {}
    rows = (
        mentioning_posts(brand_name)
        .filter(creator_id__in=creator_ids)
        .order_by()
        .values("creator_id")
        .annotate(n=Count("pk"), last=Max("posted_at"))
        .values_list("creator_id", "n", "last")
    )
    return {creator_id: (n, last) for creator_id, n, last in rows}
