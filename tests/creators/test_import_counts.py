"""An import's summary counts file rows, not errors: a row with two bad cells is one rejected
row with two errors, on the job, its message, its page and the results upload."""

import re

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from creators.models import ImportStatus

pytestmark = pytest.mark.django_db

# Six rows: three clean, three with two bad cells each (followers and country).
SIX_ROWS = (
    "handle,followers,country\n"
    "anna,1000,DE\n"
    "bob,lots,Atlantis\n"
    "carl,2000,FR\n"
    "dora,many,Narnia\n"
    "emil,3000,AT\n"
    "fritz,heaps,Mordor\n"
)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(html))


def test_skip_invalid_counts_rejected_rows_and_their_errors(run_import, world, client_for):
    job = run_import("profiles", SIX_ROWS, platform="instagram", skip_invalid=True)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert (job.rows_read, job.rows_created, job.rows_rejected, job.error_count) == (6, 3, 3, 6)
    assert job.message == "3 created, 0 updated, 0 unchanged, 3 rows rejected (6 errors)"
    page = _text(
        client_for(world.staff)
        .get(reverse("creators:import_detail", args=[job.pk]))
        .content.decode()
    )
    assert "6 read" in page and "3 created" in page
    assert "3 rows rejected (6 errors)" in page
    assert "Download all 6 errors as CSV" in page


def test_all_or_nothing_says_rows_and_errors(run_import):
    job = run_import("profiles", SIX_ROWS, platform="instagram")
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("3 rows rejected (6 errors), nothing imported (first: row 3,")


def test_one_error_per_row_and_one_row_read_right(run_import):
    job = run_import("profiles", "handle,followers\nanna,lots\nbob,10\n", platform="instagram")
    assert (job.rows_rejected, job.error_count) == (1, 1)
    assert job.message.startswith("1 row rejected, nothing imported")
    job = run_import(
        "profiles", "handle,followers\nanna,lots\nbob,x\n", platform="instagram", skip_invalid=True
    )
    assert job.message == "0 created, 0 updated, 0 unchanged, 2 rows rejected"


def test_the_migration_moves_old_error_counts_and_recounts_rows():
    """Before error_count, rows_rejected held the errors: 0006 keeps that figure as error_count
    and counts the rows again from a complete error list (a truncated one is left as it was)."""
    from importlib import import_module

    from django.apps import apps

    from creators.models import ImportJob

    split_counts = import_module("creators.migrations.0006_import_job_error_count").split_counts
    listed = [{"row": r, "column": c} for r in (3, 5, 7) for c in ("followers", "country")]
    complete = ImportJob.objects.create(
        kind="profiles", file="imports/a.csv", original_name="a.csv", rows_rejected=6, errors=listed
    )
    truncated = ImportJob.objects.create(
        kind="profiles", file="imports/b.csv", original_name="b.csv", rows_rejected=9, errors=listed
    )
    split_counts(apps, None)
    complete.refresh_from_db()
    truncated.refresh_from_db()
    assert (complete.rows_rejected, complete.error_count) == (3, 6)
    assert (truncated.rows_rejected, truncated.error_count) == (9, 9)
