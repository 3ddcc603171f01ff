"""The column detector (creators.importing.columns): headers read by their words, columns by
their content, with the evidence of each choice. Most tests need no database: detect() reads
headers and a sample of rows only."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creators.importing.columns import DERIVED_PREFIX, detect, header_tokens
from creators.importing.content import ColumnProfile, slug_handle
from creators.importing.registry import get_kind

PROFILES = get_kind("profiles")
POSTS = get_kind("posts")


def sample(columns: dict[str, list]) -> pd.DataFrame:
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    frame.index = pd.RangeIndex(2, 2 + len(frame), name="row")
    return frame


def mapping_of(headers, spec, rows=None):
    return detect(list(headers), spec, None if rows is None else sample(rows)).mapping


def test_header_words_split_camel_case_emoji_and_other_separators():
    assert header_tokens("subscriberCount") == ("subscriber", "count")
    assert header_tokens("#Followees") == ("followees",)
    assert header_tokens("IG account name") == ("ig", "account", "name")
    assert header_tokens("📈 Followers · total") == ("followers", "total")
    assert header_tokens("Engagement Rate (%)") == ("engagement", "rate", "pct")
    assert header_tokens("taken_at_timestamp") == ("taken", "at", "timestamp")


@pytest.mark.parametrize(
    ("header", "spec", "field"),
    [
        ("owner_username", POSTS, "handle"),
        ("creator_user_name", POSTS, "handle"),
        ("taken_at_timestamp", POSTS, "posted_at"),
        ("posted_at_utc", POSTS, "posted_at"),
        ("IG account name", PROFILES, "handle"),
        ("followees", PROFILES, "following"),
        ("#Followees", PROFILES, "following"),
        ("Follower Count (#)", PROFILES, "followers"),
        ("engagement_rate_pct", PROFILES, "reported_engagement_rate"),
    ],
)
def test_headers_the_import_issues_named_are_read_by_their_words(header, spec, field):
    assert mapping_of([header], spec).get(field) == header


def test_the_audience_country_is_not_the_creators_country():
    detection = detect(["handle", "followers", "Audience country(mostly)"], PROFILES)
    assert "country" not in detection.mapping
    assert detection.mapping["audience_top_country"] == "Audience country(mostly)"
    both = mapping_of(["handle", "followers", "Audience country(mostly)", "Country"], PROFILES)
    assert both["country"] == "Country"


def test_exact_names_beat_word_matches_and_specific_beats_general():
    headers = ["followers_last_30_days", "Followers", "following_count", "name", "full_name"]
    mapping = mapping_of(headers, PROFILES)
    assert mapping["followers"] == "Followers"
    assert mapping["following"] == "following_count"
    # "full_name" is the display name's own synonym; "name" stays for nothing else.
    assert mapping["display_name"] in ("name", "full_name")
    assert "Unemployment rate" not in mapping_of(["handle", "Unemployment rate"], PROFILES).values()


INSTALOADER_PROFILE = {
    "username": "handle",
    "full_name": "display_name",
    "followers": "followers",
    "followees": "following",
    "mediacount": "posts_count",
    "biography": "bio",
    "external_url": "profile_url",
}
INSTALOADER_POST = {
    "shortcode": "external_id",
    "owner_username": "handle",
    "taken_at": "posted_at",
    "likes": "likes",
    "comments": "comments",
    "video_view_count": "views",
}
YOUTUBE_CHANNEL = {
    "channel title": "display_name",
    "subscriberCount": "followers",
    "videoCount": "posts_count",
    "customUrl": "handle",
}
YOUTUBE_VIDEO = {"videoId": "external_id", "publishedAt": "posted_at", "viewCount": "views"}
TIKTOK_PROFILE = {
    "uniqueId": "handle",
    "nickname": "display_name",
    "followerCount": "followers",
    "followingCount": "following",
    "videoCount": "posts_count",
}
TIKTOK_POST = {
    "id": "external_id",
    "createTime": "posted_at",
    "playCount": "views",
    "diggCount": "likes",
    "shareCount": "shares",
    "commentCount": "comments",
}


@pytest.mark.parametrize(
    ("columns", "extra", "spec"),
    [
        (INSTALOADER_PROFILE, ["is_verified", "profile_pic_url"], PROFILES),
        (INSTALOADER_POST, ["is_video", "caption_hashtags", "tagged_users"], POSTS),
        (YOUTUBE_CHANNEL, ["viewCount", "publishedAt"], PROFILES),
        ({**YOUTUBE_VIDEO, "channelTitle": None}, ["title", "likeCount"], POSTS),
        (TIKTOK_PROFILE, ["heartCount", "diggCount"], PROFILES),
        (TIKTOK_POST, ["author_uniqueId"], POSTS),
    ],
)
def test_the_field_names_of_common_exports(columns, extra, spec):
    mapping = mapping_of([*columns, *extra], spec)
    expected = {field: header for header, field in columns.items() if field}
    assert {f: mapping.get(f) for f in expected} == expected
    assert mapping.get("handle") != "tagged_users"


# The zoo: each field's name dressed the way exports dress it.
VARIANTS = [
    lambda h: h.upper(),
    lambda h: h.replace("_", " ").title(),
    lambda h: "".join(w.capitalize() if i else w for i, w in enumerate(h.split("_"))),
    lambda h: "ig_" + h,
    lambda h: h + " (#)",
    lambda h: "📈 " + h.replace("_", " "),
    lambda h: h.replace("_", "·"),
    lambda h: h.replace("_", "／") + " 🔥",
    lambda h: "TikTok - " + h.replace("_", "-"),
    lambda h: h.replace("_", " ") + ":",
]
ZOO_FIELDS = [
    (PROFILES, "handle", "username"),
    (PROFILES, "followers", "followers"),
    (PROFILES, "following", "following"),
    (PROFILES, "display_name", "display_name"),
    (PROFILES, "posts_count", "posts_count"),
    (PROFILES, "avg_likes", "avg_likes"),
    (PROFILES, "avg_comments", "avg_comments"),
    (PROFILES, "avg_views", "avg_views"),
    (PROFILES, "reported_engagement_rate", "engagement_rate"),
    (PROFILES, "country", "country"),
    (PROFILES, "contact_email", "contact_email"),
    (PROFILES, "profile_url", "profile_url"),
    (POSTS, "external_id", "post_id"),
    (POSTS, "posted_at", "posted_at"),
    (POSTS, "likes", "like_count"),
    (POSTS, "views", "view_count"),
    (POSTS, "shares", "shares"),
]


@pytest.mark.parametrize("variant", range(len(VARIANTS)))
@pytest.mark.parametrize(("spec", "field", "base"), ZOO_FIELDS)
def test_a_zoo_of_header_variants_per_field(spec, field, base, variant):
    header = VARIANTS[variant](base)
    others = [h for h in ("handle", "followers", "platform", "post_id") if h != base]
    others = [h for h in others if spec.field(field).name not in (h,)]
    mapping = mapping_of([header, *others], spec)
    assert mapping.get(field) == header, (header, mapping)


HANDLES = ["green.kitchen", "veggie_dan", "anna_1987", "mr.x", "12345678", "cooking4u"]
NAMES = ["Green Kitchen", "Dan Veggie", "Анна Смирнова", "Mr X", "李小龙", "Cooking For You"]


def test_a_name_column_of_handles_is_the_handle_and_the_names_the_display_name():
    rows = {"Instagram name": HANDLES, "Name": NAMES, "Subscribers": ["1.2M", "3K"] * 3}
    detection = detect(list(rows), PROFILES, sample(rows))
    assert detection.mapping["handle"] == "Instagram name"
    assert detection.mapping["display_name"] == "Name"
    assert detection.mapping["followers"] == "Subscribers"
    assert "100% of values look like handles" in detection.explain("handle")
    # The other way round, the content swaps them.
    rows = {"Name": HANDLES, "Full name": NAMES, "followers": ["10"] * 6}
    mapping = mapping_of(rows, PROFILES, rows)
    assert (mapping["handle"], mapping["display_name"]) == ("Name", "Full name")


def test_a_platform_synonym_with_other_values_is_ruled_out_by_them():
    rows = {"handle": HANDLES, "followers": ["1"] * 6, "channel_type": ["Music", "Games"] * 3}
    detection = detect(list(rows), PROFILES, sample(rows))
    assert "platform" not in detection.mapping
    assert "0% of its values are platform names" in detection.explain("platform")


def test_the_content_breaks_ties_between_two_columns_of_a_field():
    rows = {
        "handle": HANDLES,
        "followers": ["1"] * 6,
        "Country": ["Germany", "US", "nan", "India", "Brazil", "France"],
        "country_rank": ["1", "2", "3", "4", "5", "6"],
    }
    assert mapping_of(rows, PROFILES, rows)["country"] == "Country"
    rows = {"handle": HANDLES, "followers": ["1"] * 6, "country_rank": ["1", "2"] * 3}
    assert "country" not in mapping_of(rows, PROFILES, rows)


def test_handles_are_derived_from_display_names_when_no_column_holds_them():
    rows = {
        "Youtuber": ["T-Series", "YouTube Movies", "MrBeast", "Beyoncé"],
        "subscribers": ["1"] * 4,
    }
    detection = detect(list(rows), PROFILES, sample(rows))
    assert detection.mapping["display_name"] == "Youtuber"
    assert detection.mapping["handle"] == DERIVED_PREFIX + "Youtuber"
    choice = detection.choices["handle"]
    assert choice.derived and choice.sure
    assert "handles derived from the names in 'Youtuber'" in choice.evidence
    assert [slug_handle(v) for v in rows["Youtuber"]] == [
        "tseries",
        "youtubemovies",
        "mrbeast",
        "beyonce",
    ]
    with pytest.raises(ValueError, match="no handle can be derived"):
        slug_handle("李小龙")


def test_a_profile_of_values():
    profile = ColumnProfile(pd.Series(["1.2K", "3M", "12,345", None, "", "7"]))
    assert profile.share("count") == 1.0
    assert profile.share("handle") == 0.25  # "7" could be a handle too
    assert ColumnProfile(pd.Series(["a", None])).fit("count") is None
    dates = ColumnProfile(pd.Series(["1714521600", "2024-05-01T10:00:00Z", "May 2, 2024"]))
    assert dates.share("date") == 1.0


# The property: an export's columns, in any order and renamed the ways exports do, map the same.
EXPORT = {
    "username": ("handle", HANDLES),
    "full_name": ("display_name", NAMES),
    "followers": ("followers", ["1.2M", "30K", "12,345", "900", "48", "7"]),
    "following_count": ("following", ["10", "20", "30", "40", "50", "60"]),
    "engagement_rate": ("reported_engagement_rate", ["3.4%", "1%", "2.5%", "0.5%", "7%", "4%"]),
    "country": ("country", ["DE", "Germany", "US", "India", "FR", "BR"]),
    "contact_email": ("contact_email", [f"a{i}@example.com" for i in range(6)]),
}


@settings(max_examples=60, deadline=None)
@given(
    order=st.permutations(list(EXPORT)),
    variants=st.lists(
        st.integers(0, len(VARIANTS) - 1), min_size=len(EXPORT), max_size=len(EXPORT)
    ),
)
def test_shuffled_and_renamed_columns_still_map(order, variants):
    renamed = {base: VARIANTS[v](base) for base, v in zip(order, variants, strict=True)}
    rows = {renamed[base]: EXPORT[base][1] for base in order}
    mapping = mapping_of(rows, PROFILES, rows)
    assert {field: mapping.get(field) for field, _ in EXPORT.values()} == {
        EXPORT[base][0]: renamed[base] for base in order
    }
