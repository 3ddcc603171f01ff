"""Property tests: random bytes and random rows never raise, never write partially, and every
rejection names a row and a reason."""

import pytest
from django.core.files.base import ContentFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from creators.importing.services import import_job_create, import_job_run
from creators.models import Creator, FollowerSnapshot, ImportStatus

pytestmark = pytest.mark.django_db
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


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
