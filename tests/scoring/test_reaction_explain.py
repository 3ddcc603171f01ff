"""scoring.reaction_explain: the reaction panel's sentences, golden, with their data volumes;
unknown said in words, never as a neutral-looking number."""

from types import SimpleNamespace

from scoring.reaction_explain import NO_COMMENTS, NOT_COMPUTED, duration, reaction_lines, sentiment

BASE = {
    "posts_n": 12,
    "sponsored_n": 3,
    "comments_n": 214,
    "commenters_n": 120,
    "commented_posts_n": 12,
    "threads_n": 58,
    "replied_n": 24,
    "regulars_n": 5,
    "reply_share": 24 / 58,
    "reply_delay_hours": 3.2,
    "top_commenters_share": 0.46,
    "regular_share": 5 / 120,
    "sponsored_share": 0.25,
    "er_sponsored": 0.012,
    "er_organic": 0.029,
    "text_comments_n": 214,
    "substantive_share": 0.37,
    "generic_share": 0.5,
    "spam_share": 0.03,
    "intent_share": 0.05,
    "sentiment_mean": 0.32,
    "sentiment_n": 180,
    "pod": False,
    "pod_id": None,
    "evidence": {"pod": None, "thresholds": {"pod_fast_minutes": 30}},
}


def _reaction(**changes):
    return SimpleNamespace(**{**BASE, **changes})


def _texts(lines):
    return [line.text for line in lines]


def test_golden_sentences_with_cohort():
    cohort = {"substantive_share": 0.22, "reply_share": 0.3}
    assert _texts(reaction_lines(_reaction(), cohort)) == [
        "37% of 214 comments are substantive (similar accounts: 22%)",
        "50% are generic praise or emoji, 3% spam",
        "5% ask about price, sizes or where to buy",
        "sentiment +0.32 on a −1 to +1 scale (positive), measured on 180 of 214 comments",
        "the creator answered 41% of 58 threads, median reply after 3 h (similar accounts: 30%)",
        "10 accounts wrote 46% of 214 comments; 5 regulars commented on most of 12 posts",
        "no engagement-pod signal",
        "sponsored: 3 of 12 recent posts; ER 1.2% sponsored vs 2.9% organic",
    ]
    tones = {line.key: line.tone for line in reaction_lines(_reaction(), cohort)}
    assert tones["substantive"] == "good" and tones["pod"] == "good"


def test_pod_evidence_sentence():
    evidence = {
        "pod": {"commenters_n": 4, "posts_n": 4, "creators_n": 5, "creator_ids": [1, 2, 3, 4, 5]},
        "thresholds": {"pod_fast_minutes": 30},
    }
    lines = reaction_lines(_reaction(pod=True, pod_id=1, evidence=evidence))
    pod = next(line for line in lines if line.key == "pod")
    assert pod.text == (
        "likely engagement pod: 4 accounts comment within 30 minutes on 4 of this creator's "
        "posts and on those of 5 creators in all"
    )
    assert pod.tone == "bad"


def test_no_comments_is_unknown_not_zero():
    lines = reaction_lines(
        _reaction(
            comments_n=0,
            commenters_n=0,
            threads_n=0,
            replied_n=0,
            text_comments_n=0,
            sentiment_n=0,
            substantive_share=None,
            generic_share=None,
            spam_share=None,
            intent_share=None,
            sentiment_mean=None,
            reply_share=None,
            top_commenters_share=None,
            sponsored_n=0,
        )
    )
    assert _texts(lines) == [NO_COMMENTS, "sponsored: none of 12 recent posts"]
    assert "0%" not in " ".join(_texts(lines))
    assert _texts(reaction_lines(None)) == [NOT_COMPUTED]


def test_sentiment_not_measured_for_non_english_and_no_reply():
    lines = reaction_lines(
        _reaction(sentiment_n=0, sentiment_mean=None, replied_n=0, reply_share=0.0)
    )
    texts = _texts(lines)
    assert "sentiment not measured: none of the 214 comments reads as English" in texts
    assert "the creator answered none of the 58 threads" in texts
    assert not any("+0" in t or "0.00" in t for t in texts)


def test_singular_volumes_and_missing_er():
    lines = reaction_lines(
        _reaction(
            text_comments_n=1,
            comments_n=1,
            commenters_n=1,
            threads_n=1,
            replied_n=1,
            reply_share=1.0,
            reply_delay_hours=0.4,
            top_commenters_share=1.0,
            regular_share=None,
            regulars_n=0,
            posts_n=1,
            sponsored_n=1,
            er_organic=None,
        )
    )
    texts = _texts(lines)
    assert texts[0] == "37% of 1 comment is substantive"
    assert "the creator answered 100% of 1 thread, median reply after 24 min" in texts
    assert "1 account wrote 100% of 1 comment" in texts
    assert texts[-1] == "sponsored: 1 of 1 recent post"


def test_formatting_helpers():
    assert duration(0.01) == "1 min" and duration(47.6) == "48 h" and duration(100) == "4 days"
    assert sentiment(-0.1) == "−0.10" and sentiment(0.0) == "0.00" and sentiment(None) == "—"
