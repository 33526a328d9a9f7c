"""Sending the office's weekly report (周报) from the reminder run: ReminderRunner calls `send` on every run
of a working day, before the reminders' send time too.

`week_of(now, weekday, at)` says which report is due: the one scheduled on the configured weekday and time
of the current week, from that moment until the week ends (so a holiday Monday or a stopped bot delays it
to the next run that week, never skips or repeats it).

At most once per office chat and week: the delivery is claimed before the first request and each part is
counted as soon as it is accepted (services/weekly.py keeps that), so a retry after a failure that reached
nothing sends only the parts not yet accepted. The report itself is made by `build_parts`, which the
assembly (bot/app.py) joins from services.weekly.gather_week and reports.weekly.build.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from deadlines.clock import Clock
from deadlines.planner import Recipient
from handlers import documents_worker
from handlers.ports import SENT, Outcome, Sender
from handlers.replies import Message, Upload
from services import weekly as weekly_ledger

if TYPE_CHECKING:  # the database is handed to services; the scheduler never opens a session itself
    from storage.db import Database

# (scheduled day, today) -> the report's messages and files, or None when there is nothing to report
BuildParts = Callable[[date, date], list[Message | Upload] | None]


def week_of(now: datetime, weekday: int, at: time) -> date | None:
    """The scheduled day of this week's report if it is due at `now` (weekday 0 = Monday), else None."""
    scheduled = now.date() - timedelta(days=now.weekday() - weekday)
    if now.date() < scheduled or (now.date() == scheduled and now.time() < at):
        return None
    return scheduled


class WeeklyDelivery:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        sender: Sender,
        admins: frozenset[int],
        weekly_at: tuple[int, time],
        build_parts: BuildParts,
    ):
        self.db, self.clock, self.sender, self.admins = db, clock, sender, admins
        self.weekly_at = weekly_at  # (weekday 0 = Monday, local time)
        self.build_parts = build_parts

    async def send(self, now: datetime, counts: MutableMapping[str, int]) -> None:
        """Send this week's report to every office chat that has not had it; `counts` gets one
        "weekly:<outcome>" per chat tried."""
        scheduled = week_of(now, *self.weekly_at)
        if scheduled is None:
            return
        due = weekly_ledger.due_recipients(self.db, scheduled, self.admins)
        if not due:
            return
        # Charts and the workbook take a while: built off the event loop, and only when a chat needs them.
        parts = await documents_worker.build(self.build_parts, scheduled, now.date())
        if not parts:
            return
        for recipient in due:
            status = await self._deliver(recipient, scheduled, parts, now.date())
            if status is not None:
                counts[f"weekly:{status}"] = counts.get(f"weekly:{status}", 0) + 1

    async def _deliver(
        self, recipient: Recipient, scheduled: date, parts: list[Message | Upload], today: date
    ) -> str | None:
        """One chat: the parts an earlier attempt did not get accepted, in order; None when not claimed."""
        claim = weekly_ledger.claim(self.db, scheduled, recipient, today, self.clock.now())
        if claim is None:
            return None
        done, ids = claim.parts, list(claim.message_ids)
        final = Outcome(SENT, recipient.chat_id)
        for part in parts[done:]:
            final = await self.sender.send(recipient.chat_id, part)
            if final.status != SENT:
                break
            done, ids = done + 1, ids + final.message_ids
            weekly_ledger.part_accepted(self.db, claim.delivery_id, done, ids)
        weekly_ledger.finish(self.db, claim.delivery_id, final.status, final.error, self.clock.now())
        return final.status
