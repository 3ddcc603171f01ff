"""Results uploads are an organisation's private data (issue 14 item 10): the staff import
history (page, API, home page) lists catalogue imports only, and each campaign's results page
lists its own uploads, each with a page that shows its progress while the worker reads it and
its outcome after; another organisation's user gets 404 for all of it."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from creators.models import ImportJob, ImportStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def _results_job(campaign, name: str, **fields) -> ImportJob:
    return ImportJob.objects.create(
        kind="outcomes",
        file=f"imports/{name}",
        original_name=name,
        scope={"campaign_id": campaign.pk},
        **fields,
    )


@pytest.fixture
def jobs(world):
    other = f.CampaignFactory(brand=world.brand_a, name="Autumn")
    return {
        "catalogue": ImportJob.objects.create(
            kind="profiles", file="imports/c.csv", original_name="catalogue-profiles.csv"
        ),
        "a": _results_job(world.campaign_a, "spring-results.csv", status=ImportStatus.SUCCEEDED),
        "other": _results_job(other, "autumn-results.csv"),
        "b": _results_job(world.campaign_b, "secret-sneaker-results.csv"),
    }


def test_the_staff_history_lists_catalogue_imports_only(world, client_for, jobs):
    client = client_for(world.staff)
    for url in (reverse("creators:imports"), reverse("home")):
        html = client.get(url).content.decode()
        assert "catalogue-profiles.csv" in html
        assert "results.csv" not in html, url
    for name in ("import_detail", "import_errors"):
        assert client.get(reverse(f"creators:{name}", args=[jobs["b"].pk])).status_code == 404
    api = APIClient()
    api.force_authenticate(world.staff)
    listed = api.get("/api/v1/imports/").json()
    assert [job["original_name"] for job in listed["results"]] == ["catalogue-profiles.csv"]
    assert api.get(f"/api/v1/imports/{jobs['b'].pk}/").status_code == 404


def test_each_results_page_lists_its_own_uploads(world, client_for, jobs):
    page = client_for(world.viewer_a).get(reverse("campaigns:results", args=[world.campaign_a.pk]))
    html = page.content.decode()
    assert "spring-results.csv" in html
    assert "autumn-results.csv" not in html and "secret-sneaker" not in html
    assert reverse("campaigns:results_upload", args=[world.campaign_a.pk, jobs["a"].pk]) in html


def test_an_upload_page_is_the_campaigns_own(world, client_for, jobs):
    own = reverse("campaigns:results_upload", args=[world.campaign_a.pk, jobs["a"].pk])
    viewer = client_for(world.viewer_a).get(own)
    assert viewer.status_code == 200 and "spring-results.csv" in viewer.content.decode()
    assert "Upload the fixed file" not in viewer.content.decode()  # viewers cannot upload
    assert client_for(world.owner_b).get(own).status_code == 404
    # Another campaign's upload under this campaign's address, and B's under A's.
    for job in (jobs["other"], jobs["b"]):
        url = reverse("campaigns:results_upload", args=[world.campaign_a.pk, job.pk])
        assert client_for(world.owner_a).get(url).status_code == 404
    assert (
        client_for(world.owner_a)
        .get(reverse("campaigns:results_upload", args=[world.campaign_b.pk, jobs["b"].pk]))
        .status_code
        == 404
    )


def test_the_upload_page_shows_progress_until_the_outcome(world, client_for):
    job = _results_job(
        world.campaign_a, "big.csv", status=ImportStatus.RUNNING, rows_total=400, rows_read=120
    )
    url = reverse("campaigns:results_upload", args=[world.campaign_a.pk, job.pk])
    client = client_for(world.editor_a)
    partial = client.get(url, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert '<progress value="120" max="400">' in html and "120 of about 400 rows read" in html
    assert f'hx-get="{url}"' in html and 'hx-trigger="every 1s"' in html
    assert "<html" not in html  # the partial alone

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.FAILED,
        message="1 row rejected, nothing imported (first: row 3, reach: not a number).",
        rows_rejected=1,
        errors=[{"row": 3, "column": "reach", "value": "lots", "reason": "not a number: 'lots'"}],
    )
    html = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-get" not in html  # polling stops
    assert "row 3" in html and "not a number" in html and "Upload the fixed file" in html
