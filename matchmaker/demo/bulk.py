"""Fast inserts for demo-sized frames: PostgreSQL COPY fed by pandas' C CSV writer.

matchmaker.lib.pgcopy.copy_frame writes row by row in Python, which is fine for imports but too
slow for millions of demo rows; the demo frames hold no binary columns and empty strings only in
the columns named not_null, so DataFrame.to_csv (NULL = empty field) is a faithful COPY input.
"""

import io

import pandas as pd
from django.db import connection


def write_frame(model, frame: pd.DataFrame, *, not_null: tuple[str, ...] = ()) -> int:
    """Insert the frame's rows into `model`'s table; columns are the model's attnames. The
    `not_null` columns read an empty field as an empty string (elsewhere it is NULL)."""
    if frame.empty:
        return 0
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep="")
    buffer.seek(0)
    quoted = ", ".join(connection.ops.quote_name(c) for c in frame.columns)
    table = connection.ops.quote_name(model._meta.db_table)
    options = "FORMAT csv"
    if not_null:
        options += f", FORCE_NOT_NULL ({', '.join(connection.ops.quote_name(c) for c in not_null)})"
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN WITH ({options})", buffer)
    return len(frame)


def reset_sequence(model) -> None:
    """After inserting explicit ids, move the id sequence past them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            f"COALESCE((SELECT MAX(id) FROM {connection.ops.quote_name(table)}), 1))",
            [table],
        )
