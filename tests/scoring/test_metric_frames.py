"""The pure recompute maths (scoring.metrics.creator_metrics, campaign_matches) on tiny
hand-made frames: what the services' stored rows are made of, without a database."""

import json

import numpy as np
import pandas as pd
import pytest

from scoring.components import COMPONENTS
from scoring.metrics.campaign_matches import campaign_matches
from scoring.metrics.creator_metrics import (
    cohort_with_stored,
    creator_metrics,
    dated,
)

T0 = pd.Timestamp("2026-06-01", tz="UTC")


def _profiles(rows):
    """rows: (id, followers, quoted_price); numbers as floats, as the service hands them over."""
    return pd.DataFrame(
        {
            "id": [r[0] for r in rows],
            "platform": "instagram",
            "followers": [float(r[1]) if r[1] is not None else np.nan for r in rows],
            "following": 100.0,
            "avg_likes": np.nan,
            "avg_comments": np.nan,
            "reported_engagement_rate": np.nan,
            "quoted_price": [r[2] for r in rows],
        }
    )


def _posts(per_creator: dict[int, int], n: int = 4):
    """n posts per creator, each with the given likes and no comments."""
    rows = [
        (cid, T0 - pd.Timedelta(days=i), likes, 0, np.nan)
        for cid, likes in per_creator.items()
        for i in range(n)
    ]
    return pd.DataFrame(rows, columns=["creator_id", "posted_at", "likes", "comments", "views"])


NO_SNAPSHOTS = pd.DataFrame(
    {
        "creator_id": pd.Series(dtype=int),
        "date": pd.Series(dtype="datetime64[ns]"),
        "followers": pd.Series(dtype=float),
    }
)
NO_STATS = pd.DataFrame(
    {
        "creator_id": pd.Series(dtype=int),
        "sample_n": pd.Series(dtype=float),
        "fake_like_share": pd.Series(dtype=float),
    }
)


def test_creator_metrics_ranks_the_cohort_and_assembles_the_row():
    profiles = _profiles([(1, 20_000, 150.0), (2, 20_000, None), (3, None, None)])
    out = creator_metrics(profiles, _posts({1: 200, 2: 400, 3: 50}), NO_SNAPSHOTS, NO_STATS)
    row = out.set_index("creator_id")
    assert list(out["creator_id"]) == [1, 2, 3]
    assert list(row["tier"]) == ["micro", "micro", "nano"]  # no followers: 0, the lowest tier
    assert row.loc[1, "er_median"] == pytest.approx(0.01)
    assert row.loc[2, "er_median"] == pytest.approx(0.02)
    assert np.isnan(row.loc[3, "er_median"])  # undefined for zero followers
    # instagram x micro holds creators 1 and 2: ranks 1 and 2 of 2.
    assert row.loc[1, "er_percentile"] == 0.0 and row.loc[2, "er_percentile"] == 1.0
    assert list(row["er_posts_used"]) == [4, 4, 4]
    assert not row.loc[1, "price_is_estimate"]
    assert row.loc[1, "estimated_price"] == 150.0
    assert row.loc[2, "price_is_estimate"]
    expected = row["er_percentile"] * row["authenticity_score"] / 100.0
    assert row["catalogue_score"].equals(expected)
    assert json.loads(row.loc[1, "inputs"]) == {"posts_used": 4, "from_profile": False}
    assert json.loads(row.loc[1, "growth_spikes"]) == []


def test_a_partial_recompute_ranks_against_the_stored_cohort():
    stored = pd.DataFrame(
        {
            "platform": ["instagram", "instagram", "tiktok"],
            "tier": ["micro", "micro", "micro"],
            "er_median": [0.01, 0.02, 0.5],
            "likes_per_comment": [np.nan, np.nan, np.nan],
        }
    )
    out = creator_metrics(
        _profiles([(7, 20_000, None)]), _posts({7: 300}), NO_SNAPSHOTS, NO_STATS, stored
    )
    # .01 .015 .02 in instagram x micro (tiktok is another cohort): rank 2 of 3.
    assert out["er_percentile"].tolist() == [0.5]
    assert out["creator_id"].tolist() == [7]  # the stored creators are not rows of the result


