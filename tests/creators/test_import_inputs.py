"""Inputs the importer answered wrongly (issue 14 item 9, the import parts): a NUL byte in a
cell was cut off silently ("be\\0fore" became "be"); a UTF-16 CSV with a byte order mark was
refused as "looks binary"; a revenue of 2e12 was "not a number" instead of too large."""

import codecs

import pytest

from campaigns.models import Outcome, Stage
from creators.importing.readers import ImportFileError, read_table
from creators.importing.services import NUL_REASON
from creators.importing.values import parse_count, parse_number
from creators.models import Creator, ImportStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("padding", [0, 70_000], ids=["near the top", "past the first 64 KB"])
def test_a_nul_byte_in_a_cell_is_a_row_error(padding, run_import):
    filler = "".join(f"filler{i},,{i}\n" for i in range(padding // 12))
    content = f"handle,display_name,followers\n{filler}anna,be\0fore,10\n".encode()
    job = run_import("profiles", content, platform="instagram")
    assert job.status == ImportStatus.FAILED
    row = 2 + padding // 12
    assert job.errors == [
        {"row": row, "column": "display_name", "value": "be\\x00fore", "reason": NUL_REASON}
    ]
    assert not Creator.objects.exists()
    # With skip invalid rows, the others are imported and the value is never cut.
    job = run_import("profiles", content, skip_invalid=True, platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED and job.rows_rejected == 1
    assert not Creator.objects.filter(display_name="be").exists()


def test_a_nul_byte_in_the_header_is_named(tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"handle,fol\0lowers\nanna,10\n")
    with pytest.raises(ImportFileError, match="column 2 contains a NUL character"):
        read_table(path)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-16-le", b""),  # no byte order mark: told by its NUL bytes
    ],
    ids=["LE with BOM", "BE with BOM", "LE without BOM"],
)
def test_a_utf16_csv_is_read(encoding, bom, run_import):
    text = "handle\tdisplay_name\tfollowers\r\nanna\tAnna Müller\t1500\r\nbob\tBöb 🙂\t2500\r\n"
    job = run_import("profiles", bom + text.encode(encoding), platform="instagram")
    assert job.status == ImportStatus.SUCCEEDED, job.message
    assert dict(Creator.objects.values_list("handle", "display_name")) == {
        "anna": "Anna Müller",
        "bob": "Böb 🙂",
    }


def test_a_file_claiming_utf16_that_does_not_decode_names_the_encoding(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "handle,followers\n".encode("utf-16-le") + b"\x00\xd8")
    with pytest.raises(ImportFileError, match="looks like UTF-16 text but does not decode"):
        read_table(path)


def test_numbers_in_exponent_notation_are_numbers():
    assert parse_number("2e12") == 2e12
    assert parse_number("2E+12") == 2e12
    assert parse_count("1.2E+05") == 120_000
    with pytest.raises(ValueError, match="not a number"):
        parse_number("2e")


def test_a_revenue_of_2e12_is_too_large_not_not_a_number(world, run_import):
    entry = f.RosterEntryFactory(
        campaign=world.campaign_a, creator=f.CreatorFactory(handle="lena"), stage=Stage.COMPLETED
    )
    f.DeliverableFactory(entry=entry, post_url="https://instagram.com/p/A")
    job = run_import(
        "outcomes",
        b"handle,post_url,revenue\nlena,https://instagram.com/p/A,2e12\n",
        scope={"campaign_id": world.campaign_a.pk},
        platform="instagram",
    )
    assert job.status == ImportStatus.FAILED
    assert job.errors == [
        {
            "row": 2,
            "column": "revenue",
            "value": "2e12",
            "reason": "revenue too large: 2e12 (at most 999,999,999,999.99)",
        }
    ]
    assert not Outcome.objects.exists()
