"""Delivering the weekly report (reports/weekly.py) from the reminder run: a mixin of
scheduler.runner.ReminderRunner, which calls `send_weekly` on every run of a working day.

At most once per office chat and week: the delivery (key `weekly|<scheduled day>|<chat>`) is claimed with
the runner's `_claim_once` before the first request, like the digest; the parts already accepted are counted
in the delivery, so a retry after a failure that reached nothing sends only the rest, never a part twice.
"""
from __future__ import annotations

import asyncio
from datetime import date, datetime

from sqlalchemy import select

from storage.models import Delivery
from scheduler import messages
from scheduler.delivery import BLOCKED, SENT, UNCERTAIN, FilePart, Outcome
from services import reminder_ledger as ledger
from services.tasks import NoLetter


class WeeklyDelivery:
    weekly = None  # (weekday, local time) or None: set by ReminderRunner.__init__

    def _weekly_open(self, key: str) -> bool:
        """Not yet delivered, nor in doubt, nor refused for good: what _claim_once would let through."""
        with self.db.session() as s:
            d = s.scalar(select(Delivery).where(Delivery.key == key))
            return d is None or (d.status == "failed" and not (d.error or "").startswith(("BadRequest", "Forbidden")))

    def _weekly_parts(self, scheduled: date, today: date) -> list | None:
        from bot.telegram_text import split_lines
        from reports import weekly

        with self.db.session() as s:
            try:
                built = weekly.build(s, scheduled, today, self.calendar, self.policy, self.clock.tz)
            except NoLetter:
                return None
        parts: list = [messages.Part(piece) for piece in split_lines(built.text)]
        parts += [FilePart("photo", c.png, f"{c.name}.png", c.title) for c in built.charts]
        parts.append(FilePart("document", built.workbook, built.filename, "工作簿:任务清单、考核评分、操作记录、图表"))
        return parts

    async def send_weekly(self, now: datetime, report: RunReport) -> None:
        """At most once per office chat and week (key weekly|<scheduled day>|<chat>), claimed before the
        first request; parts already accepted are never sent again (the delivery counts them)."""
        from reports.weekly import week_of

        scheduled = week_of(now, *self.weekly) if self.weekly else None
        if scheduled is None:
            return
        prefix = f"weekly|{scheduled.isoformat()}"
        with self.db.session() as s:
            office = ledger.office_recipients(s, self.admin_ids)
        due = [r for r in office if self._weekly_open(f"{prefix}|{r.chat_id}")]
        if not due:
            return
        parts = await asyncio.to_thread(self._weekly_parts, scheduled, now.date())
        if not parts:
            return
        for recipient in due:
            delivery_id = self._claim_once(f"{prefix}|{recipient.chat_id}", "weekly", recipient.chat_id,
                                           recipient.contact_id, now.date())
            if delivery_id is None:
                continue
            with self.db.session() as s:
                delivery = s.get(Delivery, delivery_id)
                done, ids = delivery.parts, list(delivery.message_ids or [])
            final = Outcome(SENT, recipient.chat_id)
            for part in parts[done:]:
                final = await self.deliverer.deliver(recipient.chat_id, part)
                if final.status != SENT:
                    break
                done, ids = done + 1, ids + final.message_ids
                with self.db.session() as s:
                    delivery = s.get(Delivery, delivery_id)
                    delivery.parts, delivery.message_ids = done, ids
            with self.db.session() as s:
                delivery = s.get(Delivery, delivery_id)
                delivery.status = {SENT: "sent", UNCERTAIN: "uncertain"}.get(final.status, "failed")
                delivery.error = f"Forbidden: {final.error}" if final.status == BLOCKED else final.error
                delivery.sent_at = self.clock.now() if final.status == SENT else None
            report.counts[f"weekly:{final.status}"] += 1
