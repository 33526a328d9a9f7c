"""The last line of defence: log with context, answer briefly in Chinese, never show a traceback."""
from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import Application, ContextTypes

from handlers import texts

log = logging.getLogger("duban.handlers")


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = getattr(getattr(update, "effective_chat", None), "id", None)
    user = getattr(getattr(update, "effective_user", None), "id", None)
    update_id = getattr(update, "update_id", None)
    log.error("handler failed: update=%s chat=%s user=%s", update_id, chat, user, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_text(texts.INTERNAL_ERROR)
        except Exception:  # the answer itself failed (blocked, network): already logged above
            log.warning("could not tell chat %s about the failure", chat)


def register(application: Application) -> None:
    application.add_error_handler(on_error)
