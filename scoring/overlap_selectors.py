"""Reads for audience overlap: creators' audiences from stored sketches, a campaign roster's
overlap table and unique reach, and `new_audience_gain` for "adds most new audience" sorts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from campaigns.models import Campaign, Stage
from creators.models import AudienceSketch, Creator
from matchmaker.lib import sketches
from scoring.metrics import overlap
from scoring.models import CreatorOverlap, ScoreRun


def audiences(creator_ids, *, with_samples: bool = False) -> list[overlap.Audience]:
    """One Audience per creator id (in the given order); no stored sketch -> unknown overlap.

    `with_samples` also unpacks the full hashed samples, for exact unions and the optimiser."""
    ids = list(dict.fromkeys(int(i) for i in creator_ids))
    followers = dict(Creator.objects.filter(pk__in=ids).values_list("pk", "followers"))
    fields = ["creator_id", "sketch", "sample_size"] + (["sample_ids"] if with_samples else [])
    stored = {
        row["creator_id"]: row
        for row in AudienceSketch.objects.filter(creator_id__in=ids).values(*fields)
    }
    out = []
    for cid in ids:
        if cid not in followers:
            continue
        row = stored.get(cid)
        if row is None or not row["sample_size"]:
            out.append(overlap.Audience(cid, int(followers[cid] or 0), None))
            continue
        sample = None
        if with_samples and row.get("sample_ids"):
            sample = sketches.unpack_sample(row["sample_ids"])
        out.append(
            overlap.Audience(
                cid,
                int(followers[cid] or 0),
                sketches.read_sketch(row["sketch"]),
                int(row["sample_size"]),
                sample,
            )
        )
    return out


def roster_creator_ids(campaign: Campaign) -> list[int]:
    """The campaign's roster in the order added; declined creators no longer count."""
    return list(
        campaign.roster.exclude(stage=Stage.DECLINED)
        .order_by("created_at", "pk")
        .values_list("creator_id", flat=True)
    )


@dataclass
class Cell:
    """One heatmap cell: the overlap share of the smaller audience, None = unknown."""

    share: float | None
    band: float | None = None
    shared: float | None = None
    jaccard: float | None = None
    measurable: bool = False
    diagonal: bool = False

    @property
    def heat(self) -> str:
        if self.diagonal:
            return "h-10"
        if self.share is None:
            return "h-unknown"
        return f"h-{min(10, round(self.share * 10))}"


@dataclass
class RosterOverlap:
    creators: list[Creator]
    rows: list[tuple[Creator, list[Cell]]]
    reach: overlap.Reach
    contributions: list[tuple[Creator, overlap.Contribution]]
    last_run: ScoreRun | None


def campaign_overlap(campaign: Campaign) -> RosterOverlap:
    """The roster's pairwise overlap (stored CreatorOverlap rows, computed from the sketches for
    pairs not stored yet), its unique reach and each member's exclusive share."""
    ids = roster_creator_ids(campaign)
    creators = {c.pk: c for c in Creator.objects.filter(pk__in=ids)}
    auds = audiences(ids, with_samples=True)
    by_id = {a.creator_id: a for a in auds}
    stored = {
        (o.creator_a_id, o.creator_b_id): o
        for o in CreatorOverlap.objects.filter(creator_a_id__in=ids, creator_b_id__in=ids)
    }
    ordered = [creators[i] for i in ids if i in creators]
    rows = []
    for ca in ordered:
        cells = []
        for cb in ordered:
            if ca.pk == cb.pk:
                cells.append(Cell(1.0, diagonal=True))
                continue
            a, b = by_id[ca.pk], by_id[cb.pk]
            if not (a.known and b.known):
                cells.append(Cell(None))
                continue
            key = (min(ca.pk, cb.pk), max(ca.pk, cb.pk))
            row = stored.get(key)
            if row is not None:
                share = max(row.share_a, row.share_b)
                cells.append(
                    Cell(
                        share,
                        row.error_band,
                        row.shared_estimate,
                        row.jaccard,
                        share - row.error_band > 0,
                    )
                )
            else:
                p = overlap.pair_overlap(a, b)
                cells.append(
                    Cell(p.smaller_share, p.error_band, p.shared_estimate, p.jaccard, p.measurable)
                )
        rows.append((ca, cells))
    reach = overlap.roster_reach([by_id[c.pk] for c in ordered])
    contributions = [(creators[m.creator_id], m) for m in reach.members]
    last_run = (
        ScoreRun.objects.filter(
            campaign=campaign, kind=ScoreRun.Kind.OVERLAPS, status=ScoreRun.Status.SUCCEEDED
        )
        .order_by("-finished_at")
        .first()
    )
    return RosterOverlap(ordered, rows, reach, contributions, last_run)


def new_audience_gain(campaign: Campaign, creator_ids) -> dict[int, float | None]:
    """For the discovery/matches "adds most new audience to this roster" sort.

    Returns {creator_id: estimated followers this creator would add that nobody on the campaign's
    roster already reaches} (full follower count x the share of its sample outside the roster's
    union of samples). None when the creator has no follower sample (overlap unknown: sort those
    last, never treat them as 0 or as fully new). A creator already on the roster gains 0.
    Sort descending on the value with None last."""
    roster = roster_creator_ids(campaign)
    wanted = list(dict.fromkeys(int(i) for i in creator_ids))
    roster_auds = [a for a in audiences(roster, with_samples=True) if a.known]
    union = (
        np.unique(
            np.concatenate([a.sample if a.sample is not None else a.sketch for a in roster_auds])
        )
        if roster_auds
        else np.empty(0, dtype=np.uint64)
    )
    gains: dict[int, float | None] = {}
    roster_set = set(roster)
    for a in audiences(wanted, with_samples=True):
        if a.creator_id in roster_set:
            gains[a.creator_id] = 0.0
        elif not a.known:
            gains[a.creator_id] = None
        else:
            own = a.sample if a.sample is not None else a.sketch
            new = np.count_nonzero(~np.isin(own, union, assume_unique=True)) / own.size
            gains[a.creator_id] = float(new * a.size)
    return gains
