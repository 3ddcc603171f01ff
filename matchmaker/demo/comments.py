"""Demo comments, vectorised: a bounded sample under each post (at most MAX_PER_POST, never more
than the post's comment count), for up to MAX_COMMENTED_CREATORS creators.

Shapes (the comment signals read these): most creators get mostly substantive comments from
loyal fans (repeat commenters) and passers-by, some generic praise ("nice pic", emoji only),
some spam from a small set of spam accounts ("sub4sub", links), some purchase-intent questions
("how much?"). Creators with fake engagement get far more generic and spam comments. About
REPLY_HEAVY_SHARE of creators answer a lot (is_creator_reply, threaded by
parent_external_id), the others now and then, intent questions most. PODS planted pods: a few
accounts each commenting on most posts of 3-5 creators within minutes of posting.
Commenters are stored as keyed hashes of made-up handles (creators.commenters), like imports.
"""

import numpy as np
import pandas as pd

from creators.commenters import commenter_keys
from creators.models import Comment
from matchmaker.demo.bulk import write_frame

MAX_PER_POST = 20
MEAN_PER_POST = 5
MAX_COMMENTED_CREATORS = 10_000
FANS_PER_CREATOR = 40
FAN_SHARE = 0.55  # of a creator's comments written by its own regulars
GLOBAL_COMMENTERS = 100_000
SPAM_ACCOUNTS = 300
REPLY_HEAVY_SHARE = 0.15
PODS, POD_MEMBERS, POD_PRESENCE = 2, 10, 0.85

GENUINE = np.array([
    ("This is exactly the ", " content I needed, thank you"),
    ("Tried your ", " tip yesterday and it actually worked!"),
    ("How long did it take you to get into ", "? Your progress is inspiring"),
    ("Saving this for my ", " weekend, great explanation"),
    ("I see it a bit differently on the ", " part, but really useful post"),
    ("Finally someone explains ", " without the hype"),
])  # fmt: skip
GENERIC = np.array([
    "nice pic", "🔥🔥🔥", "😍😍", "wow", "Nice!", "👏👏", "love it", "❤️", "great post", "cool",
])  # fmt: skip
SPAM = np.array([
    "check my page 👀", "sub4sub anyone?", "follow me, I follow back", "DM us to collab 💰",
    "Earn $500/day from home: http://bit.ly/x2fast", "free followers at www.getfans.example",
    "check out my channel!!",
])  # fmt: skip
INTENT = np.array([
    "how much?", "where can I buy this?", "price please", "link?", "Where did you get it?",
    "Does it ship to Europe?",
])  # fmt: skip
REPLIES = np.array(["Thank you so much!", "Glad it helped 😊", "Haha yes!", "Appreciate you!"])
INTENT_REPLIES = np.array(["Link in my bio!", "It's on their website, link in bio 🙌"])
POD_TEXTS = np.array(["🔥🔥", "Amazing!!", "So good 😍", "Love this!!", "Yesss 🙌", "Stunning"])
GENUINE_KIND, GENERIC_KIND, SPAM_KIND, INTENT_KIND = range(4)
COLUMNS = [
    "post_id",
    "creator_id",
    "external_id",
    "parent_external_id",
    "commenter_key",
    "text",
    "created_at",
    "is_creator_reply",
    "like_count",
]


