"""What a process computed from the letter's data, kept while that data stays the same.

The database changes `change_stamps.letter_data` in every transaction that writes tasks, deadlines,
departments, reports or facts (triggers, migration 0008), whichever process writes. A value computed here
is kept beside the stamp read just before computing it and served again only while the stamp reads the
same: a change by anyone is seen at once, and a question asked twice over unchanged data is not worked out
twice. The stamp is read first, so what is kept is never older than its stamp says.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import ChangeStamp

LETTER_DATA = "letter_data"
T = TypeVar("T")

# Per engine (one database), so two databases in one process, as in the tests, never share an answer.
_kept: WeakKeyDictionary[Any, dict[Hashable, tuple[int, Any]]] = WeakKeyDictionary()


def letter_data_stamp(session: Session) -> int | None:
    """The stamp now (None on a database without it: nothing is kept)."""
    return session.scalar(select(ChangeStamp.stamp).where(ChangeStamp.name == LETTER_DATA))


def kept(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or what it gave last time for `key` if the letter's data has not changed since."""
    stamp = letter_data_stamp(session)
    if stamp is None:
        return compute()
    store = _kept.setdefault(session.get_bind(), {})
    hit = store.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    value = compute()
    store[key] = (stamp, value)
    return value
