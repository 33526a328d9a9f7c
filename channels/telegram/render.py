"""Replies in Telegram's terms: the markup is Telegram's HTML already (handlers/markup.py keeps to the
tags Telegram knows); long texts are split at line boundaries, buttons become an inline keyboard on the
last part."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.markup import split_lines
from handlers.replies import Keyboard, Message

TOAST_LIMIT = 200  # characters Telegram shows in a button's answer


def inline_keyboard(buttons: Keyboard) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.payload) for b in row] for row in buttons]
    )


def pieces(message: Message) -> list[tuple[str, InlineKeyboardMarkup | None]]:
    """The messages to send for `message`: split below 4096, the keyboard on the last one."""
    texts = split_lines(message.text)
    keyboard = inline_keyboard(message.buttons)
    return [(text, keyboard if i == len(texts) - 1 else None) for i, text in enumerate(texts)]
