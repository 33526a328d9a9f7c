"""The small set of rule kinds that together cover every rule of the appendix, and `build`, which turns
one clause of the rubric data into its object.

| kind            | reads                                   | e.g.                                   |
|-----------------|-----------------------------------------|----------------------------------------|
| all_or_nothing  | a yes/no fact                           | 未完成的不得分                         |
| per_incident    | counts of events (fixed or escalating)  | 发生1起扣2分,第2起扣3分,第3起扣5分     |
| shortfall       | actual against target                   | 每少1个百分点,扣1分                    |
| proportional    | a completion ratio                      | 未完成按完成比例扣分                   |
| tiers           | a value (rate, rank, grade) in bands    | 31-60名的扣0.5分,60名以后的扣1分       |
| formula         | a value in a stated formula             | 得分=(连通率-99%)*200                  |
| external        | scores of outside assessments           | 按...考核评分结果折算                  |
| discretion      | the assessor's deduction                | 完成情况不佳的视情扣分,0.5分起扣       |
| bonus           | counts of awarded items                 | 每个加2分,最高8分                      |
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypedDict

from scoring.kinds.base import VOID, Clause, FactValue, FieldSpec, Outcome, Raw, RuleError, Values
from scoring.kinds.events import AllOrNothing, Bonus, Count, Discretion, PerIncident, steps_from_cumulative
from scoring.kinds.measures import VALUE_TYPES, Band, Component, External, Formula, Proportional, Shortfall, Tiers

KINDS: dict[str, type[Clause]] = {
    cls.kind: cls
    for cls in (AllOrNothing, PerIncident, Shortfall, Proportional, Tiers, Formula, External, Discretion, Bonus)
}

__all__ = [
    "KINDS",
    "AllOrNothing",
    "Bonus",
    "Discretion",
    "External",
    "FactValue",
    "Formula",
    "PerIncident",
    "Proportional",
    "Shortfall",
    "Tiers",
    "Clause",
    "FieldSpec",
    "Outcome",
    "RuleError",
    "VOID",
    "Values",
    "build",
]

COMMON = {"kind", "quote", "label", "only_if", "unless", "part"}
ALLOWED_KEYS = {
    "all_or_nothing": {"field", "expect", "amount", "veto"},
    "per_incident": {"field", "each", "steps", "cumulative", "unit", "limit", "max", "halved_by", "counts"},
    "shortfall": {"basis", "field", "target", "unit", "step", "each", "rounding", "max", "min", "max_value"},
    "proportional": {"field", "target", "unit", "max"},
    "tiers": {"field", "value", "unit", "choices", "limit", "bands"},
    "formula": {"field", "per", "offset", "step", "add", "full_at", "max"},
    "external": {"components"},
    "discretion": {"field", "max", "step", "min", "sign"},
    "bonus": {"counts", "max"},
}


class Common(TypedDict):
    """The arguments every clause takes, whatever its kind."""

    quote: str
    label: str | None
    only_if: str | None
    unless: str | None
    gate_label: str
    part: int | None


# One kind's builder: (clause data, where, the sub-item's points, the common arguments) -> the clause.
Builder = Callable[[Raw, str, float, Common], Clause]


def _count(data: Raw, where: str, default_quote: str | None, bonus: bool) -> Count:
    unknown = set(data) - {"field", "each", "steps", "cumulative", "label", "quote", "unit", "type", "limit"}
    if unknown:
        raise RuleError(f"{where}: unknown keys {sorted(unknown)}")
    if "field" not in data or "label" not in data:
        raise RuleError(f"{where}: a count needs `field` and `label`")
    steps = tuple(data.get("steps") or ())
    if data.get("cumulative"):
        steps = steps_from_cumulative(list(data["cumulative"]))
    if not steps and not isinstance(data.get("each"), (int, float)):
        raise RuleError(f"{where}.{data['field']}: needs `each`, `steps` or `cumulative`")
    return Count(
        field=data["field"],
        label=data["label"],
        each=float(data.get("each") or 0),
        steps=steps,
        quote=data.get("quote", default_quote),
        unit=data.get("unit", "项" if bonus else "起"),
        flag=data.get("type") == "bool",
        limit=data.get("limit"),
    )


def _counts(data: Raw, where: str, bonus: bool) -> tuple[Count, ...]:
    """The counted events: a `counts` list, or the clause's own single field."""
    if "counts" in data:
        return tuple(_count(c, where, None, bonus) for c in data["counts"])
    single = {k: data[k] for k in ("field", "each", "steps", "cumulative", "unit", "limit") if k in data}
    return (_count({**single, "label": data.get("label") or data.get("field", "")}, where, data.get("quote"), bonus),)


def _all_or_nothing(data: Raw, where: str, points: float, common: Common) -> Clause:
    return AllOrNothing(
        **common,
        field=data.get("field", "done"),
        expect=data.get("expect", True),
        amount=data.get("amount"),
        veto=bool(data.get("veto")),
    )


