"""the audit log found by what it is about

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 09:30:00

An index on audit_log (entity, entity_id): /history N reads one task's rows and the invitation throttle one
person's failed attempts; without it each walked the whole log (189,000 rows a year at ten times the usual
use, more every year).
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_audit_log_entity', 'audit_log', ['entity', 'entity_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_audit_log_entity', table_name='audit_log')
