"""The scheduler lease and the bot processes in the database (scheduler/leadership.py decides; this stores).

Both take-over and renewal are single conditional UPDATEs, which SQLite and PostgreSQL both serialise on
the row; the first insert of a lease wins, the others get an integrity error.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import BotProcess, SchedulerLease

REMINDERS = "reminders"  # the lease of the reminder scheduler
FORGET_PROCESSES_AFTER = timedelta(days=1)  # rows of processes that died without saying goodbye


@dataclass(frozen=True)
class LeaseInfo:
    name: str
    holder: str
    acquired_at: datetime
    renewed_at: datetime
    expires_at: datetime

    def live(self, now: datetime) -> bool:
        return self.expires_at > now


@dataclass(frozen=True)
class ProcessInfo:
    id: str
    host: str
    pid: int
    mode: str  # polling | webhook
    role: str  # scheduler | standby
    note: str | None
    started_at: datetime
    seen_at: datetime


def read_lease(db: Database, name: str = REMINDERS) -> LeaseInfo | None:
    with db.session() as s:
        row = s.get(SchedulerLease, name)
        return LeaseInfo(row.name, row.holder, row.acquired_at, row.renewed_at, row.expires_at) if row else None


def recent_processes(db: Database, since: datetime) -> list[ProcessInfo]:
    with db.session() as s:
        rows = s.scalars(select(BotProcess).where(BotProcess.seen_at >= since).order_by(BotProcess.started_at))
        return [ProcessInfo(p.id, p.host, p.pid, p.mode, p.role, p.note, p.started_at, p.seen_at) for p in rows]


def renew(db: Database, name: str, holder: str, now: datetime, expires: datetime) -> bool:
    """Our own lease, even one that ran out, as long as nobody took it meanwhile."""
    with db.session() as s:
        result = s.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
            .values(renewed_at=now, expires_at=expires)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount)  # type: ignore[attr-defined]


def take(db: Database, name: str, holder: str, now: datetime, expires: datetime) -> bool:
    """Take the lease once it has expired (or was never held)."""
    values = dict(holder=holder, acquired_at=now, renewed_at=now, expires_at=expires)
    with db.session() as s:
        result = s.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == name, SchedulerLease.expires_at <= now)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            return True
        if s.get(SchedulerLease, name) is not None:
            return False  # held, and not expired
    try:  # nobody ever held it: the first insert wins, the others get an integrity error
        with db.session() as s:
            s.add(SchedulerLease(name=name, **values))
        return True
    except IntegrityError:
        return False


def release(db: Database, name: str, holder: str, now: datetime) -> None:
    """Give the lease back on a clean stop, and say goodbye."""
    with db.session() as s:
        s.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
            .values(expires_at=now)
        )
        s.execute(delete(BotProcess).where(BotProcess.id == holder))


def report_presence(
    db: Database, process_id: str, mode: str, role: str, note: str | None, started_at: datetime, now: datetime
) -> None:
    with db.session() as s:
        row = s.get(BotProcess, process_id)
        if row is None:
            host = process_id.rsplit(":", 2)[0]
            s.add(
                BotProcess(
                    id=process_id,
                    host=host,
                    pid=os.getpid(),
                    mode=mode,
                    role=role,
                    note=note,
                    started_at=started_at,
                    seen_at=now,
                )
            )
        else:
            row.mode, row.role, row.note, row.seen_at = mode, role, note, now
        s.execute(delete(BotProcess).where(BotProcess.seen_at < now - FORGET_PROCESSES_AFTER))
