"""Every PostgreSQL COPY the project does, in and out, between a DataFrame and a table.

Per-row ORM reads and saves are too slow at catalogue size (DESIGN 7): COPY reaches 120k-250k
rows/s into an indexed table here. Three encodings, each built column by column (each column's
cells as text or bytes in one pass, rows joined at the end), never a Python object per row:

- read_frame: a queryset's rows out as CSV (COPY ... TO STDOUT), parsed by pandas' C reader.
- CSV in (frame_to_copy_buffer, copy_buffer, copy_frame, insert_frame): any column type (pandas'
  CSV writer for the rare ones); NULL is spelled \\N so that an empty string stays one.
- text format in (frame_to_copy_text, copy_text): tab-separated, no quoting needed.
- binary format in (frame_to_copy_binary, copy_binary): fixed-width float8/int8/bool columns,
  no float formatted as text at all.

`cursor` arguments are Django cursors (connection.cursor()); tables are named as SQL (e.g.
pg_temp.load) where a caller stages into a temporary table, quoted here where they are a
model's table.
"""

import io
import logging
import re
import struct

import numpy as np
import pandas as pd
from django.db import connection

from matchmaker.lib.timing import StageTimer

log = logging.getLogger(__name__)

COPY_NULL = r"\N"
COPY_BLOCK = 1 << 23


def read_frame(queryset, fields: list[str], dtypes: dict | None = None) -> pd.DataFrame:
    """queryset.values_list(*fields) as a DataFrame, in one query. The rows stream out with
    COPY ... TO STDOUT as CSV and pandas' C parser reads them (no Python object per row);
    booleans arrive as True/False, timestamps and dates as ISO text, NULL and empty text as
    NaN. dtypes: the pandas dtypes of some fields, parsed as such rather than guessed (e.g.
    np.int64 for 64-bit integers)."""
    timer = StageTimer(f"read {queryset.model._meta.db_table}", log)
    sql, params = queryset.values_list(*fields).query.sql_with_params()
    buffer = io.BytesIO()  # bytes: psycopg2 hands each row over without decoding it
    with connection.cursor() as cursor:
        query = cursor.cursor.mogrify(sql, params).decode()
        cursor.cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    timer.lap("query")
    if not buffer.getbuffer().nbytes:
        dtypes = dtypes or {}
        return pd.DataFrame({f: pd.Series(dtype=dtypes.get(f, object)) for f in fields})
    frame = pd.read_csv(
        buffer,
        names=fields,
        header=None,
        true_values=["t"],
        false_values=["f"],
        keep_default_na=False,
        na_values=[""],
        low_memory=False,
        dtype=dtypes,
    )
    timer.lap(f"parse {len(frame)} rows")
    return frame


def as_floats(frame: pd.DataFrame, columns: list[str]) -> None:
    """Turn columns read_frame left as text or integers (numerics, JSON values) into floats,
    in place; what is not a number becomes NaN."""
    for column in columns:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)


def frame_to_copy_buffer(frame: pd.DataFrame) -> io.StringIO:
    """CSV text for COPY ... FROM STDIN WITH (FORMAT csv, NULL '\\N').

    Booleans are written as t/f, NULL (None, NaN, NaT, pd.NA) as an unquoted \\N, an empty string
    as an empty field, floats so that they round-trip exactly."""
    columns = []
    for _, column in frame.items():
        cells = _column_cells(column)
        if cells is None:
            return _pandas_buffer(frame)
        columns.append(cells)
    buffer = io.StringIO()
    if len(frame):
        buffer.write("\n".join(map(",".join, zip(*columns, strict=True))))
        buffer.write("\n")
    buffer.seek(0)
    return buffer


