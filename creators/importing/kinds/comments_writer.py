"""The comments kind's checks and writer: each chunk's posts resolved (by external id or URL,
cached across chunks), commenters hashed, creator replies found, duplicates rejected across
chunks; then COPY into a temporary table and one INSERT ... ON CONFLICT upsert per chunk, whose
RETURNING says what was created and what updated (unchanged rows are not touched)."""

from __future__ import annotations

import hashlib
import io
import re

import numpy as np
import pandas as pd
from django.db import connection

from creators.commenters import commenter_keys
from creators.importing.kinds.common import BATCH
from creators.importing.readers import ImportFileError
from creators.importing.registry import ApplyResult, ImportContext, Rejection
from matchmaker.lib.pgcopy import copy_buffer, frame_to_copy_buffer
from matchmaker.lib.urls import with_scheme

STAGE = "comment_stage"
# Written on every row; the optional ones only when the file has their column (a re-import of
# a file without like counts keeps the counts stored before).
KEY_COLUMNS = ["post_id", "creator_id", "external_id"]
ALWAYS = ["parent_external_id", "commenter_key", "is_creator_reply"]
OPTIONAL = ["text", "created_at", "like_count"]
_TYPES = {
    "post_id": "bigint",
    "creator_id": "bigint",
    "external_id": "varchar(100)",
    "parent_external_id": "varchar(100)",
    "commenter_key": "varchar(64)",
    "is_creator_reply": "boolean",
    "text": "text",
    "created_at": "timestamptz",
    "like_count": "bigint",
}
NO_POST = (
    "No column for post (a post id or post URL). Add one, or give the post of the whole "
    "file (import_creators --post ID_OR_URL)."
)
# The post id inside a post URL, per platform's URL shape.
_URL_IDS = (
    re.compile(r"[?&]v=([\w-]{5,})"),
    re.compile(r"youtu\.be/([\w-]{5,})"),
    re.compile(r"/(?:shorts|p|reel|reels|tv|video|status|statuses)/([\w-]+)"),
)
_LOOKS_LIKE_URL = re.compile(r"^(?:https?://|www\.)|^[\w.-]+\.[a-z]{2,}/", re.IGNORECASE)


def post_references(value: str) -> tuple[list[str], list[str]]:
    """The external ids and the URLs a post cell may name: an id as it is; a URL as itself (with
    and without a trailing slash) and the id inside it (watch?v=, /p/, /video/, /status/...)."""
    text = value.strip()
    if not _LOOKS_LIKE_URL.search(text):
        return [text], []
    url = with_scheme(text).split("#")[0]
    ids = [m.group(1) for pattern in _URL_IDS if (m := pattern.search(url))]
    bare = url.rstrip("/")
    return ids, [bare, bare + "/"]


# The posts a batch of references names, by id or URL (the indexes "post_external_id" and
# "post_url" serve it; url <> '' matches the URL index's condition).
POST_LOOKUP_SQL = (
    "SELECT p.id, p.creator_id, p.external_id, p.url, c.handle, c.platform "
    "FROM creators_post p JOIN creators_creator c ON c.id = p.creator_id "
    "WHERE p.external_id = ANY(%s) OR (p.url = ANY(%s) AND p.url <> '')"
)


