"""Invariants of unique reach (issue 17), on generated rosters: a roster's union lies between its
largest member and the sum of its members; no member's exclusive or marginal reach exceeds its
own audience; with members lacking samples, the range's lower end is at most its upper end and
at least the largest member. The same holds when audiences are measured reach instead of
followers (the results page). The seeded-demo run is in tests/campaigns/test_reach_demo.py."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.lib import sketches
from scoring.metrics.overlap import Audience, roster_reach, union_size, weighted_union

TOLERANCE = 1e-6


def _audience(cid, followers, ids, *, loaded=True):
    hashed = sketches.hash_ids(ids)
    return Audience(
        cid,
        followers,
        sketches.read_sketch(sketches.build_sketch(hashed)),
        int(hashed.size),
        hashed if loaded else None,
    )


def test_exclusive_audience_never_exceeds_the_audience():
    """Issue 17 item 2: one pooled people-per-sample-id scale for the whole roster made
    a 10,000-follower creator "reach only by them" 36,071 people (its sample is large next to
    the others', so the pooled scale inflated it)."""
    a = _audience(1, 10_000, range(5000))
    b = _audience(2, 100_000, range(100_000, 101_000))
    c = _audience(3, 50_000, range(100_500, 101_500))
    reach = roster_reach([a, b, c])
    members = {m.creator_id: m for m in reach.members}
    assert members[1].exclusive == pytest.approx(10_000)  # shares nobody: all its own
    assert members[1].exclusive_share == pytest.approx(1.0)
    # b and c share half their samples: each keeps its unshared half at its own scale.
    assert members[2].exclusive == pytest.approx(50_000)
    assert members[3].exclusive == pytest.approx(25_000)
    for m in reach.members:
        assert m.exclusive <= m.audience and m.marginal <= m.audience
    # Union: a + b + c's ids b lacks, each id at its creator's weight (b's 100 beats c's 50).
    assert reach.unique_reach == pytest.approx(10_000 + 100_000 + 25_000)
    assert reach.exact and reach.lower_bound == reach.unique_reach


def test_unknown_members_make_a_range_not_a_sum():
    a = _audience(1, 20_000, range(1000))
    b = _audience(2, 20_000, range(500, 1500))
    unknown = Audience(3, 30_000, None)
    reach = roster_reach([a, b, unknown])
    assert reach.known_union == pytest.approx(30_000)
    assert reach.unique_reach == pytest.approx(60_000)  # upper end: c reaches only new people
    assert reach.lower_bound == pytest.approx(30_000)  # lower end: c inside the others' union
    assert not reach.exact
    bigger_unknown = roster_reach([a, b, Audience(3, 45_000, None)])
    assert bigger_unknown.lower_bound == pytest.approx(45_000)  # never below the largest member


def test_measured_reach_sizes_replace_followers():
    """Results page: measured reach de-duplicated with the follower samples."""
    a = _audience(1, 90_000, range(1000))
    b = _audience(2, 80_000, range(1000))  # same followers sampled: full overlap
    reach = roster_reach([a, b], sizes={1: 4_000, 2: 3_000})
    assert reach.unique_reach == pytest.approx(4_000)
    assert reach.sum_followers == pytest.approx(7_000)
    # A creator without a reading is left out, not counted at its followers.
    only_a = roster_reach([a, b], sizes={1: 4_000})
    assert only_a.unique_reach == pytest.approx(4_000)
    assert [m.creator_id for m in only_a.members] == [1]


def test_sketches_cut_to_a_common_limit_when_samples_are_not_loaded():
    rng = np.random.default_rng(11)
    ids_a = rng.choice(10**9, 20_000, replace=False)
    ids_b = np.concatenate([ids_a[:10_000], rng.choice(10**9, 10_000, replace=False) + 10**9])
    a = _audience(1, 40_000, ids_a, loaded=False)
    b = _audience(2, 40_000, ids_b, loaded=False)
    assert a.sketch.size == sketches.K  # full sketches: estimated, not exact
    assert union_size([a, b]) == pytest.approx(60_000, rel=0.05)


_ids = st.sets(st.integers(0, 400), min_size=1, max_size=120)


@st.composite
def _rosters(draw):
    n = draw(st.integers(1, 7))
    auds, sizes = [], {}
    for cid in range(1, n + 1):
        ids = draw(_ids)
        followers = draw(st.integers(len(ids), 200_000))
        if draw(st.booleans()) or cid == 1:
            auds.append(_audience(cid, followers, sorted(ids), loaded=draw(st.booleans())))
        else:
            auds.append(Audience(cid, followers, None))
        if draw(st.booleans()):
            sizes[cid] = draw(st.floats(0, 50_000, allow_nan=False))
    return auds, sizes


def _check(reach):
    audiences = [m.audience for m in reach.members]
    assert reach.sum_followers == pytest.approx(sum(audiences))
    if not audiences:
        assert reach.unique_reach == 0
        return
    largest = max(audiences)
    assert largest - TOLERANCE <= reach.lower_bound <= reach.unique_reach + TOLERANCE
    assert reach.unique_reach <= reach.sum_followers + TOLERANCE
    known = [m.audience for m in reach.members if m.known]
    if known:
        assert max(known) - TOLERANCE <= reach.known_union <= sum(known) + TOLERANCE
    for m in reach.members:
        if m.known:
            assert 0 <= m.exclusive <= m.marginal + TOLERANCE
            assert m.marginal <= m.audience + TOLERANCE
            assert 0 <= m.exclusive_share <= 1
    assert sum(m.exclusive for m in reach.members if m.known) <= reach.known_union + TOLERANCE


@settings(max_examples=200, deadline=None)
@given(_rosters())
def test_roster_union_between_largest_member_and_sum(roster):
    auds, _ = roster
    _check(roster_reach(auds))


@settings(max_examples=200, deadline=None)
@given(_rosters())
def test_measured_reach_union_between_largest_member_and_sum(roster):
    auds, sizes = roster
    _check(roster_reach(auds, sizes=sizes))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_ids, st.floats(0, 1e6, allow_nan=False)), min_size=1, max_size=8))
def test_weighted_union_marginals_are_what_the_total_loses(members):
    samples = [sketches.hash_ids(sorted(ids)) for ids, _ in members]
    sizes = [size for _, size in members]
    union = weighted_union(samples, sizes)
    for i in range(len(members)):
        rest = weighted_union(samples[:i] + samples[i + 1 :], sizes[:i] + sizes[i + 1 :])
        assert union.marginal[i] == pytest.approx(union.total - rest.total, abs=1e-6, rel=1e-9)


def _hashes(ids: np.ndarray) -> np.ndarray:
    """Each id's hash, in the ids' order (hash_ids returns them sorted)."""
    return np.array([sketches.hash_ids([int(i)])[0] for i in ids])


def test_a_small_sample_beside_full_sketches_counts_apart_when_it_cannot_be_placed():
    rng = np.random.default_rng(2)
    big = [
        _audience(i, 90_000, rng.choice(10**9, 60_000, replace=False), loaded=False) for i in (1, 2)
    ]
    limit = min(sketches.sketch_limit(a.sketch) for a in big)
    # Three ids all hashing above the full sketches' common limit.
    candidates = np.arange(1000, dtype=np.int64)
    ids = candidates[_hashes(candidates) > limit][:3]
    small = _audience(3, 5_000, ids, loaded=False)
    reach = roster_reach([*big, small])
    _check(reach)
    assert {m.creator_id: m.exclusive for m in reach.members}[3] == pytest.approx(5_000)
