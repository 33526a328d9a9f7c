"""The score's standing in a few lines, as /score states it: the totals, the excellence verdict, the
largest losses and the points at risk, with the overdue tasks each depends on (what could still be saved).
The circular prints it; the selection is /score's own (handlers/office_texts.py score_overview)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import scoring

TOP = 6  # as many as /score lists


@dataclass(frozen=True)
class ScoreLine:
    id: str
    name: str
    points: float  # the sub-item's full marks
    amount: float  # points lost (a loss) or at risk (savable)
    reason: str  # the engine's first reason for a loss
    tasks: tuple[str, ...] = ()  # overdue tasks whose completion keeps points at risk


@dataclass(frozen=True)
class ScoreStanding:
    projected: float
    secured: float
    at_risk: float
    excellent: bool  # the excellence verdict on the projected score
    threshold: float
    losses: tuple[ScoreLine, ...]
    savable: tuple[ScoreLine, ...]


def summarize(
    result: scoring.ScoreResult, rubric: scoring.Rubric, red_tasks: Iterable[tuple[str, Iterable[str]]]
) -> ScoreStanding:
    """`red_tasks`: (code, rubric ids) of every task overdue today (the status board's red)."""
    feeding: dict[str, list[str]] = {}
    for code, ids in red_tasks:
        for sid in sorted(rubric.expand(ids)) if ids else ():
            feeding.setdefault(sid, []).append(code)
    subs = list(result.subitems.values())
    lost = sorted((s for s in subs if s.points and s.projected < s.points), key=lambda s: s.projected - s.points)
    risky = sorted((s for s in subs if s.at_risk > 0), key=lambda s: -s.at_risk)
    return ScoreStanding(
        projected=result.total.projected,
        secured=result.total.secured,
        at_risk=result.total.at_risk,
        excellent=result.excellent.projected,
        threshold=result.excellent.threshold,
        losses=tuple(
            ScoreLine(s.id, s.name, s.points, s.points - s.projected, s.reasons[0] if s.reasons else "")
            for s in lost[:TOP]
        ),
        savable=tuple(
            ScoreLine(s.id, s.name, s.points, s.at_risk, "", tuple(feeding.get(s.id, ()))) for s in risky[:TOP]
        ),
    )
