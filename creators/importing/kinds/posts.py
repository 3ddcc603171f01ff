"""The posts kind: one row per post, upserted on (creator, external id)."""

from __future__ import annotations

from creators.importing.kinds.common import (
    BATCH,
    HANDLE,
    PLATFORM,
    diff,
    platform_column,
    reject_duplicates,
    resolve_creators,
    text_parser,
)
from creators.importing.registry import ApplyResult, FieldSpec, KindSpec, Rejection
from creators.importing.values import parse_bool, parse_count, parse_datetime, url_parser
from creators.models import Post

POST_FIELDS = (
    HANDLE,
    PLATFORM,
    FieldSpec(
        "external_id",
        text_parser(100),
        True,
        ("post_id", "id", "media_id", "video_id", "tweet_id", "shortcode", "aweme_id"),
        content="id",
    ),
    FieldSpec(
        "posted_at",
        parse_datetime,
        True,
        (
            "date",
            "published_at",
            "timestamp",
            "created_at",
            "posted",
            "post_date",
            "published",
            "taken_at",
            "create_time",
            "upload_date",
            "date_utc",
        ),
    ),
    FieldSpec(
        "likes",
        parse_count,
        False,
        ("like_count", "likes_count", "hearts", "reactions", "digg_count", "heart_count"),
    ),
    FieldSpec("comments", parse_count, False, ("comment_count", "comments_count", "replies")),
    FieldSpec(
        "views",
        parse_count,
        False,
        ("view_count", "views_count", "plays", "play_count", "impressions", "video_view_count"),
    ),
    FieldSpec("shares", parse_count, False, ("share_count", "shares_count", "retweets")),
    FieldSpec("saves", parse_count, False, ("save_count", "saved", "bookmarks")),
    FieldSpec("url", url_parser(400), False, ("post_url", "link", "permalink")),
    FieldSpec(
        "is_sponsored",
        parse_bool,
        False,
        ("sponsored", "ad", "paid", "is_ad", "is_paid_partnership", "paid_partnership"),
    ),
    FieldSpec("caption_length", parse_count, False, ("caption_chars", "text_length")),
)
POST_VALUE_FIELDS = [
    "posted_at",
    "likes",
    "comments",
    "views",
    "shares",
    "saves",
    "url",
    "is_sponsored",
    "caption_length",
]


def _posts_validate(frame, ctx):
    rejections: list[Rejection] = []
    frame = platform_column(frame, ctx, rejections)
    frame = reject_duplicates(frame, ["platform", "handle", "external_id"], rejections, "post id")
    frame = resolve_creators(frame, rejections)
    return frame, rejections


def _posts_apply(frame, ctx) -> ApplyResult:
    columns = [c for c in POST_VALUE_FIELDS if c in frame]
    existing = {}
    creator_ids = [int(i) for i in frame["creator_id"].unique()]
    for start in range(0, len(creator_ids), 500):
        query = Post.objects.filter(
            creator_id__in=creator_ids[start : start + 500],
            external_id__in=frame["external_id"].tolist(),
        )
        for row in query.values("pk", "creator_id", "external_id", *columns):
            existing[(row["creator_id"], row["external_id"])] = row
    new, changed, unchanged = diff(
        Post, frame, existing, lambda r: (int(r["creator_id"]), r["external_id"]), columns
    )
    objects = []
    for record in new + changed:
        values = {"creator_id": int(record["creator_id"]), "external_id": record["external_id"]}
        for c in columns:
            value = record[c]
            if value is None and c in ("likes", "comments"):
                value = 0
            if value is None and c == "is_sponsored":
                value = False
            if value is None and c == "url":
                value = ""
            values[c] = value
        objects.append(Post(**values))
    Post.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["creator", "external_id"],
        update_fields=columns,
        batch_size=BATCH,
    )
    touched = {int(r["creator_id"]) for r in new + changed}
    return ApplyResult(len(new), len(changed), unchanged, touched)


KIND = KindSpec("posts", "Posts", POST_FIELDS, _posts_validate, _posts_apply, writes=(Post,))
