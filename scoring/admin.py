from django.contrib import admin

from scoring.models import CreatorMetrics, CreatorOverlap, CreatorReaction, MatchScore, ScoreRun


@admin.register(ScoreRun)
class ScoreRunAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "campaign",
        "status",
        "items_done",
        "items_total",
        "rows_skipped",
        "created_at",
        "finished_at",
    )
    list_filter = ("kind", "status")
    search_fields = ("error", "campaign__name")
    readonly_fields = (
        "created_at",
        "started_at",
        "finished_at",
        "task_id",
        "attempts",
        "rows_skipped",
        "skipped",
    )


@admin.register(CreatorMetrics)
class CreatorMetricsAdmin(admin.ModelAdmin):
    list_display = (
        "creator",
        "tier",
        "er_median",
        "er_percentile",
        "authenticity_score",
        "growth_30d",
        "computed_at",
    )
    list_filter = ("tier", "er_from_profile", "price_is_estimate")
    search_fields = ("creator__handle",)
    raw_id_fields = ("creator", "run")
    show_full_result_count = False


@admin.register(MatchScore)
class MatchScoreAdmin(admin.ModelAdmin):
    list_display = (
        "campaign",
        "rank",
        "creator",
        "total",
        "audience_fit",
        "niche_fit",
        "engagement",
        "authenticity",
        "cost_efficiency",
        "track_record",
        "excluded",
    )
    list_filter = ("excluded", "campaign")
    search_fields = ("creator__handle", "campaign__name")
    raw_id_fields = ("creator", "campaign", "run")
    show_full_result_count = False


@admin.register(CreatorOverlap)
class CreatorOverlapAdmin(admin.ModelAdmin):
    list_display = (
        "creator_a",
        "creator_b",
        "jaccard",
        "share_a",
        "share_b",
        "shared_estimate",
        "error_band",
        "computed_at",
    )
    list_filter = ("method",)
    search_fields = ("creator_a__handle", "creator_b__handle")
    raw_id_fields = ("creator_a", "creator_b", "run")


@admin.register(CreatorReaction)
class CreatorReactionAdmin(admin.ModelAdmin):
    list_display = (
        "creator",
        "posts_n",
        "threads_n",
        "reply_share",
        "top_commenters_share",
        "sponsored_share",
        "pod",
        "pod_id",
        "computed_at",
    )
    list_filter = ("pod",)
    search_fields = ("creator__handle",)
    raw_id_fields = ("creator",)
    show_full_result_count = False
