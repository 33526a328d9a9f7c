"""The `duban` command line.

Each module in this package that defines `register(subparsers)` adds its own subcommands, so an area
(letter, scoring, deadlines, ...) keeps its CLI beside nothing else's. A command function takes the parsed
arguments and returns an exit code; it raises `CliError` for an answer meant for the user.

Building the parser imports every command module, so those modules import at the top only what is light
(argparse, the pure deadlines and scoring packages); the database, the settings, the services and the chat
channels are imported inside the command functions that use them. `duban --help` and `duban score` then start
in a fraction of the time it takes to import SQLAlchemy, Alembic and aiohttp (bench/startup.py).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from bot.cli.common import CliError, starting
from bot.logs import setup_logging

__all__ = ["CliError", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="duban",
        description="督办 duban: the chat bot (DingTalk, Telegram) and tools for a target-responsibility letter.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    with starting():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    setup_logging("WARNING")
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"duban: {exc}", file=sys.stderr)
        return exc.code
    except ValueError as exc:
        if not _settings_error(exc):
            raise
        print(f"duban: setting error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


def _settings_error(exc: ValueError) -> bool:
    """A bad setting (bot.config.SettingsError): only a command that read the settings can raise one, and
    bot.config is then loaded already (`duban --help` does without it)."""
    config = sys.modules.get("bot.config")
    return config is not None and isinstance(exc, config.SettingsError)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
