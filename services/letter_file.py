"""Reading a letter file (format: data/README.md) into plain data, with every problem named by line.

Pure: no database. `read_letter(path)` returns a `LetterData` or raises `LetterFileError` listing every
problem found (file, line, what is wrong), so nothing is written from a half-valid file.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from deadlines.specs import DeadlineSpec, SpecError

if TYPE_CHECKING:  # yaml_reader (PyYAML) loads when a letter is read, not for DEFAULT_OFFICE or closest()
    from yaml_reader import LineDict

COMPARISONS = ("at_least", "at_most", "equal")


@dataclass(frozen=True)
class Target:
    name: str
    value: float
    unit: str
    comparison: str = "at_least"
    rubric: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        data = {"name": self.name, "value": self.value, "unit": self.unit, "comparison": self.comparison}
        if self.rubric:
            data["rubric"] = self.rubric
        if self.note:
            data["note"] = self.note
        return data


@dataclass(frozen=True)
class LineData:
    id: str
    text: str
    departments: tuple[str, ...]
    recognized_by: tuple[str, ...]
    rubric: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    deadlines: tuple[DeadlineSpec, ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class ItemData:
    no: int
    section: int
    title: str
    lines: tuple[LineData, ...]


@dataclass(frozen=True)
class Department:
    name: str
    aliases: tuple[str, ...] = ()


DEFAULT_OFFICE = "牵头办公室"  # a letter file that does not name its office


@dataclass(frozen=True)
class LetterData:
    code: str
    year: int
    title: str
    document_no: str | None
    issued_on: date | None
    issuer: str | None
    goals: str | None
    departments: tuple[Department, ...]
    recognizing_departments: tuple[Department, ...]
    sections: dict[int, tuple[str, int | None]]
    items: tuple[ItemData, ...]
    digest: str = field(default="", compare=False)
    # The coordinating office's short name (美丽办) and the county (嵊州市), as the bot says them.
    office: str = DEFAULT_OFFICE
    county: str | None = None

    def lines(self) -> list[tuple[ItemData, LineData]]:
        return [(item, line) for item in self.items for line in item.lines]


class LetterFileError(ValueError):
    def __init__(self, path: Path, problems: list[tuple[int | None, str]]):
        self.path, self.problems = path, problems
        shown = "\n".join(f"  {path}:{line or '?'}: {msg}" for line, msg in problems[:30])
        more = f"\n  ... and {len(problems) - 30} more" if len(problems) > 30 else ""
        super().__init__(f"{path}: {len(problems)} problem(s); nothing was loaded:\n{shown}{more}")


def closest(name: str, known: list[str], n: int = 3) -> list[str]:
    """The known names nearest to `name`, for "did you mean" answers."""
    hits = difflib.get_close_matches(name, known, n=n, cutoff=0.3)
    return hits or [k for k in known if set(k) & set(name)][:n]


class _Reader:
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[tuple[int | None, str]] = []
        self.year: int | None = None  # the letter year, for deadlines given only as a phrase
        self.read_on: date | None = None  # the day such a phrase is read on: the letter's issue date

    def problem(self, node: object, key: str | None, message: str) -> None:
        from yaml_reader import line_of  # loaded already: read_letter read the file with it

        self.problems.append((line_of(node, key), message))

    def field(self, node: object, key: str, kind: type | tuple, where: str, required: bool = True):
        if not isinstance(node, dict):
            self.problem(node, None, f"{where}: expected a mapping")
            return None
        if key not in node or node[key] is None:
            if required:
                self.problem(node, None, f"{where}: missing '{key}'")
            return None
        value = node[key]
        if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            self.problem(node, key, f"{where}: '{key}' should be {names}, got {value!r}")
            return None
        return value

    def departments(self, node: object, key: str) -> tuple[Department, ...]:
        found = []
        for i, dep in enumerate(self.field(node, key, list, "file") or []):
            name = self.field(dep, "name", str, f"{key}[{i}]")
            aliases = self.field(dep, "aliases", list, f"{key}[{i}]", required=False) or []
            if name:
                found.append(Department(name.strip(), tuple(str(a).strip() for a in aliases)))
        names = [d.name for d in found]
        for dup in sorted({n for n in names if names.count(n) > 1}):
            self.problem(node, key, f"{key}: '{dup}' is listed twice")
        return tuple(found)

    def names(self, node: dict, key: str, known: list[str], where: str) -> tuple[str, ...]:
        values = self.field(node, key, list, where) or []
        result = []
        for value in values:
            value = str(value).strip()
            if value not in known:
                hint = "、".join(closest(value, known)) or "(none)"
                self.problem(node, key, f"{where}: unknown department '{value}' in {key}; closest known: {hint}")
            result.append(value)
        if not result and values is not None:
            self.problem(node, key, f"{where}: {key} is empty")
        return tuple(result)

    def targets(self, node: dict, where: str) -> tuple[Target, ...]:
        result = []
        for i, t in enumerate(self.field(node, "targets", list, where, required=False) or []):
            at = f"{where} targets[{i}]"
            name = self.field(t, "name", str, at)
            value = self.field(t, "value", (int, float), at)
            unit = self.field(t, "unit", str, at)
            comparison = self.field(t, "comparison", str, at, required=False) or "at_least"
            if comparison not in COMPARISONS:
                self.problem(t, "comparison", f"{at}: comparison must be one of {', '.join(COMPARISONS)}")
            rubric = self.field(t, "rubric", str, at, required=False)
            note = self.field(t, "note", str, at, required=False)
            if name and value is not None and unit:
                result.append(Target(name, float(value), unit, comparison, rubric, note))
        return tuple(result)

    def deadlines(self, node: dict, where: str) -> tuple[DeadlineSpec, ...]:
        result = []
        for i, d in enumerate(self.field(node, "deadlines", list, where, required=False) or []):
            if not isinstance(d, dict):
                self.problem(d, None, f"{where} deadlines[{i}]: expected a mapping")
                continue
            if "kind" not in d and isinstance(d.get("phrase"), str):
                read = self.from_phrase(d, f"{where} deadlines[{i}]")
                if read is not None:
                    result.append(read)
                continue
            try:
                result.append(DeadlineSpec.from_dict(dict(d)))
            except (SpecError, TypeError) as exc:
                self.problem(d, None, f"{where} deadlines[{i}]: {exc}")
        keys = [s.key for s in result]
        for dup in sorted({k for k in keys if keys.count(k) > 1}):
            self.problem(node, "deadlines", f"{where}: deadline '{dup}' is stated twice")
        return tuple(result)

    def from_phrase(self, d: dict, where: str) -> DeadlineSpec | None:
        """A deadline given only as the letter's words (`{phrase: 每周四前报送周报}`), read in the letter year
        as the chat reads it; a phrase with more than one reading is a problem naming them, never a guess."""
        if self.year is None:
            return None  # the missing year is already a problem
        # The phrase grammar is slow to import: it loads when a letter states a deadline in words.
        from deadlines.phrases import DeadlineParseError, parse_deadline

        phrase = d["phrase"]
        try:
            parsed = parse_deadline(phrase, self.read_on or date(self.year, 1, 1), year=self.year)
        except DeadlineParseError as exc:
            self.problem(d, "phrase", f"{where}: {exc}")
            return None
        if parsed.choices or parsed.spec is None:
            shown = "; ".join(str(c.spec.to_dict()) for c in parsed.choices if c.spec is not None)
            self.problem(d, "phrase", f"{where}: '{phrase}' reads more than one way ({shown}); write its kind")
            return None
        extra = {k: v for k, v in d.items() if k not in ("phrase", "source")}
        if extra:
            self.problem(d, None, f"{where}: a deadline given as a phrase takes only phrase and source")
            return None
        source = d.get("source")
        return DeadlineSpec.from_dict(
            parsed.spec.to_dict() | {"phrase": phrase} | ({"source": source} if source else {})
        )


def read_letter(path: Path) -> LetterData:
    from yaml_reader import LineDict, YamlFileError, read_yaml

    path = Path(path)
    try:
        doc = read_yaml(path)
    except YamlFileError as exc:
        raise LetterFileError(path, [(exc.line, exc.message)]) from None
    r = _Reader(path)
    if not isinstance(doc, LineDict):
        raise LetterFileError(path, [(1, "expected a mapping with letter, departments, sections, items")])

    meta = r.field(doc, "letter", dict, "file") or LineDict()
    code = r.field(meta, "code", str, "letter")
    year = r.field(meta, "year", int, "letter")
    title = r.field(meta, "title", str, "letter")
    issued_on = r.field(meta, "issued_on", date, "letter", required=False)
    if year is not None and not 2000 <= year <= 2100:
        r.problem(meta, "year", f"letter: year {year} is out of range 2000..2100")
    elif year is not None:
        r.year, r.read_on = year, issued_on

    departments = r.departments(doc, "departments")
    recognizing = r.departments(doc, "recognizing_departments")
    names = ([d.name for d in departments], [d.name for d in recognizing])
    sections = _sections(r, doc)
    items = _items(r, doc, sections, names)
    if r.problems:
        raise LetterFileError(path, r.problems)
    return LetterData(
        code=code,
        year=year,
        title=title,
        document_no=meta.get("document_no"),
        issued_on=issued_on,
        issuer=meta.get("issuer"),
        goals=(meta.get("goals") or "").strip() or None,
        office=str(meta.get("office") or DEFAULT_OFFICE).strip(),
        county=(str(meta.get("county") or "").strip() or None),
        departments=departments,
        recognizing_departments=recognizing,
        sections=sections,
        items=tuple(sorted(items, key=lambda x: x.no)),
        digest=hashlib.sha256(path.read_bytes()).hexdigest(),
    )


def _sections(r: _Reader, doc: LineDict) -> dict[int, tuple[str, int | None]]:
    sections: dict[int, tuple[str, int | None]] = {}
    for i, s in enumerate(r.field(doc, "sections", list, "file") or []):
        no = r.field(s, "no", int, f"sections[{i}]")
        stitle = r.field(s, "title", str, f"sections[{i}]")
        points = r.field(s, "points", int, f"sections[{i}]", required=False)
        if no is not None and no in sections:
            r.problem(s, "no", f"sections[{i}]: section {no} is listed twice")
        if no is not None and stitle:
            sections[no] = (stitle, points)
    return sections


def _items(
    r: _Reader, doc: LineDict, sections: dict[int, tuple[str, int | None]], names: tuple[list[str], list[str]]
) -> list[ItemData]:
    items: list[ItemData] = []
    seen_lines: set[str] = set()
    for i, it in enumerate(r.field(doc, "items", list, "file") or []):
        no = r.field(it, "no", int, f"items[{i}]")
        where = f"item {no if no is not None else f'#{i + 1}'}"
        section = r.field(it, "section", int, where)
        ititle = r.field(it, "title", str, where)
        if section is not None and section not in sections:
            r.problem(it, "section", f"{where}: section {section} is not in sections")
        if no is not None and any(x.no == no for x in items):
            r.problem(it, "no", f"{where}: item {no} is listed twice")
        lines = [
            line
            for j, ln in enumerate(r.field(it, "lines", list, where) or [])
            if (line := _line(r, ln, j, no, where, names, seen_lines)) is not None
        ]
        if no is not None and section is not None and ititle:
            items.append(ItemData(no, section, ititle.strip(), tuple(lines)))
    return items


def _line(
    r: _Reader, ln: object, j: int, no: int | None, where: str, names: tuple[list[str], list[str]], seen_lines: set[str]
) -> LineData | None:
    """One work line of an item; None (with the problems noted) when it cannot be read."""
    lid = r.field(ln, "id", str, f"{where} line #{j + 1}")
    lwhere = f"line {lid or f'{no}.#{j + 1}'}"
    text = r.field(ln, "text", str, lwhere)
    if lid is not None:
        if no is not None and not lid.startswith(f"{no}."):
            r.problem(ln, "id", f"{lwhere}: id should start with '{no}.' (its item)")
        if lid in seen_lines:
            r.problem(ln, "id", f"{lwhere}: id is used twice")
        seen_lines.add(lid)
    if not isinstance(ln, dict):
        return None
    deps = r.names(ln, "departments", names[0], lwhere)
    recs = r.names(ln, "recognized_by", names[1], lwhere)
    rubric = r.field(ln, "rubric", list, lwhere, required=False) or []
    note = r.field(ln, "note", str, lwhere, required=False)
    if not (lid and text):
        return None
    return LineData(
        lid,
        text.strip(),
        deps,
        recs,
        tuple(str(x) for x in rubric),
        r.targets(ln, lwhere),
        r.deadlines(ln, lwhere),
        note,
    )