def test_cohort_with_stored_keeps_fresh_ids_apart_from_stored_rows():
    fresh = pd.DataFrame(
        {"platform": ["x"], "tier": ["nano"], "er": [0.1], "lpc": [np.nan]},
        index=pd.Index([0], name="id"),
    )
    stored = pd.DataFrame(
        {"platform": ["x"], "tier": ["nano"], "er_median": [0.2], "likes_per_comment": [3.0]}
    )
    both, is_fresh = cohort_with_stored(fresh, stored)
    assert both.index.tolist() == [0, -1] and is_fresh.tolist() == [True, False]
    alone, mask = cohort_with_stored(fresh, None)
    assert alone is fresh and mask.tolist() == [True]


def test_dated_sets_rows_outside_the_window_apart():
    frame = pd.DataFrame(
        {"creator_id": [1, 2], "posted_at": ["2026-05-01T10:00:00+00:00", "9999-12-31"]}
    )
    good, bad = dated(frame, "posted_at")
    assert good["creator_id"].tolist() == [1] and bad["creator_id"].tolist() == [2]
    assert good["posted_at"].iloc[0] == pd.Timestamp("2026-05-01T10:00:00", tz="UTC")


def _match_inputs(**over):
    ids = pd.Index([10, 11, 12], name="id")
    inputs = {
        "campaign_id": 5,
        "candidates": pd.DataFrame(
            {
                "followers": [1000, 2000, 3000],
                "bio": ["vegan food", "casino nights", None],
                "quoted_price": [None, None, None],
            },
            index=ids,
        ),
        "metrics": pd.DataFrame(
            {
                "tier": ["nano", "nano", np.nan],
                "er_median": [0.05, 0.02, np.nan],
                "er_percentile": [0.8, 0.2, np.nan],
                "authenticity_score": [90.0, 60.0, np.nan],
                "estimated_price": [100.0, 50.0, np.nan],
                "price_is_estimate": [False, True, np.nan],
            },
            index=ids,
        ),
        "hashtags": pd.Series([np.nan, np.nan, np.nan], index=ids),
        "categories": pd.DataFrame({"creator_id": [], "category_id": []}),
        "audience_sums": pd.DataFrame(columns=["creator_id", "dimension", "total", "inside"]),
        "targets": {"country": [], "age": [], "gender": [], "language": [], "interest": []},
        "history": pd.DataFrame(columns=["creator_id", "brand_id", "predicted", "actual"]),
        "brand_id": 1,
        "niche_ids": [],
        "keywords": [],
        "excluded_keywords": ["casino"],
        "weights": {"engagement": 3.0, "authenticity": 1.0},
    }
    return inputs | over


def test_campaign_matches_weighs_ranks_and_marks_estimates():
    out = campaign_matches(**_match_inputs()).set_index("creator_id")
    assert out["campaign_id"].unique().tolist() == [5]
    # Without metrics, engagement and authenticity are neutral (0.5) and marked estimated.
    assert out["engagement"].tolist() == [0.8, 0.2, 0.5]
    assert out["authenticity"].tolist() == pytest.approx([0.9, 0.6, 0.5])
    # total = .75 engagement + .25 authenticity
    assert out["total"].tolist() == pytest.approx([0.825, 0.3, 0.5])
    assert out["rank"].tolist() == [1, 3, 2]
    assert out["excluded"].tolist() == [False, True, False]
    assert out["engagement_estimated"].tolist() == [False, False, True]
    assert out["price_estimated"].tolist() == [False, True, True]
    assert out["past_deliverables"].tolist() == [0, 0, 0]
    assert out["track_record"].tolist() == [0.5, 0.5, 0.5]  # no history: the prior
    # Nothing targeted: the whole audience fits, the reach is every follower.
    assert out["target_reach"].tolist() == [1000.0, 2000.0, 3000.0]
    assert out["estimated_dims_mask"].tolist() == [0, 0, 0]
    assert out.attrs["dims"] == []
    share = out.attrs["weight_share"]
    assert list(share) == list(COMPONENTS)
    assert share["engagement"] == 0.75 and share["authenticity"] == 0.25
    assert share["niche_fit"] == 0.0


def test_campaign_matches_marks_targeted_dimensions_without_data_as_estimated():
    targets = {"country": ["DE"], "age": [], "gender": [], "language": [], "interest": []}
    sums = pd.DataFrame(
        {"creator_id": [10], "dimension": ["country"], "total": [1.0], "inside": [0.4]}
    )
    out = campaign_matches(**_match_inputs(targets=targets, audience_sums=sums))
    assert out.attrs["dims"] == ["country"]
    assert out["estimated_dims_mask"].tolist() == [0, 1, 1]  # 11 and 12 have no shares
    assert out["audience_fit"].iloc[0] == pytest.approx(0.4)
    assert out["target_reach"].iloc[0] == pytest.approx(400.0)
