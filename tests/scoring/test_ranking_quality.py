"""scoring.ranking_quality's counting, on hand-made frames."""

import pandas as pd

from scoring.ranking_quality import RankingQuality, top_relevance


def test_top_relevance_counts_the_head_and_the_whole():
    ranked = pd.DataFrame(
        {"creator_id": [5, 3, 9, 1, 7], "audience_fit": [0.2, 0.0, 0.1, 0.05, 0.0]}
    )
    counts = top_relevance(ranked, audience_ids={5, 9, 1}, niche_ids={5, 3, 1, 7}, top=3)
    assert counts == {
        "candidates": 5,
        "with_audience": 3,
        "with_niche": 4,
        "relevant": 2,
        "fitting": 3,
        "top": 3,
        "top_audience": 2,
        "top_niche": 2,
        "top_relevant": 1,
        "top_zero_fit": 1,
    }
    quality = RankingQuality(campaign_id=1, campaign="C", **counts)
    # Creator 1 (relevant, fit 0.05) waits behind 3 (fit 0): below target.
    assert not quality.meets_target
    assert quality.line().endswith("BELOW TARGET")


def test_fewer_relevant_than_the_top_means_all_of_them_in_it():
    ranked = pd.DataFrame({"creator_id": [1, 2, 3, 4], "audience_fit": [0.3, 0.2, 0.1, 0.0]})
    counts = top_relevance(ranked, audience_ids={1, 2, 3}, niche_ids={1, 3}, top=3)
    quality = RankingQuality(campaign_id=1, campaign="C", **counts)
    assert quality.top_relevant == quality.relevant == 2
    assert quality.meets_target and "BELOW" not in quality.line()
