"""Recompute creator reactions: load posts and comments into frames, compute the structural
reaction signals, what the window's comments say (scoring.metrics.reaction) and engagement
pods (scoring.metrics.pods), store one CreatorReaction row per creator.

The new rows replace the previous ones in ONE transaction: readers see the old figures or the
new ones, never a mix. Pods are across creators, so they are always found over the whole
catalogue's comments, even when only some creators' rows are rewritten.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import numpy as np
import pandas as pd
from django.db import transaction
from django.db.models import BigIntegerField, Case, F, Func, When
from django.utils import timezone

from creators.models import Comment, Creator, Post
from matchmaker.lib.dates import epoch_stamps, window_bounds
from matchmaker.lib.pgcopy import as_floats, insert_frame, read_frame
from matchmaker.lib.timing import StageTimer
from scoring.metrics import pods
from scoring.metrics import reaction as reaction_metrics
from scoring.metrics.creator_metrics import dated
from scoring.metrics.engagement import RECENT_POSTS, WINDOW_DAYS
from scoring.metrics.reaction import (
    COUNT_COLUMNS,
    SHARE_COLUMNS,
    TEXT_COUNT_COLUMNS,
    TEXT_SHARE_COLUMNS,
    reaction_signals,
    window_text_signals,
)
from scoring.models import CreatorReaction

log = logging.getLogger(__name__)

POST_FIELDS = list(reaction_metrics.POST_COLUMNS)
COMMENT_FIELDS = [*reaction_metrics.COMMENT_COLUMNS, "text"]
THRESHOLDS = {
    "window_posts": RECENT_POSTS,
    "window_days": WINDOW_DAYS,
    "pod_fast_minutes": pods.FAST_MINUTES,
    "pod_min_posts": pods.MIN_POSTS,
    "pod_min_shared": pods.MIN_SHARED,
    "pod_min_creators": pods.MIN_CREATORS,
}


def _evidence(found: pd.DataFrame) -> pd.Series:
    """The evidence JSON text per creator: its pod (commenters, posts, the group's creator
    ids) or null, and the thresholds. Pods are rare: only their rows get a dict."""
    thresholds = json.dumps(THRESHOLDS)
    out = pd.Series('{"pod": null, "thresholds": ' + thresholds + "}", index=found.index)
    members = found[found["pod"]]
    groups = members.index.groupby(members["pod_id"])
    for creator_id, row in members.iterrows():
        pod = {
            "commenters_n": int(row["pod_commenters_n"]),
            "posts_n": int(row["pod_posts_n"]),
            "creators_n": int(row["pod_creators_n"]),
            "creator_ids": sorted(map(int, groups[row["pod_id"]])),
        }
        out[creator_id] = json.dumps({"pod": pod, "thresholds": THRESHOLDS})
    return out


# Identifiers the signals only compare (commenter keys; comment ids, within a post) are read
# as 64-bit hashes, 0 for blank ("| 1" keeps every hash odd so that none is 0): grouping and
# joining integers is many times faster than 64-character hex. Two distinct values share a
# hash with probability about n^2 / 2^64 for n values (5e-6 for 10 million commenters), and it
# only matters when both meet under one creator (keys) or one post (comment ids).
HASHED = ["commenter_key", "external_id", "parent_external_id"]
HASH = "CASE WHEN %(expressions)s = '' THEN 0 ELSE hashtextextended(%(expressions)s, 0) | 1 END"
# Microseconds since the epoch, exact (EXTRACT gives a numeric).
EPOCH_MICROS = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"


def _comments(queryset, fields: list[str]) -> pd.DataFrame:
    """The comments' fields as a frame, read as the signals use them rather than as stored:
    HASHED fields as nullable integers (<NA> when blank); created_at from epoch microseconds,
    NaT outside matchmaker.lib.dates' window (checked in the query: parsing ISO text was a
    third of the load; a reply without a usable time still counts). In no particular order:
    Comment's default ordering joins posts and creators and sorts every comment with its
    text, and no signal depends on the order."""
    low, high = window_bounds()
    micros = Func(F("created_at"), template=EPOCH_MICROS, output_field=BigIntegerField())
    reads = {f"read_{f}": Func(F(f), template=HASH, output_field=BigIntegerField()) for f in HASHED}
    reads["read_created_at"] = Case(When(created_at__gte=low, created_at__lt=high, then=micros))
    names = [f"read_{f}" if f"read_{f}" in reads else f for f in fields]
    queryset = queryset.order_by().annotate(**{n: reads[n] for n in names if n in reads})
    hashed = [f for f in fields if f in HASHED]
    dtypes = {f"read_{f}": np.int64 for f in hashed}
    comments = read_frame(queryset, names, dtypes).set_axis(fields, axis=1)
    for field in hashed:
        values = comments[field].to_numpy(dtype=np.int64)
        comments[field] = pd.arrays.IntegerArray(values, values == 0)
    comments["created_at"] = epoch_stamps(comments["created_at"])
    comments["is_creator_reply"] = comments["is_creator_reply"].eq(True)
    return comments


def _fast_comments() -> pd.DataFrame:
    """The only comments pod detection reads (pods.COMMENT_COLUMNS): by others, within
    pods.FAST_MINUTES of posting, filtered by the database so that a partial recompute does
    not read the whole catalogue's comments."""
    posted_at = F("post__posted_at")
    fast = Comment.objects.filter(
        is_creator_reply=False,
        created_at__gte=posted_at,
        created_at__lte=posted_at + timedelta(minutes=pods.FAST_MINUTES),
    )
    return _comments(fast, pods.COMMENT_COLUMNS)


