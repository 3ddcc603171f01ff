"""Fixtures shared by the catalogue's tests: uploads stored under a temporary MEDIA_ROOT, and
an import run start to finish in this process."""

import pytest
from django.core.files.base import ContentFile

from creators.importing.services import import_job_create, import_job_run
from creators.models import ImportJob


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files land in the test's own directory, never in the project's media/."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def run_import():
    """run_import(kind, content, name="file.csv", **options): store the file as an import job
    (options as import_job_create takes them) and run it here; returns the finished job."""

    def run(kind: str, content: bytes | str, name: str = "file.csv", **options) -> ImportJob:
        if isinstance(content, str):
            content = content.encode()
        job = import_job_create(kind=kind, file=ContentFile(content), original_name=name, **options)
        return import_job_run(job_id=job.pk)

    return run
