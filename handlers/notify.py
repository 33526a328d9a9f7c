"""Telling people what happened: the office about a new report, a department about a review or a change.

Messages go through the channel's sender (paced, retried where that cannot duplicate); a chat that
refuses for good is marked unreachable, so the office sees it in /contacts and the digest.
"""

from __future__ import annotations

import logging

from handlers.context import Context
from handlers.ports import BLOCKED
from handlers.replies import Message
from services.contacts import department_chats, mark_unreachable, office_chats

log = logging.getLogger("duban.handlers.notify")


async def send_each(ctx: Context, chat_ids: list[int], message: Message) -> int:
    """Send to every chat; how many received it."""
    sent = 0
    for chat_id in chat_ids:
        outcome = await ctx.sender.send(chat_id, message)
        if outcome.sent:
            sent += 1
        elif outcome.status == BLOCKED:
            log.warning("notice to chat %s refused: %s", chat_id, outcome.error)
            mark_unreachable(ctx.db, chat_id, outcome.error or "blocked")
        else:
            log.error("notice to chat %s failed: %s %s", chat_id, outcome.status, outcome.error)
    return sent


async def notify_office(ctx: Context, message: Message) -> int:
    return await send_each(ctx, office_chats(ctx.db, ctx.admins), message)


async def notify_department(ctx: Context, department_id: int | None, message: Message) -> int:
    if department_id is None:
        return 0
    return await send_each(ctx, department_chats(ctx.db, department_id), message)