def build_comments(
    rng, creators: pd.DataFrame, fake: np.ndarray, posts: pd.DataFrame, now
) -> dict[str, int]:
    """Write the comments of the posts (columns id, creator_id, posted_at, comments; creators
    has id, handle, keywords; fake marks creators with fake engagement). Returns counts."""
    commented = np.arange(len(creators))
    if len(commented) > MAX_COMMENTED_CREATORS:
        commented = np.sort(rng.choice(commented, MAX_COMMENTED_CREATORS, replace=False))
    position_of = pd.Series(np.arange(len(creators)), index=creators.id.to_numpy())
    post_creator = position_of.loc[posts.creator_id.to_numpy()].to_numpy()
    chosen = np.isin(post_creator, commented)
    posts, post_creator = posts[chosen], post_creator[chosen]
    top = _top_level(rng, creators, fake, posts, post_creator, now)
    replies = _creator_replies(rng, creators, top, now)
    pods, pod_creators = _pods(rng, creators, fake, posts, post_creator, commented)
    frame = pd.concat([top[COLUMNS], replies[COLUMNS], pods[COLUMNS]], ignore_index=True)
    # ISO text in C: pandas' CSV writer formats timestamps one by one.
    moments = pd.DatetimeIndex(frame.created_at).tz_convert("UTC").tz_localize(None)
    frame["created_at"] = np.char.add(
        np.datetime_as_string(moments.to_numpy().astype("datetime64[s]"), unit="s"), "+00:00"
    )
    write_frame(Comment, frame, not_null=("parent_external_id",))
    return {
        "comments": len(frame),
        "creator_replies": len(replies),
        "pod_comments": len(pods),
        "pod_creators": len(pod_creators),
    }


def _top_level(rng, creators, fake, posts, post_creator, now) -> pd.DataFrame:
    counts = np.minimum(
        np.minimum(rng.poisson(MEAN_PER_POST, len(posts)), MAX_PER_POST), posts.comments
    ).to_numpy()
    total = int(counts.sum())
    row_post = np.repeat(np.arange(len(posts)), counts)
    ordinal = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    creator = post_creator[row_post]
    # Each creator's mix of genuine / generic / spam / intent comments.
    alpha = np.where(fake[:, None], [2.0, 6.0, 5.0, 1.0], [12.0, 4.0, 1.0, 2.0])
    mix = rng.gamma(alpha)
    mix = np.cumsum(mix / mix.sum(axis=1, keepdims=True), axis=1)
    kind = (rng.random(total)[:, None] > mix[creator][:, :3]).sum(axis=1)
    # Who: the creator's regulars, passers-by, or (for spam) one of a few spam accounts.
    regular = rng.random(total) < FAN_SHARE
    who = np.where(
        regular,
        creator * FANS_PER_CREATOR + rng.integers(0, FANS_PER_CREATOR, total),
        len(creators) * FANS_PER_CREATOR + rng.integers(0, GLOBAL_COMMENTERS, total),
    )
    spam = kind == SPAM_KIND
    who[spam] = -1 - rng.integers(0, SPAM_ACCOUNTS, int(spam.sum()))
    text = _texts(rng, creators.keywords.to_numpy()[creator], kind)
    posted_at = pd.DatetimeIndex(posts.posted_at.to_numpy()[row_post])
    delay = pd.to_timedelta(rng.exponential(5 * 60, total).round() + 1, unit="min")
    created_at = _not_after(posted_at + delay, now)
    likes = np.where(spam, 0, rng.geometric(np.where(kind == GENUINE_KIND, 0.25, 0.6)) - 1)
    return pd.DataFrame(
        {
            "post_id": posts.id.to_numpy()[row_post],
            "creator_id": creators.id.to_numpy()[creator],
            "external_id": np.char.add("c", ordinal.astype(str)),
            "parent_external_id": "",
            "commenter_key": _keys(who),
            "text": text,
            "created_at": created_at,
            "is_creator_reply": False,
            "like_count": likes,
            "kind": kind,
            "creator": creator,
        }
    )


