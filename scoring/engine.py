"""Evaluate the rubric against facts: every sub-item, indicator and section in three views, the
explanation of every lost point, the excellence verdict, and what-if comparisons.

Pure and fast: no clock, no I/O; a full evaluation is a single pass over the clauses.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping

from scoring import explain
from scoring.facts import MAJOR_FIELD, Facts, merge
from scoring.kinds import Values
from scoring.model import Indicator, Rubric, Section, SubItem
from scoring.results import (
    Change,
    Delta,
    ExcellenceResult,
    IndicatorResult,
    ScoreResult,
    SectionResult,
    SubItemResult,
    Totals,
    WhatIf,
)


def _r(x: float) -> float:
    return round(x, 4) + 0.0  # + 0.0 turns -0.0 into 0.0


def _clamp(raw: float, cap: float) -> float:
    return 0.0 if raw <= 0 else min(raw, cap)


def _line(s: SubItem, notes: list[str], raw: float, score: float) -> str:
    vetoed = raw == -math.inf
    floor_hit = s.points if (raw < 0 and not vetoed) else None
    cap_hit = s.cap if (raw > s.cap and s.base < s.cap) else None
    return explain.subitem_line(s.id, s.name, notes, score, floor_hit, cap_hit)


def _explain_scored(
    s: SubItem, values: Values | None, best: float, worst: float, projected: float, secured: float
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    outcomes = [c.evaluate(values or {}, s.cap, say=True) for c in s.clauses]
    notes = [o.note for o in outcomes if o.note]
    missing = list(dict.fromkeys(m for o in outcomes for m in o.missing))
    reasons: tuple[str, ...] = ()
    if projected < s.points - 1e-9:
        shown = notes + ([explain.unreported(missing)] if values is not None and missing else [])
        reasons = (_line(s, shown, best, projected),)
    if values is None:
        return reasons, (explain.no_facts(s.id, s.name),)
    if secured >= s.points - 1e-9:
        return reasons, ()
    if not missing:
        return reasons, reasons
    return reasons, (_line(s, notes + [explain.unverified(missing)], worst, secured),)


def _scored(s: SubItem, values: Values | None, risky: bool, county: str) -> SubItemResult:
    if s.exempt:
        texts = ((), (explain.exempt(s.id, s.name, s.points, county),))
        return SubItemResult(s.id, s.name, s.points, s.points, s.points, 0.0, False, None, lambda: texts)
    vals = values or {}
    best = worst = s.base
    for c in s.clauses:
        o = c.evaluate(vals, s.cap)
        best += o.best
        worst += o.worst
    projected = _r(_clamp(best, s.cap))
    secured = 0.0 if values is None else _r(_clamp(worst, s.cap))
    at_risk = _r(projected - secured) if risky else 0.0
    explainer = functools.partial(_explain_scored, s, values, best, worst, projected, secured)
    return SubItemResult(s.id, s.name, s.points, projected, secured, at_risk, values is not None, None, explainer)


def _explain_adjusted(s: SubItem, values: Values | None, score: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not score:
        return (), ()
    notes = [o.note for o in (c.evaluate(values or {}, s.cap, say=True) for c in s.clauses) if o.note]
    line = (explain.adjustment_line(s.id, s.name, notes, score),)
    return line, line


def _adjusted(s: SubItem, values: Values | None) -> SubItemResult:
    """Section 八: only reported events count, the same in every view (an unknown is no event)."""
    outcomes = [c.evaluate(values or {}, s.cap) for c in s.clauses]
    # a bonus's `worst` is what is proven; a penalty's `best` is what is reported
    score = _r(sum((o.worst if s.adjustment == "bonus" else o.best) for o in outcomes))
    return SubItemResult(
        s.id,
        s.name,
        s.points,
        score,
        score,
        0.0,
        values is not None,
        s.adjustment,
        functools.partial(_explain_adjusted, s, values, score),
    )


def _indicator(ind: Indicator, facts: Facts, risky: frozenset[str], county: str) -> IndicatorResult:
    subs = tuple(
        _adjusted(s, facts.get(s.id)) if s.adjustment else _scored(s, facts.get(s.id), s.id in risky, county)
        for s in ind.subitems
    )
    totals = [sum(s.projected for s in subs), sum(s.secured for s in subs), sum(s.at_risk for s in subs)]
    notes: tuple[str, ...] = ()
    if ind.cap is not None and totals[0] > ind.cap:
        notes = (explain.indicator_cap(ind.name, totals[0], ind.cap, ind.cap_text or ""),)
    if ind.cap is not None:
        totals = [min(t, ind.cap) for t in totals]
    return IndicatorResult(
        ind.no, ind.name, ind.section, ind.weight, _r(totals[0]), _r(totals[1]), _r(totals[2]), subs, notes
    )


def _excellence(rubric: Rubric, facts: Facts, total: Totals) -> ExcellenceResult:
    spec = rubric.excellence
    occurred = [m for m in spec.major_issues if (facts.get(m.id) or {}).get(MAJOR_FIELD)]
    unknown = [m.id for m in spec.major_issues if facts.get(m.id) is None]
    issues = [explain.major_issue(m.text) for m in occurred]

    def score_words(x: float) -> str:
        return explain.reaches(x, spec.threshold) if x >= spec.threshold else explain.falls_short(x, spec.threshold)

    projected = total.projected >= spec.threshold and not occurred
    secured = total.secured >= spec.threshold and not occurred and not unknown
    secured_reasons = [score_words(total.secured)] + issues
    if unknown:
        secured_reasons.append(explain.major_unverified(unknown))
    return ExcellenceResult(
        spec.threshold, projected, secured, tuple([score_words(total.projected)] + issues), tuple(secured_reasons)
    )


def _section(sec: Section, facts: Facts, risky: frozenset[str], county: str) -> SectionResult:
    inds = tuple(_indicator(ind, facts, risky, county) for ind in sec.indicators)
    projected, secured = _r(sum(i.projected for i in inds)), _r(sum(i.secured for i in inds))
    return SectionResult(
        sec.no, sec.numeral, sec.title, sec.points, projected, secured, _r(sum(i.at_risk for i in inds)), inds
    )


def evaluate(rubric: Rubric, facts: Facts | None = None, at_risk: Iterable[str] = frozenset()) -> ScoreResult:
    """Score every sub-item from `facts`. `at_risk`: ids (sub-item, item or indicator) whose tasks are
    overdue or unreported, computed by the caller from deadlines; their unsecured points are reported."""
    facts = facts if facts is not None else Facts()
    risky = rubric.expand(at_risk)
    sections = [_section(sec, facts, risky, rubric.county) for sec in rubric.sections]
    # every deduction stops at zero, the whole score too (section 八 could in principle exceed it)
    total = Totals(
        _r(max(0.0, sum(s.projected for s in sections))),
        _r(max(0.0, sum(s.secured for s in sections))),
        _r(max(0.0, sum(s.at_risk for s in sections))),
    )
    return ScoreResult(total, tuple(sections), _excellence(rubric, facts, total))


def what_if(
    rubric: Rubric,
    facts: Facts | None,
    hypothetical: Facts | Mapping[str, object],
    at_risk: Iterable[str] = frozenset(),
) -> WhatIf:
    """The current result, the result with `hypothetical` facts laid over the current ones, and what moved."""
    facts = facts if facts is not None else Facts()
    before = evaluate(rubric, facts, at_risk)
    after = evaluate(rubric, merge(facts, hypothetical, rubric), at_risk)
    changes = []
    for sid, b in before.subitems.items():
        a = after.subitem(sid)
        if a.projected != b.projected or a.secured != b.secured:
            changes.append(Change(sid, b.name, Delta(b.projected, a.projected), Delta(b.secured, a.secured)))
    return WhatIf(before, after, tuple(changes))
