"""The posts kind: one row per post, upserted on (creator, external id). The caption is
stored as published; its length is counted from it when the file has no length column, and
its hashtags are added to the file's hashtags column (or are the hashtags, without one)."""

from __future__ import annotations

import json

import pandas as pd

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
from creators.importing.values import (
    caption_hashtags,
    parse_bool,
    parse_count,
    parse_datetime,
    parse_hashtags,
    unique_hashtags,
    url_parser,
)
from creators.models import Post

CAPTION_LIMIT = 20_000
_caption_text = text_parser(CAPTION_LIMIT)


def parse_caption(value):
    """The caption text; Instaloader's JSON nests it as edge_media_to_caption.edges, a list of
    {"node": {"text": ...}} (flattened to that list's JSON text), whose texts are joined."""
    text = _caption_text(value)
    if text is None or not text.startswith('[{"node"'):
        return text
    try:
        edges = json.loads(text)
        parts = [edge["node"]["text"] for edge in edges]
    except (ValueError, KeyError, TypeError):
        return text
    return _caption_text("\n".join(str(p) for p in parts))


def _fast_caption(values):
    # Plain text a whole column at once; Instaloader's nested lists go through parse_caption.
    handled, text = _caption_text.fast(values)
    nested = values.str.lstrip().str.startswith('[{"node"').fillna(False).to_numpy(dtype=bool)
    return handled & ~nested, text


parse_caption.fast = _fast_caption

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
    FieldSpec(
        "caption",
        parse_caption,
        False,
        (
            "text",
            "description",
            "title",
            "edge_media_to_caption",
            "edge_media_to_caption_edges",
            "post_text",
            "caption_text",
            "full_text",
            "desc",
        ),
        content="text",
    ),
    FieldSpec(
        "hashtags",
        parse_hashtags,
        False,
        ("hashtag", "tags", "caption_hashtags", "hashtag_list"),
        content="text",
    ),
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
    "caption",
    "hashtags",
]


def _posts_validate(frame, ctx):
    rejections: list[Rejection] = []
    frame = platform_column(frame, ctx, rejections)
    frame = reject_duplicates(frame, ["platform", "handle", "external_id"], rejections, "post id")
    frame = resolve_creators(frame, rejections)
    if "caption" in frame:
        lengths = frame["caption"].str.len().astype("Int64")
        if "caption_length" in frame:
            lengths = frame["caption_length"].where(frame["caption_length"].notna(), lengths)
        # Stored as "" when empty (NOT NULL), so compared as "" too: a re-import is unchanged.
        frame = frame.assign(
            caption_length=lengths.astype(object).where(lengths.notna(), None),
            caption=frame["caption"].fillna(""),
        )
        from_caption = caption_hashtags(frame["caption"])
        if "hashtags" in frame:
            given = frame["hashtags"].map(lambda tags: tags if isinstance(tags, list) else [])
            from_caption = pd.Series(
                [unique_hashtags([*a, *b]) for a, b in zip(given, from_caption, strict=True)],
                index=frame.index,
                dtype=object,
            )
        frame = frame.assign(hashtags=from_caption)
    elif "hashtags" in frame:
        frame = frame.assign(
            hashtags=frame["hashtags"].map(lambda tags: tags if isinstance(tags, list) else [])
        )
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
            if value is None and c in ("url", "caption"):
                value = ""
            if value is None and c == "hashtags":
                value = []
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
