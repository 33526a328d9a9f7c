"""The Alembic scripts build exactly the schema the models describe, and go down and up again."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from bot.storage import migrate
from bot.storage.db import Database
from bot.storage.models import Base


def test_migrations_match_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_downgrade_to_base_and_back(database_url):
    database = Database(database_url)
    migrate.upgrade(database)
    assert migrate.current_revision(database) == migrate.head_revision()
    migrate.downgrade(database, "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(database)
    assert "tasks" in inspect(database.engine).get_table_names()
    database.dispose()
