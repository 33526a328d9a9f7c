"""What an evaluation returns: immutable results per sub-item, indicator and section, with the three
views of every score (projected, secured, at risk) and the reasons for every lost point."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple, Protocol

from scoring import explain
from scoring.model import SubItem, UnknownIdError

VIEWS = ("projected", "secured", "at_risk")


class Scored(Protocol):
    """A result with a score in each of the three views."""

    @property
    def projected(self) -> float: ...

    @property
    def secured(self) -> float: ...

    @property
    def at_risk(self) -> float: ...


def in_view(result: Scored, view: str) -> float:
    """The score of `result` in `view` (one of VIEWS)."""
    if view == "projected":
        return result.projected
    if view == "secured":
        return result.secured
    if view == "at_risk":
        return result.at_risk
    raise AttributeError(f"no view {view!r}; the views are {', '.join(VIEWS)}")


Texts = tuple[tuple[str, ...], tuple[str, ...]]


def _no_texts(result: SubItemResult) -> Texts:
    return (), ()


class SubItemResult(NamedTuple):
    """One sub-item's scores. The per-evaluation results are named tuples, not frozen dataclasses: an
    evaluation makes over 200 of them and a frozen dataclass costs three times as much to build."""

    id: str
    name: str
    points: float  # the most it can score here: its points, or the letter's lower award for this county
    projected: float  # full marks less every known deduction
    secured: float  # only what verified facts prove (no facts: 0)
    at_risk: float  # points at stake when its task is overdue or unreported (projected - secured)
    has_facts: bool
    adjustment: str | None = None  # section 八: "bonus" or "penalty"
    # Writes (reasons, secured_reasons) of a result when asked, once: evaluation itself stays free of text
    # work. One per evaluation (the engine's), shared by its results.
    explainer: Callable[[SubItemResult], Texts] = _no_texts

    @property
    def reasons(self) -> tuple[str, ...]:
        """Why projected points are lost (section 八: what was added or deducted), in Chinese."""
        return self.explainer(self)[0]

    @property
    def secured_reasons(self) -> tuple[str, ...]:
        """Why secured points fall short of the sub-item's points."""
        return self.explainer(self)[1]

    def score(self, view: str) -> float:
        return in_view(self, view)

    def why(self, view: str) -> tuple[str, ...]:
        return self.secured_reasons if view == "secured" else self.reasons


class IndicatorResult(NamedTuple):
    no: int | str
    name: str
    section: int
    weight: float
    attainable: float  # the weight less what the letter gives this county less of
    projected: float
    secured: float
    at_risk: float
    subitems: tuple[SubItemResult, ...]
    notes: tuple[str, ...] = ()  # e.g. the bonus ceiling of section 八

    def score(self, view: str) -> float:
        return in_view(self, view)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(r for s in self.subitems for r in s.reasons) + self.notes

    def lost(self, view: str = "projected") -> tuple[SubItemResult, ...]:
        """Sub-items scoring below their points in this view (for section 八: any non-zero adjustment)."""
        if self.weight == 0:
            return tuple(s for s in self.subitems if s.score(view))
        return tuple(s for s in self.subitems if s.score(view) < s.points - 1e-9)


class SectionResult(NamedTuple):
    no: int
    numeral: str
    title: str
    weight: float
    attainable: float
    projected: float
    secured: float
    at_risk: float
    indicators: tuple[IndicatorResult, ...]

    def score(self, view: str) -> float:
        return in_view(self, view)


@dataclass(frozen=True)
class Totals:
    projected: float
    secured: float
    at_risk: float

    def __getitem__(self, view: str) -> float:
        return in_view(self, view)


@dataclass(frozen=True)
class ExcellenceResult:
    """九、评优基本标准: at least the threshold and no major issue, judged in each view. The reasons are
    written when first asked for, from what the evaluation found (evaluation itself writes no text)."""

    threshold: float
    projected: bool
    secured: bool
    totals: tuple[float, float]  # the total score, projected and secured
    occurred: tuple[str, ...] = ()  # the major issues that occurred, in the letter's words
    unverified: tuple[str, ...] = ()  # ids of the major issues no fact settles

    @functools.cached_property
    def reasons(self) -> tuple[str, ...]:
        return (self._score_words(self.totals[0]), *self._issues)

    @functools.cached_property
    def secured_reasons(self) -> tuple[str, ...]:
        unverified = (explain.major_unverified(list(self.unverified)),) if self.unverified else ()
        return (self._score_words(self.totals[1]), *self._issues, *unverified)

    @property
    def _issues(self) -> tuple[str, ...]:
        return tuple(explain.major_issue(text) for text in self.occurred)

    def _score_words(self, total: float) -> str:
        if total >= self.threshold:
            return explain.reaches(total, self.threshold)
        return explain.falls_short(total, self.threshold)

    def verdict(self, view: str) -> bool:
        return self.secured if view == "secured" else self.projected

    def why(self, view: str) -> tuple[str, ...]:
        return self.secured_reasons if view == "secured" else self.reasons


@dataclass(frozen=True)
class ScoreResult:
    total: Totals
    sections: tuple[SectionResult, ...]
    excellent: ExcellenceResult
    full_marks: float  # the letter's total (1000)
    attainable: float  # full marks for this county under the letter (999: 9.3② gives it 2 of 3)
    capped: tuple[SubItem, ...] = ()  # the sub-items that make the difference

    @property
    def maximum_words(self) -> str:
        """满分1000分, or 满分1000分 with this county's own full marks and the sub-items that lower them."""
        return explain.maximum(self.full_marks, self.attainable, [(s.id, s.attainable) for s in self.capped])

    @property
    def attainable_reasons(self) -> tuple[str, ...]:
        """Which rule lowers this county's full marks, in the letter's words."""
        return tuple(explain.capped(s.id, s.name, s.points, s.attainable, s.cap_quote or "") for s in self.capped)

    @property
    def indicators(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for s in self.sections for i in s.indicators)

    @functools.cached_property
    def subitems(self) -> Mapping[str, SubItemResult]:
        return MappingProxyType({s.id: s for i in self.indicators for s in i.subitems})

    def subitem(self, sid: str) -> SubItemResult:
        try:
            return self.subitems[sid]
        except KeyError:
            raise UnknownIdError(f"unknown sub-item id {sid!r}") from None

    def indicator(self, no: int | str) -> IndicatorResult:
        found = next((i for i in self.indicators if str(i.no) == str(no)), None)
        if found is None:
            raise UnknownIdError(f"unknown indicator {no!r}")
        return found

    def section(self, no: int) -> SectionResult:
        found = next((s for s in self.sections if s.no == no), None)
        if found is None:
            raise UnknownIdError(f"unknown section {no!r}")
        return found


@dataclass(frozen=True)
class Delta:
    before: float
    after: float

    @property
    def diff(self) -> float:
        return round(self.after - self.before, 4)


@dataclass(frozen=True)
class Change:
    id: str
    name: str
    projected: Delta
    secured: Delta

    def view(self, view: str) -> Delta:
        return self.secured if view == "secured" else self.projected


@dataclass(frozen=True)
class WhatIf:
    before: ScoreResult
    after: ScoreResult
    changes: tuple[Change, ...]  # sub-items whose projected or secured score moves

    def total(self, view: str = "projected") -> Delta:
        return Delta(self.before.total[view], self.after.total[view])
