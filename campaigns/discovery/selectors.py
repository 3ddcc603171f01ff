"""Discovery reads: catalogue creators scored and ranked for a campaign, and which of them are
on its roster already."""

from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from campaigns.discovery.mentions import with_brand_mentions
from campaigns.models import RosterEntry
from campaigns.selectors import campaign_choices
from creators.models import AudienceSketch
from creators.selectors import catalogue_creators, has_keyword
from matchmaker.lib.split_queryset import SplitQuerySet
from scoring.models import MatchScore
from scoring.overlap_selectors import new_audience_gain

# The catalogue score sort as the metrics index orders it (scoring.CreatorMetrics, "metrics_
# catalogue_order"): scores are >= 0, so -1 puts creators without one last.
CATALOGUE_ORDER = (Coalesce("metrics__catalogue_score", Value(-1.0)).desc(), "id")

# ER and growth sort as their metrics indexes order them ("metrics_er_order",
# "metrics_growth_order"): missing values last.
SORT_ORDER = {
    "score": (F("score").desc(nulls_last=True), "id"),
    "er": (Coalesce("metrics__er_median", Value(-1.0)).desc(), "id"),
    "followers": (F("followers").desc(), "id"),
    "price": (F("price").asc(nulls_last=True), "id"),
    # Unknown authenticity (too little evidence: NULL) last, never as if it were perfect.
    "authenticity": (F("metrics__authenticity_score").desc(nulls_last=True), "id"),
    "growth": (Coalesce("metrics__growth_30d", Value(-1e9)).desc(), "id"),
}


# The sorts whose order a CreatorMetrics index gives ("metrics_catalogue_order", "metrics_er_
# order", "metrics_growth_order"): the metrics column and the value a missing one sorts as.
INDEXED_SORTS = {
    "catalogue": ("catalogue_score", -1.0),
    "er": ("er_median", -1.0),
    "growth": ("growth_30d", -1e9),
}


def _index_ordered(qs: QuerySet, sort: str) -> SplitQuerySet:
    """qs in the order of SORT_ORDER[sort] (CATALOGUE_ORDER for "catalogue"), read as the
    creators whose metrics value sorts above the missing one, ordered on the metrics side
    through an INNER join (the page is read off the index), then the rest (no metrics, or the
    value missing) in the same order. Every head row sorts before every tail row, so the two
    make exactly the original order."""
    field, missing = INDEXED_SORTS[sort]
    key = Coalesce(f"metrics__{field}", Value(missing))
    whole = qs.order_by(key.desc(), "id")
    # key > missing holds exactly when the metrics row exists and its value is above missing.
    head = qs.filter(**{f"metrics__{field}__gt": missing}).order_by(
        key.desc(), "metrics__creator_id"
    )
    tail = (
        qs.alias(index_sort_key=key).filter(index_sort_key__lte=missing).order_by(key.desc(), "id")
    )
    return SplitQuerySet(whole, head, tail)


def discovery_creators(*, filters: dict) -> QuerySet | SplitQuerySet:
    """Creators matching cleaned DiscoveryFilterForm data (with `mentions_brand`, only those
    naming that brand in an unpaid post: campaigns.discovery.mentions), annotated with `price`
    (quoted, else estimated) and `score` (the chosen campaign's MatchScore total, else the
    catalogue score: ER percentile within platform x tier weighted by authenticity/100), sorted. The catalogue
    score, ER and growth sorts come as a SplitQuerySet (slices, iteration, count(), values(),
    filter()), the others as a QuerySet."""
    qs = catalogue_creators(filters=filters)
    if filters.get("mentions_brand") is not None:
        qs = with_brand_mentions(qs, filters["mentions_brand"].name)
    campaign = filters.get("campaign")
    if campaign is not None:
        qs = qs.annotate(
            score=Subquery(
                MatchScore.objects.filter(campaign=campaign, creator_id=OuterRef("pk")).values(
                    "total"
                )[:1],
                output_field=FloatField(),
            )
        )
    else:
        # Stored and indexed by the metrics recompute (er_percentile x authenticity / 100).
        qs = qs.annotate(score=F("metrics__catalogue_score"))
    sort = filters.get("sort") or "score"
    if sort == "relevance":
        if not has_keyword(filters.get("q")):
            sort = "score"
        elif campaign is None:
            return qs.order_by(F("search_rank").desc(), *CATALOGUE_ORDER)
        else:
            return qs.order_by(F("search_rank").desc(), *SORT_ORDER["score"])
    if sort == "new_audience":
        if campaign is None:
            sort = "score"
        else:
            return _by_new_audience(qs, campaign)
    if sort == "score" and campaign is None:
        return _index_ordered(qs, "catalogue")
    if sort in INDEXED_SORTS:
        return _index_ordered(qs, sort)
    return qs.order_by(*SORT_ORDER[sort])


# "Adds most new audience" ranks this many sketch-holding candidates (the best by score first):
# the gain is computed in Python from follower samples, so it is bounded per page view.
NEW_AUDIENCE_CANDIDATES = 200


def _by_new_audience(qs: QuerySet, campaign) -> QuerySet:
    """Order by the followers each creator would add that the campaign's roster does not
    already reach (scoring.overlap_selectors.new_audience_gain), largest first. Creators without
    an audience sample (overlap unknown) and those past the candidate bound follow, by score."""
    with_sample = qs.filter(
        Exists(AudienceSketch.objects.filter(creator_id=OuterRef("pk"), sample_size__gt=0))
    )
    candidates = list(
        with_sample.order_by(*SORT_ORDER["score"]).values_list("pk", flat=True)[
            :NEW_AUDIENCE_CANDIDATES
        ]
    )
    gains = new_audience_gain(campaign, candidates)
    known = sorted(
        (cid for cid in candidates if gains.get(cid) is not None), key=lambda c: -gains[c]
    )
    position = Case(
        *[When(pk=cid, then=Value(i)) for i, cid in enumerate(known)],
        default=Value(None),
        output_field=IntegerField(),
    )
    return qs.annotate(new_audience_position=position).order_by(
        F("new_audience_position").asc(nulls_last=True), *SORT_ORDER["score"]
    )


def roster_stages(*, campaign, creator_ids: list[int]) -> dict[int, str]:
    """creator id -> stage, for those of these creators already on the campaign's roster."""
    if campaign is None or not creator_ids:
        return {}
    return dict(
        RosterEntry.objects.filter(campaign=campaign, creator_id__in=creator_ids).values_list(
            "creator_id", "stage"
        )
    )


def editable_campaigns(user) -> list[tuple[int, str, str]]:
    """(id, name, brand name) of the campaigns `user` may shortlist to, in one query."""
    return [(pk, name, brand) for pk, name, brand, writable in campaign_choices(user) if writable]
