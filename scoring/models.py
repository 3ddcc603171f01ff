"""Stored scores. Each recompute is a ScoreRun; its rows become visible in the transaction
that marks the run succeeded, so readers never see a half-written run."""

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce

from campaigns.models import Campaign
from creators.models import Creator
from scoring.components import COMPONENTS, DEFINITIONS
from scoring.weights import row_weight_shares


class ScoreRun(models.Model):
    """One recompute: what, for which scope, how far it got, and how it ended."""

    class Kind(models.TextChoices):
        CREATOR_METRICS = "creator_metrics", "Creator metrics"
        CAMPAIGN_MATCHES = "campaign_matches", "Campaign matches"
        OVERLAPS = "overlaps", "Audience overlaps"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="score_runs"
    )
    scope = models.JSONField(
        default=dict, blank=True, help_text="e.g. {'creator_ids': [...]} or {}."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    items_total = models.IntegerField(null=True, blank=True)
    items_done = models.IntegerField(default=0)
    error = models.TextField(blank=True)
    rows_skipped = models.IntegerField(
        default=0, help_text="Stored rows left out as unusable (e.g. a post dated 9999-12-31)."
    )
    skipped = models.JSONField(
        default=list,
        blank=True,
        help_text="The first skipped rows: {table, id, creator_id, column, value, reason}.",
    )
    attempts = models.IntegerField(default=0)
    # A recompute of all creator metrics is split into chunks of creators (MetricsChunk); the
    # chunk that brings chunks_done to chunks_total publishes the run. Null: not partitioned.
    chunks_total = models.IntegerField(null=True, blank=True)
    chunks_done = models.IntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    weights = models.JSONField(
        default=dict,
        blank=True,
        help_text="Campaign matches: each component's weight share (summing to 1) in this run.",
    )
    candidates_total = models.IntegerField(
        null=True,
        blank=True,
        help_text="Campaign matches: candidates scored (the best MATCHES_STORED_MAX are stored).",
    )
    matches_stored = models.IntegerField(
        null=True, blank=True, help_text="Campaign matches: MatchScore rows stored."
    )
    audience_averages = models.JSONField(
        default=dict,
        blank=True,
        help_text="Campaign matches: per targeted dimension the share given to candidates "
        "without data (the average of the candidates with data).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # "The last completed run of this kind for this campaign".
            models.Index(
                fields=["kind", "campaign", "status", "-finished_at"], name="scorerun_latest"
            ),
        ]

    def __str__(self) -> str:
        scope = f" for campaign {self.campaign_id}" if self.campaign_id else ""
        return f"{self.get_kind_display()}{scope}: {self.status}"

    @property
    def matches_capped(self) -> bool:
        """Whether fewer matches were stored than candidates scored."""
        return (
            self.candidates_total is not None
            and self.matches_stored is not None
            and self.matches_stored < self.candidates_total
        )


class Tier(models.TextChoices):
    NANO = "nano", "Nano (<10k)"
    MICRO = "micro", "Micro (10k-100k)"
    MID = "mid", "Mid (100k-500k)"
    MACRO = "macro", "Macro (500k-1M)"
    MEGA = "mega", "Mega (>1M)"


class CreatorMetrics(models.Model):
    """A creator's computed metrics as of the last completed run that covered it."""

    creator = models.OneToOneField(Creator, on_delete=models.CASCADE, related_name="metrics")
    run = models.ForeignKey(ScoreRun, null=True, on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField()
    tier = models.CharField(max_length=8, choices=Tier.choices)
    er_median = models.FloatField(null=True, blank=True)
    er_mean = models.FloatField(null=True, blank=True)
    er_views = models.FloatField(null=True, blank=True)
    er_posts_used = models.IntegerField(default=0)
    er_from_profile = models.BooleanField(
        default=False, help_text="Fewer than 3 recent posts: profile averages were used."
    )
    er_percentile = models.FloatField(
        null=True, blank=True, help_text="Within platform x tier, 0..1."
    )
    likes_per_comment = models.FloatField(null=True, blank=True)
    authenticity_score = models.FloatField(null=True, blank=True, help_text="0..100.")
    authenticity_confidence = models.FloatField(null=True, blank=True, help_text="0..1.")
    authenticity_reasons = models.JSONField(default=list, blank=True)
    growth_30d = models.FloatField(
        null=True, blank=True, help_text="Relative follower change, 30 days."
    )
    growth_spikes = models.JSONField(default=list, blank=True)
    estimated_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    price_is_estimate = models.BooleanField(default=True)
    price_low = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Estimate's range, low."
    )
    price_high = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Estimate's range, high."
    )
    inputs = models.JSONField(
        default=dict, blank=True, help_text="What the numbers were computed from."
    )
    # Discovery sorts the catalogue by this (er_percentile x authenticity_score / 100), so it is
    # stored and indexed instead of computed per row in SQL.
    catalogue_score = models.FloatField(null=True, db_index=True)

    class Meta:
        verbose_name_plural = "creator metrics"
        constraints = [
            models.CheckConstraint(
                condition=Q(authenticity_score__isnull=True)
                | (Q(authenticity_score__gte=0) & Q(authenticity_score__lte=100)),
                name="metrics_authenticity_within_range",
            ),
            models.CheckConstraint(
                condition=Q(er_percentile__isnull=True)
                | (Q(er_percentile__gte=0) & Q(er_percentile__lte=1)),
                name="metrics_percentile_within_unit",
            ),
            models.CheckConstraint(
                condition=Q(er_posts_used__gte=0), name="metrics_posts_used_non_negative"
            ),
        ]
        indexes = [
            # Discovery: "min ER" and "min authenticity" filters and sorts.
            models.Index(fields=["er_median"], name="metrics_er_median"),
            models.Index(fields=["authenticity_score"], name="metrics_authenticity"),
            models.Index(fields=["growth_30d"], name="metrics_growth"),
            # Discovery's count: the "min ER" and "min authenticity" filters read from the index
            # alone (an index-only scan joined to the creators' platform/follower index).
            models.Index(
                fields=["creator", "er_median", "authenticity_score"],
                name="metrics_discovery_count",
            ),
            # Discovery's default sort: the page of 25 is read off this index instead of sorting
            # every filtered row. Scores are >= 0, so -1 puts missing ones last.
            models.Index(
                Coalesce("catalogue_score", Value(-1.0)).desc(),
                F("creator_id"),
                name="metrics_catalogue_order",
            ),
            # Discovery's "engagement rate" and "growth" sorts, the same way (ER is >= 0; growth
            # is a relative change >= -1, so -1e9 is below any real value).
            models.Index(
                Coalesce("er_median", Value(-1.0)).desc(),
                F("creator_id"),
                name="metrics_er_order",
            ),
            models.Index(
                Coalesce("growth_30d", Value(-1e9)).desc(),
                F("creator_id"),
                name="metrics_growth_order",
            ),
        ]

    def __str__(self) -> str:
        return f"Metrics of {self.creator_id} ({self.tier})"


