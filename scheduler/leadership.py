"""Exactly one bot process runs the reminder scheduler: a lease row in the database, renewed by its holder.

Every process beats (every ttl/3): the holder renews its lease; the others try to take it, which works
only once it has expired, i.e. once the holder has failed to renew for a whole `ttl`. So a dead holder
is replaced within ttl + ttl/3 (40 s with the default DUBAN_SCHEDULER_LEASE_SECONDS=30).

Why a lease row rather than a PostgreSQL advisory lock: it behaves the same on SQLite and PostgreSQL (one
code path, one set of tests), works through connection poolers, can be read by `duban doctor`, and its
timing runs on an injected clock, so tests move it without sleeping. Both take-over and renewal are single
conditional UPDATEs, which both databases serialise on the row.

The rows live in the database (services/lease.py); this module decides. Leases measure real elapsed time, so the bot passes the system clock here, never the testing clock file
(which moves the business day, not seconds). Hosts sharing a database must keep their clocks in step
(NTP) to well under the ttl.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from deadlines.clock import Clock
from services import lease as store
from services.lease import REMINDERS, LeaseInfo

if TYPE_CHECKING:  # the scheduler hands the database to services; it never opens a session itself
    from storage.db import Database

SCHEDULER, STANDBY = "scheduler", "standby"


def new_process_id() -> str:
    """Unique per start: a restarted container (same host name, pid 1) must not inherit its old lease."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Beat:
    holding: bool
    took_over: bool  # this beat acquired the lease (first start, or after another holder)
    lost: bool  # this process held it and no longer does
    lease: LeaseInfo | None  # the lease as it stands after the beat


class Leadership:
    """This process's side of the lease. `clock` measures real elapsed time (see above)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        ttl: timedelta,
        process_id: str | None = None,
        name: str = REMINDERS,
        mode: str = "polling",
    ):
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
        renewed = store.renew(self.db, self.name, self.me, now, expires)
        taken = not renewed and store.take(self.db, self.name, self.me, now, expires)
        self.holding = renewed or taken
        self.valid_until = expires if self.holding else None
        lease = store.read_lease(self.db, self.name)
        note = None if self.holding or lease is None else f"the scheduler lease is held by {lease.holder}"
        store.report_presence(
            self.db, self.me, self.mode, SCHEDULER if self.holding else STANDBY, note, self.started_at, now
        )
        return Beat(holding=self.holding, took_over=taken, lost=was_holding and not self.holding, lease=lease)

    def release(self) -> None:
        """Give the lease back on a clean stop, so another process takes over at its next beat."""
        store.release(self.db, self.name, self.me, self.clock.now())
        self.holding, self.valid_until = False, None