# Quoted: delimiters, quotes, line breaks, and whole values COPY would read as NULL or as the
# end-of-data marker.
_NEEDS_QUOTES = re.compile(r'[,"\r\n]|^\\N$|^\\\.$')


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _column_cells(column: pd.Series) -> list[str] | None:
    """The column's cells as COPY CSV text, or None for a type left to pandas' writer."""
    if column.dtype == bool:
        return np.where(column.to_numpy(), "t", "f").tolist()
    if column.dtype.kind in "iu":
        return list(map(str, column.tolist()))
    if column.dtype.kind == "f":
        return _with_nulls(column, list(map(float.__repr__, column.fillna(0.0).tolist())))
    if column.dtype != object:
        return None
    values = column.tolist()
    kind = pd.api.types.infer_dtype(values, skipna=True)
    null = column.isna().to_numpy()
    present = [v for v, n in zip(values, null, strict=True) if not n] if null.any() else values
    if kind in ("string", "empty"):
        # One scan of the whole column decides whether any cell needs quoting at all.
        if _NEEDS_QUOTES.search("\x1f".join(present)) or {COPY_NULL, "\\."} & set(present):
            present = [_quote(v) if _NEEDS_QUOTES.search(v) else v for v in present]
        cells = present
    elif kind == "integer":
        cells = list(map(str, map(int, present)))
    elif kind == "floating":
        cells = list(map(float.__repr__, map(float, present)))
    elif kind == "boolean":
        cells = ["t" if v else "f" for v in present]
    else:
        return None
    if not null.any():
        return cells
    merged = [COPY_NULL] * len(values)
    for position, cell in zip(np.flatnonzero(~null).tolist(), cells, strict=True):
        merged[position] = cell
    return merged


def _with_nulls(column: pd.Series, cells: list[str]) -> list[str]:
    for position in np.flatnonzero(column.isna().to_numpy()).tolist():
        cells[position] = COPY_NULL
    return cells


def _pandas_buffer(frame: pd.DataFrame) -> io.StringIO:
    """Frames with columns of other types (timestamps, decimals, mixed): pandas' CSV writer."""
    buffer = io.StringIO()
    columns = {}
    for name, column in frame.items():
        if column.dtype == bool:
            column = pd.Series(np.where(column.to_numpy(), "t", "f"), index=column.index)
        elif column.dtype == object:
            values = column.to_numpy()
            if any(v is True or v is False for v in pd.unique(values[pd.notna(values)])):
                column = column.map(lambda v: ("t" if v else "f") if isinstance(v, bool) else v)
            if (column == COPY_NULL).any():
                # A literal \N would read back as NULL: write this frame quoting every value.
                return _quoted_buffer(frame)
        columns[name] = column
    pd.DataFrame(columns, index=frame.index).to_csv(
        buffer, index=False, header=False, na_rep=COPY_NULL, lineterminator="\n"
    )
    buffer.seek(0)
    return buffer


def _quoted_buffer(frame: pd.DataFrame) -> io.StringIO:
    """The rare slow path: every non-NULL value quoted, so no value can be mistaken for NULL."""
    buffer = io.StringIO()
    for row in frame.astype(object).itertuples(index=False, name=None):
        cells = (
            COPY_NULL if _is_null(v) else '"' + str(_copy_value(v)).replace('"', '""') + '"'
            for v in row
        )
        buffer.write(",".join(cells) + "\n")
    buffer.seek(0)
    return buffer


def _is_null(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _copy_value(value):
    if isinstance(value, bool | np.bool_):
        return "t" if value else "f"
    return value


def copy_frame(table: str, frame: pd.DataFrame, *, columns: list[str] | None = None) -> int:
    """COPY the frame's rows into `table` (PostgreSQL only). Returns the number of rows."""
    columns = columns or list(frame.columns)
    if frame.empty:
        return 0
    copy_buffer(table, columns, frame_to_copy_buffer(frame[columns]))
    return len(frame)


def copy_buffer(table: str, columns: list[str], buffer: io.StringIO) -> None:
    """COPY text from frame_to_copy_buffer into `table` (PostgreSQL only).

    The buffer is sent in blocks of up to 8M characters, not psycopg2's default 8 kB: psycopg2
    takes the GIL back for every block it reads, and a thread sending while another one parses
    would wait for the GIL at each block.
    """
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    size = min(max(buffer.seek(0, io.SEEK_END), 1), COPY_BLOCK)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN "
            f"WITH (FORMAT csv, NULL '{COPY_NULL}')",
            buffer,
            size=size,
        )


def insert_frame(model, frame: pd.DataFrame) -> int:
    """Insert the frame's rows as new `model` rows (COPY). Columns are the model's attnames
    (e.g. creator_id). Returns the number of rows.
    """
    if frame.empty:
        return 0
    return copy_frame(model._meta.db_table, frame)


