"""The rubric as immutable objects: sections, indicators, items and the sub-items that carry rules.

Ids are `<indicator>.<item>[.<part>]` (`3.1.1` is indicator 3, item 1, part ①); section 八's items are
`bonus.N` and `penalty.N`, section 九's major issues `major.N`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from scoring.kinds import Clause, FieldSpec, Outcome, Values

# A clause's scoring call: (the sub-item's facts, its cap, whether to write the note) -> the outcome.
Judge = Callable[[Values, float, bool], Outcome]


class UnknownIdError(KeyError):
    """An id that names no indicator, item or sub-item of the rubric."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown id"


@dataclass(frozen=True)
class SubItem:
    id: str
    name: str
    points: float  # its share of the indicator's weight (0 for section 八)
    text: str  # the letter's words for this sub-item, verbatim
    clauses: tuple[Clause, ...]
    fields: Mapping[str, FieldSpec]  # every fact its clauses read, by name
    indicator: int | str
    item: int
    base: float  # where the score starts: the points, or less when points are earned (17.1: 0)
    cap: float  # the most it can score
    shared_text: str | None = None  # a sentence of the item that governs every part
    decision: str | None = None
    exempt: bool = False  # voluntary for Shengzhou: full points in every view (9.1.2)
    derived: bool = False  # points not stated by the source, derived from the item's rest
    # Where the letter gives this county less than the part's points (9.3②: 其他区、县(市) 得2分 of 3), `cap`
    # is that lower award and `cap_quote` the letter's words for it.
    cap_quote: str | None = None
    adjustment: str | None = None  # "bonus" / "penalty" in section 八
    recognized_by: tuple[str, ...] = ()
    # A pooled sub-item (circled parts without points of their own, one shared pool): part id ->
    # (its verbatim text, the fields its clauses read). The part ids are aliases for facts and at-risk.
    parts: Mapping[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.kind for c in self.clauses))

    @functools.cached_property
    def attainable(self) -> float:
        """The most it can score for this county: its points, or the lower award the letter gives it."""
        return min(self.points, self.cap)

    @functools.cached_property
    def shown_cap(self) -> float:
        """The cap as scores show it (rounded to 4 places like every score)."""
        return round(self.cap, 4) + 0.0

    @functools.cached_property
    def judges(self) -> tuple[Judge, ...]:
        """Each clause's scoring call, its condition checked only where it has one (the engine's hot loop)."""
        return tuple(c.evaluate if c.only_if or c.unless else c.judge for c in self.clauses)


@dataclass(frozen=True)
class Item:
    no: int
    title: str
    points: float
    text: str
    subitems: tuple[SubItem, ...]
    recognized_by: tuple[str, ...] = ()
    shared_text: str | None = None


@dataclass(frozen=True)
class Indicator:
    no: int | str
    section: int
    name: str
    weight: float
    recognized_by: tuple[str, ...]
    items: tuple[Item, ...]
    cap: float | None = None  # section 八 bonus: 加分最高不超过20分
    cap_text: str | None = None
    adjustment: str | None = None
    decision: str | None = None

    @functools.cached_property
    def subitems(self) -> tuple[SubItem, ...]:
        return tuple(s for item in self.items for s in item.subitems)

    @functools.cached_property
    def attainable(self) -> float:
        """Its weight less what the letter gives this county less of (indicator 9: 9 of 10); 0 in section 八."""
        return 0.0 if self.adjustment else round(sum(s.attainable for s in self.subitems), 4) + 0.0


@dataclass(frozen=True)
class Section:
    no: int
    numeral: str
    title: str
    points: float
    indicators: tuple[Indicator, ...]

    @functools.cached_property
    def attainable(self) -> float:
        """Its points less what the letter gives this county less of (section 二: 119 of 120)."""
        return round(sum(ind.attainable for ind in self.indicators), 4) + 0.0


@dataclass(frozen=True)
class MajorIssue:
    id: str
    text: str


@dataclass(frozen=True)
class Excellence:
    threshold: float
    text: str
    major_issues: tuple[MajorIssue, ...]
    decision: str | None = None


