"""Golden values of the audience reaction and organic affinity components on hand-made frames
(scoring.metrics.reaction_score), the match total's weight redistribution for an unknown
reaction, and authenticity's pod and generic-comment signals."""

import json
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from scoring.components import COMPONENTS
from scoring.metrics.authenticity import authenticity
from scoring.metrics.match import match_total
from scoring.metrics.reaction_score import (
    REACTION_FIELDS,
    audience_reaction,
    organic_affinity_score,
)
from scoring.weights import DEFAULT_WEIGHTS, effective_weights, row_weight_shares, validate_weights

BASE = {
    "text_comments_n": 50,
    "substantive_share": 0.30,
    "spam_share": 0.05,
    "intent_share": 0.05,
    "sentiment_mean": 0.4,
    "sentiment_n": 20,
    "threads_n": 20,
    "reply_share": 0.25,
    "pod": False,
    "sponsored_share": 0.1,
    "er_sponsored": np.nan,
    "er_organic": np.nan,
}


def _frame(rows: dict[int, dict]) -> pd.DataFrame:
    return pd.DataFrame.from_dict({i: {**BASE, **row} for i, row in rows.items()}, orient="index")[
        REACTION_FIELDS
    ]


def test_quality_sentiment_intent_and_responsiveness_golden():
    out = audience_reaction(_frame({1: {}}))
    row = out.loc[1]
    # quality (0.30 - 2 x 0.05) / 0.5; sentiment (0.4 + 1) / 2; intent 0.05 / 0.10; replies
    # 0.25 / 0.5; mean 0.4 x 0.4 + 0.2 x 0.7 + 0.2 x 0.5 + 0.2 x 0.5.
    assert row["quality"] == pytest.approx(0.4)
    assert row["sentiment"] == pytest.approx(0.7)
    assert row["intent"] == pytest.approx(0.5)
    assert row["responsiveness"] == pytest.approx(0.5)
    assert row["audience_reaction"] == pytest.approx(0.5)
    assert row["ad_fatigue"] == 0 and not row["pod"]


def test_spam_is_penalised_twice_and_quality_is_clipped():
    out = audience_reaction(
        _frame({1: {"spam_share": 0.2}, 2: {"substantive_share": 0.9, "spam_share": 0.0}})
    )
    assert out.loc[1, "quality"] == 0  # 0.30 - 0.40 < 0
    assert out.loc[2, "quality"] == 1  # 0.9 / 0.5 > 1
    assert out.loc[1, "audience_reaction"] < out.loc[2, "audience_reaction"]


def test_a_pod_member_is_halved():
    out = audience_reaction(_frame({1: {}, 2: {"pod": True}}))
    assert out.loc[2, "pod"]
    assert out.loc[2, "audience_reaction"] == pytest.approx(0.25)
    assert out.loc[2, "audience_reaction"] == pytest.approx(out.loc[1, "audience_reaction"] / 2)


def test_ad_fatigue_takes_up_to_44_percent_off():
    out = audience_reaction(
        _frame(
            {
                # 60% sponsored at a quarter of the organic ER: the full 44% off.
                1: {"sponsored_share": 0.6, "er_sponsored": 0.01, "er_organic": 0.04},
                # Half-way on both ramps (share 0.4, ER 40% below): 0.44 x 0.5 x 0.5.
                2: {"sponsored_share": 0.4, "er_sponsored": 0.024, "er_organic": 0.04},
                # Mostly sponsored but engaging as well as organic posts: no fatigue.
                3: {"sponsored_share": 0.9, "er_sponsored": 0.04, "er_organic": 0.04},
                # ERs unknown: no fatigue claimed.
                4: {"sponsored_share": 0.9},
            }
        )
    )
    assert out["ad_fatigue"].tolist() == pytest.approx([0.44, 0.11, 0.0, 0.0])
    assert out.loc[1, "audience_reaction"] == pytest.approx(0.5 * 0.56)
    assert out.loc[2, "audience_reaction"] == pytest.approx(0.5 * 0.89)
    assert out.loc[3, "audience_reaction"] == pytest.approx(0.5)


def test_unknown_below_ten_text_comments_and_without_a_reaction_row():
    frame = _frame({1: {"text_comments_n": 9}, 2: {"text_comments_n": 10}})
    frame.loc[3] = np.nan  # no CreatorReaction at all
    out = audience_reaction(frame)
    assert math.isnan(out.loc[1, "audience_reaction"])
    assert out.loc[2, "audience_reaction"] == pytest.approx(0.5)
    assert math.isnan(out.loc[3, "audience_reaction"])
    assert out.loc[3, "text_comments_n"] == 0 and not out.loc[3, "pod"]
    # Unknown parts are NaN too, never a neutral number.
    assert out.loc[1, ["quality", "sentiment", "intent", "responsiveness"]].isna().all()


