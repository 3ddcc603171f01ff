"""The audience kind: shares per dimension and bucket, long or wide (a column per bucket)."""

from __future__ import annotations

import re

import pandas as pd

from creators.importing.kinds.common import (
    BATCH,
    HANDLE,
    PLATFORM,
    diff,
    language,
    platform_column,
    reject_duplicates,
    resolve_creators,
    text_parser,
)
from creators.importing.registry import ApplyResult, FieldSpec, KindSpec, Rejection
from creators.importing.values import normalise_country, parse_count, parse_share
from creators.models import AudienceDimension, AudienceShare

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
    FieldSpec("bucket", text_parser(64), True, ("value", "segment", "group", "key", "label")),
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
        return language(bucket)
    return bucket.strip().replace(" ", "")


def _audience_validate(frame, ctx):
    rejections: list[Rejection] = []
    frame = platform_column(frame, ctx, rejections)
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
    frame = reject_duplicates(
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
    frame = resolve_creators(frame, rejections)
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
    new, changed, unchanged = diff(
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
        batch_size=BATCH,
    )
    return ApplyResult(
        len(new), len(changed), unchanged, {int(r["creator_id"]) for r in new + changed}
    )


KIND = KindSpec(
    "audience",
    "Audience shares",
    AUDIENCE_FIELDS,
    _audience_validate,
    _audience_apply,
    reshape=_audience_reshape,
    writes=(AudienceShare,),
)
