"""The import service end to end on messy files made here: readers, mapping, the four kinds,
all-or-nothing vs skip-invalid, re-import reporting unchanged, redelivered jobs, the command."""

import json
from io import StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from creators.importing.kinds.followers import profile_stats
from creators.importing.services import import_job_create
from creators.models import (
    AudienceShare,
    AudienceSketch,
    Creator,
    FollowerSnapshot,
    ImportJob,
    ImportStatus,
    Post,
)
from creators.tasks import run_import
from scoring.models import ScoreRun
from scoring.services.overlaps import OVERLAP_TOP_N
from tests.factories import (
    CampaignFactory,
    CreatorFactory,
    MatchScoreFactory,
    RosterEntryFactory,
)

DATA = Path(__file__).resolve().parent.parent / "data"
pytestmark = pytest.mark.django_db


def test_tab_separated_with_decorative_line_crlf_and_suffixes(run_import):
    text = (
        "Username\tPlatform\tFollowers\tEngagement Rate\tCountry\r\n"
        "========================================\r\n"
        "@Green.Kitchen\tInstagram\t48.5M\t 3.4% \tGermany\r\n"
        "veggie_dan\tTikTok\t383.1K\t0.021\tus\r\n"
    )
    job = run_import("profiles", text)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert (job.rows_created, job.rows_updated, job.rows_unchanged) == (2, 0, 0)
    kitchen = Creator.objects.get(platform="instagram", handle="green.kitchen")
    assert kitchen.followers == 48_500_000
    assert kitchen.reported_engagement_rate == pytest.approx(0.034)
    assert kitchen.country == "DE"
    assert Creator.objects.get(handle="veggie_dan").followers == 383_100
    assert FollowerSnapshot.objects.filter(creator=kitchen, followers=48_500_000).exists()


def test_bom_semicolons_quotes_and_latin1(run_import):
    utf8 = '\ufeffhandle;followers;name\n"anna";"12,345";"Anna; the chef"\n'
    job = run_import("profiles", utf8, platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert Creator.objects.get(handle="anna").display_name == "Anna; the chef"
    latin = "handle,followers,name\njose,1200,José Müller\n".encode("latin-1")
    job = run_import("profiles", latin, platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert Creator.objects.get(handle="jose").display_name == "José Müller"


def test_reimport_reports_unchanged_and_update_counts(run_import):
    text = "handle,followers\nanna,1000\nbob,2000\n"
    run_import("profiles", text, platform="instagram")
    again = run_import("profiles", text, platform="instagram")
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 2)
    assert "Nothing changed" in again.message
    changed = run_import(
        "profiles", "handle,followers\nanna,1500\nbob,2000\n", platform="instagram"
    )
    assert (changed.rows_created, changed.rows_updated, changed.rows_unchanged) == (0, 1, 1)
    assert Creator.objects.get(handle="anna").followers == 1500


def test_duplicate_handles_reject_the_file_or_the_later_rows(run_import):
    text = "handle,followers\nanna,1000\nbob,2000\n@Anna,3000\n"
    job = run_import("profiles", text, platform="instagram")
    assert job.status == ImportStatus.FAILED
    assert Creator.objects.count() == 0
    assert job.errors == [
        {"row": 4, "column": "handle", "value": "anna", "reason": "duplicate handle: same as row 2"}
    ]
    job = run_import("profiles", text, platform="instagram", skip_invalid=True)
    assert job.status == ImportStatus.SUCCEEDED
    assert (job.rows_created, job.rows_rejected) == (2, 1)
    assert Creator.objects.get(handle="anna").followers == 1000


def test_invalid_values_are_listed_by_row_and_nothing_is_written(run_import):
    text = "handle,followers,country\nanna,lots,DE\nbob,2000,Atlantis\ncarl,10,FR\n"
    job = run_import("profiles", text, platform="instagram")
    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "followers"), (3, "country")]
    assert "not a number" in job.errors[0]["reason"]
    assert not Creator.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "empty"),
        (b"handle,followers\n", "headers.csv", "no data rows"),
        (b"followers,name\n100,Anna\n", "nohandle.csv", "No column for handle"),
        (bytes(range(256)) * 20, "binary.csv", "looks binary"),
        (b"PK\x03\x04garbage", "broken.xlsx", "not a readable .xlsx"),
    ],
)
def test_file_level_errors_have_clear_messages(content, name, message, run_import):
    if not content:
        with pytest.raises(ValueError, match=message):
            run_import("profiles", content, name=name, platform="instagram")
        return
    job = run_import("profiles", content, name=name, platform="instagram")
    assert job.status == ImportStatus.FAILED
    assert message in job.message
    assert not Creator.objects.exists()


