"""Import jobs over the API: staff upload and poll; others are refused; bad files are 400."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from creators.models import Creator, ImportJob

pytestmark = pytest.mark.django_db

CSV = (
    b"handle,platform,followers,country\nalice_api,instagram,12000,DE\nbob_api,instagram,54000,FR\n"
)


def test_staff_uploads_and_the_job_runs(world, api_for, django_capture_on_commit_callbacks):
    client = api_for(world.staff, staff=True)
    upload = SimpleUploadedFile("profiles.csv", CSV, content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"kind": "profiles", "file": upload})
    assert response.status_code == 201, response.content
    job_id = response.json()["id"]
    body = client.get(f"/api/v1/imports/{job_id}/").json()
    assert body["status"] == ImportJob.objects.get(pk=job_id).status
    assert body["status"] == "succeeded", body
    assert body["rows_created"] == 2
    assert set(Creator.objects.values_list("handle", flat=True)) >= {"alice_api", "bob_api"}
    assert client.get("/api/v1/imports/").json()["count"] == 1


def test_upload_validation_errors(world, api_for):
    client = api_for(world.staff, staff=True)
    empty = SimpleUploadedFile("profiles.csv", b"", content_type="text/csv")
    response = client.post("/api/v1/imports/", {"kind": "profiles", "file": empty})
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"]
    pdf = SimpleUploadedFile("profiles.pdf", b"%PDF", content_type="application/pdf")
    response = client.post("/api/v1/imports/", {"kind": "profiles", "file": pdf})
    assert response.status_code == 400 and "file" in response.json()["error"]["fields"]
    response = client.post("/api/v1/imports/", {"kind": "nonsense"})
    assert response.status_code == 400
    assert {"kind", "file"} <= set(response.json()["error"]["fields"])


def test_non_staff_cannot_use_imports(world, api_for):
    client = api_for(world.owner_a)
    assert client.get("/api/v1/imports/").status_code == 403
    upload = SimpleUploadedFile("profiles.csv", CSV, content_type="text/csv")
    assert client.post("/api/v1/imports/", {"kind": "profiles", "file": upload}).status_code == 403
    assert not ImportJob.objects.exists()
