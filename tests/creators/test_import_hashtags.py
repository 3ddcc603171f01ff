"""Post hashtags on import: parsed from the caption when the file has no hashtags column,
merged with it when it has one (each tag once, the file's spelling first), stored on
Post.hashtags where affinity and the mentions timeline read them."""

import pandas as pd
import pytest

from creators.importing.values import caption_hashtags, parse_hashtags
from creators.models import ImportStatus, Post
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db

CAPTION = "Love this #SkinCare routine! #ad #glow✨"


@pytest.fixture(autouse=True)
def creator():
    return CreatorFactory(handle="chef_anna", platform="instagram")


def test_hashtags_come_from_the_caption_without_a_column(run_import):
    content = (
        "handle,post_id,date,caption\n"
        f'chef_anna,p1,2025-01-01,"{CAPTION}"\n'
        'chef_anna,p2,2025-01-02,"No tags, just C# and &#39;quotes&#39; and rank #1"\n'
    )
    job = run_import("posts", content, platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    posts = {p.external_id: p for p in Post.objects.all()}
    assert posts["p1"].hashtags == ["SkinCare", "ad", "glow"]
    assert posts["p1"].caption == CAPTION
    assert posts["p2"].hashtags == []
    assert run_import("posts", content, platform="instagram").rows_unchanged == 2


def test_a_hashtags_column_is_merged_with_the_caption(run_import):
    content = (
        "handle,post_id,date,caption,hashtags\n"
        f'chef_anna,p1,2025-01-01,"{CAPTION}","skincare, #morning"\n'
        'chef_anna,p2,2025-01-02,,"[""pasta"", ""#dinner""]"\n'
    )
    job = run_import("posts", content, platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    posts = {p.external_id: p for p in Post.objects.all()}
    # The file's "skincare" and the caption's "SkinCare" are one tag, spelt as the file does.
    assert posts["p1"].hashtags == ["skincare", "morning", "ad", "glow"]
    assert posts["p2"].hashtags == ["pasta", "dinner"]


def test_a_hashtags_column_without_captions(run_import):
    content = "handle,post_id,date,caption_hashtags\nchef_anna,p1,2025-01-01,#a #b #a\n"
    assert run_import("posts", content, platform="instagram").status == ImportStatus.SUCCEEDED
    assert Post.objects.get().hashtags == ["a", "b"]


def test_the_parsers():
    assert parse_hashtags("") is None
    assert parse_hashtags("#Glow;  #glow, vegan") == ["Glow", "vegan"]
    assert parse_hashtags("['one', 'two']") == ["one", "two"]
    found = caption_hashtags(pd.Series([CAPTION, None, "#café au #lait#x", "x#y ##z"]))
    assert found.tolist() == [["SkinCare", "ad", "glow"], [], ["café", "lait"], []]
