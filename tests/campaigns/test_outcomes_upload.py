"""The results page's file upload: the "outcomes" import kind run for the marketer's campaign by
the import worker (the upload's page shows its progress and outcome), all or nothing, with every
bad row listed; write access, tenancy and file limits."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from openpyxl import Workbook

from campaigns.models import Deliverable, Outcome
from campaigns.outcomes import services as outcome_services
from creators.models import ImportJob, ImportStatus

pytestmark = pytest.mark.django_db

GOOD = (
    "Creator,Post URL,Date,Reach,Likes,Comments,Revenue\n"
    "@Leafy.Lena,https://instagram.com/p/AAA,2026-05-01,10500,400,20,99.50\n"
    "oat.otto,https://tiktok.com/v/1,2026-05-02,8000,1200,,\n"
)


def _post(client, url: str, data: dict):
    """POST, then run what it sent on commit (in-process: the import task, as a worker would)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, data)


def _upload(client, world, content: bytes | str, name="results.csv"):
    if isinstance(content, str):
        content = content.encode()
    return _post(
        client,
        reverse("campaigns:outcomes_upload", args=[world.campaign_a.pk]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


def _upload_page(client, response, campaign):
    """The upload's own page the POST redirected to."""
    assert response.status_code == 302, response.content[:300]
    job = ImportJob.objects.latest("id")
    assert response["Location"] == reverse("campaigns:results_upload", args=[campaign.pk, job.pk])
    return client.get(response["Location"])


def test_editor_uploads_results_and_sees_them(world, roster, client_for):
    one, two = roster
    client = client_for(world.editor_a)
    page = client.get(reverse("campaigns:results", args=[world.campaign_a.pk]))
    assert 'id="results-upload"' in page.content.decode()
    response = _upload(client, world, GOOD)
    shown = _upload_page(client, response, world.campaign_a)
    lena = Outcome.objects.get(deliverable__entry=one)
    assert (lena.reach, lena.likes, lena.revenue, lena.source) == (
        10_500,
        400,
        Decimal("99.50"),
        "csv",
    )
    assert Deliverable.objects.get(entry=two).post_url == "https://tiktok.com/v/1"
    job = ImportJob.objects.get(kind="outcomes")
    assert job.scope == {"campaign_id": world.campaign_a.pk} and job.created_by == world.editor_a
    assert "results.csv: 2 created" in shown.content.decode()  # the job's summary
    results = client.get(reverse("campaigns:results", args=[world.campaign_a.pk])).content.decode()
    assert "10,500" in results or "10500" in results
    assert reverse("campaigns:results_upload", args=[world.campaign_a.pk, job.pk]) in results


def test_xlsx_workbook_is_accepted(world, roster, client_for):
    book = Workbook()
    sheet = book.active
    sheet.append(["handle", "post_url", "reach"])
    sheet.append(["leafy.lena", "https://instagram.com/p/AAA", 777])
    data = io.BytesIO()
    book.save(data)
    client = client_for(world.owner_a)
    response = _upload(client, world, data.getvalue(), name="results.xlsx")
    assert _upload_page(client, response, world.campaign_a).status_code == 200
    assert Outcome.objects.get().reach == 777


def test_bad_rows_are_listed_and_nothing_is_written(world, roster, client_for):
    client = client_for(world.owner_a)
    response = _upload(
        client,
        world,
        "handle,post_url,reach,likes\n"
        "leafy.lena,https://instagram.com/p/AAA,100,5\n"  # good, yet not written
        "globex.gus,https://x.com/1,100,5\n"  # another organisation's creator
        "leafy.lena,https://instagram.com/p/AAA,lots,5\n"
        "oat.otto,javascript:alert(1),1,1\n"
        "oat.otto,https://tiktok.com/v/9,<b>bold</b>,1\n",
    )
    response = _upload_page(client, response, world.campaign_a)
    assert response.status_code == 200
    html = response.content.decode()
    # Issue 17: rows, not "row(s)", and rows rather than errors.
    assert "4 rows rejected, nothing imported" in html
    rows = response.context["upload_errors"]
    assert [(e["row"], e["column"]) for e in rows] == [
        (3, "handle"),
        (4, "reach"),
        (5, "post_url"),
        (6, "reach"),
    ]
    assert "not on this campaign&#x27;s roster" in html and "Nothing from this file" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html  # values are escaped
    assert Outcome.objects.count() == 0
    assert Deliverable.objects.count() == 1  # the URLs of the bad file created no deliverable
    assert ImportJob.objects.get().status == ImportStatus.FAILED


def test_only_the_first_rejected_rows_are_listed(world, roster, client_for, monkeypatch):
    from campaigns.outcomes import views

    monkeypatch.setattr(views, "UPLOAD_ERRORS_SHOWN", 2)
    lines = "".join(f"nobody{i},,{i}\n" for i in range(5))
    client = client_for(world.owner_a)
    response = _upload(client, world, "handle,post_url,reach\n" + lines)
    response = _upload_page(client, response, world.campaign_a)
    assert len(response.context["upload_errors"]) == 2
    assert "…and 3 more errors." in response.content.decode()


def test_rejections_count_rows_and_errors_apart(world, roster, client_for):
    """Two rows with two bad cells each: "2 rows rejected (4 errors)", not "4 row(s)"."""
    client = client_for(world.owner_a)
    response = _upload(
        client,
        world,
        "handle,post_url,reach,likes\n"
        "leafy.lena,https://instagram.com/p/AAA,lots,many\n"
        "oat.otto,https://tiktok.com/v/9,some,few\n",
    )
    html = _upload_page(client, response, world.campaign_a).content.decode()
    assert "2 rows rejected (4 errors), nothing imported" in html
    job = ImportJob.objects.get()
    assert (job.rows_rejected, job.error_count) == (2, 4)
    results = client.get(reverse("campaigns:results", args=[world.campaign_a.pk])).content.decode()
    assert "2 rows rejected" in results


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("results.pdf", b"handle,reach\nleafy.lena,1\n", "upload the results as a .csv file"),
        ("results.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "is a PNG image, not a table"),
        ("results.xlsx", b"handle,reach\n", "is not an Excel workbook"),
        ("results.csv", b"", "The submitted file is empty."),
    ],
)
def test_files_that_are_not_results_tables_are_refused(
    world, roster, client_for, name, content, message
):
    response = _upload(client_for(world.editor_a), world, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Outcome.objects.count() == 0


def test_a_file_without_rows_is_a_failed_upload(world, roster, client_for):
    client = client_for(world.editor_a)
    response = _upload(client, world, b"handle,post_url,reach\n")
    page = _upload_page(client, response, world.campaign_a).content.decode()
    assert "no data rows" in page and "Nothing from this file was recorded" in page
    assert ImportJob.objects.get().status == ImportStatus.FAILED
    assert Outcome.objects.count() == 0


def test_file_over_the_size_limit_is_refused(world, roster, client_for, monkeypatch):
    monkeypatch.setattr(outcome_services, "OUTCOMES_MAX_UPLOAD_BYTES", len(GOOD) - 1)
    response = _upload(client_for(world.editor_a), world, GOOD)
    assert response.status_code == 400
    assert "a results file may be at most" in response.content.decode()
    assert Outcome.objects.count() == 0 and not ImportJob.objects.exists()
    monkeypatch.setattr(outcome_services, "OUTCOMES_MAX_UPLOAD_BYTES", len(GOOD))
    assert _upload(client_for(world.editor_a), world, GOOD).status_code == 302


def test_missing_file_is_a_clear_error(world, roster, client_for):
    response = client_for(world.editor_a).post(
        reverse("campaigns:outcomes_upload", args=[world.campaign_a.pk]), {}
    )
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_viewers_and_other_organisations_cannot_upload(world, roster, client_for):
    for user in (world.viewer_a, world.owner_b):
        assert _upload(client_for(user), world, GOOD).status_code == 404
    page = client_for(world.viewer_a).get(reverse("campaigns:results", args=[world.campaign_a.pk]))
    assert page.status_code == 200 and 'id="results-upload"' not in page.content.decode()
    # Organisation B uploading to its own campaign cannot reach A's roster either.
    client = client_for(world.owner_b)
    response = _post(
        client,
        reverse("campaigns:outcomes_upload", args=[world.campaign_b.pk]),
        {"file": SimpleUploadedFile("r.csv", b"handle,post_url,reach\nleafy.lena,,5\n")},
    )
    response = _upload_page(client, response, world.campaign_b)
    assert "not on this campaign" in response.content.decode()
    assert Outcome.objects.count() == 0 and not ImportJob.objects.filter(status="succeeded")
    assert (
        client_for(world.editor_a)
        .get(reverse("campaigns:outcomes_upload", args=[world.campaign_a.pk]))
        .status_code
        == 405
    )


def _listed_columns(help_text: str) -> dict[str, list[str]]:
    """'... headers (...): handle (or creator, username; required); reach; ...' -> names."""
    listed = {}
    for part in help_text.split("): ", 1)[1].rstrip(".").split("; "):
        name, _, rest = part.partition(" (")
        if name in ("required)",):
            continue
        others = (
            rest.split(";")[0].removeprefix("or ").rstrip(")") if rest.startswith("or ") else ""
        )
        listed[name] = [o.strip() for o in others.split(",") if o.strip()]
    return listed


def test_help_text_names_exactly_the_columns_the_detector_accepts(world, roster, client_for):
    import pandas as pd

    from campaigns.outcomes.forms import OutcomesUploadForm
    from campaigns.outcomes.importing import KIND
    from creators.importing.columns import CONFIRMED_BY_CONTENT, detect_mapping

    help_text = OutcomesUploadForm.base_fields["file"].help_text
    page = client_for(world.editor_a).get(reverse("campaigns:results", args=[world.campaign_a.pk]))
    assert help_text in page.content.decode()
    listed = _listed_columns(help_text)
    assert list(listed) == [field.name for field in KIND.fields]  # every field, nothing else
    for field in KIND.fields:
        assert listed[field.name] == list(field.synonyms)
        for name in (field.name, *field.synonyms):
            # As a person types it: "Creator handle", "Post url".
            header = name.replace("_", " ").capitalize()
            # A header that also names display names ("Influencer") is read with its values,
            # as in a real file: handles confirm it.
            sample = pd.DataFrame({header: ["leafy.lena", "max_92", "glow.getter"]})
            confirmed = name in CONFIRMED_BY_CONTENT.get(field.name, ())
            detected = detect_mapping([header], KIND, sample if confirmed else None)
            assert detected == {field.name: header}, name
    assert "handle (or creator, creator_handle," in help_text and "; required)" in help_text


def test_a_creator_handle_column_as_the_help_once_said_is_read(world, roster, client_for):
    client = client_for(world.editor_a)
    response = _upload(
        client, world, "Creator handle,Post URL,Reach\nleafy.lena,https://instagram.com/p/AAA,10\n"
    )
    shown = _upload_page(client, response, world.campaign_a).content.decode()
    assert "No column for" not in shown and "1 created" in shown
    assert Outcome.objects.get().reach == 10


def test_skip_invalid_rows_is_offered_and_records_the_good_rows(world, roster, client_for):
    client = client_for(world.editor_a)
    page = client.get(reverse("campaigns:results", args=[world.campaign_a.pk])).content.decode()
    assert 'name="skip_invalid"' in page and "Skip invalid rows" in page
    bad_file = GOOD + "nobody.here,https://instagram.com/p/ZZZ,2026-05-03,5,,,\n"
    failed = _upload_page(client, _upload(client, world, bad_file), world.campaign_a)
    assert "nothing imported" in failed.content.decode()
    assert "skip invalid rows" in failed.content.decode()  # the advice names the form's option
    assert Outcome.objects.count() == 0

    response = _post(
        client,
        reverse("campaigns:outcomes_upload", args=[world.campaign_a.pk]),
        {
            "file": SimpleUploadedFile("results.csv", bad_file.encode(), content_type="text/csv"),
            "skip_invalid": "on",
        },
    )
    shown = _upload_page(client, response, world.campaign_a).content.decode()
    job = ImportJob.objects.latest("id")
    assert job.status == ImportStatus.SUCCEEDED and job.skip_invalid
    assert Outcome.objects.count() == 2
    assert "2 created" in shown and "1 row rejected" in shown
    assert "Skipped rows" in shown and "@nobody.here is not on this campaign" in shown