def _per_incident(data: Raw, where: str, points: float, common: Common) -> Clause:
    return PerIncident(
        **common, counts=_counts(data, where, False), max=data.get("max"), halved_by=data.get("halved_by")
    )


def _bonus(data: Raw, where: str, points: float, common: Common) -> Clause:
    return Bonus(**common, counts=_counts(data, where, True), max=data.get("max"))


def _shortfall(data: Raw, where: str, points: float, common: Common) -> Clause:
    basis = data.get("basis")
    if basis not in ("completion", "rate", "count"):
        raise RuleError(f"{where}: shortfall basis must be completion, rate or count")
    if data.get("rounding", "floor") not in ("floor", "ceil", "exact"):
        raise RuleError(f"{where}: rounding must be floor, ceil or exact")
    return Shortfall(
        **common,
        basis=basis,
        field=data.get("field", "actual"),
        target=data.get("target"),
        unit=data.get("unit", "%" if basis == "rate" else ""),
        step=data.get("step", 1),
        each=data["each"],
        rounding=data.get("rounding", "floor"),
        max=data.get("max"),
        low=data.get("min"),
        high=data.get("max_value"),
    )


def _proportional(data: Raw, where: str, points: float, common: Common) -> Clause:
    return Proportional(
        **common,
        field=data.get("field", "ratio"),
        target=data.get("target"),
        unit=data.get("unit", ""),
        max=data.get("max"),
    )


def _tiers(data: Raw, where: str, points: float, common: Common) -> Clause:
    if data.get("value") not in VALUE_TYPES:
        raise RuleError(f"{where}: tiers value must be one of {', '.join(VALUE_TYPES)}")
    bands = tuple(Band(**b) for b in data["bands"])
    return Tiers(
        **common,
        field=data.get("field", "value"),
        value=data["value"],
        bands=bands,
        choices=tuple(data.get("choices") or ()),
        unit=data.get("unit", ""),
        limit=data.get("limit"),
    )


def _formula(data: Raw, where: str, points: float, common: Common) -> Clause:
    return Formula(
        **common,
        field=data.get("field", "rate"),
        per=data["per"],
        offset=data.get("offset", 0),
        step=data.get("step"),
        add=data.get("add", 0),
        full_at=data.get("full_at"),
        max=data.get("max"),
    )


def _external(data: Raw, where: str, points: float, common: Common) -> Clause:
    comps = tuple(
        Component(c["field"], float(c["weight"]), c["label"], float(c.get("full", 100))) for c in data["components"]
    )
    if abs(sum(c.weight for c in comps) - 1) > 1e-9:
        raise RuleError(f"{where}: external weights must add to 1")
    return External(**common, components=comps)


def _discretion(data: Raw, where: str, points: float, common: Common) -> Clause:
    sign = data.get("sign", "deduct")
    if sign not in ("deduct", "add"):
        raise RuleError(f"{where}: discretion sign must be deduct or add")
    unbounded = points == 0 and "max" not in data  # section 八's 视情扣分 states no ceiling
    return Discretion(
        **common,
        field=data.get("field", "deduction"),
        max=None if unbounded else data.get("max", points),
        step=data.get("step", 0.5),
        least=data.get("min"),
        add=sign == "add",
    )


BUILDERS: dict[str, Builder] = {
    "all_or_nothing": _all_or_nothing,
    "per_incident": _per_incident,
    "bonus": _bonus,
    "shortfall": _shortfall,
    "proportional": _proportional,
    "tiers": _tiers,
    "formula": _formula,
    "external": _external,
    "discretion": _discretion,
}


def _check_keys(data: Raw, where: str) -> str:
    """The clause's kind, once its kind and keys are known and it quotes the letter."""
    kind = data.get("kind")
    if kind not in KINDS:
        raise RuleError(f"{where}: unknown rule kind {kind!r}; known: {', '.join(KINDS)}")
    unknown = set(data) - COMMON - ALLOWED_KEYS[kind]
    if unknown:
        raise RuleError(f"{where}: keys {sorted(unknown)} are not used by kind {kind}")
    counted = data.get("counts") or []
    if not data.get("quote") and not (counted and all(c.get("quote") for c in counted)):
        raise RuleError(f"{where}: every clause quotes the letter's words (`quote`)")
    return str(kind)


def build(data: Raw, where: str, points: float, gate_labels: Mapping[str, str]) -> Clause:
    """One clause of the rubric data -> a Clause; `where` names it in error messages."""
    kind = _check_keys(data, where)
    gate: str | None = data.get("only_if") or data.get("unless")
    common = Common(
        quote=data.get("quote") or "",
        label=data.get("label"),
        only_if=data.get("only_if"),
        unless=data.get("unless"),
        gate_label=gate_labels.get(gate, gate) if gate else "",
        part=data.get("part"),
    )
    return BUILDERS[kind](data, where, points, common)
