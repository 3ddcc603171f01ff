"""Golden values of the pure scoring metrics on tiny hand-computed frames, properties of the
match total, and the follower heuristic against the hand-labelled accounts."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.metrics.audience import audience_fit
from scoring.metrics.authenticity import (
    authenticity,
    follower_looks_fake,
    growth_spikes,
    spikes_json,
)
from scoring.metrics.cost import cost_efficiency, estimated_price
from scoring.metrics.engagement import engagement_rates
from scoring.metrics.match import match_total
from scoring.metrics.niche import niche_fit
from scoring.metrics.tiers import cohort_percentile, tier_of
from scoring.metrics.track_record import track_record
from scoring.models import COMPONENTS
from scoring.weights import DEFAULT_WEIGHTS, validate_weights

DATA = Path(__file__).resolve().parent.parent / "data"
T0 = pd.Timestamp("2026-06-01", tz="UTC")


def _creators(**over):
    base = {
        "id": [1],
        "followers": [1000],
        "avg_likes": [None],
        "avg_comments": [None],
        "reported_engagement_rate": [None],
    }
    base.update(over)
    return pd.DataFrame(base)


def _posts(rows):
    return pd.DataFrame(rows, columns=["creator_id", "posted_at", "likes", "comments", "views"])


def test_engagement_median_mean_views_over_recent_window():
    posts = _posts(
        [
            (1, T0, 90, 10, 1000),  # er .1, per view .1
            (1, T0 - pd.Timedelta(days=1), 40, 10, None),  # er .05, no views
            (1, T0 - pd.Timedelta(days=2), 190, 10, 400),  # er .2, per view .5
            (1, T0 - pd.Timedelta(days=200), 9000, 0, None),  # outside the 180-day window
        ]
    )
    r = engagement_rates(_creators(), posts).loc[1]
    assert r.er_posts_used == 3 and not r.er_from_profile
    assert r.er_median == pytest.approx(0.1)
    assert r.er_mean == pytest.approx((0.1 + 0.05 + 0.2) / 3)
    assert r.er_views == pytest.approx(0.3)  # median of .1 and .5
    assert r.likes_per_comment == pytest.approx(320 / 30)


def test_engagement_keeps_only_last_twelve_posts():
    rows = [(1, T0 - pd.Timedelta(days=i), 100 if i < 12 else 900, 0, None) for i in range(20)]
    r = engagement_rates(_creators(), _posts(rows)).loc[1]
    assert r.er_posts_used == 12 and r.er_median == pytest.approx(0.1)


def test_engagement_falls_back_to_profile_with_one_post_and_zero_followers_is_none():
    c = _creators(
        id=[1, 2],
        followers=[1000, 0],
        avg_likes=[45, 10],
        avg_comments=[5, 1],
        reported_engagement_rate=[None, None],
    )
    r = engagement_rates(c, _posts([(1, T0, 500, 0, None)]))
    assert r.loc[1, "er_from_profile"] and r.loc[1, "er_median"] == pytest.approx(0.05)
    assert r.loc[2, "er_posts_used"] == 0 and pd.isna(r.loc[2, "er_median"])


def test_engagement_no_posts_uses_reported_rate():
    c = _creators(reported_engagement_rate=[0.031])
    r = engagement_rates(c, _posts([])).loc[1]
    assert r.er_from_profile and r.er_median == pytest.approx(0.031)


@pytest.mark.filterwarnings("error::FutureWarning")
def test_engagement_without_posts_takes_likes_per_comment_from_profile_without_warnings():
    # No posts at all (object-dtype empty columns) and None averages once raised pandas'
    # "downcasting on fillna" FutureWarning; the result must be plain float.
    c = _creators(
        id=[1, 2],
        followers=[1000, 1000],
        avg_likes=[40, None],
        avg_comments=[8, None],
        reported_engagement_rate=[None, None],
    )
    r = engagement_rates(c, _posts([]))
    assert r["likes_per_comment"].dtype == float
    assert r.loc[1, "likes_per_comment"] == pytest.approx(5.0)
    assert pd.isna(r.loc[2, "likes_per_comment"]) and pd.isna(r.loc[2, "er_median"])
    r = engagement_rates(c, _posts([(1, T0, None, None, None)]))
    assert r.loc[1, "likes_per_comment"] == pytest.approx(5.0)


def test_tiers_and_cohort_percentile():
    f = pd.Series([0, 9_999, 10_000, 99_999, 100_000, 600_000, 2_000_000])
    assert tier_of(f).tolist() == ["nano", "nano", "micro", "micro", "mid", "macro", "mega"]
    v = pd.Series([0.01, 0.02, 0.03, 0.05, None])
    p = cohort_percentile(
        v, pd.Series(["ig"] * 4 + ["ig"]), pd.Series(["micro"] * 3 + ["mid", "micro"])
    )
    assert p.tolist()[:4] == [0.0, 0.5, 1.0, 0.5] and pd.isna(p.iloc[4])


def test_audience_fit_product_and_estimated_dimensions():
    shares = pd.DataFrame(
        [
            (1, "country", "DE", 0.6),
            (1, "country", "AT", 0.2),
            (1, "country", "US", 0.2),
            (1, "age", "18-24", 0.5),
            (1, "age", "25-34", 0.5),
            (2, "country", "DE", 0.2),
            (2, "country", "FR", 0.8),
            (3, "country", "DE", 0.0),  # all-zero audience: treated as no data
        ],
        columns=["creator_id", "dimension", "bucket", "share"],
    )
    r = audience_fit(pd.Index([1, 2, 3]), shares, {"country": ["DE", "AT"], "age": ["18-24"]})
    assert r.loc[1, "audience_fit"] == pytest.approx(0.8 * 0.5)
    # Creator 2 has no age data: the catalogue average (0.5, creator 1's) is used and marked.
    assert r.loc[2, "audience_fit"] == pytest.approx(0.2 * 0.5) and r.loc[2, "estimated_dims"] == [
        "age"
    ]
    assert r.loc[3, "estimated_dims"] == ["country", "age"]
    assert r.loc[3, "s_country"] == pytest.approx(0.5)  # mean of .8 and .2


def test_niche_category_keywords_and_exclusions():
    c = pd.DataFrame(
        {
            "id": [1, 2],
            "category_ids": [[7, 8], []],
            "text": ["Vegan #recipes daily", "Casino nights and recipes"],
        }
    )
    r = niche_fit(c, niche_ids=[7], keywords=["vegan", "recipes"], excluded=["casino"])
    assert r.loc[1, "niche_fit"] == pytest.approx(0.6 * 1 + 0.4 * 1)
    assert r.loc[2, "niche_fit"] == pytest.approx(0.4 * 0.5) and r.loc[2, "excluded"]
    assert not r.loc[1, "excluded"]


def test_niche_terms_match_whole_words_only():
    c = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "category_ids": [[], [], []],
            "text": ["Veganism and casinos", "pre-vegan, travel.", None],
        }
    )
    r = niche_fit(c, niche_ids=[], keywords=["vegan", "travel"], excluded=["casino"])
    # "veganism" and "casinos" are other words; "pre-vegan" and "travel." hold both terms.
    assert r["keyword_share"].tolist() == pytest.approx([0.0, 1.0, 0.0])
    assert r["excluded"].tolist() == [False, False, False]


def test_cost_estimate_and_efficiency():
    p = estimated_price(
        pd.Series(["micro", "nano"]), pd.Series([None, 50]), followers=pd.Series([50_000, 5_000])
    )
    # Issue 17: the rate card's fee at 50k followers (Instagram), not one figure per tier.
    assert p["price"].tolist() == [500.0, 50.0] and p["price_is_estimate"].tolist() == [True, False]
    eff = cost_efficiency(
        pd.Series([20_000, 1_000, 0]), pd.Series([0.025, None, 0.1]), pd.Series([500.0, 50.0, 10.0])
    )
    assert eff.tolist() == [pytest.approx(500 / 500 / 2), 0.0, 0.0]


def test_track_record_shrinks_and_brand_bonus():
    hist = pd.DataFrame(
        {
            "creator_id": [1, 1, 1],
            "brand_id": [9, 9, 9],
            "predicted": [100.0, 100.0, 100.0],
            "actual": [300.0, 300.0, 300.0],
        }
    )
    r = track_record(pd.Index([1, 2]), hist, brand_id=9)
    assert r.loc[2, "track_record"] == pytest.approx(0.5) and r.loc[2, "n"] == 0
    assert r.loc[1, "track_record"] == pytest.approx((3 * 0.75 + 1.5) / 6 + 0.1)


def test_authenticity_reasons_and_explained_spike():
    snaps = pd.DataFrame(
        {
            "creator_id": [1, 1, 2, 2],
            "date": ["2026-05-01", "2026-05-02"] * 2,
            "followers": [1000, 1500, 1000, 1500],
        }
    )
    posts = pd.DataFrame(
        {
            "creator_id": [1, 1, 1],
            "likes": [10, 10, 500],
            "comments": [0, 0, 0],
            "posted_at": pd.to_datetime(["2026-04-01", "2026-04-02", "2026-05-01"], utc=True),
        }
    )
    spikes = growth_spikes(snaps, posts)
    assert spikes["creator_id"].tolist() == [1, 2] and spikes["date"].tolist() == ["2026-05-02"] * 2
    assert spikes["growth"].tolist() == [pytest.approx(0.5)] * 2
    assert spikes["explained"].tolist() == [True, False]
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "followers": [1000, 1000],
            "following": [100, 5000],
            "er_median": [0.05, 0.005],
            "er_cohort_median": [0.05, 0.05],
            "likes_per_comment": [20, 20],
            "lpc_cohort_median": [20, 20],
            "sample_n": [None, 500],
            "fake_like_share": [None, 0.3],
        }
    )
    a = authenticity(frame, spikes)
    assert (
        a.loc[1, "authenticity_score"] == 100 and json.loads(a.loc[1, "authenticity_reasons"]) == []
    )
    reasons = json.loads(a.loc[2, "authenticity_reasons"])
    signals = [x["signal"] for x in reasons]
    assert signals == ["mass_following", "low_engagement", "growth_spike", "follower_sample"]
    assert [x["contribution"] for x in reasons] == [15, 20, 15, pytest.approx(30)]
    assert reasons[0]["sentence"] == "Follows 5,000 accounts, more than follow back (1,000)."
    assert reasons[1]["sentence"] == (
        "Engagement rate 0.50% is under a third of similar accounts (5.00%)."
    )
    assert reasons[2]["sentence"] == (
        "Followers jumped 50% around 2026-05-02 with no post to explain it."
    )
    assert reasons[3]["sentence"] == "30% of 500 sampled followers look like fake accounts."
    assert a.loc[2, "authenticity_score"] == pytest.approx(100 - 15 - 20 - 15 - 30)
    # Every signal known for creator 2 (following, ER, likes/comment, spikes, sample x2).
    assert a.loc[2, "authenticity_confidence"] == pytest.approx(1.0)
    assert a.loc[1, "authenticity_confidence"] == pytest.approx(4 / 6)
    assert json.loads(spikes_json(spikes, pd.Index([1, 2, 3])).loc[1]) == [
        {"date": "2026-05-02", "growth": 0.5, "explained": True}
    ]
    assert spikes_json(spikes, pd.Index([3])).loc[3] == "[]"


def test_follower_heuristic_beats_trivial_baselines_on_labelled_accounts():
    d = pd.read_csv(DATA / "labelled_follower_accounts.csv")
    truth = d["is_fake"].astype(str).str.lower().eq("true").to_numpy()
    pred = follower_looks_fake(d)
    tp = int((pred & truth).sum())
    precision, recall = tp / pred.sum(), tp / truth.sum()
    f1 = 2 * precision * recall / (precision + recall)
    base_precision = truth.mean()  # "everyone is fake": recall 1, precision = base rate
    base_f1 = 2 * base_precision / (base_precision + 1)
    assert precision > 3 * base_precision and recall >= 0.6
    assert f1 > base_f1 + 0.25


def test_weights_validation():
    with pytest.raises(ValueError, match="engagement"):
        validate_weights({"engagement": -1})
    with pytest.raises(ValueError, match="above zero"):
        validate_weights({})
    with pytest.raises(ValueError, match="Unknown"):
        validate_weights({"vibes": 1})
    for w in DEFAULT_WEIGHTS.values():
        assert sum(validate_weights(w).values()) == pytest.approx(1)


unit = st.floats(0, 1, allow_nan=False)
weights_st = st.fixed_dictionaries(
    {n: st.floats(0, 10, allow_nan=False) for n in COMPONENTS}
).filter(lambda w: sum(w.values()) > 0.01)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.tuples(*[unit] * len(COMPONENTS)), min_size=1, max_size=15),
    weights=weights_st,
    seed=st.integers(0, 1000),
)
def test_match_total_bounds_sum_and_order_invariance(rows, weights, seed):
    frame = pd.DataFrame(rows, columns=list(COMPONENTS), index=pd.RangeIndex(1, len(rows) + 1))
    out = match_total(frame, weights)
    assert ((out["total"] >= 0) & (out["total"] <= 1 + 1e-12)).all()
    contrib = out[[f"{n}_contribution" for n in COMPONENTS]].sum(axis=1)
    assert np.allclose(out["total"], contrib)
    shuffled = match_total(frame.sample(frac=1, random_state=seed), weights)
    assert shuffled["rank"].sort_index().tolist() == out["rank"].sort_index().tolist()
    assert sorted(out["rank"]) == list(range(1, len(rows) + 1))


def test_authenticity_without_evidence_is_unknown_not_perfect():
    """Issue 17 item 6: imported creators with no posts and no follower data showed 100."""
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "followers": [20_000, 20_000, 20_000, 20_000],
            "following": [None, 300, 300, 25_000],
            "er_median": [None, None, 0.03, None],
            "er_cohort_median": [0.03, 0.03, 0.03, 0.03],
            "likes_per_comment": [None, None, None, None],
            "lpc_cohort_median": [20, 20, 20, 20],
            "sample_n": [None, None, None, None],
            "fake_like_share": [None, None, None, None],
        }
    )
    a = authenticity(frame)
    # Nothing known / only the following count: unknown, with the confidence it had.
    assert np.isnan(a.loc[1, "authenticity_score"]) and a.loc[1, "authenticity_confidence"] == 0
    assert np.isnan(a.loc[2, "authenticity_score"])
    assert a.loc[2, "authenticity_confidence"] == pytest.approx(1 / 6)
    # Following and engagement known, nothing wrong: a score.
    assert a.loc[3, "authenticity_score"] == 100
    # One signal known but it takes points off: the evidence is against the creator.
    assert a.loc[4, "authenticity_score"] == 85
