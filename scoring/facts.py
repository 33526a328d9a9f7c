"""Facts: what is known about each sub-item, keyed by sub-item id, validated against the rubric.

A facts set is built from a file (`load_facts`) or a mapping (`Facts.from_mapping`, for the storage
layer building facts from verified reports). Validation is all-or-nothing: every problem is collected
and a `FactsError` lists them; no Facts object exists for half-valid data. The format is documented in
docs/facts-format.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from scoring import explain
from scoring.kinds import FactValue, FieldSpec, Values
from scoring.kinds.base import is_number
from scoring.loader import load_rubric
from scoring.model import Rubric, SubItem
from yaml_reader import YamlFileError, cut, read_yaml

MAX_LISTED = 20  # problems listed in a FactsError's message; the rest are counted
MAJOR_FIELD = "occurred"
MAJOR_SPEC = FieldSpec(MAJOR_FIELD, "bool", "发生重大问题")

# A part of a pooled sub-item: the sub-item and the fields that part reads.
Pooled = tuple[SubItem, tuple[str, ...]]


@dataclass(frozen=True)
class Problem:
    id: str
    field: str | None
    value: object  # the value as given, unchecked
    message: str

    def __str__(self) -> str:
        return self.message


class FactsError(ValueError):
    """Facts that cannot be used; `.problems` lists every one with its id, value and what is allowed."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        lines = [explain.facts_header(len(problems))] + [f"- {cut(str(p), 240)}" for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            lines.append(explain.more_problems(len(problems) - MAX_LISTED))
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Facts:
    """Validated facts: sub-item id -> {field: value}. Immutable; combine with `merge`."""

    values: Mapping[str, Values] = field(default_factory=dict)
    # The same values as plain dicts, for the engine's hot loop only (see `unguarded`).
    _dicts: dict[str, dict[str, FactValue]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        dicts = {sid: dict(v) for sid, v in self.values.items()}  # copies: no caller can change them
        object.__setattr__(self, "_dicts", dicts)
        object.__setattr__(self, "values", MappingProxyType({sid: MappingProxyType(v) for sid, v in dicts.items()}))

    def unguarded(self) -> Mapping[str, Values]:
        """The values without their read-only wrappers, for the scoring engine, which only reads them: a
        read through a mappingproxy costs twice a dict's, and an evaluation makes about 470 of them."""
        return self._dicts

    def get(self, sid: str) -> Values | None:
        return self.values.get(sid)

    def __contains__(self, sid: object) -> bool:
        return sid in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def to_mapping(self) -> dict[str, dict[str, FactValue]]:
        return {sid: dict(v) for sid, v in self.values.items()}

    @classmethod
    def from_mapping(cls, data: object, rubric: Rubric | None = None) -> Facts:
        """Validate `data` ({id: {field: value}} or {"facts": {...}}) against the rubric (default: bundled)."""
        if rubric is None:
            rubric = load_rubric()
        if isinstance(data, Mapping) and set(data) == {"facts"}:
            data = data["facts"] or {}
        if not isinstance(data, Mapping):
            raise FactsError([Problem("facts", None, data, explain.not_a_mapping("facts", data))])
        problems: list[Problem] = []
        values: dict[str, dict[str, FactValue]] = {}
        for raw_id, raw in data.items():
            sid = _id(raw_id)
            pooled = rubric.pooled_part(sid)
            checked = _check_one(rubric, sid, raw, problems, pooled)
            if checked is None:
                continue
            target = pooled[0].id if pooled else sid
            into = values.setdefault(target, {})
            for name, value in checked.items():  # a part id and its sub-item id may both carry facts
                if name in into and into[name] != value:
                    problems.append(Problem(sid, name, value, explain.conflict(sid, name, into[name], value)))
                into[name] = value
        if problems:
            raise FactsError(problems)
        return cls(values)


def _id(raw: object) -> str:
    # YAML reads an unquoted 13.1 as a number; ids never end in a 0 part, so str() gives it back.
    return str(raw)


def specs_for(rubric: Rubric, sid: str, pooled: Pooled | None = None) -> Mapping[str, FieldSpec] | None:
    """The fields facts for `sid` may give; None when the rubric has no such id."""
    if pooled is not None:  # a part of a pooled sub-item: just that part's fields
        sub, only = pooled
        return {name: sub.fields[name] for name in only}
    if sid in rubric.major_ids:
        return {MAJOR_FIELD: MAJOR_SPEC}
    if sid in rubric:
        return rubric.subitem(sid).fields
    return None


def _check_one(
    rubric: Rubric, sid: str, raw: object, problems: list[Problem], pooled: Pooled | None
) -> dict[str, FactValue] | None:
    """The checked facts of one id (`raw` as given), or None after adding what is wrong to `problems`."""
    specs = _accepting_specs(rubric, sid, raw, problems, pooled)
    if specs is None:
        return None
    given = _as_fields(sid, raw, specs, problems)
    if given is None:
        return None
    out = _check_values(sid, given, specs, problems)
    if out is None or sid not in rubric:
        return out
    return out if _check_clauses(rubric, sid, out, specs, problems) else None


def _accepting_specs(
    rubric: Rubric, sid: str, raw: object, problems: list[Problem], pooled: Pooled | None
) -> Mapping[str, FieldSpec] | None:
    """The fields of `sid`, or None (and a problem) when it is unknown or takes no facts."""
    specs = specs_for(rubric, sid, pooled)
    if specs is None:
        parts = rubric.parts_of(sid)
        hint = explain.has_parts(sid, list(parts)) if parts else None
        problems.append(Problem(sid, None, raw, explain.unknown_id(sid, hint)))
        return None
    if sid in rubric and rubric.subitem(sid).exempt:
        problems.append(Problem(sid, None, raw, explain.not_applicable(sid, rubric.county)))
        return None
    return specs


def _as_fields(
    sid: str, raw: object, specs: Mapping[str, FieldSpec], problems: list[Problem]
) -> Mapping[object, object] | None:
    """`raw` as {field: value}; a bare value is allowed only where one field can be meant."""
    if isinstance(raw, Mapping):
        return raw
    if len(specs) != 1:
        problems.append(Problem(sid, None, raw, explain.not_a_mapping(sid, raw)))
        return None
    return {next(iter(specs)): raw}


def _check_values(
    sid: str, given: Mapping[object, object], specs: Mapping[str, FieldSpec], problems: list[Problem]
) -> dict[str, FactValue] | None:
    """Each value against its field's spec; None when any is wrong (every problem is added)."""
    out: dict[str, FactValue] = {}
    ok = True
    for name, value in given.items():
        spec = specs.get(str(name))
        if spec is None:
            problems.append(Problem(sid, str(name), value, explain.unknown_field(sid, str(name), list(specs))))
            ok = False
        elif value is None or not spec.valid(value):
            problems.append(Problem(sid, spec.name, value, explain.bad_value(sid, spec.name, value, spec.allowed())))
            ok = False
        else:
            out[spec.name] = _normal(value, spec)
    return out if ok else None


def _check_clauses(
    rubric: Rubric, sid: str, out: Values, specs: Mapping[str, FieldSpec], problems: list[Problem]
) -> bool:
    """Checks across fields, by the sub-item's clauses (a score against the `full` it is out of)."""
    ok = True
    for clause in rubric.subitem(sid).clauses:
        for name, value, allowed in clause.problems(out):
            message = (
                explain.needs(sid, name, allowed) if allowed in specs else explain.bad_value(sid, name, value, allowed)
            )
            problems.append(Problem(sid, name, value, message))
            ok = False
    return ok


def _normal(value: FactValue, spec: FieldSpec) -> FactValue:
    if spec.type in ("count", "integer", "rank") and is_number(value):
        return int(value)
    return value


def load_facts(path: str | Path, rubric: Rubric | None = None) -> Facts:
    """Read and validate a YAML or JSON facts file (JSON is valid YAML)."""
    path = Path(path)
    try:
        data = read_yaml(path, dates=False)
    except YamlFileError as exc:
        raise FactsError([Problem(str(path), None, None, str(exc))]) from None
    if data is None or (isinstance(data, Mapping) and set(data) == {"facts"} and data["facts"] is None):
        # an empty or truncated export must not read as "no deductions", i.e. full marks
        raise FactsError([Problem(str(path), None, None, explain.facts_file_empty(str(path)))])
    return Facts.from_mapping(data, rubric)


def merge(base: Facts, overlay: Facts | Mapping[str, object], rubric: Rubric | None = None) -> Facts:
    """`base` with `overlay` on top, field by field: an overlay value replaces the base value of the same
    sub-item field; other fields of that sub-item stay. The result is validated again, since a field
    may depend on another (a score against the `full` it is out of)."""
    if not isinstance(overlay, Facts):
        overlay = Facts.from_mapping(overlay, rubric)
    combined = base.to_mapping()
    for sid, values in overlay.values.items():
        combined.setdefault(sid, {}).update(values)
    return Facts.from_mapping(combined, rubric)
