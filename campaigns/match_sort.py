"""Sortable columns of the ranked matches table: which orderings exist, the ORDER BY of each,
and the header links (with aria-sort) the table shows.

`sort` is a column name, descending with a leading "-" ("-audience_fit": the best audience
fit first). Nothing (or an unknown name) is the ranking itself: by score, best first.
"""

from __future__ import annotations

from urllib.parse import urlencode

from campaigns.templatetags.campaign_tags import humanise

# Column -> the MatchScore field it orders by.
FIELDS = {"followers": "creator__followers", "total": "total"}
DEFAULT = "-total"


def sortable(components) -> dict[str, str]:
    return {**FIELDS, **{name: name for name in components}}


def normalise(sort: str | None, components) -> str:
    """The sort asked for if it names a sortable column, else the ranking's."""
    sort = (sort or "").strip()
    return sort if sort.lstrip("-") in sortable(components) else DEFAULT


def ordering(sort: str, components) -> tuple[str, ...]:
    """ORDER BY fields: the column, then the rank (a stable order between equal values)."""
    sort = normalise(sort, components)
    if sort == DEFAULT:
        return ("rank",)
    field = sortable(components)[sort.lstrip("-")]
    return (f"-{field}" if sort.startswith("-") else field, "rank")


def headers(sort: str, components, query: dict[str, str]) -> list[dict]:
    """One header per sortable column: its label, the link that sorts by it (descending first,
    then ascending on a second click) and its aria-sort."""
    sort = normalise(sort, components)
    columns = [("followers", "Followers"), ("total", "Score")] + [
        (name, humanise(name)) for name in components
    ]
    out = []
    for name, label in columns:
        current = sort.lstrip("-") == name
        descending = current and sort.startswith("-")
        target = name if descending else f"-{name}"
        params = {**query, "sort": target}
        out.append(
            {
                "name": name,
                "label": label,
                "href": "?" + urlencode(params),
                "aria_sort": ("descending" if descending else "ascending") if current else "",
            }
        )
    return out
