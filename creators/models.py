"""The creator catalogue: who the creators are, what they post, and who follows them."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import Q

from creators.querysets import CreatorQuerySet, ImportJobQuerySet
from matchmaker.lib.urls import validate_http_url


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    TWITTER = "twitter", "X / Twitter"
    TWITCH = "twitch", "Twitch"
    FACEBOOK = "facebook", "Facebook"


class Category(models.Model):
    """A niche such as "fitness" or "vegan food"; creators have several, campaigns target some."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Creator(models.Model):
    """One account on one platform. The profile numbers are as last imported."""

    platform = models.CharField(max_length=16, choices=Platform.choices)
    handle = models.CharField(max_length=100, help_text="Lower-case, without the @.")
    display_name = models.CharField(max_length=200, blank=True)
    profile_url = models.URLField(max_length=300, blank=True, validators=[validate_http_url])
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code.")
    language = models.CharField(max_length=8, blank=True, help_text="ISO 639-1 code.")
    categories = models.ManyToManyField(Category, blank=True, related_name="creators")
    bio = models.TextField(blank=True)
    followers = models.BigIntegerField(default=0)
    following = models.BigIntegerField(null=True, blank=True)
    posts_count = models.BigIntegerField(null=True, blank=True)
    # Profile-level averages as exported by other tools; used when too few posts are known.
    avg_likes = models.FloatField(null=True, blank=True)
    avg_comments = models.FloatField(null=True, blank=True)
    avg_views = models.FloatField(null=True, blank=True)
    reported_engagement_rate = models.FloatField(
        null=True, blank=True, help_text="Engagement rate as reported by the source, a fraction."
    )
    contact_email = models.EmailField(blank=True)
    quoted_price = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, help_text="Quoted price per post."
    )
    price_currency = models.CharField(max_length=3, default="USD")
    source = models.CharField(max_length=100, blank=True, help_text="Where the data came from.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    data_updated_at = models.DateTimeField(
        null=True, blank=True, help_text="When the profile numbers were last imported."
    )
    # Discovery's keyword search (creators.search): handle and name weigh A, the bio B, all
    # parsed with 'english' (stemmed: "running" is stored as "run"; "alpha_glow" as "alpha",
    # "glow"), matching the one english query, so `or` and `-word` keep their meaning; whole
    # handles and their beginnings are the prefix match's. Stored, so a GIN index can serve it
    # and imports (COPY into named columns) fill it without a trigger.
    search_vector = models.GeneratedField(
        expression=SearchVector("handle", config="english", weight="A")
        + SearchVector("display_name", config="english", weight="A")
        + SearchVector("bio", config="english", weight="B"),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = CreatorQuerySet.as_manager()

    class Meta:
        ordering = ["platform", "handle"]
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "handle"], name="creator_platform_handle_unique"
            ),
            models.CheckConstraint(
                condition=Q(followers__gte=0), name="creator_followers_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(following__gte=0) | Q(following__isnull=True),
                name="creator_following_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(posts_count__gte=0) | Q(posts_count__isnull=True),
                name="creator_posts_count_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(quoted_price__gte=0) | Q(quoted_price__isnull=True),
                name="creator_quoted_price_non_negative",
            ),
            models.CheckConstraint(condition=~Q(handle=""), name="creator_handle_not_empty"),
        ]
        indexes = [
            # Discovery: platform + follower range is the default filter, sorted by followers;
            # with the id, the page's count joins metrics from this index alone (index-only).
            models.Index(
                fields=["platform", "followers", "id"], name="creator_platform_followers_id"
            ),
            models.Index(fields=["followers"], name="creator_followers"),
            # Discovery: country and language filters.
            models.Index(fields=["country", "followers"], name="creator_country_followers"),
            models.Index(fields=["language"], name="creator_language"),
            # Discovery: keyword search (full text) and handle prefix (LIKE 'term%').
            GinIndex(fields=["search_vector"], name="creator_search_vector"),
            models.Index(
                fields=["handle"], opclasses=["varchar_pattern_ops"], name="creator_handle_prefix"
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.handle} ({self.get_platform_display()})"


class FollowerSnapshot(models.Model):
    """Follower and following counts on a day: the growth curve and spike detection read these."""

    # db_index=False: the unique (creator, date) index below serves every lookup by creator
    # (and the cascade), so a second index on creator alone would only slow down imports.
    creator = models.ForeignKey(
        Creator, on_delete=models.CASCADE, related_name="snapshots", db_index=False
    )
    date = models.DateField()
    followers = models.BigIntegerField()
    following = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["creator", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["creator", "date"], name="snapshot_creator_date_unique"
            ),
            models.CheckConstraint(
                condition=Q(followers__gte=0), name="snapshot_followers_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(following__gte=0) | Q(following__isnull=True),
                name="snapshot_following_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} on {self.date}: {self.followers}"


class Post(models.Model):
    """One post with its public reactions. views is set for video posts only."""

    # db_index=False: the unique (creator, external_id) index below serves every lookup by creator
    # (and the cascade), so a second index on creator alone would only slow down imports.
    creator = models.ForeignKey(
        Creator, on_delete=models.CASCADE, related_name="posts", db_index=False
    )
    external_id = models.CharField(max_length=100)
    url = models.URLField(max_length=400, blank=True, validators=[validate_http_url])
    posted_at = models.DateTimeField()
    likes = models.BigIntegerField(default=0)
    comments = models.BigIntegerField(default=0)
    views = models.BigIntegerField(null=True, blank=True)
    shares = models.BigIntegerField(null=True, blank=True)
    saves = models.BigIntegerField(null=True, blank=True)
    is_sponsored = models.BooleanField(default=False)
    sponsor_handles = models.JSONField(default=list, blank=True)
    hashtags = models.JSONField(default=list, blank=True)
    caption = models.TextField(blank=True, db_default="", help_text="The post's text as published.")
    caption_length = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["creator", "-posted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["creator", "external_id"], name="post_creator_external_unique"
            ),
            models.CheckConstraint(
                condition=Q(likes__gte=0)
                & Q(comments__gte=0)
                & (Q(views__gte=0) | Q(views__isnull=True))
                & (Q(shares__gte=0) | Q(shares__isnull=True))
                & (Q(saves__gte=0) | Q(saves__isnull=True)),
                name="post_counts_non_negative",
            ),
        ]
        indexes = [
            # Engagement: a creator's most recent posts first.
            models.Index(fields=["creator", "-posted_at"], name="post_creator_recent"),
            # The comments import finds a comment's post by its id or its URL alone, without the
            # creator (comments_writer.CommentsWriter._resolve): "external_id = ANY(...) OR url
            # = ANY(...) AND url <> ''" reads these two instead of every post.
            models.Index(fields=["external_id"], name="post_external_id"),
            models.Index(fields=["url"], name="post_url", condition=~Q(url="")),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id}/{self.external_id}"


class Comment(models.Model):
    """One public comment under a post: catalogue data, like the post it belongs to.

    The commenter is kept only as a keyed hash (settings.COMMENTER_HASH_KEY), never the raw
    handle or id: enough to count repeat commenters and find pods, not to identify anyone.
    A reply points at its thread by parent_external_id; "" marks a top-level comment (a thread).
    creator is the post's creator, stored again so per-creator signals read one index."""

    post = models.ForeignKey(
        Post, on_delete=models.CASCADE, related_name="comment_records", db_index=False
    )
    creator = models.ForeignKey(
        Creator, on_delete=models.CASCADE, related_name="comment_records", db_index=False
    )
    external_id = models.CharField(max_length=100, blank=True)
    parent_external_id = models.CharField(
        max_length=100, blank=True, help_text="The comment this one replies to; blank for a thread."
    )
    commenter_key = models.CharField(
        max_length=64, help_text="HMAC-SHA256 of the commenter's id or handle, hex."
    )
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    is_creator_reply = models.BooleanField(
        default=False, help_text="Written by the post's creator."
    )
    like_count = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["post", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "external_id"],
                condition=~Q(external_id=""),
                name="comment_post_external_unique",
            ),
            models.CheckConstraint(
                condition=Q(like_count__gte=0) | Q(like_count__isnull=True),
                name="comment_likes_non_negative",
            ),
        ]
        indexes = [
            models.Index(fields=["post", "created_at"], name="comment_post_time"),
            models.Index(fields=["creator", "created_at"], name="comment_creator_time"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}/{self.external_id or self.pk}"


class AudienceDimension(models.TextChoices):
    COUNTRY = "country", "Country"
    AGE = "age", "Age"
    GENDER = "gender", "Gender"
    LANGUAGE = "language", "Language"
    INTEREST = "interest", "Interest"


class AudienceShare(models.Model):
    """The share of a creator's audience in one bucket of one dimension (e.g. country=DE: 0.31)."""

    # db_index=False: the unique (creator, dimension, bucket) index below serves every lookup by creator
    # (and the cascade), so a second index on creator alone would only slow down imports.
    creator = models.ForeignKey(
        Creator, on_delete=models.CASCADE, related_name="audience_shares", db_index=False
    )
    dimension = models.CharField(max_length=16, choices=AudienceDimension.choices)
    bucket = models.CharField(max_length=64, help_text="ISO code, age band like 18-24, gender, ...")
    share = models.FloatField(help_text="Fraction of the audience, 0..1.")
    sample_size = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["creator", "dimension", "-share"]
        constraints = [
            models.UniqueConstraint(
                fields=["creator", "dimension", "bucket"],
                name="audience_creator_dimension_bucket_unique",
            ),
            models.CheckConstraint(
                condition=Q(share__gte=0) & Q(share__lte=1), name="audience_share_within_unit"
            ),
            models.CheckConstraint(
                condition=Q(sample_size__gte=0) | Q(sample_size__isnull=True),
                name="audience_sample_size_non_negative",
            ),
        ]
        indexes = [
            # Discovery: "at least X% of the audience in country C".
            models.Index(fields=["dimension", "bucket", "share"], name="audience_dim_bucket_share"),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} {self.dimension}={self.bucket}: {self.share:.3f}"


class AudienceSketch(models.Model):
    """A creator's follower-id sample and the mergeable sketch built from it (overlap, unique reach)."""

    creator = models.OneToOneField(
        Creator, on_delete=models.CASCADE, related_name="audience_sketch"
    )
    method = models.CharField(
        max_length=32, help_text="Sketch algorithm and parameters, e.g. bottomk-4096."
    )
    sketch = models.BinaryField()
    sample_ids = models.BinaryField(
        blank=True,
        default=b"",
        help_text="The follower-id sample (compressed), to rebuild sketches.",
    )
    sample_size = models.IntegerField(help_text="Distinct follower ids in the sample.")
    sample_digest = models.CharField(max_length=64, blank=True, help_text="Hash of the sample.")
    profile_stats = models.JSONField(
        default=dict, blank=True, help_text="Aggregates of follower profile fields, when imported."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "audience sketches"
        constraints = [
            models.CheckConstraint(
                condition=Q(sample_size__gte=0), name="sketch_sample_size_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.creator_id} {self.method} ({self.sample_size} followers)"


class SavedMapping(models.Model):
    """The column mapping an admin confirmed for a file layout, reused for the next file with the
    same headers (the signature is a hash of the normalised header row)."""

    kind = models.CharField(max_length=16)
    header_signature = models.CharField(max_length=64)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "header_signature"], name="savedmapping_kind_signature_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} mapping {self.header_signature[:8]}"


class ImportKind(models.TextChoices):
    PROFILES = "profiles", "Profiles"
    POSTS = "posts", "Posts"
    AUDIENCE = "audience", "Audience shares"
    FOLLOWERS = "followers", "Follower samples"
    OUTCOMES = "outcomes", "Campaign results"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Done"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """One uploaded file and what became of it. Progress is written here for the page to poll."""

    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    platform = models.CharField(max_length=16, choices=Platform.choices, blank=True)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    sheet = models.CharField(max_length=100, blank=True)
    mapping = models.JSONField(
        default=dict, blank=True, help_text="Our field -> column in the file."
    )
    skip_invalid = models.BooleanField(default=False)
    scope = models.JSONField(
        default=dict, blank=True, help_text="Extra scope, e.g. the campaign of an outcomes import."
    )
    status = models.CharField(
        max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    rows_total = models.IntegerField(null=True, blank=True)
    rows_read = models.IntegerField(default=0)
    rows_created = models.IntegerField(default=0)
    rows_updated = models.IntegerField(default=0)
    rows_unchanged = models.IntegerField(default=0)
    rows_rejected = models.IntegerField(
        default=0, help_text="File rows rejected (a row with two bad cells counts once)."
    )
    error_count = models.IntegerField(
        default=0, help_text="Problems found in the rejected rows (one per bad cell)."
    )
    errors = models.JSONField(
        default=list, blank=True, help_text="Rejected rows: {row, column, value, reason}."
    )
    message = models.TextField(blank=True, help_text="A file-level error or summary.")
    attempts = models.IntegerField(default=0)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Empty while an uploaded file waits for its preview to be confirmed: no worker may run it.
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was last sent to the import worker."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    # The stale-job check (creators.stale_jobs) reads it to tell a live run from a lost one.
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="When the running job last reported progress."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rows_read__gte=0)
                & Q(rows_created__gte=0)
                & Q(rows_updated__gte=0)
                & Q(rows_unchanged__gte=0)
                & Q(rows_rejected__gte=0)
                & Q(error_count__gte=0),
                name="importjob_counts_non_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="importjob_status_created")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} import of {self.original_name} ({self.status})"
