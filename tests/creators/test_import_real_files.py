"""The real files of ../shared/data (samples copied into tests/data, with their attribution
beside them), imported with no mapping given: what the detector makes of each."""

import csv
from pathlib import Path

import pytest

from creators.importing.columns import DERIVED_PREFIX
from creators.importing.readers import read_table
from creators.importing.registry import get_kind
from creators.importing.services import resolve_detection
from creators.models import AudienceSketch, Creator, ImportStatus
from tests.factories import CreatorFactory

DATA = Path(__file__).resolve().parent.parent / "data"
pytestmark = pytest.mark.django_db


def detection_of(path: Path, kind: str):
    table = read_table(path)
    return resolve_detection(table.headers, get_kind(kind), sample=next(table.chunks))


def test_global_youtube_statistics_imports_with_handles_derived_from_the_youtubers(run_import):
    path = DATA / "global_youtube_statistics_sample.csv"
    detection = detection_of(path, "profiles")
    assert detection.mapping == {
        "handle": DERIVED_PREFIX + "Youtuber",
        "display_name": "Youtuber",
        "followers": "subscribers",
        "posts_count": "uploads",
        "country": "Country",
    }
    # channel_type holds genres: the content rules it out as the platform.
    assert "channel_type" in detection.explain("platform")
    job = run_import("profiles", path.read_bytes(), name=path.name, platform="youtube")
    # One channel's name is all mojibake (U+FFFD): no handle can come of it, and the row says so.
    assert job.status == ImportStatus.FAILED
    assert "row 66, Youtuber: no handle can be derived" in job.message
    job = run_import(
        "profiles", path.read_bytes(), name=path.name, platform="youtube", skip_invalid=True
    )
    assert job.status == ImportStatus.SUCCEEDED, job.message
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert (len(rows), job.rows_created, job.rows_rejected) == (80, 79, 1)
    mrbeast = Creator.objects.get(platform="youtube", handle="mrbeast")
    assert (mrbeast.display_name, mrbeast.followers, mrbeast.posts_count, mrbeast.country) == (
        "MrBeast",
        166_000_000,
        741,
        "US",
    )
    assert Creator.objects.get(handle="youtubemovies").display_name == "YouTube Movies"
    # "nan" countries are empty, not a rejected row.
    nan_rows = [r["Youtuber"] for r in rows if r["Country"] == "nan"]
    assert nan_rows and Creator.objects.filter(display_name=nan_rows[0], country="").exists()


def test_twitter_follower_sets_import_as_follower_samples(run_import, tmp_path):
    with (DATA / "twitter_follower_sets.csv").open() as handle:
        lines = [line for line in handle if line.split(",")[0] in ("account", "1", "2", "3")]
    path = tmp_path / "twitter_follower_sets_3.csv"
    path.write_text("".join(lines))
    assert detection_of(path, "followers").mapping == {
        "handle": "account",
        "follower_id": "follower",
    }
    creators = [CreatorFactory(platform="twitter", handle=str(n)) for n in (1, 2, 3)]
    job = run_import("followers", path.read_bytes(), name=path.name, platform="twitter")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    sizes = {
        s.creator_id: s.sample_size for s in AudienceSketch.objects.filter(creator__in=creators)
    }
    expected = {
        c.pk: sum(1 for line in lines[1:] if line.split(",")[0] == c.handle) for c in creators
    }
    assert sizes == expected


def test_labelled_follower_accounts_map_their_profile_columns_and_name_what_is_missing(
    run_import,
):
    path = DATA / "labelled_follower_accounts.csv"
    detection = detection_of(path, "followers")
    assert detection.mapping == {
        "follower_posts": "posts",
        "follower_following": "following",
        "follower_followers": "followers",
        "has_profile_picture": "has_profile_picture",
        "fake_liker": "is_fake",
    }
    job = run_import("followers", path.read_bytes(), name=path.name, platform="instagram")
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("No column for handle")
    assert "follower_id" in job.message


def test_a_comments_file_offered_as_posts_is_refused_with_what_it_lacks(run_import):
    path = DATA / "youtube_spam_eminem_sample.csv"
    detection = detection_of(path, "posts")
    assert detection.mapping["posted_at"] == "DATE"
    # AUTHOR holds people's names, not handles: handles would have to be derived from them.
    assert detection.mapping["handle"] == DERIVED_PREFIX + "AUTHOR"
    job = run_import("posts", path.read_bytes(), name=path.name, platform="youtube")
    assert job.status == ImportStatus.FAILED
    assert "No column for external_id" in job.message
