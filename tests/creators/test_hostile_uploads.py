"""Small files that held a worker (issue 14 item 2), through both ways a file comes in: the
staff import preview (the file is read inside the request) and a campaign's results upload
(read by the import worker; in-process here, run on commit as a worker would).

- a 1.5 KB workbook declaring A1:XFD1048576 with a cell in that corner (openpyxl yielded a
  million rows of 16,384 cells: 26 minutes), and one declaring it around a small table (every
  row padded to 16,384 cells);
- a workbook with one cell at XFD20000 (16-26 s per request);
- a zip bomb (a sheet inflating hundreds of times) and a workbook past the uncompressed cap;
- a CSV 10,000 columns wide (16 s on the preview), and lines far wider than their header;
- a sheet declaring XML entities (defusedxml).

Each is answered with a clear message or imported correctly. The time bound (TIME_BOUND) is a
safety net against the old behaviour, not a benchmark."""

import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from campaigns.models import Outcome, Stage
from creators.importing.readers import ImportFileError, read_table
from creators.models import Creator, ImportJob, ImportStatus
from tests import factories as f
from tests import hostile_files as hostile

pytestmark = pytest.mark.django_db

TIME_BOUND = 2.0  # seconds
PROFILES = (["handle", "followers"], [["anna", 1500], ["bob", 2500]])
RESULTS = (["handle", "post_url", "reach"], [["lena", "https://instagram.com/p/A", 700]])


class Clock:
    def __enter__(self):
        self.start = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.start
        assert self.seconds < TIME_BOUND, f"took {self.seconds:.1f} s"


def _staff_preview(client, content: bytes, name: str):
    """Upload as staff, open the preview (read in the request), confirm the mapping (the run
    happens on commit). Returns (preview response, job)."""
    with Clock():
        response = client.post(
            reverse("creators:imports"),
            {
                "kind": "profiles",
                "platform": "instagram",
                "file": SimpleUploadedFile(name, content),
            },
        )
        if response.status_code != 302:
            return response, None
        job = ImportJob.objects.latest("id")
        preview = client.get(response["Location"], follow=True)
        job.refresh_from_db()
        if job.status != ImportStatus.PENDING:
            return preview, job
        form = preview.context["form"]
        data = {k: v for k, v in form.initial.items() if k.startswith("map_")}
        data.update({n: form[n].value() or "" for n in form.fields if n.startswith("map_")})
        with TestCase.captureOnCommitCallbacks(execute=True):
            client.post(reverse("creators:import_preview", args=[job.pk]), data)
    job.refresh_from_db()
    return preview, job


@pytest.fixture
def lena(world):
    entry = f.RosterEntryFactory(
        campaign=world.campaign_a, creator=f.CreatorFactory(handle="lena"), stage=Stage.COMPLETED
    )
    f.DeliverableFactory(entry=entry, post_url="https://instagram.com/p/A")
    return entry


def _results_upload(client, world, content: bytes, name: str):
    """POST on the results page; the job runs on commit. Returns (POST response, job page)."""
    with Clock(), TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            reverse("campaigns:outcomes_upload", args=[world.campaign_a.pk]),
            {"file": SimpleUploadedFile(name, content)},
        )
    page = client.get(response["Location"]) if response.status_code == 302 else None
    return response, page


# ------------------------------------------------------------------ dimension bombs


def test_dimension_bomb_is_a_clear_message_on_the_preview(world, client_for):
    content = hostile.dimension_bomb(*PROFILES)
    assert len(content) < 1600  # the 1.5 KB file of the review
    preview, job = _staff_preview(client_for(world.staff), content, "bomb.xlsx")
    assert preview.status_code == 200
    assert preview.context["headers"] == ["handle", "followers"]  # not 16,384 columns
    assert [row[1:] for row in preview.context["rows"]][:2] == [("anna", "1500"), ("bob", "2500")]
    assert preview.context["cells_past_header"] == [1_048_576]
    assert "Row 1048576 has cells only past the last named column (2 columns)" in (
        preview.content.decode()
    )
    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"], e["reason"]) for e in job.errors] == [
        (1_048_576, "handle", "handle is required"),
        (1_048_576, "followers", "followers is required"),
    ]
    assert "first: row 1048576, handle: handle is required" in job.message
    assert not Creator.objects.exists()


def test_dimension_bomb_is_a_clear_message_on_the_results_page(world, lena, client_for):
    client = client_for(world.editor_a)
    response, page = _results_upload(client, world, hostile.dimension_bomb(*RESULTS), "r.xlsx")
    assert response.status_code == 302
    assert "1 row rejected, nothing imported (first: row 1048576" in page.content.decode()
    assert not Outcome.objects.exists()


def test_a_lying_dimension_is_ignored_and_the_table_imported(world, lena, client_for):
    preview, job = _staff_preview(
        client_for(world.staff), hostile.lying_dimension(*PROFILES), "lying.xlsx"
    )
    assert [row[1:] for row in preview.context["rows"]] == [("anna", "1500"), ("bob", "2500")]
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert dict(Creator.objects.values_list("handle", "followers")) == {
        "anna": 1500,
        "bob": 2500,
        "lena": lena.creator.followers,
    }
    _, page = _results_upload(
        client_for(world.editor_a), world, hostile.lying_dimension(*RESULTS), "r.xlsx"
    )
    assert "r.xlsx: 1 created" in page.content.decode()
    assert Outcome.objects.get().reach == 700


