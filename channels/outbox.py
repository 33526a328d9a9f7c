"""Answers kept while the platform is down: nothing a person asked for is lost to an outage.

A channel's sender retries a 5xx or a failed connection a few times with backoff (bounded: about 15 s on
Telegram, 7 s on DingTalk). An outage longer than that (Telegram's front end answering 502 for half a
minute) would lose the answer; instead it is kept here, in order per chat, and sent when the platform
answers again: a background loop tries every `interval` seconds (doubling while it stays down, at most
`max_interval`), and at once after any answer got through. Later answers to a chat with answers kept go
behind them, so a person reads them in order.

Kept in memory: a restart during an outage loses what is kept (logged with the chat). An answer the
platform refused for good (400, 403) or that may have arrived (no answer to the request) is never kept:
sending it again could only fail again, or duplicate it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers.ports import FAILED, Outcome
from handlers.replies import Message, Upload

log = logging.getLogger("duban.channels.outbox")
Send = Callable[[int, Message | Upload], Awaitable[Outcome]]
BEHIND = "behind earlier answers"


@dataclass
class Kept:
    item: Message | Upload
    since: float  # time.monotonic() when it was first refused
    error: str | None


def transient(outcome: Outcome) -> bool:
    """Failed without reaching the chat, and not refused for good: worth sending again later."""
    return outcome.status == FAILED and not outcome.refused


class Outbox:
    def __init__(
        self,
        send: Send,
        name: str,
        interval: float = 5.0,
        max_interval: float = 60.0,
        horizon: float = 6 * 3600,
    ):
        """`send`: the channel's sender (with its own bounded retries); `name`: the channel, for the logs."""
        self.send, self.name = send, name
        self.interval, self.max_interval, self.horizon = interval, max_interval, horizon
        self.kept: OrderedDict[int, deque[Kept]] = OrderedDict()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def holds(self, chat_id: int) -> bool:
        return bool(self.kept.get(chat_id))

    async def deliver(self, chat_id: int, item: Message | Upload) -> None:
        """An answer: sent now, or kept until the platform answers again; behind any kept for the chat."""
        if self.holds(chat_id):
            self._keep(chat_id, item, BEHIND)
            return
        outcome = await self.send(chat_id, item)
        if outcome.sent:
            if self.kept:  # something got through: the platform is back, try the kept answers now
                self._wake.set()
        elif transient(outcome):
            self._keep(chat_id, item, outcome.error)
        else:
            log.error(
                "%s answer not delivered: %s %s", self.name, outcome.status, outcome.error, extra={"chat": chat_id}
            )

    def _keep(self, chat_id: int, item: Message | Upload, error: str | None) -> None:
        self.kept.setdefault(chat_id, deque()).append(Kept(item, time.monotonic(), error))
        log.warning(
            "%s answer to chat %s kept until the platform answers again (%d waiting for that chat): %s",
            self.name,
            chat_id,
            len(self.kept[chat_id]),
            error,
        )

    # -- the loop ------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"{self.name}-outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        for chat_id, queue in self.kept.items():
            log.error(
                "%s stopping with %d answer(s) to chat %s never delivered (the platform was down)",
                self.name,
                len(queue),
                chat_id,
            )

    async def _run(self) -> None:
        wait = self.interval
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=wait)
            except TimeoutError:
                pass
            self._wake.clear()
            if not self.kept:
                wait = self.interval
                continue
            try:
                down = not await self.flush()
            except Exception:  # the loop must outlive any one failure
                log.exception("%s: sending kept answers failed", self.name)
                down = True
            wait = min(wait * 2, self.max_interval) if down else self.interval

    async def flush(self) -> bool:
        """Send the kept answers, each chat's in order; at the first that fails again the platform is still
        down and the rest wait for the next try. True when every kept answer was dealt with."""
        for chat_id in list(self.kept):
            queue = self.kept[chat_id]
            while queue:
                head = queue[0]
                if time.monotonic() - head.since > self.horizon:
                    log.error("%s answer to chat %s dropped: undeliverable for %.0fs", self.name, chat_id, self.horizon)
                    queue.popleft()
                    continue
                outcome = await self.send(chat_id, head.item)
                if transient(outcome):
                    head.error = outcome.error
                    return False
                queue.popleft()
                waited = time.monotonic() - head.since
                log.info("%s kept answer to chat %s: %s after %.1fs", self.name, chat_id, outcome.status, waited)
            del self.kept[chat_id]
        return True
