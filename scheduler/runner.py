"""The reminder run: plan from the database, record in the ledger, render, deliver, record the outcome.

`run_once()` is what the scheduler calls every minute; it does nothing until the send time of a working
day, and is safe to call any number of times (the ledger's unique keys and statuses make it so).
"""
from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from storage.db import Database
from storage.models import Contact, Delivery, Department, Reminder, Task
from reports.weekly_delivery import WeeklyDelivery
from scheduler import messages
from scheduler.delivery import BLOCKED, FAILED, SENT, UNCERTAIN, Deliverer, Outcome
from deadlines.planner import DUE, ESCALATION, LEAD, OVERDUE, REPEAT, plan
from deadlines.policy import ReminderPolicy, status_colour
from services import reminder_ledger as ledger
from services.occurrences import letter_occurrences
from services.tasks import NoLetter, current_letter

log = logging.getLogger("duban.reminders")

OFFICE_NAME = "美丽办"
STAGE_RANK = {OVERDUE: 4, ESCALATION: 4, DUE: 3, REPEAT: 2, LEAD: 1}


@dataclass
class RunReport:
    day: date
    skipped: str | None = None
    planned: int = 0
    repeats: int = 0
    superseded: int = 0
    messages: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    blocked: list[int] = field(default_factory=list)  # chats found blocked in this run
    digests: int = 0


@dataclass(frozen=True)
class _Row:
    id: int
    kind: str
    due: date
    send_on: date
    task_id: int
    task_code: str
    task_text: str
    departments: tuple[str, ...]
    phrase: str | None
    chat_id: int
    contact_id: int | None
    recipient_name: str
    reachable: bool


def active_until(letter_year: int, policy: ReminderPolicy, calendar) -> date:
    return calendar.add_workdays(date(letter_year, 12, 31), policy.grace_workdays_after_year)


