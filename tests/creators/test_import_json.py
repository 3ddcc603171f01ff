"""JSON input: arrays of objects, JSON Lines, one object with its records in a list, and .json.xz
(as Instaloader writes), streamed, nested fields flattened with dotted names. The same records
in every form give the same rows and the same import."""

import json
import lzma

import pandas as pd
import pytest

from creators.importing.jsonfiles import flatten
from creators.importing.readers import ImportFileError, read_table
from creators.models import Creator, ImportStatus

# Instaloader-shaped profile records: nested, with lists, booleans, nulls.
RECORDS = [
    {
        "node": {
            "username": "green.kitchen",
            "full_name": "Green Kitchen",
            "edge_followed_by": {"count": 48500},
            "edge_follow": {"count": 310},
            "biography": "Plants, mostly.",
            "is_verified": True,
            "external_url": None,
        },
        "tags": ["food", "vegan"],
    },
    {
        "node": {
            "username": "veggie_dan",
            "full_name": "Dan 🥕",
            "edge_followed_by": {"count": 12345},
            "edge_follow": {"count": 99},
            "biography": None,
            "is_verified": False,
            "external_url": "https://dan.example.com",
        },
        "tags": [],
    },
    {"node": {"username": "anna", "full_name": "Анна", "edge_followed_by": {"count": 900}}},
]
pytestmark = pytest.mark.django_db


def forms_of(records, tmp_path):
    array = json.dumps(records, indent=2).encode()
    lines = "\n".join(json.dumps(r) for r in records).encode() + b"\n"
    files = {
        "array.json": array,
        "lines.jsonl": lines,
        "wrapped.json": json.dumps({"kind": "list", "items": records}).encode(),
        "array.json.xz": lzma.compress(array),
        "lines.jsonl.xz": lzma.compress(lines),
    }
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(content)
    return paths


def frame_of(path, chunk_rows=2):
    table = read_table(path, chunk_rows=chunk_rows)
    frame = pd.concat(list(table.chunks))
    return table.headers, frame.reset_index(drop=True)


def test_nested_fields_are_flattened_with_dotted_names():
    assert flatten({"a": {"b": {"c": 1}}, "d": [1, "x"], "e": None, "f": True, "g": "t"}) == {
        "a.b.c": "1",
        "d": '[1, "x"]',
        "e": None,
        "f": "true",
        "g": "t",
    }


def test_every_form_of_the_same_records_gives_the_same_rows(tmp_path):
    paths = forms_of(RECORDS, tmp_path)
    headers, frame = frame_of(paths["array.json"])
    assert headers[:4] == [
        "node.username",
        "node.full_name",
        "node.edge_followed_by.count",
        "node.edge_follow.count",
    ]
    assert frame.loc[0, "node.edge_followed_by.count"] == "48500"
    assert frame.loc[1, "node.full_name"] == "Dan 🥕"
    assert frame.loc[0, "tags"] == '["food", "vegan"]'
    assert frame.loc[0, "node.external_url"] is None
    for name, path in paths.items():
        other_headers, other = frame_of(path)
        assert other_headers == headers, name
        pd.testing.assert_frame_equal(other, frame, obj=name)


def test_an_array_is_streamed_record_by_record(tmp_path):
    # Records far longer than the reader's 64 KB block, and many of them.
    records = [
        {"username": f"u{i}", "bio": "x" * 70_000 if i % 50 == 0 else ""} for i in range(300)
    ]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(records))
    headers, frame = frame_of(path, chunk_rows=64)
    assert headers == ["username", "bio"] and len(frame) == 300
    assert frame.loc[250, "bio"] == "x" * 70_000 and frame.loc[299, "username"] == "u299"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'[{"a": 1}, {"a": 2', "Record 2 is not valid JSON"),
        (b'[{"a": 1}, 5]', "Record 2 is not an object"),
        (b'{"a": 1}\n{"a": 2\n', "Line 2 is not valid JSON"),
        (b"[]", "The file has no records."),
    ],
)
def test_broken_json_says_where(content, message, tmp_path):
    path = tmp_path / "broken.json"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        table = read_table(path)
        list(table.chunks)


def test_each_form_imports_with_no_mapping_to_the_same_creators(run_import, tmp_path):
    paths = forms_of(RECORDS, tmp_path)
    seen = None
    for name, path in paths.items():
        Creator.objects.all().delete()
        job = run_import("profiles", path.read_bytes(), name=name, platform="instagram")
        assert job.status == ImportStatus.SUCCEEDED, (name, job.message)
        creators = list(
            Creator.objects.order_by("handle").values_list(
                "handle", "display_name", "followers", "following", "bio", "profile_url"
            )
        )
        assert seen is None or creators == seen, name
        seen = creators
    assert seen[0] == ("anna", "Анна", 900, None, "", "")
    assert seen[1] == ("green.kitchen", "Green Kitchen", 48500, 310, "Plants, mostly.", "")


@pytest.mark.parametrize("content", [b"[\x80\x81]", b'{"handle": "a"}\n{"handle": "\xff"}\n'])
def test_json_that_is_not_utf8_is_a_clear_file_error(tmp_path, content):
    """Found by the random-bytes property test: a JSON-looking file with bytes that are not
    UTF-8 crashed the import with UnicodeDecodeError instead of saying what is wrong."""
    path = tmp_path / "profiles.json"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match="not UTF-8"):
        table = read_table(path)
        list(table.chunks)
