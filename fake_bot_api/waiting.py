"""Blocking and async waits on what the bot does, with a readable report when they time out.

Blocking waits refuse to run inside an event loop: they would freeze a PTB bot running in that
same loop. Use the *_async variants there.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .records import EditedMessage, RequestRecord, SentMessage
from .state import BotState

T = TypeVar("T")


class FakeBotAPITimeout(AssertionError):
    """A wait_for* gave up; the message lists what the bot did meanwhile."""


class WaitingMixin:
    _state: BotState

    # -- waiting -------------------------------------------------------------------------------
    def wait_until(self, condition: Callable[[], T], what: str = "condition", timeout: float = 5.0) -> T:
        """Block until condition() (called under the state lock) is truthy; return its value."""
        _refuse_inside_event_loop()
        deadline = time.monotonic() + timeout
        with self._state.changed:
            while True:
                result = condition()
                if result:
                    return result
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise FakeBotAPITimeout(self._timeout_report(what, timeout))
                self._state.changed.wait(min(remaining, 0.1))

    async def wait_until_async(self, condition: Callable[[], T], what: str = "condition", timeout: float = 5.0) -> T:
        deadline = time.monotonic() + timeout
        while True:
            with self._state.lock:
                result = condition()
            if result:
                return result
            if time.monotonic() >= deadline:
                raise FakeBotAPITimeout(self._timeout_report(what, timeout))
            await asyncio.sleep(0.01)

    def _first_sent(self, predicate: Callable[[SentMessage], bool], since: int) -> Callable[[], Any]:
        return lambda: next((m for m in self._state.sent[since:] if predicate(m)), None)

    def wait_for(
        self, predicate: Callable[[SentMessage], bool], timeout: float = 5.0, *, since: int = 0
    ) -> SentMessage:
        """The first accepted message (from index `since`) matching predicate, waiting for it."""
        return self.wait_until(self._first_sent(predicate, since), "a matching message", timeout)

    async def wait_for_async(
        self, predicate: Callable[[SentMessage], bool], timeout: float = 5.0, *, since: int = 0
    ) -> SentMessage:
        return await self.wait_until_async(self._first_sent(predicate, since), "a matching message", timeout)

    def wait_for_message(
        self, chat_id: int, contains: str | None = None, timeout: float = 5.0, *, since: int = 0
    ) -> SentMessage:
        return self.wait_until(
            self._first_sent(_message_matcher(chat_id, contains), since), _describe_wanted(chat_id, contains), timeout
        )

    async def wait_for_message_async(
        self, chat_id: int, contains: str | None = None, timeout: float = 5.0, *, since: int = 0
    ) -> SentMessage:
        return await self.wait_until_async(
            self._first_sent(_message_matcher(chat_id, contains), since), _describe_wanted(chat_id, contains), timeout
        )

    def _edit_condition(self, chat_id: int, contains: str | None) -> tuple[Callable[[], Any], str]:
        return (
            lambda: next(
                (e for e in self._state.edits if e.chat_id == chat_id and (contains is None or contains in e.content)),
                None,
            ),
            f"an edit in chat {chat_id}" + (f" containing {contains!r}" if contains else ""),
        )

    def _request_condition(
        self, method: str, predicate: Callable[[RequestRecord], bool] | None
    ) -> tuple[Callable[[], Any], str]:
        return (
            lambda: next(
                (
                    r
                    for r in self._state.requests
                    if r.method.lower() == method.lower() and (predicate is None or predicate(r))
                ),
                None,
            ),
            f"a {method} request",
        )

    def _answer_condition(self, query_id: str) -> tuple[Callable[[], Any], str]:
        return lambda: self._state.callback_queries[query_id].answer, f"answerCallbackQuery for {query_id}"

    def wait_for_edit(self, chat_id: int, contains: str | None = None, timeout: float = 5.0) -> EditedMessage:
        return self.wait_until(*self._edit_condition(chat_id, contains), timeout=timeout)

    async def wait_for_edit_async(
        self, chat_id: int, contains: str | None = None, timeout: float = 5.0
    ) -> EditedMessage:
        return await self.wait_until_async(*self._edit_condition(chat_id, contains), timeout=timeout)

    def wait_for_request(
        self, method: str, predicate: Callable[[RequestRecord], bool] | None = None, timeout: float = 5.0
    ) -> RequestRecord:
        return self.wait_until(*self._request_condition(method, predicate), timeout=timeout)

    async def wait_for_request_async(
        self, method: str, predicate: Callable[[RequestRecord], bool] | None = None, timeout: float = 5.0
    ) -> RequestRecord:
        return await self.wait_until_async(*self._request_condition(method, predicate), timeout=timeout)

    def wait_for_callback_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        return self.wait_until(*self._answer_condition(query_id), timeout=timeout)

    async def wait_for_callback_answer_async(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        return await self.wait_until_async(*self._answer_condition(query_id), timeout=timeout)

    def wait_for_polling(self, timeout: float = 5.0) -> None:
        """Until the bot is long-polling (a getUpdates is being held), i.e. it is up and listening."""
        self.wait_until(lambda: self._state.active_polls > 0, "a long-polling getUpdates", timeout)

    async def wait_for_polling_async(self, timeout: float = 5.0) -> None:
        await self.wait_until_async(lambda: self._state.active_polls > 0, "a long-polling getUpdates", timeout)

    def _timeout_report(self, what: str, timeout: float) -> str:
        with self._state.lock:
            sent, requests = list(self._state.sent), list(self._state.requests)
        lines = [f"FakeBotAPI: no {what} within {timeout}s.", f"Sent messages ({len(sent)}):"]
        lines += [f"  {m.describe()}" for m in sent[-20:]] or ["  (none)"]
        problems = [r for r in requests if r.status != 200]
        lines.append(f"Failed requests ({len(problems)}):")
        lines += [f"  {r.describe()}" for r in problems[-10:]] or ["  (none)"]
        lines.append(f"Last requests ({len(requests)} in all):")
        lines += [f"  {r.describe()}" for r in requests[-10:]] or ["  (none)"]
        return "\n".join(lines)


def _message_matcher(chat_id: int, contains: str | None) -> Callable[[SentMessage], bool]:
    def matches(message: SentMessage) -> bool:
        if message.chat_id != chat_id:
            return False
        return contains is None or contains in message.content or contains in (message.raw_text or "")

    return matches


def _describe_wanted(chat_id: int, contains: str | None) -> str:
    return f"message to chat {chat_id}" + (f" containing {contains!r}" if contains else "")


def _refuse_inside_event_loop() -> None:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return
    raise RuntimeError(
        "FakeBotAPI.wait_* blocks; inside a running event loop it would freeze a bot in that loop. "
        "Use the *_async variant (await fake.wait_for_message_async(...))."
    )
