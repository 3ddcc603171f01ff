"""Platform x tier cohort statistics, computed once for the whole catalogue so that any subset
of creators can be ranked in it: each cohort's non-null engagement rates and likes per comment,
sorted, and their medians (DESIGN 4.1).

rank_in_cohort() gives exactly what cohort_percentile() and a groupby median give when the
creators ranked are part of the cohort: a creator's average rank among the sorted values is
(values below it) + (values equal to it + 1) / 2.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.metrics.engagement import engagement_rates
from scoring.metrics.tiers import tier_of

VALUE_FIELDS = ["platform", "tier", "er", "lpc"]
STATS_COLUMNS = ["er_values", "lpc_values", "er_median", "lpc_median"]


def cohort_values(creators: pd.DataFrame, posts: pd.DataFrame) -> pd.DataFrame:
    """Each creator's platform, tier, er (er_median) and lpc (likes_per_comment), indexed by id:
    what the cohort statistics are taken over. creators: id, platform, followers, avg_likes,
    avg_comments, reported_engagement_rate (floats; followers NaN = 0); posts: dated()."""
    creators = creators.assign(followers=creators["followers"].fillna(0))
    rates = engagement_rates(creators, posts)
    by_id = creators.set_index("id")
    return pd.DataFrame(
        {
            "platform": by_id["platform"],
            "tier": tier_of(by_id["followers"]),
            "er": rates["er_median"],
            "lpc": rates["likes_per_comment"],
        }
    )


def _sorted(values) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    return np.sort(array[~np.isnan(array)])


def sorted_median(values: np.ndarray) -> float:
    """The median of sorted non-null values (NaN for none), as pandas takes it."""
    n = len(values)
    if n == 0:
        return float("nan")
    return float((values[(n - 1) // 2] + values[n // 2]) / 2)


def cohort_stats(values: pd.DataFrame) -> pd.DataFrame:
    """One row per (platform, tier) of `values` (VALUE_FIELDS, one row per creator): er_values
    and lpc_values (sorted float64 arrays of the non-null values), er_median, lpc_median."""
    rows = []
    for (platform, tier), group in values.groupby(["platform", "tier"], sort=True):
        er, lpc = _sorted(group["er"]), _sorted(group["lpc"])
        rows.append((platform, tier, er, lpc, sorted_median(er), sorted_median(lpc)))
    return pd.DataFrame.from_records(rows, columns=["platform", "tier", *STATS_COLUMNS]).set_index(
        ["platform", "tier"]
    )


def _without(values: np.ndarray, remove: np.ndarray) -> np.ndarray:
    """Sorted `values` less one occurrence of each of `remove` (those present)."""
    remove = _sorted(remove)
    if not len(remove) or not len(values):
        return values
    first = np.searchsorted(values, remove, "left")
    _, starts, counts = np.unique(remove, return_index=True, return_counts=True)
    position = first + np.arange(len(remove)) - np.repeat(starts, counts)
    found = position < len(values)
    found[found] = values[position[found]] == remove[found]
    return np.delete(values, position[found])


def cohort_stats_changed(
    stats: pd.DataFrame, removed: pd.DataFrame, added: pd.DataFrame
) -> pd.DataFrame:
    """The cohorts `removed` or `added` touch (VALUE_FIELDS frames: creators' values as stored,
    and as now recomputed), with those values taken out of and put into `stats`: a partial
    recompute's cohort, the same as taking the statistics again over every creator."""
    touched = sorted(
        set(zip(removed["platform"], removed["tier"], strict=True))
        | set(zip(added["platform"], added["tier"], strict=True))
    )
    rows = []
    for platform, tier in touched:
        gone = removed[(removed["platform"] == platform) & (removed["tier"] == tier)]
        new = added[(added["platform"] == platform) & (added["tier"] == tier)]
        if (platform, tier) in stats.index:
            er, lpc = stats.loc[(platform, tier), ["er_values", "lpc_values"]]
        else:
            er, lpc = np.empty(0), np.empty(0)
        er = np.sort(np.concatenate([_without(er, gone["er"]), _sorted(new["er"])]))
        lpc = np.sort(np.concatenate([_without(lpc, gone["lpc"]), _sorted(new["lpc"])]))
        rows.append((platform, tier, er, lpc, sorted_median(er), sorted_median(lpc)))
    return pd.DataFrame.from_records(rows, columns=["platform", "tier", *STATS_COLUMNS]).set_index(
        ["platform", "tier"]
    )


def _percentile(values: np.ndarray, cohort: np.ndarray) -> np.ndarray:
    """Average-rank percentile (0..1) of each value among the sorted `cohort`; a value the
    cohort does not hold counts as one more member. Missing values stay missing."""
    below = np.searchsorted(cohort, values, "left")
    equal = np.searchsorted(cohort, values, "right") - below
    members = len(cohort) + (equal == 0)
    rank = below + (np.maximum(equal, 1) + 1) / 2
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(members > 1, (rank - 1) / (members - 1), 0.5)
    return np.where(np.isnan(values), np.nan, np.clip(pct, 0, 1))


def rank_in_cohort(fresh: pd.DataFrame, stats: pd.DataFrame) -> pd.DataFrame:
    """For creators (`fresh`: VALUE_FIELDS, indexed by id) ranked in the cohort statistics
    `stats` (cohort_stats()): er_percentile, er_cohort_median and lpc_cohort_median, by id."""
    out = pd.DataFrame(
        np.nan,
        index=fresh.index,
        columns=["er_percentile", "er_cohort_median", "lpc_cohort_median"],
    )
    for (platform, tier), group in fresh.groupby(["platform", "tier"], sort=False):
        if (platform, tier) in stats.index:
            cohort = stats.loc[(platform, tier)]
            er, er_median, lpc_median = (
                cohort["er_values"],
                cohort["er_median"],
                cohort["lpc_median"],
            )
        else:
            er, er_median, lpc_median = np.empty(0), np.nan, np.nan
        values = group["er"].to_numpy(dtype=np.float64)
        out.loc[group.index, "er_percentile"] = _percentile(values, er)
        out.loc[group.index, "er_cohort_median"] = er_median
        out.loc[group.index, "lpc_cohort_median"] = lpc_median
    return out
