"""The discovery table's rows: what they read and what every row of a page shares.

Rendering 25 rows through Django template tags (about 40 variable lookups and filters each) was
half the discovery page's server time at 100k creators, so the rows are a Jinja2 partial
(templates/jinja2/creators/partials/discovery_rows.html), fed plain values, not model instances.
"""

from dataclasses import dataclass
from types import SimpleNamespace

from django.utils.safestring import SafeString

from campaigns.discovery.mentions import brand_mention_summary
from campaigns.models import Stage
from creators.models import Creator, Platform
from matchmaker.lib.formatting import count
from matchmaker.lib.partials import render_jinja2
from scoring.models import Tier

ROWS_TEMPLATE = "creators/partials/discovery_rows.html"
_LABELS = {"platforms": dict(Platform.choices), "tiers": dict(Tier.choices)}


@dataclass(frozen=True)
class RowContext:
    """What every row of one page shares: the link prefix, the page's campaign (the score's
    basis, preselected in the pickers), the campaigns the user may shortlist to grouped by brand
    ((brand, ((id, name), ...)) pairs), whether the new-audience column shows, and what the
    shortlist form posts without JavaScript (CSRF token, the page to come back to)."""

    creators_base: str
    campaign_groups: tuple[tuple[str, tuple[tuple[int, str], ...]], ...] = ()
    campaign_id: int | None = None
    show_new_audience: bool = False
    csrf_token: str = ""
    next_url: str = ""
    # The brand of the "already mentions" filter: its rows say how often and when last.
    mentions_brand: str = ""

    @property
    def campaigns(self) -> bool:
        return bool(self.campaign_groups)

    @classmethod
    def build(
        cls,
        *,
        creators_base,
        editable_campaigns,
        campaign=None,
        show_new_audience=False,
        csrf_token="",
        next_url="",
        mentions_brand=None,
    ) -> "RowContext":
        return cls(
            creators_base=creators_base,
            campaign_groups=group_by_brand(editable_campaigns),
            campaign_id=getattr(campaign, "pk", None),
            show_new_audience=show_new_audience,
            csrf_token=csrf_token,
            next_url=next_url,
            mentions_brand=getattr(mentions_brand, "name", ""),
        )


def group_by_brand(campaigns) -> tuple[tuple[str, tuple[tuple[int, str], ...]], ...]:
    """(id, name, brand) triples -> ((brand, ((id, name), ...)), ...), brands and names sorted:
    six campaigns called "Lumen Skincare ..." stay apart by brand and by their full names."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for pk, name, brand in sorted(campaigns, key=lambda c: (c[2], c[1], c[0])):
        groups.setdefault(brand, []).append((pk, name))
    return tuple((brand, tuple(items)) for brand, items in groups.items())


def roster_note(*, stage: str, campaign_name: str, added: bool | None = None) -> str:
    """What a row says about its creator on a campaign's roster. After a shortlist click
    (`added` True/False): "Shortlisted to X", "Already shortlisted to X" or "Already on the
    roster of X (Contracted)"; on the page (`added` None): "Shortlisted to X" or "On the
    roster of X (Contracted)"."""
    if added:
        return f"Shortlisted to {campaign_name}"
    if stage == Stage.SHORTLISTED:
        return f"{'Shortlisted' if added is None else 'Already shortlisted'} to {campaign_name}"
    where = "On the roster" if added is None else "Already on the roster"
    return f"{where} of {campaign_name} ({Stage(stage).label})"


def shortlist_summary(results, *, campaign_name: str) -> str:
    """The message after "Shortlist selected": how many were added, and which were on the roster
    already at which stage. `results` are (entry, added) pairs (services.roster_entries_add)."""
    added = [entry for entry, was_added in results if was_added]
    already = [entry for entry, was_added in results if not was_added]
    parts = [f"{count(len(added))} shortlisted to “{campaign_name}”"]
    if already:
        listed = ", ".join(
            f"@{entry.creator.handle} ({Stage(entry.stage).label})" for entry in already
        )
        parts.append(f"already on the roster: {listed}")
    return "; ".join(parts) + "."


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
    None for a creator whose metrics are not computed yet. `is_shortlisted`, `roster_note`,
    `new_audience` and the brand mentions (`brand_mentions`, `last_brand_mention`) start unset
    (False, "", None) for the view to fill in."""
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
            roster_note="",
            new_audience=None,
            brand_mentions=None,
            last_brand_mention=None,
        )
        row.pk = row.id
        rows.append(row)
    return rows


def add_brand_mentions(rows, brand) -> None:
    """Fill in each row's mentions of the filter's brand (none without a brand)."""
    if brand is None:
        return
    summary = brand_mention_summary(brand_name=brand.name, creator_ids=[r.pk for r in rows])
    for row in rows:
        row.brand_mentions, row.last_brand_mention = summary.get(row.pk, (0, None))


def discovery_rows(rows, ctx: RowContext) -> SafeString:
    """The <tr> of every row (light rows), for the page's table or an htmx swap."""
    return render_jinja2(ROWS_TEMPLATE, {"rows": rows, "ctx": ctx, **_LABELS})