def _texts(rng, keywords: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """The comment texts by kind; genuine ones name a word of the creator's niche."""
    size = len(kind)
    distinct, codes = np.unique(keywords.astype(str), return_inverse=True)
    words = [k.split(" ") for k in distinct]
    width = max((len(w) for w in words), default=1)
    table = np.array([[w[i % len(w)] for i in range(width)] for w in words]).reshape(-1, width)
    word = table[codes, rng.integers(0, width, size)] if size else np.array([], dtype=str)
    template = GENUINE[rng.integers(0, len(GENUINE), size)]
    genuine = np.char.add(np.char.add(template[:, 0], word), template[:, 1]) if size else word
    choices = [genuine, rng.choice(GENERIC, size), rng.choice(SPAM, size), rng.choice(INTENT, size)]
    return np.choose(kind, [c.astype(object) for c in choices])


def _creator_replies(rng, creators, top: pd.DataFrame, now) -> pd.DataFrame:
    heavy = rng.random(len(creators)) < REPLY_HEAVY_SHARE
    creator = top.creator.to_numpy()
    intent = top.kind.to_numpy() == INTENT_KIND
    chance = np.where(heavy[creator], np.where(intent, 0.8, 0.5), np.where(intent, 0.25, 0.03))
    chance[top.kind.to_numpy() == SPAM_KIND] = 0
    answered = top[rng.random(len(top)) < chance]
    size = len(answered)
    own_keys = commenter_keys(creators.handle.to_numpy())
    text = np.where(
        answered.kind.to_numpy() == INTENT_KIND,
        rng.choice(INTENT_REPLIES, size),
        rng.choice(REPLIES, size),
    )
    delay = pd.to_timedelta(rng.exponential(3 * 60, size).round() + 2, unit="min")
    created_at = _not_after(pd.DatetimeIndex(answered.created_at) + delay, now)
    return pd.DataFrame(
        {
            "post_id": answered.post_id.to_numpy(),
            "creator_id": answered.creator_id.to_numpy(),
            "external_id": np.char.add("r", answered.external_id.to_numpy().astype(str)),
            "parent_external_id": answered.external_id.to_numpy(),
            "commenter_key": own_keys[answered.creator.to_numpy()],
            "text": text,
            "created_at": created_at,
            "is_creator_reply": True,
            "like_count": rng.integers(0, 4, size),
        }
    )


def _pods(rng, creators, fake, posts, post_creator, commented) -> tuple[pd.DataFrame, list]:
    """PODS groups of POD_MEMBERS accounts, each commenting on most posts of 3-5 creators (those
    with fake engagement first) within 1-15 minutes of posting."""
    candidates = commented[fake[commented]]
    if len(candidates) < PODS * 5:
        candidates = commented
    order = rng.permutation(candidates)
    frames, members_of, chosen = [], [], []
    start = 0
    for pod in range(PODS):
        size = int(rng.integers(3, 6))
        group = order[start : start + size]
        start += size
        chosen += group.tolist()
        pod_posts = np.flatnonzero(np.isin(post_creator, group))
        member = np.repeat(np.arange(POD_MEMBERS)[None, :], len(pod_posts), axis=0)
        present = rng.random(member.shape) < POD_PRESENCE
        rows = np.repeat(pod_posts, POD_MEMBERS)[present.ravel()]
        who = member.ravel()[present.ravel()]
        members_of.append(who)
        delay = pd.to_timedelta(rng.uniform(60, 900, len(rows)).round(), unit="s")
        frames.append(
            pd.DataFrame(
                {
                    "post_id": posts.id.to_numpy()[rows],
                    "creator_id": creators.id.to_numpy()[post_creator[rows]],
                    "external_id": np.char.add(f"pod{pod}_", who.astype(str)),
                    "parent_external_id": "",
                    "commenter_key": commenter_keys([f"demo_pod{pod}_{m}" for m in who]),
                    "text": rng.choice(POD_TEXTS, len(rows)),
                    "created_at": pd.DatetimeIndex(posts.posted_at.to_numpy()[rows]) + delay,
                    "is_creator_reply": False,
                    "like_count": rng.integers(0, 3, len(rows)),
                }
            )
        )
    return pd.concat(frames, ignore_index=True), chosen


def _not_after(moments: pd.DatetimeIndex, now) -> np.ndarray:
    """No comment is dated after the seeding."""
    limit = pd.Timestamp(now) - pd.Timedelta(seconds=1)
    return moments.where(moments <= limit, limit)


def _keys(who: np.ndarray) -> np.ndarray:
    """The keyed hash of each made-up commenter (regulars, passers-by, spam accounts), each
    distinct one hashed once."""
    distinct, codes = np.unique(who, return_inverse=True)
    return commenter_keys([f"demo_fan_{i}" for i in distinct.tolist()])[codes.ravel()]
