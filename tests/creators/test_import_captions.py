"""Post captions: stored as published under their common export names, their length counted
from them unless the file gives it; Instaloader's nested caption unwrapped."""

import json

import pytest

from creators.importing.columns import detect_mapping
from creators.importing.kinds.posts import parse_caption
from creators.importing.registry import get_kind
from creators.models import ImportStatus, Post
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def creator():
    return CreatorFactory(handle="chef_anna", platform="instagram")


@pytest.mark.parametrize(
    "header", ["caption", "Caption", "text", "description", "title", "edge_media_to_caption"]
)
def test_caption_headers(header):
    mapping = detect_mapping(["handle", "post_id", "date", header], get_kind("posts"))
    assert mapping["caption"] == header


def test_captions_are_stored_with_their_length(run_import):
    content = (
        "handle,post_id,date,caption\n"
        'chef_anna,p1,2025-01-01,"Pasta night with @acme_foods, so good #pasta"\n'
        "chef_anna,p2,2025-01-02,\n"
    )
    job = run_import("posts", content, platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    posts = {p.external_id: p for p in Post.objects.all()}
    assert posts["p1"].caption == "Pasta night with @acme_foods, so good #pasta"
    assert posts["p1"].caption_length == 44
    assert (posts["p2"].caption, posts["p2"].caption_length) == ("", None)
    again = run_import("posts", content, platform="instagram")
    assert again.rows_unchanged == 2
    edited = run_import("posts", content.replace("so good", "great"), platform="instagram")
    assert edited.rows_updated == 1
    assert Post.objects.get(external_id="p1").caption_length == 42


def test_a_length_column_wins_over_the_counted_length(run_import):
    content = "handle,post_id,date,caption,caption_length\nchef_anna,p1,2025-01-01,Short,120\n"
    assert run_import("posts", content, platform="instagram").status == ImportStatus.SUCCEEDED
    assert Post.objects.get().caption_length == 120


def test_instaloader_nested_captions_are_unwrapped(run_import):
    edges = [{"node": {"text": "First line"}}, {"node": {"text": "more #tags"}}]
    assert parse_caption(json.dumps(edges)) == "First line\nmore #tags"
    assert parse_caption('[{"node": broken') == '[{"node": broken'
    record = {
        "node": {
            "shortcode": "CxYz",
            "owner": {"username": "chef_anna"},
            "taken_at_timestamp": 1714550400,
            "edge_media_preview_like": {"count": 10},
            "edge_media_to_caption": {"edges": edges},
        }
    }
    job = run_import("posts", json.dumps([record]), name="posts.json", platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert Post.objects.get().caption == "First line\nmore #tags"
