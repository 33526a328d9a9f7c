"""Rule kinds driven by yes/no facts and counts of events: all-or-nothing, per incident (fixed or
escalating), the assessor's discretion and bonus awards."""

from __future__ import annotations

from dataclasses import dataclass

from scoring import explain
from scoring.kinds.base import NOTHING, VOID, Clause, FieldSpec, Outcome, Values, bool_spec, count, count_spec, number


@dataclass(frozen=True)
class AllOrNothing(Clause):
    """A yes/no fact: when it is not `expect`, lose `amount` (default: the whole sub-item) or void it."""

    kind = "all_or_nothing"
    field: str = "done"
    expect: bool = True
    amount: float | None = None
    veto: bool = False

    def own_fields(self) -> tuple[FieldSpec, ...]:
        return (bool_spec(self.field, self.label or self.field),)

    def judge(self, values: Values, share: float, say: bool) -> Outcome:
        loss = VOID if self.veto else -(self.amount if self.amount is not None else share)
        value = values.get(self.field)
        if value is None:
            return Outcome(0.0, loss, None, (self.label or self.field,))
        if value == self.expect:
            return NOTHING
        note = explain.failed(self.label or self.field, self.quote, None if self.veto else -loss) if say else None
        return Outcome(loss, loss, note)


@dataclass(frozen=True)
class Count:
    """One counted event of a per-incident or bonus clause."""

    field: str
    label: str
    each: float = 0.0
    steps: tuple[float, ...] = ()  # escalating: the n-th event costs steps[n-1] (the last repeats)
    quote: str | None = None
    unit: str = "起"
    flag: bool = False  # a yes/no fact counted as 1/0 (bonus "列入...得3分")
    limit: int | None = None

    def cost(self, n: int) -> float:
        if not self.steps:
            return n * self.each
        head = sum(self.steps[:n])
        return head + max(0, n - len(self.steps)) * self.steps[-1]

    def spec(self) -> FieldSpec:
        return bool_spec(self.field, self.label) if self.flag else count_spec(self.field, self.label, self.limit)


def steps_from_cumulative(cumulative: list[float]) -> tuple[float, ...]:
    """ "少1次扣3分,少2次的扣7分,少3次的扣10分" -> per-event steps 3, 4, 3."""
    out: list[float] = []
    before = 0.0
    for total in cumulative:
        out.append(total - before)
        before = total
    return tuple(out)


@dataclass(frozen=True)
class PerIncident(Clause):
    """Each counted event costs a fixed or escalating amount; `max` caps the clause ("最多扣2分")."""

    kind = "per_incident"
    counts: tuple[Count, ...] = ()
    max: float | None = None
    halved_by: str | None = None  # a yes/no fact that halves the deduction ("可减半扣分")

    def own_fields(self) -> tuple[FieldSpec, ...]:
        specs = tuple(c.spec() for c in self.counts)
        if self.halved_by:
            specs += (bool_spec(self.halved_by, explain.halved()),)
        return specs

    def _notes(self, values: Values) -> list[str]:
        """What each counted event cost, in words (only when an explanation is asked for)."""
        notes = []
        for c in self.counts:
            n = count(values, c.field)
            cost = c.cost(n) if n else 0.0
            if cost:
                notes.append(explain.incidents(c.label, n or 0, c.unit, c.quote or self.quote, cost))
        return notes

    def _capped(self, amount: float) -> float:
        return -(min(amount, self.max) if self.max is not None else amount)

    def judge(self, values: Values, share: float, say: bool) -> Outcome:
        total = 0.0
        missing: list[str] = []
        for c in self.counts:
            n = count(values, c.field)
            if n is None:
                missing.append(c.label)
            elif n:
                total += c.cost(n)
        if not total and not missing:
            return NOTHING  # nothing reported and nothing unknown: the common case, quickly
        unknown_count = bool(missing)
        notes = self._notes(values) if say else []
        half = values.get(self.halved_by) if self.halved_by else False
        if half is None and total:
            missing.append(explain.halved())
        best = self._capped(total * 0.5 if half is None or half else total)
        if unknown_count:
            worst = -self.max if self.max is not None else VOID
        else:
            worst = self._capped(total * 0.5 if half else total)
        if say and notes:
            if half:
                notes.append(explain.halved() + explain.lost(total / 2))
            if self.max is not None and total * (0.5 if half else 1) > self.max:
                notes[-1] += ", " + explain.capped_at(self.max)
        return Outcome(best, worst, "; ".join(notes) or None, tuple(missing))


@dataclass(frozen=True)
class Discretion(Clause):
    """The assessor's deduction (or award, `sign: add`), in `step`s from `least`, at most `max`."""

    kind = "discretion"
    field: str = "deduction"
    max: float | None = None  # the loader sets the sub-item's points when the text gives none
    step: float = 0.5
    least: float | None = None
    add: bool = False

    def own_fields(self) -> tuple[FieldSpec, ...]:
        return (
            FieldSpec(
                self.field,
                "points",
                self.label or self.field,
                low=0,
                high=self.max,
                step=self.step,
                least=self.least if self.least is not None else self.step,
            ),
        )

    def judge(self, values: Values, share: float, say: bool) -> Outcome:
        value = number(values, self.field)
        if value is None:
            if self.add:
                return Outcome(self.max or 0.0, 0.0, None, (self.label or self.field,))
            return Outcome(0.0, VOID if self.max is None else -self.max, None, (self.label or self.field,))
        if not value:
            return NOTHING
        delta = value if self.add else -value
        return Outcome(delta, delta, explain.discretion(self.label, value, self.add) if say else None)


@dataclass(frozen=True)
class Bonus(Clause):
    """Points earned per counted item, up to `max` ("每个加2分,最高8分")."""

    kind = "bonus"
    counts: tuple[Count, ...] = ()
    max: float | None = None
    quiet: bool = False  # do not mention items that earned nothing (the loader sets it where the
    # sub-item starts at full marks, so a bonus only restores points)

    def own_fields(self) -> tuple[FieldSpec, ...]:
        return tuple(c.spec() for c in self.counts)

    def judge(self, values: Values, share: float, say: bool) -> Outcome:
        total = 0.0
        notes: list[str] = []
        missing: list[str] = []
        for c in self.counts:
            n = count(values, c.field)
            if n is None:
                missing.append(c.label)
                continue
            gain = c.each * ((1 if n else 0) if c.flag else n)
            if say and (gain or not self.quiet):
                notes.append(explain.bonus_item(c.label, n, c.unit, c.quote or self.quote, gain))
            total += gain
        top = self.max if self.max is not None else share
        known = min(total, top) if top else total
        if say and notes and self.max is not None and total > self.max:
            notes[-1] += ", " + explain.bonus_cap(self.max)
        best = top if missing and top else known
        return Outcome(best, known, "; ".join(notes) or None, tuple(missing))
