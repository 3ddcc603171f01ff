"""Organic affinity (DESIGN 4.8): where a creator mentions a brand, its competitors or the
campaign's niche without being paid for it. Mentions are searched in the caption, hashtags
and sponsor tags of every post that is not sponsored; the result per creator is a count per
term kind, the first and last mention, and a timeline of (date, kind, term, post id).

Matching is case-insensitive, accent-insensitive (NFKD, combining marks dropped, casefold) and
on word boundaries: "Nike" matches "nike", "#Nike", "@nike" and "NIKE's", not "nikeland";
a term of several words also matches its one-word hashtag and handle forms ("Blue Bottle"
matches "blue bottle", "#BlueBottle", "@blue_bottle", "blue-bottle").
"""

from __future__ import annotations

import json
import re

import pandas as pd

BRAND, COMPETITOR, NICHE = "brand", "competitor", "niche"
KINDS = (BRAND, COMPETITOR, NICHE)
POST_COLUMNS = [
    "id",
    "creator_id",
    "posted_at",
    "is_sponsored",
    "caption",
    "hashtags",
    "sponsor_handles",
]
MENTION_COLUMNS = ["creator_id", "post_id", "posted_at", "kind", "term"]

# Unicode's combining-mark blocks: what NFKD splits off a letter ("é" -> "e" + U+0301). Public:
# the SQL form of these rules (campaigns.discovery.mentions) strips the same marks.
COMBINING = "[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"


def normalised(text: pd.Series) -> pd.Series:
    """Text folded for matching: NFKD without combining marks, casefolded, "_" as a space (a
    handle's word separator)."""
    folded = text.fillna("").astype(str).str.normalize("NFKD")
    folded = folded.str.replace(COMBINING, "", regex=True).str.casefold()
    return folded.str.replace("_", " ", regex=False)


def term_pattern(term: str) -> str | None:
    """The regex for a term (already normalised), None for a term without a letter or digit.
    Its words may be joined by nothing or by any non-word characters; it stands on word
    boundaries, optionally behind "#" or "@"."""
    words = re.findall(r"\w+", term)
    if not words:
        return None
    return r"(?<!\w)[#@]?" + r"\W*".join(map(re.escape, words)) + r"(?!\w)"


def _listed(values: pd.Series) -> pd.Series:
    """A JSON list column (lists, or JSON text as read_frame reads it) as one text per row."""

    def text(value) -> str:
        if isinstance(value, list | tuple):
            return " ".join(str(item) for item in value)
        if value is None or (isinstance(value, float) and value != value):
            return ""
        return str(value)

    return values.map(text)


def _terms(brand: str, competitors: list[str], niche_words: list[str]) -> list[tuple]:
    """(kind, term as given, pattern) per distinct normalised term, the first kind winning
    (a competitor spelled like the brand is the brand)."""
    given = [(BRAND, brand)]
    given += [(COMPETITOR, term) for term in competitors or []]
    given += [(NICHE, term) for term in niche_words or []]
    given = [(kind, str(term).strip()) for kind, term in given if term and str(term).strip()]
    if not given:
        return []
    keys = normalised(pd.Series([term for _, term in given])).str.strip("#@ ").tolist()
    seen, terms = set(), []
    for (kind, term), key in zip(given, keys, strict=True):
        pattern = term_pattern(key)
        if pattern is None or key in seen:
            continue
        seen.add(key)
        terms.append((kind, term.lstrip("#@"), pattern))
    return terms


def organic_mentions(
    posts: pd.DataFrame, brand: str, competitors: list[str], niche_words: list[str]
) -> pd.DataFrame:
    """MENTION_COLUMNS: one row per (unpaid post, term) it mentions, oldest first.

    posts: POST_COLUMNS (hashtags and sponsor_handles as lists or JSON text, posted_at UTC)."""
    unpaid = posts[~posts["is_sponsored"].eq(True)]
    text = normalised(
        unpaid["caption"].fillna("").astype(str)
        + "\n"
        + _listed(unpaid["hashtags"])
        + "\n"
        + _listed(unpaid["sponsor_handles"])
    )
    found = []
    for kind, term, pattern in _terms(brand, competitors, niche_words):
        hit = text.str.contains(pattern, regex=True)
        rows = unpaid.loc[hit, ["creator_id", "id", "posted_at"]].rename(columns={"id": "post_id"})
        found.append(rows.assign(kind=kind, term=term))
    if not found:
        return pd.DataFrame(columns=MENTION_COLUMNS)
    mentions = pd.concat(found, ignore_index=True)[MENTION_COLUMNS]
    return mentions.sort_values(["creator_id", "posted_at", "post_id"], ignore_index=True)


def timeline_json(mentions: pd.DataFrame) -> pd.Series:
    """Per creator id, its mentions as JSON text: [{"date", "kind", "term", "post_id"}, ...],
    oldest first. Only creators with mentions have one (mentions are sparse)."""
    if mentions.empty:
        return pd.Series(dtype=object)
    items = pd.DataFrame(
        {
            "date": mentions["posted_at"].dt.strftime("%Y-%m-%d"),
            "kind": mentions["kind"],
            "term": mentions["term"],
            "post_id": mentions["post_id"].astype("int64"),
        }
    )
    records = pd.Series(items.to_dict("records"), index=mentions["creator_id"].to_numpy())
    return records.groupby(level=0).agg(lambda rows: json.dumps(list(rows)))


def organic_affinity(
    creator_ids,
    posts: pd.DataFrame,
    brand: str,
    competitors: list[str],
    niche_words: list[str],
) -> pd.DataFrame:
    """One row per creator id (index id): unpaid_posts_n (the posts searched), brand_n,
    competitor_n, niche_n (mentions: a post naming a term counts once for it),
    first_mention, last_mention (NaT without one) and timeline (JSON text, "[]" without).

    A creator without unpaid posts is unknown, not unaffine: unpaid_posts_n says which."""
    ids = pd.Index(creator_ids, name="id")
    posts = posts[posts["creator_id"].isin(ids)]
    mentions = organic_mentions(posts, brand, competitors, niche_words)
    out = pd.DataFrame(index=ids)
    unpaid = posts[~posts["is_sponsored"].eq(True)]
    out["unpaid_posts_n"] = unpaid.groupby("creator_id").size().reindex(ids, fill_value=0)
    counts = mentions.groupby(["creator_id", "kind"]).size().unstack()
    counts = counts.reindex(index=ids, columns=list(KINDS)).fillna(0).astype("int64")
    for kind in KINDS:
        out[f"{kind}_n"] = counts[kind]
    dates = mentions.groupby("creator_id")["posted_at"]
    out["first_mention"] = dates.min().reindex(ids)
    out["last_mention"] = dates.max().reindex(ids)
    out["timeline"] = timeline_json(mentions).reindex(ids).fillna("[]")
    return out
