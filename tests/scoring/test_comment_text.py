"""Comment-text signals (scoring.metrics.comment_text): golden labels on tiny hand-made series,
the spam model's figures across the two labelled YouTube files, the shipped model file against
what training produces, and the per-creator summary."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from django.core.management import CommandError, call_command

from scoring import spam_training
from scoring.metrics.comment_text import (
    MODEL_PATH,
    _sentiment_mean,
    classify_comments,
    comment_text_summary,
    english_looking,
    normalise,
)

DATA = Path(__file__).resolve().parent.parent / "data"


def _labels(*texts):
    return classify_comments(pd.Series(list(texts)))


@pytest.mark.parametrize(
    "text",
    ["😍😍😍", "🔥", "wow", "Nice pic!", "love this ❤️", "so cute", "Great video", "first",
     "FIRST!!!", "you are so beautiful", "omg so gorgeous", "Love this song", "lol"],
)  # fmt: skip
def test_generic(text):
    row = _labels(text).iloc[0]
    assert row["generic"] and not row["substantive"] and not row["spam"]


@pytest.mark.parametrize(
    "text",
    ["check out my channel!", "Sub4sub anyone?", "follow me on instagram for more",
     "Free giveaway at www.example.com", "https://bit.ly/abc123 win a free iphone",
     "Please like and subscribe to my music page"],
)  # fmt: skip
def test_spam(text):
    row = _labels(text).iloc[0]
    assert row["spam"] and not row["generic"] and not row["substantive"] and not row["intent"]


@pytest.mark.parametrize(
    "text",
    ["I tried this recipe last night and my kids loved it",
     "The lighting in the second shot is much better than the first",
     "Not sure the jacket fits the colder months, it looks thin",
     "I just subscribed, your videos helped me a lot"],
)  # fmt: skip
def test_substantive(text):
    row = _labels(text).iloc[0]
    assert row["substantive"] and not row["generic"] and not row["spam"]


def test_too_short_is_neither_generic_nor_substantive():
    # Three words, not a stock phrase: says a little, not enough to count as substantive.
    row = _labels("thought so too").iloc[0]
    assert not row["generic"] and not row["substantive"]


@pytest.mark.parametrize(
    "text",
    ["How much is this?", "what's the price", "where can I buy it??", "link please",
     "Link?", "do you ship to Canada", "what size are you wearing", "any discount code?",
     "does it deliver to the UK", "¿Cuánto cuesta?", "qual o preço?", "combien ça coûte",
     "wo kann man das kaufen"],
)  # fmt: skip
def test_intent(text):
    assert _labels(text).iloc[0]["intent"]


@pytest.mark.parametrize(
    "text",
    [
        "I love this look",
        "great video",
        "so relationships are hard",
        "first",
        "just came to check how much views it has",
    ],
)
def test_not_intent(text):
    assert not _labels(text).iloc[0]["intent"]


def test_sentiment_sign_for_english():
    out = _labels(
        "I love this, it is amazing", "This is awful, worst video ever", "😍😍", ":)", "2010 :("
    )
    assert out["sentiment_measured"].all()
    assert out["sentiment"].iloc[0] > 0.3
    assert out["sentiment"].iloc[1] < -0.3
    assert out["sentiment"].iloc[2] > 0.3  # VADER reads emoji and emoticons
    assert out["sentiment"].iloc[3] > 0.3 and out["sentiment"].iloc[4] < -0.3


@pytest.mark.parametrize(
    "text",
    ["que lindo, me encanta mucho", "das ist nicht so gut, aber ich mag die Farbe",
     "c'est une très belle photo et je la trouve magnifique", "muito lindo, você é demais",
     "Очень красиво", "とてもかわいい", "???", "12345"],
)  # fmt: skip
def test_not_measured_is_nan_not_zero(text):
    row = _labels(text).iloc[0]
    assert not row["sentiment_measured"]
    assert np.isnan(row["sentiment"])


def test_english_looking():
    texts = normalise(pd.Series(["this is the one", "qué es esto de la vida", "", "ok"]))
    assert english_looking(texts).tolist() == [True, False, False, True]


def test_normalise_decodes_the_export():
    raw = pd.Series(["Don&#39;t stop<br />now\ufeff", "caf\ufffd  OK ", None])
    assert normalise(raw).tolist() == ["don't stop now", "caf ok", ""]


def test_missing_text_is_no_label_and_index_is_kept():
    texts = pd.Series(["great video", None, "", "great video"], index=[10, 11, 12, 13])
    out = classify_comments(texts)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out.loc[[11, 12], ["generic", "spam", "substantive", "intent"]].to_numpy().sum() == 0
    assert not out.loc[[11, 12], "sentiment_measured"].any()
    # Each distinct text is classified once and mapped back: duplicates agree.
    assert out.loc[10].equals(out.loc[13])
    assert out.dtypes["generic"] == np.dtype(bool) and out.dtypes["sentiment"] == np.dtype(float)


def test_empty_summary():
    out = comment_text_summary(pd.DataFrame({"creator_id": [], "text": []}))
    assert out.empty and "sentiment_n" in out.columns


def test_empty_series():
    out = classify_comments(pd.Series([], dtype=object))
    assert out.empty and list(out.columns) == [
        "generic", "spam", "substantive", "intent", "sentiment", "sentiment_measured",
    ]  # fmt: skip


def test_summary_golden():
    comments = pd.DataFrame(
        {
            "creator_id": [1, 1, 1, 1, 2, 3],
            "text": [
                "How much is this jacket? I need it for winter",  # substantive, intent
                "so cute",  # generic
                "check out my channel",  # spam
                "I love this, the colours are amazing together",  # substantive
                None,  # creator 2: no comments
                "que lindo, me encanta mucho",  # not measured
            ],
        }
    )
    out = comment_text_summary(comments)
    assert out.index.tolist() == [1, 2, 3]
    assert out["comments_n"].tolist() == [4, 0, 1]
    one = out.loc[1]
    assert (one["substantive_share"], one["generic_share"]) == (0.5, 0.25)
    assert (one["spam_share"], one["intent_share"]) == (0.25, 0.25)
    assert one["sentiment_n"] == 4
    assert np.isfinite(one["sentiment_mean"]) and one["sentiment_mean"] > 0
    shares = ["substantive_share", "generic_share", "spam_share", "intent_share"]
    assert out.loc[2, shares].isna().all() and np.isnan(out.loc[2, "sentiment_mean"])
    assert out.loc[2, "sentiment_n"] == 0
    assert out.loc[3, "sentiment_n"] == 0 and np.isnan(out.loc[3, "sentiment_mean"])
    assert out.loc[3, "substantive_share"] == 1.0


# ---------------------------------------------------------------- the spam model


@pytest.fixture(scope="module")
def rebuilt():
    return spam_training.build_model(DATA)


def test_cross_file_figures(rebuilt):
    """Trained on one file, tested on the other. Claimed: precision >= 0.98 on both, F1 >= 0.97 on
    Psy and >= 0.91 on Eminem (whose spam includes bare "Good Morning"/"Yes" comments no text cue
    can catch); at least the refined rules' F1 (SPAM_RULES, written after reading the errors on
    both files) and far above the naive keyword list."""
    v = rebuilt["validation"]
    assert v["psy"]["model"]["f1"] >= 0.97 and v["eminem"]["model"]["f1"] >= 0.91
    for held_out in ("psy", "eminem"):
        model, rules, naive = (v[held_out][k] for k in ("model", "keywords", "naive_keywords"))
        assert model["precision"] >= 0.98
        assert model["f1"] >= rules["f1"]
        assert model["f1"] >= naive["f1"] + 0.3


def test_shipped_model_is_what_training_produces(rebuilt):
    assert spam_training.compare_with_shipped(rebuilt) == []
    assert MODEL_PATH.stat().st_size < 200_000


def test_compare_notices_a_changed_model(rebuilt, tmp_path):
    changed = json.loads(MODEL_PATH.read_text())
    changed["weights"][7] += 0.01
    changed["validation"]["psy"]["model"]["f1"] = 0.99
    path = tmp_path / "model.json"
    path.write_text(json.dumps(changed))
    problems = spam_training.compare_with_shipped(rebuilt, path)
    assert any(p.startswith("validation") for p in problems)
    assert any(p.startswith("weights: differ by up to 0.01") for p in problems)


def test_train_command_check_passes_and_reports(rebuilt, monkeypatch, capsys):
    # The rebuild itself is the fixture's (it takes seconds); the command compares and reports.
    monkeypatch.setattr(spam_training, "build_model", lambda data_dir: rebuilt)
    call_command("train_spam_model", "--check", "--data-dir", str(DATA))
    out = capsys.readouterr().out
    assert "held out eminem (472 comments), model: precision" in out
    assert "The shipped spam model is what training gives." in out


def test_bad_label_names_file_row_column_and_value(tmp_path):
    path = tmp_path / "youtube_spam_psy.csv"
    path.write_text('spam,"check my channel"\nham,"nice"\nmaybe,"hmm"\n')
    with pytest.raises(spam_training.LabelledFileError) as error:
        spam_training.load_labelled(path)
    assert str(error.value) == (
        "youtube_spam_psy.csv: row 3, column label: 'maybe' is not a label "
        "(expected one of ['ham', 'spam'])"
    )
    with pytest.raises(CommandError, match="No such file"):
        call_command("train_spam_model", "--check", "--data-dir", str(tmp_path / "nowhere"))


def test_both_layouts_load():
    psy = spam_training.load_labelled(DATA / "youtube_spam_psy.csv")
    eminem = spam_training.load_labelled(DATA / "youtube_spam_eminem.csv")
    assert (len(psy), int(psy["spam"].sum())) == (350, 175)
    assert (len(eminem), int(eminem["spam"].sum())) == (472, 269)


def test_ngram_hash_matches_its_explanation_mirror():
    from scoring.metrics.comment_text import HASH_BITS, NGRAM_SIZES, ngram_buckets

    texts = ["ab", "héllo wörld 😍", "", "sub4sub"]
    doc, bucket = ngram_buckets(texts)
    expected = [
        (i, spam_training._bucket(padded[j : j + n], HASH_BITS))
        for i, padded in enumerate(f" {t} ".encode() for t in texts)
        for n in NGRAM_SIZES
        for j in range(len(padded) - n + 1)
    ]
    assert sorted(zip(doc.tolist(), bucket.tolist(), strict=True)) == sorted(expected)


def test_sentiment_reads_case_as_emphasis():
    out = _labels("This dress is great", "This dress is GREAT")
    assert out["sentiment"].iloc[1] > out["sentiment"].iloc[0] > 0


def test_sentiment_mean_does_not_depend_on_the_row_order():
    # A float sum depends on its terms' order: these sum to different last bits forwards and
    # backwards, and a recompute reads comments in no particular order.
    values = [0.2739, -0.4604, -0.9181, -0.9669, 0.6265, 0.8255, 0.2133, np.nan]
    labels = pd.DataFrame({"creator_id": 1, "sentiment": values})
    forwards = _sentiment_mean(labels).loc[1]
    backwards = _sentiment_mean(labels.iloc[::-1]).loc[1]
    assert forwards == backwards
    assert forwards == pytest.approx(np.nanmean(values))
