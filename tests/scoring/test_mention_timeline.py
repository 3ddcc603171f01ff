"""scoring.metrics.mention_timeline on tiny frames: a creator's frequent terms on unpaid posts
and mentions counted per month."""

import pandas as pd

from scoring.metrics.affinity import organic_mentions
from scoring.metrics.mention_timeline import TIMELINE_COLUMNS, frequent_terms, monthly_mentions


def _posts():
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4],
            "creator_id": [7, 7, 7, 7],
            "posted_at": pd.to_datetime(
                ["2026-01-05", "2026-01-20", "2026-02-03", "2026-02-10"], utc=True
            ),
            "is_sponsored": [False, False, False, True],
            "caption": ["", "", "", ""],
            "hashtags": [["#Vegan", "vegan"], ["vegan", "yoga"], '["Yoga", "zen"]', ["ad"]],
            "sponsor_handles": [[], ["@oatly"], [], ["@paid"]],
        }
    )


def test_frequent_terms_count_each_post_once_and_skip_paid_posts():
    assert frequent_terms(_posts(), top=3) == ["#vegan", "#yoga", "#zen"]
    assert frequent_terms(_posts(), top=10) == ["#vegan", "#yoga", "#zen", "@oatly"]


def test_monthly_mentions():
    mentions = organic_mentions(_posts(), "Oatly", [], ["yoga"])
    out = monthly_mentions(mentions)
    assert list(out.columns) == TIMELINE_COLUMNS
    assert out.values.tolist() == [
        ["2026-01", "brand", "Oatly", 1],
        ["2026-01", "niche", "yoga", 1],
        ["2026-02", "niche", "yoga", 1],
    ]
    assert monthly_mentions(mentions.iloc[0:0]).empty
