"""Exactly one bot process runs the reminder scheduler: a lease row in the database, renewed by its holder.

Every process beats (every ttl/3): the holder renews its lease; the others try to take it, which works
only once it has expired, i.e. once the holder has failed to renew for a whole `ttl`. So a dead holder
is replaced within ttl + ttl/3 (40 s with the default DUBAN_SCHEDULER_LEASE_SECONDS=30).

Why a lease row rather than a PostgreSQL advisory lock: it behaves the same on SQLite and PostgreSQL (one
code path, one set of tests), works through connection poolers, can be read by `duban doctor`, and its
timing runs on an injected clock, so tests move it without sleeping. Both take-over and renewal are single
conditional UPDATEs, which both databases serialise on the row.

Leases measure real elapsed time, so the bot passes the system clock here, never the testing clock file
(which moves the business day, not seconds). Hosts sharing a database must keep their clocks in step
(NTP) to well under the ttl.
"""
from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import BotProcess, SchedulerLease

LEASE_NAME = "reminders"
SCHEDULER, STANDBY = "scheduler", "standby"
FORGET_PROCESSES_AFTER = timedelta(days=1)  # rows of processes that died without saying goodbye


def new_process_id() -> str:
    """Unique per start: a restarted container (same host name, pid 1) must not inherit its old lease."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}:{secrets.token_hex(3)}"


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
class Beat:
    holding: bool
    took_over: bool  # this beat acquired the lease (first start, or after another holder)
    lost: bool  # this process held it and no longer does
    lease: LeaseInfo | None  # the lease as it stands after the beat


def read_lease(db: Database, name: str = LEASE_NAME) -> LeaseInfo | None:
    with db.session() as s:
        row = s.get(SchedulerLease, name)
        return _info(row) if row else None


def recent_processes(db: Database, since: datetime) -> list[BotProcess]:
    with db.session() as s:
        return list(s.scalars(select(BotProcess).where(BotProcess.seen_at >= since).order_by(BotProcess.started_at)))


def _info(row: SchedulerLease) -> LeaseInfo:
    return LeaseInfo(row.name, row.holder, row.acquired_at, row.renewed_at, row.expires_at)


class Leadership:
    """This process's side of the lease. `clock` is anything with now() -> aware datetime."""

    def __init__(self, db: Database, clock, ttl: timedelta, process_id: str | None = None,
                 name: str = LEASE_NAME, mode: str = "polling"):
        self.db, self.clock, self.ttl, self.name, self.mode = db, clock, ttl, name, mode
        self.me = process_id or new_process_id()
        self.holding = False
        self.valid_until: datetime | None = None  # end of the lease as last renewed
        self.started_at = clock.now()

    @property
    def heartbeat_seconds(self) -> float:
        return max(1.0, self.ttl.total_seconds() / 3)

    def still_valid(self) -> bool:
        """Whether this process may act as the scheduler right now (even if its last beat failed)."""
        return self.holding and self.valid_until is not None and self.clock.now() < self.valid_until

    def beat(self) -> Beat:
        """Renew or take the lease, and say this process is alive. Safe from any process at any time."""
        now = self.clock.now()
        expires = now + self.ttl
        was_holding = self.holding
        renewed = self._renew(now, expires)
        taken = not renewed and self._take(now, expires)
        self.holding = renewed or taken
        self.valid_until = expires if self.holding else None
        lease = read_lease(self.db, self.name)
        note = None if self.holding or lease is None else f"the scheduler lease is held by {lease.holder}"
        self._report_presence(now, note)
        return Beat(holding=self.holding, took_over=taken, lost=was_holding and not self.holding, lease=lease)

    def release(self) -> None:
        """Give the lease back on a clean stop, so another process takes over at its next beat."""
        now = self.clock.now()
        with self.db.session() as s:
            s.execute(update(SchedulerLease).where(SchedulerLease.name == self.name, SchedulerLease.holder == self.me)
                      .values(expires_at=now))
            s.execute(delete(BotProcess).where(BotProcess.id == self.me))
        self.holding, self.valid_until = False, None

    # -- the two conditional updates ---------------------------------------------------------------
    def _renew(self, now: datetime, expires: datetime) -> bool:
        """Our own lease, even one that ran out, as long as nobody took it meanwhile."""
        with self.db.session() as s:
            result = s.execute(update(SchedulerLease)
                               .where(SchedulerLease.name == self.name, SchedulerLease.holder == self.me)
                               .values(renewed_at=now, expires_at=expires)
                               .execution_options(synchronize_session=False))
            return bool(result.rowcount)

    def _take(self, now: datetime, expires: datetime) -> bool:
        values = dict(holder=self.me, acquired_at=now, renewed_at=now, expires_at=expires)
        with self.db.session() as s:
            result = s.execute(update(SchedulerLease)
                               .where(SchedulerLease.name == self.name, SchedulerLease.expires_at <= now)
                               .values(**values).execution_options(synchronize_session=False))
            if result.rowcount:
                return True
            if s.get(SchedulerLease, self.name) is not None:
                return False  # held, and not expired
        try:  # nobody ever held it: the first insert wins, the others get an integrity error
            with self.db.session() as s:
                s.add(SchedulerLease(name=self.name, **values))
            return True
        except IntegrityError:
            return False

    def _report_presence(self, now: datetime, note: str | None) -> None:
        role = SCHEDULER if self.holding else STANDBY
        with self.db.session() as s:
            row = s.get(BotProcess, self.me)
            if row is None:
                host, pid = self.me.rsplit(":", 2)[0], os.getpid()
                s.add(BotProcess(id=self.me, host=host, pid=pid, mode=self.mode, role=role, note=note,
                                 started_at=self.started_at, seen_at=now))
            else:
                row.mode, row.role, row.note, row.seen_at = self.mode, role, note, now
            s.execute(delete(BotProcess).where(BotProcess.seen_at < now - FORGET_PROCESSES_AFTER))
