"""The roster optimiser against brute force on small random instances, and its edge cases."""

from itertools import combinations

import numpy as np
import pytest

from scoring.metrics.optimiser import Candidate, OptimiserError, optimise, roster_value


def _instance(rng, n=10):
    pool = np.arange(5000, dtype=np.uint64)
    cands = []
    for i in range(n):
        size = int(rng.integers(50, 600))
        # Audiences drawn from a few overlapping communities so overlap matters.
        centre = int(rng.integers(0, 4000))
        sample = np.unique(np.clip(rng.normal(centre, 400, size).astype(np.int64), 0, 4999))
        cands.append(
            Candidate(
                creator_id=i + 1,
                cost=float(rng.integers(100, 1000)),
                value=float(sample.size * rng.uniform(0.3, 1.0)),
                sample=pool[sample] if rng.random() > 0.1 else None,
            )
        )
    return cands


def _brute_force(cands, budget, must=(), exclude=()):
    pool = [c for c in cands if c.creator_id not in exclude]
    best = 0.0
    for r in range(len(pool) + 1):
        for combo in combinations(pool, r):
            ids = {c.creator_id for c in combo}
            if not set(must) <= ids or sum(c.cost for c in combo) > budget:
                continue
            best = max(best, roster_value(cands, list(ids)))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_at_least_95_percent_of_brute_force(seed):
    rng = np.random.default_rng(seed)
    cands = _instance(rng)
    budget = float(rng.integers(500, 3000))
    proposal = optimise(cands, budget)
    assert proposal.total_cost <= budget
    assert proposal.total_value == pytest.approx(roster_value(cands, proposal.creator_ids))
    optimum = _brute_force(cands, budget)
    assert proposal.total_value >= 0.95 * optimum - 1e-9


def test_must_include_and_exclude_are_honoured():
    rng = np.random.default_rng(99)
    cands = _instance(rng)
    proposal = optimise(cands, 2000, must_include=[3], exclude=[1, 2])
    assert 3 in proposal.creator_ids
    assert not {1, 2} & set(proposal.creator_ids)
    assert next(p for p in proposal.picks if p.creator_id == 3).must_include
    optimum = _brute_force(cands, 2000, must=(3,), exclude=(1, 2))
    assert proposal.total_value >= 0.95 * optimum


def test_budget_below_every_fee_gives_empty_roster():
    cands = _instance(np.random.default_rng(1))
    proposal = optimise(cands, 50)
    assert proposal.picks == []
    assert proposal.total_value == 0
    assert any("budget" in n for n in proposal.notes)


def test_identical_audiences_are_not_paid_twice():
    sample = np.arange(1000, dtype=np.uint64)
    cands = [Candidate(i, 100.0, 1000.0, sample) for i in (1, 2, 3)]
    proposal = optimise(cands, 1000)
    assert len(proposal.picks) == 1
    assert proposal.total_value == pytest.approx(1000)


def test_disjoint_audiences_add_up():
    cands = [
        Candidate(i, 100.0, 500.0, np.arange(i * 1000, i * 1000 + 500, dtype=np.uint64))
        for i in (1, 2, 3)
    ]
    proposal = optimise(cands, 300)
    assert sorted(proposal.creator_ids) == [1, 2, 3]
    assert proposal.total_value == pytest.approx(1500)
    assert [p.gain for p in proposal.picks] == pytest.approx([500, 500, 500])


def test_missing_samples_are_flagged_and_counted_disjoint():
    sample = np.arange(1000, dtype=np.uint64)
    cands = [Candidate(1, 100.0, 1000.0, sample), Candidate(2, 100.0, 800.0, None)]
    proposal = optimise(cands, 200)
    unknown = next(p for p in proposal.picks if p.creator_id == 2)
    assert unknown.overlap_unknown and unknown.gain == 800
    assert any("no follower sample" in n for n in proposal.notes)


def test_bad_input_is_named():
    cands = [Candidate(1, 100.0, 10.0), Candidate(2, 900.0, 10.0)]
    with pytest.raises(OptimiserError, match="budget"):
        optimise(cands, -1)
    with pytest.raises(OptimiserError, match="both required and excluded"):
        optimise(cands, 100, must_include=[1], exclude=[1])
    with pytest.raises(OptimiserError, match="more than the budget"):
        optimise(cands, 500, must_include=[2])
    with pytest.raises(OptimiserError, match="not among the candidates"):
        optimise(cands, 500, must_include=[7])


def test_fixed_picks_stay_and_their_cost_counts_against_the_budget():
    """Issue 17 item 3: creators already contracted were dropped from proposals."""
    rng = np.random.default_rng(5)
    cands = _instance(rng)
    unconstrained = optimise(cands, 1500)
    left_out = [c for c in cands if c.creator_id not in unconstrained.creator_ids]
    fixed = [c.creator_id for c in sorted(left_out, key=lambda c: c.cost)[:2]]
    assert sum(c.cost for c in cands if c.creator_id in fixed) < 1500
    proposal = optimise(cands, 1500, fixed=fixed)
    assert set(fixed) <= set(proposal.creator_ids)
    assert all(p.fixed == (p.creator_id in fixed) for p in proposal.picks)
    assert proposal.total_cost <= 1500
    assert proposal.total_cost == pytest.approx(sum(p.cost for p in proposal.picks))
    assert proposal.total_value >= 0.95 * _brute_force(cands, 1500, must=fixed) - 1e-9


def test_fixed_picks_over_budget_are_kept_alone_with_a_note():
    cands = [
        Candidate(1, 800.0, 100.0, np.arange(10, dtype=np.uint64)),
        Candidate(2, 900.0, 100.0, np.arange(20, 30, dtype=np.uint64)),
        Candidate(3, 10.0, 500.0, np.arange(40, 50, dtype=np.uint64)),
    ]
    proposal = optimise(cands, 1000, fixed=[1, 2])
    assert proposal.creator_ids == [1, 2] and proposal.total_cost == 1700
    assert "already contracted cost 1,700.00, more than the budget" in proposal.notes[0]
    with pytest.raises(OptimiserError, match="cannot be excluded"):
        optimise(cands, 1000, fixed=[1], exclude=[1])
