"""What CLI commands share: settings, the database with an up-to-date schema, the clock, JSON output."""

from __future__ import annotations

import gc
import json
import re
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from bot.clock import make_clock
from deadlines.clock import Clock
from services.gc_pause import gc_paused

if TYPE_CHECKING:  # the settings, the database and its migrations (SQLAlchemy, Alembic) load when used
    from bot.config import Settings
    from storage.db import Database


class CliError(Exception):
    """A user-facing failure: printed without a traceback; exit code 2 unless given."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


_startup = ExitStack()


@contextmanager
def starting() -> Iterator[None]:
    """A command's start: its modules (SQLAlchemy, the services, the channels) are imported with cyclic garbage
    collection paused (services/gc_pause.py), then set aside from its passes (gc.freeze): imports make
    hundreds of thousands of objects and no garbage, and the collector's passes over them were a tenth of
    `duban score`'s time. The start ends when the command reads its settings, before any work on data, or
    else when the command ends.

    What was set aside stays so when the command ends: its process ends with it, and the interpreter's final
    collections (run even with the collector disabled) would walk it all, 120,000 objects after `duban score`,
    for 150-250 ms of its time (bench/startup.py, runs alternated: 666 -> 476 ms median). What the command
    made after its start is collected then as before (its database connections closed: SQLite removes its
    -wal file). A process that goes on after main() gives it back with gc.unfreeze() (tests/conftest.py)."""
    with _startup:
        _startup.enter_context(gc_paused())
        _startup.callback(gc.freeze)  # before the pause ends (last in, first out)
        yield


def settings() -> Settings:
    from bot.config import load_settings  # imported when used: `duban --help` reads no settings

    try:
        return load_settings()
    finally:
        _startup.close()  # the command's modules are loaded: the collector runs again (`starting` says why)


def numbered_head() -> str | None:
    """The revision of the highest-numbered migration file (they are numbered 0001_, 0002_, ... in order):
    the head, read without importing Alembic."""
    from storage.paths import MIGRATIONS_DIR

    files = sorted((MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    if not files:
        return None
    found = re.search(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", files[-1].read_text(encoding="utf-8"), re.MULTILINE)
    return found.group(1) if found else None


def _at_head(db: Database) -> bool:
    """The database's schema is the newest: checked with one query, so a command on an up-to-date database
    does not wait for Alembic to import."""
    from sqlalchemy import text
    from sqlalchemy.exc import SQLAlchemyError

    head = numbered_head()
    try:
        with db.engine.connect() as conn:
            return head is not None and conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
    except SQLAlchemyError:  # no schema yet: Alembic makes it
        return False


def ensure_schema(db: Database, quiet: bool = False) -> None:
    """Bring the schema to head; an embedded database should just work on first use."""
    if _at_head(db):
        return
    from storage import migrate  # imported when needed: Alembic is slow to import

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
    from storage.db import Database  # imported when used: SQLAlchemy is slow to import

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
