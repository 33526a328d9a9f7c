"""People and groups on channels whose own ids are not numbers (DingTalk's userId, a group's
openConversationId), as the numbers duban knows them by everywhere else: contacts, conversations, the
reminder ledger, DUBAN_ADMINS.

A user is BASE + the row's id, a group -(BASE + id). BASE is 2**53: past every Telegram id (52 bits) and
the console's range [2**52, 2**53), so which channel owns a number is a comparison, never a guess.
A number, once given, never changes: the row is never deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from storage.db import Database
from storage.models import ChannelAccount

BASE = 2**53
CONSOLE_BASE = 2**52  # services/console_identity.py: the console's users, one per department
DINGTALK = "dingtalk"
USER, GROUP = "user", "group"


@dataclass(frozen=True)
class Account:
    channel: str
    external_id: str
    kind: str  # user | group
    number: int
    name: str | None = None


def is_account_number(number: int) -> bool:
    """Whether `number` belongs to a channel of string ids (else it is Telegram's or the console's)."""
    return abs(number) >= BASE


def is_telegram_number(number: int) -> bool:
    """Telegram's ids fit in 52 bits; the console's start there, the accounts' at BASE."""
    return abs(number) < CONSOLE_BASE


def _number(row: ChannelAccount) -> int:
    return BASE + row.id if row.kind == USER else -(BASE + row.id)


def _account(row: ChannelAccount) -> Account:
    return Account(row.channel, row.external_id, row.kind, _number(row), row.name)


def ensure(db: Database, clock: Clock, channel: str, external_id: str, kind: str, name: str | None = None) -> int:
    """The number of this person or group, made on first sight; the name follows the platform's."""
    for _ in range(2):  # a second process may create the same row at the same moment: then read it
        try:
            with db.session() as session:
                return _ensure(session, clock, channel, external_id, kind, name)
        except IntegrityError:
            continue
    raise RuntimeError(f"account {channel}:{external_id} could be neither created nor read")


def _ensure(session: Session, clock: Clock, channel: str, external_id: str, kind: str, name: str | None) -> int:
    row = session.scalar(
        select(ChannelAccount).where(ChannelAccount.channel == channel, ChannelAccount.external_id == external_id)
    )
    if row is None:
        row = ChannelAccount(channel=channel, external_id=external_id, kind=kind, name=name, created_at=clock.now())
        session.add(row)
        session.flush()
    elif name and row.name != name:
        row.name = name
    return _number(row)


def find(db: Database, channel: str, external_id: str) -> int | None:
    """The number of someone already seen, else None (nothing is created)."""
    with db.session() as session:
        row = session.scalar(
            select(ChannelAccount).where(ChannelAccount.channel == channel, ChannelAccount.external_id == external_id)
        )
        return _number(row) if row is not None else None


def account(db: Database, number: int) -> Account | None:
    """Who a number stands for on its channel; None for Telegram's and the console's numbers."""
    found = accounts(db, [number])
    return found.get(number)


def accounts(db: Database, numbers: Iterable[int]) -> dict[int, Account]:
    ids = {abs(n) - BASE: n for n in numbers if is_account_number(n)}
    if not ids:
        return {}
    with db.session() as session:
        rows = session.scalars(select(ChannelAccount).where(ChannelAccount.id.in_(list(ids))))
        found = {_number(r): _account(r) for r in rows}
    return {n: found[n] for n in ids.values() if n in found}


def owner(db: Database, number: int) -> str:
    """The channel a chat or user number belongs to: telegram, console, or the account's channel."""
    if is_account_number(number):
        found = account(db, number)
        return found.channel if found is not None else "unknown"
    return "telegram" if is_telegram_number(number) else "console"


def actor(session: Session, user_id: int) -> str:
    """How the audit log names a person: "tg:123456", or "dingtalk:USERID" for an account's number."""
    if not is_account_number(user_id):
        return f"tg:{user_id}"
    row = session.get(ChannelAccount, abs(user_id) - BASE)
    return f"{row.channel}:{row.external_id}" if row is not None else f"account:{user_id}"


def resolve_admins(db: Database, clock: Clock, entries: Iterable[str]) -> frozenset[int]:
    """DUBAN_ADMINS' "dingtalk:USERID" entries as numbers (made now if the person never wrote yet)."""
    numbers = set()
    for entry in entries:
        channel, _, external_id = entry.partition(":")
        numbers.add(ensure(db, clock, channel, external_id, USER))
    return frozenset(numbers)
