"""a day's overdue reminder to a recipient planned as one row, written out line by line when sent

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 10:00:00

The daily planning pass wrote a ledger row per overdue occurrence per recipient per working day: 75,000 a
day in a letter of 100,000 tasks, before a single message could go. It now plans one `overdue_lists` row
per (letter, recipient, day) and the rows of its lines are written when it is sent, from the occurrences
still open then. Rows of kind `overdue` already planned at the upgrade go out as before.
"""
from alembic import op
import sqlalchemy as sa
import storage.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('overdue_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('send_on', sa.Date(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('lines', sa.Integer(), nullable=True),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('written_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_overdue_lists_contact_id_contacts')),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_overdue_lists_letter_id_letters')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overdue_lists')),
    sa.UniqueConstraint('key', name=op.f('uq_overdue_lists_key'))
    )
    op.create_index('ix_overdue_lists_status_send_on', 'overdue_lists', ['status', 'send_on'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_overdue_lists_status_send_on', table_name='overdue_lists')
    op.drop_table('overdue_lists')
