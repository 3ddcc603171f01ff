"""The four built-in import kinds: profiles, posts, audience (long or wide), followers.

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

import io
import re

import numpy as np
import pandas as pd
from django.db import IntegrityError, connection, transaction

from creators.importing.registry import (
    ApplyResult,
    FieldSpec,
    ImportContext,
    KindSpec,
    Rejection,
    register,
)
from creators.importing.values import (
    normalise_country,
    normalise_handle,
    normalise_platform,
    parse_bool,
    parse_count,
    parse_datetime,
    parse_number,
    parse_share,
    url_parser,
)
from creators.models import (
    AudienceDimension,
    AudienceShare,
    AudienceSketch,
    Creator,
    Post,
)
from matchmaker.lib.pgcopy import copy_buffer, frame_to_copy_buffer
from scoring.metrics.sketches import sketch_values

MASS_FOLLOWING = 1000
UNIQUE_VIOLATION = "23505"  # SQLSTATE
_BATCH = 5000


def _text(limit: int):
    def parse(value):
        if value is None:
            return None
        text = str(value).strip()
        if len(text) > limit:
            raise ValueError(f"longer than {limit} characters")
        return text or None

    def fast(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        # The same as parse for text cells, a whole column at once; longer ones go to parse.
        text = values.str.strip()
        handled = (text.notna() & (text.str.len() <= limit)).to_numpy()
        return handled, text.where(text != "", None).to_numpy(dtype=object)

    parse.fast = fast
    return parse


def _language(value):
    text = _text(8)(value)
    if text is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{2}([-_][A-Za-z]{2})?", text):
        raise ValueError(f"not a language code: {text!r}")
    return text[:2].lower()


def _email(value):
    text = _text(254)(value)
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


HANDLE = FieldSpec(
    "handle",
    normalise_handle,
    True,
    (
        "username",
        "user",
        "account",
        "creator",
        "profile",
        "profile_url",
        "url",
        "channel",
        "name_handle",
        "ig_handle",
        "tiktok_handle",
    ),
)
PLATFORM = FieldSpec(
    "platform", normalise_platform, True, ("network", "social_network", "channel_type", "site")
)


def _platform_column(
    frame: pd.DataFrame, ctx: ImportContext, rejections: list[Rejection]
) -> pd.DataFrame:
    """Every row gets a platform: its own column, else the job's; rows with neither are rejected."""
    if "platform" not in frame:
        frame["platform"] = ctx.platform or None
    elif ctx.platform:
        frame["platform"] = frame["platform"].fillna(ctx.platform)
    missing = frame["platform"].isna()
    for row in frame.index[missing]:
        rejections.append(
            Rejection(int(row), "platform", "", "no platform: add a platform column or choose one")
        )
    return frame[~missing]


def _reject_duplicates(
    frame: pd.DataFrame, keys: list[str], rejections: list[Rejection], what: str
) -> pd.DataFrame:
    """A key twice in one file is ambiguous: keep the first row, reject the later ones by name."""
    dup = frame.duplicated(keys, keep="first")
    if dup.any():
        first = frame.reset_index().drop_duplicates(keys).set_index(keys)["row"]
        for row, values in frame.loc[dup, keys].iterrows():
            key = tuple(values) if len(keys) > 1 else values.iloc[0]
            rejections.append(
                Rejection(
                    int(row),
                    keys[-1],
                    str(values.iloc[-1]),
                    f"duplicate {what}: same as row {int(first.loc[key])}",
                )
            )
    return frame[~dup]


def _resolve_creators(frame: pd.DataFrame, rejections: list[Rejection]) -> pd.DataFrame:
    """Add creator_id from platform+handle; rows naming an unknown creator are rejected."""
    pairs = frame[["platform", "handle"]].drop_duplicates()
    known: dict[tuple[str, str], int] = {}
    for platform, group in pairs.groupby("platform"):
        handles = group["handle"].tolist()
        for start in range(0, len(handles), _BATCH):
            for pk, handle in Creator.objects.filter(
                platform=platform, handle__in=handles[start : start + _BATCH]
            ).values_list("pk", "handle"):
                known[(platform, handle)] = pk
    ids = [known.get((p, h)) for p, h in zip(frame["platform"], frame["handle"], strict=True)]
    frame = frame.assign(creator_id=pd.array(ids, dtype="Int64"))
    missing = frame["creator_id"].isna()
    for row, values in frame.loc[missing, ["platform", "handle"]].iterrows():
        rejections.append(
            Rejection(
                int(row),
                "handle",
                values["handle"],
                f"unknown creator @{values['handle']} on {values['platform']}: import profiles first",
            )
        )
    return frame[~missing]


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    sub = frame[columns].astype(object)
    return sub.where(sub.notna(), None).to_dict("records")


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return str(a) == str(b) if not isinstance(a, type(b)) else a == b


