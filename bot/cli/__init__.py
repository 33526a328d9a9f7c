"""The `duban` command line.

Each module in this package that defines `register(subparsers)` adds its own subcommands, so an area
(letter, scoring, deadlines, ...) keeps its CLI beside nothing else's. A command function takes the parsed
arguments and returns an exit code; it raises `CliError` for an answer meant for the user.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from bot.cli.common import CliError
from bot.config import SettingsError
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
    except SettingsError as exc:
        print(f"duban: setting error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
