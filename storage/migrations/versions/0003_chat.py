"""invites, scoring facts, conversations; report measures

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 18:31:15.968299
"""
from alembic import op
import sqlalchemy as sa
import storage.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('conversations',
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('step', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('chat_id', 'user_id', name=op.f('pk_conversations'))
    )
    op.create_table('invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.BigInteger(), nullable=False),
    sa.Column('created_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_by', sa.BigInteger(), nullable=True),
    sa.Column('used_at', storage.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['department_id'], ['departments.id'], name=op.f('fk_invites_department_id_departments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invites')),
    sa.UniqueConstraint('code', name=op.f('uq_invites_code'))
    )
    op.create_table('facts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('subitem_id', sa.String(length=32), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('set_by', sa.String(length=64), nullable=False),
    sa.Column('set_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['letters.id'], name=op.f('fk_facts_letter_id_letters')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_facts_report_id_reports')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_facts'))
    )
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('measures', sa.JSON(), nullable=False, server_default='[]'))
    # Carry a report's single quantity over into its measures before the old columns go.
    conn = op.get_bind()
    reports = sa.table('reports', sa.column('id', sa.Integer), sa.column('quantity', sa.Float),
                       sa.column('unit', sa.String), sa.column('target_name', sa.String),
                       sa.column('measures', sa.JSON))
    for rid, quantity, unit, name in conn.execute(
            sa.select(reports.c.id, reports.c.quantity, reports.c.unit, reports.c.target_name)
            .where(reports.c.quantity.is_not(None))).all():
        conn.execute(reports.update().where(reports.c.id == rid).values(
            measures=[{'name': name, 'value': quantity, 'unit': unit}]))
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('unit')
        batch_op.drop_column('target_name')
        batch_op.drop_column('quantity')


def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quantity', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('target_name', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('unit', sa.String(length=32), nullable=True))
        batch_op.drop_column('measures')

    op.drop_table('facts')
    op.drop_table('invites')
    op.drop_table('conversations')
