"""Redis restarted while tasks are queued (issue 9 item 3).

Redis here keeps nothing on disk, so a restart loses every queued message, acks_late or not.
The loss is detected: the beat task `requeue_stale_imports` finds import jobs that should have
run by now (queued and still pending, or running with a stopped heartbeat and no worker holding
their lock), marks them waiting again and re-sends them; it reads the job rows, not the broker.
The test runs its own redis-server, so restarting it disturbs no one.
"""

import shutil
import socket
import subprocess
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from creators.importing.services import import_job_create
from creators.models import Creator, ImportJob, ImportStatus
from creators.stale_jobs import REQUEUED, import_jobs_requeue_stale
from creators.tasks import run_import
from matchmaker.celery import app
from tests.conftest import require_service
from tests.faults.conftest import wait_for

pytestmark = pytest.mark.worker


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A throw-away redis-server: no persistence, so a restart starts empty."""

    def __init__(self, binary: str, port: int, log):
        self.command = [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(log.parent),
        ]
        self.log = log
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self) -> None:
        with open(self.log, "ab") as handle:
            self.process = subprocess.Popen(self.command, stdout=handle, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url)

        def answers():
            try:
                return client.ping()
            except redis.ConnectionError:
                return False

        wait_for(answers, "redis-server to start", timeout=20)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture
def own_redis(tmp_path):
    binary = shutil.which("redis-server")
    require_service(bool(binary), "redis-server (apt-get install redis-server)")
    server = RedisServer(binary, _free_port(), tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


def _profiles_job(prefix: str, rows: int) -> ImportJob:
    lines = "".join(f"{prefix}{i:02d},{500 + i}\n" for i in range(rows))
    return import_job_create(
        kind="profiles",
        file=ContentFile(("handle,followers\n" + lines).encode()),
        original_name=f"{prefix}.csv",
        platform="tiktok",
    )


def test_beat_schedule_runs_the_stale_job_check():
    entry = settings.CELERY_BEAT_SCHEDULE["requeue-stale-imports"]
    assert entry["task"] in app.tasks
    assert entry["schedule"] <= 10 * 60


def _queued_messages(redis_url: str) -> int:
    """Messages waiting in the default queue (a list of that name in kombu's Redis layout)."""
    return redis.Redis.from_url(redis_url).llen(app.conf.task_default_queue)


def test_jobs_lost_in_a_redis_restart_are_detected_and_re_sent(workers, own_redis):
    queued = _profiles_job("queued_", 12)
    # A job whose worker was running it when Redis went away, and has since died too (started
    # within the task time limit: past it, the job is failed instead, test_stale_import_jobs);
    # its last heartbeat is as old as its start.
    orphan = _profiles_job("orphan_", 7)
    ImportJob.objects.filter(pk=orphan.pk).update(
        status=ImportStatus.RUNNING,
        attempts=1,
        queued_at=timezone.now() - timedelta(minutes=21),
        started_at=timezone.now() - timedelta(minutes=20),
    )
    with app.connection_for_write(own_redis.url) as conn:
        ImportJob.objects.filter(pk=queued.pk).update(queued_at=timezone.now())
        run_import.apply_async((queued.pk,), connection=conn)
        # Queued a moment ago: nothing to do for it; the orphan's heartbeat stopped: re-sent.
        assert import_jobs_requeue_stale(connection=conn) == [orphan.pk]
        assert _queued_messages(own_redis.url) == 2

    own_redis.stop()
    own_redis.start()

    with app.connection_for_write(own_redis.url) as conn:
        assert _queued_messages(own_redis.url) == 0, "the restart should have lost the queue"
        # Not old enough yet: a job just queued may simply not have been taken yet.
        assert import_jobs_requeue_stale(older_than=timedelta(hours=1), connection=conn) == []
        resent = import_jobs_requeue_stale(older_than=timedelta(0), connection=conn)
        assert resent == [queued.pk, orphan.pk]
        assert _queued_messages(own_redis.url) == 2
        # Idempotent: re-sent just now, they are not stale again yet; nothing more is sent.
        assert import_jobs_requeue_stale(connection=conn) == []
        assert _queued_messages(own_redis.url) == 2
    for job in (queued, orphan):
        job.refresh_from_db()
        assert job.status == ImportStatus.PENDING and job.message == REQUEUED and job.task_id

    workers.start(queue=app.conf.task_default_queue, REDIS_URL=own_redis.url)

    def done():
        return not ImportJob.objects.filter(
            pk__in=[queued.pk, orphan.pk], status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
        ).exists()

    wait_for(done, workers.explain("the re-sent imports to run"))
    for job, prefix, rows in ((queued, "queued_", 12), (orphan, "orphan_", 7)):
        job.refresh_from_db()
        assert job.status == ImportStatus.SUCCEEDED, job.message
        assert job.rows_created == rows
        assert Creator.objects.filter(handle__startswith=prefix).count() == rows
