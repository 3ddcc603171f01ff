"""Comment-text signals (DESIGN 4.8): per comment generic / spam / substantive / purchase intent
and English sentiment, and their per-creator shares.

Everything is column-wise over a pandas Series of texts, and each distinct text is classified
once (comments repeat a lot: "first", emoji, copy-pasted spam), then mapped back.

- spam: a logistic regression over hashed character 3..5-grams and named self-promotion cues
  (SPAM_RULES: links, "check out my", "my channel", "sub4sub", "follow me", giveaways, "please
  like"), whose weights are learnt from labelled comments: spam_model.json beside this module,
  trained and validated across two files of the YouTube Spam Collection by
  scoring.spam_training. "Any of SPAM_RULES" is the baseline it must match across files.
- generic: emoji-only, one or two words, or a stock phrase ("nice pic", "love this", "first").
- substantive: neither generic nor spam, and at least SUBSTANTIVE_MIN_WORDS words.
- intent: asks about price, where to buy, the link, sizes, shipping or a discount code (English,
  Spanish, Portuguese, French, German, Italian forms); spam is never intent.
- sentiment: VADER's compound score in -1..1 for English text (VADER also reads emoji). Text
  that looks like another language, or has neither letters nor emoji, is not measured: NaN with
  sentiment_measured False, never a neutral-looking 0.
"""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

MODEL_PATH = Path(__file__).parent / "data" / "spam_model.json"
SUBSTANTIVE_MIN_WORDS = 4
SPAM_THRESHOLD = 0.5
NGRAM_SIZES = (3, 4, 5)
HASH_BITS = 13  # 8,192 buckets: the shipped weights stay well under 200 KB

# ---------------------------------------------------------------- normalising

_EMOJI = (
    "\U0001f000-\U0001faff"  # pictographs, emoticons, symbols, flags' letters
    "\u2600-\u27bf"  # misc symbols and dingbats (heart, star, sun)
    "\u2b00-\u2bff\u2300-\u23ff\u200d\ufe0f\u2764"
)
_EMOJI_RE = f"[{_EMOJI}]"
_EMOTICON_RE = r"(?:^|\s|\d)[:;=8x]-?[()\[\]dpo/\\|*3]|<3"
# A "word" is a run of letters or digits (any script); punctuation and emoji are not words.
_WORD_RE = r"[^\W_]+"


def clean(texts: pd.Series) -> pd.Series:
    """Text as people wrote it: HTML entities and <br> decoded (the YouTube export carries them),
    BOM and replacement characters dropped, whitespace collapsed. Case is kept (VADER reads
    capitals as emphasis)."""
    s = texts.fillna("").astype(str)
    s = s.where(~s.str.contains("&", regex=False), s.map(html.unescape))
    s = s.str.replace(r"<br\s*/?>", " ", regex=True).str.replace(r"<[^>]{1,40}>", " ", regex=True)
    s = s.str.replace("[\ufeff\ufffd\u200b]", "", regex=True)
    return s.str.replace(r"\s+", " ", regex=True).str.strip()


def normalise(texts: pd.Series) -> pd.Series:
    """clean(), lower-cased: what the classifiers read."""
    return clean(texts).str.lower()


# ---------------------------------------------------------------- spam: hashed n-gram model

# FNV-1 style byte hash in wrapping uint32 arithmetic, then a multiplicative mix to the bucket.
_SEED = np.uint32(2166136261)
_PRIME = np.uint32(16777619)
_MIX = np.uint32(2654435761)


def ngram_buckets(texts: list[str], bits: int = HASH_BITS) -> tuple[np.ndarray, np.ndarray]:
    """Every character n-gram (NGRAM_SIZES, over UTF-8 bytes of " text ") of every text, hashed
    to one of 2**bits buckets. Returns (doc, bucket) arrays, one entry per n-gram occurrence.
    Vectorised over all texts at once: the hash of the n-gram starting at each byte extends the
    (n-1)-gram's by one byte, so the five sizes cost five passes over one byte array."""
    padded = [f" {t} ".encode() for t in texts]
    lengths = np.fromiter((len(b) for b in padded), dtype=np.int64, count=len(padded))
    data = np.frombuffer(b"".join(padded), dtype=np.uint8).astype(np.uint32)
    doc_of_byte = np.repeat(np.arange(len(padded), dtype=np.int64), lengths)
    end_of_byte = np.repeat(np.cumsum(lengths), lengths)
    docs, buckets = [], []
    with np.errstate(over="ignore"):
        h = (_SEED * _PRIME) ^ data
        for n in range(2, max(NGRAM_SIZES) + 1):
            h = (h[:-1] * _PRIME) ^ data[n - 1 :]  # h[i]: bytes i .. i+n-1
            if n not in NGRAM_SIZES:
                continue
            starts = np.flatnonzero(np.arange(len(h)) + n <= end_of_byte[: len(h)])
            buckets.append(((h[starts] ^ np.uint32(n)) * _MIX) >> np.uint32(32 - bits))
            docs.append(doc_of_byte[starts])
    if not docs:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(docs), np.concatenate(buckets).astype(np.int64)


