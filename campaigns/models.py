"""Brands, campaigns, rosters and results; each belongs to an organisation (tenancy)."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from campaigns.querysets import (
    BrandQuerySet,
    CampaignQuerySet,
    ConversionQuerySet,
    DeliverableQuerySet,
    OutcomeQuerySet,
    RosterEntryQuerySet,
    ShareLinkQuerySet,
)
from creators.models import Category, Creator, Platform
from matchmaker.lib.urls import validate_http_url


class Brand(models.Model):
    """A brand an organisation runs campaigns for, with its values and default target audience."""

    organization = models.ForeignKey(
        "tenancy.Organization", on_delete=models.CASCADE, related_name="brands"
    )
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=100, blank=True)
    values = models.TextField(
        blank=True, help_text="What the brand stands for, in a few sentences."
    )
    keywords = models.JSONField(default=list, blank=True)
    excluded_keywords = models.JSONField(
        default=list, blank=True, help_text="Brand-safety exclusions."
    )
    competitors = models.JSONField(
        default=list,
        blank=True,
        help_text="Competing brands' names or handles, for organic-affinity mentions.",
    )
    target_countries = models.JSONField(default=list, blank=True)
    target_age_buckets = models.JSONField(
        default=list, blank=True, help_text="e.g. ['18-24', '25-34']"
    )
    target_genders = models.JSONField(default=list, blank=True)
    target_languages = models.JSONField(default=list, blank=True)
    target_interests = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BrandQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="brand_org_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Objective(models.TextChoices):
    AWARENESS = "awareness", "Awareness"
    ENGAGEMENT = "engagement", "Engagement"
    CONVERSIONS = "conversions", "Conversions"


def new_postback_secret() -> str:
    """A campaign's conversion postback secret: 256 random bits (campaigns.conversions)."""
    return secrets.token_hex(32)


