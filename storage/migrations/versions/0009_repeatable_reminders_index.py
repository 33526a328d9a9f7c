"""the reminders repeated when not acknowledged, found by when they were sent

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 06:30:00

A partial index on reminders.sent_at over the lead, due and repeat rows only: the daily planning pass asks
for those sent in the last few working days; without it the query walked every sent row of the year (18 s
a day at ten times the usual use). The overdue rows, most of the ledger, are not in it.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# As storage/models.py says it (REPEATABLE_KINDS): SQLite uses a partial index only for a query that
# states its condition in the same words.
REPEATABLE_KINDS = "kind IN ('lead', 'due', 'repeat')"


def upgrade() -> None:
    op.create_index(
        'ix_reminders_repeatable_sent_at',
        'reminders',
        ['sent_at'],
        unique=False,
        sqlite_where=sa.text(REPEATABLE_KINDS),
        postgresql_where=sa.text(REPEATABLE_KINDS),
    )


def downgrade() -> None:
    op.drop_index('ix_reminders_repeatable_sent_at', table_name='reminders')
