"""Pipelined profile imports: chunks are written by a thread on its own connection
while the file is still being read. The outcome must be the one of the whole-file path (the
one a caller's transaction gets): the same counts, rejections and rows; nothing written when
an all-or-nothing job has a bad row in a later chunk or the writer fails; progress saved while
writing."""

import threading

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from creators.importing import services
from creators.importing.kinds import profiles_writer
from creators.importing.services import import_job_create, import_job_run
from creators.models import Creator, FollowerSnapshot, ImportJob, ImportStatus
from tests.factories import CreatorFactory

pytestmark = pytest.mark.django_db(transaction=True)

# Chunks of three rows: [2-4] all new, [5-7] an existing creator, a duplicate of row 2 and a bad
# count, [8-10] a changed existing creator, a duplicate of row 3 (after normalising) and a new one.
FILE = (
    "handle,followers\n"
    "new_a,10\nnew_b,20\nnew_c,30\n"
    "old_same,100\n@New_A,11\nnew_x,lots\n"
    "old_changed,250\nNEW_B,21\nnew_d,40\n"
)
REJECTED = [
    {"row": 6, "column": "handle", "value": "new_a", "reason": "duplicate handle: same as row 2"},
    {"row": 7, "column": "followers", "value": "lots"},
    {"row": 9, "column": "handle", "value": "new_b", "reason": "duplicate handle: same as row 3"},
]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr(services, "PIPELINE_CHUNK_ROWS", 3)
    monkeypatch.setattr(services, "CHUNK_ROWS", 3)
    CreatorFactory(handle="old_same", followers=100)
    CreatorFactory(handle="old_changed", followers=200)


def _run(*, in_transaction: bool, **options) -> ImportJob:
    job = import_job_create(
        kind="profiles",
        file=ContentFile(FILE.encode()),
        original_name="profiles.csv",
        platform="instagram",
        **options,
    )
    if not in_transaction:
        return import_job_run(job_id=job.pk)
    with transaction.atomic():  # a caller's transaction: the whole-file path
        return import_job_run(job_id=job.pk)


def _errors(job: ImportJob) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "reason" or "duplicate" in v} for e in job.errors]


def _catalogue() -> dict[str, int]:
    return dict(Creator.objects.values_list("handle", "followers"))


@pytest.mark.parametrize("in_transaction", [False, True], ids=["pipelined", "whole-file"])
def test_skip_invalid_writes_every_chunk_and_counts_like_the_whole_file_path(in_transaction):
    job = _run(in_transaction=in_transaction, skip_invalid=True)
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert (job.rows_read, job.rows_created, job.rows_updated, job.rows_unchanged) == (9, 4, 1, 1)
    assert job.rows_rejected == 3
    assert _errors(job) == REJECTED
    assert _catalogue() == {
        "old_same": 100,
        "old_changed": 250,
        "new_a": 10,
        "new_b": 20,
        "new_c": 30,
        "new_d": 40,
    }
    snapshots = dict(FollowerSnapshot.objects.values_list("creator__handle", "followers"))
    assert snapshots == {"old_changed": 250, "new_a": 10, "new_b": 20, "new_c": 30, "new_d": 40}

    again = _run(in_transaction=in_transaction, skip_invalid=True)
    assert (again.rows_created, again.rows_updated, again.rows_unchanged) == (0, 0, 6)
    assert FollowerSnapshot.objects.count() == 5


@pytest.mark.parametrize("in_transaction", [False, True], ids=["pipelined", "whole-file"])
def test_all_or_nothing_rolls_back_chunks_already_written(in_transaction):
    job = _run(in_transaction=in_transaction)
    assert job.status == ImportStatus.FAILED
    assert job.message.startswith("3 rows rejected, nothing imported (first: row 6")  # issue 17
    assert _errors(job) == REJECTED  # reading went on after the first bad chunk
    assert _catalogue() == {"old_same": 100, "old_changed": 200}
    assert not FollowerSnapshot.objects.exists()


def test_pipelined_writes_on_another_thread_while_progress_is_saved(monkeypatch):
    seen = []
    write = profiles_writer.ProfilesCopyWriter.write

    def write_and_look(self, payload):
        # This thread's connection is inside the import's transaction; the progress the
        # reading thread saved is committed, so it can read it.
        job = ImportJob.objects.get()
        seen.append((threading.current_thread().name, job.rows_read))
        write(self, payload)

    monkeypatch.setattr(profiles_writer.ProfilesCopyWriter, "write", write_and_look)
    job = _run(in_transaction=False, skip_invalid=True)
    assert job.status == ImportStatus.SUCCEEDED
    assert {name for name, _ in seen} == {"import-writer"}
    assert len(seen) == 3 and all(rows_read >= 3 for _, rows_read in seen)


def test_a_failing_writer_fails_the_job_and_writes_nothing(monkeypatch):
    calls = []
    insert = profiles_writer._profiles_insert_new

    def insert_then_fail(*args):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return insert(*args)

    monkeypatch.setattr(profiles_writer, "_profiles_insert_new", insert_then_fail)
    with pytest.raises(RuntimeError, match="disk full"):
        _run(in_transaction=False, skip_invalid=True)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert "nothing was written" in job.message
    assert _catalogue() == {"old_same": 100, "old_changed": 200}
    assert len(calls) == 2  # the first chunk was written, and rolled back


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("handle,followers\n", "no data rows"),
        ("followers,name\n100,Anna\n", "No column for handle"),
    ],
)
def test_a_file_error_fails_the_job_and_leaves_no_writer_behind(content, message):
    job = import_job_create(
        kind="profiles",
        file=ContentFile(content.encode()),
        original_name="profiles.csv",
        platform="instagram",
    )
    job = import_job_run(job_id=job.pk)
    assert job.status == ImportStatus.FAILED
    assert message in job.message
    assert _catalogue() == {"old_same": 100, "old_changed": 200}
    assert "import-writer" not in {thread.name for thread in threading.enumerate()}
