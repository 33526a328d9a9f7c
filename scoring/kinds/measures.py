"""Rule kinds driven by a measured value: short of a target, proportional to completion, tiers,
a formula, and a score converted from an external assessment."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from scoring import explain
from scoring.kinds.base import (
    NOTHING,
    VOID,
    Clause,
    FactValue,
    FieldSpec,
    Outcome,
    Values,
    number,
    number_or,
    whole_steps,
)


@dataclass(frozen=True)
class Shortfall(Clause):
    """`each` points per `step` short of the target ("每少1个百分点,扣1分").

    basis: `completion` (actual/target as a percentage of the target, e.g. 900/958 亩),
    `rate` (a rate in percent against a target rate, e.g. 92% against 93%) or `count` (units short).
    """

    kind = "shortfall"
    basis: str = "completion"
    field: str = "actual"
    target: float | None = None  # default from the letter; a fact `<field>_target` overrides it
    unit: str = ""
    step: float = 1.0
    each: float = 1.0
    rounding: str = "floor"
    max: float | None = None
    low: float | None = None  # range of a rate (growth can be negative)
    high: float | None = None

    @functools.cached_property
    def target_field(self) -> str:
        # cached: the hot path reads it twice per evaluation, and formatting it each time cost 0.1 µs
        return "target" if self.field == "actual" else f"{self.field}_target"

    def own_fields(self) -> tuple[FieldSpec, ...]:
        label = self.label or self.field
        if self.basis == "rate":
            low = 0 if self.low is None else self.low
            high = 100 if self.high is None else self.high
            return (
                FieldSpec(self.field, "percent", label, low=low, high=high),
                FieldSpec(self.target_field, "percent", label, low=low, high=high),
            )
        return (
            FieldSpec(self.field, "amount", label, low=0),
            FieldSpec(self.target_field, "target" if self.basis == "completion" else "amount", label, low=0),
        )

    def problems(self, values: Values) -> list[tuple[str, FactValue, str]]:
        if self.field in values and self.target is None and self.target_field not in values:
            return [(self.field, values[self.field], self.target_field)]
        return []

    def judge(self, values: Values, share: float, say: bool) -> Outcome:
        actual = number(values, self.field)
        target_field = self.target_field
        target = number(values, target_field) if target_field in values else self.target
        if actual is None or target is None:
            return Outcome(0.0, -self.max if self.max is not None else VOID, None, (self.label or self.field,))
        if self.basis == "completion":
            pct = actual / target * 100
            short = max(0.0, 100 - pct)
        else:
            short = max(0.0, target - actual)
        units = whole_steps(short, self.step, self.rounding)
        amount = units * self.each
        if self.max is not None:
            amount = min(amount, self.max)
        if not amount:
            return NOTHING
        return Outcome(-amount, -amount, self._say(actual, target, short, units, amount) if say else None)

    def _say(self, actual: float, target: float, short: float, units: float, amount: float) -> str:
        if self.basis == "completion":
            shown = explain.completion(actual, target, self.unit, actual / target * 100, short)
        elif self.basis == "rate":
            shown = explain.rate(self.label or "", actual, target, short)
        else:
            shown = explain.count_short(self.label or "", actual, target, self.unit, short)
        if self.step != 1:
            shown += ", " + explain.steps_of(units, self.step)
        return f"{shown}, {explain.quoted(self.quote)}{explain.lost(amount)}"


@dataclass(frozen=True)
class Proportional(Clause):
    """Points in proportion to completion ("按完成比例扣分"): a ratio, or a value against a target."""

    kind = "proportional"
    field: str = "ratio"
    target: float | None = None  # when set, the fact is a value (e.g. a rate in %) and ratio = value/target
    unit: str = ""
    max: float | None = None  # the clause's share; None: the sub-item's points

    def own_fields(self) -> tuple[FieldSpec, ...]:
        if self.target is None:
            return (FieldSpec(self.field, "ratio", self.label or "完成比例", low=0, high=1),)
        high = 100 if self.unit == "%" else None
        return (
            FieldSpec(
                self.field, "percent" if self.unit == "%" else "amount", self.label or self.field, low=0, high=high
            ),
        )

    def judge(self, values: Values, share: float, say: bool) -> Outcome:
        part = self.max if self.max is not None else share
        value = number(values, self.field)
        if value is None:
            return Outcome(0.0, -part, None, (self.label or "完成比例",))
        ratio = min(1.0, value / self.target) if self.target is not None else value
        amount = part * (1 - ratio)
        if amount <= 0:
            return NOTHING
        if not say:
            return Outcome(-amount, -amount)
        shown = (
            explain.ratio_of(self.label or "", value, self.target, self.unit, ratio)
            if self.target is not None
            else explain.ratio(self.label or "", ratio)
        )
        return Outcome(-amount, -amount, f"{shown}, {explain.quoted(self.quote)}{explain.lost(amount)}")


@dataclass(frozen=True)
class Band:
    """One tier: bounds (`min`, `max` inclusive; `below`, `above` exclusive; `equals`) and its effect."""

    delta: float = 0.0
    veto: bool = False
    min: float | None = None
    max: float | None = None
    below: float | None = None
    above: float | None = None
    equals: str | None = None

    def holds(self, value: FactValue) -> bool:
        if self.equals is not None:
            return value == self.equals
        if isinstance(value, str):  # a choice matches by `equals` only; numeric bounds never hold for it
            return self.min is None and self.max is None and self.below is None and self.above is None
        return (
            (self.min is None or value >= self.min)
            and (self.max is None or value <= self.max)
            and (self.below is None or value < self.below)
            and (self.above is None or value > self.above)
        )


VALUE_TYPES = {
    "percent": "percent",
    "rank": "rank",
    "count": "count",
    "integer": "integer",
    "score": "score",
    "choice": "choice",
}


@dataclass(frozen=True)
class Tiers(Clause):
    """The first band the value falls in sets the change; no band, no change."""

    kind = "tiers"
    field: str = "value"
    value: str = "percent"
    bands: tuple[Band, ...] = ()
    choices: tuple[str, ...] = ()
    unit: str = ""
    limit: int | None = None

    def own_fields(self) -> tuple[FieldSpec, ...]:
        kind = VALUE_TYPES[self.value]
        low, high = {"percent": (0, 100), "score": (0, 100), "rank": (1, self.limit), "count": (0, self.limit)}.get(
            kind, (None, None)
        )
        return (FieldSpec(self.field, kind, self.label or self.field, low=low, high=high, choices=self.choices),)

    def judge(self, values: Values, share: float, say: bool) -> Outcome:
        value = values.get(self.field)
        if value is None:
            best = max([0.0] + [b.delta for b in self.bands if not b.veto])
            worst = VOID if any(b.veto for b in self.bands) else min([0.0] + [b.delta for b in self.bands])
            return Outcome(best, worst, None, (self.label or self.field,))
        band = self._band(value)
        if band is None or (not band.veto and not band.delta and not self._rewards):
            return NOTHING
        delta = VOID if band.veto else band.delta
        if not say:
            return Outcome(delta, delta)
        effect = explain.void() if band.veto else explain.delta_words(band.delta)
        shown = explain.measured(self.label or "", explain.value_text(value, self.value, self.unit))
        return Outcome(delta, delta, f"{shown}, {explain.quoted(self.quote)}{effect}")

    def _band(self, value: FactValue) -> Band | None:
        """The first band `value` falls in (a loop: a generator here cost more than the bands' tests)."""
        for band in self.bands:
            if band.holds(value):
                return band
        return None

    @functools.cached_property
    def _rewards(self) -> bool:
        """Whether any band adds points (then a band that moves nothing is still written out)."""
        return any(b.delta > 0 for b in self.bands)


@dataclass(frozen=True)
class Formula(Clause):
    """score = add + per x (value - offset) [in whole `step`s], full marks from `full_at`, within 0..max."""

    kind = "formula"
    field: str = "rate"
    per: float = 1.0
    offset: float = 0.0
    step: float | None = None
    add: float = 0.0
    full_at: float | None = None
    max: float | None = None

    def own_fields(self) -> tuple[FieldSpec, ...]:
        return (FieldSpec(self.field, "percent", self.label or self.field, low=0, high=100),)

    def judge(self, values: Values, share: float, say: bool) -> Outcome:
        part = self.max if self.max is not None else share
        value = number(values, self.field)
        if value is None:
            return Outcome(0.0, -part, None, (self.label or self.field,))
        above = value - self.offset
        if self.step:
            above = math.floor(above / self.step + 1e-9)
        score = self.add + self.per * above
        if self.full_at is not None and value >= self.full_at:
            score = part
        score = min(part, max(0.0, score))
        if score >= part:
            return NOTHING
        delta = score - part
        return Outcome(delta, delta, explain.formula(self.label or "", value, self.quote, score, part) if say else None)


@dataclass(frozen=True)
class Component:
    field: str
    weight: float
    label: str
    full: float = 100.0


@dataclass(frozen=True)
class External(Clause):
    """Converted from an outside assessment: points x sum(weight x score / full)."""

    kind = "external"
    components: tuple[Component, ...] = ()

    def own_fields(self) -> tuple[FieldSpec, ...]:
        specs = tuple(FieldSpec(c.field, "score", c.label, low=0, high=None) for c in self.components)
        if len(self.components) == 1:
            specs += (FieldSpec("full", "target", "外部考核满分", low=0),)
        return specs

    def full_of(self, c: Component, values: Values) -> float:
        return number_or(values, "full", c.full) if len(self.components) == 1 else c.full

    def problems(self, values: Values) -> list[tuple[str, FactValue, str]]:
        out: list[tuple[str, FactValue, str]] = []
        for c in self.components:
            full = self.full_of(c, values)
            value = number(values, c.field)
            if value is not None and value > full:
                out.append((c.field, value, explain.range_words("score", 0, full)))
        return out

    def judge(self, values: Values, share: float, say: bool) -> Outcome:
        got, known = 0.0, 0.0  # known: the share proven by the scores given
        missing: list[str] = []
        parts: list[tuple[str, float, float, float]] = []
        for c in self.components:
            value = number(values, c.field)
            full = self.full_of(c, values)
            if value is None:
                missing.append(c.label)
                got += c.weight  # best case for the projected view
                continue
            earned = c.weight * value / full
            got += earned
            known += earned
            parts.append((c.label, value, full, c.weight))
        score = share * got
        if missing:
            return Outcome(score - share, share * known - share, None, tuple(missing))
        if score >= share:
            return NOTHING
        note = explain.external(parts, self.quote, score) if say else None
        return Outcome(score - share, score - share, note)
