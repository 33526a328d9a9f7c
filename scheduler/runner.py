"""The reminder run: plan the day, render what is due, deliver, record each outcome.

`run_once()` is what the scheduler calls every minute; it does nothing until the send time of a working
day, and is safe to call any number of times (the ledger's unique keys and statuses make it so).

The database belongs to services: services/reminder_planning.py plans the day into the ledger,
services/overdue_lists.py writes the day's overdue lists out into it right before sending,
services/reminder_delivery.py hands out the due rows and records every send. This module decides what to
send, to whom and in which order, and sends through the channel-neutral Sender port (handlers/ports.py).
Guarantees: each message is claimed ("sending") right before its request leaves, so a crash can leave only
that one request in doubt; nothing is sent twice; the days a stopped bot missed come as one catch-up
message per chat. The run shares the bot's event loop: its database work (planning, the due rows, the
digest) runs in a worker thread, so chats are answered while a large letter's day is planned.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING

from deadlines.clock import Clock
from deadlines.planner import DUE, ESCALATION, LEAD, OVERDUE, REPEAT
from deadlines.policy import ReminderPolicy, status_colour
from handlers.ports import BLOCKED, FAILED, SENT, Outcome, Sender
from handlers.replies import Message
from scheduler import messages
from scheduler.weekly import WeeklyDelivery
from services import reminder_delivery as ledger
from services import reminder_doubt as doubt
from services.overdue_lists import write_out_due
from services.reminder_delivery import DueReminder
from services.reminder_planning import plan_day
from services.status_board import digest_board

if TYPE_CHECKING:  # the database is handed to services; the scheduler never opens a session itself
    from deadlines.workdays import WorkdayCalendar
    from storage.db import Database

log = logging.getLogger("duban.reminders")

IN_DOUBT_DAYS = 7  # messages in doubt the office is told of: those of the last week (older ones are history)
TAKEN_OVER = "taken over: another process recovered this message while it waited for a retry"


class _TakenOver(Exception):
    """The rows of a message waiting for a retry were recovered by a new lease holder."""


STAGE_RANK = {OVERDUE: 4, ESCALATION: 4, DUE: 3, REPEAT: 2, LEAD: 1}
# One message to send and the ledger rows folded into its lines (earlier stages of the same occurrence).
Piece = tuple[messages.Rendered, list[int]]


@dataclass
class RunReport:
    day: date
    skipped: str | None = None
    planned: int = 0
    lists: int = 0  # overdue lists planned (services/overdue_lists.py)
    lines: int = 0  # ledger rows the due lists were written out as, right before sending
    repeats: int = 0
    superseded: int = 0
    messages: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    blocked: list[int] = field(default_factory=list)  # chats found blocked in this run
    digests: int = 0


class ReminderRunner:
    """`weekly`: the office's weekly report (scheduler/weekly.py), sent from the same runs; None: off."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        calendar: WorkdayCalendar,
        deliverer: Sender,
        admin_ids: frozenset[int],
        policy: ReminderPolicy | None = None,
        concurrency: int = 32,
        weekly: WeeklyDelivery | None = None,
    ):
        self.db, self.clock, self.calendar, self.deliverer = db, clock, calendar, deliverer
        self.admin_ids, self.policy = admin_ids, policy or ReminderPolicy()
        self.concurrency = concurrency
        self.weekly = weekly

    # -- planning (one transaction, in services) ----------------------------------------------------
    def plan(self, today: date, report: RunReport) -> None:
        day = plan_day(self.db, today, self.clock.now(), self.admin_ids, self.policy, self.calendar)
        report.skipped = day.skipped
        report.planned, report.lists = day.planned, day.lists
        report.repeats, report.superseded = day.repeats, day.superseded

    # -- sending ------------------------------------------------------------------------------------
    def _line(self, row: DueReminder, today: date) -> messages.ReminderLine:
        colour = status_colour(row.due, today, self.calendar, self.policy)
        if today <= row.due:
            left = self.calendar.workdays_between(today, row.due)
        else:
            left = -self.calendar.workdays_between(row.due, today)
        return messages.ReminderLine(
            row.id, row.task_code, row.task_text, row.departments, row.due, row.phrase, row.kind, 0, colour, left
        )

    def _messages_for(self, rows: list[DueReminder], today: date) -> tuple[str, list[Piece]]:
        """Collapse to one line per task occurrence (the latest stage), then render."""
        groups: dict[tuple[int, date], list[DueReminder]] = defaultdict(list)
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
            rendered = messages.escalation_parts(today, lines, catch_up, office=rows[0].recipient_name)
        else:
            rendered = messages.reminder_parts(rows[0].recipient_name, today, lines, catch_up)
        kind = "escalation" if rows[0].kind == ESCALATION else ("catch_up" if catch_up else "reminder")
        return kind, [(r, [i for p in r.reminder_ids for i in siblings[p]]) for r in rendered]

    async def _send_piece(
        self,
        kind: str,
        chat_id: int,
        contact_id: int | None,
        today: date,
        piece: messages.Rendered,
        collapsed: list[int],
    ) -> Outcome:
        """One message: claimed right before its request leaves (never earlier: a send stopped in the
        pacer claims nothing), its outcome recorded after."""
        primary = piece.reminder_ids
        rows = [*primary, *collapsed]
        claimed: list[int] = []
        waited: list[bool] = []  # the sender is waiting to retry (the ledger says "waiting")

        async def before_send() -> None:
            if not claimed:
                now = self.clock.now()
                claimed.append(ledger.claim(self.db, kind, chat_id, contact_id, today, primary, collapsed, now))
            elif waited:  # a retry after a wait: the request is about to leave again, if still ours to send
                waited.clear()
                if not ledger.resume(self.db, claimed[0], rows):
                    raise _TakenOver

        async def retrying() -> None:  # refused unaccepted: a crash during the wait must resend it
            if not ledger.waiting(self.db, claimed[0], rows):
                raise _TakenOver
            waited.append(True)

        try:
            outcome = await self.deliverer.send(chat_id, piece.part, before_send, retrying)
        except _TakenOver:  # another process holds the lease and the rows now: it sends them, not this one
            log.warning("reminder to chat %s taken over by another process during a retry: not sent here", chat_id)
            return Outcome(FAILED, chat_id, error=TAKEN_OVER)
        ledger.record(self.db, claimed[0] if claimed else None, outcome, primary, collapsed, self.clock.now())
        return outcome

    async def _send_chat(self, chat_rows: list[DueReminder], today: date, report: RunReport) -> None:
        if not chat_rows[0].reachable:
            ledger.mark_unreachable(self.db, [r.id for r in chat_rows])
            report.counts["unreachable"] += len(chat_rows)
            return
        kind, rendered = self._messages_for(chat_rows, today)
        chat_id, contact_id = chat_rows[0].chat_id, chat_rows[0].contact_id
        for piece, collapsed in rendered:
            outcome = await self._send_piece(kind, chat_id, contact_id, today, piece, collapsed)
            if outcome.status == BLOCKED:
                report.blocked.append(outcome.chat_id)
            report.counts[outcome.status] += 1
            if outcome.status != SENT:
                return  # the rest waits for the next run (or the office, when blocked)
            report.messages += 1
            chat_id = outcome.chat_id  # a migrated group: the rest goes to its new id

    async def send_due(self, today: date, report: RunReport) -> None:
        try:
            written = await asyncio.to_thread(
                write_out_due, self.db, today, self.clock.now(), self.policy, self.calendar
            )
        except Exception:  # the other reminders must still go; the lists stay planned for the next run
            log.exception("writing out the overdue lists due by %s failed; the other reminders are sent", today)
            report.counts["overdue_list:error"] += 1
        else:
            report.lines += written.lines
            if written.empty:
                report.counts["overdue_list:empty"] += written.empty
        rows = await asyncio.to_thread(ledger.due_reminders, self.db, today)
        by_chat: dict[tuple[int, bool], list[DueReminder]] = defaultdict(list)
        for row in rows:
            by_chat[(row.chat_id, row.kind == ESCALATION)].append(row)
        gate = asyncio.Semaphore(self.concurrency)

        async def one(chat_rows: list[DueReminder]) -> None:
            async with gate:
                try:
                    await self._send_chat(chat_rows, today, report)
                except Exception:  # one chat's failure must not stop the others; the ledger keeps it
                    log.exception("reminder delivery to chat %s failed", chat_rows[0].chat_id)
                    report.counts["error"] += 1

        await asyncio.gather(*(one(r) for r in by_chat.values()))

    # -- messages to the office: digest and notices -------------------------------------------------
    async def _send_office(
        self, key_prefix: str, kind: str, parts: Sequence[Message], today: date, report: RunReport
    ) -> bool:
        """To every office chat at most once (by key); a transient failure may be retried by a later run.
        True when no office chat is left for a later run to try again."""
        settled = True
        for recipient in ledger.office_recipients(self.db, self.admin_ids):
            key = f"{key_prefix}|{recipient.chat_id}"
            claim = ledger.claim_once(
                self.db, key, kind, recipient.chat_id, recipient.contact_id, today, self.clock.now()
            )
            if claim is None:
                continue
            ids: list[int] = []
            final = Outcome(SENT, recipient.chat_id)
            for part in parts:
                final = await self.deliverer.send(recipient.chat_id, part)
                ids += final.message_ids
                if final.status != SENT:
                    break
            ledger.finish_once(self.db, claim.delivery_id, final.status, final.error, self.clock.now(), len(parts), ids)
            report.counts[f"{kind}:{final.status}"] += 1
            settled = settled and not (final.status == FAILED and not final.refused)
            if kind == "digest" and final.status == SENT:
                report.digests += 1
        return settled

    async def send_notices(self, today: date, report: RunReport) -> None:
        for chat_id in report.blocked:
            who = ledger.blocked_names(self.db, chat_id)
            parts = [Message(messages.unreachable_notice(who or str(chat_id)))]
            await self._send_office(f"notice|blocked|{chat_id}|{today.isoformat()}", "notice", parts, today, report)

    async def send_in_doubt(self, today: date, report: RunReport) -> None:
        """The office is told, once, of every reminder message in doubt: by name, with a button to send it
        again (never resent by itself, so never duplicated)."""
        doubts = await asyncio.to_thread(doubt.untold, self.db, today - timedelta(days=IN_DOUBT_DAYS))
        if not doubts:
            return
        ids = ",".join(str(d.delivery_id) for d in doubts)
        key = f"notice|uncertain|{len(doubts)}|{hashlib.sha1(ids.encode()).hexdigest()[:16]}"
        if await self._send_office(key, "notice", messages.in_doubt_parts(doubts), today, report):
            doubt.mark_told(self.db, [d.delivery_id for d in doubts], self.clock.now())
            report.counts["in_doubt:told"] += len(doubts)

    async def send_digest(self, today: date, report: RunReport) -> None:
        state = await asyncio.to_thread(digest_board, self.db, today, self.calendar, self.policy, self.clock.tz)
        if state is None:  # no letter loaded
            return
        await self._send_office(f"digest|{today.isoformat()}", "digest", messages.digest_parts(state), today, report)

    # -- the wake-up ---------------------------------------------------------------------------------
    def recover(self) -> ledger.Recovered:
        found = ledger.recover(self.db)
        if found.requeued:
            log.warning(
                "%d reminder(s) were waiting for a retry (429/5xx) when the process stopped: nothing had been "
                "accepted, so they go out again now",
                found.requeued,
            )
        if found.uncertain:
            log.warning(
                "%d reminder(s) were mid-request when the process stopped: marked uncertain, not resent; "
                "the office is told of each with a button to send it again",
                found.uncertain,
            )
        return found

    async def run_once(self) -> RunReport:
        now = self.clock.now()
        today = now.date()
        report = RunReport(today)
        try:  # whatever the day: the office hears of messages in doubt at once
            await self.send_in_doubt(today, report)
        except Exception:
            log.exception("telling the office of reminders in doubt failed; the next run tries again")
        if not self.calendar.is_workday(today):
            report.skipped = "not a working day"
            return report
        if self.weekly is not None:
            try:  # the weekly report must never hold up reminders
                await self.weekly.send(now, report.counts)
            except Exception:
                log.exception("weekly report failed; the next run tries again")
                report.counts["weekly:error"] += 1
        if now.time() < self.policy.send_at:
            report.skipped = "before the send time"
            return report
        await asyncio.to_thread(self.plan, today, report)
        if report.skipped is None:
            await self.send_due(today, report)
            await self.send_notices(today, report)
            if self.policy.digest_enabled and now.time() >= self.policy.digest_at:
                await self.send_digest(today, report)
        log.info(
            "reminder run %s: planned %d, overdue lists %d (written out as %d lines), repeats %d, superseded %d, "
            "messages %d, outcomes %s",
            today,
            report.planned,
            report.lists,
            report.lines,
            report.repeats,
            report.superseded,
            report.messages,
            dict(report.counts),
        )
        return report
