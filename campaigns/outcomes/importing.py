"""The "outcomes" import kind: campaign results from CSV/XLSX through creators/importing.

Each row names a creator handle on the job's campaign roster (scope["campaign_id"]) and the post
URL of the deliverable; a URL the entry has no deliverable for yet creates one. A row without a
URL is accepted only when the entry has exactly one deliverable. Every row becomes one Outcome
reading (source "csv"). Bad rows are rejected with row/column/value/reason by the machinery, and
nothing is written unless the job skips invalid rows (the upload form offers it).
"""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from django.utils import timezone

from campaigns.models import Deliverable, Outcome, RosterEntry, Stage
from campaigns.outcomes.services import REVENUE_LIMIT, outcome_feedback_enqueue
from creators.importing.registry import ApplyResult, FieldSpec, KindSpec, Rejection
from creators.importing.values import normalise_handle, parse_count, parse_datetime, url_parser
from matchmaker.lib.numbers import parse_number

COUNT_FIELDS = (
    "reach",
    "impressions",
    "views",
    "likes",
    "comments",
    "shares",
    "saves",
    "clicks",
    "conversions",
)


def _revenue(value):
    number = parse_number(value)
    if number is not None and number < 0:
        raise ValueError("revenue cannot be negative")
    if number is not None and number > REVENUE_LIMIT:
        raise ValueError(f"revenue too large: {value!s:.40} (at most {REVENUE_LIMIT:,.2f})")
    return number


def _text(value):
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).strip()[:64]


FIELDS = (
    FieldSpec(
        "handle",
        normalise_handle,
        True,
        ("creator", "creator_handle", "username", "account", "influencer"),
    ),
    FieldSpec("post_url", url_parser(400), False, ("url", "link", "permalink", "post")),
    FieldSpec("recorded_at", parse_datetime, False, ("date", "measured_at", "as_of", "timestamp")),
    *(FieldSpec(name, parse_count, False, (f"{name}_count",)) for name in COUNT_FIELDS),
    FieldSpec("revenue", _revenue, False, ("sales", "gmv")),
    FieldSpec("promo_code", _text, False, ("code", "coupon")),
)


def _validate(frame: pd.DataFrame, ctx):
    rejections: list[Rejection] = []
    campaign_id = ctx.scope.get("campaign_id")
    if not campaign_id:
        raise ValueError("An outcomes import needs the campaign (scope campaign_id).")
    entries = {
        e.creator.handle: e
        for e in RosterEntry.objects.filter(campaign_id=campaign_id)
        .exclude(stage=Stage.DECLINED)
        .select_related("creator")
    }
    deliverables: dict[int, list[Deliverable]] = {}
    for d in Deliverable.objects.filter(entry__campaign_id=campaign_id):
        deliverables.setdefault(d.entry_id, []).append(d)
    keep, entry_ids, deliverable_ids = [], [], []
    for row, values in frame.iterrows():
        handle = values["handle"]
        entry = entries.get(handle)
        if entry is None:
            rejections.append(
                Rejection(int(row), "handle", handle, f"@{handle} is not on this campaign's roster")
            )
            continue
        if all(values.get(n) is None for n in (*COUNT_FIELDS, "revenue")):
            rejections.append(Rejection(int(row), "", "", "the row has no result numbers"))
            continue
        url = values.get("post_url")
        own = deliverables.get(entry.pk, [])
        if url:
            match = next((d for d in own if d.post_url == url), None)
        elif len(own) == 1:
            match = own[0]
        else:
            rejections.append(
                Rejection(
                    int(row),
                    "post_url",
                    "",
                    f"@{handle} has {len(own)} deliverables: give the post URL",
                )
            )
            continue
        keep.append(row)
        entry_ids.append(entry.pk)
        deliverable_ids.append(match.pk if match else None)
    frame = frame.loc[keep].assign(
        entry_id=entry_ids, deliverable_id=pd.array(deliverable_ids, dtype=object)
    )
    return frame, rejections


def _apply(frame: pd.DataFrame, ctx) -> ApplyResult:

    entries = RosterEntry.objects.in_bulk(set(frame["entry_id"].tolist()))
    created_deliverables: dict[tuple[int, str], Deliverable] = {}
    now: datetime = timezone.now()
    outcomes = []
    for record in frame.astype(object).where(frame.notna(), None).to_dict("records"):
        deliverable_id = record.get("deliverable_id")
        if deliverable_id is None:
            key = (record["entry_id"], record["post_url"])
            if key not in created_deliverables:
                entry = entries[record["entry_id"]]
                created_deliverables[key] = Deliverable.objects.create(
                    entry=entry, platform=entry.creator.platform, post_url=record["post_url"]
                )
            deliverable_id = created_deliverables[key].pk
        outcomes.append(
            Outcome(
                deliverable_id=deliverable_id,
                recorded_at=record.get("recorded_at") or now,
                revenue=record.get("revenue"),
                promo_code=record.get("promo_code") or "",
                source=Outcome.Source.CSV,
                **{n: record.get(n) for n in COUNT_FIELDS},
            )
        )
    Outcome.objects.bulk_create(outcomes)
    for entry in entries.values():
        outcome_feedback_enqueue(entry)
    return ApplyResult(created=len(outcomes))


def accepted_columns() -> str:
    """The columns the detector accepts, for the upload form's help text, generated from FIELDS
    so the two cannot disagree: "handle (or creator, username, …; required), post_url (or url,
    …), …". Headers match ignoring case, spaces and punctuation (columns.normalise_header)."""
    parts = []
    for field in FIELDS:
        notes = [f"or {', '.join(field.synonyms)}"] if field.synonyms else []
        if field.required:
            notes.append("required")
        parts.append(f"{field.name} ({'; '.join(notes)})" if notes else field.name)
    return "; ".join(parts)


# The results upload form offers "skip invalid rows" (OutcomesUploadForm), which the failed job's
# message suggests. CampaignsConfig.ready() registers it.
KIND = KindSpec("outcomes", "Campaign results", FIELDS, _validate, _apply)