def _diff(model, frame: pd.DataFrame, existing: dict, key_of, columns: list[str]):
    """Split records into new / changed / unchanged against existing rows (key -> dict)."""
    new, changed, unchanged = [], [], 0
    for record in _records(frame, list(dict.fromkeys([*columns, *frame.columns]))):
        old = existing.get(key_of(record))
        if old is None:
            new.append(record)
        elif all(_same(record[c], old[c]) for c in columns):
            unchanged += 1
        else:
            record["pk"] = old["pk"]
            changed.append(record)
    return new, changed, unchanged


# ---------------------------------------------------------------- profiles

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
        ),
    ),
    FieldSpec(
        "display_name",
        _text(200),
        False,
        ("name", "full_name", "display", "creator_name", "channel_name"),
    ),
    FieldSpec("following", parse_count, False, ("following_count", "follows", "followings")),
    FieldSpec(
        "posts_count",
        parse_count,
        False,
        ("posts", "media_count", "post_count", "videos", "video_count", "number_of_posts"),
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
        "reported_engagement_rate",
        parse_share,
        False,
        ("engagement_rate", "er", "engagement", "eng_rate", "engagement_rate_pct", "er_pct"),
    ),
    FieldSpec("country", normalise_country, False, ("location", "country_code", "nation")),
    FieldSpec("language", _language, False, ("lang", "language_code")),
    FieldSpec("bio", _text(5000), False, ("biography", "description", "about")),
    FieldSpec("contact_email", _email, False, ("email", "e_mail", "contact")),
    FieldSpec("quoted_price", _price, False, ("price", "rate", "price_per_post", "fee")),
    FieldSpec("profile_url", url_parser(300), False, ("link", "profile_link")),
)
PROFILE_VALUE_FIELDS = [f.name for f in PROFILE_FIELDS if f.name not in ("handle", "platform")]


def _profiles_validate(frame, ctx):
    rejections: list[Rejection] = []
    frame = _platform_column(frame, ctx, rejections)
    frame = _reject_duplicates(frame, ["platform", "handle"], rejections, "handle")
    return frame, rejections


_NOT_NULL_TEXT = ("display_name", "profile_url", "country", "language", "bio", "contact_email")


