"""the change stamp set when a writing transaction commits (PostgreSQL)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 07:00:00

Migration 0008's statement triggers updated `change_stamps` at a transaction's first write to the letter's
data and so held that row's lock until commit: every writer queued behind it, and two transactions locking
other rows in opposite orders could deadlock on it (tests/test_change_stamps_concurrency.py). Now:
- a deferred constraint trigger (per row; PostgreSQL fires it at commit) updates the stamp once per
  transaction, when the transaction commits: the lock is the last taken and held only while committing;
- an immediate statement trigger marks the transaction as having written (a transaction-local setting,
  no lock), so services/stamped.py serves that transaction its own writes, not a value kept from before;
- TRUNCATE, which has no row events, stamps at once as before.
SQLite is unchanged: it has one writer at a time.
"""
from alembic import op


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

WATCHED = ("letters", "tasks", "deadlines", "task_departments", "departments", "reports", "facts")
STAMP = "letter_data"
WROTE = "duban.letter_data_written"  # this transaction's id, while it has written the letter's data
STAMPED = "duban.letter_data_stamped"  # this transaction's id, once its commit has set the stamp


def _new_stamp() -> str:
    return f"UPDATE change_stamps SET stamp = floor(random() * 9007199254740991)::bigint WHERE name = '{STAMP}'"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in WATCHED:
        op.execute(f"DROP TRIGGER IF EXISTS touch_letter_data ON {table}")
    op.execute("DROP FUNCTION IF EXISTS duban_touch_letter_data()")
    op.execute(
        "CREATE FUNCTION duban_letter_data_written() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"PERFORM set_config('{WROTE}', txid_current()::text, true); RETURN NULL; END $$"
    )
    op.execute(
        "CREATE FUNCTION duban_stamp_letter_data() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF current_setting('{STAMPED}', true) IS DISTINCT FROM txid_current()::text THEN "
        f"PERFORM set_config('{STAMPED}', txid_current()::text, true); {_new_stamp()}; "
        "END IF; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE FUNCTION duban_touch_letter_data() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{_new_stamp()}; RETURN NULL; END $$"
    )
    for table in WATCHED:
        op.execute(
            f"CREATE TRIGGER letter_data_written AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION duban_letter_data_written()"
        )
        op.execute(
            f"CREATE CONSTRAINT TRIGGER stamp_letter_data AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION duban_stamp_letter_data()"
        )
        op.execute(
            f"CREATE TRIGGER touch_letter_data AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION duban_touch_letter_data()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in WATCHED:
        op.execute(f"DROP TRIGGER IF EXISTS letter_data_written ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS stamp_letter_data ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS touch_letter_data ON {table}")
    op.execute("DROP FUNCTION IF EXISTS duban_letter_data_written()")
    op.execute("DROP FUNCTION IF EXISTS duban_stamp_letter_data()")
    op.execute("DROP FUNCTION IF EXISTS duban_touch_letter_data()")
    op.execute(
        "CREATE FUNCTION duban_touch_letter_data() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"{_new_stamp()}; RETURN NULL; END $$"
    )
    for table in WATCHED:
        op.execute(
            f"CREATE TRIGGER touch_letter_data AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION duban_touch_letter_data()"
        )