def test_unaccepted_type_and_size_limit(settings, run_import):
    with pytest.raises(ValueError, match="upload a"):
        run_import("profiles", "handle\nanna\n", name="creators.pdf")
    settings.IMPORT_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValueError, match="limit"):
        run_import("profiles", "handle,followers\nanna,1\n")


def test_xlsx_with_sheet_and_mapping_override(tmp_path, run_import):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    sheet = workbook.create_sheet("Creators")
    sheet.append(["Account Name", "Fans", "Network"])
    sheet.append(["anna", 1500, "YouTube"])
    sheet.append(["bob", "2.5K", "yt"])
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    job = run_import(
        "profiles",
        path.read_bytes(),
        name="book.xlsx",
        sheet="Creators",
        mapping={"handle": "Account Name"},
    )
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert Creator.objects.get(platform="youtube", handle="bob").followers == 2500


def test_posts_by_handle_and_post_id(run_import):
    creator = CreatorFactory(platform="tiktok", handle="veggie_dan")
    text = "username,post_id,published_at,likes,comments,views\nveggie_dan,p1,2024-05-01,1.2K,30,10K\nveggie_dan,p2,2024-05-02,900,12,\nghost,p3,2024-05-02,1,1,1\n"
    job = run_import("posts", text, platform="tiktok", skip_invalid=True)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert job.rows_created == 2
    assert job.errors[0]["row"] == 4 and "unknown creator @ghost" in job.errors[0]["reason"]
    post = Post.objects.get(creator=creator, external_id="p1")
    assert (post.likes, post.comments, post.views) == (1200, 30, 10_000)
    again = run_import("posts", text.replace("900", "950"), platform="tiktok", skip_invalid=True)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 1, 1)