class _ProfilesCopyWriter:
    """Profiles, chunk by chunk (a ChunkWriter; _profiles_apply uses it for a whole
    frame at once). Each chunk is COPYed into a temporary table and inserted as new creators, with
    their first snapshots, in one statement. When the unique index finds that one of them exists,
    that insert is rolled back to its savepoint, and this chunk and every later one is matched to
    existing creators first, then written set-based: snapshots of changed follower counts, one
    UPDATE of the rows whose values differ, one plain INSERT of the new rows (with their
    snapshots). Counts come from the statements."""

    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.first_row: dict[str, dict[str, int]] = {}  # platform -> handle -> file row
        self.columns: list[str] | None = None
        self.staged = False
        self.match_first = False
        self.created_ids: list[int] = []
        self.updated_ids: list[int] = []
        self.unchanged = 0

    def check(self, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[Rejection]]:
        """_profiles_validate across chunks: a handle seen in this or an earlier chunk is a
        duplicate of its first row."""
        rejections: list[Rejection] = []
        frame = _platform_column(frame, self.ctx, rejections)
        keep = np.ones(len(frame), dtype=bool)
        first_row = self.first_row
        rows = frame.index.tolist()
        for position, (platform, handle) in enumerate(
            zip(frame["platform"].tolist(), frame["handle"].tolist(), strict=True)
        ):
            seen = first_row.get(platform)
            if seen is None:
                seen = first_row[platform] = {}
            first = seen.setdefault(handle, rows[position])
            if first != rows[position]:
                keep[position] = False
                rejections.append(
                    Rejection(
                        rows[position],
                        "handle",
                        str(handle),
                        f"duplicate handle: same as row {first}",
                    )
                )
        return (frame if keep.all() else frame[keep]), rejections

    def prepare(self, frame: pd.DataFrame) -> tuple[io.StringIO, int]:
        if self.columns is None:
            self.columns = [c for c in PROFILE_VALUE_FIELDS if c in frame]
        return frame_to_copy_buffer(frame[["platform", "handle", *self.columns]]), len(frame)

    def write(self, payload: tuple[io.StringIO, int]) -> None:
        buffer, rows = payload
        columns = self.columns
        qn = connection.ops.quote_name
        values = {
            c: f"COALESCE(s.{qn(c)}, '')" if c in _NOT_NULL_TEXT else f"s.{qn(c)}" for c in columns
        }
        if "followers" in values:
            values["followers"] = "COALESCE(s.followers, 0)"
        stage_columns = ["platform", "handle", *columns]
        with connection.cursor() as cursor:
            if self.staged:
                cursor.execute("TRUNCATE import_stage")
            else:
                cursor.execute("DROP TABLE IF EXISTS import_stage")
                # CREATE TABLE AS copies the column types but not the NOT NULL constraints.
                cursor.execute(
                    "CREATE TEMP TABLE import_stage ON COMMIT DROP AS SELECT "
                    f"{', '.join(qn(c) for c in stage_columns)} FROM creators_creator WITH NO DATA"
                )
                cursor.execute("ALTER TABLE import_stage ADD COLUMN creator_id bigint")
                self.staged = True
                # Check each snapshot's creator while its page is still in memory, not all of
                # them at commit (after a million rows the first ones have left the cache).
                cursor.execute(f"SET CONSTRAINTS {_snapshot_fk(cursor)} IMMEDIATE")
            copy_buffer("import_stage", stage_columns, buffer)
            created_ids = None
            if not self.match_first:
                created_ids = _insert_if_all_new(cursor, columns, values)
                # Once a chunk names an existing creator, later chunks probably do too.
                self.match_first = created_ids is None
            if created_ids is None:
                if _match_stage(cursor):
                    self.updated_ids += _profiles_update_existing(cursor, columns, values)
                created_ids = _profiles_insert_new(cursor, columns, values)
        self.created_ids += created_ids
        self.unchanged += rows - len(created_ids)

    def result(self) -> ApplyResult:
        if self.staged:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE import_stage")
                cursor.execute(f"SET CONSTRAINTS {_snapshot_fk(cursor)} DEFERRED")
            self.staged = False
        updated = len(self.updated_ids)
        return ApplyResult(
            len(self.created_ids),
            updated,
            self.unchanged - updated,
            {*self.created_ids, *self.updated_ids},
        )


def _snapshot_fk(cursor) -> str:
    """The quoted name of the snapshot -> creator foreign key (Django names it with a hash)."""
    cursor.execute(
        "SELECT quote_ident(conname) FROM pg_constraint WHERE contype = 'f' "
        "AND conrelid = 'creators_followersnapshot'::regclass "
        "AND confrelid = 'creators_creator'::regclass"
    )
    return cursor.fetchone()[0]


def _insert_if_all_new(cursor, columns: list[str], values: dict[str, str]) -> list[int] | None:
    """Insert the staged rows as new creators, or nothing (None) when one of them exists: the
    unique index finds out while inserting, so a file of new creators is not looked up first."""
    try:
        with transaction.atomic():
            return _profiles_insert_new(cursor, columns, values)
    except IntegrityError as exc:
        cause = exc.__cause__
        if getattr(cause, "pgcode", None) != UNIQUE_VIOLATION or (
            cause.diag.constraint_name != "creator_platform_handle_unique"
        ):
            raise
        return None


def _match_stage(cursor) -> int:
    """Set import_stage.creator_id where a creator exists; returns how many do. One lookup per
    staged row through the unique index: with a chunk staged at a time, the planner's usual hash
    join would read the whole creators table again for every chunk. The planner settings are
    put back as they were, the transaction may be the caller's."""
    cursor.execute(
        "SELECT current_setting('enable_hashjoin'), current_setting('enable_mergejoin'), "
        "set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)"
    )
    hashjoin, mergejoin, _, _ = cursor.fetchone()
    try:
        cursor.execute(
            "UPDATE import_stage s SET creator_id = c.id FROM creators_creator c "
            "WHERE c.platform = s.platform AND c.handle = s.handle"
        )
        return cursor.rowcount
    finally:
        cursor.execute(
            "SELECT set_config('enable_hashjoin', %s, true), set_config('enable_mergejoin', %s, true)",
            [hashjoin, mergejoin],
        )


