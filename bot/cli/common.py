"""What CLI commands share: settings, the database with an up-to-date schema, the clock, JSON output."""

from __future__ import annotations

import json
import sys

from bot.clock import make_clock
from bot.config import Settings, load_settings
from deadlines.clock import Clock
from storage import migrate
from storage.db import Database


class CliError(Exception):
    """A user-facing failure: printed without a traceback; exit code 2 unless given."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


def settings() -> Settings:
    return load_settings()


def ensure_schema(db: Database, quiet: bool = False) -> None:
    """Bring the schema to head; an embedded database should just work on first use."""
    current, head = migrate.current_revision(db), migrate.head_revision()
    if current == head:
        return
    history = migrate.revision_history()
    if current is not None and current not in history:
        raise CliError(f"the database schema ({current}) is newer than this duban ({head}); upgrade duban")
    migrate.upgrade(db)
    if not quiet:
        print(f"duban: database schema {'created' if current is None else 'upgraded'} ({head})", file=sys.stderr)


def open_database(cfg: Settings | None = None, quiet: bool = False) -> Database:
    cfg = cfg or settings()
    db = Database(cfg.database_url)
    ensure_schema(db, quiet=quiet)
    return db


def clock(cfg: Settings) -> Clock:
    """The one clock of every command: the system's, or DUBAN_CLOCK_FILE's time (a testing aid)."""
    return make_clock(cfg.timezone, cfg.clock_file)


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_load_summary(summary, how: str) -> None:
    """What a load did: every CLI path that loads a letter says it the same way."""
    if summary.unchanged:
        print(f"{summary.letter_code} ({summary.year}): already loaded with the same content; nothing changed")
    else:
        counts = ", ".join(f"{n} {what}" for what, n in sorted(summary.counts.items())) or "no changes"
        print(f"{summary.letter_code} ({summary.year}) {how}: {counts}")
