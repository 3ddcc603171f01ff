"""The one CSV writer for exports: every cell a spreadsheet could read as a formula is neutralised.

An export names its columns with their kinds (`Column("engagement_rate", "rate")`) and hands
over raw values; `export_response` writes each cell through formatting.export_cell (rates as
4-decimal fractions, money with 2 decimals beside a currency column, ISO dates).

A cell starting with = + - @, a tab, a carriage return or NUL is prefixed with a single quote
(OWASP's advice for CSV injection), so "=HYPERLINK(...)" is shown as text, never run.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.http import HttpResponse

from matchmaker.lib.formatting import EXPORT_KINDS, export_cell


class Column(NamedTuple):
    """An export column: its header (which says the unit: `engagement_rate` is a fraction)
    and the kind of its values (formatting.EXPORT_KINDS)."""

    name: str
    kind: str = "text"


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\x00")


def neutralise(value) -> str:
    """The cell text for a value, made safe to open in a spreadsheet."""
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_FORMULA_STARTS):
        # Plain negative numbers are data, not formulas: keep them as they are.
        if text.startswith("-") and _is_number(text):
            return text
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def write_rows(out, header: Sequence[str], rows: Iterable[Sequence]) -> None:
    writer = csv.writer(out)
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow([neutralise(v) for v in row])


def csv_text(header: Sequence[str], rows: Iterable[Sequence]) -> str:
    out = io.StringIO()
    write_rows(out, header, rows)
    return out.getvalue()


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # a BOM, so spreadsheet programs read UTF-8
    write_rows(response, header, rows)
    return response


def export_rows(columns: Sequence[Column], rows: Iterable[Sequence]) -> Iterable[list[str]]:
    """Raw value rows as export cells, each by its column's kind."""
    kinds = [column.kind for column in columns]
    unknown = set(kinds) - set(EXPORT_KINDS)
    if unknown:
        raise ValueError(f"unknown export kinds: {sorted(unknown)}")
    for row in rows:
        if len(row) != len(kinds):
            raise ValueError(f"a row of {len(row)} cells for {len(kinds)} columns")
        yield [export_cell(value, kind) for value, kind in zip(row, kinds, strict=True)]


def export_response(filename: str, columns: Sequence[Column], rows: Iterable[Sequence]):
    """The CSV download of an export: every CSV export of the site goes through here."""
    return csv_response(filename, [c.name for c in columns], export_rows(columns, rows))
