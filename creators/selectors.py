"""Catalogue reads: the filtered creator list (lean, one query per page), category choices and
a creator's profile. Ranking them for a campaign is campaigns.discovery's."""

from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    OuterRef,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from creators.models import AudienceShare, AudienceSketch, Category, Creator
from creators.search import has_keyword, with_keyword

# The columns the discovery table and CSV show (only() keeps rows lean).
LIST_FIELDS = (
    "id",
    "platform",
    "handle",
    "display_name",
    "country",
    "language",
    "followers",
    "quoted_price",
    "price_currency",
    "metrics__id",
    "metrics__creator_id",
    "metrics__tier",
    "metrics__er_median",
    "metrics__er_percentile",
    "metrics__authenticity_score",
    "metrics__growth_30d",
    "metrics__estimated_price",
    "metrics__price_is_estimate",
    "metrics__price_low",
    "metrics__price_high",
)

CATEGORY_CHOICES_KEY = "creators:category-choices"
# Categories change rarely (staff edit them in the admin; demo seeding adds them): saving or
# deleting one clears the cached list (creators.signals), and the list expires anyway.
CATEGORY_CHOICES_SECONDS = 300


def category_choices() -> list[tuple[int, str]]:
    """(id, name) of every category by name, for filter selects; cached."""
    choices = cache.get(CATEGORY_CHOICES_KEY)
    if choices is None:
        choices = list(Category.objects.order_by("name").values_list("pk", "name"))
        cache.set(CATEGORY_CHOICES_KEY, choices, CATEGORY_CHOICES_SECONDS)
    return choices


def forget_category_choices(**_signal) -> None:
    cache.delete(CATEGORY_CHOICES_KEY)


def catalogue_creators(*, filters: dict) -> QuerySet:
    """Creators matching the catalogue filters of cleaned discovery filter data, lean (only the
    listed columns), annotated with `price` (quoted, else estimated); not sorted."""
    qs = Creator.objects.select_related("metrics").only(*LIST_FIELDS)
    qs = qs.with_followers_between(filters.get("min_followers"), filters.get("max_followers"))
    if filters.get("platform"):
        qs = qs.filter(platform=filters["platform"])
    if filters.get("country"):
        qs = qs.filter(country=filters["country"])
    if filters.get("language"):
        qs = qs.filter(language=filters["language"])
    if filters.get("category"):
        through = Creator.categories.through
        qs = qs.filter(
            Exists(through.objects.filter(creator_id=OuterRef("pk"), category=filters["category"]))
        )
    if has_keyword(filters.get("q")):
        qs = with_keyword(qs, filters["q"])
    if filters.get("min_er") is not None:
        qs = qs.filter(metrics__er_median__gte=filters["min_er"])
    if filters.get("min_authenticity") is not None:
        qs = qs.filter(metrics__authenticity_score__gte=filters["min_authenticity"])
    # Audience reaction (scoring's CreatorReaction, by its one-to-one relation): an unknown
    # figure never passes a minimum; "no pod" keeps creators without a computed reaction.
    if filters.get("min_substantive") is not None:
        qs = qs.filter(reaction__substantive_share__gte=filters["min_substantive"])
    if filters.get("min_reply_share") is not None:
        qs = qs.filter(reaction__reply_share__gte=filters["min_reply_share"])
    if filters.get("no_pod"):
        qs = qs.exclude(reaction__pod=True)
    if filters.get("audience_country") and filters.get("min_audience_share") is not None:
        qs = qs.filter(
            Exists(
                AudienceShare.objects.filter(
                    creator_id=OuterRef("pk"),
                    dimension="country",
                    bucket=filters["audience_country"],
                    share__gte=filters["min_audience_share"],
                )
            )
        )
    qs = qs.annotate(
        price=Coalesce(
            "quoted_price",
            "metrics__estimated_price",
            output_field=DecimalField(max_digits=12, decimal_places=2),
        ),
        price_estimated=Case(
            When(quoted_price__isnull=False, then=Value(False)), default=Value(True)
        ),
    )
    if filters.get("max_price") is not None:
        qs = qs.filter(price__lte=filters["max_price"])
    return qs


@dataclass
class Profile:
    creator: Creator
    metrics: object | None
    audience: dict
    audience_sample: int | None
    posts: list
    post_series: list
    snapshot_series: list
    snapshot_count: int
    post_count: int
    reasons: list
    spikes: list
    has_sketch: bool


def _reasons(raw) -> list[dict]:
    """Authenticity reasons as {sentence, contribution}; a plain string is a sentence alone.

    contribution is the points the signal took off the score (scoring.metrics.authenticity)."""
    reasons = []
    for item in raw or []:
        if isinstance(item, dict):
            sentence = item.get("sentence") or item.get("text") or item.get("reason") or ""
            contribution = item.get("contribution", item.get("points"))
        else:
            sentence, contribution = str(item), None
        if sentence:
            reasons.append({"sentence": sentence, "contribution": contribution})
    return reasons


def _spikes(raw) -> list[dict]:
    """Growth spikes as {date, change, explained, explanation}, dropping malformed items."""
    spikes = []
    for item in raw or []:
        if isinstance(item, dict) and item.get("date"):
            spikes.append(
                {
                    "date": str(item["date"]),
                    # scoring.metrics.authenticity writes "growth" (the day's relative change).
                    "change": item.get("change", item.get("growth")),
                    "explained": bool(item.get("explained")),
                    "explanation": item.get("explanation") or "",
                }
            )
    return spikes


def creator_profile(*, creator: Creator) -> Profile:
    """Everything the profile page shows of the catalogue (the page adds the user's roster
    entries: campaigns.selectors.creator_roster_entries)."""
    try:
        metrics = creator.metrics  # scoring's CreatorMetrics, by its one-to-one relation
    except ObjectDoesNotExist:
        metrics = None
    audience: dict[str, list] = {"country": [], "age": [], "gender": []}
    sample = None
    for share in creator.audience_shares.filter(dimension__in=list(audience)).order_by(
        "dimension", "-share"
    ):
        audience[share.dimension].append(share)
        if share.sample_size:
            sample = max(sample or 0, share.sample_size)
    audience["country"] = audience["country"][:8]
    posts = list(creator.posts.order_by("-posted_at")[:60])
    followers = creator.followers or None
    post_series = [
        {
            "date": p.posted_at.date().isoformat(),
            "er": ((p.likes + p.comments) / followers) if followers else None,
        }
        for p in reversed(posts)
    ]
    snapshots = list(creator.snapshots.order_by("date").values("date", "followers")[:400])
    snapshot_series = [
        {"date": s["date"].isoformat(), "followers": s["followers"]} for s in snapshots
    ]
    return Profile(
        creator=creator,
        metrics=metrics,
        audience=audience,
        audience_sample=sample,
        posts=posts[:12],
        post_series=post_series,
        snapshot_series=snapshot_series,
        snapshot_count=creator.snapshots.count(),
        post_count=creator.posts.count(),
        reasons=_reasons(getattr(metrics, "authenticity_reasons", None)),
        spikes=_spikes(getattr(metrics, "growth_spikes", None)),
        # exists(): the sketch row holds binary blobs the page does not need.
        has_sketch=AudienceSketch.objects.filter(creator=creator).exists(),
    )
