"""The ranked matches table's rows: what they read and what every row of a page shares.

Fifty rows of ten cells each through Django template tags was most of the campaign page's server
time with 100k scored candidates, so the rows are a Jinja2 partial
(templates/jinja2/campaigns/partials/match_rows.html), fed plain values, not model instances.
"""

from dataclasses import dataclass
from functools import cached_property, lru_cache
from types import SimpleNamespace

from django.utils.safestring import SafeString

from campaigns.templatetags.campaign_tags import bar_width, humanise, score100
from creators.models import Platform
from matchmaker.lib.partials import join_rendered, render_jinja2

ROWS_TEMPLATE = "campaigns/partials/match_rows.html"
CELL_TEMPLATE = "campaigns/partials/bar_cell.html"
_PLATFORMS = dict(Platform.choices)


@lru_cache(maxsize=1024)
def _bar_cell(label: str, score: str, width: str) -> SafeString:
    return render_jinja2(CELL_TEMPLATE, {"label": label, "score": score, "width": width})


def bar_cell(label: str, value) -> SafeString:
    """One component's bar cell. There are a few hundred distinct cells (6 components x 0-100),
    and rendering 300 of them per page was three quarters of the rows' time, so each is
    rendered once per process (a changed bar_cell.html shows after a restart)."""
    return _bar_cell(label, score100(value), bar_width(value))


@dataclass(frozen=True)
class MatchRowContext:
    """What every row of one page shares."""

    base_url: str  # the campaign page's URL, ending in "/"
    components: tuple[str, ...]
    can_edit: bool
    csrf_token: str = ""

    @cached_property
    def labels(self) -> tuple[tuple[str, str], ...]:
        """(name, label) per score component: computed once per page, not per cell."""
        return tuple((name, humanise(name)) for name in self.components)

    def cells(self, match) -> SafeString:
        """The row's bar cells, one per component."""
        return join_rendered(
            bar_cell(label, getattr(match, name, None)) for name, label in self.labels
        )


# What a row shows, read with values(): building 50 MatchScore and 50 Creator instances (with
# deferred fields) cost more than the query itself.
ROW_FIELDS = ("rank", "creator_id", "total", "excluded", "on_roster")
CREATOR_FIELDS = ("handle", "platform", "country", "followers")


def row_values(components) -> tuple[str, ...]:
    """The values() names a page of light rows reads (campaign_matches_page's queryset)."""
    return (*ROW_FIELDS, *components, *(f"creator__{name}" for name in CREATOR_FIELDS))


def light_rows(values, components) -> list[SimpleNamespace]:
    """values() dicts as rows with the attributes the row template reads (match.creator.handle...)."""
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
    """The <tr> of every row (light rows) of a page of matches."""
    for match in matches:
        match.cells = ctx.cells(match)
    return render_jinja2(ROWS_TEMPLATE, {"rows": matches, "ctx": ctx, "platforms": _PLATFORMS})
