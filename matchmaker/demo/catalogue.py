"""The demo creator catalogue, generated with vectorised numpy from one seed.

Shape (DESIGN 4 reads these): follower counts log-normal with most creators in 10k-100k; 12 posts
each whose engagement rate falls with size, with noise; fraud patterns on a few percent (bought
followers: very low ER and a high following; follower spikes between snapshots; like/comment
ratios out of line); audience shares per dimension summing to 1; follower-id samples drawn from
overlapping niche communities plus a global pool, so audience overlap is meaningful; captions
(matchmaker.demo.captions) and a sample of comments under each post (matchmaker.demo.comments),
drawn from a random stream of their own so the rest of the catalogue is as it was.
"""

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import pandas as pd
from django.utils import timezone
from django.utils.text import slugify

from creators.models import (
    AudienceShare,
    AudienceSketch,
    Category,
    Comment,
    Creator,
    FollowerSnapshot,
    Post,
)
from matchmaker.demo.bulk import reset_sequence, write_frame
from matchmaker.demo.captions import build_captions
from matchmaker.demo.comments import build_comments
from matchmaker.lib.sketches import sketch_values

# The tables build_catalogue writes (seed_demo ANALYZEs them once the catalogue is committed).
CATALOGUE_MODELS = (
    Category,
    Creator,
    Creator.categories.through,
    Post,
    Comment,
    FollowerSnapshot,
    AudienceShare,
    AudienceSketch,
)

CATEGORIES = [
    "Fitness", "Yoga", "Running", "Vegan food", "Home cooking", "Coffee", "Skincare", "Makeup",
    "Fashion", "Sustainable living", "Travel", "Outdoor", "Parenting", "Pets", "Gaming", "Tech",
    "Personal finance", "Home decor", "Gardening", "Books", "Photography", "Music",
]  # fmt: skip
KEYWORDS = {
    "Fitness": "workouts strength training gym", "Yoga": "yoga mindfulness flexibility",
    "Running": "marathon trail running 10k", "Vegan food": "plant-based vegan recipes",
    "Home cooking": "recipes weeknight dinners baking", "Coffee": "espresso latte art brewing",
    "Skincare": "skincare routine spf clean beauty", "Makeup": "makeup tutorials glam",
    "Fashion": "outfits style thrift", "Sustainable living": "zero waste eco sustainable",
    "Travel": "travel guides hidden gems", "Outdoor": "hiking camping adventure",
    "Parenting": "family parenting kids", "Pets": "dogs cats pet care",
    "Gaming": "gaming streams esports", "Tech": "gadgets reviews smart home",
    "Personal finance": "budgeting investing saving", "Home decor": "interior design diy",
    "Gardening": "garden houseplants grow", "Books": "book reviews reading",
    "Photography": "photography film cameras", "Music": "music covers guitar",
}  # fmt: skip
COUNTRIES = np.array(["US", "GB", "DE", "FR", "ES", "IT", "NL", "BR", "CA", "AU"])
COUNTRY_WEIGHTS = np.array([0.30, 0.16, 0.12, 0.09, 0.07, 0.06, 0.05, 0.06, 0.05, 0.04])
LANGUAGE_OF = {
    "US": "en", "GB": "en", "CA": "en", "AU": "en", "DE": "de", "FR": "fr", "ES": "es",
    "IT": "it", "NL": "nl", "BR": "pt",
}  # fmt: skip
LANGUAGES = np.array(["en", "de", "fr", "es", "it", "nl", "pt"])
AGE_BUCKETS = np.array(["13-17", "18-24", "25-34", "35-44", "45-54", "55+"])
GENDERS = np.array(["female", "male", "other"])
PLATFORMS = np.array(["instagram", "tiktok", "youtube"])
PLATFORM_WEIGHTS = np.array([0.70, 0.20, 0.10])
# Engagement relative to Instagram: TikTok engages more, YouTube (per subscriber) less.
PLATFORM_ER = {"instagram": 1.0, "tiktok": 1.8, "youtube": 0.6}
PROFILE_URL = {
    "instagram": "https://www.instagram.com/{}/",
    "tiktok": "https://www.tiktok.com/@{}",
    "youtube": "https://www.youtube.com/@{}",
}
FIRST = np.array(["ana", "ben", "cleo", "dev", "eli", "fay", "gus", "hana", "ivo", "jade", "kai",
                  "lena", "milo", "nia", "omar", "pia", "quinn", "rosa", "sam", "tara", "uma",
                  "vik", "wren", "yara", "zoe"])  # fmt: skip
