"""Reading uploaded tables: CSV (sniffed delimiter, quotes, CRLF, BOM, Latin-1 fallback,
decorative ==== lines skipped) and XLSX (openpyxl read-only), always in chunks of rows so a
1M-row file never sits in memory as Python objects all at once.

`read_table(path)` returns a `Table`: the header row and an iterator of DataFrames of strings
(every cell as text, None for empty), each frame indexed by the 1-based line/row number in the
file so a rejection can name the row a person sees in their spreadsheet.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

import numpy as np
import pandas as pd

CHUNK_ROWS = 50_000
ACCEPTED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx")
_DECORATIVE = re.compile(r"^[\s=\-_*#~+|]*$")


class ImportFileError(ValueError):
    """The file as a whole cannot be read; the message says why, for the person who uploaded it."""


@dataclass
class Table:
    headers: list[str]
    chunks: Iterator[pd.DataFrame]
    delimiter: str = ""  # of a CSV; empty for a workbook


def _encoding_of(path: Path) -> str:
    """utf-8 (BOM stripped) when the whole file decodes as UTF-8, else Latin-1, which never fails."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        try:
            while block := handle.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "latin-1"
    return "utf-8-sig"


def _looks_binary(head: bytes) -> bool:
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return control > max(4, len(head) // 100)


def read_table(
    path: str | Path, *, sheet: str | None = None, chunk_rows: int = CHUNK_ROWS
) -> Table:
    """Open `path` and return its header row and row chunks. Raises ImportFileError."""
    path = Path(path)
    if not path.exists():
        raise ImportFileError(f"File not found: {path.name}")
    with path.open("rb") as handle:
        head = handle.read(65536)
    if not head.strip():
        raise ImportFileError("The file is empty.")
    if head[:4] == b"PK\x03\x04":
        return _read_xlsx(path, sheet=sheet, chunk_rows=chunk_rows)
    if path.suffix.lower() == ".xlsx":
        raise ImportFileError("The file is named .xlsx but is not an Excel workbook.")
    if _looks_binary(head):
        raise ImportFileError(
            "The file looks binary, not a CSV text file. Upload CSV (comma, semicolon or tab "
            "separated) or an .xlsx workbook."
        )
    return _read_csv(path, chunk_rows=chunk_rows)


def _numbered_lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if _DECORATIVE.match(line):
                continue
            yield number, line


def _read_csv(path: Path, *, chunk_rows: int) -> Table:
    encoding = _encoding_of(path)
    sample_lines = []
    for _, line in _numbered_lines(path, encoding):
        sample_lines.append(line)
        if len(sample_lines) >= 50:
            break
    if not sample_lines:
        raise ImportFileError("The file is empty: it has no header row.")
    sample = "".join(sample_lines)
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        # One column, or nothing to sniff from: count candidate delimiters in the header.
        header = sample_lines[0]
        delimiter = max(",;\t|", key=header.count) if any(d in header for d in ",;\t|") else ","

    handle = path.open(encoding=encoding, newline="")
    numbered = enumerate(handle, start=1)
    lines = ((n, line) for n, line in numbered if not _DECORATIVE.match(line))

    def header_text() -> Iterator[str]:
        # Pulls one line at a time, so after the header record `numbered` sits on the next line.
        for _, line in lines:
            yield line

    try:
        headers = [h.strip() for h in next(csv.reader(header_text(), delimiter=delimiter))]
    except StopIteration as exc:
        handle.close()
        raise ImportFileError("The file is empty: it has no header row.") from exc
    except csv.Error as exc:
        handle.close()
        raise ImportFileError(f"The header row cannot be read as CSV: {exc}") from exc
    if not any(headers):
        handle.close()
        raise ImportFileError("The header row is empty.")

    def chunks() -> Iterator[pd.DataFrame]:
        decorative = _DECORATIVE.match
        with handle:
            while raw := list(islice(numbered, chunk_rows)):
                block = [(n, line) for n, line in raw if not decorative(line)]
                frame = _fast_frame(headers, block, delimiter) if block else block
                if frame is None:
                    # A quoted field spans lines (or the quoting is unusual): the csv module
                    # reads the rest of the file, numbering each row by the line where it ends.
                    rest = chain(block, lines)
                    yield from _csv_module_chunks(headers, rest, delimiter, chunk_rows)
                    return
                if len(frame):
                    yield frame

    return Table(headers=headers, chunks=chunks(), delimiter=delimiter)


def _quoted_line(delimiter: str) -> re.Pattern:
    """A line of plain or fully quoted fields that ends outside quotes: csv and pandas agree."""
    d = re.escape(delimiter)
    field = f'(?:"(?:[^"]|"")*"|[^"{d}\r\n]*)'
    return re.compile(f"{field}(?:{d}{field})*\r?\n?")


def _has_blank_cell(text: str, delimiter: str) -> bool:
    """Whether a cell holds only whitespace (str.strip() would empty it), quoted or not: a run of
    whitespace that ends a cell and starts at the cell's start. With a whitespace delimiter (tab)
    a quoted cell may hold the delimiter itself, which this scan cannot tell apart: strip."""
    if delimiter.isspace() and '"' in text:
        return True
    d = re.escape(delimiter)
    for match in re.finditer(f'[^\\S\r\n{d}]+"?(?=[{d}\r\n]|\\Z)', text):
        start = match.start()
        if start and text[start - 1] == '"':
            start -= 1
        if start == 0 or text[start - 1] in (delimiter, "\n", "\r"):
            return True
    return False


def _fast_frame(headers: list[str], block: list[tuple[int, str]], delimiter: str):
    """Parse a block of lines with pandas' C reader when every line is one whole record (no
    quoted line breaks, well-formed quotes); None when the csv module must read it instead."""
    texts = [line for _, line in block]
    quoted = [line for line in texts if '"' in line]
    if quoted:
        well_formed = _quoted_line(delimiter).fullmatch
        if not all(well_formed(line) for line in quoted):
            return None
    fields = max(line.count(delimiter) for line in texts) + 1 if not quoted else None
    text = "".join(texts)
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            header=None,
            names=range(fields) if fields else None,
            dtype=str,
            na_filter=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE,
            quotechar='"',
            doublequote=True,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError):
        return None
    if len(raw) != len(block):
        return None
    # Only a chunk with a whitespace-only cell needs each cell stripped to find the empty ones.
    strip = _has_blank_cell(text, delimiter)
    width = len(headers)
    columns = {}
    blank_row = np.ones(len(raw), dtype=bool)
    for position in range(max(width, raw.shape[1])):
        values = np.full(len(raw), None, dtype=object)
        if position < raw.shape[1]:
            column = raw.iloc[:, position]
            empty = column.str.strip() == "" if strip else column == ""
            keep = (column.notna() & ~empty).to_numpy()
            values[keep] = column.to_numpy(dtype=object)[keep]
            # A row counts as blank only when every cell is, those past the header's too.
            blank_row &= ~keep
        if position < width:
            columns[position] = values
    frame = pd.DataFrame(columns, index=pd.Index([n for n, _ in block], name="row"), dtype=object)
    frame.columns = headers
    return frame[~blank_row] if blank_row.any() else frame


