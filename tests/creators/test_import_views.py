"""The staff import pages: upload -> preview/mapping -> run -> progress -> result, error CSV."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from creators.models import Creator, ImportJob, ImportStatus, SavedMapping

pytestmark = pytest.mark.django_db


def upload(client, content: bytes, name="people.csv", **fields):
    data = {
        "kind": "profiles",
        "platform": "instagram",
        "file": SimpleUploadedFile(name, content),
        **fields,
    }
    return client.post(reverse("creators:imports"), data)


def test_pages_are_staff_only(world, client, client_for):
    job = ImportJob.objects.create(kind="profiles", original_name="x.csv", file="imports/x.csv")
    urls = [
        reverse("creators:imports"),
        reverse("creators:import_detail", args=[job.pk]),
        reverse("creators:import_preview", args=[job.pk]),
        reverse("creators:import_errors", args=[job.pk]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    for user in (world.owner_a, world.viewer_a, world.outsider):
        logged_in = client_for(user)
        for url in urls:
            assert logged_in.get(url).status_code == 404, (user, url)
        assert upload(logged_in, b"handle,followers\nanna,1\n").status_code == 404
    assert ImportJob.objects.count() == 1


def test_upload_preview_override_run_progress_result(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.staff)
    assert client.get(reverse("creators:imports")).status_code == 200
    response = upload(
        client, b"Who,Reach,Land\nanna,1.5K,Germany\nbob,oops,FR\ncarl,2M,fr\n", skip_invalid="on"
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("creators:import_preview", args=[job.pk])
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "anna" in html and "1.5K" in html
    # "Land" is no known synonym: the admin maps it by hand, and "Who" must be the handle.
    assert preview.context["detected"] == {}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("creators:import_preview", args=[job.pk]),
            {
                "map_handle": "Who",
                "map_followers": "Reach",
                "map_country": "Land",
                "remember": "on",
            },
        )
    assert callbacks, "the run is enqueued on commit"
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportStatus.SUCCEEDED, job.message  # eager Celery ran it on commit
    assert (job.rows_created, job.rows_rejected) == (2, 1)
    assert Creator.objects.get(handle="carl").country == "FR"
    assert SavedMapping.objects.get(kind="profiles").mapping["country"] == "Land"
    result = client.get(response["Location"])
    assert "2 created" in result.content.decode() and "not a number" in result.content.decode()
    partial = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "<h1>" not in partial.content.decode() and "hx-trigger" not in partial.content.decode()
    report = client.get(reverse("creators:import_errors", args=[job.pk]))
    lines = report.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "row,column,value,reason" and lines[1].startswith("3,Reach,oops,")
    history = client.get(reverse("creators:imports")).content.decode()
    assert "people.csv" in history and "Done" in history


def test_running_job_polls_with_progress(world, client_for):
    client = client_for(world.staff)
    job = ImportJob.objects.create(
        kind="profiles",
        original_name="x.csv",
        file="imports/x.csv",
        status=ImportStatus.RUNNING,
        rows_read=500,
        rows_total=2000,
    )
    html = client.get(
        reverse("creators:import_detail", args=[job.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert 'hx-trigger="every 1s"' in html
    assert '<progress value="500" max="2000">' in html


def test_bad_uploads_are_refused_with_messages(world, client_for):
    client = client_for(world.staff)
    response = upload(client, b"%PDF-1.4", name="people.pdf")
    assert response.status_code == 200 and "Upload a .csv" in response.content.decode()
    response = upload(client, b"", name="people.csv")
    assert response.status_code == 200 and "empty" in response.content.decode()
    response = upload(client, bytes(range(256)) * 10, name="binary.csv")
    job = ImportJob.objects.get()
    detail = client.get(response["Location"], follow=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert "looks binary" in detail.content.decode()


def test_missing_required_mapping_is_a_form_error(world, client_for):
    client = client_for(world.staff)
    upload(client, b"name,fans\nAnna,10\n")
    job = ImportJob.objects.get()
    response = client.post(
        reverse("creators:import_preview", args=[job.pk]), {"map_followers": "fans"}
    )
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.PENDING