@dataclass(frozen=True)
class Rubric:
    code: str
    title: str
    county: str
    year: int
    source: str
    total: float
    sections: tuple[Section, ...]
    excellence: Excellence
    _by_id: Mapping[str, SubItem] = field(default_factory=dict, repr=False, compare=False)

    _aliases: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)
    # indicator id (`3`) and item id (`3.1`) -> the sub-item ids under it, so lookups never scan
    _under: Mapping[str, tuple[str, ...]] = field(default_factory=dict, repr=False, compare=False)
    _indicators: Mapping[str, Indicator] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {s.id: s for sec in self.sections for ind in sec.indicators for s in ind.subitems}
        object.__setattr__(self, "_by_id", MappingProxyType(index))
        aliases = {pid: s.id for s in index.values() for pid in s.parts}
        object.__setattr__(self, "_aliases", MappingProxyType(aliases))
        under: dict[str, list[str]] = {}
        for sid in index:
            head = sid.split(".")
            for n in range(1, len(head)):  # every proper prefix: `3` and `3.1` of `3.1.2`
                under.setdefault(".".join(head[:n]), []).append(sid)
        object.__setattr__(self, "_under", MappingProxyType({k: tuple(v) for k, v in under.items()}))
        indicators = {str(ind.no): ind for sec in self.sections for ind in sec.indicators}
        object.__setattr__(self, "_indicators", MappingProxyType(indicators))

    def pooled_part(self, pid: str) -> tuple[SubItem, tuple[str, ...]] | None:
        """For a part id of a pooled sub-item (`31.1.2`): the sub-item and the fields of that part."""
        sid = self._aliases.get(pid)
        if sid is None:
            return None
        sub = self._by_id[sid]
        return sub, sub.parts[pid][1]

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(ind for sec in self.sections for ind in sec.indicators)

    @functools.cached_property
    def attainable(self) -> float:
        """Full marks for this county under this letter: `total` less what the letter gives it less of (999)."""
        return round(sum(s.attainable for ind in self.scored_indicators for s in ind.subitems), 4) + 0.0

    @functools.cached_property
    def capped(self) -> tuple[SubItem, ...]:
        """The sub-items where the letter gives this county less than their points (9.3.2)."""
        return tuple(s for ind in self.scored_indicators for s in ind.subitems if s.attainable < s.points)

    @property
    def scored_indicators(self) -> tuple[Indicator, ...]:
        """The 33 indicators of sections 一 to 七 (without section 八's adjustments)."""
        return tuple(ind for ind in self.indicators if not ind.adjustment)

    @property
    def subitems(self) -> tuple[SubItem, ...]:
        return tuple(self._by_id.values())

    def subitem(self, sid: str) -> SubItem:
        try:
            return self._by_id[sid]
        except KeyError:
            raise UnknownIdError(f"unknown sub-item id {sid!r}") from None

    def __contains__(self, sid: object) -> bool:
        return sid in self._by_id

    def indicator(self, no: int | str) -> Indicator:
        try:
            return self._indicators[str(no)]
        except KeyError:
            raise UnknownIdError(f"unknown indicator {no!r}") from None

    def parts_of(self, prefix: str) -> tuple[str, ...]:
        """Sub-item ids under an indicator (`3`) or item (`3.1`) id; () when it names none."""
        return self._under.get(prefix, ())

    def expand(self, ids: Iterable[object]) -> frozenset[str]:
        """Sub-item ids for a mix of indicator, item and sub-item ids (as a letter line's `rubric:` list)."""
        out: set[str] = set()
        for raw in ids:
            sid = str(raw)
            if sid in self._by_id:
                out.add(sid)
                continue
            if sid in self._aliases:
                out.add(self._aliases[sid])
                continue
            parts = self.parts_of(sid)
            if not parts:
                raise UnknownIdError(f"unknown rubric id {sid!r}")
            out.update(parts)
        return frozenset(out)

    @property
    def major_ids(self) -> tuple[str, ...]:
        return tuple(m.id for m in self.excellence.major_issues)
