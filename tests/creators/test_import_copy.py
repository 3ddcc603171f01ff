"""The COPY writer the importer stages rows with (matchmaker.lib.pgcopy): what goes in comes back
out of PostgreSQL unchanged: NULL vs empty string, a literal \\N, quotes, line breaks, booleans,
floats to the last bit, integers with gaps, timestamps."""

from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from matchmaker.lib.pgcopy import copy_frame

pytestmark = pytest.mark.django_db

TEXTS = ["", None, 'say "hi", twice', "two\nlines\r\n", " padded ", "Zoë"]


def _round_trip(frame: pd.DataFrame) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE copy_probe (n int, t text, i bigint, f double precision, "
            "b boolean, flag boolean, at timestamptz)"
        )
        assert copy_frame("copy_probe", frame) == len(frame)
        cursor.execute("SELECT t, i, f, b, flag, at FROM copy_probe ORDER BY n")
        rows = cursor.fetchall()
        cursor.execute("DROP TABLE copy_probe")
    return rows


def _frame(texts: list) -> pd.DataFrame:
    n = len(texts)
    return pd.DataFrame(
        {
            "n": range(n),
            "t": pd.Series(texts, dtype=object),
            "i": pd.Series([None if k == 1 else 10**15 + k for k in range(n)], dtype=object),
            "f": [np.nan if k == 1 else 1 / (k + 3) + 1e-17 * k for k in range(n)],
            "b": pd.Series([None if k == 1 else k % 2 == 0 for k in range(n)], dtype=object),
            "flag": np.array([k % 2 == 1 for k in range(n)]),
            "at": [
                pd.NaT if k == 1 else pd.Timestamp(2026, 1, 1, 12, k, tz="UTC") for k in range(n)
            ],
        }
    )


@pytest.mark.parametrize("texts", [TEXTS, [*TEXTS, "\\N", "\\."]], ids=["plain", "markers"])
@pytest.mark.parametrize("with_timestamps", [True, False], ids=["pandas-writer", "column-writer"])
def test_copy_frame_round_trips_values(texts, with_timestamps):
    frame = _frame(texts)
    if not with_timestamps:
        frame["at"] = None
    rows = _round_trip(frame)
    assert [r[0] for r in rows] == texts
    assert [r[1] for r in rows] == list(frame["i"])
    floats = [r[2] for r in rows]
    assert floats[1] is None
    assert [f for k, f in enumerate(floats) if k != 1] == [
        f for k, f in enumerate(frame["f"]) if k != 1
    ]
    assert [r[3] for r in rows] == list(frame["b"])
    assert [r[4] for r in rows] == list(frame["flag"])
    assert rows[1][5] is None
    if with_timestamps:
        assert rows[0][5] == datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
