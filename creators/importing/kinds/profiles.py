"""The profiles kind: one row per creator, written by the COPY writer (profiles_writer)."""

from __future__ import annotations

import re

from creators.importing.kinds.common import (
    HANDLE,
    PLATFORM,
    language,
    platform_column,
    reject_duplicates,
    text_parser,
)
from creators.importing.kinds.profile_averages import AVERAGE_FIELDS, rate_from_averages
from creators.importing.kinds.profiles_writer import ProfilesCopyWriter
from creators.importing.registry import ApplyResult, FieldSpec, KindSpec, Rejection
from creators.importing.values import normalise_country, parse_count, parse_share, url_parser
from creators.models import Creator, FollowerSnapshot
from matchmaker.lib.numbers import parse_number


def _email(value):
    text = text_parser(254)(value)
    if text and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise ValueError(f"not an e-mail address: {text!r}")
    return text


def _price(value):
    number = parse_number(
        value.replace("$", "").replace("€", "").replace("£", "")
        if isinstance(value, str)
        else value
    )
    if number is not None and not 0 <= number < 1e10:
        raise ValueError(f"price out of range: {value!r}")
    return None if number is None else round(number, 2)


PROFILE_FIELDS = (
    HANDLE,
    PLATFORM,
    FieldSpec(
        "followers",
        parse_count,
        True,
        (
            "follower_count",
            "followers_count",
            "subscribers",
            "subscriber_count",
            "fans",
            "audience_size",
            "followers_total",
            "subscriber",
            "follower",
            "edge_followed_by",
        ),
    ),
    FieldSpec(
        "display_name",
        text_parser(200),
        False,
        (
            "name",
            "full_name",
            "display",
            "creator_name",
            "channel_name",
            "channel_title",
            "nickname",
            "youtuber",
            "influencer",
            "author",
        ),
        content="name",
    ),
    FieldSpec(
        "following",
        parse_count,
        False,
        ("following_count", "follows", "followings", "followees", "edge_follow"),
    ),
    FieldSpec(
        "posts_count",
        parse_count,
        False,
        (
            "posts",
            "media_count",
            "post_count",
            "videos",
            "video_count",
            "number_of_posts",
            "uploads",
            "mediacount",
        ),
    ),
    FieldSpec(
        "avg_likes",
        parse_number,
        False,
        ("average_likes", "likes_avg", "mean_likes", "avg_likes_per_post"),
    ),
    FieldSpec(
        "avg_comments", parse_number, False, ("average_comments", "comments_avg", "mean_comments")
    ),
    FieldSpec("avg_views", parse_number, False, ("average_views", "views_avg", "mean_views")),
    FieldSpec(
        "avg_engagements",
        parse_number,
        False,
        ("engagement_avg", "avg_engagement", "average_engagement", "engagements_per_post"),
        help="average engagements per post; with followers, the source's engagement rate",
    ),
    FieldSpec(
        "authentic_engagements",
        parse_number,
        False,
        ("authentic_engagement", "authentic_engagement_avg"),
        help="the same, counting real accounts only (used when there is no average)",
    ),
    FieldSpec(
        "reported_engagement_rate",
        parse_share,
        False,
        ("engagement_rate", "er", "engagement", "eng_rate", "engagement_rate_pct", "er_pct"),
        content="share",
    ),
    FieldSpec(
        "country",
        normalise_country,
        False,
        ("location", "country_code", "nation", "abbreviation", "creator_country"),
    ),
    FieldSpec(
        "audience_top_country",
        text_parser(64),
        False,
        ("audience_country", "top_audience_country", "audience_geo", "audience_location"),
        help="the audience's top country, read so it is not taken for the creator's; not stored "
        "by a profiles import (an audience import stores audience countries)",
        content="country",
    ),
    FieldSpec("language", language, False, ("lang", "language_code")),
    FieldSpec("bio", text_parser(5000), False, ("biography", "description", "about", "signature")),
    FieldSpec(
        "contact_email",
        _email,
        False,
        ("email", "e_mail", "contact", "business_email"),
        content="email",
    ),
    FieldSpec(
        "quoted_price", _price, False, ("price", "rate", "price_per_post", "fee"), content="money"
    ),
    FieldSpec(
        "profile_url", url_parser(300), False, ("link", "profile_link", "external_url", "url")
    ),
)
PROFILE_VALUE_FIELDS = [
    f.name
    for f in PROFILE_FIELDS
    if f.name not in ("handle", "platform", "audience_top_country", *AVERAGE_FIELDS)
]


def _profiles_validate(frame, ctx):
    rejections: list[Rejection] = []
    frame = platform_column(frame, ctx, rejections)
    frame = rate_from_averages(frame)
    frame = reject_duplicates(frame, ["platform", "handle"], rejections, "handle")
    return frame, rejections


def _profiles_apply(frame, ctx) -> ApplyResult:
    """The whole frame at once, through the chunk writer (a run inside a caller's transaction
    cannot use the writer's own connection)."""
    writer = ProfilesCopyWriter(ctx, PROFILE_VALUE_FIELDS)
    if len(frame):
        writer.write(writer.prepare(frame))
    return writer.result()


def _chunk_writer(ctx) -> ProfilesCopyWriter:
    return ProfilesCopyWriter(ctx, PROFILE_VALUE_FIELDS)


KIND = KindSpec(
    "profiles",
    "Profiles",
    PROFILE_FIELDS,
    _profiles_validate,
    _profiles_apply,
    chunk_writer=_chunk_writer,
    writes=(Creator, FollowerSnapshot),
)
