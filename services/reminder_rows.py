"""Writing planned reminders into the ledger, many at a time, each key at most once.

The unique `reminders.key` decides what is new: rows go in with INSERT … ON CONFLICT (key) DO NOTHING, so
a second planner (another process, a retry, a re-plan after an edit) racing this one adds nothing twice
and never fails on a duplicate: the database settles it, with no SELECT-then-INSERT window between two
transactions. On PostgreSQL a large batch is copied (COPY) into a temporary table and moved over in one
INSERT … SELECT … ON CONFLICT DO NOTHING; elsewhere it is one prepared statement run over the rows
(executemany). Both bypass SQLAlchemy's per-row parameter handling, which would cost more than the
insert itself at 100,000 rows a day; values are stored exactly as the columns' types store them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import date, datetime
from operator import itemgetter
from typing import Any, NamedTuple, cast

from sqlalchemy import Connection, Table

from storage.models import Reminder


class Row(NamedTuple):
    """A planned reminder as it goes into the ledger: its fields are the columns it sets, in order."""

    key: str
    kind: str
    task_id: int
    deadline_id: int
    due_date: date
    lead: int
    send_on: date
    contact_id: int | None
    chat_id: int
    created_at: datetime
    status: str = "planned"


COLUMNS = Row._fields
BATCH = 10_000  # rows per executemany: bounded memory, few calls
COPY_FROM = 1_000  # below this many rows on PostgreSQL the temporary table costs more than it saves
TEMP = "planned_reminders_in"


def insert_new(conn: Connection, rows: Sequence[Row]) -> int:
    """Insert the rows whose key the ledger does not hold; returns how many
    were new. Duplicates among `rows` themselves count once."""
    if not rows:
        return 0
    # In key order: two planners inserting the same keys meet them in the same order (no deadlock), and
    # the unique index is filled from one end.
    ordered = sorted(rows, key=itemgetter(0))
    if conn.dialect.name == "postgresql" and len(ordered) >= COPY_FROM:
        return _copy_new(conn, ordered)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO reminders ({', '.join(COLUMNS)}) VALUES ({', '.join([mark] * len(COLUMNS))}) "
        "ON CONFLICT (key) DO NOTHING"
    )
    stored = _stored(conn, ordered)
    new = 0
    for i in range(0, len(stored), BATCH):
        result = conn.exec_driver_sql(sql, stored[i : i + BATCH])
        new += max(result.rowcount, 0)  # summed over the batch; a row skipped on conflict counts 0
    return new


def _stored(conn: Connection, rows: list[Row]) -> Sequence[tuple[Any, ...]]:
    """The rows as the driver should receive them: through each column type's bind processor (on SQLite
    dates and times are text in SQLAlchemy's format), each distinct value converted once."""
    table = cast(Table, Reminder.__table__)
    converters = [
        (i, functools.cache(processor))
        for i, name in enumerate(COLUMNS)
        if (processor := table.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)) is not None
    ]
    if not converters:
        return rows
    columns = list(zip(*rows, strict=True))  # column by column: the conversions run in map(), not per row
    for i, convert in converters:
        columns[i] = tuple(map(convert, columns[i]))
    return list(zip(*columns, strict=True))


def _copy_new(conn: Connection, rows: list[Row]) -> int:
    """COPY into a temporary table (dropped after use, or rolled back with the transaction), then one
    INSERT … SELECT … ON CONFLICT DO NOTHING in the caller's transaction."""
    columns = ", ".join(COLUMNS)
    raw = conn.connection.driver_connection  # psycopg 3, inside the session's open transaction
    assert raw is not None
    with raw.cursor() as cur:
        cur.execute(f"DROP TABLE IF EXISTS {TEMP}")  # left by an earlier batch of the same transaction
        cur.execute(f"CREATE TEMPORARY TABLE {TEMP} ON COMMIT DROP AS SELECT {columns} FROM reminders WITH NO DATA")
        with cur.copy(f"COPY {TEMP} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cur.execute(
            f"INSERT INTO reminders ({columns}) SELECT {columns} FROM {TEMP} ORDER BY key ON CONFLICT (key) DO NOTHING"
        )
        new = cur.rowcount
        cur.execute(f"DROP TABLE {TEMP}")
    return max(new, 0)
