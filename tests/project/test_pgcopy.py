"""matchmaker.lib.pgcopy's text and binary COPY encoders and its reader: what goes in comes
back out of PostgreSQL unchanged (the CSV writer has tests/creators/test_import_copy.py)."""

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from creators.models import Creator
from matchmaker.lib.pgcopy import (
    binary_columns_sql,
    binary_kind,
    copy_binary,
    copy_text,
    frame_to_copy_text,
    read_frame,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_binary_copy_round_trips_floats_ints_and_bools_to_the_last_bit():
    frame = pd.DataFrame(
        {
            "n": np.array([0, 1, 2], dtype=np.int64),
            "x": [1 / 3, np.nan, -1e-300],
            "big": np.array([2**62, -1, 0], dtype=np.int64),
            "flag": [True, False, True],
        }
    )
    kinds = {c: binary_kind(frame[c]) for c in frame.columns}
    assert kinds == {"n": "i", "x": "f", "big": "i", "flag": "b"}
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE binary_probe ({binary_columns_sql(kinds)})")
        copy_binary(cursor, "pg_temp.binary_probe", frame, kinds)
        cursor.execute("SELECT x, big, flag, x = 'NaN'::float8 FROM binary_probe ORDER BY n")
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE binary_probe")
    assert rows[0] == (1 / 3, 2**62, True, False)
    assert rows[1][1:] == (-1, False, True)  # NaN stays NaN (the INSERT turns it into NULL)
    assert rows[2] == (-1e-300, 0, True, False)


def test_binary_copy_has_no_encoding_for_text():
    with pytest.raises(TypeError, match="no binary COPY encoding"):
        binary_kind(pd.Series(["a"], name="t"))


def test_text_copy_round_trips_nulls_escapes_and_json():
    frame = pd.DataFrame(
        {
            "n": np.array([0, 1, 2], dtype=np.int64),
            "t": pd.Series(["tab\there", None, "back\\slash\nnew\rline"], dtype=object),
            "j": ['[{"a": "x\\ty"}]', "[]", "[1]"],
            "x": [0.1, np.inf, np.nan],
            "b": [True, False, True],
        }
    )
    assert frame_to_copy_text(frame.iloc[:0]) == ""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE text_probe (n int8, t text, j jsonb, x float8, b bool)")
        copy_text(cursor, "pg_temp.text_probe", frame)
        cursor.execute("SELECT t, j::text, x, b FROM text_probe ORDER BY n")
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE text_probe")
    assert rows[0] == ("tab\there", '[{"a": "x\\ty"}]', 0.1, True)
    assert rows[1] == (None, "[]", None, False)  # non-finite floats are written as NULL
    assert rows[2] == ("back\\slash\nnew\rline", "[1]", None, True)


def test_read_frame_reads_a_queryset_as_its_values_list():
    f.CreatorFactory(handle="one", followers=10, bio="")
    f.CreatorFactory(handle="two", followers=20, bio='a, "quoted"\nbio')
    frame = read_frame(Creator.objects.order_by("handle"), ["handle", "followers", "bio"])
    assert frame["handle"].tolist() == ["one", "two"]
    assert frame["followers"].tolist() == [10, 20]
    assert np.isnan(frame["bio"].iloc[0])  # empty text reads as NaN
    assert frame["bio"].iloc[1] == 'a, "quoted"\nbio'
    empty = read_frame(Creator.objects.filter(handle="none"), ["handle"])
    assert empty.empty and list(empty.columns) == ["handle"]