def test_audience_long_and_wide_layouts(run_import):
    anna = CreatorFactory(handle="anna")
    bob = CreatorFactory(handle="bob")
    long = "handle,dimension,bucket,share\nanna,country,Germany,61%\nanna,country,at,0.2\nanna,gender,Female,70\n"
    job = run_import("audience", long, platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    shares = dict(AudienceShare.objects.filter(creator=anna).values_list("bucket", "share"))
    assert shares == pytest.approx({"DE": 0.61, "AT": 0.2, "female": 0.7})
    wide = "handle,country:DE,country:FR,age 18-24,age 25-34\nbob,40%,10%,0.5,0.3\n"
    job = run_import("audience", wide, platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    shares = dict(AudienceShare.objects.filter(creator=bob).values_list("bucket", "share"))
    assert shares == pytest.approx({"DE": 0.4, "FR": 0.1, "18-24": 0.5, "25-34": 0.3})
    over = run_import(
        "audience",
        "handle,dimension,bucket,share\nbob,country,DE,90%\nbob,country,FR,50%\n",
        platform="instagram",
    )
    assert over.status == ImportStatus.FAILED and "add up to 140%" in over.errors[0]["reason"]


def test_real_twitter_follower_samples_become_sketches(run_import):
    for account in range(1, 101):
        CreatorFactory(platform="twitter", handle=f"acct{account}")
    text = (DATA / "twitter_follower_sets.csv").read_text()
    lines = text.splitlines()
    # Accounts are anonymous integers: name them as handles the catalogue knows.
    rows = ["handle,follower"] + [
        f"acct{line.split(',')[0]},{line.split(',')[1]}" for line in lines[1:]
    ]
    job = run_import("followers", "\n".join(rows), platform="twitter")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert job.rows_created == 100
    counts = {}
    for line in lines[1:]:
        account, follower = line.split(",")
        counts.setdefault(account, set()).add(follower)
    sketch = AudienceSketch.objects.get(creator__handle="acct1")
    assert sketch.sample_size == len(counts["1"])
    again = run_import("followers", "\n".join(rows), platform="twitter")
    assert again.rows_unchanged == 100 and again.rows_updated == 0


def test_follower_profile_columns_become_profile_stats(run_import):
    CreatorFactory(handle="anna")
    text = "handle,follower,posts,following,has_profile_picture,fake_liker\n" + "\n".join(
        [
            "anna,f1,0,5000,no,yes",
            "anna,f2,10,100,yes,no",
            "anna,f3,0,50,yes,no",
            "anna,f4,3,2000,no,no",
        ]
    )
    job = run_import("followers", text, platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    stats = AudienceSketch.objects.get(creator__handle="anna").profile_stats
    assert stats == {
        "n": 4,
        "no_avatar_share": 0.5,
        "no_posts_share": 0.5,
        "mass_following_share": 0.5,
        "fake_like_share": 0.25,
    }


def test_profile_stats_without_profile_columns_is_empty():
    import pandas as pd

    assert profile_stats(pd.DataFrame({"follower_id": ["a"]})) == {}


def test_redelivered_job_does_nothing_and_failed_job_reruns_cleanly():
    job = import_job_create(
        kind="profiles",
        file=ContentFile(b"handle,followers\nanna,10\n"),
        original_name="a.csv",
        platform="instagram",
    )
    assert run_import(job.pk) == ImportStatus.SUCCEEDED
    Creator.objects.filter(handle="anna").update(followers=99)
    assert run_import(job.pk) == ImportStatus.SUCCEEDED
    assert Creator.objects.get(handle="anna").followers == 99  # not re-applied
    job.refresh_from_db()
    assert job.attempts == 1
    # A job left "running" by a killed worker: nothing was committed, the rerun starts over.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, rows_read=1)
    assert run_import(job.pk) == ImportStatus.SUCCEEDED
    job.refresh_from_db()
    assert (job.attempts, job.rows_read, job.rows_updated) == (2, 1, 1)


def test_crash_during_apply_leaves_catalogue_unchanged(monkeypatch, run_import):
    import dataclasses

    from creators.importing import registry

    CreatorFactory(handle="anna", followers=5)
    spec = registry.get_kind("profiles")

    def apply_then_die(frame, ctx):
        spec.apply(frame, ctx)  # every write done, then the worker dies before the commit
        raise RuntimeError("worker died")

    monkeypatch.setitem(
        registry._KINDS, "profiles", dataclasses.replace(spec, apply=apply_then_die)
    )
    with pytest.raises(RuntimeError):
        run_import("profiles", "handle,followers\nanna,10\nbob,20\n", platform="instagram")
    assert list(Creator.objects.values_list("handle", "followers")) == [("anna", 5)]
    assert ImportJob.objects.get().status == ImportStatus.FAILED


def test_remembered_mapping_is_reused(run_import):
    from creators.importing.services import mapping_remember

    mapping_remember(
        kind="profiles", headers=["Who", "Reach"], mapping={"handle": "Who", "followers": "Reach"}
    )
    job = run_import("profiles", "Who,Reach\nanna,5K\n", platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert Creator.objects.get(handle="anna").followers == 5000


def test_command(tmp_path):
    path = tmp_path / "creators.csv"
    path.write_text("Creator,Subs\nanna,1.5M\nbob,oops\n")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="1 row"):
        call_command(
            "import_creators",
            str(path),
            "--kind",
            "profiles",
            "--platform",
            "youtube",
            "--mapping",
            json.dumps({"followers": "Subs"}),
            stdout=out,
            stderr=err,
        )
    assert "row 3, Subs 'oops': not a number" in err.getvalue()
    call_command(
        "import_creators",
        str(path),
        "--kind",
        "profiles",
        "--platform",
        "youtube",
        "--mapping",
        json.dumps({"followers": "Subs"}),
        "--skip-invalid",
        stdout=out,
        stderr=err,
    )
    assert "1 created" in out.getvalue()
    assert Creator.objects.get(platform="youtube", handle="anna").followers == 1_500_000
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_creators", str(path), "--kind", "profiles", "--mapping", "{oops")


def _match(campaign, creator, rank):
    return MatchScoreFactory(campaign=campaign, creator=creator, rank=rank)


def test_follower_samples_queue_overlap_recompute_of_affected_campaigns(
    django_capture_on_commit_callbacks,
    run_import,
):
    anna, bob, carl = (
        CreatorFactory(handle=h, platform="instagram") for h in ["anna", "bob", "carl"]
    )
    rostered = RosterEntryFactory(creator=anna).campaign
    matched = CampaignFactory()
    _match(matched, bob, rank=3)
    below_the_cut = CampaignFactory()
    _match(below_the_cut, bob, rank=OVERLAP_TOP_N + 1)
    unrelated = RosterEntryFactory(creator=carl).campaign
    text = "handle,follower\nanna,1\nanna,2\nanna,3\nbob,3\nbob,4\n"

    def overlap_runs():
        return set(
            ScoreRun.objects.filter(kind=ScoreRun.Kind.OVERLAPS).values_list(
                "campaign_id", flat=True
            )
        )

    # A failed import (an unknown creator, all-or-nothing) queues nothing.
    with django_capture_on_commit_callbacks(execute=True):
        failed = run_import("followers", text + "nobody,5\n", platform="instagram")
    assert failed.status == ImportStatus.FAILED
    assert overlap_runs() == set()

    with django_capture_on_commit_callbacks(execute=True):
        job = run_import("followers", text, platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert overlap_runs() == {rostered.pk, matched.pk}
    assert unrelated.pk not in overlap_runs() and below_the_cut.pk not in overlap_runs()

    # The same samples again change no sketch, so no campaign is recomputed again.
    before = ScoreRun.objects.filter(kind=ScoreRun.Kind.OVERLAPS).count()
    with django_capture_on_commit_callbacks(execute=True):
        again = run_import("followers", text, platform="instagram")
    assert again.rows_unchanged == 2
    assert ScoreRun.objects.filter(kind=ScoreRun.Kind.OVERLAPS).count() == before
