"""CSV upload of campaign results through the "outcomes" import kind."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from campaigns.models import Deliverable, Outcome
from creators.importing.services import import_job_create, import_job_run
from creators.models import ImportStatus

pytestmark = pytest.mark.django_db


def _run(world, text: str, **kw):
    job = import_job_create(
        kind="outcomes",
        file=ContentFile(text.encode(), name="results.csv"),
        original_name="results.csv",
        user=world.owner_a,
        scope={"campaign_id": world.campaign_a.pk},
        **kw,
    )
    return import_job_run(job_id=job.pk)


def test_good_file_matches_by_handle_and_url(world, roster):
    one, two = roster
    job = _run(
        world,
        "Creator,Post URL,Date,Reach,Likes,Comments,Revenue\n"
        '@Leafy.Lena,https://instagram.com/p/AAA,2026-05-01,"10,500",400,20,99.50\n'
        "oat.otto,https://tiktok.com/v/1,2026-05-02,8000,1.2k,,\n",
    )
    assert job.status == ImportStatus.SUCCEEDED, (job.message, job.errors)
    lena = Outcome.objects.get(deliverable__entry=one)
    assert (lena.reach, lena.likes, lena.comments, lena.revenue) == (
        10_500,
        400,
        20,
        Decimal("99.50"),
    )
    assert lena.shares is None and lena.source == "csv"  # not in the file: not measured, not 0
    otto = Outcome.objects.get(deliverable__entry=two)
    assert otto.likes == 1200 and otto.comments is None
    assert Deliverable.objects.get(entry=two).post_url == "https://tiktok.com/v/1"  # created


def test_bad_rows_reported_and_nothing_written(world, roster):
    job = _run(
        world,
        "handle,post_url,reach,likes\n"
        "leafy.lena,https://instagram.com/p/AAA,100,5\n"
        "globex.gus,https://x.com/1,100,5\n"
        "leafy.lena,https://instagram.com/p/AAA,lots,5\n"
        "oat.otto,,100,5\n"
        "leafy.lena,https://instagram.com/p/AAA,,\n"
        "oat.otto,javascript:alert(1),1,1\n",
    )
    assert job.status == ImportStatus.FAILED
    by_row = {e["row"]: e for e in job.errors}
    assert set(by_row) == {3, 4, 5, 6, 7}
    assert "not on this campaign's roster" in by_row[3]["reason"]  # another org's creator
    assert by_row[4]["column"] == "reach" and by_row[4]["value"] == "lots"
    assert "give the post URL" in by_row[5]["reason"]
    assert "no result numbers" in by_row[6]["reason"]
    assert by_row[7]["column"] == "post_url"
    assert Outcome.objects.count() == 0 and Deliverable.objects.count() == 1  # none created


def test_skip_invalid_writes_only_good_rows(world, roster):
    job = _run(
        world,
        "handle,post_url,reach\nleafy.lena,https://instagram.com/p/AAA,100\nnobody,,5\n",
        skip_invalid=True,
    )
    assert job.status == ImportStatus.SUCCEEDED
    assert Outcome.objects.count() == 1 and job.rows_rejected == 1
