"""The buttons under a reminder: 收到 (acknowledge), 已完成 (report), 推迟提醒 (snooze one working day); and
under the office's notice of a reminder in doubt, 重发 (send it again).

Payload "r:<a|d|s>:<ledger row id>", "r:u:<delivery id>": short and stable, the ledger survives restarts.
"""

from __future__ import annotations

import logging
import re

from handlers import texts
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.replies import Replies, Toast
from handlers.report_flow import prompt
from services.reminder_doubt import resend
from services.reminder_ledger import answer_reminder
from services.report_drafts import start_from_reminder

log = logging.getLogger("duban.handlers.reminders")
PATTERN = re.compile(r"^r:([adsu]):(\d{1,12})$")
ACK, DONE, SNOOZE, RESEND = "a", "d", "s", "u"


def payload(action: str, reminder_id: int) -> str:
    """e.g. "r:a:1234" (well under the 64 bytes a button's payload may have)."""
    return f"r:{action}:{reminder_id}"


async def on_button(turn: Turn) -> Replies:
    match = PATTERN.match(turn.event.payload or "")
    if match is None:
        return [Toast(texts.BUTTON_EXPIRED)]
    action, reminder_id = match.group(1), int(match.group(2))
    if action == RESEND:
        return resend_in_doubt(turn, reminder_id)
    event, ctx = turn.event, turn.ctx
    # Written before answering: what the person sees confirmed is already committed.
    result = answer_reminder(ctx.db, action, reminder_id, event.user_id, event.chat_id, ctx.clock.now(), ctx.calendar)
    log.info(
        "reminder button %s on %s by user %s in chat %s: %s",
        action,
        reminder_id,
        event.user_id,
        event.chat_id,
        result.status,
    )
    code = result.code
    if result.status == "unknown":
        return [Toast(texts.BUTTON_EXPIRED)]
    if result.status == "not_yours":
        return [Toast(texts.REMINDER_NOT_YOURS, alert=True)]
    if action == ACK:
        return [
            Toast(
                texts.ACKNOWLEDGED.format(code=code)
                if result.status == "ok"
                else texts.ALREADY_ACKNOWLEDGED.format(code=code)
            )
        ]
    if action == SNOOZE:
        until = result.snoozed_until
        return [
            Toast(
                texts.SNOOZED.format(code=code, day=f"{until.month}月{until.day}日")
                if result.status == "ok" and until
                else texts.ALREADY_SNOOZED.format(code=code)
            )
        ]
    # 已完成: acknowledged above, and the report of the reminder's own task (of its year's letter) starts here;
    # a task without a quantity goes straight to the confirmation, where the photo is asked for.
    return [Toast(""), prompt(turn, start_from_reminder(ctx.db, ctx.clock, turn.who, reminder_id))]


def resend_in_doubt(turn: Turn, delivery_id: int) -> Replies:
    """The office sends a reminder in doubt again (admins only: a refusal is answered by the dispatcher)."""
    ctx = turn.ctx
    resent = resend(ctx.db, ctx.clock, turn.who, delivery_id)
    log.info("resend of reminder delivery %s by user %s: %s", delivery_id, turn.event.user_id, resent.status)
    if resent.status == "ok":
        return [Toast(texts.RESEND_PLANNED.format(who=resent.who, n=resent.reminders))]
    if resent.status == "already":
        return [Toast(texts.RESEND_ALREADY.format(who=resent.who))]
    return [Toast(texts.BUTTON_EXPIRED)]


def routes(r: Routes) -> None:
    r.buttons["r"] = on_button
