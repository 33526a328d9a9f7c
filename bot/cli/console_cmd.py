"""`duban console`: the bot in this terminal, no Telegram and no token needed."""
from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bot.cli.common import clock, open_database, settings
from services.letters import load_bundled_letter_if_empty

DEFAULT_LOG = "duban-console.log"


def register(sub) -> None:
    p = sub.add_parser(
        "console", help="the bot in this terminal, without Telegram (no token needed)",
        description="Talk to the bot in this terminal: the same handlers as on Telegram, running against the "
                    "built-in fake Bot API, on the real database (DATABASE_URL). Type what you would send in "
                    "Telegram; a number presses a button; :help lists console commands; :quit or Ctrl-D ends. "
                    "On first start with an empty database the bundled 2022 letter is loaded. Reminders are "
                    "not sent from the console.")
    p.add_argument("--as", dest="identity", metavar="admin|DEPARTMENT",
                   help="speak as an admin of the coordinating office (for this run only), or as the contact of "
                        "a department (name or alias, e.g. 发改局; the binding is stored in the database); "
                        "without it, as a user not bound to any department")
    p.add_argument("--log", default=DEFAULT_LOG, metavar="FILE",
                   help=f"where details of errors go (default: {DEFAULT_LOG}); the screen only gets a short line")
    p.set_defaults(func=_console)


def _console(args) -> int:
    from bot.console import ConsoleError, run_console  # aiohttp and the fake load only for this command

    cfg = settings()
    db = open_database(cfg)
    clk = clock(cfg)
    with db.session() as session:
        loaded = load_bundled_letter_if_empty(session, clk)
    if loaded is not None:
        print(f"duban: 首次启动,已载入内置的 {loaded.year} 年责任书", file=sys.stderr)
    terminal = _terminal()
    with _log_to_file(Path(args.log), cfg.log_level):
        try:
            return run_console(cfg, db, clk, args.identity, terminal)
        except ConsoleError as exc:
            print(f"duban: {exc}", file=sys.stderr)
            return exc.code
        except Exception:  # the console user gets one line; the details go to the log file
            logging.getLogger("duban.console").exception("console failed")
            print(f"duban: 控制台出错退出,详情见 {args.log}", file=sys.stderr)
            return 1
        finally:
            db.dispose()


def _terminal():
    from bot.console import Terminal

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
    handler.setFormatter(next((h.formatter for h in saved_handlers if h.formatter is not None),
                              logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s")))
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
