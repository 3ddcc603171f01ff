"""Dates outside the plausible window (issue 14 item 3): 9999-12-31 and 0001-01-01, typed in a
CSV or stored in an XLSX date cell, are row errors in every kind that reads a date (posts'
posted_at, results' reading date), nothing is written, and the recompute that follows works.
A job's status says what was written, even when the recompute it enqueues fails.

transaction=True: the follow-up recompute is sent on commit, as in production."""

import dataclasses
import io
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook

from campaigns.models import Outcome, Stage
from creators.importing import registry
from creators.models import Creator, ImportJob, ImportStatus, Post
from matchmaker.lib.dates import window_text
from scoring.models import CreatorMetrics, ScoreRun
from scoring.tasks import recompute_everything
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)

BAD_DATES = [datetime(9999, 12, 31), datetime(1, 1, 1)]


def _file(header: list[str], rows: list[list], fmt: str) -> tuple[bytes, str]:
    """The table as CSV text (dates as ISO days) or as a workbook with real date cells."""
    if fmt == "csv":
        lines = [header] + [
            [v.strftime("%Y-%m-%d") if isinstance(v, datetime) else str(v) for v in r] for r in rows
        ]
        return "".join(",".join(line) + "\n" for line in lines).encode(), "file.csv"
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue(), "file.xlsx"


def _shown(value: datetime, fmt: str) -> str:
    """The cell as the reader hands it over: the text typed, or the workbook's date as text."""
    return value.strftime("%Y-%m-%d") if fmt == "csv" else str(value)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("bad", BAD_DATES, ids=["9999-12-31", "0001-01-01"])
def test_posts_dated_out_of_range_are_rejected_and_the_recompute_runs(fmt, bad, run_import):
    creator = f.CreatorFactory(handle="datey", followers=20_000)
    content, name = _file(
        ["handle", "post_id", "posted_at", "likes"],
        [["datey", "p1", datetime(2025, 3, 1), 100], ["datey", "p2", bad, 200]],
        fmt,
    )
    job = run_import("posts", content, name, platform="instagram")
    assert job.status == ImportStatus.FAILED
    assert "1 row rejected, nothing imported" in job.message
    assert job.errors == [
        {
            "row": 3,
            "column": "posted_at",
            "value": _shown(bad, fmt),
            "reason": f"not a plausible date: outside {window_text()}",
        }
    ]
    assert not Post.objects.exists()

    recompute_everything()
    run = ScoreRun.objects.filter(kind=ScoreRun.Kind.CREATOR_METRICS).latest("created_at")
    assert run.status == ScoreRun.Status.SUCCEEDED and run.rows_skipped == 0
    assert CreatorMetrics.objects.filter(creator=creator).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("bad", BAD_DATES, ids=["9999-12-31", "0001-01-01"])
def test_results_dated_out_of_range_are_rejected(world, fmt, bad, run_import):
    entry = f.RosterEntryFactory(
        campaign=world.campaign_a, creator=f.CreatorFactory(handle="lena"), stage=Stage.COMPLETED
    )
    f.DeliverableFactory(entry=entry, post_url="https://instagram.com/p/AAA")
    content, name = _file(
        ["handle", "post_url", "date", "reach"],
        [
            ["lena", "https://instagram.com/p/AAA", datetime(2025, 3, 1), 100],
            ["lena", "https://instagram.com/p/AAA", bad, 200],
        ],
        fmt,
    )
    job = run_import(
        "outcomes", content, name, scope={"campaign_id": world.campaign_a.pk}, platform="instagram"
    )
    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"], e["value"]) for e in job.errors] == [
        (3, "date", _shown(bad, fmt))
    ]
    assert job.errors[0]["reason"].startswith("not a plausible date: outside 2004-01-01 to ")
    assert not Outcome.objects.exists()


