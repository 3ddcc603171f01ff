"""Cohort statistics (scoring.metrics.cohorts) rank a subset of creators exactly as ranking the
whole catalogue at once does (cohort_percentile and groupby medians), on tiny frames."""

import numpy as np
import pandas as pd
import pytest

from scoring.metrics.cohorts import (
    _without,
    cohort_stats,
    cohort_stats_changed,
    rank_in_cohort,
    sorted_median,
)
from scoring.metrics.tiers import cohort_percentile


def _values(rows) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(rows, columns=["id", "platform", "tier", "er", "lpc"])
    return frame.set_index("id")


CATALOGUE = _values(
    [
        (1, "instagram", "micro", 0.01, 10.0),
        (2, "instagram", "micro", 0.02, np.nan),
        (3, "instagram", "micro", 0.02, 30.0),  # a tie with 2
        (4, "instagram", "micro", np.nan, 40.0),  # no rate: not ranked, not counted
        (5, "instagram", "micro", 0.05, 20.0),
        (6, "instagram", "nano", 0.3, 5.0),  # alone in its cohort
        (7, "tiktok", "micro", 0.04, np.nan),
        (8, "tiktok", "micro", 0.01, np.nan),  # lpc: no value in the cohort
    ]
)


def test_a_subset_ranked_in_the_cohort_stats_matches_the_whole_catalogue_ranked_at_once():
    whole = cohort_percentile(CATALOGUE["er"], CATALOGUE["platform"], CATALOGUE["tier"])
    groups = CATALOGUE.groupby(["platform", "tier"])
    er_median = groups["er"].transform("median")
    lpc_median = groups["lpc"].transform("median")
    stats = cohort_stats(CATALOGUE)
    for subset in ([1, 2], [3, 4, 6], [5, 7, 8], list(CATALOGUE.index)):
        ranked = rank_in_cohort(CATALOGUE.loc[subset], stats)
        assert ranked["er_percentile"].equals(whole[subset].rename("er_percentile"))
        assert ranked["er_cohort_median"].equals(er_median[subset].rename("er_cohort_median"))
        assert ranked["lpc_cohort_median"].equals(lpc_median[subset].rename("lpc_cohort_median"))
    # Ties share their average rank: .01 .02 .02 .05 -> ranks 1, 2.5, 2.5, 4 of 4.
    ranked = rank_in_cohort(CATALOGUE.loc[[1, 2, 3, 5, 6]], stats)
    assert ranked["er_percentile"].tolist() == [0.0, 0.5, 0.5, 1.0, 0.5]
    assert np.isnan(rank_in_cohort(CATALOGUE.loc[[4]], stats)["er_percentile"].iloc[0])


def test_a_creator_the_cohort_does_not_hold_counts_as_one_more_member():
    stats = cohort_stats(CATALOGUE)
    outsider = _values([(9, "instagram", "micro", 0.03, 1.0), (10, "youtube", "mega", 0.1, 1.0)])
    ranked = rank_in_cohort(outsider, stats)
    # .01 .02 .02 .03 .05: rank 4 of 5; a cohort of none but itself: 0.5.
    assert ranked["er_percentile"].tolist() == [0.75, 0.5]
    assert ranked.loc[9, "er_cohort_median"] == 0.02
    assert np.isnan(ranked.loc[10, "er_cohort_median"])


def test_cohort_stats_hold_sorted_non_null_values_and_their_medians():
    stats = cohort_stats(CATALOGUE)
    micro = stats.loc[("instagram", "micro")]
    assert micro["er_values"].tolist() == [0.01, 0.02, 0.02, 0.05]
    assert micro["lpc_values"].tolist() == [10.0, 20.0, 30.0, 40.0]
    assert micro["er_median"] == 0.02 and micro["lpc_median"] == 25.0
    assert np.isnan(stats.loc[("tiktok", "micro"), "lpc_median"])
    assert sorted_median(np.array([1.0, 2.0, 4.0])) == 2.0
    assert np.isnan(sorted_median(np.empty(0)))


def test_without_takes_out_one_occurrence_of_each_value_present():
    values = np.array([0.1, 0.2, 0.2, 0.2, 0.5])
    assert _without(values, np.array([0.2, 0.2, 0.9, np.nan])).tolist() == [0.1, 0.2, 0.5]
    assert _without(values, np.array([0.5, 0.1])).tolist() == [0.2, 0.2, 0.2]
    assert _without(values, np.empty(0)).tolist() == values.tolist()


@pytest.mark.parametrize(
    "change",
    [
        {3: ("instagram", "micro", 0.04, 31.0)},  # a new rate, same cohort
        {6: ("instagram", "micro", 0.001, 2.0)},  # moved to another tier
        {7: ("tiktok", "micro", np.nan, 3.0)},  # lost its rate
    ],
)
def test_changed_stats_equal_the_stats_taken_again_over_the_changed_catalogue(change):
    ids = list(change)
    added = _values([(i, *row) for i, row in change.items()])
    changed = CATALOGUE.copy()
    changed.loc[ids] = added
    expected = cohort_stats(changed)
    got = cohort_stats_changed(cohort_stats(CATALOGUE), CATALOGUE.loc[ids], added)
    for key, row in got.iterrows():
        if key not in expected.index:  # emptied: no creator left in it
            assert not len(row["er_values"]) and not len(row["lpc_values"])
            assert np.isnan(row["er_median"]) and np.isnan(row["lpc_median"])
            continue
        assert row["er_values"].tolist() == expected.loc[key, "er_values"].tolist()
        assert row["lpc_values"].tolist() == expected.loc[key, "lpc_values"].tolist()
        for median in ("er_median", "lpc_median"):
            assert row[median] == expected.loc[key, median] or (
                np.isnan(row[median]) and np.isnan(expected.loc[key, median])
            )
    touched = {tuple(r[:2]) for r in change.values()} | {
        tuple(CATALOGUE.loc[i, ["platform", "tier"]]) for i in ids
    }
    assert set(got.index) == touched
