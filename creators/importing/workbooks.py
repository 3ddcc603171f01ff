"""Reading XLSX workbooks (openpyxl's sheet parser), in chunks of rows, and refusing a
workbook that would inflate past the limits (a zip bomb) before openpyxl opens it."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from defusedxml import DefusedXmlException
from django.conf import settings

from creators.importing.tables import (
    DECORATIVE,
    ImportFileError,
    Table,
    max_columns,
    rows_frame,
    too_wide,
)


def workbook_problem(file) -> str | None:
    """Why a workbook (a path or a binary file object at 0) is refused before openpyxl opens
    it, or None: a part that inflates more than IMPORT_MAX_XLSX_RATIO times (past 1 MB: small
    parts compress any way they like), or parts that inflate past IMPORT_MAX_XLSX_UNCOMPRESSED_MB
    together. The sizes are the archive's own; Python's zipfile never inflates a part past its
    stated size (it fails the part's checksum instead), so they bound the work."""
    try:
        with zipfile.ZipFile(file) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None  # damaged: opening it says so
    finally:
        if hasattr(file, "seek"):
            file.seek(0)
    ratio = settings.IMPORT_MAX_XLSX_RATIO
    limit_mb = settings.IMPORT_MAX_XLSX_UNCOMPRESSED_MB
    for part in parts:
        inflation = part.file_size / max(part.compress_size, 1)
        if part.file_size > 1024 * 1024 and inflation > ratio:
            size_mb, packed_kb = part.file_size / 1024 / 1024, part.compress_size / 1024
            return (
                f"The workbook's part {part.filename} inflates {inflation:,.0f} times "
                f"({size_mb:,.0f} MB from {packed_kb:,.0f} KB); at most {ratio:,} times is read "
                "(IMPORT_MAX_XLSX_RATIO). It looks like a zip bomb; save the sheet again from "
                "the spreadsheet program, or upload it as CSV."
            )
    total = sum(part.file_size for part in parts)
    if total > limit_mb * 1024 * 1024:
        return (
            f"The workbook inflates to {total / 1024 / 1024:,.0f} MB; at most {limit_mb:,} MB is "
            "read (IMPORT_MAX_XLSX_UNCOMPRESSED_MB). Split it, or upload it as CSV."
        )
    return None


def _sheet_rows(worksheet) -> Iterator[tuple[int, list[tuple[int, object]]]]:
    """(row number, [(column, value)]) for each row the sheet's XML holds, in file order.

    openpyxl's read-only rows trust the sheet's <dimension>: A1:XFD1048576 in a 1.5 KB file
    pads every row to 16,384 cells and yields a million empty rows after the last real one.
    Its sheet parser (what those rows are made from) yields only the cells written, each with
    its row and column, so nothing is padded and the last row read is the last one there."""
    from openpyxl.worksheet._reader import WorkSheetParser

    book = worksheet.parent
    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            yield number, [(cell["column"], cell["value"]) for cell in cells]


_ENTITIES = (
    "The workbook's XML declares entities or a document type, which are refused (they can "
    "expand without bound or read other files). Save it again from the spreadsheet program."
)


def _xml_errors(rows: Iterator):
    """The rows, with the XML's own errors said in words."""
    try:
        yield from rows
    except DefusedXmlException as exc:
        raise ImportFileError(_ENTITIES) from exc
    except (SyntaxError, ValueError, KeyError, TypeError) as exc:  # ParseError is a SyntaxError
        raise ImportFileError(f"The sheet cannot be read ({exc}).") from exc


def _text_cell(value) -> object:
    return None if value is None else (value if isinstance(value, str) else str(value))


def read_xlsx(path: Path, *, sheet: str | None, chunk_rows: int) -> Table:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    problem = workbook_problem(path)
    if problem:
        raise ImportFileError(problem)
    # A file object, not the path: openpyxl refuses a path whose name does not end in .xlsx.
    handle = path.open("rb")
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (
        zipfile.BadZipFile,
        InvalidFileException,
        KeyError,
        OSError,
        ValueError,  # DefusedXmlException is one, and openpyxl wraps it in another
        TypeError,
        SyntaxError,
    ) as exc:
        handle.close()
        if isinstance(exc, DefusedXmlException) or isinstance(exc.__cause__, DefusedXmlException):
            raise ImportFileError(_ENTITIES) from exc
        raise ImportFileError("The file is not a readable .xlsx workbook.") from exc

    def close() -> None:
        workbook.close()
        handle.close()

    if sheet:
        if sheet not in workbook.sheetnames:
            close()
            raise ImportFileError(
                f"No sheet named {sheet!r}; the workbook has: {', '.join(workbook.sheetnames)}."
            )
        worksheet = workbook[sheet]
    else:
        worksheet = workbook.worksheets[0]
    rows = _xml_errors(_sheet_rows(worksheet))
    headers: list[str] | None = None
    for _, cells in rows:
        texts = {column: str(value).strip() for column, value in cells if value is not None}
        texts = {column: text for column, text in texts.items() if text}
        if texts and not all(DECORATIVE.match(t) for t in texts.values()):
            width = max(texts)
            if width > max_columns():
                close()
                raise too_wide("The header row", width)
            headers = [texts.get(column, "") for column in range(1, width + 1)]
            break
    if headers is None:
        close()
        raise ImportFileError("The sheet is empty: it has no header row.")
    width = len(headers)

    def chunks() -> Iterator[pd.DataFrame]:
        batch: list[list] = []
        numbers: list[int] = []
        try:
            for number, cells in rows:
                values: list = [None] * width
                filled = False
                for column, value in cells:
                    if value is None or (isinstance(value, str) and not value.strip()):
                        continue
                    filled = True  # a cell past the header's width makes the row not blank
                    if column <= width:
                        values[column - 1] = _text_cell(value)
                if not filled:
                    continue
                batch.append(values)
                numbers.append(number)
                if len(batch) >= chunk_rows:
                    yield rows_frame(headers, batch, numbers)
                    batch, numbers = [], []
            if batch:
                yield rows_frame(headers, batch, numbers)
        finally:
            close()

    return Table(headers=headers, chunks=chunks())
