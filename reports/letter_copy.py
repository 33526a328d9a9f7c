"""A new year's letter from last year's, for the office to edit: `duban letter copy --from 2022 --to 2023`.

What the database holds for the old letter (its active tasks and their stated deadlines, office edits
included) is written out as a letter file (data/README.md format) for the new year; reports, facts,
follow-up deadlines opened by reports and the history stay with the old letter. Dates move with the year:
month/day, month-end, year-end and recurring deadlines are stated without a year and so fall in the new
one; a deadline with a full date moves by the years between (29 February becomes 28 February); a relative
deadline (N working days after an event) stays relative. "2022年" in a deadline's wording becomes
"2023年"; work-line texts are left as they are and listed for the office to review.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storage.models import Department, Item, Letter, Task
from services.letter_file import read_letter
from services.tasks import current_letter


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


def _deadline(spec: dict, old: int, new: int, code: str, result: CopyResult) -> dict | None:
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
    order = ["kind", "date", "every", "month", "day", "event", "workdays", "days", "phrase", "source"]
    return {k: spec[k] for k in order if spec.get(k) is not None}


def letter_document(session: Session, old: int, new: int, result: CopyResult) -> dict:
    letter: Letter = current_letter(session, old)
    deps = list(session.scalars(select(Department).order_by(Department.id)))
    items = list(session.scalars(select(Item).where(Item.letter_id == letter.id).order_by(Item.no)))
    tasks = list(session.scalars(
        select(Task).where(Task.letter_id == letter.id, Task.active.is_(True)).order_by(Task.position)
        .options(selectinload(Task.deadlines), selectinload(Task.departments), selectinload(Task.recognized_by))))
    doc = {"letter": {"code": result.code, "year": new, "title": letter.title.replace(str(old), str(new))}}
    if letter.issuer:
        doc["letter"]["issuer"] = letter.issuer
    if letter.goals:
        doc["letter"]["goals"] = letter.goals
    doc["departments"] = [_dep(d) for d in deps if d.level == "county"]
    doc["recognizing_departments"] = [_dep(d) for d in deps if d.level == "city"]
    doc["sections"] = [{"no": no, "title": title} for no, title in
                       sorted({(i.section_no, i.section_title) for i in items})]
    doc["items"] = []
    for item in items:
        lines = []
        for task in (t for t in tasks if t.item_id == item.id):
            line = {"id": task.code, "text": task.text, "departments": [d.name for d in task.departments],
                    "recognized_by": [d.name for d in task.recognized_by]}
            if task.rubric_ids:
                line["rubric"] = list(task.rubric_ids)
            if task.targets:
                line["targets"] = list(task.targets)
            stated = [_deadline(d.spec, old, new, task.code, result) for d in task.deadlines
                      if d.active and d.origin != "event"]
            stated = [s for s in stated if s]
            if stated:
                line["deadlines"] = stated
                result.deadlines += len(stated)
            if task.note:
                line["note"] = task.note
            if f"{old}年" in task.text:
                result.texts_naming_old_year.append(task.code)
            lines.append(line)
            result.lines += 1
        if lines:
            doc["items"].append({"no": item.no, "section": item.section_no, "title": item.title, "lines": lines})
    return doc


class _Dumper(yaml.SafeDumper):
    """Block style for the structure, flow style for short rows (departments, deadlines, targets), as in data/."""


def _scalar(x) -> bool:
    return not isinstance(x, (dict, list))


def _represent_dict(dumper, data):
    flow = all(_scalar(v) for v in data.values()) and len(str(data)) <= 110
    return dumper.represent_mapping("tag:yaml.org,2002:map", data, flow_style=flow)


def _represent_list(dumper, data):
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=all(_scalar(v) for v in data))


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def _dep(d: Department) -> dict:
    return {"name": d.name, "aliases": list(d.aliases)} if d.aliases else {"name": d.name}


def copy_letter(session: Session, old: int, new: int, out: Path | None = None) -> CopyResult:
    """Write the `new` year's letter file from the `old` year's letter; nothing in the database changes."""
    if new == old:
        raise CopyError("--from and --to are the same year")
    source = current_letter(session, old)
    code = new_code(source.code, old, new)
    if session.scalar(select(Letter.id).where(Letter.code == code)) is not None:
        raise CopyError(f"a letter with the code {code} is already loaded; edit that one instead")
    path = Path(out) if out else Path(f"{code}.yaml")
    if path.exists():
        raise CopyError(f"{path} exists; give another --out")
    result = CopyResult(code, path)
    doc = letter_document(session, old, new, result)
    header = (f"# {new} letter carried forward by `duban letter copy --from {old} --to {new}` from {source.code}:\n"
              f"# dates moved to {new}, relative deadlines unchanged, reports left with the {old} letter.\n"
              "# Edit it (document_no, issued_on, texts, targets), then: "
              f"duban letter load {path.name} --year {new}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    body = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(header + body, encoding="utf-8")
    try:
        read_letter(path)  # what was written must load
    except Exception:
        path.unlink()
        raise
    return result
