"""Property tests: random bytes and random rows never raise, never write partially, and every
rejection names a row and a reason."""

import csv
import io

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creators.importing import readers
from creators.importing.readers import ImportFileError, read_table
from creators.importing.services import import_job_create, import_job_run
from creators.models import Creator, FollowerSnapshot, ImportStatus

pytestmark = pytest.mark.django_db
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _run(content: bytes, **options):
    try:
        job = import_job_create(
            kind="profiles",
            file=ContentFile(content),
            original_name="f.csv",
            platform="instagram",
            **options,
        )
    except ValueError as exc:  # an empty upload is refused up front, with a message
        assert str(exc)
        return None
    return import_job_run(job_id=job.pk)


def _check(job, before: set) -> None:
    if job is None:
        assert set(Creator.objects.values_list("handle", "followers")) == before
        return
    assert job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
    assert job.message
    for error in job.errors:
        assert isinstance(error["row"], int) and error["row"] >= 1
        assert error["reason"]
    after = set(Creator.objects.values_list("handle", "followers"))
    if job.status == ImportStatus.FAILED:
        assert after == before, "a failed import wrote rows"
    else:
        assert job.rows_created + job.rows_updated + job.rows_unchanged + job.rows_rejected >= 1


@PROPERTY
@given(st.binary(max_size=400))
def test_random_bytes(content):
    before = set(Creator.objects.values_list("handle", "followers"))
    _check(_run(content), before)


cell = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.sampled_from(
        ["48.5M", "1,234", "3.4%", "-1", "@anna", "anna", "Bob_2", "", "1e400", "x" * 120]
    ),
    st.integers(-5, 10**12).map(str),
)


@PROPERTY
@given(rows=st.lists(st.tuples(cell, cell, cell), max_size=12), skip=st.booleans())
def test_random_rows(rows, skip):
    lines = ["handle,followers,country"] + [
        ",".join('"' + c.replace('"', '""') + '"' for c in row) for row in rows
    ]
    before = set(Creator.objects.values_list("handle", "followers"))
    snapshots = FollowerSnapshot.objects.count()
    job = _run("\n".join(lines).encode(), skip_invalid=skip)
    _check(job, before)
    if job is not None and job.status == ImportStatus.SUCCEEDED and not skip:
        assert job.rows_rejected == 0
    if job is not None and job.status == ImportStatus.FAILED:
        assert FollowerSnapshot.objects.count() == snapshots


_CELL = st.text(alphabet='ab ,;"\t\n\r\u00e9=', max_size=6)


@PROPERTY
@given(
    rows=st.lists(st.lists(_CELL, min_size=0, max_size=4), min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";", "\t"]),
    raw_lines=st.lists(st.text(alphabet='ab ,;"\t', max_size=8), max_size=3),
)
def test_fast_reader_reads_what_the_csv_module_reads(tmp_path_factory, rows, delimiter, raw_lines):
    """pandas' C reader (whole-line records) and the csv module (any quoting) give the same
    cells and row numbers, whatever the quoting, ragged rows, blank cells or chunk size."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(["h1", "h2", "h3"])
    for row in rows:
        writer.writerow(row)
    text = buffer.getvalue() + "".join(line + "\n" for line in raw_lines)
    path = tmp_path_factory.mktemp("reader") / "f.csv"
    path.write_text(text, encoding="utf-8")
    try:
        table = read_table(path, chunk_rows=3)
        fast = list(table.chunks)
    except ImportFileError:
        return  # the csv module refused it too, below
    lines = readers._numbered_lines(path, "utf-8-sig")
    header_reader = csv.reader((line for _, line in lines), delimiter=table.delimiter)
    next(header_reader)
    slow = list(readers._csv_module_chunks(table.headers, lines, table.delimiter, chunk_rows=3))
    as_rows = lambda chunks: [  # noqa: E731
        (row, tuple(values)) for chunk in chunks for row, values in chunk.iterrows()
    ]
    assert as_rows(fast) == as_rows(slow)
