"""`duban db upgrade|downgrade|current`: the schema, managed by the Alembic scripts in storage/migrations/."""

from __future__ import annotations

from bot.cli.common import settings


def register(sub) -> None:
    p = sub.add_parser(
        "db",
        help="database schema: upgrade, downgrade, current",
        description="Manage the database schema (Alembic migrations shipped in storage/migrations/). "
        "The database is DATABASE_URL (default: sqlite:///duban.db).",
    )
    dbsub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = dbsub.add_parser("upgrade", help="apply migrations up to REVISION (default head)")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=_upgrade)
    down = dbsub.add_parser("downgrade", help="revert migrations down to REVISION (e.g. base, -1)")
    down.add_argument("revision")
    down.set_defaults(func=_downgrade)
    cur = dbsub.add_parser("current", help="print the schema revision of the database and of this code")
    cur.set_defaults(func=_current)


def _upgrade(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from storage import migrate
    from storage.db import Database

    db = Database(settings().database_url)
    migrate.upgrade(db, args.revision)
    print(f"database at {migrate.current_revision(db)} (head {migrate.head_revision()})")
    return 0


def _downgrade(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from storage import migrate
    from storage.db import Database

    db = Database(settings().database_url)
    migrate.downgrade(db, args.revision)
    print(f"database at {migrate.current_revision(db) or 'base'}")
    return 0


def _current(args) -> int:
    # imported when the command runs (bot/cli/__init__.py says why)
    from storage import migrate
    from storage.db import Database

    db = Database(settings().database_url)
    print(f"database: {migrate.current_revision(db) or 'empty (no schema)'}; code head: {migrate.head_revision()}")
    return 0
