"""The Alembic scripts build exactly the schema the models describe, and go down and up again."""

from __future__ import annotations

from datetime import UTC

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from storage import migrate
from storage.db import Database
from storage.models import Base


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


def test_0003_carries_report_quantities_into_measures(database_url):
    from datetime import datetime

    from sqlalchemy import text

    database = Database(database_url)
    migrate.upgrade(database, "0002")
    now = datetime(2022, 9, 5, tzinfo=UTC)
    with database.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO letters (id, code, year, title, source_digest, loaded_at) "
                "VALUES (1, 'x', 2022, 't', 'd', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO items (id, letter_id, no, section_no, section_title, title) VALUES (1, 1, 3, 1, 's', 't')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO tasks (id, letter_id, item_id, code, position, text, targets, rubric_ids, "
                "origin, active, closed) VALUES (1, 1, 1, '3.1', 0, 't', '[]', '[]', 'letter', true, false)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO reports (id, task_id, kind, quantity, unit, target_name, evidence, status, "
                "submitted_at) VALUES (1, 1, 'progress', 600, '亩', '盘活存量建设用地', '[]', 'verified', :now)"
            ),
            {"now": now},
        )
    migrate.upgrade(database)
    with database.engine.connect() as conn:
        measures = conn.execute(text("SELECT measures FROM reports WHERE id = 1")).scalar_one()
    if isinstance(measures, str):
        import json

        measures = json.loads(measures)
    assert measures == [{"name": "盘活存量建设用地", "value": 600, "unit": "亩"}]
    database.dispose()


def test_the_repeatable_kinds_index_names_the_kinds_that_are_repeated():
    """The partial index (migration 0009) and plan_repeats' query share one condition; it must name exactly
    the kinds the planner repeats."""
    from deadlines.planner import DUE, LEAD, REPEAT
    from storage.models import REPEATABLE_KINDS

    assert REPEATABLE_KINDS == f"kind IN ('{LEAD}', '{DUE}', '{REPEAT}')"


def test_the_daily_repeat_query_uses_the_partial_index(db):
    """On SQLite, with no statistics gathered, the plan must still take the sent-at index, not the status one
    (which walks every sent row of the year)."""
    from datetime import UTC, datetime

    from sqlalchemy import select, text

    from storage.models import REPEATABLE_KINDS, Reminder

    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is SQLite's; PostgreSQL chooses by its statistics")
    now = datetime(2022, 9, 30, tzinfo=UTC)
    query = select(Reminder.id).where(text(REPEATABLE_KINDS), Reminder.sent_at < now, Reminder.sent_at >= now)
    with db.engine.connect() as conn:
        compiled = query.compile(conn, compile_kwargs={"render_postcompile": True})
        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params.values())).all()
    assert "ix_reminders_repeatable_sent_at" in " ".join(str(row[-1]) for row in plan)


def test_a_task_s_history_is_found_by_the_audit_log_s_index(db):
    """/history N reads one task's rows and its deadlines' rows: by the index, not a walk of a year's log."""
    from sqlalchemy import and_, or_, select

    from storage.models import AuditEntry

    if db.engine.dialect.name != "sqlite":
        pytest.skip("the plan is SQLite's; PostgreSQL chooses by its statistics")
    query = (
        select(AuditEntry.id)
        .where(
            or_(
                and_(AuditEntry.entity == "task", AuditEntry.entity_id == "14.2"),
                and_(AuditEntry.entity == "deadline", AuditEntry.entity_id.in_(["1", "2"])),
            )
        )
        .order_by(AuditEntry.id.desc())
        .limit(200)
    )
    with db.engine.connect() as conn:
        compiled = query.compile(conn, compile_kwargs={"render_postcompile": True})
        plan = " ".join(
            str(row[-1])
            for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(compiled.params.values())).all()
        )
    assert "ix_audit_log_entity" in plan and "SCAN audit_log" not in plan
