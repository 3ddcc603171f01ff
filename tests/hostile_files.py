"""Hostile upload files, built by hand so each test says exactly what the file declares: a
minimal .xlsx (only the parts Excel and openpyxl need) whose sheet XML the test writes, a sheet
that lies about its dimension, a zip bomb, a CSV that is very wide.

Every builder returns bytes; nothing is written to disk."""

from __future__ import annotations

import io
import zipfile
import zlib
from xml.sax.saxutils import escape

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_OPEN = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def cell(ref: str, value) -> str:
    """One cell: a number, or an inline string."""
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def row(number: int, cells: dict[str, object]) -> str:
    """<row r=number> with cells {"A": value, "XFD": value}."""
    body = "".join(cell(f"{column}{number}", value) for column, value in cells.items())
    return f'<row r="{number}">{body}</row>'


def sheet_xml(rows: list[str], dimension: str | None = None, prologue: str = "") -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"{prologue}{SHEET_OPEN}{declared}<sheetData>{''.join(rows)}</sheetData></worksheet>"


def xlsx(sheet: str | bytes, *, sheet_entry: zipfile.ZipInfo | None = None) -> bytes:
    """A minimal workbook whose only sheet is `sheet` (XML text)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr(sheet_entry or "xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def table_rows(header: list[str], rows: list[list]) -> list[str]:
    """Rows 1.. of a sheet from a header and data rows (columns A, B, C...)."""
    letters = [chr(ord("A") + i) for i in range(len(header))]
    lines = [header, *rows]
    return [row(n, dict(zip(letters, values, strict=False))) for n, values in enumerate(lines, 1)]


def lying_dimension(header: list[str], rows: list[list]) -> bytes:
    """A real table in a sheet that declares the whole grid, A1:XFD1048576: openpyxl's
    read-only rows pad every row to 16,384 cells."""
    return xlsx(sheet_xml(table_rows(header, rows), dimension="A1:XFD1048576"))


def far_cell(header: list[str], rows: list[list], *, at_row: int = 20_000) -> bytes:
    """A real table plus one cell at XFD<at_row>, the sheet declaring A1:XFD<at_row>: openpyxl
    yields every missing row before it, each padded to 16,384 cells (at row 20,000: 16-26 s
    per request in review)."""
    lines = [*table_rows(header, rows), row(at_row, {"XFD": "x"})]
    return xlsx(sheet_xml(lines, dimension=f"A1:XFD{at_row}"))


def dimension_bomb(header: list[str], rows: list[list]) -> bytes:
    """The review's 1.5 KB file: A1:XFD1048576 declared and a cell in its last corner, so a
    million rows of 16,384 cells (26 minutes of a worker in review)."""
    return far_cell(header, rows, at_row=1_048_576)


def zip_bomb(header: list[str], *, inflated_mb: int = 64) -> bytes:
    """A workbook whose sheet inflates to `inflated_mb` MB: a header row, then the same blank
    row repeated. The deflate stream is built piece by piece (never all in memory)."""
    head = (SHEET_OPEN + "<sheetData>" + "".join(table_rows(header, []))).encode()
    filler = b'<row r="2"><c r="A2" t="inlineStr"><is><t> </t></is></c></row>' * 16_384
    tail = b"</sheetData></worksheet>"
    target = inflated_mb * 1024 * 1024
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc, size, parts = zlib.crc32(head), len(head), [compressor.compress(head)]
    while size < target:
        crc, size = zlib.crc32(filler, crc), size + len(filler)
        parts.append(compressor.compress(filler))
    crc, size = zlib.crc32(tail, crc), size + len(tail)
    parts.append(compressor.compress(tail))
    parts.append(compressor.flush())
    deflated = b"".join(parts)
    base = xlsx(sheet_xml([]))
    return _replace_entry(base, "xl/worksheets/sheet1.xml", deflated, crc, size)


def _replace_entry(archive_bytes: bytes, name: str, deflated: bytes, crc: int, size: int) -> bytes:
    """The archive with entry `name` replaced by already-deflated data."""
    source = zipfile.ZipFile(io.BytesIO(archive_bytes))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            if item.filename != name:
                archive.writestr(item, source.read(item.filename))
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        # Write the header for the real sizes, then the raw deflate stream.
        info.CRC, info.compress_size, info.file_size = crc, len(deflated), size
        info.header_offset = archive.fp.tell()
        archive.fp.write(info.FileHeader(zip64=size > zipfile.ZIP64_LIMIT))
        archive.fp.write(deflated)
        archive.filelist.append(info)
        archive.NameToInfo[name] = info
        archive.start_dir = archive.fp.tell()
    return out.getvalue()


def wide_csv(columns: int, rows: int = 3) -> bytes:
    """A CSV with `columns` header names and `rows` rows of that many cells."""
    header = ",".join(f"c{i}" for i in range(columns))
    line = ",".join(str(i % 10) for i in range(columns))
    return ("\n".join([header, *([line] * rows)]) + "\n").encode()
