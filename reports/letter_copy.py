"""A new year's letter from last year's, for the office to edit: `duban letter copy --from 2022 --to 2023`.

What the database holds for the old letter (its active tasks and their stated deadlines, office edits
included) is written out as a letter file (data/README.md format) for the new year; reports, facts,
follow-up deadlines opened by reports and the history stay with the old letter. Dates move with the year:
month/day, month-end, year-end and recurring deadlines are stated without a year and so fall in the new
one; a deadline with a full date moves by the years between (29 February becomes 28 February); a relative
deadline (N working days after an event) stays relative. "2022年" in a deadline's wording becomes
"2023年"; work-line texts are left as they are and listed for the office to review.

services/letter_copy.py reads the old letter (`letter_source`); this module applies the rules above and
writes the file, from that plain data alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from services.letter_copy import LetterSource, SourceItem, SourceLine
from services.letter_file import read_letter

DEADLINE_KEYS = ["kind", "date", "every", "month", "day", "event", "workdays", "days", "phrase", "source"]
DEADLINE_KEYS += ["weekday", "interval", "festival", "side", "own_day", "shift"]


class CopyError(ValueError):
    pass


@dataclass
class CopyResult:
    code: str
    path: Path
    lines: int = 0
    deadlines: int = 0
    moved_dates: list[str] = field(default_factory=list)  # "3.1: 2022-06-30 -> 2023-06-30"
    texts_naming_old_year: list[str] = field(default_factory=list)  # line ids to review


def new_code(code: str, old: int, new: int) -> str:
    return code.replace(str(old), str(new)) if str(old) in code else f"{code}-{new}"


def _moved(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one
        return day.replace(year=day.year + years, day=28)


def _deadline(spec: dict[str, Any], old: int, new: int, code: str, result: CopyResult) -> dict[str, Any] | None:
    spec = dict(spec)
    if spec.get("implicit"):
        return None  # the loader adds the year-end default again
    if spec.get("date"):
        before = date.fromisoformat(spec["date"])
        after = _moved(before, new - old)
        spec["date"] = after
        result.moved_dates.append(f"{code}: {before.isoformat()} -> {after.isoformat()}")
    if spec.get("phrase"):
        spec["phrase"] = spec["phrase"].replace(f"{old}年", f"{new}年")
    return {k: spec[k] for k in DEADLINE_KEYS if spec.get(k) is not None}


def _line(task: SourceLine, old: int, new: int, result: CopyResult) -> dict[str, Any]:
    """One work line of the new file; counts it (and its deadlines) in `result`."""
    line: dict[str, Any] = {
        "id": task.code,
        "text": task.text,
        "departments": list(task.departments),
        "recognized_by": list(task.recognized_by),
    }
    if task.rubric:
        line["rubric"] = list(task.rubric)
    if task.targets:
        line["targets"] = list(task.targets)
    moved = [_deadline(spec, old, new, task.code, result) for spec in task.deadlines]
    stated = [s for s in moved if s]
    if stated:
        line["deadlines"] = stated
        result.deadlines += len(stated)
    if task.note:
        line["note"] = task.note
    if f"{old}年" in task.text:
        result.texts_naming_old_year.append(task.code)
    result.lines += 1
    return line


def _item(item: SourceItem, old: int, new: int, result: CopyResult) -> dict[str, Any] | None:
    lines = [_line(task, old, new, result) for task in item.lines]
    if not lines:
        return None  # every line left the letter: the item goes too (its section stays listed)
    return {"no": item.no, "section": item.section_no, "title": item.title, "lines": lines}


def _dep(name: str, aliases: tuple[str, ...]) -> dict[str, Any]:
    return {"name": name, "aliases": list(aliases)} if aliases else {"name": name}


def letter_document(source: LetterSource, new: int, result: CopyResult) -> dict[str, Any]:
    """The new year's letter file as a mapping (data/README.md format), filling in `result` on the way."""
    old = source.year
    doc: dict[str, Any] = {
        "letter": {"code": result.code, "year": new, "title": source.title.replace(str(old), str(new))}
    }
    if source.issuer:
        doc["letter"]["issuer"] = source.issuer
    if source.goals:
        doc["letter"]["goals"] = source.goals
    doc["departments"] = [_dep(name, aliases) for name, level, aliases in source.departments if level == "county"]
    doc["recognizing_departments"] = [
        _dep(name, aliases) for name, level, aliases in source.departments if level == "city"
    ]
    doc["sections"] = [
        {"no": no, "title": title} for no, title in sorted({(i.section_no, i.section_title) for i in source.items})
    ]
    doc["items"] = [x for x in (_item(item, old, new, result) for item in source.items) if x]
    return doc


class _Dumper(yaml.SafeDumper):
    """Block style for the structure, flow style for short rows (departments, deadlines, targets), as in data/."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # a shared row is written out again: the reader (yaml_reader) refuses anchors and aliases


def _scalar(x: object) -> bool:
    return not isinstance(x, (dict, list))


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = all(_scalar(v) for v in data.values()) and len(str(data)) <= 110
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=all(_scalar(v) for v in data))


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def check_years(old: int, new: int) -> None:
    """Also called by the CLI before it reads the old letter, so a same-year copy is refused as such."""
    if new == old:
        raise CopyError("--from and --to are the same year")


def copy_letter(source: LetterSource, new: int, out: Path | None = None) -> CopyResult:
    """Write the `new` year's letter file from `source` (services.letter_copy.letter_source of the old year);
    nothing in the database changes."""
    old = source.year
    check_years(old, new)
    code = new_code(source.code, old, new)
    if code in source.loaded_codes:
        raise CopyError(f"a letter with the code {code} is already loaded; edit that one instead")
    path = Path(out) if out else Path(f"{code}.yaml")
    if path.exists():
        raise CopyError(f"{path} exists; give another --out")
    result = CopyResult(code, path)
    doc = letter_document(source, new, result)
    header = (
        f"# {new} letter carried forward by `duban letter copy --from {old} --to {new}` from {source.code}:\n"
        f"# dates moved to {new}, relative deadlines unchanged, reports left with the {old} letter.\n"
        "# Edit it (document_no, issued_on, texts, targets), then: "
        f"duban letter load {path.name} --year {new}\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(header + body, encoding="utf-8")
    try:
        read_letter(path)  # what was written must load
    except Exception:
        path.unlink()
        raise
    return result
