"""Reading uploaded tables: CSV (sniffed delimiter, quotes, CRLF, BOM, UTF-16, Latin-1
fallback, decorative ==== lines skipped), XLSX (openpyxl's sheet parser) and JSON / JSON Lines,
plain or .xz (jsonfiles), always in chunks of rows so a 1M-row file never sits in memory as Python objects all at once. The CSV reader is
here; the XLSX one is in workbooks, what both share in tables.

`read_table(path)` returns a `Table`: the header row and an iterator of DataFrames of strings
(every cell as text, None for empty), each frame indexed by the 1-based line/row number in the
file so a rejection can name the row a person sees in their spreadsheet.

What a file declares is never trusted for size: a workbook is refused when it would inflate
past IMPORT_MAX_XLSX_UNCOMPRESSED_MB or a part inflates more than IMPORT_MAX_XLSX_RATIO times
(a zip bomb); its sheet's <dimension> is ignored (rows are what the XML holds, cut to the
header's width); a header or a line wider than IMPORT_MAX_COLUMNS refuses the file. XML with
entity declarations is refused (defusedxml, which openpyxl uses once installed).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path

import numpy as np
import pandas as pd

from creators.importing.jsonfiles import looks_like_json, read_json
from creators.importing.tables import (
    CHUNK_ROWS,
    DECORATIVE,
    ImportFileError,
    Table,
    max_columns,
    rows_frame,
    too_wide,
)
from creators.importing.workbooks import read_xlsx

__all__ = ["ACCEPTED_SUFFIXES", "CHUNK_ROWS", "ImportFileError", "Table", "read_table"]

ACCEPTED_SUFFIXES = (
    ".csv",
    ".tsv",
    ".txt",
    ".xlsx",
    ".json",
    ".jsonl",
    ".ndjson",
    ".json.xz",
    ".jsonl.xz",
)

# Byte order marks, longest first (the UTF-32 LE mark starts like the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _wide_encoding(head: bytes) -> str | None:
    """UTF-16/32 by its byte order mark, or UTF-16 without one when every other byte of the
    first lines is NUL (ASCII text saved as UTF-16); None for byte-wide text."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    sample = head[: len(head) // 2 * 2][:4096]
    if len(sample) >= 8:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


def _encoding_of(path: Path, head: bytes) -> str:
    """UTF-16/32 (by BOM or NUL pattern), else utf-8 (BOM stripped) when the whole file decodes
    as UTF-8, else Latin-1, which never fails."""
    wide = _wide_encoding(head)
    encoding = wide or "utf-8-sig"
    decoder = codecs.getincrementaldecoder(encoding)()
    with path.open("rb") as handle:
        try:
            while block := handle.read(1 << 20):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            if wide is None:
                return "latin-1"
            raise ImportFileError(
                f"The file looks like {wide.upper()} text but does not decode as it "
                f"({exc.reason} at byte {exc.start}). Save it as UTF-8 CSV."
            ) from exc
    return encoding


def _looks_binary(head: bytes) -> bool:
    """Control characters (NUL among them) in more than 1% of the bytes: not text. A few, as a
    NUL typed into a cell, leave it a text file whose rows say what is wrong."""
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
        return read_xlsx(path, sheet=sheet, chunk_rows=chunk_rows)
    if path.suffix.lower() == ".xlsx":
        raise ImportFileError("The file is named .xlsx but is not an Excel workbook.")
    if looks_like_json(path, head):
        return read_json(path, chunk_rows=chunk_rows)
    if _wide_encoding(head) is None and _looks_binary(head):
        raise ImportFileError(
            "The file looks binary, not a CSV text file. Upload CSV (comma, semicolon or tab "
            "separated, UTF-8, UTF-16 or Latin-1) or an .xlsx workbook."
        )
    return _read_csv(path, head, chunk_rows=chunk_rows)


