"""supervision notices (督办单): numbered per year, their recipients and acknowledgements

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 00:30:00
"""
from alembic import op
import sqlalchemy as sa
import storage.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('departments', sa.JSON(), nullable=False),
    sa.Column('due', sa.Date(), nullable=True),
    sa.Column('overdue_workdays', sa.Integer(), nullable=False),
    sa.Column('reply_by', sa.Date(), nullable=False),
    sa.Column('requirement', sa.Text(), nullable=True),
    sa.Column('issued_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('issued_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_notices_letter_id_letters')),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_notices_task_id_tasks')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('year', 'serial', name=op.f('uq_notices_year'))
    )
    op.create_table('notice_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('sent_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_notice_recipients_contact_id_contacts')),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_notice_recipients_department_id_departments')),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_recipients_notice_id_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_recipients')),
    sa.UniqueConstraint('notice_id', 'chat_id', name=op.f('uq_notice_recipients_notice_id'))
    )


def downgrade() -> None:
    op.drop_table('notice_recipients')
    op.drop_table('notices')
