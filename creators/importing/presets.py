"""Presets: the column mappings of the exports admins have, by the exact names those tools write
(after JSON flattening, columns' dotted names). A preset is chosen automatically when the file's
headers fit it (every field it requires has one of its headers, and at least MIN_FIELDS of its
fields do; the best covered wins), or by hand (the preview's preset choice, import_creators
--preset). Its columns then win over the detector's guesses; a remembered or given mapping
still wins over the preset.

Each field lists the headers it may have, in order of preference: Instaloader writes JSON with
nested "node" objects, and its CSV users keep the property names.
"""

from __future__ import annotations

from dataclasses import dataclass

from creators.importing.columns import DERIVED_PREFIX

MIN_FIELDS = 3


@dataclass(frozen=True)
class Preset:
    name: str
    label: str
    kind: str
    fields: dict[str, tuple[str, ...]]
    required: tuple[str, ...] = ("handle",)

    def mapping(self, headers: list[str]) -> dict[str, str]:
        """field -> the file's header, for the fields whose headers the file has."""
        present = set(headers)
        mapping = {}
        for field, names in self.fields.items():
            for name in names:
                source = name.removeprefix(DERIVED_PREFIX)
                if source in present:
                    mapping[field] = name
                    break
        return mapping

    def fits(self, headers: list[str]) -> bool:
        mapping = self.mapping(headers)
        return len(mapping) >= MIN_FIELDS and all(f in mapping for f in self.required)


