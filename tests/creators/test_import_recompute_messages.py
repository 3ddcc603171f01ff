"""What an import sends to the metrics (and audience-reaction) recompute (issue 16 item 7): the creators it changed in
messages of at most 1,000 ids, or one "recompute all" once they are a large share of the
catalogue; a ScoreRun's scope never holds more than one message's ids."""

import math

import pytest
from django.core.files.base import ContentFile

from creators.importing.services import (
    RECOMPUTE_BATCH,
    import_job_create,
    import_job_run,
    recompute_batches,
)
from creators.models import Creator, ImportStatus
from scoring.models import CreatorReaction, ScoreRun


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_batches_hold_at_most_1000_sorted_ids(settings):
    settings.IMPORT_RECOMPUTE_ALL_PERCENT = 20
    ids = set(range(5000, 7500))
    batches = recompute_batches(ids, catalogue=100_000)
    assert [len(b) for b in batches] == [1000, 1000, 500]
    assert [i for b in batches for i in b] == sorted(ids)
    assert recompute_batches({1, 2}, catalogue=100_000) == [[1, 2]]


def test_past_the_share_of_the_catalogue_one_message_recomputes_all(settings):
    settings.IMPORT_RECOMPUTE_ALL_PERCENT = 20
    assert recompute_batches(set(range(20_000)), catalogue=100_000) != [None]  # exactly 20%
    assert recompute_batches(set(range(20_001)), catalogue=100_000) == [None]


def _import_profiles(count: int):
    lines = "".join(f"new_{i:05d},{1000 + i}\n" for i in range(count))
    job = import_job_create(
        kind="profiles",
        file=ContentFile(("handle,followers\n" + lines).encode()),
        original_name="profiles.csv",
        platform="tiktok",
    )
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    return job


def _metric_runs():
    return list(ScoreRun.objects.filter(kind=ScoreRun.Kind.CREATOR_METRICS).order_by("pk"))


@pytest.mark.django_db
def test_an_import_sends_its_changed_creators_1000_at_a_time(
    media, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_RECOMPUTE_ALL_PERCENT = 100  # a small catalogue, still under the share
    count = 2 * RECOMPUTE_BATCH + 150
    with django_capture_on_commit_callbacks(execute=True) as sent:
        _import_profiles(count)
    # One metrics and one audience-reaction message per batch.
    assert len(sent) == 2 * math.ceil(count / RECOMPUTE_BATCH) == 6
    assert CreatorReaction.objects.count() == Creator.objects.count() == count
    runs = _metric_runs()
    assert len(runs) == 3
    scopes = [run.scope["creator_ids"] for run in runs]
    assert all(len(ids) <= RECOMPUTE_BATCH for ids in scopes)
    assert sorted(i for ids in scopes for i in ids) == sorted(
        Creator.objects.values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_an_import_past_the_share_sends_one_recompute_all(
    media, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_RECOMPUTE_ALL_PERCENT = 20
    with django_capture_on_commit_callbacks(execute=True) as sent:
        _import_profiles(2 * RECOMPUTE_BATCH + 150)  # every creator of the catalogue
    assert len(sent) == 2  # recompute all: the metrics, and the audience reaction
    assert CreatorReaction.objects.count() == Creator.objects.count()
    (run,) = _metric_runs()
    assert run.scope == {}  # all creators, no ids stored
