"""The comments kind: one row per public comment under a stored post, upserted on (post, comment
id). The post is named by its external id or its URL (or, for a file of one post's comments
without such a column, chosen for the whole job: scope["post"]); the commenter is stored only
as a keyed hash (creators.commenters). Written by CommentsWriter, chunk by chunk."""

from __future__ import annotations

from creators.importing.kinds.comments_writer import CommentsWriter
from creators.importing.kinds.common import text_parser
from creators.importing.registry import FieldSpec, KindSpec
from creators.importing.values import (
    normalise_handle,
    normalise_platform,
    parse_bool,
    parse_count,
    parse_datetime,
)
from creators.models import Comment

COMMENT_FIELDS = (
    FieldSpec(
        "post",
        text_parser(400),
        False,
        (
            "post_id",
            "post_url",
            "video_id",
            "media_id",
            "shortcode",
            "post_shortcode",
            "post_link",
            "video_url",
            "tweet_id",
            "aweme_id",
            "post_external_id",
        ),
        help="the post's id or URL, as the posts import stored it",
        content="text",
    ),
    FieldSpec(
        "external_id",
        text_parser(100),
        False,
        ("comment_id", "id", "comment_external_id", "cid"),
        help="the comment's own id (without one, an id is made from the comment's content)",
        content="id",
    ),
    FieldSpec(
        "commenter",
        text_parser(200),
        True,
        (
            "author_channel_id",
            "commenter_id",
            "commenter_handle",
            "commenter_username",
            "owner_username",
            "username",
            "user_id",
            "user_name",
            "user",
            "author",
            "author_display_name",
            "commenter_name",
        ),
        help="who wrote it (id or handle); stored only as a keyed hash",
        content="text",
    ),
    FieldSpec(
        "text",
        text_parser(10_000),
        False,
        (
            "text_original",
            "text_display",
            "comment",
            "comment_text",
            "content",
            "body",
            "message",
        ),
        content="text",
    ),
    FieldSpec(
        "created_at",
        parse_datetime,
        False,
        (
            "published_at",
            "timestamp",
            "date",
            "created",
            "created_time",
            "create_time",
            "comment_date",
            "posted_at",
            "time",
        ),
    ),
    FieldSpec(
        "is_creator_reply",
        parse_bool,
        False,
        ("by_creator", "is_creator", "creator_reply", "from_creator", "is_owner", "is_author"),
        help="written by the post's creator (else: the commenter is the creator's handle)",
    ),
    FieldSpec(
        "parent_external_id",
        text_parser(100),
        False,
        ("parent_id", "reply_to", "in_reply_to", "parent_comment_id", "reply_to_id", "parent"),
        help="the comment this one replies to",
        content="id",
    ),
    FieldSpec(
        "is_reply",
        parse_bool,
        False,
        ("reply", "is_a_reply"),
        help="a reply (then the parent comment id is needed)",
    ),
    FieldSpec(
        "like_count",
        parse_count,
        False,
        ("likes", "likes_count", "like", "hearts", "digg_count", "reactions"),
    ),
    FieldSpec(
        "creator",
        normalise_handle,
        False,
        ("creator_handle", "post_owner", "post_author", "post_creator", "channel_handle"),
        help="the post's creator, when post ids are not unique across creators",
    ),
    FieldSpec(
        "platform",
        normalise_platform,
        False,
        ("network", "social_network", "site", "social_media", "source_platform"),
    ),
)


def _comments_validate(frame, ctx):
    """The writer's checks over the whole frame (a run inside a caller's transaction)."""
    return CommentsWriter(ctx).check(frame)


def _comments_apply(frame, ctx):
    """The whole frame at once, through the chunk writer (validate has checked it already)."""
    writer = CommentsWriter(ctx)
    if len(frame):
        writer.write(writer.prepare(frame))
    return writer.result()


KIND = KindSpec(
    "comments",
    "Comments",
    COMMENT_FIELDS,
    _comments_validate,
    _comments_apply,
    chunk_writer=CommentsWriter,
    writes=(Comment,),
)