def _profiles_update_existing(cursor, columns: list[str], values: dict[str, str]) -> list[int]:
    """Snapshot the follower counts that change (before the update, to compare with the old
    count), then update the creators whose values differ. Returns the updated ids."""
    qn = connection.ops.quote_name
    if "followers" in columns:
        following = "s.following" if "following" in columns else "c.following"
        cursor.execute(
            "INSERT INTO creators_followersnapshot (creator_id, date, followers, following) "
            f"SELECT c.id, CURRENT_DATE, s.followers, {following} FROM import_stage s "
            "JOIN creators_creator c ON c.id = s.creator_id "
            "WHERE s.followers IS NOT NULL AND c.followers IS DISTINCT FROM s.followers "
            "ON CONFLICT (creator_id, date) DO UPDATE SET followers = EXCLUDED.followers, "
            "following = EXCLUDED.following"
        )
    assignments = ", ".join(f"{qn(c)} = {values[c]}" for c in columns)
    compare_old = ", ".join(f"c.{qn(c)}" for c in columns)
    compare_new = ", ".join(values[c] for c in columns)
    cursor.execute(
        f"UPDATE creators_creator c SET {assignments}, updated_at = now(), "
        "data_updated_at = now() FROM import_stage s WHERE c.id = s.creator_id "
        f"AND ROW({compare_old}) IS DISTINCT FROM ROW({compare_new}) RETURNING c.id"
    )
    return [pk for (pk,) in cursor.fetchall()]


def _profiles_insert_new(cursor, columns: list[str], values: dict[str, str]) -> list[int]:
    """INSERT the rows no creator matched, and a snapshot for each (its first follower count).
    Returns the new ids."""
    qn = connection.ops.quote_name
    values = dict(values)
    for c in _NOT_NULL_TEXT:
        values.setdefault(c, "''")
    values.update(
        price_currency="'USD'",
        source="'import'",
        created_at="now()",
        updated_at="now()",
        data_updated_at="now()",
    )
    insert_columns = ", ".join(qn(c) for c in values)
    select = ", ".join(values.values())
    inserted = (
        f"INSERT INTO creators_creator (platform, handle, {insert_columns}) "
        f"SELECT s.platform, s.handle, {select} FROM import_stage s "
        "WHERE s.creator_id IS NULL "
    )
    if "followers" in columns:
        # Three of the table's indexes hold the follower count (alone, after the country, after
        # the platform): inserting in that order walks them instead of jumping around them,
        # which keeps their pages in the cache (measured: -7% time at 100k rows, -19% at 1M).
        inserted += "ORDER BY s.followers "
        following = "following" if "following" in columns else "NULL::bigint"
        cursor.execute(
            f"WITH inserted AS ({inserted} RETURNING id, followers, following), "
            "snapshots AS (INSERT INTO creators_followersnapshot "
            "(creator_id, date, followers, following) "
            f"SELECT id, CURRENT_DATE, followers, {following} FROM inserted) "
            "SELECT id FROM inserted"
        )
    else:
        cursor.execute(f"{inserted} RETURNING id")
    return [pk for (pk,) in cursor.fetchall()]


def _profiles_apply(frame, ctx) -> ApplyResult:
    """The whole frame at once, through the chunk writer (a run inside a caller's transaction
    cannot use the writer's own connection)."""
    writer = _ProfilesCopyWriter(ctx)
    if len(frame):
        writer.write(writer.prepare(frame))
    return writer.result()


register(
    KindSpec(
        "profiles",
        "Profiles",
        PROFILE_FIELDS,
        _profiles_validate,
        _profiles_apply,
        chunk_writer=_ProfilesCopyWriter,
    )
)

# ---------------------------------------------------------------- posts

