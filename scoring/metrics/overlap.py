"""Pure overlap arithmetic on follower sketches (DESIGN 4.4): pairwise Jaccard, shared audience,
each side's share, unique reach (union) of a set of creators and each member's exclusive and
marginal contribution. No ORM: callers pass `Audience` values built from stored sketches.

Scaling: the sketch measures the follower *samples*; the Jaccard of the samples is taken as the
Jaccard of the full audiences and shared = J / (1 + J) x (|A| + |B|) with |A|, |B| the full follower
counts. The error band (95%) combines the sketch error (binomial on the k sketch slots, zero when
the sketch is exact) and the sampling error (binomial on the smaller sample, with the finite
population correction), in quadrature, in share points of the smaller audience.

Unions (`weighted_union`): each sample id stands for its own creator's size / sample size, and an
id held by several creators counts once, at the largest of their weights. So a roster's union is
never below its largest member nor above the sum, and no member's exclusive or marginal reach
exceeds its own audience, whatever the sample sizes (one pooled scale for the whole roster broke
both: a member "reached only by" more people than follow it). The same arithmetic de-duplicates
measured reach (sizes = each creator's reach) for the results page.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from matchmaker.lib import sketches

Z95 = 1.96


@dataclass(frozen=True)
class Audience:
    """A creator's audience as the overlap code sees it. `sketch` None = no follower sample."""

    creator_id: int
    followers: int
    sketch: np.ndarray | None
    sample_size: int = 0
    sample: np.ndarray | None = None  # the full hashed sample, when loaded: exact unions

    @property
    def known(self) -> bool:
        return self.sketch is not None and self.sketch.size > 0

    @property
    def size(self) -> float:
        """Full audience size: the follower count, or the sample's size if that is larger."""
        return float(max(self.followers, self.sample_size, 0))


@dataclass(frozen=True)
class PairOverlap:
    creator_a: int
    creator_b: int
    jaccard: float
    shared_estimate: float
    share_a: float
    share_b: float
    error_band: float
    exact_sketch: bool

    @property
    def smaller_share(self) -> float:
        return max(self.share_a, self.share_b)

    @property
    def measurable(self) -> bool:
        """False when the error band includes zero: 'no measurable overlap'."""
        return self.smaller_share - self.error_band > 0


def error_band(share: float, sample: int, population: float, k: int, exact_sketch: bool) -> float:
    """95% band on an overlap share measured on a sample of `sample` of `population` followers."""
    if sample <= 0:
        return 1.0
    # A share observed as 0 still has an upper uncertainty of about one follower in the sample.
    p = min(max(share, 1.0 / sample), 1.0)
    fpc = max(0.0, 1.0 - sample / population) if population > 0 else 0.0
    sampling = p * (1 - p) / sample * fpc
    sketch_var = 0.0 if exact_sketch else p * (1 - p) / k
    return Z95 * math.sqrt(sampling + sketch_var)


def pair_overlap(a: Audience, b: Audience, k: int = sketches.K) -> PairOverlap | None:
    """Overlap of two audiences, or None when either has no sample (overlap unknown)."""
    if not (a.known and b.known):
        return None
    j, exact = sketches.jaccard(a.sketch, b.sketch, k)
    return _from_jaccard(a, b, j, exact, k)


def _from_jaccard(a: Audience, b: Audience, j: float, exact: bool, k: int) -> PairOverlap:
    shared = j / (1 + j) * (a.size + b.size) if j > 0 else 0.0
    shared = min(shared, a.size, b.size)
    share_a = min(shared / a.size, 1.0) if a.size else 0.0
    share_b = min(shared / b.size, 1.0) if b.size else 0.0
    small = a if a.size <= b.size else b
    band = error_band(
        max(share_a, share_b), small.sample_size or small.sketch.size, small.size, k, exact
    )
    return PairOverlap(a.creator_id, b.creator_id, j, shared, share_a, share_b, band, exact)


def _shared_counts(arrays: list[np.ndarray]) -> np.ndarray:
    """|X_i & X_j| for every pair of hash arrays, by one sort: only ids held by two or more
    creators can contribute, so the incidence product is taken over those columns alone."""
    n = len(arrays)
    if n == 0:
        return np.zeros((0, 0))
    values = np.concatenate(arrays)
    owners = np.repeat(np.arange(n), [a.size for a in arrays])
    uniq, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    shared_cols = np.flatnonzero(counts > 1)
    result = np.zeros((n, n))
    if shared_cols.size == 0:
        return result
    col_of = np.full(uniq.size, -1, dtype=np.int64)
    col_of[shared_cols] = np.arange(shared_cols.size)
    cols = col_of[inverse]
    keep = cols >= 0
    rows, cols = owners[keep], cols[keep]
    # Column-major copy (owners of each shared id), then per creator: the owners of its shared
    # ids, counted. Work is the number of (id, owner, owner) triples, not n x ids.
    by_col = np.argsort(cols, kind="stable")
    owners_by_col = rows[by_col]
    col_count = np.bincount(cols, minlength=shared_cols.size)
    col_start = np.concatenate(([0], np.cumsum(col_count)[:-1]))
    for i in range(n):
        mine = cols[rows == i]
        if mine.size == 0:
            continue
        lengths = col_count[mine]
        offsets = np.repeat(col_start[mine] - np.cumsum(lengths) + lengths, lengths)
        idx = offsets + np.arange(lengths.sum())
        result[i] = np.bincount(owners_by_col[idx], minlength=n)
    return result


