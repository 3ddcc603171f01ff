"""The discovery table's rows: what they read and what every row of a page shares.

Rendering 25 rows through Django template tags (about 40 variable lookups and filters each) was
half the discovery page's server time at 100k creators, so the rows are a Jinja2 partial
(templates/jinja2/creators/partials/discovery_rows.html), fed plain values, not model instances.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.safestring import SafeString

from creators.models import Creator, Platform
from matchmaker.lib.partials import render_jinja2
from scoring.models import Tier

ROWS_TEMPLATE = "creators/partials/discovery_rows.html"
_LABELS = {"platforms": dict(Platform.choices), "tiers": dict(Tier.choices)}


@dataclass(frozen=True)
class RowContext:
    """What every row of one page shares: the link prefix, the chosen campaign, the campaigns
    the user may shortlist to ((id, name) pairs), whether the new-audience column shows, and
    what the shortlist form posts without JavaScript (CSRF token, the page to come back to)."""

    creators_base: str
    campaigns: tuple[tuple[int, str], ...] = ()
    campaign_id: int | None = None
    campaign_name: str = ""
    shortlisted_to: str = ""
    show_new_audience: bool = False
    csrf_token: str = ""
    next_url: str = ""

    @classmethod
    def build(
        cls,
        *,
        creators_base,
        editable_campaigns,
        campaign=None,
        shortlisted_to=None,
        show_new_audience=False,
        csrf_token="",
        next_url="",
    ) -> "RowContext":
        return cls(
            creators_base=creators_base,
            campaigns=tuple(editable_campaigns),
            campaign_id=getattr(campaign, "pk", None),
            campaign_name=getattr(campaign, "name", ""),
            shortlisted_to=getattr(shortlisted_to, "name", ""),
            show_new_audience=show_new_audience,
            csrf_token=csrf_token,
            next_url=next_url,
        )


def metrics_of(creator: Creator):
    """The creator's CreatorMetrics, or None when not computed yet."""
    try:
        return creator.metrics
    except Creator.metrics.RelatedObjectDoesNotExist:
        return None


# What a row shows, read with values() from creators.selectors.discovery_creators: 25 Creator
# and 25 CreatorMetrics instances cost more than reading the same columns as plain values.
CREATOR_VALUES = (
    "id",
    "handle",
    "display_name",
    "platform",
    "country",
    "followers",
    "price",
    "price_estimated",
    "price_currency",
    "score",
)
METRICS_VALUES = (
    "tier",
    "er_median",
    "er_percentile",
    "authenticity_score",
    "price_low",
    "price_high",
)
VALUES = (*CREATOR_VALUES, "metrics__id", *(f"metrics__{name}" for name in METRICS_VALUES))


def light_rows(values) -> list[SimpleNamespace]:
    """values(*VALUES) dicts as rows with the attributes the row template reads; `metrics` is
    None for a creator whose metrics are not computed yet. `is_shortlisted` and `new_audience`
    start unset (False, None) for the view to fill in."""
    rows = []
    for value in values:
        metrics = (
            None
            if value["metrics__id"] is None
            else SimpleNamespace(**{name: value[f"metrics__{name}"] for name in METRICS_VALUES})
        )
        row = SimpleNamespace(
            **{name: value[name] for name in CREATOR_VALUES},
            metrics=metrics,
            is_shortlisted=False,
            new_audience=None,
        )
        row.pk = row.id
        rows.append(row)
    return rows


def discovery_rows(rows, ctx: RowContext) -> SafeString:
    """The <tr> of every row (light rows), for the page's table or an htmx swap."""
    return render_jinja2(ROWS_TEMPLATE, {"rows": rows, "ctx": ctx, **_LABELS})
