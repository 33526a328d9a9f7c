"""Small helpers shared by the scoring tests (no tests here)."""

from __future__ import annotations

import scoring

RUBRIC = scoring.load_rubric()


def facts(data: dict) -> scoring.Facts:
    return scoring.Facts.from_mapping(data, RUBRIC)


def sub(sid: str, **fields) -> scoring.SubItemResult:
    """The result of one sub-item given these fields (and nothing else known)."""
    return scoring.evaluate(RUBRIC, facts({sid: fields})).subitem(sid)


def projected(sid: str, **fields) -> float:
    return sub(sid, **fields).projected