class Campaign(models.Model):
    """A campaign for a brand: its targeting (copied from the brand, then its own) and weights."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        ARCHIVED = "archived", "Archived"

    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(max_length=200)
    objective = models.CharField(
        max_length=16, choices=Objective.choices, default=Objective.AWARENESS
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    budget = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    client_fee = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="What the client pays the agency for the campaign (internal: the margin is "
        "this less the creator fees).",
    )
    currency = models.CharField(max_length=3, default="USD")
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    platforms = models.JSONField(default=list, blank=True, help_text="Empty means every platform.")
    min_followers = models.BigIntegerField(default=10_000)
    max_followers = models.BigIntegerField(default=100_000)
    niches = models.ManyToManyField(Category, blank=True, related_name="campaigns")
    target_countries = models.JSONField(default=list, blank=True)
    target_age_buckets = models.JSONField(default=list, blank=True)
    target_genders = models.JSONField(default=list, blank=True)
    target_languages = models.JSONField(default=list, blank=True)
    target_interests = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    excluded_keywords = models.JSONField(default=list, blank=True)
    landing_url = models.URLField(
        max_length=400,
        blank=True,
        validators=[validate_http_url],
        help_text="Where the creators' tracked links send people (the brand's page).",
    )
    utm_params = models.JSONField(
        default=dict,
        blank=True,
        help_text=(
            "UTM parameters to change on the tracked links: name -> value, e.g. "
            '{"utm_medium": "social"}; {platform}, {campaign} and {handle} are filled in, '
            "an empty value drops the parameter."
        ),
    )
    promo_code_pattern = models.CharField(
        max_length=64,
        blank=True,
        default="<BRAND>-<HANDLE>",
        help_text=(
            "Each creator's promo code, e.g. LUMEN-<HANDLE>-15 (<BRAND>, <HANDLE>); "
            "empty means <BRAND>-<HANDLE>."
        ),
    )
    weights = models.JSONField(
        default=dict,
        blank=True,
        help_text="Component -> weight; empty means the objective's defaults.",
    )
    attribution_window_days = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text="A conversion counts for the last tracked-link click this many days before it.",
    )
    postback_secret = models.CharField(
        max_length=64,
        default=new_postback_secret,
        editable=False,
        help_text="Signs the shop's conversion postbacks (HMAC-SHA256); rotate it if it leaks.",
    )
    postback_secret_rotated_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(budget__gte=0), name="campaign_budget_non_negative"),
            models.CheckConstraint(
                condition=Q(min_followers__gte=0), name="campaign_min_followers_non_negative"
            ),
            # The one statement of the follower-range rule: forms and services show its message.
            models.CheckConstraint(
                condition=Q(max_followers__gte=F("min_followers")),
                name="campaign_follower_range_ordered",
                violation_error_message=(
                    "Max followers must be at least min followers (the follower range is reversed)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(attribution_window_days__gte=1, attribution_window_days__lte=365),
                name="campaign_attribution_window_range",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="campaign_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["brand", "status"], name="campaign_brand_status")]

    def __str__(self) -> str:
        return f"{self.name} ({self.brand})"


class Stage(models.TextChoices):
    SHORTLISTED = "shortlisted", "Shortlisted"
    CONTACTED = "contacted", "Contacted"
    NEGOTIATING = "negotiating", "Negotiating"
    CONTRACTED = "contracted", "Contracted"
    CONTENT_LIVE = "content_live", "Content live"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"


# Stages whose agreed fee counts as committed budget.
COMMITTED_STAGES = (Stage.CONTRACTED, Stage.CONTENT_LIVE, Stage.COMPLETED)


class RosterEntry(models.Model):
    """A creator on a campaign's roster, at a stage, with the fee agreed and the prediction made."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="roster")
    creator = models.ForeignKey(Creator, on_delete=models.PROTECT, related_name="roster_entries")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.SHORTLISTED)
    agreed_fee = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = models.TextField(blank=True)
    prediction = models.JSONField(
        default=dict,
        blank=True,
        help_text="Expected reach/engagements/conversions, frozen at contract.",
    )
    predicted_at = models.DateTimeField(null=True, blank=True)
    promo_code = models.CharField(
        max_length=64, blank=True, help_text="From the campaign's pattern; unique in it."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RosterEntryQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "stage", "created_at"]
        verbose_name_plural = "roster entries"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "creator"], name="roster_campaign_creator_unique"
            ),
            models.CheckConstraint(
                condition=Q(agreed_fee__gte=0) | Q(agreed_fee__isnull=True),
                name="roster_fee_non_negative",
            ),
            models.UniqueConstraint(
                fields=["campaign", "promo_code"],
                condition=~Q(promo_code=""),
                name="roster_campaign_promo_code_unique",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "stage"], name="roster_campaign_stage")]

    def __str__(self) -> str:
        return f"{self.creator} on {self.campaign} ({self.stage})"

    @property
    def link(self) -> "TrackedLink | None":
        """The entry's own tracked link (not a deliverable's); read from `links` when they are
        prefetched, else one query."""
        if "links" in getattr(self, "_prefetched_objects_cache", {}):
            return next((x for x in self.links.all() if x.deliverable_id is None), None)
        return self.links.filter(deliverable__isnull=True).first()

    @property
    def deliverable_links(self) -> "list[TrackedLink]":
        """The links of the entry's deliverables, oldest first (from the prefetch if any)."""
        if "links" in getattr(self, "_prefetched_objects_cache", {}):
            found = [x for x in self.links.all() if x.deliverable_id is not None]
            return sorted(found, key=lambda x: (x.created_at, x.pk))
        return list(
            self.links.filter(deliverable__isnull=False)
            .select_related("deliverable")
            .order_by("created_at", "pk")
        )


class StageChange(models.Model):
    """One move of a roster entry between stages: who, when, from, to."""

    entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "changed_at"]

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.from_stage or '-'} -> {self.to_stage}"


class Deliverable(models.Model):
    """A piece of content a rostered creator owes: planned, then live with a post URL."""

    class Format(models.TextChoices):
        POST = "post", "Feed post"
        REEL = "reel", "Reel / short video"
        STORY = "story", "Story"
        VIDEO = "video", "Long video"
        LIVE = "live", "Live stream"

    entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="deliverables")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    format = models.CharField(max_length=16, choices=Format.choices, default=Format.POST)
    due_on = models.DateField(null=True, blank=True)
    post_url = models.URLField(max_length=400, blank=True, validators=[validate_http_url])
    posted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        ordering = ["entry", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_format_display()} by {self.entry.creator}"


class Outcome(models.Model):
    """Results of a deliverable as measured at one time; a later reading supersedes an earlier one.

    A missing number is NULL, never zero: the metrics show a dash for it.
    """

    class Source(models.TextChoices):
        FORM = "form", "Form"
        CSV = "csv", "CSV upload"
        API = "api", "API"

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="outcomes")
    recorded_at = models.DateTimeField()
    reach = models.BigIntegerField(null=True, blank=True)
    impressions = models.BigIntegerField(null=True, blank=True)
    views = models.BigIntegerField(null=True, blank=True)
    likes = models.BigIntegerField(null=True, blank=True)
    comments = models.BigIntegerField(null=True, blank=True)
    shares = models.BigIntegerField(null=True, blank=True)
    saves = models.BigIntegerField(null=True, blank=True)
    clicks = models.BigIntegerField(null=True, blank=True)
    conversions = models.BigIntegerField(null=True, blank=True)
    revenue = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    promo_code = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.FORM)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["deliverable", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    *[
                        Q(**{f"{name}__gte": 0}) | Q(**{f"{name}__isnull": True})
                        for name in (
                            "reach",
                            "impressions",
                            "views",
                            "likes",
                            "comments",
                            "shares",
                            "saves",
                            "clicks",
                            "conversions",
                            "revenue",
                        )
                    ]
                ),
                name="outcome_counts_non_negative",
            ),
        ]
        indexes = [models.Index(fields=["deliverable", "-recorded_at"], name="outcome_latest")]

    def __str__(self) -> str:
        return f"Results of {self.deliverable_id} at {self.recorded_at:%Y-%m-%d}"


