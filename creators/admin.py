from django.contrib import admin

from creators.models import (
    AudienceShare,
    AudienceSketch,
    Category,
    Creator,
    FollowerSnapshot,
    ImportJob,
    Post,
    SavedMapping,
)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class AudienceShareInline(admin.TabularInline):
    model = AudienceShare
    extra = 0


@admin.register(Creator)
class CreatorAdmin(admin.ModelAdmin):
    list_display = (
        "handle",
        "platform",
        "display_name",
        "followers",
        "country",
        "language",
        "quoted_price",
        "data_updated_at",
    )
    list_filter = ("platform", "country", "language", "categories")
    search_fields = ("handle", "display_name", "bio")
    filter_horizontal = ("categories",)
    readonly_fields = ("created_at", "updated_at")
    inlines = [AudienceShareInline]
    show_full_result_count = False


@admin.register(FollowerSnapshot)
class FollowerSnapshotAdmin(admin.ModelAdmin):
    list_display = ("creator", "date", "followers", "following")
    list_filter = ("date",)
    search_fields = ("creator__handle",)
    raw_id_fields = ("creator",)
    date_hierarchy = "date"


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "creator",
        "posted_at",
        "likes",
        "comments",
        "views",
        "is_sponsored",
    )
    list_filter = ("is_sponsored", "creator__platform")
    search_fields = ("external_id", "creator__handle")
    raw_id_fields = ("creator",)
    date_hierarchy = "posted_at"
    show_full_result_count = False


@admin.register(AudienceShare)
class AudienceShareAdmin(admin.ModelAdmin):
    list_display = ("creator", "dimension", "bucket", "share", "sample_size")
    list_filter = ("dimension",)
    search_fields = ("creator__handle", "bucket")
    raw_id_fields = ("creator",)
    show_full_result_count = False


@admin.register(AudienceSketch)
class AudienceSketchAdmin(admin.ModelAdmin):
    list_display = ("creator", "method", "sample_size", "updated_at")
    list_filter = ("method",)
    search_fields = ("creator__handle",)
    raw_id_fields = ("creator",)
    exclude = ("sketch", "sample_ids")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = (
        "original_name",
        "kind",
        "status",
        "rows_read",
        "rows_created",
        "rows_updated",
        "rows_rejected",
        "error_count",
        "created_by",
        "created_at",
    )
    list_filter = ("kind", "status")
    search_fields = ("original_name", "message")
    readonly_fields = ("created_at", "started_at", "finished_at", "task_id", "attempts")
    date_hierarchy = "created_at"


@admin.register(SavedMapping)
class SavedMappingAdmin(admin.ModelAdmin):
    list_display = ("kind", "header_signature", "updated_at")
    list_filter = ("kind",)
