"""a year of data answered fast: indexes for reports and facts, and a change stamp set by triggers

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 03:00:00

`change_stamps.letter_data` takes a new random value in every transaction that writes the letter's data
(tasks, deadlines, their departments, reports, facts), whoever writes it; services keep what they computed
from that data (services/stamped.py) only while it holds the same value.
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

WATCHED = ("letters", "tasks", "deadlines", "task_departments", "departments", "reports", "facts")
STAMP = "letter_data"


def _triggers_up() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION duban_touch_letter_data() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"UPDATE change_stamps SET stamp = floor(random() * 9007199254740991)::bigint WHERE name = '{STAMP}'; "
            "RETURN NULL; END $$"
        )
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER touch_letter_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION duban_touch_letter_data()"
            )
        return
    for table in WATCHED:  # SQLite: row triggers only
        for event in ("INSERT", "UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER touch_letter_data_{table}_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN UPDATE change_stamps SET stamp = random() WHERE name = '{STAMP}'; END"
            )


def _triggers_down() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS touch_letter_data ON {table}")
        op.execute("DROP FUNCTION IF EXISTS duban_touch_letter_data()")
        return
    for table in WATCHED:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS touch_letter_data_{table}_{event}")


def upgrade() -> None:
    op.create_index('ix_reports_task_kind_status', 'reports', ['task_id', 'kind', 'status', 'occurrence_due', 'submitted_at'], unique=False)
    op.create_index('ix_reports_status_submitted_at', 'reports', ['status', 'submitted_at'], unique=False)
    op.create_index('ix_facts_letter_active', 'facts', ['letter_id', 'active'], unique=False)
    stamps = op.create_table('change_stamps',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('stamp', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_change_stamps'))
    )
    op.bulk_insert(stamps, [{"name": STAMP, "stamp": 1}])
    _triggers_up()


def downgrade() -> None:
    _triggers_down()
    op.drop_table('change_stamps')
    op.drop_index('ix_facts_letter_active', table_name='facts')
    op.drop_index('ix_reports_status_submitted_at', table_name='reports')
    op.drop_index('ix_reports_task_kind_status', table_name='reports')
