"""A message that kills its worker every time must not loop forever (DESIGN 6: acks_late with a
retry counter). Each delivery of a message has the same task id; the tasks count deliveries and
give up after MAX_DELIVERIES, failing the job or run with the reason. Run in-process: the count
is what matters here (the worker tests show the redelivery itself)."""

import uuid

import pytest
from django.core.files.base import ContentFile

from creators.importing.services import import_job_create
from creators.models import ImportJob, ImportStatus
from creators.tasks import run_import
from matchmaker.celery import MAX_DELIVERIES
from scoring.models import ScoreRun
from scoring.tasks import recompute_campaign_matches


@pytest.mark.django_db
def test_import_message_delivered_too_often_fails_the_job_instead_of_looping():
    job = import_job_create(
        kind="profiles",
        file=ContentFile(b"handle,followers\npoison,10\n"),
        original_name="poison.csv",
        platform="instagram",
    )
    task_id = str(uuid.uuid4())
    for _ in range(MAX_DELIVERIES):
        assert run_import.apply((job.pk,), task_id=task_id).get() == ImportStatus.SUCCEEDED
        # What a worker killed before the commit leaves behind.
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    assert run_import.apply((job.pk,), task_id=task_id).get() == ImportStatus.FAILED
    job.refresh_from_db()
    assert job.attempts == MAX_DELIVERIES
    assert f"stopped its worker {MAX_DELIVERIES} times" in job.message
    # A new message for the job (re-sent by hand or by the stale-job check) is a fresh start.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)
    assert run_import.apply((job.pk,)).get() == ImportStatus.SUCCEEDED


@pytest.mark.django_db
def test_recompute_message_delivered_too_often_is_dropped(world):
    campaign = world.campaign_a
    task_id = str(uuid.uuid4())
    runs = [
        recompute_campaign_matches.apply((campaign.pk,), task_id=task_id).get()
        for _ in range(MAX_DELIVERIES)
    ]
    assert all(runs)
    ScoreRun.objects.filter(pk=runs[-1]).update(status=ScoreRun.Status.RUNNING)  # killed
    assert recompute_campaign_matches.apply((campaign.pk,), task_id=task_id).get() is None
    last = ScoreRun.objects.get(pk=runs[-1])
    assert last.status == ScoreRun.Status.FAILED and "not retried" in last.error
    assert ScoreRun.objects.filter(campaign=campaign).count() == MAX_DELIVERIES
