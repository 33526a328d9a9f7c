"""`duban doctor`, `duban backup FILE`, `duban restore FILE`: operating an installation."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.common import CliError, settings

if TYPE_CHECKING:  # for annotations only: the command's modules load when it runs
    from storage.db import Database


def register(sub) -> None:
    doc = sub.add_parser(
        "doctor",
        help="check settings, database, Telegram, DingTalk, calendar, disk and the scheduler",
        description="Check everything duban needs and print OK, WARN or FAIL for each, with "
        "what to fix. Exit status 1 when anything FAILs. Changes nothing.",
    )
    doc.add_argument("--json", action="store_true", help="machine-readable output")
    doc.set_defaults(func=_doctor)
    bak = sub.add_parser(
        "backup",
        help="write the database and the evidence files to one .tar.gz",
        description="Back up every table (as JSON, portable between SQLite and PostgreSQL), "
        "the evidence folder (DUBAN_EVIDENCE_DIR) and the schema revision into FILE. "
        "Safe while the bot runs: the tables are read from one snapshot.",
    )
    bak.add_argument("file", type=Path, metavar="FILE", help="the archive to write, e.g. duban-2022-09-05.tar.gz")
    bak.set_defaults(func=_backup)
    res = sub.add_parser(
        "restore",
        help="restore a backup into an empty database",
        description="Restore FILE (made by `duban backup`) into DATABASE_URL and "
        "DUBAN_EVIDENCE_DIR, then upgrade the schema to this duban's head. "
        "Refuses a backup from a newer duban, a database that holds data and a "
        "non-empty evidence folder (unless --force), and a running bot.",
    )
    res.add_argument("file", type=Path, metavar="FILE")
    res.add_argument(
        "--force",
        action="store_true",
        help="replace a database that holds data (its evidence folder is moved aside, not deleted)",
    )
    res.set_defaults(func=_restore)


def _doctor(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from bot.doctor import FAIL, render, run_checks

    checks = run_checks()
    if args.json:
        json.dump([asdict(c) for c in checks], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(render(checks))
    return 1 if any(c.status == FAIL for c in checks) else 0


def _backup(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.backup import BackupError, backup
    from storage.db import Database

    cfg = settings()
    db = Database(cfg.database_url)
    try:
        summary = backup(db, cfg.evidence_dir, args.file, datetime.now(UTC))
    except BackupError as exc:
        raise CliError(str(exc)) from None
    finally:
        db.dispose()
    print(
        f"backup written to {args.file}: schema {summary.revision}, {summary.rows} rows in "
        f"{len(summary.tables)} tables, {summary.files} evidence files ({_size(summary.file_bytes)})"
    )
    return 0


def _restore(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.backup import BackupError, restore
    from storage.db import Database

    cfg = settings()
    db = Database(cfg.database_url)
    try:
        running = _running_bots(db, cfg.scheduler_lease_seconds)
        if running:
            raise CliError(f"a bot is running on this database ({', '.join(running)}): stop it before restoring")
        summary = restore(db, cfg.evidence_dir, args.file, force=args.force)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    finally:
        db.dispose()
    upgraded = f", then upgraded to {summary.upgraded_to}" if summary.upgraded_to else ""
    # imported when the command runs (bot/cli/__init__.py says why)
    from sqlalchemy.engine import make_url

    where = make_url(cfg.database_url).render_as_string(hide_password=True)
    print(
        f"restored {args.file} into {where}: schema {summary.revision}{upgraded}; {summary.rows} rows "
        f"in {len(summary.tables)} tables; {summary.files} evidence files ({_size(summary.file_bytes)}) "
        f"into {cfg.evidence_dir}"
    )
    for what in summary.replaced:
        print(f"  replaced: {what}")
    return 0


def _running_bots(db: Database, lease_seconds: int) -> list[str]:
    # imported when the command runs (bot/cli/__init__.py says why)
    from sqlalchemy import inspect

    try:
        if not inspect(db.engine).has_table("bot_processes"):
            return []
    except Exception:  # unreachable: the restore itself will say so
        return []
    # imported when the command runs (bot/cli/__init__.py says why)
    from services.lease import recent_processes

    since = datetime.now(UTC) - timedelta(seconds=3 * lease_seconds)
    return [p.id for p in recent_processes(db, since)]


def _size(count: int) -> str:
    return f"{count / 1024**2:.1f} MB" if count >= 1024**2 else f"{count / 1024:.1f} kB"
