"""The followers kind: follower samples, stored as sketches (AudienceSketch).

Follower samples with follower profile columns also store aggregates in
AudienceSketch.profile_stats, read by scoring/metrics/authenticity.py:
    {"n": followers with profile data,
     "no_avatar_share": share without a profile picture,
     "no_posts_share": share with zero posts,
     "mass_following_share": share following >= 1,000 accounts,
     "fake_like_share": share flagged as fake likers (null when the file has no such column)}
A share is null when the file has no column to compute it from.
"""

from __future__ import annotations

import pandas as pd

from creators.importing.hooks import audience_samples_changed
from creators.importing.kinds.common import (
    HANDLE,
    PLATFORM,
    platform_column,
    resolve_creators,
    text_parser,
)
from creators.importing.registry import ApplyResult, FieldSpec, KindSpec, Rejection
from creators.importing.values import parse_bool, parse_count
from creators.models import AudienceSketch
from matchmaker.lib.sketches import sketch_values

MASS_FOLLOWING = 1000


def _follower_id(value):
    text = text_parser(100)(value)
    if text is None:
        return None
    return text.lstrip("@").lower()


FOLLOWER_FIELDS = (
    HANDLE,
    PLATFORM,
    FieldSpec(
        "follower_id",
        _follower_id,
        True,
        ("follower", "follower_handle", "follower_username", "follower_user_id", "user_id", "id"),
    ),
    FieldSpec(
        "follower_posts",
        parse_count,
        False,
        ("posts", "posts_count", "media_count", "follower_posts_count"),
    ),
    FieldSpec(
        "follower_following",
        parse_count,
        False,
        ("following", "following_count", "follows", "follower_following_count"),
    ),
    FieldSpec(
        "follower_followers",
        parse_count,
        False,
        ("followers", "followers_count", "follower_count", "follower_followers_count"),
    ),
    FieldSpec(
        "has_profile_picture",
        parse_bool,
        False,
        ("has_avatar", "profile_picture", "avatar", "has_profile_pic"),
    ),
    FieldSpec(
        "fake_liker",
        parse_bool,
        False,
        ("is_fake_liker", "fake_likes", "suspicious_liker", "is_fake"),
    ),
)


def _followers_validate(frame, ctx):
    rejections: list[Rejection] = []
    frame = platform_column(frame, ctx, rejections)
    frame = resolve_creators(frame, rejections)
    # A follower listed twice for one creator is the same follower, not an error.
    frame = frame.drop_duplicates(["creator_id", "follower_id"])
    return frame, rejections


def profile_stats(group: pd.DataFrame) -> dict:
    """Aggregates of follower profile columns for the authenticity engine (keys: module doc)."""

    def share(mask: pd.Series | None, known: pd.Series) -> float | None:
        if mask is None or not known.any():
            return None
        return round(float(mask[known].mean()), 6)

    columns = [
        c
        for c in ("follower_posts", "follower_following", "has_profile_picture", "fake_liker")
        if c in group
    ]
    if not columns:
        return {}
    known = group[columns].notna().any(axis=1)
    stats: dict = {"n": int(known.sum())}
    if "has_profile_picture" in group:
        col = group["has_profile_picture"]
        stats["no_avatar_share"] = share(col == False, col.notna())  # noqa: E712
    else:
        stats["no_avatar_share"] = None
    if "follower_posts" in group:
        col = group["follower_posts"]
        stats["no_posts_share"] = share(col == 0, col.notna())
    else:
        stats["no_posts_share"] = None
    if "follower_following" in group:
        col = group["follower_following"]
        stats["mass_following_share"] = share(col >= MASS_FOLLOWING, col.notna())
    else:
        stats["mass_following_share"] = None
    if "fake_liker" in group:
        col = group["fake_liker"]
        stats["fake_like_share"] = share(col == True, col.notna())  # noqa: E712
    else:
        stats["fake_like_share"] = None
    return stats


def _followers_apply(frame, ctx) -> ApplyResult:
    result = ApplyResult()
    creator_ids = [int(i) for i in frame["creator_id"].unique()]
    existing = {
        row["creator_id"]: row
        for row in AudienceSketch.objects.filter(creator_id__in=creator_ids).values(
            "pk", "creator_id", "sample_digest", "profile_stats"
        )
    }
    objects = []
    for creator_id, group in frame.groupby("creator_id", sort=True):
        ids = group["follower_id"]
        # Numeric ids hash as integers, the same as the demo data and the overlap engine do.
        if ids.str.fullmatch(r"\d{1,18}").all():
            ids = ids.astype("int64")
        values = sketch_values(ids.to_numpy())
        values["profile_stats"] = profile_stats(group)
        old = existing.get(int(creator_id))
        if old is None:
            result.created += 1
        elif (
            old["sample_digest"] == values["sample_digest"]
            and old["profile_stats"] == values["profile_stats"]
        ):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        objects.append(AudienceSketch(creator_id=int(creator_id), **values))
        result.creator_ids.add(int(creator_id))
    AudienceSketch.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["creator"],
        update_fields=[
            "method",
            "sketch",
            "sample_ids",
            "sample_size",
            "sample_digest",
            "profile_stats",
            "updated_at",
        ],
        batch_size=500,
    )
    if result.creator_ids:
        audience_samples_changed.send(sender="followers", creator_ids=result.creator_ids)
    return result


KIND = KindSpec(
    "followers",
    "Follower samples",
    FOLLOWER_FIELDS,
    _followers_validate,
    _followers_apply,
    writes=(AudienceSketch,),
)