class TrackedLink(models.Model):
    """A short link /r/<code> to the campaign's landing URL (campaigns.tracking): a roster
    entry's own link (no deliverable; one per entry), or the link of one of its deliverables,
    whose utm_content names the deliverable too. Clicks and orders of a deliverable's link count
    for its roster entry like those of the entry's own link."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused (redirects, not counted)"
        RETIRED = "retired", "Retired (404)"

    entry = models.ForeignKey(RosterEntry, on_delete=models.CASCADE, related_name="links")
    deliverable = models.OneToOneField(
        Deliverable,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="link",
        help_text="The deliverable this link is for; empty for the roster entry's own link.",
    )
    code = models.CharField(max_length=16, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entry"],
                condition=Q(deliverable__isnull=True),
                name="tracked_link_one_own_per_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"/r/{self.code} ({self.status})"


class LinkClickDay(models.Model):
    """Clicks on a tracked link in one UTC day: distinct visitors, bots excluded. Only counts are
    stored; the visitor keys that collapse repeats live in the cache for the day."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="click_days")
    day = models.DateField()
    clicks = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["link", "day"]
        constraints = [
            models.UniqueConstraint(fields=["link", "day"], name="link_click_day_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.link_id} {self.day}: {self.clicks}"


class ShareLink(models.Model):
    """A read-only link to a campaign's client report (/share/<token>/) for people without an
    account. Only the token's SHA-256 is stored; the link is shown once, when it is created
    (campaigns.sharing.services). It stops working when it expires or is revoked."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="share_links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    show_fees = models.BooleanField(
        default=False,
        help_text="Show the creator fees, the spend and the costs per result (never the margin).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="share_link_expires_after"
            ),
        ]

    def __str__(self) -> str:
        return f"Share link {self.pk} of {self.campaign_id}"


class Conversion(models.Model):
    """One order of the brand's shop, measured (a postback or an orders export), attributed to a
    roster entry by its promo code, a tracked-link click within the window, or the UTM content
    of the landing page (campaigns.conversions). One row per campaign and order id: a re-sent
    order updates it, a refund or cancellation reverses it (refunded_amount, status), so an
    order is never counted twice. No customer data is stored."""

    class Source(models.TextChoices):
        POSTBACK = "postback", "Postback"
        ORDERS_IMPORT = "orders_import", "Orders import"

    class AttributedBy(models.TextChoices):
        PROMO_CODE = "promo_code", "Promo code"
        CLICK = "click", "Tracked-link click"
        UTM = "utm", "UTM content"
        NONE = "", "Not attributed"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
        REFUNDED = "refunded", "Refunded"
        CANCELLED = "cancelled", "Cancelled"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="conversions")
    entry = models.ForeignKey(
        RosterEntry,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversions",
    )
    order_id = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    refunded_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    currency = models.CharField(max_length=3)
    occurred_at = models.DateTimeField()
    source = models.CharField(max_length=16, choices=Source.choices)
    attributed_by = models.CharField(
        max_length=16, choices=AttributedBy.choices, blank=True, default=""
    )
    click_id = models.CharField(max_length=100, blank=True)
    promo_code = models.CharField(max_length=64, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.APPROVED)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConversionQuerySet.as_manager()

    class Meta:
        ordering = ["campaign", "-occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "order_id"], name="conversion_campaign_order_unique"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0, refunded_amount__gte=0)
                & Q(refunded_amount__lte=F("amount")),
                name="conversion_amounts_ordered",
            ),
        ]
        indexes = [models.Index(fields=["entry", "status"], name="conversion_entry_status")]

    def __str__(self) -> str:
        return f"Order {self.order_id} of {self.campaign_id} ({self.status})"


class PostbackNonce(models.Model):
    """A postback's signature, kept until its timestamp leaves the acceptance window: the same
    signed request sent again within the window is a replay (409)."""

    signature = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.signature[:12]}... until {self.expires_at:%Y-%m-%d %H:%M}"
