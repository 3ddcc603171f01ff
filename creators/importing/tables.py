"""What the CSV and XLSX readers share: the Table they return, the error they raise, the
column limit, and building a chunk's DataFrame."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd
from django.conf import settings

CHUNK_ROWS = 50_000
DECORATIVE = re.compile(r"^[\s=\-_*#~+|]*$")


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why, for the person who uploaded it."""


@dataclass
class Table:
    headers: list[str]
    chunks: Iterator[pd.DataFrame]
    delimiter: str = ""  # of a CSV; empty for a workbook


def max_columns() -> int:
    return settings.IMPORT_MAX_COLUMNS


def too_wide(what: str, columns: int) -> ImportFileError:
    return ImportFileError(
        f"{what} has {columns:,} columns; a file may have at most {max_columns():,} "
        "(IMPORT_MAX_COLUMNS). Remove the columns nobody needs, or check the delimiter."
    )


def rows_frame(headers: list[str], rows: list[list], numbers: list[int]) -> pd.DataFrame:
    width = len(headers)
    fixed = [(list(r) + [None] * width)[:width] for r in rows]
    frame = pd.DataFrame(
        fixed, columns=range(width), index=pd.Index(numbers, name="row"), dtype=object
    )
    frame.columns = headers
    return frame.where(frame.notna() & (frame.astype(str).map(str.strip) != ""), None)