class MetricsChunk(models.Model):
    """One chunk of a creator metrics run: the creators with ids first_id..last_id (last_id
    null: every id from first_id; both null: the run's scope.creator_ids). `done` is set once,
    in the transaction that counts it on its run, so a redelivered chunk never counts twice."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="metrics_chunks")
    number = models.IntegerField()
    first_id = models.BigIntegerField(null=True, blank=True)
    last_id = models.BigIntegerField(null=True, blank=True)
    done = models.BooleanField(default=False)
    items = models.IntegerField(default=0)
    rows_skipped = models.IntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="metrics_chunk_unique")
        ]

    def __str__(self) -> str:
        return f"Chunk {self.number} of run {self.run_id}"


class CohortStats(models.Model):
    """What ranking a creator within its platform x tier cohort needs: the cohort's non-null
    er_median and likes_per_comment values, sorted (float64 bytes), and their medians.

    A full run writes one row per cohort before its chunks score against them; a partial run
    writes the cohorts it changed. The published cohort is the rows of succeeded runs (publishing
    deletes the rows it replaces)."""

    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="cohort_stats")
    platform = models.CharField(max_length=16)
    tier = models.CharField(max_length=8, choices=Tier.choices)
    er_values = models.BinaryField()
    lpc_values = models.BinaryField()
    er_median = models.FloatField(null=True, blank=True)
    lpc_median = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "cohort stats"
        constraints = [
            models.UniqueConstraint(fields=["run", "platform", "tier"], name="cohort_stats_unique")
        ]

    def __str__(self) -> str:
        return f"Cohort {self.platform} x {self.tier} of run {self.run_id}"


def _staged_metric_fields() -> dict[str, models.Field]:
    """CreatorMetrics' value columns, the same types, without their indexes."""
    fields = {}
    for field in CreatorMetrics._meta.concrete_fields:
        if field.name in ("id", "creator", "run"):
            continue
        name, _, args, kwargs = field.deconstruct()
        kwargs.pop("db_index", None)
        fields[name] = type(field)(*args, **kwargs)
    return fields