def overlap_matrix(audiences: list[Audience], k: int = sketches.K) -> list[PairOverlap]:
    """Every pair (i < j in the given order) whose audiences are both known, vectorised: the
    shared-hash counts of all sketches in one pass, then the same estimator as
    `sketches.jaccard` (hashes counted below the pair's common limit)."""
    known = [a for a in audiences if a.known]
    counts = _shared_counts([a.sketch for a in known])
    limits = np.array([sketches.sketch_limit(a.sketch, k) for a in known], dtype=np.uint64)
    unlimited = limits == np.uint64(0xFFFFFFFFFFFFFFFF)
    below = np.zeros((len(known), len(known)))
    for i, a in enumerate(known):
        pair_limit = np.minimum(limits[i], limits)
        below[i] = np.searchsorted(a.sketch, pair_limit, side="right")
    pos = {id(a): i for i, a in enumerate(known)}
    out = []
    for i, a in enumerate(audiences):
        for b in audiences[i + 1 :]:
            if not (a.known and b.known):
                continue
            x, y = pos[id(a)], pos[id(b)]
            shared = counts[x, y]
            union = below[x, y] + below[y, x] - shared
            j = float(shared / union) if union else 0.0
            out.append(_from_jaccard(a, b, j, bool(unlimited[x] and unlimited[y]), k))
    return out


def _comparable(audiences: list[Audience], k: int) -> list[np.ndarray]:
    """Each known audience's hashes on one common footing: the full samples when loaded, else
    the sketches; when some sketch is full (not the whole sample), every array is cut to the
    hashes below the smallest full sketch's limit, a coordinated random subsample of every
    audience that keeps their overlaps (samples and sketches are sorted, so a prefix)."""
    arrays = [a.sample if a.sample is not None else a.sketch for a in audiences]
    limits = [
        sketches.sketch_limit(a.sketch, k)
        for a, array in zip(audiences, arrays, strict=True)
        if a.sample is None and array.size >= k and a.sample_size > array.size
    ]
    if not limits:
        return arrays
    limit = min(limits)
    return [array[: int(np.searchsorted(array, limit, side="right"))] for array in arrays]


@dataclass(frozen=True)
class WeightedUnion:
    """People reached at least once by a set of audiences, and each member's part of it."""

    total: float
    exclusive: tuple[float, ...]  # people only this member reaches: size x its unshared share
    marginal: tuple[float, ...]  # total minus the total without this member


def weighted_union(samples: list[np.ndarray], sizes: list[float]) -> WeightedUnion:
    """Union of audiences known by samples of their ids, each scaled to its own size.

    One distinct id of member i's sample stands for w_i = size_i / |sample_i| people. An id
    found in several members' samples counts once, at the largest w among them, so

        max(size_i) <= total = sum over distinct ids of max w <= sum(size_i)

    by construction (every member's ids alone already sum to its size; counting an id once
    never exceeds counting it for each holder). A member's exclusive reach is w_i x the ids no
    other member holds, and its marginal reach is what the total loses without it (w_i minus the
    next largest w on each id where it holds the largest): both lie between 0 and size_i. With
    equal w for everyone this is the plain union of the samples, scaled. A member with an empty
    sample (or size 0) reaches nobody here. Arrays must hold distinct ids each."""
    n = len(samples)
    if n != len(sizes):
        raise ValueError("One size per sample.")
    lengths = np.array([s.size for s in samples], dtype=np.int64)
    size = np.array([max(float(v), 0.0) for v in sizes])
    weight = np.divide(size, lengths, out=np.zeros(n), where=lengths > 0)
    if n == 0 or lengths.sum() == 0:
        return WeightedUnion(0.0, (0.0,) * n, (0.0,) * n)
    values = np.concatenate([s.astype(np.uint64) for s in samples])
    owners = np.repeat(np.arange(n), lengths)
    w = weight[owners]
    # By id, then the heaviest holder first: each id's group starts with its largest w.
    order = np.lexsort((-w, values))
    values, owners, w = values[order], owners[order], w[order]
    starts = np.flatnonzero(np.concatenate(([True], values[1:] != values[:-1])))
    holders = np.diff(np.append(starts, values.size))
    top = w[starts]
    second = np.where(holders > 1, w[np.minimum(starts + 1, values.size - 1)], 0.0)
    first_owner = owners[starts]
    alone = holders == 1
    exclusive = np.bincount(first_owner[alone], weights=top[alone], minlength=n)
    marginal = np.bincount(first_owner, weights=top - second, minlength=n)
    total = float(top.sum())
    # Floating sums: keep the bounds exact for the callers that compare against them.
    total = min(max(total, float(size[lengths > 0].max())), float(size[lengths > 0].sum()))
    return WeightedUnion(
        total,
        tuple(float(min(e, s)) for e, s in zip(exclusive, size, strict=True)),
        tuple(float(min(m, s)) for m, s in zip(marginal, size, strict=True)),
    )


