"""Checks of an uploaded file before it is stored: size, and what its first bytes say it is.

The readers give the final word when the job runs (an unreadable workbook, a binary file, a
file without rows); these checks refuse up front what is certainly not a table, with a message
naming what it is (a PNG renamed .csv, a PDF, an old .xls workbook, a ZIP archive), and a
workbook that would inflate past the reader's bounds (a zip bomb)."""

from __future__ import annotations

import io
import zipfile

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from creators.importing.workbooks import workbook_problem

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


class CappedUploadHandler(FileUploadHandler):
    """The first of FILE_UPLOAD_HANDLERS: once a file passes IMPORT_MAX_UPLOAD_BYTES, nothing more
    of it is kept, in memory or on disk, and what was kept is dropped.

    The rest of the request is still read, so the browser gets its page back with the message
    (a reset connection would show a network error instead). The field receives a TooLargeUpload
    of the size sent, which size_problem refuses like any other file over the limit."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) <= settings.IMPORT_MAX_UPLOAD_BYTES:
            return raw_data
        if not self.too_large:
            self.too_large = True
            self._drop_kept()
        return None  # the handlers after this one get nothing more of this file

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.too_large:
            return None  # the next handler's file
        return TooLargeUpload(
            self.file_name, file_size, self.content_type, self.charset, self.content_type_extra
        )

    def _drop_kept(self) -> None:
        """Close what the later handlers kept of this file (a temporary file is deleted)."""
        handlers = getattr(self.request, "upload_handlers", None) or []
        for handler in handlers:
            kept = getattr(handler, "file", None)
            if handler is not self and kept is not None:
                kept.close()


class TooLargeUpload(UploadedFile):
    """An upload over the limit: its name and size as sent, no content."""

    def __init__(self, name, size, content_type, charset, content_type_extra):
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)


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
        problem = workbook_problem(file)
        return f"{name}: {problem}" if problem else None
    if "word/document.xml" in names:
        return f"{name} is a Word document, not a table. {_XLSX_HINT}"
    return f"{name} is a ZIP archive, not an .xlsx workbook. {_XLSX_HINT}"