def test_unmeasured_parts_are_left_out_of_the_mean():
    out = audience_reaction(_frame({1: {"sentiment_n": 0, "threads_n": 0, "reply_share": np.nan}}))
    row = out.loc[1]
    assert math.isnan(row["sentiment"]) and math.isnan(row["responsiveness"])
    # (0.4 x 0.4 + 0.2 x 0.5) / (0.4 + 0.2)
    assert row["audience_reaction"] == pytest.approx(0.26 / 0.6)


def _components(reaction: float, others: float = 0.8, affinity: float = 0.0) -> dict:
    row = dict.fromkeys(COMPONENTS, others)
    row["audience_reaction"] = reaction
    row["organic_affinity"] = affinity
    return row


def test_an_unknown_reaction_shares_its_weight_over_the_measured_components():
    weights = DEFAULT_WEIGHTS["awareness"]
    frame = pd.DataFrame([_components(np.nan), _components(0.5), _components(0.0)], index=[1, 2, 3])
    frame["organic_affinity"] = 0.8
    out = match_total(frame, weights)
    # Unknown: the weighted mean of the others (0.8), neither 0.5 nor 0 in disguise.
    assert out.loc[1, "total"] == pytest.approx(0.8)
    assert out.loc[1, "audience_reaction_share"] == 0
    assert out.loc[1, "audience_reaction_contribution"] == 0
    share = weights["audience_fit"] / (1 - weights["audience_reaction"])
    assert out.loc[1, "audience_fit_share"] == pytest.approx(share)
    # Measured 0.5 and 0: 0.95 x 0.8 + 0.05 x 0.5, and 0.95 x 0.8.
    assert out.loc[2, "total"] == pytest.approx(0.785)
    assert out.loc[3, "total"] == pytest.approx(0.76)
    shares = out[[f"{n}_share" for n in COMPONENTS]].sum(axis=1)
    assert shares.tolist() == pytest.approx([1.0, 1.0, 1.0])
    contributions = out[[f"{n}_contribution" for n in COMPONENTS]].sum(axis=1)
    assert (contributions - out["weighted_mean"]).abs().max() < 1e-12
    # A stored row's breakdown shares them out the same way.
    stored = row_weight_shares(weights, {"audience_reaction": None})
    for name in COMPONENTS:
        assert stored[name] == pytest.approx(out.loc[1, f"{name}_share"], abs=1e-12)
    assert row_weight_shares(weights, {"audience_reaction": 0.5}) == weights


def _affinity(**kinds) -> pd.DataFrame:
    row = {}
    for kind in ("brand", "competitor", "niche"):
        when = kinds.get(kind)
        row[f"{kind}_n"] = 0 if when is None else 2
        row[f"last_{kind}"] = pd.NaT if when is None else pd.Timestamp(when, tz="UTC")
    return pd.DataFrame([row], index=[7])


AS_OF = pd.Timestamp("2026-12-01", tz="UTC")


@pytest.mark.parametrize(
    "kinds, expected",
    [
        ({}, 0.0),
        ({"brand": "2026-12-01"}, 1.0),
        ({"brand": "2025-12-01"}, 0.5),  # a year (365 of 365.25 days) ago: about half
        ({"competitor": "2026-12-01"}, 0.5),
        ({"niche": "2026-12-01"}, 0.25),
        ({"niche": "2024-12-01"}, 0.0625),
        # The largest kind wins: a brand mention 2 years ago (0.25) < a competitor today.
        ({"brand": "2024-12-01", "competitor": "2026-12-01"}, 0.5),
        # A mention dated after as_of counts as today's, never above 1.
        ({"brand": "2027-01-01"}, 1.0),
    ],
)
def test_organic_affinity_halves_per_year(kinds, expected):
    value = organic_affinity_score(_affinity(**kinds), AS_OF).loc[7]
    assert value == pytest.approx(expected, abs=2e-3)