def _known_union(audiences: list[Audience], sizes: list[float], k: int) -> WeightedUnion:
    """`weighted_union` of known audiences; one whose sample has no hash below the common limit
    (a small sample beside full sketches) cannot be placed, so it counts as disjoint."""
    arrays = _comparable(audiences, k)
    placed = [i for i, array in enumerate(arrays) if array.size]
    union = weighted_union([arrays[i] for i in placed], [sizes[i] for i in placed])
    if len(placed) == len(arrays):
        return union
    exclusive = [max(float(v), 0.0) for v in sizes]
    marginal = list(exclusive)
    for j, i in enumerate(placed):
        exclusive[i], marginal[i] = union.exclusive[j], union.marginal[j]
    apart = sum(exclusive[i] for i in range(len(arrays)) if i not in set(placed))
    return WeightedUnion(union.total + apart, tuple(exclusive), tuple(marginal))


def union_size(audiences: list[Audience], k: int = sketches.K) -> float:
    """Estimated unique reach of a set of creators (known audiences only), in people.

    `weighted_union` of their samples (exact on the samples when the full samples are loaded or
    every sample is below k), else of their sketches cut to a common limit."""
    known = [a for a in audiences if a.known]
    if not known:
        return 0.0
    return _known_union(known, [a.size for a in known], k).total


@dataclass(frozen=True)
class Contribution:
    creator_id: int
    followers: int
    known: bool
    exclusive: float | None  # people only this creator reaches in the set (<= its audience)
    exclusive_share: float | None  # exclusive / own audience
    marginal: float | None  # unique reach lost without this creator (>= exclusive, <= audience)
    audience: float | None = None  # the size the set was measured with (followers or reach)


@dataclass(frozen=True)
class Reach:
    unique_reach: float  # known members' union + unknown members' audience (counted disjoint)
    known_union: float
    sum_followers: float  # sum of every member's audience (followers, or reach when given)
    unknown_ids: tuple[int, ...]
    members: tuple[Contribution, ...]
    # The least the roster can reach: its known union, or its largest member without a sample
    # when larger (that one may overlap everyone). Equals unique_reach when all are known.
    lower_bound: float = 0.0

    @property
    def exact(self) -> bool:
        """True when unique_reach is one estimate, not a range: every member has a sample (or
        the range is a point, as for a lone member without one)."""
        return not self.unknown_ids or self.lower_bound >= self.unique_reach


def roster_reach(
    audiences: list[Audience], k: int = sketches.K, sizes: dict[int, float] | None = None
) -> Reach:
    """Unique reach of a roster and each member's exclusive and marginal contribution.

    `sizes` (creator id -> people) measures each audience by something other than its follower
    count, e.g. the reach its posts measured; members missing from it are left out. Members
    without a sample are added at their full size (unique_reach is then the upper end of a range
    whose lower end is `lower_bound`) and listed as unknown."""
    if sizes is not None:
        audiences = [a for a in audiences if a.creator_id in sizes]

    def size_of(a: Audience) -> float:
        return max(float(sizes[a.creator_id]), 0.0) if sizes is not None else a.size

    known = [a for a in audiences if a.known]
    union = _known_union(known, [size_of(a) for a in known], k)
    by_id = {
        a.creator_id: (e, m) for a, e, m in zip(known, union.exclusive, union.marginal, strict=True)
    }
    members = []
    for a in audiences:
        size = size_of(a)
        if not a.known:
            members.append(Contribution(a.creator_id, a.followers, False, None, None, None, size))
            continue
        exclusive, marginal = by_id[a.creator_id]
        share = min(1.0, exclusive / size) if size else 0.0
        members.append(
            Contribution(a.creator_id, a.followers, True, exclusive, share, marginal, size)
        )
    unknown = [a for a in audiences if not a.known]
    unknown_sizes = [size_of(a) for a in unknown]
    return Reach(
        unique_reach=union.total + sum(unknown_sizes),
        known_union=union.total,
        sum_followers=sum(size_of(a) for a in audiences),
        unknown_ids=tuple(a.creator_id for a in unknown),
        members=tuple(members),
        lower_bound=max([union.total, *unknown_sizes]),
    )
