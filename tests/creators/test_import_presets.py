"""Presets for the exports admins have: chosen when the headers fit, selectable by hand (the
preview's ?preset=, import_creators --preset); files of each import with no mapping given."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from creators.importing.jsonfiles import flatten
from creators.importing.presets import PRESETS, fitting_preset
from creators.models import Creator, ImportJob, ImportStatus, Post
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

YOUTUBE_CHANNELS = {
    "kind": "youtube#channelListResponse",
    "items": [
        {
            "id": "UCX6OQ3DkcsbYNE6H8uQQuVA",
            "snippet": {"title": "MrBeast", "customUrl": "@mrbeast", "country": "US"},
            "statistics": {"subscriberCount": "166000000", "videoCount": "741", "viewCount": "9"},
        },
        {
            "id": "UCq-Fj5jknLsUf-MWSy4_brA",
            "snippet": {
                "title": "T-Series",
                "customUrl": "@tseries",
                "description": "Music",
                "country": "IN",
            },
            "statistics": {"subscriberCount": "245000000", "videoCount": "20082"},
        },
    ],
}
YOUTUBE_VIDEOS = {
    "items": [
        {
            "id": "0e3GPea1Tyg",
            "snippet": {"publishedAt": "2021-11-24T21:00:01Z", "channelTitle": "MrBeast"},
            "statistics": {
                "viewCount": "600000000",
                "likeCount": "15000000",
                "commentCount": "900000",
            },
        }
    ]
}
TIKTOK_VIDEOS = [
    {
        "id": "7106594312292453675",
        "text": "Recipe #food",
        "createTime": 1654511523,
        "authorMeta": {"name": "veggie_dan", "nickName": "Dan", "fans": 383100},
        "diggCount": 1200,
        "shareCount": 30,
        "playCount": 10000,
        "commentCount": 45,
        "webVideoUrl": "https://www.tiktok.com/@veggie_dan/video/7106594312292453675",
    }
]
MODASH = (
    "Username,Full name,Followers,Engagement rate,Average likes,Average views,Location,Email\n"
    "green.kitchen,Green Kitchen,48.5K,3.4%,1200,,Germany,hi@green.example.com\n"
)
HYPEAUDITOR = (
    "Instagram name,Name,Subscribers,Audience country(mostly),Authentic engagement,Engagement avg.\n"
    "cristiano,Cristiano Ronaldo,400M,India,5.4M,6.6M\n"
)


def headers_of(record_json: str) -> list[str]:
    data = json.loads(record_json)
    records = data["items"] if isinstance(data, dict) else data
    return list(dict.fromkeys(k for r in records for k in flatten(r)))


@pytest.mark.parametrize(
    ("content", "kind", "expected"),
    [
        (json.dumps(YOUTUBE_CHANNELS), "profiles", "youtube_channel"),
        (json.dumps(YOUTUBE_VIDEOS), "posts", "youtube_video"),
        (json.dumps(TIKTOK_VIDEOS), "posts", "tiktok_scraper"),
        (json.dumps(TIKTOK_VIDEOS), "profiles", "tiktok_profile"),
    ],
)
def test_the_preset_the_headers_fit_is_chosen(content, kind, expected):
    assert fitting_preset(headers_of(content), kind).name == expected


def test_csv_exports_fit_their_presets():
    assert fitting_preset(MODASH.splitlines()[0].split(","), "profiles").name == "modash"
    assert fitting_preset(HYPEAUDITOR.splitlines()[0].split(","), "profiles").name == "hypeauditor"
    assert fitting_preset(["handle", "followers"], "profiles") is None
    assert {p.kind for p in PRESETS} == {"profiles", "posts", "comments"}


def test_youtube_data_api_channels_and_videos_import_with_no_mapping(run_import):
    job = run_import(
        "profiles", json.dumps(YOUTUBE_CHANNELS), name="channels.json", platform="youtube"
    )
    assert job.status == ImportStatus.SUCCEEDED, job.message
    mrbeast = Creator.objects.get(platform="youtube", handle="mrbeast")
    assert (mrbeast.followers, mrbeast.posts_count, mrbeast.country) == (166_000_000, 741, "US")
    assert Creator.objects.get(handle="tseries").display_name == "T-Series"
    # Videos name their channel by title only: the preset derives the handle from it.
    job = run_import("posts", json.dumps(YOUTUBE_VIDEOS), name="videos.json", platform="youtube")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    post = Post.objects.get(creator=mrbeast)
    assert (post.external_id, post.views, post.likes, post.comments) == (
        "0e3GPea1Tyg",
        600_000_000,
        15_000_000,
        900_000,
    )


def test_a_tiktok_scrapers_json_imports_with_no_mapping(run_import):
    dan = CreatorFactory(platform="tiktok", handle="veggie_dan")
    job = run_import("posts", json.dumps(TIKTOK_VIDEOS), name="dataset.json", platform="tiktok")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    post = Post.objects.get(creator=dan)
    assert (post.likes, post.comments, post.views, post.shares) == (1200, 45, 10_000, 30)
    assert post.posted_at.isoformat() == "2022-06-06T10:32:03+00:00"


def test_modash_export_imports_with_no_mapping(run_import):
    job = run_import("profiles", MODASH, name="modash.csv", platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    kitchen = Creator.objects.get(handle="green.kitchen")
    assert (kitchen.followers, kitchen.avg_likes, kitchen.country) == (48_500, 1200, "DE")
    assert kitchen.reported_engagement_rate == pytest.approx(0.034)
    assert kitchen.contact_email == "hi@green.example.com"


def test_a_preset_is_selectable_on_the_preview_and_by_the_command(world, client_for, tmp_path):
    # Headers no preset fits on its own (no followers column by Modash's name).
    content = b"Username,Full name,Location\nanna,Anna,Germany\nbob,Bob,France\ncarl,Carl,Spain\n"
    client = client_for(world.staff)
    client.post(
        reverse("creators:imports"),
        {"kind": "profiles", "platform": "instagram", "file": SimpleUploadedFile("p.csv", content)},
    )
    job = ImportJob.objects.get()
    url = reverse("creators:import_preview", args=[job.pk])
    page = client.get(url)
    assert page.context["preset"] is None
    assert "No preset fits these headers" in page.content.decode()
    assert '<option value="modash">Modash-style CSV export</option>' in page.content.decode()
    chosen = client.get(url, {"preset": "modash"})
    assert chosen.context["preset"].name == "modash"
    form = chosen.context["form"]
    assert form["map_country"].initial == "Location"
    assert "preset 'Modash-style CSV export' (chosen)" in form["map_country"].help_text
    assert f'action="{url}?preset=modash"' in chosen.content.decode()

    path = tmp_path / "top.csv"
    path.write_text(HYPEAUDITOR)
    out = StringIO()
    call_command(
        "import_creators", str(path), "--kind", "profiles", "--platform", "instagram", stdout=out
    )
    assert "Preset: hypeauditor" in out.getvalue()
    assert Creator.objects.get(handle="cristiano").followers == 400_000_000
