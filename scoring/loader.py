"""Read the rubric data file into a `Rubric`, checking that it adds up and that every rule can be used."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from scoring import kinds
from scoring.kinds import Clause, FieldSpec, RuleError
from scoring.kinds.base import Raw
from scoring.model import Excellence, Indicator, Item, MajorIssue, Rubric, Section, SubItem
from yaml_reader import YamlFileError, read_yaml

# Kept in step with storage.paths.DATA_DIR without importing the bot: scoring stays a pure library.
DEFAULT_PATH = Path(__file__).resolve().parents[1] / "data" / "shengzhou-2022-rubric.yaml"
# The bundled YAML already parsed, with the sha256 of the text it was parsed from: read in a millisecond where
# the YAML takes 45 (`duban score` starts faster); `python -m scoring.loader` writes it again after an edit.
PARSED_PATH = DEFAULT_PATH.with_suffix(".json")
ID_PATTERN = re.compile(r"^(\d+)\.(\d+)(?:\.(\d+))?$")


class RubricError(ValueError):
    """The rubric data is malformed or does not add up; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("rubric data: " + "; ".join(problems))


def load_rubric(path: str | Path | None = None) -> Rubric:
    """The rubric from `path`, or the bundled Shengzhou 2022 appendix (parsed once, then shared)."""
    if path is None:
        return _bundled()
    return _load(Path(path))