def test_a_profiles_import_that_wrote_says_so_although_a_stored_bad_date_was_there(run_import):
    """The issue's second case: a creator with a post dated 9999-12-31 stored before dates were
    checked. A profiles import updating that creator wrote its change and was reported failed
    ("nothing was written") because the recompute it enqueued failed on that post."""
    creator = f.CreatorFactory(handle="legacy", followers=10_000)
    bad = f.PostFactory(creator=creator, posted_at=datetime(9999, 12, 31, tzinfo=UTC))
    f.PostFactory(creator=creator, likes=300, comments=30)

    job = run_import(
        "profiles", b"handle,followers\nlegacy,12000\n", "profiles.csv", platform="instagram"
    )

    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert job.message == "0 created, 1 updated, 0 unchanged"
    assert Creator.objects.get(pk=creator.pk).followers == 12_000
    run = ScoreRun.objects.get(kind=ScoreRun.Kind.CREATOR_METRICS)
    assert run.status == ScoreRun.Status.SUCCEEDED, run.error
    assert run.rows_skipped == 1
    assert [(r["table"], r["id"], r["column"]) for r in run.skipped] == [
        ("creators_post", bad.pk, "posted_at")
    ]
    assert CreatorMetrics.objects.get(creator=creator).er_posts_used == 1


def test_an_import_that_wrote_says_so_when_its_follow_up_cannot_be_sent(monkeypatch, run_import):
    from scoring import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("the broker is down")

    monkeypatch.setattr(tasks.recompute_creator_metrics, "delay", broker_down)
    f.CreatorFactory(handle="poster", followers=20_000)
    job = run_import(
        "posts",
        b"handle,post_id,posted_at,likes\nposter,p1,2025-03-01,10\n",
        "posts.csv",
        platform="instagram",
    )
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert job.rows_created == 1 and Post.objects.count() == 1


def test_a_crash_before_the_commit_is_reported_as_nothing_written(monkeypatch, run_import):
    def crash(frame, ctx):
        Creator.objects.create(platform="instagram", handle="half", followers=1)
        raise RuntimeError("the disk is full")

    spec = registry.get_kind("profiles")
    monkeypatch.setitem(
        registry._KINDS, "profiles", dataclasses.replace(spec, apply=crash, chunk_writer=None)
    )
    with pytest.raises(RuntimeError):
        run_import("profiles", b"handle,followers\nhalf,10\n", "profiles.csv", platform="instagram")
    assert not Creator.objects.filter(handle="half").exists()
    failed = ImportJob.objects.get()
    assert failed.status == ImportStatus.FAILED
    assert failed.message == "The import failed unexpectedly; nothing was written."


@pytest.mark.parametrize("stop", [SystemExit(1), KeyboardInterrupt()], ids=["exit", "ctrl-c"])
def test_a_process_stopped_mid_import_leaves_the_job_failed_not_running(
    monkeypatch, stop, run_import
):
    """A request's worker timing out (gunicorn aborts it: SystemExit) or Ctrl-C on the command
    line stop the import mid-way; the job must not stay "running" forever."""
    from creators.importing import services

    def stopped(*args, **kwargs):
        raise stop

    monkeypatch.setattr(services, "parse_chunk", stopped)
    with pytest.raises(type(stop)):
        run_import(
            "profiles", b"handle,followers\nstopped,10\n", "profiles.csv", platform="instagram"
        )
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED and job.finished_at is not None
    assert "nothing was written" in job.message
    assert not Creator.objects.filter(handle="stopped").exists()


def test_the_results_page_refuses_a_reading_dated_9999(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    entry = f.RosterEntryFactory(
        campaign=world.campaign_a, creator=f.CreatorFactory(handle="lena"), stage=Stage.COMPLETED
    )
    f.DeliverableFactory(entry=entry, post_url="https://instagram.com/p/AAA")
    client = client_for(world.editor_a)
    response = client.post(
        reverse("campaigns:outcomes_upload", args=[world.campaign_a.pk]),
        {
            "file": SimpleUploadedFile(
                "r.csv",
                b"handle,post_url,date,reach\nlena,https://instagram.com/p/AAA,9999-12-31,5\n",
            )
        },
    )
    page = client.get(response["Location"]).content.decode()
    assert "row 2, date: not a plausible date: outside 2004-01-01 to" in page
    assert not Outcome.objects.exists()