POSTS_PER_CREATOR = 12
SNAPSHOTS_PER_CREATOR = 6
GLOBAL_POOL = 50_000_000  # follower ids above the communities: the long tail nobody shares
COMMUNITY_SIZE = 20_000
MAX_SKETCHES = 1_500  # samples are ~50 kB each (sample + sketch); more only adds bytes
# Creators generated and written at a time: peak memory follows this, not the catalogue size.
SEED_CHUNK = 20_000


@dataclass
class Catalogue:
    """What the workspace builder needs: the creators frame (id, platform, handle, followers,
    er, country, primary category, price) and the category ids by name."""

    creators: pd.DataFrame
    category_ids: dict[str, int]
    counts: dict[str, int]


def build_catalogue(*, n: int, seed: int, chunk_size: int = SEED_CHUNK) -> Catalogue:
    """Generate and insert `n` creators with their posts, snapshots, audience and samples,
    `chunk_size` creators at a time so memory stays bounded by the chunk, not the catalogue.

    The first chunk draws from default_rng(seed), later ones from default_rng([seed, i]): a
    catalogue of at most one chunk is exactly what one seed always gave."""
    now = timezone.now().replace(microsecond=0)
    category_ids = _categories()
    counts: dict[str, int] = {}
    summaries = []
    sketch_budget = MAX_SKETCHES
    start = (Creator.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    for index, offset in enumerate(range(0, n, chunk_size)):
        rng = np.random.default_rng(seed if index == 0 else [seed, index])
        texts_rng = np.random.default_rng(seed + 2 if index == 0 else [seed + 2, index])
        size = min(chunk_size, n - offset)
        # Comments for the first chunk's creators only (at most MAX_COMMENTED_CREATORS of
        # them): commenter identities are drawn per chunk, so two chunks' would collide.
        summary, chunk_counts = _chunk(
            rng, texts_rng, start + offset, size, category_ids, now, sketch_budget, index == 0
        )
        sketch_budget -= chunk_counts["sketches"]
        summaries.append(summary)
        for key, value in chunk_counts.items():
            counts[key] = counts.get(key, 0) + value
    reset_sequence(Creator)
    creators = pd.concat(summaries, ignore_index=True) if len(summaries) > 1 else summaries[0]
    return Catalogue(creators=creators, category_ids=category_ids, counts=counts)


def _chunk(
    rng,
    texts_rng,
    start: int,
    n: int,
    category_ids: dict[str, int],
    now,
    sketch_budget: int,
    with_comments: bool,
):
    """One chunk of `n` creators with ids from `start`: written, and summarised for the
    workspace builder (id, platform, handle, followers, country, price, er, category, fraud)."""
    today = now.date()
    cat_names = np.array(CATEGORIES)
    counts: dict[str, int] = {}

    # --- profiles --------------------------------------------------------------------------
    ids = np.arange(start, start + n, dtype=np.int64)
    platform = rng.choice(PLATFORMS, size=n, p=PLATFORM_WEIGHTS)
    # log10(followers) ~ N(4.55, 0.55): about 2/3 of creators fall in 10k-100k (micro).
    followers = np.clip(10 ** rng.normal(4.55, 0.55, n), 800, 8_000_000).astype(np.int64)
    country = rng.choice(COUNTRIES, size=n, p=COUNTRY_WEIGHTS)
    language = np.vectorize(LANGUAGE_OF.get)(country)
    primary = rng.integers(0, len(CATEGORIES), n)

    # Engagement rate falls with size (Instagram micro ~2-3.5%), with log-normal noise.
    er = 0.06 * (followers / 1000.0) ** -0.2 * np.vectorize(PLATFORM_ER.get)(platform)
    er = er * rng.lognormal(0.0, 0.25, n)
    following = rng.integers(150, 1500, n).astype(np.int64)

    # Fraud patterns, disjoint so each is visible on its own.
    fraud_kind = rng.choice(4, size=n, p=[0.88, 0.05, 0.04, 0.03])
    bought = fraud_kind == 1  # bought followers: ER collapses, following is huge
    spiked = fraud_kind == 2  # a sudden follower jump between two snapshots
    odd_ratio = fraud_kind == 3  # like/comment ratio out of line (comment pods or bots)
    er[bought] = er[bought] / rng.uniform(5, 12, bought.sum())
    following[bought] = rng.integers(3000, 7500, bought.sum())

    handles = np.char.add(
        np.char.add(
            rng.choice(FIRST, n), np.char.replace(np.char.lower(cat_names[primary]), " ", "")
        ),
        ids.astype(str),
    )
    handles = np.char.replace(handles, "-", "")
    display = np.char.add(np.char.capitalize(rng.choice(FIRST, n)), " · " + "")
    display = np.char.add(display, cat_names[primary])
    kw = np.array([KEYWORDS[c] for c in CATEGORIES])[primary]
    bios = np.char.add(
        np.char.add(np.char.add(cat_names[primary], " creator from "), country),
        np.char.add(". Talking about ", kw),
    )
    has_price = rng.random(n) < 0.4
    price = np.round(followers * 0.012 * rng.uniform(0.6, 1.6, n), -1)
    avg_likes = followers * er * 0.96
    avg_comments = followers * er * 0.04
    frame = pd.DataFrame(
        {
            "id": ids,
            "platform": platform,
            "handle": handles,
            "display_name": display,
            "profile_url": [PROFILE_URL[p].format(h) for p, h in zip(platform, handles, strict=True)],
            "country": country,
            "language": language,
            "bio": bios,
            "followers": followers,
            "following": following,
            "posts_count": rng.integers(60, 2500, n),
            "avg_likes": avg_likes.round(1),
            "avg_comments": avg_comments.round(1),
            "avg_views": np.where(platform == "instagram", np.nan, (followers * rng.uniform(0.2, 1.5, n)).round()),
            "reported_engagement_rate": er.round(5),
            "contact_email": np.char.add(handles, "@example.com"),
            "quoted_price": np.where(has_price, price, np.nan),
            "price_currency": "USD",
            "source": "demo",
            "created_at": now,
            "updated_at": now,
            "data_updated_at": now,
        }
    )  # fmt: skip
    counts["creators"] = write_frame(Creator, frame)

    # Categories: the primary one plus up to two more.
    extra = rng.integers(0, len(CATEGORIES), (n, 2))
    keep = rng.random((n, 2)) < np.array([0.6, 0.3])
    cat_rows = pd.DataFrame(
        {
            "creator_id": np.concatenate([ids, ids[keep[:, 0]], ids[keep[:, 1]]]),
            "category_idx": np.concatenate([primary, extra[keep[:, 0], 0], extra[keep[:, 1], 1]]),
        }
    ).drop_duplicates()
    id_by_idx = np.array([category_ids[c] for c in CATEGORIES])
    through = Creator.categories.through
    counts["creator_categories"] = write_frame(
        through,
        pd.DataFrame(
            {"creator_id": cat_rows.creator_id, "category_id": id_by_idx[cat_rows.category_idx]}
        ),
    )

    posts = _posts(rng, frame, er, odd_ratio, now)
    posts["caption"] = build_captions(
        texts_rng, cat_names[primary], kw, n, POSTS_PER_CREATOR, posts.is_sponsored.to_numpy()
    )
    posts["caption_length"] = posts.caption.str.len()
    counts["posts"] = write_frame(Post, posts)
    reset_sequence(Post)
    commenters = pd.DataFrame({"id": ids, "handle": handles, "keywords": kw})
    fake_engagement = bought | odd_ratio
    if with_comments:
        counts.update(build_comments(texts_rng, commenters, fake_engagement, posts, now))
    counts["snapshots"] = _snapshots(rng, frame, spiked, bought, today)
    counts["audience_shares"] = _audience(rng, frame, primary)
    counts["sketches"] = _sketches(rng, frame, primary, extra, sketch_budget)

    summary = frame[["id", "platform", "handle", "followers", "country", "quoted_price"]].copy()
    summary["er"] = er
    summary["category"] = cat_names[primary]
    summary["fraud"] = fraud_kind
    return summary, counts


def _categories() -> dict[str, int]:
    existing = dict(Category.objects.values_list("name", "id"))
    missing = [Category(name=c, slug=slugify(c)) for c in CATEGORIES if c not in existing]
    Category.objects.bulk_create(missing, ignore_conflicts=True)
    return dict(Category.objects.values_list("name", "id"))


def _posts(rng, frame: pd.DataFrame, er: np.ndarray, odd_ratio: np.ndarray, now) -> pd.DataFrame:
    """The posts frame (explicit ids after the stored ones), not yet written."""
    n, k = len(frame), POSTS_PER_CREATOR
    followers = np.repeat(frame.followers.to_numpy(), k)
    post_er = np.repeat(er, k) * rng.lognormal(0, 0.35, n * k)
    comment_share = rng.uniform(0.02, 0.06, n * k)
    # Out-of-line ratios: half get comments in bulk (pods), half almost none (bought likes).
    odd = np.repeat(odd_ratio, k)
    pods = odd & np.repeat(rng.random(n) < 0.5, k)  # per creator: a habit, not one post
    comment_share[pods] = rng.uniform(0.35, 0.6, pods.sum())
    comment_share[odd & ~pods] = rng.uniform(0.0005, 0.002, (odd & ~pods).sum())
    engagements = followers * post_er
    likes = np.round(engagements * (1 - comment_share)).astype(np.int64)
    comments = np.round(engagements * comment_share).astype(np.int64)
    platform = np.repeat(frame.platform.to_numpy(), k)
    video = platform != "instagram"
    views = pd.array(
        np.where(video, np.round(followers * rng.uniform(0.2, 1.8, n * k)), np.nan), dtype="Int64"
    )
    # One post every ~5 days going back from yesterday.
    age_days = np.tile(np.arange(k) * 5 + 1, n) + rng.integers(0, 4, n * k)
    posted_at = pd.Timestamp(now) - pd.to_timedelta(age_days, unit="D")
    ext = np.char.add("p", np.tile(np.arange(1, k + 1), n).astype(str))
    sponsored = rng.random(n * k) < 0.12
    start = (Post.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    posts = pd.DataFrame(
        {
            "id": np.arange(start, start + n * k, dtype=np.int64),
            "creator_id": np.repeat(frame.id.to_numpy(), k),
            "external_id": ext,
            "url": np.char.add(np.char.add("https://example.com/p/", np.repeat(frame.handle.to_numpy(), k)), np.char.add("/", ext)),
            "posted_at": posted_at,
            "likes": likes,
            "comments": comments,
            "views": views,
            "shares": pd.NA,
            "saves": pd.NA,
            "is_sponsored": sponsored,
            "sponsor_handles": np.where(sponsored, '["demobrand"]', "[]"),
            "hashtags": "[]",
        }
    )  # fmt: skip
    rng.integers(20, 900, n * k)  # was the caption length: keeps the later draws as they were
    return posts


def _snapshots(rng, frame: pd.DataFrame, spiked, bought, today) -> int:
    """Monthly follower counts ending at today's; spiked creators jump 30-90% in one month."""
    n, k = len(frame), SNAPSHOTS_PER_CREATOR
    growth = rng.normal(0.015, 0.01, (n, k - 1))
    spike_at = rng.integers(0, k - 1, n)
    growth[spiked, spike_at[spiked]] += rng.uniform(0.3, 0.9, spiked.sum())
    # Going backwards from today's count: divide out each month's growth.
    factors = np.cumprod(1 + growth[:, ::-1], axis=1)
    back = frame.followers.to_numpy()[:, None] / factors
    counts = np.concatenate([back[:, ::-1], frame.followers.to_numpy()[:, None]], axis=1)
    dates = np.array([today - timedelta(days=30 * (k - 1 - i)) for i in range(k)])
    following = np.repeat(frame.following.to_numpy(), k)
    snaps = pd.DataFrame(
        {
            "creator_id": np.repeat(frame.id.to_numpy(), k),
            "date": np.tile(dates, n),
            "followers": np.maximum(counts.ravel().round(), 0).astype(np.int64),
            "following": following,
        }
    )
    return write_frame(FollowerSnapshot, snaps)


def _dirichlet_rows(rng, alpha: np.ndarray, buckets: np.ndarray, ids, dimension: str, floor=0.01):
    """Rows of shares drawn per creator from Dirichlet(alpha); tiny shares are dropped and the
    rest renormalised so each creator's shares in the dimension sum to 1."""
    draws = rng.gamma(alpha)
    shares = draws / draws.sum(axis=1, keepdims=True)
    shares[shares < floor] = 0
    shares = shares / shares.sum(axis=1, keepdims=True)
    creator_idx, bucket_idx = np.nonzero(shares)
    return pd.DataFrame(
        {
            "creator_id": ids[creator_idx],
            "dimension": dimension,
            "bucket": buckets[bucket_idx],
            "share": shares[creator_idx, bucket_idx].round(6),
        }
    )


def _audience(rng, frame: pd.DataFrame, primary: np.ndarray) -> int:
    n = len(frame)
    ids = frame.id.to_numpy()
    own_country = (frame.country.to_numpy()[:, None] == COUNTRIES[None, :]).astype(float)
    own_language = (frame.language.to_numpy()[:, None] == LANGUAGES[None, :]).astype(float)
    female_lean = rng.uniform(0.3, 3.0, n)
    young = rng.uniform(0.5, 3.0, n)
    age_alpha = np.stack(
        [0.3 * young, 2.0 * young, 3.0 + 0 * young, 2.0 + 0 * young, 1.0 / young, 0.5 / young], 1
    )
    interest_alpha = np.full((n, len(CATEGORIES)), 0.08)
    interest_alpha[np.arange(n), primary] = 4.0
    frames = [
        _dirichlet_rows(rng, 0.3 + 8 * own_country, COUNTRIES, ids, "country"),
        _dirichlet_rows(rng, age_alpha, AGE_BUCKETS, ids, "age"),
        _dirichlet_rows(
            rng, np.stack([5 * female_lean, 5 / female_lean, np.full(n, 0.15)], 1), GENDERS, ids,
            "gender",
        ),
        _dirichlet_rows(rng, 0.2 + 10 * own_language, LANGUAGES, ids, "language"),
        _dirichlet_rows(rng, interest_alpha, np.array([c.lower() for c in CATEGORIES]), ids,
                        "interest", floor=0.03),
    ]  # fmt: skip
    shares = pd.concat(frames, ignore_index=True)
    shares["sample_size"] = 1000
    return write_frame(AudienceShare, shares)


def _sketches(rng, frame: pd.DataFrame, primary: np.ndarray, extra: np.ndarray, budget: int) -> int:
    """Follower-id samples for ~40% of creators (the rest show "overlap unknown").

    Communities: each category has a few, each a block of COMMUNITY_SIZE ids. A creator draws
    ~70% of its sample from 1-3 communities (the first from its primary category) and the rest
    from a huge global pool, so creators of one niche share followers and others barely do.
    """
    n = len(frame)
    per_category = 3
    chosen = np.flatnonzero(rng.random(n) < 0.4)[: max(budget, 0)]
    objs = []
    for i in chosen:
        size = int(rng.integers(1000, 5001))
        n_comm = int(rng.integers(1, 4))
        cats = [primary[i], extra[i, 0], extra[i, 1]][:n_comm]
        comms = [c * per_category + int(rng.integers(0, per_category)) for c in cats]
        local = int(size * 0.7)
        comm_pick = rng.choice(comms, local)
        ids = comm_pick * COMMUNITY_SIZE + rng.integers(0, COMMUNITY_SIZE, local)
        pool = GLOBAL_POOL + rng.integers(0, GLOBAL_POOL, size - local)
        objs.append(
            AudienceSketch(
                creator_id=int(frame.id.iat[i]), **sketch_values(np.concatenate([ids, pool]))
            )
        )
    AudienceSketch.objects.bulk_create(objs, batch_size=200)
    return len(objs)