def test_one_far_cell_is_a_clear_row_error(world, client_for, lena):
    content = hostile.far_cell(*PROFILES, at_row=20_000)
    preview, job = _staff_preview(client_for(world.staff), content, "far.xlsx")
    assert preview.context["headers"] == ["handle", "followers"]
    assert job.status == ImportStatus.FAILED
    assert [(e["row"], e["column"], e["reason"]) for e in job.errors] == [
        (20_000, "handle", "handle is required"),
        (20_000, "followers", "followers is required"),
    ]
    assert not Creator.objects.filter(handle__in=["anna", "bob"]).exists()
    _, page = _results_upload(
        client_for(world.editor_a), world, hostile.far_cell(*RESULTS), "far.xlsx"
    )
    assert "1 row rejected, nothing imported (first: row 20000" in page.content.decode()
    assert not Outcome.objects.exists()


def test_rows_wider_than_their_header_are_cut_to_it(tmp_path):
    lines = [*hostile.table_rows(*PROFILES), hostile.row(4, {"A": "carl", "B": 10, "C": "x"})]
    path = tmp_path / "wide.xlsx"
    path.write_bytes(hostile.xlsx(hostile.sheet_xml(lines, dimension="A1:XFD4")))
    table = read_table(path)
    rows = [(n, list(r)) for chunk in table.chunks for n, r in chunk.iterrows()]
    assert rows == [(2, ["anna", "1500"]), (3, ["bob", "2500"]), (4, ["carl", "10"])]
    csv = tmp_path / "wide.csv"
    csv.write_text("handle,followers\nanna,1," + ",".join("x" * 900) + "\nbob,2,,,,\n,,,,late\n")
    rows = [(n, list(r)) for chunk in read_table(csv).chunks for n, r in chunk.iterrows()]
    # A row with something only past the header is not blank: it is kept, to be rejected.
    assert rows == [(2, ["anna", "1"]), (3, ["bob", "2"]), (4, [None, None])]


# ------------------------------------------------------------------ zip bombs


def test_zip_bomb_is_refused(world, client_for, lena, tmp_path):
    content = hostile.zip_bomb(["handle", "followers"], inflated_mb=64)
    assert len(content) < 256 * 1024
    response, _ = _staff_preview(client_for(world.staff), content, "bomb.xlsx")
    assert response.status_code == 200  # the upload form again, with the reason
    assert (
        "inflates 343 times" in response.content.decode()
        and "zip bomb" in response.content.decode()
    )
    assert not ImportJob.objects.exists()
    response, _ = _results_upload(client_for(world.editor_a), world, content, "bomb.xlsx")
    assert response.status_code == 400 and "zip bomb" in response.content.decode()
    # A file that reaches the reader another way (the command line) is refused there too.
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(content)
    with Clock(), pytest.raises(ImportFileError, match="IMPORT_MAX_XLSX_RATIO"):
        read_table(path)


def test_a_workbook_past_the_uncompressed_cap_is_refused(settings, tmp_path):
    settings.IMPORT_MAX_XLSX_UNCOMPRESSED_MB = 1
    rows = [[f"creator{i}", i] for i in range(30_000)]  # about 3 MB of sheet XML
    path = tmp_path / "big.xlsx"
    path.write_bytes(
        hostile.xlsx(hostile.sheet_xml(hostile.table_rows(["handle", "followers"], rows)))
    )
    with pytest.raises(ImportFileError, match="inflates to 3 MB; at most 1 MB"):
        read_table(path)
    settings.IMPORT_MAX_XLSX_UNCOMPRESSED_MB = 4
    assert sum(len(c) for c in read_table(path).chunks) == 30_000


# ------------------------------------------------------------------ wide CSV


def test_a_csv_of_ten_thousand_columns_is_refused_at_once(world, client_for, lena):
    content = hostile.wide_csv(10_000)
    preview, job = _staff_preview(client_for(world.staff), content, "wide.csv")
    assert job.status == ImportStatus.FAILED
    assert "The header row has 10,000 columns; a file may have at most 1,000" in job.message
    assert job.message in preview.content.decode()
    _, page = _results_upload(client_for(world.editor_a), world, content, "wide.csv")
    assert "The header row has 10,000 columns" in page.content.decode()


@pytest.mark.parametrize("quote", ["", '"'])
def test_a_line_far_wider_than_the_cap_is_refused(tmp_path, quote):
    path = tmp_path / "line.csv"
    path.write_text(f"handle,followers\nanna,1\n{quote}bob{quote},2" + "," * 50_000 + "\n")
    with Clock(), pytest.raises(ImportFileError, match="Line 3 has 50,002 columns"):
        list(read_table(path).chunks)


# ------------------------------------------------------------------ XML entities


def test_a_sheet_declaring_entities_is_refused(tmp_path):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    sheet = hostile.sheet_xml(hostile.table_rows(*PROFILES), prologue=laughs).replace(
        "<t>anna</t>", "<t>&c;</t>"
    )
    path = tmp_path / "entities.xlsx"
    path.write_bytes(hostile.xlsx(sheet))
    with pytest.raises(ImportFileError, match="declares entities or a document type"):
        list(read_table(path).chunks)
