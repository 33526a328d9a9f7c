"""python-telegram-bot's update processor for duban: updates of different chats handled concurrently, one
chat's in the order they arrived (channels/chat_order.py).

PTB creates one task per update, in arrival order, when `concurrent_updates` is set; each takes a slot of
`max_concurrent_updates` (an asyncio.Semaphore, first come first served) and then calls `do_process_update`,
where the chat's turn is taken before anything else, so a chat's turns are taken in arrival order. A turn
waited for holds its slot, hence many slots: a burst from one person does not hold up the others.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from channels.chat_order import ChatOrder

AT_ONCE = 256  # updates in hand at once (each mostly waits: on its chat's turn, the database, the Bot API)


def chat_of(update: object) -> int | None:
    """The chat whose order the update belongs to: its chat, else its sender (an inline query has no chat)."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class PerChatProcessor(BaseUpdateProcessor):
    def __init__(self, order: ChatOrder, max_concurrent_updates: int = AT_ONCE):
        super().__init__(max_concurrent_updates)
        self.order = order

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = chat_of(update)
        if chat is None:
            await coroutine
            return
        async with self.order.turn(chat):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release: PTB waits for the update tasks at stop."""
