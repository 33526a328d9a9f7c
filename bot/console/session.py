"""The bot behind the console: the real Application (every handler, long polling) talking to the fake
Bot API in this process, and a watcher that shows what the bot sends as it arrives.

Three threads: the caller's (reading input), the bot's event loop, and the fake's HTTP server. What the
bot sent is read from the fake's records, so everything shown has passed Telegram's rules.
"""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable, Iterable

from telegram import Update
from telegram.ext import Application, ContextTypes, TypeHandler

from bot.app import Context, build_application
from deadlines.clock import Clock
from bot.config import Settings
from bot.console import render
from bot.console.render import Choice
from storage.db import Database
from fake_bot_api import FakeBotAPI
from services.console_identity import known_chats

log = logging.getLogger("duban.console")

# After every handler group the bot registers: when this runs, the bot has finished with the update.
HANDLED_GROUP = 1_000_000
STARTUP_TIMEOUT = 30.0
POLL_TIMEOUT = 1  # seconds a getUpdates waits; short so that quitting is quick
WATCH_INTERVAL = 0.05


class ConsoleError(Exception):
    """The console cannot start or go on; the message is Chinese and meant for the console user."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class ConsoleUser:
    user_id: int
    role_text: str  # for the banner: "美丽办管理员", "发改局联络员", "未绑定部门的访客"
    first_name: str = "本地控制台"


class Terminal:
    """Where the console reads and writes, thread-safe.

    Interactive (a person at a prompt): output arriving while the prompt waits goes on its own lines and
    the prompt is shown again, so replies and typing do not run into each other. Echoing (lines from a
    pipe or a script): each line is written after the prompt, so the output reads as a transcript."""

    def __init__(self, write: Callable[[str], None], read_line: Callable[[str], str], *, echo: bool = False):
        self._write, self._read_line, self._echo = write, read_line, echo
        self._lock = threading.Lock()
        self._prompt: str | None = None

    @classmethod
    def scripted(cls, lines: Iterable[str], write: Callable[[str], None]) -> "Terminal":
        """Reads `lines` (an open file, a list...) one by one and echoes them."""
        iterator = iter(lines)

        def read_line(_prompt: str) -> str:
            try:
                return next(iterator).rstrip("\r\n")
            except StopIteration:
                raise EOFError from None
        return cls(write, read_line, echo=True)

    def say(self, text: str) -> None:
        with self._lock:
            if self._prompt is not None:
                self._write("\n")
            self._write(text + "\n")
            if self._prompt is not None:
                self._write(self._prompt)

    def read(self, prompt: str) -> str:
        """The next line; EOFError at the end of input."""
        if self._echo:
            line = self._read_line(prompt)
            with self._lock:
                self._write(prompt + line + "\n")
            return line
        with self._lock:
            self._prompt = prompt
        try:
            return self._read_line(prompt)
        except EOFError:
            with self._lock:
                self._prompt = None
                self._write("\n")  # Ctrl-D leaves the cursor after the prompt
            raise
        finally:
            with self._lock:
                self._prompt = None


class ConsoleSession:
    def __init__(self, settings: Settings, db: Database, clock: Clock, user: ConsoleUser, terminal: Terminal, *,
                 calendar: object = None, settle_timeout: float = 5.0, quiet: float = 0.3):
        self.user, self.terminal = user, terminal
        self.fake = FakeBotAPI(bot_username="duban_console_bot", bot_first_name="督办")
        self._settings, self._db, self._clock, self._calendar = settings, db, clock, calendar
        self.settle_timeout, self.quiet = settle_timeout, quiet
        self.choices: list[Choice] = []  # the buttons of the latest keyboard, numbered from 1
        self._labels: dict[int, str] = {}  # other chats the bot may write to, by chat id
        self._handled: set[tuple] = set()
        self._pending_queries: set[str] = set()
        self._seen_sent = self._seen_edits = self._seen_deleted = 0
        self._events, self._last_event_at = 0, 0.0  # everything shown so far, by any thread
        self._drain_lock = threading.Lock()
        self._ready, self._closing = threading.Event(), threading.Event()
        self._failure: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_bot: asyncio.Event | None = None
        self._application: Application | None = None
        self._threads: list[threading.Thread] = []

    # -- lifecycle -----------------------------------------------------------------------------
    def __enter__(self) -> "ConsoleSession":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self) -> None:
        self.fake.start()
        self._introduce_chats()
        bot = threading.Thread(target=self._serve, name="duban-console-bot", daemon=True)
        self._threads.append(bot)
        bot.start()
        if not self._ready.wait(STARTUP_TIMEOUT) or self._failure is not None:
            if self._failure is None:  # a failure was logged where it happened
                log.error("console bot did not start within %s s", STARTUP_TIMEOUT)
            self.stop()
            raise ConsoleError("机器人没能启动,详情已写入日志。")
        watcher = threading.Thread(target=self._watch, name="duban-console-watch", daemon=True)
        self._threads.append(watcher)
        watcher.start()

    def stop(self) -> None:
        self._closing.set()
        if self._loop is not None and self._stop_bot is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._stop_bot.set)
            except RuntimeError:  # the loop ended on its own meanwhile
                pass
        for thread in self._threads:
            thread.join(timeout=15)
        self._threads.clear()
        self.fake.stop()

    @property
    def alive(self) -> bool:
        return bool(self._threads) and self._threads[0].is_alive()

    @property
    def application(self) -> Application:
        """The running PTB Application (its bot, job queue...), for code run in `loop`."""
        if self._application is None:
            raise RuntimeError("the console is not started")
        return self._application

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("the console is not started")
        return self._loop

    def _introduce_chats(self) -> None:
        """The console user, the admins and every bound chat exist in the fake, as on Telegram, so what the
        bot sends them is shown here instead of being refused as "chat not found"."""
        with self._db.session() as session:
            chats = known_chats(session)
        for admin in sorted(self._settings.admins - {self.user.user_id}):
            self.fake.add_user(admin, first_name="美丽办管理员")
            self._labels[admin] = f"管理员 {admin}"
        for chat in chats:
            if chat.kind == "group":
                kind = "supergroup" if str(chat.chat_id).startswith("-100") else "group"
                self.fake.add_chat(chat.chat_id, kind, title=chat.label)
            else:
                self.fake.add_user(chat.chat_id, first_name=chat.label)
            self._labels.setdefault(chat.chat_id, chat.label)
        self.fake.add_user(self.user.user_id, first_name=self.user.first_name, language_code="zh-hans")

    def _serve(self) -> None:
        try:
            asyncio.run(self._run_bot())
        except BaseException as exc:  # reported to the console thread; never printed as a traceback
            self._failure = exc
            log.exception("console bot stopped")
        finally:
            self._ready.set()

    async def _run_bot(self) -> None:
        self._loop, self._stop_bot = asyncio.get_running_loop(), asyncio.Event()
        fake, cfg = self.fake, self._settings
        settings = replace(cfg, token=fake.token, api_base_url=fake.base_url, file_base_url=fake.file_base_url)
        ctx = Context(settings=settings, db=self._db, clock=self._clock, calendar=self._calendar,
                      policy=cfg.reminder_policy())
        # Reminders stay off: they would go to every contact in the database, and through the fake
        # they would be recorded as sent although nobody received them.
        application = build_application(ctx, with_scheduler=False)
        application.add_handler(TypeHandler(Update, self._mark_handled), group=HANDLED_GROUP)
        self._application = application
        async with application:
            await application.start()
            await application.updater.start_polling(poll_interval=0.0, timeout=POLL_TIMEOUT)
            self._ready.set()
            await self._stop_bot.wait()
            await application.updater.stop()
            await application.stop()

    async def _mark_handled(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.callback_query is not None:
            self._handled.add(("query", update.callback_query.id))
        elif update.effective_message is not None and update.effective_chat is not None:
            self._handled.add(("message", update.effective_chat.id, update.effective_message.message_id))

    # -- what the user does --------------------------------------------------------------------
    def send_text(self, text: str) -> tuple:
        message = self.fake.inject_message(self.user.user_id, text, first_name=self.user.first_name,
                                           language_code="zh-hans")
        return ("message", self.user.user_id, message["message_id"])

    def send_photo(self, data: bytes, caption: str | None = None) -> tuple:
        message = self.fake.inject_photo(self.user.user_id, data, caption=caption)
        return ("message", self.user.user_id, message["message_id"])

    def send_document(self, data: bytes, file_name: str, mime_type: str, caption: str | None = None) -> tuple:
        message = self.fake.inject_document(self.user.user_id, data, file_name, mime_type, caption=caption)
        return ("message", self.user.user_id, message["message_id"])

    def press(self, choice: Choice) -> tuple:
        """Press a button: a callback query for an inline button, its text for a reply-keyboard button."""
        if choice.reply_text is not None:
            return self.send_text(choice.reply_text)
        query_id = self.fake.inject_callback(self.user.user_id, choice.message_id, choice.chat_id,
                                             choice.callback_data)
        self._pending_queries.add(query_id)
        return ("query", query_id)

    def settle(self, key: tuple) -> str:
        """Wait until the bot has handled `key` and gone quiet, showing its replies meanwhile.

        Returns "answered", "silent" (handled, nothing to show), or "late" (not handled within the timeout;
        whatever comes later is still shown by the watcher)."""
        started = time.monotonic()
        events_before = self._events
        while True:
            handled = key in self._handled  # read before draining: what it sent is then drained below
            self.drain()
            now = time.monotonic()
            seen = self._events > events_before
            quiet_for = now - max(started, self._last_event_at)
            if handled and quiet_for >= min(self.quiet, 0.1):
                break  # the handlers are done; a moment more catches anything they left running
            if not handled and seen and quiet_for >= self.quiet:
                break  # e.g. a handler stopped later groups, so no "handled" mark: rely on quiet
            if now - started >= self.settle_timeout or not self.alive:
                return "answered" if seen else "late"
            time.sleep(0.02)
        return "answered" if self._events > events_before else "silent"

    # -- what the bot does ---------------------------------------------------------------------
    def _watch(self) -> None:
        while not self._closing.wait(WATCH_INTERVAL):
            try:
                self.drain()
            except Exception:  # keep watching; a rendering bug must not end the session
                log.exception("console watcher failed")

    def drain(self) -> int:
        """Show everything the bot did since the last call; returns how many things that was."""
        with self._drain_lock:
            sent = self.fake.sent
            for message in sent[self._seen_sent:]:
                self._show_sent(message)
            edits = self.fake.edits
            for edit in edits[self._seen_edits:]:
                self._show_edit(edit)
            deleted = self.fake.deleted
            for chat_id, message_id in deleted[self._seen_deleted:]:
                self._forget_keyboard(chat_id, message_id)
                if chat_id == self.user.user_id:
                    self.terminal.say(f"{render.BOT}(删除了一条消息)")
            count = (len(sent) - self._seen_sent) + (len(edits) - self._seen_edits) \
                + (len(deleted) - self._seen_deleted) + self._show_answers()
            self._seen_sent, self._seen_edits, self._seen_deleted = len(sent), len(edits), len(deleted)
            if count:
                self._events += count
                self._last_event_at = time.monotonic()
            return count

    def _show_sent(self, message) -> None:
        rows = render.keyboard_rows(message.reply_markup, message.chat_id, message.message_id)
        if message.chat_id != self.user.user_id:
            self.terminal.say(render.render_sent(message, [], self._label(message.chat_id))
                              + _unnumbered(rows))
            return
        if render.removes_reply_keyboard(message.reply_markup) and any(c.reply_text for c in self.choices):
            self.choices = []
        if rows:
            self.choices = [choice for row in rows for choice in row]
        self.terminal.say(render.render_sent(message, rows))

    def _show_edit(self, edit) -> None:
        rows = render.keyboard_rows(edit.message.get("reply_markup"), edit.chat_id, edit.message_id)
        if edit.chat_id != self.user.user_id:
            self.terminal.say(render.render_edit(edit, [], self._label(edit.chat_id)) + _unnumbered(rows))
            return
        if rows:
            self.choices = [choice for row in rows for choice in row]
        else:
            self._forget_keyboard(edit.chat_id, edit.message_id)
        self.terminal.say(render.render_edit(edit, rows))

    def _forget_keyboard(self, chat_id: int, message_id: int) -> None:
        if self.choices and (self.choices[0].chat_id, self.choices[0].message_id) == (chat_id, message_id):
            self.choices = []

    def _show_answers(self) -> int:
        if not self._pending_queries:
            return 0
        answers, count = self.fake.callback_answers, 0
        for query_id in sorted(self._pending_queries):
            answer = answers.get(query_id)
            if answer is None:
                continue
            self._pending_queries.discard(query_id)
            count += 1
            text = render.render_answer(answer)
            if text:
                self.terminal.say(text)
        return count

    def _label(self, chat_id: int) -> str:
        return self._labels.get(chat_id, str(chat_id))


def _unnumbered(rows: list[list[Choice]]) -> str:
    """Buttons someone else got: listed, not numbered, since the console user cannot press them."""
    if not rows:
        return ""
    return "".join("\n" + render.INDENT + "  ".join(f"〈{c.label}〉" for c in row) for row in rows)
