from django.contrib import admin

from campaigns import tracking
from campaigns.models import (
    Brand,
    Campaign,
    Conversion,
    Deliverable,
    Outcome,
    RosterEntry,
    ShareLink,
    StageChange,
    TrackedLink,
)


@admin.register(TrackedLink)
class TrackedLinkAdmin(admin.ModelAdmin):
    """Pause or retire a link; the change reaches the redirect at once (its cached lookup goes)."""

    list_display = ("code", "entry", "deliverable", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("code", "entry__creator__handle", "entry__campaign__name")
    fields = ("code", "entry", "deliverable", "status")
    readonly_fields = ("code", "entry", "deliverable")

    def has_add_permission(self, request) -> bool:
        return False  # every roster entry gets its link when it is created

    def save_model(self, request, obj, form, change) -> None:
        tracking.set_status(obj, obj.status)


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    """See and revoke client-report links; they are created on the results page (the token is
    shown once there), so none is added here and the stored hash is never shown."""

    list_display = (
        "campaign",
        "created_by",
        "created_at",
        "expires_at",
        "revoked_at",
        "view_count",
    )
    list_filter = ("show_fees",)
    search_fields = ("campaign__name", "campaign__brand__name")
    fields = ("campaign", "show_fees", "created_by", "created_at", "expires_at", "revoked_at",
              "last_viewed_at", "view_count")  # fmt: skip
    readonly_fields = ("campaign", "show_fees", "created_by", "created_at", "expires_at",
                       "last_viewed_at", "view_count")  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Conversion)
class ConversionAdmin(admin.ModelAdmin):
    """Measured orders, read only: the postback and the orders import write them."""

    list_display = ("order_id", "campaign", "entry", "amount", "status", "attributed_by", "source")
    list_filter = ("status", "attributed_by", "source")
    search_fields = ("order_id", "campaign__name", "entry__creator__handle")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


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