@functools.lru_cache(maxsize=1)
def _bundled() -> Rubric:
    """The parsed copy while it is the YAML's; the YAML itself once edited and not yet parsed again."""
    try:
        parsed = json.loads(PARSED_PATH.read_bytes())
    except (OSError, ValueError):
        parsed = None
    if not isinstance(parsed, dict) or parsed.get("sha256") != _digest(DEFAULT_PATH):
        return _load(DEFAULT_PATH)
    return rubric_from_mapping(parsed["data"])


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def write_parsed(source: Path = DEFAULT_PATH, target: Path = PARSED_PATH) -> None:
    """The YAML's data as JSON beside it, with the digest that tells whether it is still the YAML's."""
    parsed = {"sha256": _digest(source), "data": read_yaml(source, dates=False)}
    target.write_text(json.dumps(parsed, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _load(path: Path) -> Rubric:
    try:
        data = read_yaml(path, dates=False)
    except YamlFileError as exc:
        raise RubricError([str(exc)]) from None
    try:
        return rubric_from_mapping(data)
    except RubricError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise RubricError([f"{path}: not rubric data ({type(exc).__name__}: {str(exc)[:80]})"]) from None


def _num(value: Any) -> float:
    """A number read from the rubric data (raw YAML: float() says what is wrong with it); None is 0."""
    return float(value) if value is not None else 0.0


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


def _merge_fields(sid: str, clauses: Iterable[Clause], problems: list[str]) -> dict[str, FieldSpec]:
    fields: dict[str, FieldSpec] = {}
    for clause in clauses:
        for spec in clause.fields():
            seen = fields.get(spec.name)
            if seen is None:
                fields[spec.name] = spec
            elif seen.type != spec.type:
                problems.append(f"{sid}: field {spec.name} is both {seen.type} and {spec.type}")
    return fields


def _bounds(
    sid: str, data: Raw, item: Raw, points: float, adjustment: str | None, problems: list[str]
) -> tuple[float, float, str | None]:
    """Where the score starts, the most it can score, and the letter's words when that is below its points."""
    cap = _num(data.get("cap", points))
    # a part the letter awards this county less of (9.3②: 其他区、县(市) 得2分) starts at that award
    base = 0.0 if adjustment else _num(data.get("base", min(points, cap)))
    cap_quote = data.get("cap_quote")
    if not adjustment and cap < points and not (cap_quote and cap_quote in item["text"]):
        problems.append(f"{sid}: cap {cap:g} below its {points:g} points needs cap_quote, the letter's words for it")
    return base, cap, cap_quote


def _subitem(data: Raw, ind: Raw, item: Raw, problems: list[str], adjustment: str | None) -> SubItem | None:
    sid = str(data.get("id"))
    points = _num(data.get("points"))
    expected = f"{ind['no']}.{item['no']}"
    if not (sid == expected or sid.startswith(expected + ".")):
        problems.append(f"{sid}: id does not match indicator {ind['no']} item {item['no']}")
    conditions = data.get("conditions") or {}
    clauses: list[Clause] = []
    for k, raw in enumerate(data.get("rule") or []):
        try:
            clause = kinds.build(raw, f"{sid} rule {k + 1}", points, conditions)
        except (RuleError, KeyError, TypeError) as exc:
            problems.append(str(exc) if isinstance(exc, RuleError) else f"{sid} rule {k + 1}: {exc!r}")
            continue
        counts = clause.counts if isinstance(clause, (kinds.PerIncident, kinds.Bonus)) else ()
        quotes = [clause.quote] + [c.quote for c in counts if c.quote]
        for quote in filter(None, quotes):
            if quote not in item["text"]:
                problems.append(f"{sid}: quote is not the letter's words: {quote}")
        clauses.append(clause)
    if not clauses:
        problems.append(f"{sid}: no rule")
        return None
    parts: dict[str, tuple[str, tuple[str, ...]]] = {}
    for part in data.get("parts") or []:
        no = int(str(part["id"]).rsplit(".", 1)[1])
        fields = tuple(dict.fromkeys(f.name for c in clauses if c.part == no for f in c.fields()))
        if not fields or not str(part["id"]).startswith(sid + ".") or part["text"] not in item["text"]:
            problems.append(f"{part['id']}: a pooled part needs its own clauses, id and verbatim text")
        parts[str(part["id"])] = (part["text"], fields)
    base, cap, cap_quote = _bounds(sid, data, item, points, adjustment, problems)
    if base >= cap:  # a bonus here only restores lost points: an item that earned nothing is not news
        clauses = [dataclasses.replace(c, quiet=True) if isinstance(c, kinds.Bonus) else c for c in clauses]
    return SubItem(
        id=sid,
        name=data["name"],
        points=points,
        text=data.get("text") or item["text"],
        clauses=tuple(clauses),
        fields=_merge_fields(sid, clauses, problems),
        indicator=ind["no"],
        item=item["no"],
        base=base,
        cap=cap,
        shared_text=item.get("shared_text"),
        decision=data.get("decision"),
        exempt=bool(data.get("exempt")),
        derived=bool(data.get("derived")),
        cap_quote=cap_quote,
        adjustment=adjustment,
        recognized_by=tuple(item.get("recognized_by") or ind.get("recognized_by") or ()),
        parts=parts,
    )


def _indicator(data: Raw, problems: list[str]) -> Indicator:
    adjustment = data.get("adjustment")
    items = []
    for item in data.get("items") or []:
        subs = [
            s
            for s in (_subitem(sd, data, item, problems, adjustment) for sd in item.get("subitems") or [])
            if s is not None
        ]
        total = sum(s.points for s in subs)
        if not _close(total, _num(item.get("points"))):
            problems.append(
                f"{data['no']}.{item['no']}: sub-items add to {total:g}, the item states {_num(item.get('points')):g}"
            )
        items.append(
            Item(
                no=item["no"],
                title=item.get("title") or "",
                points=_num(item.get("points")),
                text=item["text"],
                subitems=tuple(subs),
                recognized_by=tuple(item.get("recognized_by") or ()),
                shared_text=item.get("shared_text"),
            )
        )
    weight = _num(data.get("weight"))
    total = sum(i.points for i in items)
    if not _close(total, weight):
        problems.append(f"indicator {data['no']}: items add to {total:g}, its weight is {weight:g}")
    return Indicator(
        no=data["no"],
        section=data["section"],
        name=data["name"],
        weight=weight,
        recognized_by=tuple(data.get("recognized_by") or ()),
        items=tuple(items),
        cap=data.get("cap"),
        cap_text=data.get("cap_text"),
        adjustment=adjustment,
        decision=data.get("decision"),
    )


def rubric_from_mapping(data: object) -> Rubric:
    """Build and check a Rubric from the parsed data file; RubricError lists every problem found."""
    if not isinstance(data, Mapping) or not {"rubric", "sections", "indicators", "excellence"} <= set(data):
        raise RubricError(["expected keys rubric, sections, indicators, excellence"])
    problems: list[str] = []
    indicators = [_indicator(d, problems) for d in data["indicators"]]
    sections = []
    for sec in data["sections"]:
        members = tuple(i for i in indicators if i.section == sec["no"])
        weight = sum(i.weight for i in members)
        if not _close(weight, _num(sec["points"])):
            problems.append(f"section {sec['no']}: weights add to {weight:g}, it states {sec['points']}")
        sections.append(
            Section(
                no=sec["no"], numeral=sec["numeral"], title=sec["title"], points=_num(sec["points"]), indicators=members
            )
        )
    meta = data["rubric"]
    total = sum(s.points for s in sections)
    if not _close(total, _num(meta.get("total"))):
        problems.append(f"sections add to {total:g}, the rubric states {meta.get('total')}")
    orphans = [str(i.no) for i in indicators if i.section not in {s.no for s in sections}]
    if orphans:
        problems.append(f"indicators outside any section: {', '.join(orphans)}")
    ids = [s.id for i in indicators for s in i.subitems]
    ids += [p for i in indicators for s in i.subitems for p in s.parts]
    dupes = sorted({x for x in ids if ids.count(x) > 1})
    if dupes:
        problems.append(f"duplicate ids: {', '.join(dupes)}")
    for sid in ids:
        if not ID_PATTERN.match(sid) and not re.match(r"^(bonus|penalty)\.\d+$", sid):
            problems.append(f"{sid}: not an <indicator>.<item>[.<part>] id")
    exc = data["excellence"]
    excellence = Excellence(
        threshold=_num(exc["threshold"]),
        text=exc["text"],
        decision=exc.get("decision"),
        major_issues=tuple(MajorIssue(m["id"], m["text"]) for m in exc["major_issues"]),
    )
    if problems:
        raise RubricError(problems)
    return Rubric(
        code=meta["code"],
        title=meta["title"],
        county=meta.get("county", ""),
        year=meta["year"],
        source=meta.get("source", ""),
        total=_num(meta["total"]),
        sections=tuple(sections),
        excellence=excellence,
    )


if __name__ == "__main__":
    write_parsed()
    print(f"wrote {PARSED_PATH}")