class CommentsWriter:
    """Comments, chunk by chunk (a ChunkWriter; the kind's apply uses it for a whole frame)."""

    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.posts: dict[tuple, tuple[int, int, str] | str] = {}  # reference -> post or reason
        self.first_row: dict[tuple[int, str], int] = {}
        self.columns: list[str] | None = None
        self.staged = False
        self.created = self.updated = self.rows = 0
        self.creator_ids: set[int] = set()

    # ------------------------------------------------------------------ checks
    def check(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Rejection]]:
        rejections: list[Rejection] = []
        frame = self._with_posts(frame, rejections)
        frame = _replies_need_parents(frame, rejections)
        commenters = frame["commenter"].astype(str)
        # normalise_commenter, a column at once.
        normalised = commenters.str.strip().str.lstrip("@").str.strip().str.lower()
        by_creator = normalised == frame["creator_handle"]
        if "is_creator_reply" in frame:
            by_creator = frame["is_creator_reply"].where(
                frame["is_creator_reply"].notna(), by_creator
            )
        parent = frame.get("parent_external_id")
        checked = pd.DataFrame(
            {
                "post_id": frame["post_id"].astype("int64"),
                "creator_id": frame["creator_id"].astype("int64"),
                "parent_external_id": "" if parent is None else parent.fillna(""),
                "commenter_key": commenter_keys(commenters.to_numpy()),
                "is_creator_reply": by_creator.astype(bool),
            },
            index=frame.index,
        )
        for column in OPTIONAL:
            if column in frame:
                checked[column] = frame[column]
        ids = frame["external_id"] if "external_id" in frame else pd.Series(None, frame.index)
        checked["external_id"] = _with_content_ids(ids, checked)
        return self._without_duplicates(checked, rejections), rejections

    def _with_posts(self, frame: pd.DataFrame, rejections: list[Rejection]) -> pd.DataFrame:
        """post_id, creator_id and creator_handle of each row's post; unknown or ambiguous posts
        are row errors."""
        if "post" not in frame:
            chosen = self.ctx.scope.get("post")
            if not chosen:
                raise ImportFileError(NO_POST)
            frame = frame.assign(post=str(chosen))
        if "platform" not in frame:
            frame = frame.assign(platform=self.ctx.platform or None)
        elif self.ctx.platform:
            frame = frame.assign(platform=frame["platform"].fillna(self.ctx.platform))
        if "creator" not in frame:
            frame = frame.assign(creator=None)
        keys = list(zip(frame["post"], frame["creator"], frame["platform"], strict=True))
        self._resolve([k for k in dict.fromkeys(keys) if k not in self.posts])
        found = [self.posts[k] for k in keys]
        bad = np.array([isinstance(f, str) for f in found], dtype=bool)
        for position in np.flatnonzero(bad):
            rejections.append(
                Rejection(
                    int(frame.index[position]),
                    "post",
                    str(keys[position][0])[:100],
                    found[position],
                )
            )
        good = [f for f in found if not isinstance(f, str)]
        frame = frame[~bad]
        return frame.assign(
            post_id=[f[0] for f in good],
            creator_id=[f[1] for f in good],
            creator_handle=[f[2] for f in good],
        )

    def _resolve(self, keys: list[tuple]) -> None:
        """Look up the posts the new references name, in batches, into self.posts."""
        for start in range(0, len(keys), BATCH):
            batch = keys[start : start + BATCH]
            references = {key: post_references(str(key[0])) for key in batch}
            ids = {i for found, _ in references.values() for i in found}
            urls = {u for _, found in references.values() for u in found}
            with connection.cursor() as cursor:
                # One statement with arrays: an IN list of thousands of ORM parameters costs
                # more to build than the query takes.
                cursor.execute(POST_LOOKUP_SQL, [sorted(ids), sorted(urls)])
                stored = cursor.fetchall()
            by_id: dict[str, list] = {}
            by_url: dict[str, list] = {}
            for post in stored:
                by_id.setdefault(post[2], []).append(post)
                by_url.setdefault(post[3], []).append(post)
            for key, (post_ids, post_urls) in references.items():
                matches = {
                    p[0]: p
                    for p in [
                        *(p for i in post_ids for p in by_id.get(i, ())),
                        *(p for u in post_urls for p in by_url.get(u, ())),
                    ]
                    if (key[1] is None or p[4] == key[1]) and (key[2] is None or p[5] == key[2])
                }
                self.posts[key] = _one_post(str(key[0]), list(matches.values()))

    def _without_duplicates(self, frame: pd.DataFrame, rejections: list[Rejection]) -> pd.DataFrame:
        """A comment id seen (for the same post) in this or an earlier chunk is a duplicate of
        its first row."""
        keep = np.ones(len(frame), dtype=bool)
        rows = frame.index.tolist()
        first_row = self.first_row
        pairs = zip(frame["post_id"].tolist(), frame["external_id"].tolist(), strict=True)
        for position, key in enumerate(pairs):
            first = first_row.setdefault(key, rows[position])
            if first != rows[position]:
                keep[position] = False
                rejections.append(
                    Rejection(
                        rows[position],
                        "external_id",
                        key[1],
                        f"duplicate comment: same as row {first}",
                    )
                )
        return frame if keep.all() else frame[keep]

    # ------------------------------------------------------------------ writes
    def prepare(self, frame: pd.DataFrame) -> tuple[io.StringIO, int]:
        if self.columns is None:
            self.columns = [*KEY_COLUMNS, *ALWAYS, *(c for c in OPTIONAL if c in frame)]
        out = frame[self.columns].copy()
        if "created_at" in out:
            moments = pd.to_datetime(out["created_at"], utc=True).dt.tz_localize(None)
            text = np.datetime_as_string(moments.to_numpy(dtype="datetime64[us]"), unit="us")
            out["created_at"] = np.where(moments.isna(), None, np.char.add(text, "+00:00"))
        return frame_to_copy_buffer(out), len(frame)

    def write(self, payload: tuple[io.StringIO, int]) -> None:
        buffer, rows = payload
        columns = self.columns
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            if self.staged:
                cursor.execute(f"TRUNCATE {STAGE}")
            else:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
                definition = ", ".join(f"{qn(c)} {_TYPES[c]}" for c in columns)
                cursor.execute(f"CREATE TEMP TABLE {STAGE} ({definition}) ON COMMIT DROP")
                self.staged = True
                # Check each comment's post and creator as it is written, not all of them at
                # commit (as the profiles writer does for snapshots).
                cursor.execute(f"SET CONSTRAINTS {_foreign_keys(cursor)} IMMEDIATE")
            copy_buffer(STAGE, columns, buffer)
            names = ", ".join(qn(c) for c in columns)
            values = [c for c in columns if c not in KEY_COLUMNS]
            assignments = ", ".join(f"{qn(c)} = EXCLUDED.{qn(c)}" for c in values)
            old = ", ".join(f"c.{qn(c)}" for c in values)
            new = ", ".join(f"EXCLUDED.{qn(c)}" for c in values)
            cursor.execute(
                f"WITH written AS (INSERT INTO creators_comment AS c ({names}) "
                f"SELECT {names} FROM {STAGE} "
                # The unique index is partial: the conflict target repeats its predicate.
                "ON CONFLICT (post_id, external_id) WHERE NOT (external_id = '') "
                f"DO UPDATE SET {assignments} WHERE ROW({old}) IS DISTINCT FROM ROW({new}) "
                "RETURNING (c.xmax = 0) AS created, c.creator_id) "
                "SELECT created, creator_id, count(*) FROM written GROUP BY created, creator_id"
            )
            for created, creator_id, count in cursor.fetchall():
                if created:
                    self.created += count
                else:
                    self.updated += count
                self.creator_ids.add(creator_id)
        self.rows += rows

    def result(self) -> ApplyResult:
        if self.staged:
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE {STAGE}")
                cursor.execute(f"SET CONSTRAINTS {_foreign_keys(cursor)} DEFERRED")
            self.staged = False
        unchanged = self.rows - self.created - self.updated
        return ApplyResult(self.created, self.updated, unchanged, set(self.creator_ids))


