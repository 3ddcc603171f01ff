"""Organic affinity (scoring.metrics.affinity) on hand-made posts: unpaid mentions of the brand,
its competitors and the niche, matched on word boundaries without case or accents."""

import json

import pandas as pd
import pytest

from scoring.metrics.affinity import normalised, organic_affinity, organic_mentions

T0 = pd.Timestamp("2026-06-01", tz="UTC")
D = pd.Timedelta(days=1)


def _posts(rows):
    """rows: (id, creator_id, posted_at, is_sponsored, caption, hashtags, sponsor_handles)."""
    return pd.DataFrame(
        rows,
        columns=[
            "id",
            "creator_id",
            "posted_at",
            "is_sponsored",
            "caption",
            "hashtags",
            "sponsor_handles",
        ],
    )


BRAND, COMPETITORS, NICHE = "Café Olé", ["Blue Bottle", "Nike"], ["espresso"]


def test_golden_counts_dates_and_timeline():
    posts = _posts(
        [
            (1, 1, T0 - 30 * D, False, "Morning at CAFE OLE!", [], []),
            (2, 1, T0 - 20 * D, False, "", ["#CafeOle", "EspressoTime"], []),
            (3, 1, T0 - 10 * D, True, "cafe ole, paid", [], ["cafeole"]),  # paid: ignored
            (4, 1, T0 - 5 * D, False, "Espresso vs nike? Nikeland no.", [], ["@blue_bottle"]),
            (5, 2, T0, False, "nothing here", [], []),
        ]
    )
    out = organic_affinity([1, 2, 3], posts, BRAND, COMPETITORS, NICHE)
    one = out.loc[1]
    assert one["unpaid_posts_n"] == 3
    assert (one["brand_n"], one["competitor_n"], one["niche_n"]) == (2, 2, 1)
    assert one["first_mention"] == T0 - 30 * D
    assert one["last_mention"] == T0 - 5 * D
    timeline = json.loads(one["timeline"])
    assert [(t["date"], t["kind"], t["term"], t["post_id"]) for t in timeline] == [
        ("2026-05-02", "brand", "Café Olé", 1),
        ("2026-05-12", "brand", "Café Olé", 2),
        ("2026-05-27", "competitor", "Blue Bottle", 4),
        ("2026-05-27", "competitor", "Nike", 4),
        ("2026-05-27", "niche", "espresso", 4),
    ]
    two = out.loc[2]
    assert two["unpaid_posts_n"] == 1
    assert (two["brand_n"], two["competitor_n"], two["niche_n"]) == (0, 0, 0)
    assert pd.isna(two["first_mention"]) and two["timeline"] == "[]"
    assert out.loc[3, "unpaid_posts_n"] == 0  # no posts: unknown, said by the count


@pytest.mark.parametrize(
    "text, hit",
    [
        ("I love NIKE", True),
        ("#nike", True),
        ("@Nike's new drop", True),
        ("nikeland", False),
        ("unike", False),
        ("ｎｉｋｅ", True),  # full-width letters fold to ASCII under NFKD
    ],
)
def test_word_boundaries(text, hit):
    posts = _posts([(1, 1, T0, False, text, [], [])])
    assert len(organic_mentions(posts, "Nike", [], [])) == int(hit)


@pytest.mark.parametrize(
    "hashtags", [["#BlueBottle"], ["bluebottle"], ["blue-bottle"], '["#blue_bottle"]']
)
def test_multiword_terms_match_hashtag_forms(hashtags):
    posts = _posts([(1, 1, T0, False, "", hashtags, [])])
    mentions = organic_mentions(posts, "Blue Bottle", [], [])
    assert mentions["term"].tolist() == ["Blue Bottle"]


def test_accents_and_case_fold():
    assert normalised(pd.Series(["Crème BRÛLÉE", "Straße", None])).tolist() == [
        "creme brulee",
        "strasse",
        "",
    ]
    posts = _posts([(1, 1, T0, False, "creme brulee time", [], [])])
    assert len(organic_mentions(posts, "Crème Brûlée", [], [])) == 1


def test_a_term_counts_once_per_post_and_duplicates_keep_the_first_kind():
    posts = _posts([(1, 1, T0, False, "Nike nike #nike", ["nike"], ["nike"])])
    out = organic_affinity([1], posts, "Nike", ["NIKE", ""], ["#nike", "  "]).loc[1]
    assert (out["brand_n"], out["competitor_n"], out["niche_n"]) == (1, 0, 0)


def test_no_terms_or_no_posts():
    posts = _posts([(1, 1, T0, False, "anything", [], [])])
    out = organic_affinity([1], posts, "", [], []).loc[1]
    assert (out["brand_n"], out["competitor_n"], out["niche_n"]) == (0, 0, 0)
    empty = organic_affinity([1], _posts([]), "Nike", [], [])
    assert empty.loc[1, "unpaid_posts_n"] == 0 and empty.loc[1, "timeline"] == "[]"