def ngram_features(texts: list[str], bits: int = HASH_BITS) -> tuple[np.ndarray, ...]:
    """The n-gram features as sparse (doc, bucket, value) entries: each occurrence counts one over
    the square root of its text's number of n-grams, so long comments do not outvote short ones
    (repeated (doc, bucket) entries add up)."""
    doc, bucket = ngram_buckets(texts, bits)
    total = np.bincount(doc, minlength=len(texts)).astype(float)
    return doc, bucket, 1.0 / np.sqrt(total[doc])


def spam_probability(
    texts: pd.Series, weights: np.ndarray, bias: float, bits: int = HASH_BITS
) -> np.ndarray:
    """The model's P(spam) per normalised text: the weighted n-gram features plus the weights of
    the SPAM_RULES the text matches (the weights after the n-gram buckets, see rule_matrix)."""
    doc, bucket, value = ngram_features(texts.tolist(), bits)
    ngrams = np.bincount(doc, weights=value * weights[bucket], minlength=len(texts))
    z = bias + ngrams + rule_matrix(texts) @ weights[1 << bits :]
    return 1.0 / (1.0 + np.exp(-z))


@cache
def load_spam_model(path: Path = MODEL_PATH) -> tuple[np.ndarray, float, int]:
    """(weights, bias, hash bits) of the shipped model."""
    model = json.loads(path.read_text(encoding="utf-8"))
    return np.asarray(model["weights"], dtype=float), float(model["bias"]), int(model["bits"])


# Self-promotion cues a moderator would list by hand. Each is a feature of the model (with a
# learnt weight), and "any of them" is the rule baseline the model must beat.
SPAM_RULES = {
    "link": r"https?://|www\.|\w ?\. ?(?:com|net|org|io|tv|ly|co|me|info|biz)\b|\.[a-z]{2,4}/\w",
    "check_out": r"\bcheck (?:(?:it|this|him|her|them) )?out\b|check (?:my|our|me)\b|take a look at",
    "my_channel": r"\bmy (?:channel|page|video|vids?|music|profile|stream|song|cover|blog)",
    "subscribe": r"subscrib(?:e|es|ing|le)\b|\d+ subscribers|(?:get|need|gain|reach)\w* (?:\w+ ){0,2}subscribers|\bsub (?:me|to|for)\b|sub ?4 ?sub|sub ?for ?sub|\bsubs?\b",
    "follow_me": r"follow (?:me|us|my)|add me",
    "giveaway": r"giveaway|free (?:gift|money|iphone|cs|v-?bucks)|earn (?:real )?money|win (?:a|an)\b",
    "please_support": r"(?:please|pls|plz) (?:like|share|sub|support|check|visit|watch|help)|share this",
}
SPAM_KEYWORDS = "|".join(f"(?:{rule})" for rule in SPAM_RULES.values())


def spam_by_keywords(normalised: pd.Series) -> pd.Series:
    return normalised.str.contains(SPAM_KEYWORDS, regex=True)


def rule_matrix(normalised: pd.Series) -> np.ndarray:
    """(texts x rules + 1) 0/1: which self-promotion cues each normalised text shows, and a last
    column for "any of them" (so one cue can be enough, whichever it is)."""
    cues = np.column_stack(
        [normalised.str.contains(rule, regex=True).to_numpy(float) for rule in SPAM_RULES.values()]
    )
    return np.column_stack([cues, cues.max(axis=1)])


# ---------------------------------------------------------------- generic, intent