def test_affinity_bonus_keeps_the_total_at_most_one():
    weights = DEFAULT_WEIGHTS["conversions"]
    frame = pd.DataFrame([_components(1.0, 1.0, 1.0), _components(1.0, 1.0, 0.0)], index=[1, 2])
    out = match_total(frame, weights)
    assert out.loc[1, "total"] == pytest.approx(1.0) and out.loc[1, "total"] <= 1.0
    # Without mentions the bonus is what is missing: its weight (0.10 for conversions).
    assert out.loc[1, "total"] - out.loc[2, "total"] == pytest.approx(0.10)
    assert DEFAULT_WEIGHTS["awareness"]["organic_affinity"] == 0.05
    assert DEFAULT_WEIGHTS["engagement"]["organic_affinity"] == 0.05


def test_default_weights_cover_every_component_and_sum_to_one():
    for objective, weights in DEFAULT_WEIGHTS.items():
        assert list(weights) == list(COMPONENTS), objective
        assert sum(weights.values()) == pytest.approx(1.0), objective
        assert weights["audience_reaction"] > 0, objective


def test_custom_weights_saved_before_the_new_components_give_them_zero():
    old = {
        "audience_fit": 1,
        "niche_fit": 1,
        "engagement": 3,
        "authenticity": 1,
        "cost_efficiency": 1,
        "track_record": 1,
    }
    clean = validate_weights(old)
    assert clean["audience_reaction"] == 0 and clean["organic_affinity"] == 0
    campaign = SimpleNamespace(weights=old, objective="engagement")
    assert effective_weights(campaign) == clean
    with pytest.raises(ValueError, match="Unknown weight"):
        validate_weights({"audience_reaktion": 1})
    # An unknown reaction then has no weight to share: the other shares stay as they were.
    assert row_weight_shares({"engagement": 0.5, "audience_reaction": 0.0}, {}) == {
        "engagement": 0.5,
        "audience_reaction": 0.0,
    }


def _signals(**extra) -> pd.DataFrame:
    row = {
        "id": 1,
        "followers": 20_000,
        "following": 300,
        "er_median": 0.04,
        "er_cohort_median": 0.04,
        "likes_per_comment": 30,
        "lpc_cohort_median": 30,
        "sample_n": np.nan,
        "fake_like_share": np.nan,
        **extra,
    }
    return pd.DataFrame([row])


def test_authenticity_takes_15_off_a_pod_member_with_its_evidence():
    out = authenticity(
        _signals(pod=True, pod_commenters_n=6, pod_posts_n=5, pod_creators_n=4, text_comments_n=12)
    ).loc[1]
    assert out["authenticity_score"] == 85
    reasons = json.loads(out["authenticity_reasons"])
    assert [r["signal"] for r in reasons] == ["engagement_pod"]
    assert reasons[0]["contribution"] == 15
    assert reasons[0]["sentence"] == (
        "Likely in an engagement pod: 6 accounts comment within 30 minutes on 5 of its posts"
        " and on those of 4 creators."
    )


def test_authenticity_takes_10_off_a_generic_comment_section_on_enough_comments():
    out = authenticity(
        pd.concat(
            [
                _signals(id=1, text_comments_n=40, generic_share=0.7, spam_share=0.15),
                _signals(id=2, text_comments_n=29, generic_share=0.9, spam_share=0.05),
                _signals(id=3, text_comments_n=40, generic_share=0.6, spam_share=0.1),
            ]
        )
    )
    assert out["authenticity_score"].tolist() == [90, 100, 100]
    reasons = json.loads(out.loc[1, "authenticity_reasons"])
    assert reasons == [
        {
            "signal": "generic_comments",
            "sentence": "85% of 40 comments are generic praise, emoji or spam.",
            "contribution": 10.0,
        }
    ]


def test_comment_evidence_counts_towards_confidence_and_missing_comments_change_nothing():
    bare = {
        "following": np.nan,
        "er_median": np.nan,
        "likes_per_comment": np.nan,
    }
    without = authenticity(_signals(**bare)).loc[1]
    assert math.isnan(without["authenticity_score"]) and without["authenticity_confidence"] == 0
    # 40 text comments checked (none generic): one unit of evidence, still under the minimum.
    checked = authenticity(_signals(**bare, text_comments_n=40, generic_share=0.1)).loc[1]
    assert checked["authenticity_confidence"] == pytest.approx(1 / 6)
    assert math.isnan(checked["authenticity_score"])
    # Plus the following count: two units, known.
    known = authenticity(
        _signals(**{**bare, "following": 300}, text_comments_n=40, generic_share=0.1)
    ).loc[1]
    assert known["authenticity_score"] == 100
    # Without reaction columns at all, the score is what it was before they existed.
    assert authenticity(_signals()).loc[1, "authenticity_score"] == 100
