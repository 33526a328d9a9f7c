"""`duban console`: the conversation in this terminal, as a channel of its own (channels/console). No chat
platform and no token: typed lines go straight to the dispatcher, on the real database (DATABASE_URL)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import clock as cli_clock
from bot.cli.common import open_database, settings
from bot.clock import ShiftedClock, shifted_to
from deadlines.clock import Clock

if TYPE_CHECKING:  # the console's modules load only when the command runs: other commands start faster
    from bot.config import Settings
    from channels.console import ConsoleChannel, Terminal
    from storage.db import Database

if TYPE_CHECKING:  # for annotations only: the command's modules load when it runs
    from deadlines.workdays import WorkdayCalendar

DEFAULT_LOG = "duban-console.log"


def register(sub) -> None:
    p = sub.add_parser(
        "console",
        help="the bot in this terminal, without Telegram (no token needed)",
        description="Talk to the bot in this terminal: the same conversation (every command and button) as on "
        "Telegram, as a channel of its own, on the real database (DATABASE_URL); nothing reaches "
        "Telegram. Type what you would send in a chat; buttons are numbered choices: type the "
        "number (or the choice's words); :help lists console commands; :quit or Ctrl-D ends. On "
        "first start with an empty database the bundled 2022 letter is loaded. Reminders are not "
        "sent from the console.",
    )
    p.add_argument(
        "--as",
        dest="identity",
        metavar="admin|DEPARTMENT",
        help="speak as an admin of the coordinating office (for this run only), or as the contact of "
        "a department (name or alias, e.g. 发改局; the binding is stored in the database); "
        "without it, as a user not bound to any department",
    )
    p.add_argument(
        "--today",
        type=_day,
        metavar="YYYY-MM-DD",
        help="rehearse a day: the conversation runs as if today were this date (e.g. 2022-09-05, a day in "
        "the bundled 2022 letter's year), the time of day as usual; what you do is written to the database",
    )
    p.add_argument(
        "--log",
        default=DEFAULT_LOG,
        metavar="FILE",
        help=f"where details of errors go (default: {DEFAULT_LOG}); the screen only gets a short line",
    )
    p.set_defaults(func=_console)


def _console(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from channels.console import ConsoleError
    from services.letters import load_bundled_letter_if_empty

    cfg = settings()
    db = open_database(cfg)
    clock = cli_clock(cfg)
    with db.session() as session:  # loaded on the real day, whatever day is rehearsed
        loaded = load_bundled_letter_if_empty(session, clock)
    if loaded is not None:
        print(f"duban: 首次启动,已载入内置的 {loaded.year} 年责任书", file=sys.stderr)
    if args.today is not None:
        clock = shifted_to(clock, args.today)
    terminal = _terminal()
    with _log_to_file(Path(args.log), cfg.log_level):
        try:
            return run_console(cfg, db, clock, args.identity, terminal)
        except ConsoleError as exc:
            print(f"duban: {exc}", file=sys.stderr)
            return exc.code
        except Exception:  # the console user gets one line; the details go to the log file
            logging.getLogger("duban.console").exception("console failed")
            print(f"duban: 控制台出错退出,详情见 {args.log}", file=sys.stderr)
            return 1
        finally:
            db.dispose()


def assemble_console(
    cfg: Settings,
    db: Database,
    clock: Clock,
    who: str | None,
    terminal: Terminal,
    calendar: WorkdayCalendar | None = None,
) -> ConsoleChannel:
    """The console channel with its dispatcher, speaking as `who` (see --as). Raises ConsoleError."""
    # imported when the command runs (bot/cli/__init__.py says why)
    from channels.console import ConsoleChannel, console_user
    from handlers.context import Context
    from handlers.dispatch import Dispatcher
    from handlers.routing import routes

    user = console_user(db, clock, who)
    # An admin for this run only: nothing about the console admin is stored.
    admins = cfg.admins | {user.user_id} if user.admin else cfg.admins
    channel = ConsoleChannel(terminal, user)
    ctx = Context(
        db,
        clock,
        calendar or cfg.calendar(),
        cfg.reminder_policy(),
        admins,
        cfg.evidence_dir,
        sender=channel,
        evidence_required=cfg.evidence_required,
        templates=cfg.template_dir,
    )
    channel.attach(Dispatcher(ctx, routes()))
    return channel


def run_console(
    cfg: Settings,
    db: Database,
    clock: Clock,
    who: str | None,
    terminal: Terminal,
    calendar: WorkdayCalendar | None = None,
) -> int:
    """A console session on `terminal`; the exit code. Raises ConsoleError when it cannot start."""
    import asyncio  # imported when used (bot/cli/__init__.py says why)

    # imported when the command runs (bot/cli/__init__.py says why)
    from sqlalchemy.engine import make_url

    from channels.console import Repl, banner

    channel = assemble_console(cfg, db, clock, who, terminal, calendar)
    shown = make_url(cfg.database_url).render_as_string(hide_password=True)
    terminal.say(banner(channel.user, shown, _letter_lines(db, clock, calendar or cfg.calendar(), channel.user.admin)))
    # A loop of our own rather than asyncio.run: asyncio.run turns the first Ctrl-C into a cancellation
    # that a prompt waiting in input() would not see until Enter.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(Repl(channel).run())
    except KeyboardInterrupt:  # pressed while the bot was answering, outside the REPL's own handling
        terminal.say("\n已中断,再见。")
        return 130
    finally:
        loop.close()


def _letter_lines(db: Database, clock: Clock, calendar: WorkdayCalendar, admin: bool) -> list[str]:
    """The banner's lines on the letter: its year (ended, or the day rehearsed) and the next year's start."""
    # imported when the command runs (bot/cli/__init__.py says why)
    from handlers.year_texts import console_lines
    from services.overview import year_summary

    summary = year_summary(db, clock.today(), calendar, clock.tz)
    if summary is None:
        return []
    real = clock.inner.today() if isinstance(clock, ShiftedClock) else None
    return console_lines(summary.title, summary.state, summary.ended, real, admin)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; example: --today 2022-09-05") from None


def _terminal() -> Terminal:
    # imported when the command runs (bot/cli/__init__.py says why)
    from channels.console import Terminal

    def write(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    if sys.stdin.isatty():
        try:
            import readline  # noqa: F401  (arrow keys and history for input())
        except ImportError:
            pass
        return Terminal(write, input)
    return Terminal.scripted(sys.stdin, write)


@contextmanager
def _log_to_file(path: Path, level: str) -> Iterator[None]:
    """Log to a file for the session: a log line or a traceback on the screen would break the conversation."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    try:
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:
        print(f"duban: 无法写入日志文件 {path}({exc.strerror or exc}),本次不保存日志", file=sys.stderr)
        handler = logging.NullHandler()
    # The same line format as the bot's own log (whatever setup_logging installed), else a plain one.
    handler.setFormatter(
        next(
            (h.formatter for h in saved_handlers if h.formatter is not None),
            logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"),
        )
    )
    for old in saved_handlers:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        handler.close()
        for old in saved_handlers:
            root.addHandler(old)
        root.setLevel(saved_level)
