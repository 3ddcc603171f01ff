"""Pure roster optimiser (DESIGN 4.6): choose creators within a budget to maximise unique target
reach (or expected engagements net of overlap), honouring must-include and excluded creators.

Objective. Each candidate brings `value` (target reach = followers x audience fit, or expected
engagements) spread evenly over the distinct ids of its follower sample, so one sample id of
creator i is worth w_i = value_i / sample_size_i. A follower reached by several chosen creators
counts once, at the largest w among them: value(S) = sum over ids in the union of max w. This is
a monotone submodular (weighted coverage) function, so marginal gains only shrink as the roster
grows and lazy evaluation is exact. Candidates without a sample have unknown overlap: they are
counted as disjoint from everyone (their full value) and flagged `overlap_unknown` in the output.

Scale. Above MAX_HASHES sample hashes in all (e.g. 5k candidates x 1k-id samples), every sample
is cut to its hashes below one common limit (a coordinated random subsample, like a bottom-k
sketch), which keeps overlaps unbiased and the optimiser within its 2 s target.

Fixed picks. Creators already contracted (`fixed`) are in every proposal: their fees are spent
whatever the optimiser says, so they count against the budget and their audiences are covered
before anyone else's gain is measured. They cannot be excluded; when they alone exceed the
budget the proposal is just them, with a note.

Search. Budgeted greedy on marginal gain per cost (lazy, CELF), run from several seeds: the
must-include set alone, and the must-include set plus each of the top `seeds` single candidates
(by value, affordable) - partial enumeration, which on small instances covers every single
candidate - plus the best affordable single candidate as a fallback; the best roster wins.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field

import numpy as np

# Above this many sample hashes in all, candidates' samples are subsampled coherently (below).
MAX_HASHES = 1_000_000


class OptimiserError(ValueError):
    """Bad optimiser input, with a message naming what is wrong."""


@dataclass(frozen=True)
class Candidate:
    creator_id: int
    cost: float
    value: float
    sample: np.ndarray | None = None  # hashed follower ids (uint64), None = no sample
    cost_estimated: bool = False


@dataclass(frozen=True)
class Pick:
    creator_id: int
    cost: float
    value: float
    gain: float  # marginal value when added, in the order chosen
    cost_estimated: bool
    overlap_unknown: bool
    must_include: bool
    fixed: bool = False  # already contracted: kept whatever the budget


@dataclass
class Proposal:
    picks: list[Pick]
    total_cost: float
    total_value: float
    budget: float
    notes: list[str] = field(default_factory=list)
    # Filled by the service: the current roster for comparison, and what is maximised.
    current_ids: list[int] = field(default_factory=list)
    current_value: float = 0.0
    current_cost: float = 0.0
    # The roster's committed fees (contracted and later: the roster board's "committed").
    committed_cost: float = 0.0
    objective: str = "unique target reach"

    @property
    def creator_ids(self) -> list[int]:
        return [p.creator_id for p in self.picks]


class _Coverage:
    """Dense follower ids across all candidates and the best weight reached per follower."""

    def __init__(self, candidates: list[Candidate], max_hashes: int = MAX_HASHES):
        kept = [c.sample if c.sample is not None and c.sample.size else None for c in candidates]
        total = sum(k.size for k in kept if k is not None)
        if total > max_hashes:
            # Coordinated subsample: every audience keeps only its hashes below one common
            # limit. Hashes are uniform, so this is a random sample of every audience that keeps
            # their overlaps (like a bottom-k sketch); samples are sorted, so it is a prefix.
            limit = np.uint64(int(max_hashes / total * 2**64))
            kept = [
                k[: max(1, int(np.searchsorted(k, limit)))] if k is not None else None for k in kept
            ]
        samples = [k for k in kept if k is not None]
        self.ids: list[np.ndarray | None] = []
        self.w = np.zeros(len(candidates))
        if samples:
            _, inverse = np.unique(np.concatenate(samples), return_inverse=True)
            inverse = inverse.astype(np.int32)
            self.size = int(inverse.max()) + 1
        else:
            inverse, self.size = np.empty(0, np.int32), 0
        offset = 0
        for i, (c, k) in enumerate(zip(candidates, kept, strict=True)):
            if k is not None:
                self.ids.append(inverse[offset : offset + k.size])
                offset += k.size
                self.w[i] = c.value / k.size
            else:
                self.ids.append(None)

    def fresh(self) -> np.ndarray:
        return np.zeros(self.size)

    def gain(self, i: int, candidates: list[Candidate], best: np.ndarray) -> float:
        ids = self.ids[i]
        if ids is None:
            return candidates[i].value
        return float(np.maximum(self.w[i] - best[ids], 0.0).sum())

    def add(self, i: int, best: np.ndarray) -> None:
        ids = self.ids[i]
        if ids is not None:
            best[ids] = np.maximum(best[ids], self.w[i])  # ids are unique per creator


def _greedy(cands, cov, start: list[int], budget: float):
    best = cov.fresh()
    chosen, gains, spent = [], [], 0.0
    for i in start:
        g = cov.gain(i, cands, best)
        cov.add(i, best)
        chosen.append(i)
        gains.append(g)
        spent += cands[i].cost
    if spent > budget + 1e-9:
        return None
    taken = set(chosen)
    # Max-heap of (gain/cost) upper bounds; stale entries are re-evaluated (CELF).
    # Initial bounds: each candidate's value alone, an upper bound on any marginal gain by
    # submodularity; stamp -1 forces an exact evaluation when a candidate reaches the top.
    heap = [
        (-_ratio(c.value, c.cost), i, c.value, -1)
        for i, c in enumerate(cands)
        if i not in taken and c.cost <= budget - spent + 1e-9
    ]
    heapq.heapify(heap)
    while heap:
        _neg, i, g, stamp = heapq.heappop(heap)
        c = cands[i]
        if c.cost > budget - spent + 1e-9:
            continue
        if stamp != len(chosen):
            g = cov.gain(i, cands, best)
            heapq.heappush(heap, (-_ratio(g, c.cost), i, g, len(chosen)))
            continue
        if g <= 0:
            break
        cov.add(i, best)
        chosen.append(i)
        gains.append(g)
        spent += c.cost
    return chosen, gains, spent, float(sum(gains))


def _ratio(gain: float, cost: float) -> float:
    return gain / cost if cost > 0 else float("inf") if gain > 0 else 0.0


def optimise(
    candidates: list[Candidate],
    budget: float,
    must_include: tuple[int, ...] | list[int] = (),
    exclude: tuple[int, ...] | list[int] = (),
    seeds: int = 10,
    fixed: tuple[int, ...] | list[int] = (),
) -> Proposal:
    """The best roster found within `budget` (see the module docstring for the method).

    `fixed`: creators already contracted, kept in every proposal (their cost counts against
    the budget); `must_include`: creators the user requires on top."""
    if budget is None or budget < 0:
        raise OptimiserError("The budget must be a number of at least 0.")
    excluded = set(exclude)
    kept = set(fixed) & excluded
    if kept:
        raise OptimiserError(
            f"Creators already contracted stay on the roster and cannot be excluded: "
            f"{sorted(kept)}."
        )
    clash = excluded & set(must_include)
    if clash:
        raise OptimiserError(f"Creators both required and excluded: {sorted(clash)}.")
    cands = [c for c in candidates if c.creator_id not in excluded]
    for c in cands:
        if c.cost < 0 or c.value < 0:
            raise OptimiserError(f"Creator {c.creator_id} has a negative cost or value.")
    index = {c.creator_id: i for i, c in enumerate(cands)}
    missing = [cid for cid in [*fixed, *must_include] if cid not in index]
    if missing:
        raise OptimiserError(f"Required creators are not among the candidates: {missing}.")
    pinned = [index[cid] for cid in dict.fromkeys(fixed)]
    forced = [index[cid] for cid in dict.fromkeys([*fixed, *must_include])]
    forced_cost = sum(cands[i].cost for i in forced)
    notes = []
    pinned_cost = sum(cands[i].cost for i in pinned)
    if pinned_cost > budget + 1e-9:
        # The contracts are signed: propose them alone and say why nothing else fits.
        cov = _Coverage(cands)
        best = cov.fresh()
        gains = []
        for i in pinned:
            gains.append(cov.gain(i, cands, best))
            cov.add(i, best)
        notes.append(
            f"The creators already contracted cost {pinned_cost:,.2f}, more than the budget "
            f"{budget:,.2f}: nobody else can be added."
        )
        return Proposal(
            _picks(cands, pinned, gains, set(forced), set(pinned)),
            pinned_cost,
            float(sum(gains)),
            float(budget),
            notes,
        )
    if forced_cost > budget + 1e-9:
        raise OptimiserError(
            f"The required creators cost {forced_cost:,.2f}, more than the budget {budget:,.2f}."
        )
    cov = _Coverage(cands)
    remaining = budget - forced_cost
    order = sorted(
        (i for i, c in enumerate(cands) if i not in forced and c.cost <= remaining + 1e-9),
        key=lambda i: -cands[i].value,
    )
    # Partial enumeration: every single candidate as a seed on small instances; on large ones
    # the top few by value (each seed is a full greedy run).
    n_seeds = len(order) if len(order) <= 30 else min(seeds, 3 if len(order) > 1000 else seeds)
    starts = [list(forced)] + [[*forced, i] for i in order[:n_seeds]]
    best_run = None
    for start in starts:
        run = _greedy(cands, cov, start, budget)
        if run is not None and (best_run is None or run[3] > best_run[3] + 1e-9):
            best_run = run
    chosen, gains, spent, total = best_run
    if not order and not forced:
        notes.append("No candidate's fee fits within the budget.")
    if any(cands[i].sample is None for i in chosen):
        notes.append(
            "Some chosen creators have no follower sample: their overlap is unknown and they "
            "are counted as reaching only people nobody else in the roster reaches."
        )
    if any(cands[i].cost_estimated for i in chosen):
        notes.append("Some fees are estimates (no agreed fee or quoted price).")
    picks = _picks(cands, chosen, gains, set(forced), set(pinned))
    return Proposal(picks, spent, total, float(budget), notes)


def _picks(cands, chosen, gains, forced: set[int], pinned: set[int]) -> list[Pick]:
    return [
        Pick(
            creator_id=cands[i].creator_id,
            cost=cands[i].cost,
            value=cands[i].value,
            gain=g,
            cost_estimated=cands[i].cost_estimated,
            overlap_unknown=cands[i].sample is None or not cands[i].sample.size,
            must_include=i in forced,
            fixed=i in pinned,
        )
        for i, g in zip(chosen, gains, strict=True)
    ]


def roster_value(candidates: list[Candidate], ids: list[int]) -> float:
    """The objective for a given set of creators (for comparisons and brute force in tests)."""
    chosen = [c for c in candidates if c.creator_id in set(ids)]
    cov = _Coverage(chosen)
    best = cov.fresh()
    total = 0.0
    for i in range(len(chosen)):
        total += cov.gain(i, chosen, best)
        cov.add(i, best)
    return total
