"""Valid facts made up from the rubric's own field specifications, for benchmarks, tests and demos.

`random_facts(rubric, rng)` gives every sub-item (or a share of them) values drawn within what its
rules allow, so anything it returns passes `Facts.from_mapping`.
"""

from __future__ import annotations

import random

from scoring.facts import MAJOR_FIELD, Facts
from scoring.kinds import FactValue, FieldSpec
from scoring.kinds.measures import External, Shortfall
from scoring.model import Rubric, SubItem


def _defaulted(s: SubItem) -> set[str]:
    """Fields the rubric already supplies (targets from the letter, the external scale)."""
    out: set[str] = set()
    for clause in s.clauses:
        if isinstance(clause, Shortfall) and clause.target is not None:
            out.add(clause.target_field)
        if isinstance(clause, External):
            out.add("full")
    return out


def _targets(s: SubItem) -> dict[str, float]:
    return {c.field: c.target for c in s.clauses if isinstance(c, Shortfall) and c.target is not None}


def _value(spec: FieldSpec, rng: random.Random, around: float | None) -> FactValue:
    kind = spec.type
    if kind == "bool":
        return rng.random() < 0.7
    if kind == "choice":
        return rng.choice(spec.choices)
    if kind in ("count", "rank", "integer"):
        return _whole(spec, rng)
    if kind == "ratio":
        return rng.choice([1.0, round(rng.random(), 4)])
    if kind == "points":
        return _points(spec, rng)
    return _measure(spec, rng, around)


def _whole(spec: FieldSpec, rng: random.Random) -> int:
    """A count, rank or integer: mostly the lowest allowed, else anywhere up to 6 above it."""
    low = int(spec.low) if spec.low is not None else (-3 if spec.type == "integer" else 0)
    high = int(spec.high) if spec.high is not None else low + 6
    return rng.choice([low, low, rng.randint(low, high)])


def _points(spec: FieldSpec, rng: random.Random) -> float:
    """The assessor's points: 0 or a whole number of steps from the least value."""
    steps = [0.0]
    value = spec.least or spec.step or 0.5
    top = spec.high if spec.high is not None else 5.0
    while value <= top + 1e-9:
        steps.append(round(value, 4))
        value += spec.step or 0.5
    return rng.choice(steps)


def _measure(spec: FieldSpec, rng: random.Random, around: float | None) -> float:
    """A measured value in range, at times exactly the target it is measured against."""
    kind = spec.type
    low = spec.low if spec.low is not None else 0.0
    high = spec.high if spec.high is not None else max(low + 1.0, (around or 100.0) * 1.2)
    if kind == "score" and spec.high is None:
        high = 100.0  # the default scale of an external assessment
    if around is not None and rng.random() < 0.3:
        return around
    value = round(rng.uniform(low, high), 2)
    return max(value, 0.01) if kind == "target" else value


def random_facts(rubric: Rubric, rng: random.Random, share: float = 1.0) -> Facts:
    """Facts for `share` of the sub-items (1.0: every one, every field) plus the major issues."""
    data: dict[str, dict[str, FactValue]] = {}
    for s in rubric.subitems:
        if s.exempt or rng.random() >= share:
            continue
        skip, targets = _defaulted(s), _targets(s)
        values: dict[str, FactValue] = {}
        for name, spec in s.fields.items():
            if name in skip:
                continue
            values[name] = _value(spec, rng, targets.get(name))
        data[s.id] = values
    for mid in rubric.major_ids:
        if rng.random() < share:
            data[mid] = {MAJOR_FIELD: rng.random() < 0.1}
    return Facts.from_mapping(data, rubric)