class StagedMetricsMeta:
    verbose_name_plural = "staged metrics"
    indexes = [models.Index(fields=["run", "chunk"], name="staged_metrics_run_chunk")]


# The CreatorMetrics rows a partitioned run's chunks have written, until the run is published
# (copied into CreatorMetrics in the transaction that marks it succeeded) or fails.
StagedMetrics = type(
    "StagedMetrics",
    (models.Model,),
    {
        "__module__": __name__,
        "__doc__": "A chunk's CreatorMetrics rows, waiting for their run to be published.",
        "run": models.ForeignKey(
            ScoreRun, on_delete=models.CASCADE, related_name="+", db_index=False
        ),
        "chunk": models.IntegerField(),
        "creator_id": models.BigIntegerField(),
        **_staged_metric_fields(),
        "Meta": StagedMetricsMeta,
    },
)


class MatchScore(models.Model):
    """How well a creator fits a campaign, from the last completed run of that campaign.

    Each component's value (0..1) has its own column for sorting and filtering, the inputs it
    was computed from and whether it is estimated have theirs, and the run keeps the weight
    shares it used (ScoreRun.weights, the same for every row). breakdown() composes the
    explanation per component: {value, weight, contribution, inputs, estimated, definition}.
    `components` is empty for rows written so; rows written before (and fixtures) may carry
    that explanation in it, and breakdown() shows what they stored.
    """

    # No index of its own for the campaign (the unique (campaign, creator) constraint and the
    # (campaign, rank) index start with it) nor for the run (rows are found by campaign), and
    # no database constraint for either: the value is the same for every row of a run, and
    # the recompute holds both rows FOR KEY SHARE (what each row's check would take) instead
    # of checking it 100k times at commit. Deletes go through Django's on_delete.
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="match_scores",
        db_index=False,
        db_constraint=False,
    )
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="match_scores")
    run = models.ForeignKey(
        ScoreRun,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    computed_at = models.DateTimeField()
    rank = models.IntegerField()
    total = models.FloatField()
    audience_fit = models.FloatField()
    niche_fit = models.FloatField()
    engagement = models.FloatField()
    authenticity = models.FloatField()
    cost_efficiency = models.FloatField()
    track_record = models.FloatField()
    audience_reaction = models.FloatField(
        null=True, blank=True, help_text="Null: unknown (too few comments), its weight shared out."
    )
    organic_affinity = models.FloatField(default=0.0, db_default=0.0)
    target_reach = models.FloatField(null=True, blank=True, help_text="followers x audience fit.")
    excluded = models.BooleanField(default=False, help_text="Hit a brand-safety exclusion.")
    # What the components were computed from in this run (shown by breakdown()).
    estimated_dimensions = models.CharField(
        max_length=64,
        blank=True,
        default="",
        db_default="",
        help_text="Targeted audience dimensions without data (neutral 0.5), comma-separated.",
    )
    category_match = models.FloatField(null=True, blank=True)
    keyword_share = models.FloatField(null=True, blank=True)
    er_median = models.FloatField(null=True, blank=True)
    authenticity_score = models.FloatField(null=True, blank=True)
    price = models.FloatField(null=True, blank=True, help_text="Quoted, else estimated fee.")
    past_deliverables = models.IntegerField(default=0, db_default=0)
    engagement_estimated = models.BooleanField(
        default=False, db_default=False, help_text="No ER percentile yet: neutral 0.5."
    )
    price_estimated = models.BooleanField(
        default=False, db_default=False, help_text="No quoted fee: tier benchmark."
    )
    # The relevance gates the weighted mean was multiplied by (scoring.metrics.relevance), and
    # per targeted audience dimension the share of the audience inside the target (null when
    # the dimension was not targeted; the catalogue average when estimated).
    audience_gate = models.FloatField(
        default=1.0,
        db_default=1.0,
        help_text="min(1, sqrt(audience fit / reference)); 1 untargeted.",
    )
    niche_gate = models.FloatField(
        default=1.0, db_default=1.0, help_text="1 with a niche or keyword match, else a floor."
    )
    share_country = models.FloatField(null=True, blank=True)
    share_age = models.FloatField(null=True, blank=True)
    share_gender = models.FloatField(null=True, blank=True)
    share_language = models.FloatField(null=True, blank=True)
    share_interest = models.FloatField(null=True, blank=True)
    # Audience reaction's inputs (the creator's CreatorReaction as this run read it).
    reaction_comments_n = models.IntegerField(
        default=0, db_default=0, help_text="Comments with text by others."
    )
    substantive_share = models.FloatField(null=True, blank=True)
    spam_share = models.FloatField(null=True, blank=True)
    intent_share = models.FloatField(null=True, blank=True)
    sentiment_mean = models.FloatField(null=True, blank=True)
    sentiment_n = models.IntegerField(default=0, db_default=0)
    reply_share = models.FloatField(null=True, blank=True)
    reaction_pod = models.BooleanField(
        default=False, db_default=False, help_text="Likely engagement pod: reaction halved."
    )
    ad_fatigue = models.FloatField(
        default=0.0, db_default=0.0, help_text="Share taken off the reaction for ad fatigue."
    )
    # Organic affinity's: unpaid posts mentioning each kind of term, and the last mention.
    brand_mentions_n = models.IntegerField(default=0, db_default=0)
    competitor_mentions_n = models.IntegerField(default=0, db_default=0)
    niche_mentions_n = models.IntegerField(default=0, db_default=0)
    last_mention = models.DateTimeField(null=True, blank=True)
    components = models.JSONField(
        default=dict, blank=True, help_text="Empty; older rows: the stored breakdown."
    )

    class Meta:
        ordering = ["campaign", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "creator"], name="match_campaign_creator_unique"
            ),
            models.CheckConstraint(
                condition=Q(
                    *[Q(**{f"{c}__gte": 0}) & Q(**{f"{c}__lte": 1}) for c in (*COMPONENTS, "total")]
                ),
                name="match_components_within_unit",
            ),
            models.CheckConstraint(condition=Q(rank__gte=1), name="match_rank_positive"),
            models.CheckConstraint(
                condition=Q(audience_gate__gte=0)
                & Q(audience_gate__lte=1)
                & Q(niche_gate__gte=0)
                & Q(niche_gate__lte=1),
                name="match_gates_within_unit",
            ),
        ]
        indexes = [
            # The ranked shortlist page and API: one campaign, in rank order (rank follows the
            # total, so nothing reads the rows in total order).
            models.Index(fields=["campaign", "rank"], name="match_campaign_rank"),
        ]

    def __str__(self) -> str:
        return f"#{self.rank} {self.creator_id} for {self.campaign_id}: {self.total:.2f}"

    def breakdown(self, weights: dict | None = None) -> dict[str, dict]:
        """Per component (in COMPONENTS order) {value, weight, contribution, inputs, estimated,
        definition}: the value and inputs from their columns, the weight share from the run
        (`weights` overrides it, for a caller that has the run already), contribution = value
        x weight. What a row stored in `components` (older rows) wins: it is what that run
        computed."""
        if weights is None:
            weights = (self.run.weights if self.run_id and self.run else None) or {}
        stored = self.components or {}
        dims = [d for d in self.estimated_dimensions.split(",") if d]
        composed = {
            "audience_fit": ({"estimated_dimensions": dims}, bool(dims)),
            "niche_fit": (
                {"category_match": self.category_match, "keyword_share": self.keyword_share},
                False,
            ),
            "engagement": ({"er_median": self.er_median}, self.engagement_estimated),
            "authenticity": (
                {"score": self.authenticity_score},
                self.authenticity_score is None,
            ),
            "cost_efficiency": ({"price": self.price}, self.price_estimated),
            "track_record": (
                {"past_deliverables": self.past_deliverables},
                self.past_deliverables == 0,
            ),
            "audience_reaction": (
                {
                    "comments_n": self.reaction_comments_n,
                    "substantive_share": self.substantive_share,
                    "spam_share": self.spam_share,
                    "intent_share": self.intent_share,
                    "sentiment_mean": self.sentiment_mean,
                    "sentiment_n": self.sentiment_n,
                    "reply_share": self.reply_share,
                    "pod": self.reaction_pod,
                    "ad_fatigue": self.ad_fatigue,
                },
                False,
            ),
            "organic_affinity": (
                {
                    "brand_mentions_n": self.brand_mentions_n,
                    "competitor_mentions_n": self.competitor_mentions_n,
                    "niche_mentions_n": self.niche_mentions_n,
                    "last_mention": self.last_mention.isoformat() if self.last_mention else None,
                },
                False,
            ),
        }
        shares = row_weight_shares(weights, {"audience_reaction": self.audience_reaction})
        out = {}
        for name in COMPONENTS:
            detail = stored.get(name)
            if detail is None:
                inputs, estimated = composed[name]
                detail = {"inputs": inputs, "estimated": estimated}
            value = detail.get("value", getattr(self, name))
            weight = detail.get("weight", shares.get(name))
            contribution = detail.get("contribution")
            if contribution is None and value is not None and weight is not None:
                contribution = value * weight
            elif contribution is None and weight is not None:
                contribution = 0.0  # unknown: its weight went to the measured components
            out[name] = {
                "value": value,
                "weight": weight,
                "contribution": contribution,
                "inputs": detail.get("inputs") or {},
                "estimated": bool(detail.get("estimated", False)),
                "definition": detail.get("definition") or DEFINITIONS.get(name, ""),
            }
        return out


