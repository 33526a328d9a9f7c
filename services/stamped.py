"""What a process computed from the letter's data, kept while that data stays the same.

The database changes `change_stamps.letter_data` in every transaction that writes tasks, deadlines,
departments, reports or facts (triggers, migrations 0008 and 0010; on PostgreSQL as the transaction commits),
whichever process writes. A value computed here is kept beside the stamp read just before computing it and
served again only while the stamp reads the same: a change by anyone is seen at once, and a question asked
twice over unchanged data is not worked out twice. The stamp is read first, so what is kept is never older
than its stamp says; a transaction that has written the data itself is answered from its writes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from storage.models import ChangeStamp

LETTER_DATA = "letter_data"
T = TypeVar("T")

# Per engine (one database), so two databases in one process, as in the tests, never share an answer.
_kept: WeakKeyDictionary[Any, dict[Hashable, tuple[int, Any]]] = WeakKeyDictionary()
# Many keys hold the day asked about, so a bot running for a year would keep a score for every day: what
# another stamp produced is dropped as a new answer is kept (it can never be served again), and at most
# this many answers are kept at all, the oldest going first.
KEPT_AT_MOST = 64
_keeping = threading.Lock()  # worker threads keep answers too (documents, the reminder run)


# PostgreSQL sets the stamp when a writing transaction commits (migration 0010) and marks a transaction that
# has written the letter's data meanwhile: that transaction is answered from its own writes, never kept.
# A transaction that has written nothing has no id: on a connection that never wrote, the setting is unset too,
# and the two NULLs must not read as "written here" (nothing would ever be kept on such a connection).
_WRITTEN_HERE = text(
    "COALESCE(current_setting('duban.letter_data_written', true) = txid_current_if_assigned()::text, false)"
)
# Built once: every /score, /tasks and /overdue reads the stamp, and building the statement costs more than
# running it.
_STAMP = select(ChangeStamp.stamp).where(ChangeStamp.name == LETTER_DATA)
_STAMP_AND_WRITTEN_HERE = select(ChangeStamp.stamp, _WRITTEN_HERE).where(ChangeStamp.name == LETTER_DATA)


def letter_data_stamp(session: Session) -> int | None:
    """The stamp now; None (nothing is kept) on a database without it, or inside a transaction that has
    written the letter's data and not yet committed (PostgreSQL; on SQLite the stamp changes at once)."""
    if session.get_bind().dialect.name != "postgresql":
        return session.scalar(_STAMP)
    row = session.execute(_STAMP_AND_WRITTEN_HERE).first()
    if row is None or row[1]:
        return None
    return row[0]


class Stamped:
    """One reading of the stamp, and what is kept beside it. The answers one question takes from the letter's
    data (its facts, then the score made from them) share one reading: each is then kept beside the stamp the
    data it came from had, where a second reading between them could key the score with a newer stamp than
    the facts it was made from (a writer committing in between), and it is one query instead of two."""

    def __init__(self, session: Session):
        self.session = session
        self.stamp = letter_data_stamp(session)

    def kept(self, key: Hashable, compute: Callable[[], T]) -> T:
        """`compute()`, or what it gave for `key` when the stamp read the same as now."""
        if self.stamp is None:
            return compute()
        store = _kept.setdefault(self.session.get_bind(), {})
        hit = store.get(key)
        if hit is not None and hit[0] == self.stamp:
            return hit[1]
        value = compute()
        with _keeping:
            for stale in [k for k, (stamp, _) in store.items() if stamp != self.stamp]:
                del store[stale]
            store[key] = (self.stamp, value)
            while len(store) > KEPT_AT_MOST:
                del store[next(iter(store))]
        return value


def kept(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave last time for `key` if the letter's data has not changed since."""
    return Stamped(session).kept(key, compute)
