"""The one CSV writer for exports: every cell a spreadsheet could read as a formula is neutralised.

A cell starting with = + - @, a tab, a carriage return or NUL is prefixed with a single quote
(OWASP's advice for CSV injection), so "=HYPERLINK(...)" is shown as text, never run.
"""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

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