def _foreign_keys(cursor) -> str:
    """The quoted names of creators_comment's foreign keys (Django names them with a hash)."""
    cursor.execute(
        "SELECT string_agg(quote_ident(conname), ', ' ORDER BY conname) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = 'creators_comment'::regclass"
    )
    return cursor.fetchone()[0]


def _one_post(value: str, matches: list) -> tuple[int, int, str] | str:
    """The post a reference names, or why it names none."""
    if len(matches) == 1:
        pk, creator_id, _, _, handle, _ = matches[0]
        return pk, creator_id, handle
    if not matches:
        return f"no stored post with the id or URL {value[:100]!r}: import the posts first"
    owners = ", ".join(sorted({f"@{p[4]} on {p[5]}" for p in matches}))
    return (
        f"{value[:100]!r} names {len(matches)} posts ({owners}): add a creator or platform "
        "column, or choose the platform"
    )


def _replies_need_parents(frame: pd.DataFrame, rejections: list[Rejection]) -> pd.DataFrame:
    """A row marked as a reply must say which comment it replies to."""
    if "is_reply" not in frame:
        return frame
    parent = frame.get("parent_external_id")
    orphan = frame["is_reply"].eq(True) & (True if parent is None else parent.isna())
    for row in frame.index[orphan.to_numpy(dtype=bool)]:
        rejections.append(
            Rejection(
                int(row),
                "is_reply",
                "yes",
                "a reply without the id of the comment it replies to: add a parent comment "
                "id column (parentId, reply_to)",
            )
        )
    return frame[~orphan.to_numpy(dtype=bool)]


def _with_content_ids(ids: pd.Series, frame: pd.DataFrame) -> pd.Series:
    """The comment ids, and for rows without one an id made from the comment itself (post,
    commenter, time, text), so that importing the same file again finds the same rows."""
    missing = ids.isna().to_numpy()
    if not missing.any():
        return ids
    ids = ids.astype(object).copy()
    text = frame["text"] if "text" in frame else pd.Series("", frame.index)
    when = frame["created_at"] if "created_at" in frame else pd.Series(None, frame.index)
    for position in np.flatnonzero(missing):
        content = "\x1f".join(
            str(v)
            for v in (
                frame["post_id"].iat[position],
                frame["commenter_key"].iat[position],
                when.iat[position],
                text.iat[position],
            )
        )
        ids.iat[position] = "sha:" + hashlib.sha256(content.encode()).hexdigest()[:40]
    return ids