def _numbered_lines(path: Path, encoding: str) -> Iterator[tuple[int, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if DECORATIVE.match(line):
                continue
            yield number, line


def _read_csv(path: Path, head: bytes, *, chunk_rows: int) -> Table:
    encoding = _encoding_of(path, head)
    sample_lines = []
    for _, line in _numbered_lines(path, encoding):
        sample_lines.append(line)
        if len(sample_lines) >= 50:
            break
    if not sample_lines:
        raise ImportFileError("The file is empty: it has no header row.")
    # The sniffer's patterns take time quadratic in a line's length (20 s for one line of
    # 50,000 commas after a quote): it reads the first 4 KB of each line, 64 KB in all.
    sample = "".join(line if len(line) <= 4096 else line[:4096] + "\n" for line in sample_lines)
    sample = sample[:65536]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        delimiter = dialect.delimiter
    except csv.Error:
        # One column, or nothing to sniff from: count candidate delimiters in the header.
        header = sample_lines[0]
        delimiter = max(",;\t|", key=header.count) if any(d in header for d in ",;\t|") else ","

    if sample_lines[0].count(delimiter) >= _RAW_FIELDS_LIMIT * max_columns():
        raise too_wide("The header row", sample_lines[0].count(delimiter) + 1)

    handle = path.open(encoding=encoding, newline="")
    numbered = enumerate(handle, start=1)
    lines = ((n, line) for n, line in numbered if not DECORATIVE.match(line))

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
    if len(headers) > max_columns():
        handle.close()
        raise too_wide("The header row", len(headers))
    if any("\x00" in h for h in headers):
        handle.close()
        position = next(i for i, h in enumerate(headers, 1) if "\x00" in h)
        raise ImportFileError(
            f"The header row's column {position} contains a NUL character (\\x00); "
            "a column name cannot hold one."
        )

    def chunks() -> Iterator[pd.DataFrame]:
        decorative = DECORATIVE.match
        with handle:
            while raw := list(islice(numbered, chunk_rows)):
                block = [(n, line) for n, line in raw if not decorative(line)]
                frame = _fastrows_frame(headers, block, delimiter) if block else block
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


# A quoted line may hold the delimiter inside its cells, so its delimiter count only bounds its
# fields; past this many times IMPORT_MAX_COLUMNS it is refused without being parsed.
_RAW_FIELDS_LIMIT = 10


def _cut_lines(texts: list[str], delimiter: str, width: int) -> tuple[list[str], np.ndarray]:
    """Unquoted lines cut to their first `width` fields, and which lines had a non-blank
    cell past them (such a row is not blank, though nothing past the header is read)."""
    cut, beyond = [], np.zeros(len(texts), dtype=bool)
    for position, line in enumerate(texts):
        if line.count(delimiter) < width:
            cut.append(line)
            continue
        parts = line.split(delimiter, width)
        beyond[position] = bool(parts[width].strip(delimiter + " \t\r\n\f\v"))
        cut.append(delimiter.join(parts[:width]) + "\n")
    return cut, beyond


def _fastrows_frame(headers: list[str], block: list[tuple[int, str]], delimiter: str):
    """Parse a block of lines with pandas' C reader when every line is one whole record (no
    quoted line breaks, well-formed quotes) and holds no NUL (which the C reader cuts a cell
    at); None when the csv module must read it instead. Unquoted lines are cut to the header's
    width first, so a line of 10,000 fields costs no more than one of the header's."""
    texts = [line for _, line in block]
    text = "".join(texts)
    if "\x00" in text:
        return None
    quoted = [line for line in texts if '"' in line]
    counts = [line.count(delimiter) for line in texts]
    widest = max(counts)
    width = len(headers)
    if widest >= max_columns():
        line_number = block[counts.index(widest)][0]
        if not quoted or widest >= _RAW_FIELDS_LIMIT * max_columns():
            raise too_wide(f"Line {line_number}", widest + 1)
        return None  # the csv module counts the fields of quoted lines exactly
    if quoted:
        well_formed = _quoted_line(delimiter).fullmatch
        if not all(well_formed(line) for line in quoted):
            return None
    beyond = np.zeros(len(texts), dtype=bool)
    if not quoted and widest >= width:
        texts, beyond = _cut_lines(texts, delimiter, width)
        widest = width - 1
        text = "".join(texts)
    fields = widest + 1 if not quoted else None
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
    columns = {}
    blank_row = ~beyond
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
        if len(row) > max_columns():
            raise too_wide(f"Line {line_numbers[-1]}", len(row))
        if not any(cell.strip() for cell in row):
            continue
        rows.append(row[: len(headers)])
        numbers.append(line_numbers[-1])
        if len(rows) >= chunk_rows:
            yield rows_frame(headers, rows, numbers)
            rows, numbers = [], []
            line_numbers.clear()
    if rows:
        yield rows_frame(headers, rows, numbers)
