"""The mentions timeline of a creator's profile (DESIGN 4.8): what its unpaid posts name, month
by month. Opened for a campaign, the terms are the brand's, its competitors' and the niche's
(scoring.metrics.affinity.organic_mentions); without one, the creator's own most frequent
hashtags and tagged handles on unpaid posts.
"""

from __future__ import annotations

import json

import pandas as pd

from scoring.metrics.affinity import normalised

OWN = "own"  # the kind of a creator's own frequent term (affinity's kinds are brand, ...)
TIMELINE_COLUMNS = ["month", "kind", "term", "n"]


def _items(values: pd.Series) -> pd.Series:
    """A JSON list column (lists, or JSON text as read_frame reads it) exploded, one item per
    row, index kept."""

    def items(value) -> list:
        if isinstance(value, list | tuple):
            return list(value)
        if isinstance(value, str) and value.startswith("["):
            try:
                return list(json.loads(value))
            except ValueError:
                return []
        return []

    return values.map(items).explode().dropna().astype(str)


def frequent_terms(posts: pd.DataFrame, top: int = 6) -> list[str]:
    """The `top` hashtags and tagged handles the unpaid posts carry most often (each post
    counting once per term; ties alphabetically), as "#tag" and "@handle"."""
    unpaid = posts[~posts["is_sponsored"].eq(True)]
    tags = "#" + normalised(_items(unpaid["hashtags"]).str.lstrip("#")).str.strip()
    handles = "@" + normalised(_items(unpaid["sponsor_handles"]).str.lstrip("@")).str.strip()
    terms = pd.concat([tags, handles])
    terms = terms[terms.str.len() > 1]
    per_post = terms.reset_index().drop_duplicates()
    counts = per_post.iloc[:, 1].value_counts()
    order = counts.reset_index().set_axis(["term", "n"], axis=1)
    order = order.sort_values(["n", "term"], ascending=[False, True])
    return order["term"].head(top).tolist()


def monthly_mentions(mentions: pd.DataFrame) -> pd.DataFrame:
    """TIMELINE_COLUMNS: per calendar month (YYYY-MM, UTC) and term, the unpaid posts that
    mention it, oldest month first. mentions: affinity.MENTION_COLUMNS."""
    if mentions.empty:
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    month = pd.to_datetime(mentions["posted_at"], utc=True).dt.strftime("%Y-%m")
    out = (
        mentions.assign(month=month)
        .groupby(["month", "kind", "term"], sort=True)["post_id"]
        .nunique()
        .rename("n")
        .reset_index()
    )
    return out[TIMELINE_COLUMNS]