class CreatorOverlap(models.Model):
    """Estimated shared audience of two creators (creator_a.id < creator_b.id), from sketches."""

    creator_a = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    creator_b = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(ScoreRun, null=True, on_delete=models.SET_NULL, related_name="+")
    computed_at = models.DateTimeField()
    method = models.CharField(max_length=32)
    jaccard = models.FloatField()
    shared_estimate = models.FloatField(
        help_text="Shared followers, scaled to full follower counts."
    )
    share_a = models.FloatField(help_text="Share of A's audience that also follows B.")
    share_b = models.FloatField(help_text="Share of B's audience that also follows A.")
    error_band = models.FloatField(help_text="+/- on the overlap share of the smaller audience.")
    sample_a = models.IntegerField()
    sample_b = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["creator_a", "creator_b"], name="overlap_pair_unique"),
            models.CheckConstraint(
                condition=Q(creator_a__lt=F("creator_b")), name="overlap_pair_ordered"
            ),
            models.CheckConstraint(
                condition=Q(jaccard__gte=0)
                & Q(jaccard__lte=1)
                & Q(share_a__gte=0)
                & Q(share_a__lte=1)
                & Q(share_b__gte=0)
                & Q(share_b__lte=1),
                name="overlap_shares_within_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.creator_a_id} & {self.creator_b_id}: J={self.jaccard:.3f}"


class CreatorReaction(models.Model):
    """A creator's structural audience-reaction figures (DESIGN 4.8, scoring.metrics.reaction
    and .pods) over the ER window, as of the last recompute that covered it. Every figure
    stands next to the counts it rests on; a null figure is unknown, not neutral."""

    creator = models.OneToOneField(Creator, on_delete=models.CASCADE, related_name="reaction")
    computed_at = models.DateTimeField()
    posts_n = models.IntegerField(default=0, help_text="ER-window posts.")
    sponsored_n = models.IntegerField(default=0)
    comments_n = models.IntegerField(default=0, help_text="Comments by others on them.")
    commenters_n = models.IntegerField(default=0)
    commented_posts_n = models.IntegerField(default=0)
    threads_n = models.IntegerField(default=0, help_text="Top-level comments by others.")
    replied_n = models.IntegerField(default=0, help_text="Threads the creator answered.")
    regulars_n = models.IntegerField(default=0)
    reply_share = models.FloatField(null=True, blank=True, help_text="0..1.")
    reply_delay_hours = models.FloatField(
        null=True, blank=True, help_text="Median hours from a thread to the first answer."
    )
    top_commenters_share = models.FloatField(
        null=True, blank=True, help_text="Comments by the 10 most frequent commenters, 0..1."
    )
    regular_share = models.FloatField(
        null=True, blank=True, help_text="Commenters on most (>50%, >=3) of the posts, 0..1."
    )
    sponsored_share = models.FloatField(null=True, blank=True, help_text="0..1.")
    er_sponsored = models.FloatField(null=True, blank=True, help_text="Median ER, sponsored.")
    er_organic = models.FloatField(null=True, blank=True, help_text="Median ER, organic.")
    text_comments_n = models.IntegerField(
        default=0, help_text="Comments by others with text, what the text shares rest on."
    )
    substantive_share = models.FloatField(null=True, blank=True, help_text="0..1.")
    generic_share = models.FloatField(null=True, blank=True, help_text="0..1.")
    spam_share = models.FloatField(null=True, blank=True, help_text="0..1.")
    intent_share = models.FloatField(
        null=True, blank=True, help_text="Purchase-intent questions, 0..1."
    )
    sentiment_mean = models.FloatField(
        null=True, blank=True, help_text="Mean VADER compound, -1..1, over sentiment_n."
    )
    sentiment_n = models.IntegerField(
        default=0, help_text="Comments whose sentiment was measured (English, emoji)."
    )
    pod = models.BooleanField(default=False, help_text="Likely in an engagement pod.")
    pod_id = models.BigIntegerField(
        null=True, blank=True, help_text="The pod's smallest creator id (not a key: it moves)."
    )
    evidence = models.JSONField(
        default=dict, blank=True, help_text="The pod's evidence and the thresholds used."
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(posts_n__gte=0)
                & Q(comments_n__gte=0)
                & Q(threads_n__gte=0)
                & Q(replied_n__gte=0)
                & Q(replied_n__lte=F("threads_n")),
                name="reaction_counts_consistent",
            ),
        ]
        indexes = [
            # The pod's members, listed on a creator's why page.
            models.Index(fields=["pod_id"], name="reaction_pod", condition=Q(pod=True)),
        ]

    def __str__(self) -> str:
        return f"Reaction of {self.creator_id}"
