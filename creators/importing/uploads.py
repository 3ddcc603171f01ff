"""Checks of an uploaded file before it is stored: size, and what its first bytes say it is.

The readers give the final word when the job runs (an unreadable workbook, a binary file, a
file without rows); these checks refuse up front what is certainly not a table, with a message
naming what it is (a PNG renamed .csv, a PDF, an old .xls workbook, a ZIP archive)."""

from __future__ import annotations

import zipfile

from django.conf import settings

# Magic numbers of formats people upload by mistake; none can start a CSV header.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b\x08", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel .xls (or other Office) file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)
_XLSX_HINT = "Upload CSV (comma, semicolon or tab separated) or an .xlsx workbook."


def max_upload_mb() -> int:
    return settings.IMPORT_MAX_UPLOAD_BYTES // (1024 * 1024)


def size_problem(size: int | None, name: str) -> str | None:
    """Why a file of `size` bytes is refused, or None."""
    if size is None:
        return None
    if size == 0:
        return f"{name} is empty."
    if size > settings.IMPORT_MAX_UPLOAD_BYTES:
        return (
            f"{name} is {size / (1024 * 1024):,.0f} MB; the limit is {max_upload_mb():,} MB. "
            "Split the file and import the parts."
        )
    return None


def content_problem(file, name: str) -> str | None:
    """Why the file's content is certainly not a CSV/TSV/TXT/XLSX table, or None.

    Reads the first bytes (and, for a ZIP, its directory) and leaves the position at 0."""
    try:
        file.seek(0)
        head = file.read(64)
        file.seek(0)
    except (AttributeError, OSError, ValueError):
        return None
    if isinstance(head, str):
        return None
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return f"{name} is {what}, not a table. {_XLSX_HINT}"
    if head[8:12] == b"WEBP" and head.startswith(b"RIFF"):
        return f"{name} is a WebP image, not a table. {_XLSX_HINT}"
    if head[4:8] == b"ftyp":
        return f"{name} is a video or image file, not a table. {_XLSX_HINT}"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_problem(file, name)
    if name.lower().endswith(".xlsx"):
        return f"{name} is named .xlsx but is not an Excel workbook. {_XLSX_HINT}"
    return None


def _zip_problem(file, name: str) -> str | None:
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None  # damaged: the reader reports it when the job runs
    finally:
        file.seek(0)
    if "xl/workbook.xml" in names:
        return None
    if "word/document.xml" in names:
        return f"{name} is a Word document, not a table. {_XLSX_HINT}"
    return f"{name} is a ZIP archive, not an .xlsx workbook. {_XLSX_HINT}"