_ADJ = (
    r"nice|great|good|cool|awesome|amazing|beautiful|lovely|cute|gorgeous|stunning|perfect|"
    r"wonderful|fantastic|excellent|fire|lit|dope|sick|epic|wow|adorable|pretty|best"
)
_THING = (
    r"pic|picture|photo|shot|post|video|vid|clip|song|track|content|work|job|one|look|"
    r"channel|stuff|edit|vibes?"
)
_INTENS = (
    r"so|very|really|soo+|such an?|super|too|just|omg|wow|this is|that'?s|what an?|u r|you are"
)
_STOCK = (
    rf"(?:(?:{_INTENS}) )*(?:{_ADJ})(?: (?:{_THING}))?(?: (?:bro|man|dude|girl|guys|sis|mate))?|"
    rf"(?:{_INTENS} )*(?:i )?(?:love|luv|like|loved|adore) (?:this|it|that|you|u|ur (?:{_THING}))"
    rf"(?: (?:{_THING}|so much|a lot))?|"
    r"first|1st|lol+|lmao+|haha+|hah|wow+|omg+|yes+|yay+|nice one|well done|keep it up|"
    r"keep up the good work|thank you|thanks|thx|ty|love it|love this|love u|hi|hello|hey|"
    r"who(?:'s| is) (?:here|watching) in \d{4}|anyone (?:here )?in \d{4}"
)
_STOCK_RE = rf"^(?:{_STOCK})$"

_INTENT_RE = (
    # English
    r"how much (?:is|are|does|do|did|was|were|would|will|for|it|this|that|these|those|they)\b|"
    r"how much\s*\?|\bprice|\bcost(?:s|ing)?\b|where (?:can|do|did|could|should) (?:i|we|you|u) "
    r"(?:buy|get|find|order|purchase)|where to (?:buy|get|order|find)|"
    r"\blink (?:please|pls|plz|pl[sz]e?)|\blink\s*\?|(?:drop|send|share) (?:the|a) link|"
    r"what size|\bsizes?\b|\bship(?:s|ping)?\b|\bdeliver(?:y|s)?\b|discount code|promo code|"
    r"\bcoupon|in stock|\bsold out|want to buy|wanna buy|where(?:'s| is) it from|"
    # Spanish, Portuguese, Italian
    r"cu[aá]nto (?:cuesta|vale|sale)|\bprecio|d[oó]nde (?:lo |la )?(?:compr|consig)|"
    r"quanto (?:custa|costa)|\bpre[cç]o|onde (?:compr|encontr)|\bprezzo|dove (?:si )?compr|"
    # French, German
    r"combien|\bprix\b|o[uù] (?:l'?)?acheter|wie ?viel kostet|\bpreis|\bwo (?:kann|gibt|bekomm|krieg)[^.?!]{0,30}kaufen"
)

# ---------------------------------------------------------------- language

_EN_STOPWORDS = (
    r"the|and|is|are|was|you|your|i|my|this|that|it|to|of|in|for|with|on|so|love|what|how|"
    r"who|me|not|just|have|be|a|an|at|do|like|he|she|they|we|song|video"
)
_OTHER_STOPWORDS = (
    r"que|de|la|el|los|las|es|muy|por|una|con|para|und|der|die|das|ist|nicht|ich|sehr|le|les|"
    r"est|une|et|des|pas|c'est|je|não|nao|é|você|uma|muito|il|di|che|della|sono|molto|ini|"
    r"yang|dan|aku|ve|bir|bu|ne|da|ya|ek|het|een|ik|niet|och|är|jag|og|er|ikke|mucho|muito|"
    r"encanta|gracias|obrigad[oa]|merci|danke|lindo|linda|bonito|hermos[oa]|amo|eres|también|"
    r"pero|mais|aber|auch|wie|sind|tu|te|mi|su|del|al|lo|ce|qui|sur|avec|pour|non|bellissim[oa]"
)


def english_looking(normalised: pd.Series) -> pd.Series:
    """True where the text reads as English: nearly all its letters are ASCII and it has no more
    common other-language stopwords than English ones. Texts without letters are not English."""
    letters = normalised.str.count(r"[^\W\d_]")
    ascii_letters = normalised.str.count(r"[a-z]")
    en = normalised.str.count(rf"\b(?:{_EN_STOPWORDS})\b")
    other = normalised.str.count(rf"(?<![\w'])(?:{_OTHER_STOPWORDS})(?![\w'])")
    return (letters > 0) & (ascii_letters >= 0.9 * letters) & ~((other > en) & (other >= 2))


@cache
def _vader():
    # Imported on first use: vaderSentiment imports requests and reads its lexicon files.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


# VADER's cost grows with the square of a text's words (it re-lowercases the text per word), so
# it reads a comment's first SENTIMENT_MAX_CHARS characters: one pasted essay cannot stall a run.
SENTIMENT_MAX_CHARS = 1000


def vader_compound(texts: pd.Series) -> pd.Series:
    analyser = _vader()
    capped = texts.str.slice(0, SENTIMENT_MAX_CHARS)
    return capped.map(lambda t: analyser.polarity_scores(t)["compound"]).astype(float)


# ---------------------------------------------------------------- the labels

LABELS = ("generic", "spam", "substantive", "intent", "sentiment", "sentiment_measured")


