"""FakeBotAPI: the test-facing object. Start it, point a real PTB bot at `base_url`, play users
with inject_*(), then look at what the bot did (sent, edits, requests, rejections) or wait for it.

Every method here is thread-safe. Waiting helpers (wait_for_message, ...) come from
waiting.WaitingMixin; inside an event loop use their *_async variants.
"""

from __future__ import annotations

import time
from typing import Any, TypeVar

from .context import MethodContext
from .faults import DelayRule, FailureRule, Faults
from .inject import InjectionMixin
from .limits import FloodControl, FloodLimits
from .records import EditedMessage, RequestRecord, SentMessage
from .server import ApiServer
from .state import BotState
from .waiting import FakeBotAPITimeout, WaitingMixin

__all__ = ["FakeBotAPI", "FakeBotAPITimeout"]

T = TypeVar("T")


class FakeBotAPI(InjectionMixin, WaitingMixin):
    def __init__(
        self,
        *,
        bot_username: str = "duban_test_bot",
        bot_first_name: str = "Duban Test Bot",
        bot_id: int = 5550001111,
        flood_limits: bool | FloodLimits = False,
        strict_html_ampersand: bool = True,
    ) -> None:
        self._state = BotState(bot_id=bot_id, bot_username=bot_username, bot_first_name=bot_first_name)
        self._faults = Faults()
        self._ctx = MethodContext(self._state, strict_html=strict_html_ampersand)
        self.flood_limits = flood_limits
        self._revoked: set[str] = set()
        self._server = ApiServer(self._state, self._ctx, self._faults, self._revoked)

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> FakeBotAPI:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> FakeBotAPI:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server.port is None:
            raise RuntimeError("FakeBotAPI is not started")
        return self._server.port

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    @property
    def bot_username(self) -> str:
        return self._state.bot_username

    @property
    def bot_id(self) -> int:
        return self._state.bot_id

    @property
    def token(self) -> str:
        """A well-formed token for this bot (any digits:chars token is accepted)."""
        return f"{self._state.bot_id}:TEST-fake-bot-api-token"

    # -- world setup ---------------------------------------------------------------------------
    def add_user(self, user_id: int, **fields: Any) -> dict[str, Any]:
        """Make a user (and their private chat) known, as if they had /start-ed the bot earlier."""
        with self._state.lock:
            user = self._state.remember_user(user_id, **fields)
            self._state.remember_chat(user_id, "private")
            return dict(user)

    def add_chat(
        self,
        chat_id: int,
        chat_type: str = "group",
        *,
        title: str | None = None,
        username: str | None = None,
        members: tuple[int, ...] = (),
    ) -> dict[str, Any]:
        with self._state.lock:
            chat = self._state.remember_chat(chat_id, chat_type, title=title, username=username)
            self._state.chat_members.setdefault(chat_id, set()).update(members)
            return dict(chat)

    def set_admin(self, chat_id: int, user_id: int | None = None) -> None:
        """Make a user (default: the bot) an administrator of a group."""
        with self._state.lock:
            who = self._state.bot_id if user_id is None else user_id
            self._state.chat_admins.setdefault(chat_id, set()).add(who)
            self._state.chat_members.setdefault(chat_id, set()).add(who)

    # -- failure injection ---------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        chat_id: int | None = None,
        status: int = 500,
        retry_after: int | None = None,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` ("*" = any) answer `status` instead of working.
        429 carries parameters.retry_after (default 1); 502 answers nginx's HTML page unless a
        description is given."""
        self._faults.add_failure(FailureRule(method.lower(), chat_id, status, retry_after, description, times))

    def outage(self, seconds: float, method: str = "*", *, status: int = 502, chat_id: int | None = None) -> None:
        """For the next `seconds`, every call of `method` ("*" = any) answers `status` (502: nginx's HTML
        page, as Telegram's front end does when the Bot API is down)."""
        until = time.monotonic() + seconds
        self._faults.add_failure(FailureRule(method.lower(), chat_id, status, None, None, 1, until=until))

    def delay(
        self, method: str, seconds: float, *, before: bool = False, times: int | None = None, chat_id: int | None = None
    ) -> None:
        """Answer `method` `seconds` late (only calls to `chat_id`, if given). By default the work is done
        first (the message is accepted) and only the answer is late, so a client timeout + retry shows up
        as a duplicate; before=True waits first. seconds=0 removes the delay."""
        self._faults.add_delay(DelayRule(method.lower(), seconds, before, times, chat_id))

    def clear_faults(self) -> None:
        """The API is well again: pending failures, outages and delays are forgotten (the logs stay)."""
        self._faults.clear()

    def block_chat(self, chat_id: int, *, announce: bool = True, by_user_id: int | None = None) -> None:
        """The user blocks the bot (or a group removes it, by_user_id doing it): sends answer 403.
        With announce, a my_chat_member update (kicked) is queued, as Telegram does."""
        state = self._state
        with state.lock:
            chat = state.chats.get(chat_id) or state.remember_chat(chat_id, "private" if chat_id > 0 else "group")
            state.blocked.add(chat_id)
            if announce:
                who = chat_id if chat["type"] == "private" else by_user_id
                if who is None:
                    who = next(iter(sorted(state.chat_members.get(chat_id, ()))), None)
                user = state.remember_user(who) if who is not None else state.bot_user()
                self._my_chat_member(chat, user, "member", "kicked")

    def unblock_chat(self, chat_id: int, *, announce: bool = False) -> None:
        """The user unblocks the bot. With announce, a my_chat_member update (kicked -> member) is queued, as
        Telegram does when the user restarts the bot."""
        state = self._state
        with state.lock:
            state.blocked.discard(chat_id)
            if announce:
                chat = state.chats.get(chat_id) or state.remember_chat(chat_id, "private" if chat_id > 0 else "group")
                user = state.remember_user(chat_id) if chat["type"] == "private" else state.bot_user()
                self._my_chat_member(chat, user, "kicked", "member")

    def migrate_chat(self, old_id: int, new_id: int, *, announce: bool = True) -> None:
        """A group becomes a supergroup: sends to old_id answer 400 with migrate_to_chat_id.
        With announce, the two service messages Telegram sends are queued as updates."""
        state = self._state
        with state.lock:
            old = state.chats.get(old_id) or state.remember_chat(old_id, "group")
            state.remember_chat(new_id, "supergroup", title=old.get("title"))
            state.chat_members[new_id] = set(state.chat_members.get(old_id, set()))
            state.chat_admins[new_id] = set(state.chat_admins.get(old_id, set()))
            if announce:
                anyone = next(iter(state.chat_members.get(old_id, ())), None)
                member = state.users.get(anyone) if anyone is not None else None
                sender = dict(member or state.bot_user())
                state.enqueue_update(
                    "message", state.new_message(old_id, sender, {"migrate_to_chat_id": new_id}, from_bot=False)
                )
                state.enqueue_update(
                    "message", state.new_message(new_id, sender, {"migrate_from_chat_id": old_id}, from_bot=False)
                )
            state.migrated[old_id] = new_id

    def revoke_token(self, token: str) -> None:
        """Calls with this (well-formed) token answer 401 Unauthorized."""
        self._revoked.add(token)

    # -- flood control -------------------------------------------------------------------------
    @property
    def flood_limits(self) -> FloodLimits | None:
        return self._ctx.flood.limits if self._ctx.flood else None

    @flood_limits.setter
    def flood_limits(self, value: bool | FloodLimits | None) -> None:
        if value is True:
            value = FloodLimits()
        self._ctx.flood = FloodControl(value) if isinstance(value, FloodLimits) else None

    @property
    def too_many_requests(self) -> list[RequestRecord]:
        """Every 429 answer (flood control and injected)."""
        return [r for r in self.requests if r.status == 429]

    @property
    def flood_429_count(self) -> int:
        """429 answers produced by flood control (not by fail_next)."""
        return sum(1 for r in self.requests if r.status == 429 and r.kind == "flood")

    # -- observation ---------------------------------------------------------------------------
    def _snapshot(self, items: list[T]) -> list[T]:
        with self._state.lock:
            return list(items)

    @property
    def sent(self) -> list[SentMessage]:
        return self._snapshot(self._state.sent)

    @property
    def edits(self) -> list[EditedMessage]:
        return self._snapshot(self._state.edits)

    @property
    def deleted(self) -> list[tuple[int, int]]:
        return self._snapshot(self._state.deleted)

    @property
    def requests(self) -> list[RequestRecord]:
        return self._snapshot(self._state.requests)

    @property
    def rejections(self) -> list[RequestRecord]:
        """Every 4xx answer the bot brought on itself (injected failures excluded): assert this is
        empty to show the bot never sent anything Telegram refuses."""
        return [r for r in self.requests if 400 <= r.status < 500 and r.kind != "injected"]

    @property
    def internal_errors(self) -> list[RequestRecord]:
        """Requests the fake itself failed on (a bug here, not in the bot); should stay empty."""
        return [r for r in self.requests if r.kind == "fake_error"]

    @property
    def chat_actions(self) -> list[tuple[int, str, float]]:
        return self._snapshot(self._state.chat_actions)

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, str]]]:
        """setMyCommands results keyed by (scope, language_code); scope is "default",
        "all_private_chats", "all_group_chats", "all_chat_administrators", "chat:<id>",
        "chat_administrators:<id>" or "chat_member:<chat id>:<user id>"."""
        with self._state.lock:
            return {key: list(value) for key, value in self._state.commands.items()}

    def commands_for(self, scope: str = "default", language_code: str = "") -> list[dict[str, str]]:
        return self.commands.get((scope, language_code), [])

    @property
    def callback_answers(self) -> dict[str, dict[str, Any] | None]:
        """callback query id -> answerCallbackQuery parameters (None while unanswered)."""
        with self._state.lock:
            return {qid: q.answer for qid, q in self._state.callback_queries.items()}

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates Telegram still holds (not confirmed by a getUpdates offset)."""
        return self._snapshot(self._state.updates)

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    def requests_for(self, method: str) -> list[RequestRecord]:
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The current Message JSON (after edits); None once deleted."""
        with self._state.lock:
            stored = self._state.message(chat_id, message_id)
            return dict(stored.json) if stored else None

    def file_bytes(self, file_id: str) -> bytes | None:
        with self._state.lock:
            stored = self._state.files.get(file_id)
            return stored.data if stored else None

    def duplicates(self, window: float | None = None) -> list[list[SentMessage]]:
        """Groups of identical messages (same chat, method, content, file) sent within `window`
        seconds of each other (any time if None): what a retry after a lost answer produces."""
        groups: dict[tuple[Any, ...], list[SentMessage]] = {}
        for message in self.sent:
            key = (
                message.chat_id,
                message.method,
                message.content,
                message.file.file_unique_id if message.file else None,
            )
            groups.setdefault(key, []).append(message)
        result = []
        for group in groups.values():
            if len(group) > 1 and (window is None or group[-1].time - group[0].time <= window):
                result.append(group)
        return result

    def mark(self) -> int:
        """Position in `sent`; pass as since= to wait only for later messages."""
        with self._state.lock:
            return len(self._state.sent)

    def clear(self) -> None:
        """Forget the logs, pending failures/delays and flood counters; chats, users, messages,
        files, commands and pending updates stay."""
        with self._state.lock:
            for log in (
                self._state.sent,
                self._state.edits,
                self._state.deleted,
                self._state.requests,
                self._state.chat_actions,
                self._state.injected_updates,
            ):
                log.clear()
        self._faults.clear()
        if self._ctx.flood:
            self._ctx.flood.reset()
