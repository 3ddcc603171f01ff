"""The ranked matches table's rows, built as strings in Python.

Fifty rows of ten cells each through template tags was most of the campaign page's server time
with 100k scored candidates. Text from data goes through `html.escape`; numbers are formatted here.
"""

from dataclasses import dataclass
from functools import lru_cache
from html import escape
from types import SimpleNamespace

from django.utils.safestring import SafeString, mark_safe

from campaigns.templatetags.campaign_tags import bar_width, humanise, score100
from creators.models import Platform

_PLATFORMS = dict(Platform.choices)


@dataclass(frozen=True)
class MatchRowContext:
    """What every row of one page shares."""

    base_url: str  # the campaign page's URL, ending in "/"
    components: tuple[str, ...]
    can_edit: bool
    csrf_token: str = ""


def component_cells(match, components) -> str:
    """One bar cell per score component; the label is escaped, width and score come from numbers."""
    cells = []
    for name, label in _labels(components):
        value = getattr(match, name, None)
        score = score100(value)
        cells.append(
            f'<td title="{label}: {score}"><div class="bar" role="img" '
            f'aria-label="{label} {score} of 100"><span class="{bar_width(value)}"></span></div></td>'
        )
    return "".join(cells)


@lru_cache(maxsize=8)
def _labels(components: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(name, escaped label) per component: the same six for every row of every page."""
    return tuple((name, escape(humanise(name))) for name in components)


def _roster_cell(match, ctx: MatchRowContext, handle: str) -> str:
    if match.on_roster:  # annotated by campaigns.selectors.campaign_matches_page
        return '<span class="badge badge-good">On roster</span>'
    if not ctx.can_edit:
        return ""
    action = f"{ctx.base_url}matches/{match.creator_id}/shortlist/"
    return (
        f'<form method="post" action="{action}" hx-post="{action}" '
        f'hx-target="#shortlist-{match.creator_id}" hx-swap="innerHTML">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(ctx.csrf_token)}">'
        f'<button type="submit" class="button small" aria-label="Shortlist @{handle}">'
        "Shortlist</button></form>"
    )


def match_row(match, ctx: MatchRowContext) -> str:
    """One <tr>: rank, creator (platform, country, brand-safety flag), followers, total, bars."""
    creator = match.creator
    handle = escape(creator.handle)
    where = escape(_PLATFORMS.get(creator.platform, creator.platform))
    if creator.country:
        where += f" · {escape(creator.country)}"
    flag = ' <span class="badge badge-bad">Brand-safety hit</span>' if match.excluded else ""
    return (
        f'<tr><td class="num">{match.rank}</td>'
        f'<td><a href="{ctx.base_url}matches/{match.creator_id}/">@{handle}</a> '
        f'<span class="muted small">{where}</span>{flag}</td>'
        f'<td class="num">{creator.followers:,}</td>'
        f'<td class="num"><strong>{score100(match.total)}</strong></td>'
        f"{component_cells(match, ctx.components)}"
        f'<td id="shortlist-{match.creator_id}">{_roster_cell(match, ctx, handle)}</td></tr>'
    )


# What a row shows, read with values(): building 50 MatchScore and 50 Creator instances (with
# deferred fields) cost more than the query itself.
ROW_FIELDS = ("rank", "creator_id", "total", "excluded", "on_roster")
CREATOR_FIELDS = ("handle", "platform", "country", "followers")


def row_values(components) -> tuple[str, ...]:
    """The values() names a page of light rows reads (campaign_matches_page's queryset)."""
    return (*ROW_FIELDS, *components, *(f"creator__{name}" for name in CREATOR_FIELDS))


def light_rows(values, components) -> list[SimpleNamespace]:
    """values() dicts as rows with the attributes match_row reads (match.creator.handle...)."""
    rows = []
    for value in values:
        creator = SimpleNamespace(
            id=value["creator_id"], **{name: value[f"creator__{name}"] for name in CREATOR_FIELDS}
        )
        rows.append(
            SimpleNamespace(
                creator=creator,
                **{name: value[name] for name in ROW_FIELDS},
                **{name: value[name] for name in components},
            )
        )
    return rows


def match_rows(matches, ctx: MatchRowContext) -> SafeString:
    return mark_safe("".join(match_row(match, ctx) for match in matches))
