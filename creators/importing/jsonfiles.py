"""Reading JSON uploads as tables: an array of objects, JSON Lines (one object a line), or one
object (Instaloader's per-profile file; an API response whose records sit in a list under
"items", "data" or "results"), any of them xz-compressed (.json.xz, as Instaloader writes).

Records are streamed: an array is decoded one element at a time from a text buffer, JSON Lines
one line at a time, so a 1M-record file never sits in memory (one object's file does, within
the upload limit). Nested objects are flattened with dotted names ({"owner": {"username": "a"}}
-> "owner.username"); a list becomes its JSON text; true/false/numbers their JSON spelling, null
an empty cell. The header is every name the first chunk's records use, in order of first use; a
name only later records use is not read (as cells past a CSV's header are not).

Rows are numbered by record (1 for the first), or by line for JSON Lines.
"""

from __future__ import annotations

import io
import json
import lzma
import re
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from creators.importing.tables import ImportFileError, Table, max_columns, rows_frame, too_wide

XZ_MAGIC = b"\xfd7zXZ\x00"
RECORD_LISTS = ("items", "data", "results", "records", "GraphImages", "videos", "users")
_BLOCK = 1 << 16


def looks_like_json(path: Path, head: bytes) -> bool:
    """xz data, a .json/.jsonl/.ndjson name, or text starting with [ or {."""
    if head.startswith(XZ_MAGIC):
        return True
    if path.suffix.lower() in (".json", ".jsonl", ".ndjson"):
        return True
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")


def _open_text(path: Path) -> io.TextIOBase:
    with path.open("rb") as handle:
        compressed = handle.read(len(XZ_MAGIC)) == XZ_MAGIC
    if compressed:
        return lzma.open(path, "rt", encoding="utf-8-sig")
    return path.open(encoding="utf-8-sig")


def flatten(record: dict, prefix: str = "", out: dict | None = None) -> dict[str, str | None]:
    """Nested objects as dotted names, every value as text (module docstring)."""
    out = {} if out is None else out
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flatten(value, f"{name}.", out)
        elif value is None:
            out[name] = None
        elif isinstance(value, str):
            out[name] = value
        else:
            out[name] = json.dumps(value, ensure_ascii=False)
    return out


_SEPARATORS = re.compile(r"[\s,]*")


def _array_records(text: io.TextIOBase, buffer: str) -> Iterator[tuple[int, object]]:
    """Elements of a top-level array, one at a time; `buffer` starts after the "[". The buffer
    is cut only when more text is needed, so each record costs its own length."""
    decoder = json.JSONDecoder()
    number = position = 0
    while True:
        position = _SEPARATORS.match(buffer, position).end()
        while position >= len(buffer):
            more = text.read(_BLOCK)
            if not more:
                raise ImportFileError("The JSON array is not closed (the file is cut short?).")
            buffer, position = more, _SEPARATORS.match(more).end()
        if buffer[position] == "]":
            return
        while True:
            try:
                value, end = decoder.raw_decode(buffer, position)
                break
            except json.JSONDecodeError as exc:
                more = text.read(_BLOCK)
                if not more:
                    raise ImportFileError(
                        f"Record {number + 1} is not valid JSON ({exc.msg})."
                    ) from exc
                buffer, position = buffer[position:] + more, 0
        number += 1
        yield number, value
        position = end


def _records(path: Path) -> Iterator[tuple[int, object]]:
    text = _open_text(path)
    with text:
        start = ""
        while not start.strip():
            block = text.read(_BLOCK)
            if not block:
                raise ImportFileError("The file is empty.")
            start += block
        first = start.lstrip()[0]
        if first == "[":
            yield from _array_records(text, start.lstrip()[1:])
            return
        rest = text.read()
        whole = start + rest
        try:
            value = json.loads(whole)
        except json.JSONDecodeError:
            yield from _json_lines(whole)
            return
        if isinstance(value, dict):
            for key in RECORD_LISTS:
                if isinstance(value.get(key), list):
                    yield from enumerate(value[key], start=1)
                    return
        yield 1, value


def _json_lines(whole: str) -> Iterator[tuple[int, object]]:
    for number, line in enumerate(whole.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"Line {number} is not valid JSON ({exc.msg}).") from exc


def _json_lines_stream(path: Path) -> Iterator[tuple[int, object]]:
    with _open_text(path) as text:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise ImportFileError(f"Line {number} is not valid JSON ({exc.msg}).") from exc


def _is_json_lines(path: Path) -> bool:
    """The first non-empty line is a whole object and something follows it."""
    with _open_text(path) as text:
        lines = (line for line in text if line.strip())
        first = next(lines, "")
        if not first.lstrip().startswith("{"):
            return False
        try:
            json.loads(first)
        except json.JSONDecodeError:
            return False
        return next(lines, None) is not None


def _unreadable(exc: Exception) -> ImportFileError:
    if isinstance(exc, UnicodeDecodeError):
        return ImportFileError(
            f"The file is not UTF-8 text (byte {exc.start + 1} is {exc.object[exc.start : exc.start + 1]!r}):"
            " JSON must be UTF-8; save it as UTF-8 and upload it again."
        )
    return ImportFileError(f"The compressed file is damaged ({exc}).")


def read_json(path: Path, *, chunk_rows: int) -> Table:
    """The records of a JSON, JSON Lines or .json.xz file as a Table; text that is not UTF-8 or
    a damaged .xz is an ImportFileError, also when it shows only in a later chunk."""
    try:
        table = _read_json(path, chunk_rows=chunk_rows)
    except (UnicodeDecodeError, lzma.LZMAError, EOFError) as exc:
        raise _unreadable(exc) from exc

    def guarded() -> Iterator:
        try:
            yield from table.chunks
        except (UnicodeDecodeError, lzma.LZMAError, EOFError) as exc:
            raise _unreadable(exc) from exc

    return Table(headers=table.headers, chunks=guarded())


def _read_json(path: Path, *, chunk_rows: int) -> Table:
    records = _json_lines_stream(path) if _is_json_lines(path) else _records(path)
    flat = ((number, _as_record(number, value)) for number, value in records)
    first = list(islice(flat, chunk_rows))
    if not first:
        raise ImportFileError("The file has no records.")
    headers = list(dict.fromkeys(name for _, record in first for name in record))
    if not headers:
        raise ImportFileError("The records have no fields.")
    if len(headers) > max_columns():
        raise too_wide("The records", len(headers))

    def chunks() -> Iterator:
        block = first
        while block:
            rows = [[record.get(h) for h in headers] for _, record in block]
            yield rows_frame(headers, rows, [number for number, _ in block])
            block = list(islice(flat, chunk_rows))

    return Table(headers=headers, chunks=chunks())


def _as_record(number: int, value: object) -> dict[str, str | None]:
    if not isinstance(value, dict):
        raise ImportFileError(f"Record {number} is not an object: each record must be {{...}}.")
    return flatten(value)