POST_FIELDS = (
    HANDLE,
    PLATFORM,
    FieldSpec(
        "external_id",
        _text(100),
        True,
        ("post_id", "id", "media_id", "video_id", "tweet_id", "shortcode"),
    ),
    FieldSpec(
        "posted_at",
        parse_datetime,
        True,
        ("date", "published_at", "timestamp", "created_at", "posted", "post_date", "published"),
    ),
    FieldSpec("likes", parse_count, False, ("like_count", "likes_count", "hearts", "reactions")),
    FieldSpec("comments", parse_count, False, ("comment_count", "comments_count", "replies")),
    FieldSpec(
        "views",
        parse_count,
        False,
        ("view_count", "views_count", "plays", "play_count", "impressions"),
    ),
    FieldSpec("shares", parse_count, False, ("share_count", "shares_count", "retweets")),
    FieldSpec("saves", parse_count, False, ("save_count", "saved", "bookmarks")),
    FieldSpec("url", url_parser(400), False, ("post_url", "link", "permalink")),
    FieldSpec("is_sponsored", parse_bool, False, ("sponsored", "ad", "paid", "is_ad")),
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
    frame = _platform_column(frame, ctx, rejections)
    frame = _reject_duplicates(frame, ["platform", "handle", "external_id"], rejections, "post id")
    frame = _resolve_creators(frame, rejections)
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
    new, changed, unchanged = _diff(
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
        batch_size=_BATCH,
    )
    touched = {int(r["creator_id"]) for r in new + changed}
    return ApplyResult(len(new), len(changed), unchanged, touched)


register(KindSpec("posts", "Posts", POST_FIELDS, _posts_validate, _posts_apply))

# ---------------------------------------------------------------- audience

_DIMENSIONS = {
    "country": "country",
    "countries": "country",
    "geo": "country",
    "age": "age",
    "age_group": "age",
    "gender": "gender",
    "sex": "gender",
    "language": "language",
    "lang": "language",
    "interest": "interest",
    "interests": "interest",
}
_WIDE = re.compile(
    r"^(country|countries|geo|age|age_group|gender|sex|language|lang|interests?)[\s_:\-/]+(.+)$",
    re.IGNORECASE,
)


def _dimension(value):
    if value is None:
        return None
    key = str(value).strip().lower().replace(" ", "_")
    if key not in _DIMENSIONS:
        raise ValueError(f"unknown dimension {value!r} (use {', '.join(AudienceDimension.values)})")
    return _DIMENSIONS[key]


AUDIENCE_FIELDS = (
    HANDLE,
    PLATFORM,
    FieldSpec("dimension", _dimension, True, ("type", "breakdown", "category", "demographic")),
    FieldSpec("bucket", _text(64), True, ("value", "segment", "group", "key", "label")),
    FieldSpec(
        "share",
        parse_share,
        True,
        ("percent", "percentage", "pct", "fraction", "weight", "audience_share"),
    ),
    FieldSpec("sample_size", parse_count, False, ("sample", "n", "sample_n")),
)


def _audience_wide_columns(headers: list[str]) -> dict[str, tuple[str, str]]:
    wide = {}
    for header in headers:
        match = _WIDE.match(str(header).strip())
        if match:
            wide[header] = (
                _DIMENSIONS[match.group(1).lower().replace(" ", "_")],
                match.group(2).strip(),
            )
    return wide


def _audience_reshape(raw: pd.DataFrame, mapping: dict[str, str]) -> pd.DataFrame:
    """Wide layout (one row per creator, a column per bucket like "country:DE" or "age 18-24")
    becomes the long layout (creator, dimension, bucket, share)."""
    if "share" in mapping:
        return raw
    wide = _audience_wide_columns(list(raw.columns))
    if not wide:
        return raw
    ids = [mapping[f] for f in ("handle", "platform", "sample_size") if f in mapping]
    long = (
        raw[ids + list(wide)]
        .reset_index()
        .melt(id_vars=["row", *ids], var_name="_col", value_name="share")
    )
    long = long[long["share"].notna()]
    long["dimension"] = long["_col"].map(lambda c: wide[c][0])
    long["bucket"] = long["_col"].map(lambda c: wide[c][1])
    mapping.update(dimension="dimension", bucket="bucket", share="share")
    return long.drop(columns="_col").set_index("row").sort_index(kind="stable")


def _bucket(dimension: str, bucket: str) -> str:
    if dimension == "country":
        return normalise_country(bucket)
    if dimension in ("gender", "interest"):
        return bucket.strip().lower()
    if dimension == "language":
        return _language(bucket)
    return bucket.strip().replace(" ", "")


def _audience_validate(frame, ctx):
    rejections: list[Rejection] = []
    frame = _platform_column(frame, ctx, rejections)
    buckets, ok = [], []
    for row, dim, bucket in zip(frame.index, frame["dimension"], frame["bucket"], strict=True):
        try:
            buckets.append(_bucket(dim, bucket))
            ok.append(True)
        except ValueError as exc:
            rejections.append(Rejection(int(row), "bucket", str(bucket), str(exc)))
            buckets.append(None)
            ok.append(False)
    frame = frame.assign(bucket=buckets)[ok]
    frame = _reject_duplicates(
        frame, ["platform", "handle", "dimension", "bucket"], rejections, "bucket"
    )
    totals = frame.groupby(["platform", "handle", "dimension"])["share"].transform("sum")
    over = totals > 1.02  # rounding in exports: 100.4% is fine, 130% is a wrong file
    for row, values in frame.loc[over].iterrows():
        rejections.append(
            Rejection(
                int(row),
                "share",
                f"{values['share']:.4f}",
                f"{values['dimension']} shares of @{values['handle']} add up to {totals.loc[row]:.0%}, more than 100%",
            )
        )
    frame = frame[~over]
    frame = _resolve_creators(frame, rejections)
    return frame, rejections


def _audience_apply(frame, ctx) -> ApplyResult:
    columns = ["share"] + (["sample_size"] if "sample_size" in frame else [])
    existing = {}
    creator_ids = [int(i) for i in frame["creator_id"].unique()]
    for start in range(0, len(creator_ids), 1000):
        for row in AudienceShare.objects.filter(
            creator_id__in=creator_ids[start : start + 1000]
        ).values("pk", "creator_id", "dimension", "bucket", *columns):
            existing[(row["creator_id"], row["dimension"], row["bucket"])] = row
    new, changed, unchanged = _diff(
        AudienceShare,
        frame,
        existing,
        lambda r: (int(r["creator_id"]), r["dimension"], r["bucket"]),
        columns,
    )
    objects = [
        AudienceShare(
            creator_id=int(r["creator_id"]),
            dimension=r["dimension"],
            bucket=r["bucket"],
            **{c: r[c] for c in columns},
        )
        for r in new + changed
    ]
    AudienceShare.objects.bulk_create(
        objects,
        update_conflicts=True,
        unique_fields=["creator", "dimension", "bucket"],
        update_fields=columns,
        batch_size=_BATCH,
    )
    return ApplyResult(
        len(new), len(changed), unchanged, {int(r["creator_id"]) for r in new + changed}
    )


register(
    KindSpec(
        "audience",
        "Audience shares",
        AUDIENCE_FIELDS,
        _audience_validate,
        _audience_apply,
        reshape=_audience_reshape,
    )
)

# ---------------------------------------------------------------- followers


def _follower_id(value):
    text = _text(100)(value)
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
    frame = _platform_column(frame, ctx, rejections)
    frame = _resolve_creators(frame, rejections)
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
        _enqueue_overlap_recompute(result.creator_ids)
    return result


def _enqueue_overlap_recompute(creator_ids: set[int]) -> None:
    """New audience samples change the overlaps of every campaign that computes them: those with
    one of these creators on the roster or among the top matches the recompute takes. Each gets
    an overlap recompute queued on commit, so a failed import queues nothing."""
    from campaigns.models import Campaign
    from scoring.services.overlaps import OVERLAP_TOP_N, enqueue_overlap_recompute

    ids = sorted(creator_ids)
    on_roster = Campaign.objects.filter(roster__creator_id__in=ids)
    top_matches = Campaign.objects.filter(
        match_scores__creator_id__in=ids,
        match_scores__excluded=False,
        match_scores__rank__lte=OVERLAP_TOP_N,
    )
    campaign_ids = set(on_roster.values_list("pk", flat=True)) | set(
        top_matches.values_list("pk", flat=True)
    )
    for campaign_id in sorted(campaign_ids):
        enqueue_overlap_recompute(campaign_id)


register(
    KindSpec(
        "followers", "Follower samples", FOLLOWER_FIELDS, _followers_validate, _followers_apply
    )
)
