"""What the built-in kinds share: text parsers, the handle and platform fields, and the
frame steps every kind takes (a platform on every row, duplicate keys rejected, handles resolved
to creators, records diffed against the stored rows)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from creators.importing.registry import FieldSpec, ImportContext, Rejection
from creators.importing.values import normalise_handle, normalise_platform
from creators.models import Creator

BATCH = 5000


def text_parser(limit: int):
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


def language(value):
    text = text_parser(8)(value)
    if text is None:
        return None
    if not re.fullmatch(r"[A-Za-z]{2}([-_][A-Za-z]{2})?", text):
        raise ValueError(f"not a language code: {text!r}")
    return text[:2].lower()


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
        "handle_name",
        "user_name",
        "account_name",
        "unique_id",
        "owner_username",
        "channel_handle",
        "custom_url",
        "influencer",
        "youtuber",
        "author",
        "name",
    ),
)
PLATFORM = FieldSpec(
    "platform",
    normalise_platform,
    True,
    ("network", "social_network", "channel_type", "site", "social_media", "source_platform"),
)


def platform_column(
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


def reject_duplicates(
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


def resolve_creators(frame: pd.DataFrame, rejections: list[Rejection]) -> pd.DataFrame:
    """Add creator_id from platform+handle; rows naming an unknown creator are rejected."""
    pairs = frame[["platform", "handle"]].drop_duplicates()
    known: dict[tuple[str, str], int] = {}
    for platform, group in pairs.groupby("platform"):
        handles = group["handle"].tolist()
        for start in range(0, len(handles), BATCH):
            for pk, handle in Creator.objects.filter(
                platform=platform, handle__in=handles[start : start + BATCH]
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


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    sub = frame[columns].astype(object)
    return sub.where(sub.notna(), None).to_dict("records")


def same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) or isinstance(b, float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return str(a) == str(b) if not isinstance(a, type(b)) else a == b


def diff(model, frame: pd.DataFrame, existing: dict, key_of, columns: list[str]):
    """Split records into new / changed / unchanged against existing rows (key -> dict)."""
    new, changed, unchanged = [], [], 0
    for record in records(frame, list(dict.fromkeys([*columns, *frame.columns]))):
        old = existing.get(key_of(record))
        if old is None:
            new.append(record)
        elif all(same(record[c], old[c]) for c in columns):
            unchanged += 1
        else:
            record["pk"] = old["pk"]
            changed.append(record)
    return new, changed, unchanged