def _classify_distinct(texts: pd.Series) -> pd.DataFrame:
    """The labels of distinct raw texts (index: position in `texts`)."""
    cleaned = clean(texts)
    norm = cleaned.str.lower()
    words = norm.str.count(_WORD_RE)
    weights, bias, bits = load_spam_model()
    spam = pd.Series(spam_probability(norm, weights, bias, bits), index=norm.index)
    spam = (spam >= SPAM_THRESHOLD) & (words > 0)
    bare = norm.str.replace(rf"[^\w\s']|{_EMOJI_RE}|_", " ", regex=True)
    bare = bare.str.replace(r"\s+", " ", regex=True).str.strip()
    has_emoji = norm.str.contains(_EMOJI_RE, regex=True)
    # Emoji or punctuation only, one or two words, or a stock phrase; an empty text is nothing.
    generic = norm.ne("") & ((words <= 2) | bare.str.match(_STOCK_RE)) & ~spam
    english = english_looking(norm)
    # VADER reads emoji and emoticons too, so a reaction without letters is still measured.
    no_letters = ~norm.str.contains(r"[^\W\d_]", regex=True)
    measured = english | (no_letters & (has_emoji | norm.str.contains(_EMOTICON_RE, regex=True)))
    sentiment = pd.Series(np.nan, index=norm.index)
    if measured.any():
        sentiment.loc[measured] = vader_compound(cleaned[measured])
    return pd.DataFrame(
        {
            "generic": generic,
            "spam": spam,
            "substantive": ~generic & ~spam & (words >= SUBSTANTIVE_MIN_WORDS),
            "intent": norm.str.contains(_INTENT_RE, regex=True) & ~spam,
            "sentiment": sentiment,
            "sentiment_measured": measured,
        },
        index=norm.index,
    )


def classify_comments(texts: pd.Series) -> pd.DataFrame:
    """Per comment (same index as `texts`): generic, spam, substantive, intent (bool),
    sentiment (VADER compound -1..1, NaN when not measured) and sentiment_measured (bool).
    A missing or empty text is none of the labels and not measured."""
    raw = texts.fillna("").astype(str)
    codes, uniques = pd.factorize(raw)
    distinct = _classify_distinct(pd.Series(uniques))
    out = distinct.iloc[codes].set_axis(texts.index)
    return out.astype({c: bool for c in LABELS if c != "sentiment"})


def _sentiment_mean(labels: pd.DataFrame) -> pd.Series:
    """Per creator_id, the mean of the measured sentiments, summed in value order: a float sum
    depends on the order of its terms, and the figure should not depend on the order rows are
    read in."""
    ordered = labels[["creator_id", "sentiment"]].sort_values(["creator_id", "sentiment"])
    return ordered.groupby("creator_id", sort=True)["sentiment"].mean()


def comment_text_summary(comments: pd.DataFrame) -> pd.DataFrame:
    """comments: creator_id, text (a missing text is a creator without comments, e.g. from a left
    join). Per creator_id: comments_n, substantive/generic/spam/intent shares (NaN when
    comments_n is 0), sentiment_mean over the measured comments (NaN when none) and sentiment_n."""
    # Each distinct text is looked at once (comments repeat a lot), as in classify_comments.
    codes, uniques = pd.factorize(comments["text"])  # code -1: missing
    distinct = pd.Series(uniques, dtype=object).astype(str)
    blank = np.append(distinct.str.strip().eq("").to_numpy(dtype=bool), True)
    has_text = ~blank[codes]
    labels = _classify_distinct(distinct[~blank[:-1]]).loc[codes[has_text]]
    labels = labels.set_axis(comments.index[has_text])
    labels = labels.astype({c: bool for c in LABELS if c != "sentiment"})
    frame = labels.assign(creator_id=comments.loc[has_text, "creator_id"], one=1)
    grouped = frame.groupby("creator_id", sort=True)
    out = pd.DataFrame(
        {
            "comments_n": grouped["one"].sum(),
            **{
                f"{c}_share": grouped[c].mean()
                for c in ("substantive", "generic", "spam", "intent")
            },
            "sentiment_mean": _sentiment_mean(frame),
            "sentiment_n": grouped["sentiment_measured"].sum(),
        }
    )
    creators = pd.Index(comments["creator_id"].unique(), name="creator_id").sort_values()
    out = out.reindex(creators)
    out["comments_n"] = out["comments_n"].fillna(0).astype(int)
    out["sentiment_n"] = out["sentiment_n"].fillna(0).astype(int)
    return out.astype({c: float for c in out.columns if c.endswith("_share")})
