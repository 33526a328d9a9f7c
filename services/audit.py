"""The audit log: one row per change, written in the same transaction as the change."""

from __future__ import annotations

from sqlalchemy.orm import Session

from deadlines.clock import Clock
from storage.models import AuditEntry


def record(
    session: Session,
    clock: Clock,
    actor: str,
    action: str,
    entity: str,
    entity_id: object,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        at=clock.now(), actor=actor, action=action, entity=entity, entity_id=str(entity_id), before=before, after=after
    )
    session.add(entry)
    return entry


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, so the log reads as a diff."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}
