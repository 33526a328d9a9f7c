"""Evaluate the rubric against facts: every sub-item, indicator and section in three views, the
explanation of every lost point, the excellence verdict, and what-if comparisons.

Pure and fast: no clock, no I/O; a full evaluation is a single pass over the clauses.
"""

from __future__ import annotations

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
    Texts,
    Totals,
    WhatIf,
)

_NO_VALUES: Values = {}


def _r(x: float) -> float:
    """`x` rounded to 4 places, as every score is; + 0.0 turns -0.0 into 0.0."""
    # round(x, 4) goes through decimal digits (about 0.2 µs, ~300 times an evaluation); a whole number,
    # two thirds of them, is its own rounding. (An int, e.g. a cap from the data, takes round().)
    return x + 0.0 if x.__class__ is float and x.is_integer() else round(x, 4) + 0.0


def _line(s: SubItem, notes: list[str], raw: float, score: float) -> str:
    vetoed = raw == -math.inf
    floor_hit = s.attainable if (raw < 0 and not vetoed) else None
    cap_hit = s.cap if (raw > s.cap and s.base < s.cap) else None
    return explain.subitem_line(s.id, s.name, notes, score, floor_hit, cap_hit)


def _explain_scored(
    s: SubItem, values: Values | None, projected: float, secured: float
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    outcomes = [c.evaluate(values or {}, s.cap, say=True) for c in s.clauses]
    # the raw sums as `_scored` adds them (same start, same order), before clamping and rounding
    best = worst = s.base
    for o in outcomes:
        best += o.best
        worst += o.worst
    notes = [o.note for o in outcomes if o.note]
    missing = list(dict.fromkeys(m for o in outcomes for m in o.missing))
    reasons: tuple[str, ...] = ()
    if projected < s.attainable - 1e-9:
        shown = notes + ([explain.unreported(missing)] if values is not None and missing else [])
        reasons = (_line(s, shown, best, projected),)
    if values is None:
        return reasons, (explain.no_facts(s.id, s.name),)
    if secured >= s.attainable - 1e-9:
        return reasons, ()
    if not missing:
        return reasons, reasons
    return reasons, (_line(s, notes + [explain.unverified(missing)], worst, secured),)


def _explain_exempt(s: SubItem, county: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (), (explain.exempt(s.id, s.name, s.points, county),)


def _explain_adjusted(s: SubItem, values: Values | None, score: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not score:
        return (), ()
    notes = [o.note for o in (c.evaluate(values or {}, s.cap, say=True) for c in s.clauses) if o.note]
    line = (explain.adjustment_line(s.id, s.name, notes, score),)
    return line, line


class _Explainer:
    """Writes a sub-item result's reasons the first time they are asked for, from the evaluation's facts,
    and keeps them. One per evaluation, shared by its results: a callable built for each of the 174
    sub-items cost about a tenth of an evaluation that mostly nobody explains."""

    __slots__ = ("_rubric", "_facts", "_written")

    def __init__(self, rubric: Rubric, facts: Mapping[str, Values]) -> None:
        self._rubric = rubric
        self._facts = facts
        self._written: dict[str, Texts] = {}

    def __call__(self, result: SubItemResult) -> Texts:
        texts = self._written.get(result.id)
        if texts is None:
            texts = self._written[result.id] = self._write(result)
        return texts

    def _write(self, result: SubItemResult) -> Texts:
        s = self._rubric.subitem(result.id)
        values = self._facts.get(s.id)
        if s.exempt:
            return _explain_exempt(s, self._rubric.county)
        if s.adjustment:
            return _explain_adjusted(s, values, result.projected)
        return _explain_scored(s, values, result.projected, result.secured)


def _exempt(s: SubItem, explainer: _Explainer) -> SubItemResult:
    return SubItemResult(s.id, s.name, s.points, s.points, s.points, 0.0, False, None, explainer)


def _scored(s: SubItem, values: Values | None, risky: bool, explainer: _Explainer) -> SubItemResult:
    # The hot loop of every evaluation (174 sub-items): plain arithmetic, no text, no helper calls.
    if s.exempt:
        return _exempt(s, explainer)
    vals = _NO_VALUES if values is None else values
    cap = s.cap
    best = worst = s.base
    for judge in s.judges:
        outcome = judge(vals, cap, False)
        best += outcome[0]
        worst += outcome[1]
    # clamped to 0..cap and rounded as `_r` does, written out here (a call costs more than the test);
    # full marks, the common case, without rounding. `base` is a float (the loader's), so are the sums.
    if best >= cap:
        projected = s.shown_cap
    elif best <= 0:
        projected = 0.0
    else:
        projected = best + 0.0 if best.is_integer() else round(best, 4) + 0.0
    if values is None:
        secured = 0.0
    elif worst >= cap:
        secured = s.shown_cap
    elif worst <= 0:
        secured = 0.0
    else:
        secured = worst + 0.0 if worst.is_integer() else round(worst, 4) + 0.0
    at_risk = _r(projected - secured) if risky else 0.0
    # tuple.__new__ with every field in order: half the cost of the named tuple's own constructor
    fields = (s.id, s.name, s.attainable, projected, secured, at_risk, values is not None, None, explainer)
    return tuple.__new__(SubItemResult, fields)


def _adjusted(s: SubItem, values: Values | None, explainer: _Explainer) -> SubItemResult:
    """Section 八: only reported events count, the same in every view (an unknown is no event)."""
    outcomes = [c.evaluate(values or {}, s.cap) for c in s.clauses]
    # a bonus's `worst` is what is proven; a penalty's `best` is what is reported
    score = _r(sum((o.worst if s.adjustment == "bonus" else o.best) for o in outcomes))
    return SubItemResult(s.id, s.name, s.points, score, score, 0.0, values is not None, s.adjustment, explainer)


def _indicator(
    ind: Indicator, facts: Mapping[str, Values], risky: frozenset[str], explainer: _Explainer
) -> IndicatorResult:
    subs: list[SubItemResult] = []
    projected = secured = at_risk = 0.0
    for s in ind.subitems:
        if s.adjustment:
            sub = _adjusted(s, facts.get(s.id), explainer)
        else:
            sub = _scored(s, facts.get(s.id), s.id in risky, explainer)
        subs.append(sub)
        projected += sub.projected
        secured += sub.secured
        at_risk += sub.at_risk
    notes: tuple[str, ...] = ()
    if ind.cap is not None:
        if projected > ind.cap:
            notes = (explain.indicator_cap(ind.name, projected, ind.cap, ind.cap_text or ""),)
        projected, secured, at_risk = min(projected, ind.cap), min(secured, ind.cap), min(at_risk, ind.cap)
    return IndicatorResult(
        ind.no,
        ind.name,
        ind.section,
        ind.weight,
        ind.attainable,
        _r(projected),
        _r(secured),
        _r(at_risk),
        tuple(subs),
        notes,
    )


def _excellence(rubric: Rubric, facts: Mapping[str, Values], total: Totals) -> ExcellenceResult:
    spec = rubric.excellence
    occurred = tuple(m.text for m in spec.major_issues if (facts.get(m.id) or {}).get(MAJOR_FIELD))
    unverified = tuple(m.id for m in spec.major_issues if facts.get(m.id) is None)
    projected = total.projected >= spec.threshold and not occurred
    secured = total.secured >= spec.threshold and not occurred and not unverified
    return ExcellenceResult(spec.threshold, projected, secured, (total.projected, total.secured), occurred, unverified)


def _section(sec: Section, facts: Mapping[str, Values], risky: frozenset[str], explainer: _Explainer) -> SectionResult:
    inds = tuple(_indicator(ind, facts, risky, explainer) for ind in sec.indicators)
    projected = secured = at_risk = 0.0
    for ind in inds:
        projected += ind.projected
        secured += ind.secured
        at_risk += ind.at_risk
    return SectionResult(
        sec.no, sec.numeral, sec.title, sec.points, sec.attainable, _r(projected), _r(secured), _r(at_risk), inds
    )


def evaluate(rubric: Rubric, facts: Facts | None = None, at_risk: Iterable[str] = frozenset()) -> ScoreResult:
    """Score every sub-item from `facts`. `at_risk`: ids (sub-item, item or indicator) whose tasks are
    overdue or unreported, computed by the caller from deadlines; their unsecured points are reported."""
    facts = facts if facts is not None else Facts()
    risky = rubric.expand(at_risk)
    values = facts.unguarded()
    explainer = _Explainer(rubric, values)
    sections = [_section(sec, values, risky, explainer) for sec in rubric.sections]
    # every deduction stops at zero, the whole score too (section 八 could in principle exceed it)
    total = Totals(
        _r(max(0.0, sum(s.projected for s in sections))),
        _r(max(0.0, sum(s.secured for s in sections))),
        _r(max(0.0, sum(s.at_risk for s in sections))),
    )
    excellent = _excellence(rubric, values, total)
    return ScoreResult(total, tuple(sections), excellent, rubric.total, rubric.attainable, rubric.capped)


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
