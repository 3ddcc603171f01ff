"""The discovery table's rows, built as strings in Python.

Rendering 25 rows through template tags (about 40 variable lookups and filters each) was half the
discovery page's server time at 100k creators. Every text that comes from data goes through
`html.escape`; numbers are formatted here with the same filters the templates use.
"""

from dataclasses import dataclass
from html import escape
from types import SimpleNamespace

from django.utils.safestring import SafeString, mark_safe

from creators.models import Creator, Platform
from creators.templatetags.numbers import compact, money, pct
from scoring.models import Tier

_PLATFORMS = dict(Platform.choices)
_TIERS = dict(Tier.choices)
_MISSING = '<span class="muted">—</span>'


@dataclass(frozen=True)
class RowContext:
    """What every row of one page shares: the link prefix, the chosen campaign, the campaigns
    the user may shortlist to ((id, name) pairs), and whether the new-audience column shows."""

    creators_base: str
    campaigns: tuple[tuple[int, str], ...] = ()
    campaign_id: int | None = None
    campaign_name: str = ""
    shortlisted_to: str = ""
    show_new_audience: bool = False

    @classmethod
    def build(
        cls,
        *,
        creators_base,
        editable_campaigns,
        campaign=None,
        shortlisted_to=None,
        show_new_audience=False,
    ) -> "RowContext":
        return cls(
            creators_base=creators_base,
            campaigns=tuple(editable_campaigns),
            campaign_id=getattr(campaign, "pk", None),
            campaign_name=getattr(campaign, "name", ""),
            shortlisted_to=getattr(shortlisted_to, "name", ""),
            show_new_audience=show_new_audience,
        )

    def options(self) -> str:
        return "".join(
            f'<option value="{pk}"{" selected" if pk == self.campaign_id else ""}>'
            f"{escape(name)}</option>"
            for pk, name in self.campaigns
        )


def metrics_of(creator: Creator):
    """The creator's CreatorMetrics, or None when not computed yet (light rows carry None)."""
    try:
        return creator.metrics
    except Creator.metrics.RelatedObjectDoesNotExist:
        return None


def _authenticity_badge(score) -> str:
    if score is None:
        return '<span class="muted">unknown</span>'
    kind = "good" if score >= 70 else "warn" if score >= 40 else "bad"
    return f'<span class="badge badge-{kind}">{score:.0f}</span>'


def _er(metrics) -> str:
    if metrics is None or metrics.er_median is None:
        return _MISSING
    text = pct(metrics.er_median, 2)
    if metrics.er_percentile is not None:
        text += f' <span class="small muted">(p{pct(metrics.er_percentile, 0)[:-1]})</span>'
    return text


def _price(creator: Creator) -> str:
    if creator.price is None:
        return _MISSING
    estimate = ' class="estimate" title="Estimated from tier benchmarks"'
    return (
        f"<span{estimate if creator.price_estimated else ''}>"
        f"{escape(money(creator.price, creator.price_currency))}</span>"
    )


def _score(creator: Creator, ctx: RowContext) -> str:
    score = getattr(creator, "score", None)
    text = _MISSING if score is None else f"{score:.2f}"
    if ctx.show_new_audience:
        gain = getattr(creator, "new_audience", None)
        note = "overlap unknown" if gain is None else f"+{compact(gain)} new"
        text += f'<div class="small muted new-audience">{note}</div>'
    return text


def _shortlist(creator: Creator, ctx: RowContext, options: str) -> str:
    parts = []
    shortlisted = getattr(creator, "is_shortlisted", False)
    if shortlisted:
        to = ctx.shortlisted_to or ctx.campaign_name
        parts.append(
            '<span class="badge badge-shortlisted">Shortlisted'
            f"{f' to {escape(to)}' if to else ''}</span>"
        )
    handle = escape(creator.handle)
    if ctx.campaigns:
        parts.append(
            f'<form class="row" hx-post="{ctx.creators_base}{creator.pk}/shortlist/" '
            'hx-target="closest tr" hx-swap="outerHTML">'
            f'<select name="campaign" id="shortlist-{creator.pk}" '
            f'aria-label="Campaign to shortlist @{handle} to">{options}</select>'
            '<button type="submit" class="button small">Shortlist</button></form>'
        )
    elif not shortlisted:
        parts.append('<span class="small muted">No campaign you can edit</span>')
    return "".join(parts)


def discovery_row(creator: Creator, ctx: RowContext, options: str | None = None) -> str:
    """One <tr>: creator, tier, followers, ER (percentile), authenticity, price, score, shortlist."""
    metrics = metrics_of(creator)
    details = " · ".join(
        escape(part)
        for part in (creator.display_name, _PLATFORMS.get(creator.platform, creator.platform))
        if part
    )
    if creator.country:
        details += f" · {escape(creator.country)}"
    tier = (
        escape(_TIERS.get(metrics.tier, metrics.tier or ""))
        if metrics is not None
        else '<span class="muted">not computed</span>'
    )
    marked = ' class="is-shortlisted"' if getattr(creator, "is_shortlisted", False) else ""
    return (
        f'<tr id="creator-{creator.pk}"{marked}>'
        f'<td><a href="{ctx.creators_base}{creator.pk}/">@{escape(creator.handle)}</a>'
        f'<div class="small muted">{details}</div></td>'
        f"<td>{tier}</td>"
        f'<td class="num">{compact(creator.followers)}</td>'
        f'<td class="num">{_er(metrics)}</td>'
        f"<td>{_authenticity_badge(getattr(metrics, 'authenticity_score', None))}</td>"
        f'<td class="num">{_price(creator)}</td>'
        f'<td class="num">{_score(creator, ctx)}</td>'
        f"<td>{_shortlist(creator, ctx, ctx.options() if options is None else options)}</td>"
        "</tr>"
    )


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
METRICS_VALUES = ("tier", "er_median", "er_percentile", "authenticity_score")
VALUES = (*CREATOR_VALUES, "metrics__id", *(f"metrics__{name}" for name in METRICS_VALUES))


def light_rows(values) -> list[SimpleNamespace]:
    """values(*VALUES) dicts as rows with the attributes discovery_row reads; `metrics` is None
    for a creator whose metrics are not computed yet."""
    rows = []
    for value in values:
        metrics = (
            None
            if value["metrics__id"] is None
            else SimpleNamespace(**{name: value[f"metrics__{name}"] for name in METRICS_VALUES})
        )
        row = SimpleNamespace(**{name: value[name] for name in CREATOR_VALUES}, metrics=metrics)
        row.pk = row.id
        rows.append(row)
    return rows


def discovery_rows(creators, ctx: RowContext) -> SafeString:
    """All rows of a page; the campaign options are built once and shared by every row."""
    options = ctx.options()
    return mark_safe("".join(discovery_row(creator, ctx, options) for creator in creators))
