"""A match computed on demand: one creator the last run scored but did not store (it ranked
outside the best MATCHES_STORED_MAX), with the recompute's own functions and the run's
audience averages, as an unsaved MatchScore the why page and the API explain like a stored
one."""

from __future__ import annotations

import copy
import math
from datetime import UTC, datetime

from django.utils import timezone

from campaigns.models import Campaign
from creators.models import Creator
from scoring.components import COMPONENTS
from scoring.models import MatchScore, ScoreRun
from scoring.services.matches import AUDIENCE_DIMENSIONS, INPUT_COLUMNS, compute_creator_match

_FLAGS = ("excluded", "engagement_estimated", "price_estimated")


def _value(value):
    """A frame cell as a model value: NaN -> None, numpy scalars -> Python ones."""
    if value is None:
        return None
    value = value.item() if hasattr(value, "item") else value
    return None if isinstance(value, float) and math.isnan(value) else value


def on_demand_match(*, campaign: Campaign, creator_id: int, run: ScoreRun) -> MatchScore | None:
    """The creator's match as the run would have scored it (None when the creator is not a
    candidate of the campaign): an unsaved MatchScore with rank None, its `run` a copy of
    `run` carrying the weight shares this computation used."""
    frame = compute_creator_match(
        campaign,
        creator_id,
        audience_averages=run.audience_averages or None,
        as_of=run.started_at or run.created_at,
    )
    if frame.empty:
        return None
    row = frame.iloc[0]
    dims = frame.attrs["dims"]
    mask = int(row["estimated_dims_mask"])
    fields = {
        name: _value(row[name])
        for name in (
            "total",
            *COMPONENTS,
            "target_reach",
            *INPUT_COLUMNS,
        )
    }
    for name in _FLAGS:
        fields[name] = bool(row[name])
    fields["past_deliverables"] = int(row["past_deliverables"])
    fields["reaction_pod"] = bool(row["reaction_pod"])
    last = _value(row["last_mention"])  # seconds since the epoch, as the COPY carries it
    fields["last_mention"] = None if last is None else datetime.fromtimestamp(last, tz=UTC)
    for dim in AUDIENCE_DIMENSIONS:
        fields[f"share_{dim}"] = _value(row[f"share_{dim}"])
    shown_run = copy.copy(run)
    shown_run.weights = frame.attrs["weight_share"]
    match = MatchScore(
        campaign=campaign,
        creator=Creator.objects.select_related("metrics").get(pk=creator_id),
        rank=None,
        computed_at=timezone.now(),
        estimated_dimensions=",".join(d for bit, d in enumerate(dims) if mask & (1 << bit)),
        components={},
        **fields,
    )
    match.run = shown_run
    return match
