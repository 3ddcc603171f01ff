from django.contrib import admin

from campaigns import tracking
from campaigns.models import (
    Brand,
    Campaign,
    Deliverable,
    Outcome,
    RosterEntry,
    StageChange,
    TrackedLink,
)


@admin.register(TrackedLink)
class TrackedLinkAdmin(admin.ModelAdmin):
    """Pause or retire a link; the change reaches the redirect at once (its cached lookup goes)."""

    list_display = ("code", "entry", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("code", "entry__creator__handle", "entry__campaign__name")
    fields = ("code", "entry", "status")
    readonly_fields = ("code", "entry")

    def has_add_permission(self, request) -> bool:
        return False  # every roster entry gets its link when it is created

    def save_model(self, request, obj, form, change) -> None:
        tracking.set_status(obj, obj.status)


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "category", "created_at")
    list_filter = ("organization",)
    search_fields = ("name", "category", "values")


class RosterEntryInline(admin.TabularInline):
    model = RosterEntry
    extra = 0
    raw_id_fields = ("creator", "owner")
    fields = ("creator", "stage", "agreed_fee", "owner")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "brand",
        "objective",
        "status",
        "budget",
        "currency",
        "starts_on",
        "ends_on",
    )
    list_filter = ("objective", "status", "brand__organization")
    search_fields = ("name", "brand__name")
    filter_horizontal = ("niches",)
    inlines = [RosterEntryInline]


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    readonly_fields = ("from_stage", "to_stage", "changed_by", "changed_at")


@admin.register(RosterEntry)
class RosterEntryAdmin(admin.ModelAdmin):
    list_display = ("creator", "campaign", "stage", "agreed_fee", "owner", "updated_at")
    list_filter = ("stage", "campaign__brand__organization")
    search_fields = ("creator__handle", "campaign__name", "notes")
    raw_id_fields = ("creator", "campaign", "owner")
    inlines = [StageChangeInline]


@admin.register(StageChange)
class StageChangeAdmin(admin.ModelAdmin):
    list_display = ("entry", "from_stage", "to_stage", "changed_by", "changed_at")
    list_filter = ("to_stage",)
    search_fields = ("entry__creator__handle", "entry__campaign__name")
    raw_id_fields = ("entry", "changed_by")


class OutcomeInline(admin.TabularInline):
    model = Outcome
    extra = 0


@admin.register(Deliverable)
class DeliverableAdmin(admin.ModelAdmin):
    list_display = ("entry", "platform", "format", "due_on", "posted_at", "post_url")
    list_filter = ("platform", "format")
    search_fields = ("entry__creator__handle", "post_url")
    raw_id_fields = ("entry",)
    inlines = [OutcomeInline]


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin):
    list_display = (
        "deliverable",
        "recorded_at",
        "reach",
        "impressions",
        "likes",
        "comments",
        "clicks",
        "conversions",
        "revenue",
        "source",
    )
    list_filter = ("source",)
    search_fields = ("deliverable__entry__creator__handle", "promo_code")
    raw_id_fields = ("deliverable",)
    date_hierarchy = "recorded_at"