PRESETS = (
    Preset(
        "instaloader_profile",
        "Instaloader profile (JSON or CSV)",
        "profiles",
        {
            "handle": ("node.username", "username"),
            "display_name": ("node.full_name", "full_name"),
            "followers": ("node.edge_followed_by.count", "followers"),
            "following": ("node.edge_follow.count", "followees"),
            "posts_count": ("node.edge_owner_to_timeline_media.count", "mediacount"),
            "bio": ("node.biography", "biography"),
            "profile_url": ("node.external_url", "external_url"),
            "contact_email": ("node.business_email", "business_email"),
        },
        ("handle", "followers"),
    ),
    Preset(
        "instaloader_post",
        "Instaloader post (JSON or CSV)",
        "posts",
        {
            "handle": ("node.owner.username", "owner_username"),
            "external_id": ("node.shortcode", "shortcode"),
            "posted_at": ("node.taken_at_timestamp", "taken_at_timestamp", "date_utc", "date"),
            "likes": ("node.edge_media_preview_like.count", "node.edge_liked_by.count", "likes"),
            "comments": ("node.edge_media_to_comment.count", "comments"),
            "views": ("node.video_view_count", "video_view_count"),
            "is_sponsored": ("node.is_paid_partnership", "is_sponsored"),
            "caption": ("node.edge_media_to_caption.edges", "caption"),
        },
        ("handle", "external_id", "posted_at"),
    ),
    Preset(
        "modash",
        "Modash-style CSV export",
        "profiles",
        {
            "handle": ("Username", "username"),
            "display_name": ("Full name", "Fullname", "Name"),
            "followers": ("Followers",),
            "reported_engagement_rate": ("Engagement rate", "ER"),
            "avg_likes": ("Average likes", "Avg likes"),
            "avg_comments": ("Average comments", "Avg comments"),
            "avg_views": ("Average views", "Avg views", "Average reel plays"),
            "country": ("Country", "Location"),
            "contact_email": ("Email", "Emails"),
            "profile_url": ("Profile URL", "URL"),
        },
        ("handle", "followers"),
    ),
    Preset(
        "hypeauditor",
        "HypeAuditor-style CSV export",
        "profiles",
        {
            "handle": ("Instagram name", "Username", "Account"),
            "display_name": ("Name", "Full name"),
            "followers": ("Subscribers", "Followers"),
            "avg_engagements": ("Engagement avg.", "Engagement avg", "Avg. engagement"),
            "authentic_engagements": ("Authentic engagement",),
            "reported_engagement_rate": ("ER", "Engagement rate"),
            "country": ("Country", "Account country"),
        },
        ("handle", "followers"),
    ),
    Preset(
        "youtube_channel",
        "YouTube Data API channels (JSON)",
        "profiles",
        {
            "handle": ("snippet.customUrl", DERIVED_PREFIX + "snippet.title"),
            "display_name": ("snippet.title",),
            "followers": ("statistics.subscriberCount",),
            "posts_count": ("statistics.videoCount",),
            "bio": ("snippet.description",),
            "country": ("snippet.country",),
        },
        ("handle", "followers"),
    ),
    Preset(
        "youtube_video",
        "YouTube Data API videos (JSON)",
        "posts",
        {
            "handle": (DERIVED_PREFIX + "snippet.channelTitle",),
            "external_id": ("id", "contentDetails.videoId"),
            "posted_at": ("snippet.publishedAt",),
            "views": ("statistics.viewCount",),
            "likes": ("statistics.likeCount",),
            "comments": ("statistics.commentCount",),
            "caption": ("snippet.description", "snippet.title"),
        },
        ("handle", "external_id", "posted_at"),
    ),
    Preset(
        "tiktok_scraper",
        "TikTok scraper videos (JSON)",
        "posts",
        {
            "handle": ("authorMeta.name", "author.uniqueId", "author"),
            "external_id": ("id",),
            "posted_at": ("createTime", "createTimeISO"),
            "likes": ("diggCount", "stats.diggCount"),
            "comments": ("commentCount", "stats.commentCount"),
            "views": ("playCount", "stats.playCount"),
            "shares": ("shareCount", "stats.shareCount"),
            "saves": ("collectCount", "stats.collectCount"),
            "url": ("webVideoUrl",),
            "caption": ("text", "desc"),
        },
        ("handle", "external_id", "posted_at"),
    ),
    Preset(
        "youtube_comments",
        "YouTube Data API commentThreads / comments (JSON or CSV)",
        "comments",
        {
            "post": ("snippet.videoId", "snippet.topLevelComment.snippet.videoId", "videoId"),
            "external_id": ("snippet.topLevelComment.id", "id", "commentId"),
            # The channel id, not the display name: display names are not unique.
            "commenter": (
                "snippet.topLevelComment.snippet.authorChannelId.value",
                "snippet.authorChannelId.value",
                "authorChannelId.value",
                "authorChannelId",
                "authorDisplayName",
            ),
            "text": (
                "snippet.topLevelComment.snippet.textOriginal",
                "snippet.textOriginal",
                "textOriginal",
                "snippet.topLevelComment.snippet.textDisplay",
                "textDisplay",
            ),
            "created_at": (
                "snippet.topLevelComment.snippet.publishedAt",
                "snippet.publishedAt",
                "publishedAt",
            ),
            "like_count": (
                "snippet.topLevelComment.snippet.likeCount",
                "snippet.likeCount",
                "likeCount",
            ),
            "parent_external_id": ("snippet.parentId", "parentId"),
        },
        ("commenter",),
    ),
    Preset(
        "instaloader_comments",
        "Instaloader comments (JSON or CSV)",
        "comments",
        {
            "external_id": ("id",),
            "commenter": ("owner.username", "owner_username", "owner.id", "owner_id"),
            "text": ("text",),
            "created_at": ("created_at", "created_at_utc"),
            "like_count": ("likes_count", "like_count"),
        },
        ("commenter", "text"),
    ),
    Preset(
        "tiktok_profile",
        "TikTok scraper profiles (JSON)",
        "profiles",
        {
            "handle": ("authorMeta.name", "user.uniqueId", "uniqueId"),
            "display_name": ("authorMeta.nickName", "user.nickname", "nickname"),
            "followers": ("authorMeta.fans", "stats.followerCount", "followerCount"),
            "following": ("authorMeta.following", "stats.followingCount", "followingCount"),
            "posts_count": ("authorMeta.video", "stats.videoCount", "videoCount"),
            "bio": ("authorMeta.signature", "user.signature", "signature"),
        },
        ("handle", "followers"),
    ),
)


def presets_for(kind: str) -> list[Preset]:
    return [p for p in PRESETS if p.kind == kind]


def get_preset(name: str, kind: str) -> Preset:
    for preset in presets_for(kind):
        if preset.name == name:
            return preset
    names = ", ".join(p.name for p in presets_for(kind)) or "none"
    raise ValueError(f"No preset {name!r} for {kind}; the presets for {kind}: {names}.")


def fitting_preset(headers: list[str], kind: str) -> Preset | None:
    """The preset the headers fit best (most of its fields present), or None."""
    fitting = [p for p in presets_for(kind) if p.fits(headers)]
    return max(fitting, key=lambda p: len(p.mapping(headers)), default=None)
