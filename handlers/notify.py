"""Telling people what happened: the office about a new report, a department about a review."""
from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from handlers.common import app_ctx, send, session_of
from services import reminder_ledger

log = logging.getLogger("duban.handlers.notify")


async def _send_each(context: ContextTypes.DEFAULT_TYPE, chat_ids: list[int], text: str,
                     keyboard: InlineKeyboardMarkup | None) -> int:
    sent = 0
    for chat_id in chat_ids:
        try:
            await send(context, chat_id, text, keyboard)
            sent += 1
        except Forbidden as exc:  # blocked or never started: the digest shows unreachable contacts
            log.warning("notice to chat %s refused: %s", chat_id, exc)
            with session_of(context) as session:
                from services.contacts import mark_unreachable

                mark_unreachable(session, chat_id, str(exc))
        except TelegramError as exc:
            log.error("notice to chat %s failed: %s", chat_id, exc)
    return sent


async def notify_office(context: ContextTypes.DEFAULT_TYPE, text: str,
                        keyboard: InlineKeyboardMarkup | None = None) -> int:
    with session_of(context) as session:
        chats = [r.chat_id for r in reminder_ledger.office_recipients(session, app_ctx(context).settings.admins)]
    return await _send_each(context, chats, text, keyboard)


async def notify_department(context: ContextTypes.DEFAULT_TYPE, department_id: int | None, text: str,
                            keyboard: InlineKeyboardMarkup | None = None) -> int:
    if department_id is None:
        return 0
    with session_of(context) as session:
        chats = [r.chat_id for r, contact in reminder_ledger.recipients_by_department(session).get(department_id, [])
                 if contact.reachable]
    return await _send_each(context, chats, text, keyboard)