def frame_to_copy_text(frame: pd.DataFrame) -> str:
    """The frame as COPY text format (tab-separated, NULL as \\N), built column-wise: numbers
    by numpy's shortest round-trip repr, booleans as t/f, text (JSON columns too) with
    backslashes, tabs and newlines escaped. No quoting is needed, unlike CSV."""
    line = None
    for _name, column in frame.items():
        values = column.to_numpy()
        if column.dtype == bool:
            text = np.where(values, "t", "f").astype(object)
        elif pd.api.types.is_integer_dtype(column.dtype):
            text = values.astype(str).astype(object)
        elif pd.api.types.is_float_dtype(column.dtype):
            text = np.where(np.isfinite(values), values.astype(str), COPY_NULL).astype(object)
        elif isinstance(column.dtype, pd.DatetimeTZDtype):
            stamps = column.dropna().unique()
            if len(stamps) == 1 and column.notna().all():  # computed_at: one value for the run
                text = np.full(len(column), stamps[0].isoformat(), dtype=object)
            else:
                text = np.where(
                    column.isna(), COPY_NULL, column.map(pd.Timestamp.isoformat)
                ).astype(object)
        else:
            present = column.notna().to_numpy()
            escaped = (
                column.astype(str)
                .str.replace("\\", "\\\\", regex=False)
                .str.replace("\t", "\\t", regex=False)
                .str.replace("\n", "\\n", regex=False)
                .str.replace("\r", "\\r", regex=False)
            )
            text = np.where(present, escaped.to_numpy(dtype=object), COPY_NULL).astype(object)
        line = text if line is None else line + "\t" + text
    if line is None or not len(frame):
        return ""
    return "\n".join(line.tolist()) + "\n"


def copy_text(cursor, table: str, frame: pd.DataFrame) -> None:
    """COPY the frame (all its columns, in order) into `table` in text format."""
    cursor.cursor.copy_expert(f"COPY {table} FROM STDIN", io.StringIO(frame_to_copy_text(frame)))


# Binary COPY kinds: "f" float8, "i" int8, "b" bool.
BINARY_SQL_TYPES = {"f": "float8", "i": "int8", "b": "bool"}
_BINARY_LAYOUT = {"f": (">f8", 8), "i": (">i8", 8), "b": ("u1", 1)}


def binary_kind(column: pd.Series) -> str:
    """The column's binary COPY kind (a key of BINARY_SQL_TYPES); TypeError for other types."""
    if column.dtype == bool:
        return "b"
    if pd.api.types.is_integer_dtype(column.dtype):
        return "i"
    if pd.api.types.is_float_dtype(column.dtype):
        return "f"
    raise TypeError(f"{column.name}: {column.dtype} has no binary COPY encoding here")


def frame_to_copy_binary(frame: pd.DataFrame, kinds: dict[str, str]) -> bytes:
    """PostgreSQL binary COPY of fixed-width columns (float8, int8, bool; NaN stays NaN),
    laid out by one numpy structured array: per row a field count, then per field its length
    and big-endian value. `kinds`: column -> binary_kind()."""
    dtype = [("fields", ">i2")]
    for i, name in enumerate(frame.columns):
        dtype += [(f"len{i}", ">i4"), (f"val{i}", _BINARY_LAYOUT[kinds[name]][0])]
    rows = np.empty(len(frame), dtype=dtype)
    rows["fields"] = len(frame.columns)
    for i, name in enumerate(frame.columns):
        rows[f"len{i}"] = _BINARY_LAYOUT[kinds[name]][1]
        rows[f"val{i}"] = frame[name].to_numpy()
    header = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
    return header + rows.tobytes() + struct.pack("!h", -1)


def binary_columns_sql(kinds: dict[str, str]) -> str:
    """The column list of a table binary COPY can load (e.g. CREATE TEMPORARY TABLE t (...))."""
    qn = connection.ops.quote_name
    return ", ".join(f"{qn(c)} {BINARY_SQL_TYPES[kind]} NOT NULL" for c, kind in kinds.items())


def copy_binary(cursor, table: str, frame: pd.DataFrame, kinds: dict[str, str]) -> None:
    """COPY the frame (all its columns, in order) into `table` in binary format."""
    cursor.cursor.copy_expert(
        f"COPY {table} FROM STDIN WITH (FORMAT binary)",
        io.BytesIO(frame_to_copy_binary(frame, kinds)),
    )