def _csv_module_chunks(
    headers: list[str], lines: Iterator[tuple[int, str]], delimiter: str, chunk_rows: int
) -> Iterator[pd.DataFrame]:
    line_numbers: list[int] = []

    def text() -> Iterator[str]:
        for number, line in lines:
            line_numbers.append(number)
            yield line

    reader = csv.reader(text(), delimiter=delimiter, quotechar='"', skipinitialspace=False)
    rows: list[list[str]] = []
    numbers: list[int] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ImportFileError(
                f"Line {line_numbers[-1]}: cannot be read as CSV ({exc})."
            ) from exc
        if not any(cell.strip() for cell in row):
            continue
        rows.append(row)
        numbers.append(line_numbers[-1])
        if len(rows) >= chunk_rows:
            yield _frame(headers, rows, numbers)
            rows, numbers = [], []
            line_numbers.clear()
    if rows:
        yield _frame(headers, rows, numbers)


def _frame(headers: list[str], rows: list[list], numbers: list[int]) -> pd.DataFrame:
    width = len(headers)
    fixed = [(list(r) + [None] * width)[:width] for r in rows]
    frame = pd.DataFrame(
        fixed, columns=range(width), index=pd.Index(numbers, name="row"), dtype=object
    )
    frame.columns = headers
    return frame.where(frame.notna() & (frame.astype(str).map(str.strip) != ""), None)


def _read_xlsx(path: Path, *, sheet: str | None, chunk_rows: int) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    # A file object, not the path: openpyxl refuses a path whose name does not end in .xlsx.
    handle = path.open("rb")
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,
        TypeError,
    ) as exc:
        handle.close()
        raise ImportFileError("The file is not a readable .xlsx workbook.") from exc
    if sheet:
        if sheet not in workbook.sheetnames:
            raise ImportFileError(
                f"No sheet named {sheet!r}; the workbook has: {', '.join(workbook.sheetnames)}."
            )
        worksheet = workbook[sheet]
    else:
        worksheet = workbook.worksheets[0]
    rows = worksheet.iter_rows(values_only=True)
    headers: list[str] | None = None
    header_row = 0
    for number, row in enumerate(rows, start=1):
        cells = ["" if c is None else str(c).strip() for c in row]
        if any(cells) and not all(_DECORATIVE.match(c) for c in cells):
            headers, header_row = cells, number
            break
    if headers is None:
        raise ImportFileError("The sheet is empty: it has no header row.")
    while headers and not headers[-1]:
        headers.pop()

    def chunks() -> Iterator[pd.DataFrame]:
        batch: list[list] = []
        numbers: list[int] = []
        for number, row in enumerate(rows, start=header_row + 1):
            cells = [None if c is None else (c if isinstance(c, str) else str(c)) for c in row]
            if not any(c is not None and str(c).strip() for c in cells):
                continue
            batch.append(cells)
            numbers.append(number)
            if len(batch) >= chunk_rows:
                yield _frame(headers, batch, numbers)
                batch, numbers = [], []
        if batch:
            yield _frame(headers, batch, numbers)
        workbook.close()
        handle.close()

    return Table(headers=headers, chunks=chunks())