class ReminderRunner(WeeklyDelivery):
    def __init__(self, db: Database, clock, calendar, deliverer: Deliverer, admin_ids: frozenset[int],
                 policy: ReminderPolicy | None = None, concurrency: int = 32, weekly: tuple[int, time] | None = None):
        self.db, self.clock, self.calendar, self.deliverer = db, clock, calendar, deliverer
        self.admin_ids, self.policy = admin_ids, policy or ReminderPolicy()
        self.concurrency = concurrency
        self.weekly = weekly  # (weekday, local time) of the office's weekly report; None: off

    # -- planning (synchronous, one transaction) ---------------------------------------------------
    def plan(self, today: date, report: RunReport) -> None:
        now = self.clock.now()
        with self.db.session() as s:
            try:
                letter = current_letter(s)
            except NoLetter:
                report.skipped = "no letter loaded"
                return
            state_name = f"reminders.planned_through.{letter.id}"
            through = ledger.get_state(s, state_name)
            day_name = f"reminders.planned_on.{letter.id}"
            if ledger.get_state(s, day_name) == today.isoformat():
                return  # planned earlier today: later ticks only send what is left (retries)
            ledger.set_state(s, day_name, today.isoformat(), now)
            facts = letter_occurrences(s, letter)
            open_facts = [f for f in facts if not f.reported]
            open_keys = {(f.occurrence.deadline_id, f.occurrence.due) for f in open_facts}
            deps_of_task = {f.task.id: f.task.department_ids for f in facts}
            by_dep = ledger.recipients_by_department(s)
            office = ledger.office_recipients(s, self.admin_ids)

            def recipients_of(occ):
                seen, result = set(), []
                for dep in deps_of_task.get(occ.task_id, ()):
                    for recipient, _ in by_dep.get(dep, ()):
                        if recipient.chat_id not in seen:
                            seen.add(recipient.chat_id)
                            result.append(recipient)
                return result

            start = letter.loaded_at.astimezone(self.clock.tz).date()
            if through:
                start = max(start, date.fromisoformat(through) + timedelta(days=1))
            until = min(today, active_until(letter.year, self.policy, self.calendar))
            if start <= until:
                planned = plan([f.occurrence for f in open_facts], recipients_of, office, self.policy,
                               self.calendar, start, until)
                report.planned = ledger.record_planned(s, planned, now)
            if self.policy.repeat_unacknowledged:
                report.repeats = ledger.plan_repeats(s, today, self.calendar, open_keys, now)
            report.superseded = ledger.supersede_answered(s, open_keys)
            if through is None or date.fromisoformat(through) < until:
                ledger.set_state(s, state_name, until.isoformat(), now)

    def _load_due(self, today: date) -> list[_Row]:
        with self.db.session() as s:
            rows = ledger.due_rows(s, today)
            if not rows:
                return []
            tasks = {t.id: t for t in s.scalars(select(Task).where(Task.id.in_({r.task_id for r in rows})))}
            contacts = {c.id: c for c in s.scalars(select(Contact).where(
                Contact.id.in_({r.contact_id for r in rows if r.contact_id is not None})))}
            dep_names = {d.id: d.name for d in s.scalars(select(Department))}
            result = []
            for r in rows:
                task = tasks[r.task_id]
                contact = contacts.get(r.contact_id)
                if r.kind == ESCALATION or contact is None or contact.role == "admin":
                    name = OFFICE_NAME
                else:
                    name = dep_names.get(contact.department_id, "")
                result.append(_Row(
                    r.id, r.kind, r.due_date, r.send_on, task.id, task.code, task.text,
                    tuple(d.name for d in task.departments), r.deadline.phrase, r.chat_id, r.contact_id, name,
                    contact.reachable if contact else True))
            return result

    # -- sending ------------------------------------------------------------------------------------
    def _line(self, row: _Row, today: date) -> messages.ReminderLine:
        colour = status_colour(row.due, today, self.calendar, self.policy)
        left = self.calendar.workdays_between(today, row.due) if today <= row.due else \
            -self.calendar.workdays_between(row.due, today)
        return messages.ReminderLine(row.id, row.task_code, row.task_text, row.departments, row.due, row.phrase,
                                     row.kind, 0, colour, left)

    def _messages_for(self, rows: list[_Row], today: date):
        """Collapse to one line per task occurrence (the latest stage), then render."""
        groups: dict[tuple[int, date], list[_Row]] = defaultdict(list)
        for row in rows:
            groups[(row.task_id, row.due)].append(row)
        primaries, siblings = [], {}
        for members in groups.values():
            members.sort(key=lambda r: (r.send_on, STAGE_RANK[r.kind], r.id))
            primary = members[-1]
            primaries.append(primary)
            siblings[primary.id] = [m.id for m in members[:-1]]
        since = min(r.send_on for r in rows)
        catch_up = since if since < today else None
        lines = [self._line(r, today) for r in primaries]
        if rows[0].kind == ESCALATION:
            rendered = messages.escalation_parts(today, lines, catch_up)
        else:
            rendered = messages.reminder_parts(rows[0].recipient_name, today, lines, catch_up)
        kind = "escalation" if rows[0].kind == ESCALATION else ("catch_up" if catch_up else "reminder")
        return kind, [(r, [i for p in r.reminder_ids for i in siblings[p]]) for r in rendered]

    def _claim(self, kind: str, chat_id: int, contact_id: int | None, today: date,
               primary_ids, collapsed_ids) -> int:
        """Record "sending" before the request: written first, so a crash leaves a trace, never a resend."""
        now = self.clock.now()
        key = f"{kind}|{today.isoformat()}|{chat_id}|{min(primary_ids)}"
        with self.db.session() as s:
            delivery = s.scalar(select(Delivery).where(Delivery.key == key))
            if delivery is None:
                delivery = Delivery(key=key, kind=kind, chat_id=chat_id, contact_id=contact_id, run_on=today,
                                    status="sending", parts=1, message_ids=[], attempts=1, created_at=now)
                s.add(delivery)
                s.flush()
            else:  # an earlier attempt today failed before Telegram accepted anything
                delivery.status, delivery.attempts = "sending", delivery.attempts + 1
            for row in s.scalars(select(Reminder).where(Reminder.id.in_(list(primary_ids) + list(collapsed_ids)))):
                row.status, row.delivery_id = "sending", delivery.id
            return delivery.id

    def _record(self, delivery_id: int | None, outcome: Outcome, primary_ids, collapsed_ids,
                report: RunReport) -> None:
        now = self.clock.now()
        with self.db.session() as s:
            rows = list(s.scalars(select(Reminder).where(Reminder.id.in_(list(primary_ids) + list(collapsed_ids)))))
            delivery = s.get(Delivery, delivery_id) if delivery_id else None
            if outcome.migrated_from is not None:
                for contact in s.scalars(select(Contact).where(Contact.chat_id == outcome.migrated_from)):
                    contact.chat_id = outcome.chat_id
                for row in s.scalars(select(Reminder).where(Reminder.chat_id == outcome.migrated_from)):
                    row.chat_id = outcome.chat_id
            if outcome.status == SENT:
                for row in rows:
                    row.status = "sent" if row.id in primary_ids else "collapsed"
                    row.sent_at = now
            elif outcome.status == FAILED and not (outcome.error or "").startswith("BadRequest"):
                for row in rows:  # nothing was accepted: the next run tries again
                    row.status, row.delivery_id, row.error = "planned", None, outcome.error
            else:
                for row in rows:
                    row.status = "uncertain" if outcome.status == UNCERTAIN else "failed"
                    row.error = outcome.error
            if outcome.status == BLOCKED:
                for contact in s.scalars(select(Contact).where(Contact.chat_id == outcome.chat_id)):
                    contact.reachable, contact.unreachable_reason = False, outcome.error
                report.blocked.append(outcome.chat_id)
            if delivery is not None:
                delivery.status = {SENT: "sent", UNCERTAIN: "uncertain"}.get(outcome.status, "failed")
                delivery.chat_id, delivery.message_ids, delivery.error = outcome.chat_id, outcome.message_ids, outcome.error
                delivery.attempts += outcome.retries
                delivery.sent_at = now if outcome.status == SENT else None
        report.counts[outcome.status] += 1
        if outcome.status == SENT:
            report.messages += 1

    def _mark_unreachable(self, rows: list[_Row], report: RunReport) -> None:
        with self.db.session() as s:
            for row in s.scalars(select(Reminder).where(Reminder.id.in_([r.id for r in rows]))):
                row.status, row.error = "failed", "contact unreachable: not sent"
        report.counts["unreachable"] += len(rows)

    async def _send_chat(self, chat_rows: list[_Row], today: date, report: RunReport) -> None:
        if not chat_rows[0].reachable:
            self._mark_unreachable(chat_rows, report)
            return
        kind, rendered = self._messages_for(chat_rows, today)
        chat_id = chat_rows[0].chat_id
        for piece, collapsed in rendered:
            primary = piece.reminder_ids
            claimed: list[int] = []

            async def before_send(primary=primary, collapsed=collapsed, claimed=claimed):
                claimed.append(self._claim(kind, chat_id, chat_rows[0].contact_id, today, primary, collapsed))

            outcome = await self.deliverer.deliver(chat_id, piece.part, before_send)
            self._record(claimed[0] if claimed else None, outcome, set(primary), set(collapsed), report)
            chat_id = outcome.chat_id
            if outcome.status != SENT:
                return  # the rest waits for the next run (or the office, when blocked)

    async def send_due(self, today: date, report: RunReport) -> None:
        rows = self._load_due(today)
        by_chat: dict[tuple[int, bool], list[_Row]] = defaultdict(list)
        for row in rows:
            by_chat[(row.chat_id, row.kind == ESCALATION)].append(row)
        gate = asyncio.Semaphore(self.concurrency)

        async def one(chat_rows):
            async with gate:
                try:
                    await self._send_chat(chat_rows, today, report)
                except Exception:  # one chat's failure must not stop the others; the ledger keeps it
                    log.exception("reminder delivery to chat %s failed", chat_rows[0].chat_id)
                    report.counts["error"] += 1

        await asyncio.gather(*(one(r) for r in by_chat.values()))

    # -- messages to the office: digest and notices -------------------------------------------------
    def _claim_once(self, key: str, kind: str, chat_id: int, contact_id: int | None, today: date) -> int | None:
        """A delivery that must happen at most once (by key); a transient failure may be retried."""
        now = self.clock.now()
        with self.db.session() as s:
            existing = s.scalar(select(Delivery).where(Delivery.key == key))
            if existing is not None:
                if existing.status != "failed" or (existing.error or "").startswith(("BadRequest", "Forbidden")):
                    return None
                existing.status, existing.attempts = "sending", existing.attempts + 1
                return existing.id
            delivery = Delivery(key=key, kind=kind, chat_id=chat_id, contact_id=contact_id, run_on=today,
                                status="sending", parts=0, message_ids=[], attempts=1, created_at=now)
            s.add(delivery)
            s.flush()
            return delivery.id

    async def _send_office(self, key_prefix: str, kind: str, parts, today: date, report: RunReport) -> None:
        with self.db.session() as s:
            office = ledger.office_recipients(s, self.admin_ids)
        for recipient in office:
            delivery_id = self._claim_once(f"{key_prefix}|{recipient.chat_id}", kind, recipient.chat_id,
                                           recipient.contact_id, today)
            if delivery_id is None:
                continue
            ids, final = [], None
            for part in parts:
                final = await self.deliverer.deliver(recipient.chat_id, part)
                ids += final.message_ids
                if final.status != SENT:
                    break
            with self.db.session() as s:
                delivery = s.get(Delivery, delivery_id)
                delivery.status = {SENT: "sent", UNCERTAIN: "uncertain"}.get(final.status, "failed")
                delivery.parts, delivery.message_ids, delivery.error = len(parts), ids, final.error
                delivery.sent_at = self.clock.now() if final.status == SENT else None
                if final.status == BLOCKED:
                    delivery.error = f"Forbidden: {final.error}"
            report.counts[f"{kind}:{final.status}"] += 1
            if kind == "digest" and final.status == SENT:
                report.digests += 1

    async def send_notices(self, today: date, report: RunReport) -> None:
        for chat_id in report.blocked:
            with self.db.session() as s:
                contacts = list(s.scalars(select(Contact).where(Contact.chat_id == chat_id)))
                deps = {d.id: d.name for d in s.scalars(select(Department))}
                who = "、".join(f"{deps.get(c.department_id, '')} {c.display_name or c.chat_id}" for c in contacts)
            parts = [messages.Part(messages.unreachable_notice(who or str(chat_id)))]
            await self._send_office(f"notice|blocked|{chat_id}|{today.isoformat()}", "notice", parts, today, report)

    async def send_digest(self, today: date, report: RunReport) -> None:
        from services.status_board import board

        with self.db.session() as s:
            try:
                state = board(s, today, self.calendar, self.policy)
            except NoLetter:
                return
        await self._send_office(f"digest|{today.isoformat()}", "digest", messages.digest_parts(state), today, report)

    # -- the wake-up ---------------------------------------------------------------------------------
    def recover(self) -> int:
        with self.db.session() as s:
            count = ledger.recover_in_flight(s)
        if count:
            log.warning("%d reminder(s) were mid-send when the process stopped: marked uncertain, not resent", count)
        return count

    async def run_once(self) -> RunReport:
        now = self.clock.now()
        today = now.date()
        report = RunReport(today)
        if not self.calendar.is_workday(today):
            report.skipped = "not a working day"
            return report
        try:  # the weekly report must never hold up reminders
            await self.send_weekly(now, report)
        except Exception:
            log.exception("weekly report failed; the next run tries again")
            report.counts["weekly:error"] += 1
        if now.time() < self.policy.send_at:
            report.skipped = "before the send time"
            return report
        self.plan(today, report)
        if report.skipped is None:
            await self.send_due(today, report)
            await self.send_notices(today, report)
            if self.policy.digest_enabled and now.time() >= self.policy.digest_at:
                await self.send_digest(today, report)
        log.info("reminder run %s: planned %d, repeats %d, superseded %d, messages %d, outcomes %s",
                 today, report.planned, report.repeats, report.superseded, report.messages, dict(report.counts))
        return report
