"""Niche fit: category match, brand keywords in bio/hashtags, excluded keywords (DESIGN 4.4)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd


def _terms(words) -> list[str]:
    return [w.strip().lower().lstrip("#") for w in (words or []) if str(w).strip()]


def niche_fit(
    creators: pd.DataFrame,
    *,
    niche_ids: list[int],
    keywords: list[str],
    excluded: list[str],
    categories: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """creators: id, text (bio + hashtags, any case), and category_ids (list) unless
    `categories` (creator_id, category_id rows) is given.
    Returns index id: niche_fit 0..1, category_match 0..1, keyword_share 0..1, excluded bool.
    Without niches or keywords that half is neutral (0.5)."""
    c = creators.set_index("id")
    text = c["text"].fillna("").str.lower()
    niches = set(niche_ids)
    if niches:
        if categories is None:
            exploded = c["category_ids"].explode()
            categories = pd.DataFrame(
                {"creator_id": exploded.index, "category_id": exploded.to_numpy()}
            )
        pairs = categories.drop_duplicates(["creator_id", "category_id"])
        hits = pairs[pairs["category_id"].isin(niches)].groupby("creator_id").size()
        cat = hits.reindex(c.index).fillna(0) / len(niches)
    else:
        cat = pd.Series(0.5, index=c.index)
    kws = _terms(keywords)
    if kws:
        hits = sum(_has_word(text, k).astype(int) for k in kws)
        kw = hits / len(kws)
    else:
        kw = pd.Series(0.5, index=c.index)
    flagged = pd.Series(False, index=c.index)
    for k in _terms(excluded):
        flagged |= _has_word(text, k)
    out = pd.DataFrame(index=c.index)
    out["category_match"] = cat.astype(float)
    out["keyword_share"] = kw.astype(float)
    out["niche_fit"] = np.clip(0.6 * out["category_match"] + 0.4 * out["keyword_share"], 0, 1)
    out["excluded"] = flagged.astype(bool)
    return out


def _has_word(text: pd.Series, term: str) -> pd.Series:
    """Rows of lower-cased `text` that hold `term` as a whole word: a plain substring scan
    first, the word-boundary regex only on the rows that contain the substring."""
    candidates = text[text.str.contains(term, regex=False)]
    words = candidates.str.contains(r"\b" + re.escape(term) + r"\b", regex=True)
    return words.reindex(text.index, fill_value=False).astype(bool)
