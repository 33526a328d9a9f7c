"""the letter names its office and county; typed choices for channels without buttons

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 21:00:00
"""
from alembic import op
import sqlalchemy as sa
import storage.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('county', sa.String(length=64), nullable=True))
    # The bundled letter loaded before its file named them: the same names the file now carries.
    op.execute("UPDATE letters SET office = '美丽办', county = '嵊州市' WHERE code LIKE 'shengzhou-%'")
    op.create_table('typed_choices',
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('numbered', sa.Boolean(), nullable=False),
    sa.Column('updated_at', storage.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('channel', 'chat_id', name=op.f('pk_typed_choices'))
    )


def downgrade() -> None:
    op.drop_table('typed_choices')
    with op.batch_alter_table('letters', schema=None) as batch_op:
        batch_op.drop_column('county')
        batch_op.drop_column('office')