def compute_creator_reactions(creator_ids: list[int] | None = None) -> pd.DataFrame:
    """The CreatorReaction rows (a frame with the model's columns but computed_at) for the
    creators (all when None)."""
    timer = StageTimer("creator reactions", log)
    creators, scope = Creator.objects.all(), {}
    if creator_ids is not None:
        creators = creators.filter(pk__in=creator_ids)
        scope = {"creator_id__in": creator_ids}
    profiles = read_frame(creators, ["id", "followers"])
    as_floats(profiles, ["followers"])
    # Every creator's posts: pods are found across the catalogue.
    posts, _ = dated(read_frame(Post.objects.all(), POST_FIELDS), "posted_at")
    posts["is_sponsored"] = posts["is_sponsored"].eq(True)
    comments = _comments(Comment.objects.filter(**scope), COMMENT_FIELDS)
    # A full recompute has every comment already; a partial one reads the fast ones only.
    fast = comments if creator_ids is None else _fast_comments()
    timer.lap("load")
    signals = reaction_signals(profiles, posts, comments)
    text = window_text_signals(signals.index, posts, comments)
    found = pods.pod_signals(signals.index, posts, fast)
    timer.lap("compute")
    out = signals.join(text).reset_index(names="creator_id")
    out["pod"] = found["pod"].to_numpy()
    pod_id = found["pod_id"].astype(object).where(found["pod"], None)
    out["pod_id"] = pod_id.to_numpy()
    out["evidence"] = _evidence(found).to_numpy()
    out[COUNT_COLUMNS + TEXT_COUNT_COLUMNS] = out[COUNT_COLUMNS + TEXT_COUNT_COLUMNS].astype(
        np.int64
    )
    out[SHARE_COLUMNS + TEXT_SHARE_COLUMNS] = out[SHARE_COLUMNS + TEXT_SHARE_COLUMNS].astype(float)
    return out


def creator_reactions_recompute(*, creator_ids: list[int] | None = None) -> int:
    """Replace the CreatorReaction rows of the creators (all when None) in one transaction.
    Returns the number of rows written."""
    frame = compute_creator_reactions(creator_ids)
    # As ISO text: a timestamp column would send the whole frame down pandas' slow CSV writer.
    frame["computed_at"] = timezone.now().isoformat()
    with transaction.atomic():
        old = CreatorReaction.objects.all()
        if creator_ids is not None:
            old = old.filter(creator_id__in=creator_ids)
        old._raw_delete(old.db)
        written = insert_frame(CreatorReaction, frame)
    log.info("creator reactions: %d row(s) written", written)
    return written
