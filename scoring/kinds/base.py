"""What every rule kind shares: the facts it reads (`FieldSpec`), what it concludes (`Outcome`) and the
optional condition (`only_if` / `unless`) under which a clause applies at all.

A clause turns the facts of one sub-item into a change of score (a `delta`: negative for a deduction,
positive for an award). When a fact it needs is missing the outcome is an interval: `best` is the
change if the missing fact turns out well (the projected view), `worst` if it turns out badly (the
secured view). A clause that voids the sub-item ("此项不得分") returns minus infinity.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple, TypeAlias, TypeGuard

from scoring import explain

VOID = -math.inf
EPS = 1e-9  # float noise allowance when counting whole steps (6.000000001 points short is 6)

FIELD_TYPES = ("bool", "count", "integer", "rank", "percent", "ratio", "amount", "target", "score", "points", "choice")


# Rubric data as parsed from YAML, not checked yet: the one untyped boundary. The clauses and rubric
# built from it are typed. (Raw facts enter as `object` and are narrowed in scoring.facts.)
Raw: TypeAlias = Mapping[str, Any]

# One validated fact: yes/no, a count or measure, or a choice. FieldSpec.valid admits nothing else.
FactValue: TypeAlias = bool | int | float | str
# The facts of one sub-item, by field name.
Values: TypeAlias = Mapping[str, FactValue]


class RuleError(ValueError):
    """A rule in the rubric data that cannot be used; the message names the sub-item and the key."""


def is_number(value: object) -> TypeGuard[float]:
    """A finite int or float, not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def number(values: Values, name: str) -> float | None:
    """The numeric fact `name` (a count or yes/no counts as a number), None when not given."""
    value = values.get(name)
    if isinstance(value, str):
        raise TypeError(f"fact {name}={value!r} is text where a number is expected")
    return value


def number_or(values: Values, name: str, default: float) -> float:
    """The numeric fact `name`, or `default` when not given."""
    value = number(values, name)
    return default if value is None else value


def count(values: Values, name: str) -> int | None:
    """The whole-number fact `name` (a yes/no counts as 1/0), None when not given."""
    value = values.get(name)
    if value is None or isinstance(value, int):
        return value
    raise TypeError(f"fact {name}={value!r} is not a whole number")


@dataclass(frozen=True)
class FieldSpec:
    """One fact a clause reads, with what values are allowed."""

    name: str
    type: str
    label: str = ""
    low: float | None = None
    high: float | None = None
    step: float | None = None  # points: values are multiples of it
    least: float | None = None  # points: the smallest non-zero value ("0.5分起扣", "0.2至1分")
    choices: tuple[str, ...] = ()

    def allowed(self) -> str:
        low = self.least if self.type == "points" else self.low
        return explain.range_words(self.type, low, self.high, self.step, self.choices)

    def valid(self, value: object) -> TypeGuard[FactValue]:
        """Whether `value` is allowed for this field (so it is a FactValue)."""
        kind = self.type
        if kind == "bool":
            return isinstance(value, bool)
        if kind == "choice":
            return isinstance(value, str) and value in self.choices
        if not is_number(value):
            return False
        if kind in ("count", "integer", "rank") and not float(value).is_integer():
            return False
        if kind == "target" and value <= 0:
            return False
        if kind == "points" and not self._valid_points(value):
            return False
        return self._in_range(value)

    def _valid_points(self, value: float) -> bool:
        """Points: not negative, and a non-zero value at least `least` and a multiple of `step`."""
        if value != 0:
            if self.least is not None and value < self.least - EPS:
                return False
            if self.step is not None and abs(value / self.step - round(value / self.step)) > 1e-6:
                return False
        return value >= 0

    def _in_range(self, value: float) -> bool:
        if self.low is not None and value < self.low - EPS:
            return False
        return self.high is None or value <= self.high + EPS


def count_spec(name: str, label: str, limit: int | None = None) -> FieldSpec:
    return FieldSpec(name, "count", label, low=0, high=limit)


def bool_spec(name: str, label: str) -> FieldSpec:
    return FieldSpec(name, "bool", label)


class Outcome(NamedTuple):
    best: float
    worst: float
    note: str | None = None  # the arithmetic (only when asked to `say`), if there is something to say
    missing: tuple[str, ...] = ()  # labels of facts not given

    @property
    def known(self) -> bool:
        return not self.missing


NOTHING = Outcome(0.0, 0.0)


@dataclass(frozen=True)
class Clause(ABC):
    """One rule of a sub-item. Subclasses set `kind` and implement `own_fields` and `judge`."""

    kind: ClassVar[str] = ""
    quote: str = ""
    label: str | None = None
    only_if: str | None = None  # applies only when this yes/no fact is true
    unless: str | None = None  # applies only when this yes/no fact is false
    gate_label: str = field(default="", compare=False)
    part: int | None = None  # the circled part (①=1) of a pooled sub-item this clause scores

    @abstractmethod
    def own_fields(self) -> tuple[FieldSpec, ...]:
        """The facts this kind of clause reads."""

    def fields(self) -> tuple[FieldSpec, ...]:
        gates = tuple(bool_spec(g, self.gate_label or g) for g in (self.only_if, self.unless) if g)
        return gates + self.own_fields()

    def problems(self, values: Values) -> list[tuple[str, FactValue, str]]:
        """Checks across fields (field, value, what is allowed); single values are checked by FieldSpec."""
        return []

    @abstractmethod
    def judge(self, values: Values, share: float, say: bool) -> Outcome:
        """The points this clause moves for these facts (and, with `say`, the explanation)."""

    def evaluate(self, values: Values, share: float, say: bool = False) -> Outcome:
        """`share`: the points this clause can move when it states none itself (the sub-item's).
        `say`: also write the note; scoring runs without it and explanations are made on demand."""
        gate = self.only_if or self.unless
        if gate is None:
            return self.judge(values, share, say)
        flag = values.get(gate)
        if flag is None:
            inner = self.judge(values, share, False)
            return Outcome(
                max(0.0, inner.best), min(0.0, inner.worst), None, inner.missing + (self.gate_label or gate,)
            )
        applies = flag if self.only_if else not flag
        return self.judge(values, share, say) if applies else NOTHING


def whole_steps(amount: float, step: float, rounding: str) -> float:
    units = amount / step
    if rounding == "ceil":
        return float(math.ceil(units - EPS))
    if rounding == "exact":
        return units
    return float(math.floor(units + EPS))
