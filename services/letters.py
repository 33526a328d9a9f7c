"""Loading a letter into the database: idempotent, and never deleting reports or history.

Loading the same file twice changes nothing (its digest is remembered). Loading an edited file updates
items, tasks, departments and deadlines in place; a task or deadline that left the file is marked
inactive, so reports, reminders and audit rows that point at it stay intact.

What the office changed in the chat or with `duban task` (services/task_edits.py) wins over the file:
- office tasks and office deadlines (origin "office") are never touched;
- a letter deadline the office moved (an office row's `parent_id` points at it) stays retired while the
  file states it; a file that words that deadline differently (a new key at the same place in the line)
  does not bring a letter deadline back either: the office's date stands;
- a letter task whose departments the office reassigned (/assign, audit action task.assign) keeps the
  office's responsible departments; the recognizing departments still follow the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from deadlines.specs import DATED_KINDS, DeadlineSpec
from services import audit
from services.letter_file import LetterData, LineData, read_letter
from storage.models import AuditEntry, Deadline, Department, Item, Letter, Task, task_departments
from storage.paths import BUNDLED_LETTER

COUNTY, CITY = "county", "city"


@dataclass
class LoadSummary:
    letter_code: str
    year: int
    unchanged: bool = False
    counts: dict[str, int] = field(default_factory=dict)

    def bump(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1


def effective_deadlines(line: LineData) -> list[DeadlineSpec]:
    """The line's stated deadlines, plus the year-end default when none of them gives a date."""
    specs = list(line.deadlines)
    if not any(s.kind in DATED_KINDS for s in specs):
        specs.append(DeadlineSpec(kind="year_end", implicit=True))
    return specs


def _task_snapshot(task: Task, deps: list[str] | None = None, recs: list[str] | None = None) -> dict:
    snap = {
        "code": task.code,
        "text": task.text,
        "targets": task.targets,
        "rubric_ids": task.rubric_ids,
        "note": task.note,
        "active": task.active,
        "item_id": task.item_id,
    }
    if deps is not None:
        snap["departments"], snap["recognized_by"] = deps, recs
    return snap


def _deadline_snapshot(d: Deadline) -> dict:
    return {"key": d.key, "spec": d.spec, "phrase": d.phrase, "source": d.source, "active": d.active}


class _Loader:
    def __init__(self, session: Session, clock: Clock, actor: str, summary: LoadSummary):
        self.s, self.clock, self.actor, self.summary = session, clock, actor, summary
        self.office_assigned: set[str] = set()  # task codes whose departments the office set

    def log(self, action: str, entity: str, entity_id, before=None, after=None) -> None:
        audit.record(self.s, self.clock, self.actor, action, entity, entity_id, before, after)

    def departments(self, data: LetterData) -> dict[tuple[str, str], Department]:
        existing = {(d.name, d.level): d for d in self.s.scalars(select(Department))}
        for level, listed in ((COUNTY, data.departments), (CITY, data.recognizing_departments)):
            for dep in listed:
                row = existing.get((dep.name, level))
                aliases = list(dep.aliases)
                if row is None:
                    row = Department(name=dep.name, level=level, aliases=aliases)
                    self.s.add(row)
                    self.s.flush()
                    existing[(dep.name, level)] = row
                    self.log("department.create", "department", row.id, None, {"name": dep.name, "level": level})
                    self.summary.bump("departments created")
                elif row.aliases != aliases:
                    self.log("department.update", "department", row.id, {"aliases": row.aliases}, {"aliases": aliases})
                    row.aliases = aliases
                    self.summary.bump("departments updated")
        return existing

    def letter(self, data: LetterData) -> Letter:
        fields = {
            "year": data.year,
            "title": data.title,
            "document_no": data.document_no,
            "issued_on": data.issued_on,
            "issuer": data.issuer,
            "goals": data.goals,
            "office": data.office,
            "county": data.county,
            "source_digest": data.digest,
        }
        row = self.s.scalar(select(Letter).where(Letter.code == data.code))
        if row is None:
            row = Letter(code=data.code, loaded_at=self.clock.now(), **fields)
            self.s.add(row)
            self.s.flush()
            self.log("letter.create", "letter", row.id, None, {"code": data.code, "year": data.year})
            self.summary.bump("letters created")
        else:
            before = {k: str(getattr(row, k)) for k in fields}
            for k, v in fields.items():
                setattr(row, k, v)
            row.loaded_at = self.clock.now()
            self.log("letter.update", "letter", row.id, *audit.changed(before, {k: str(v) for k, v in fields.items()}))
            self.summary.bump("letters updated")
        return row

    def items(self, letter: Letter, data: LetterData) -> dict[int, Item]:
        rows = {i.no: i for i in self.s.scalars(select(Item).where(Item.letter_id == letter.id))}
        for it in data.items:
            stitle = data.sections[it.section][0]
            values = {"section_no": it.section, "section_title": stitle, "title": it.title}
            row = rows.get(it.no)
            if row is None:
                row = Item(letter_id=letter.id, no=it.no, **values)
                self.s.add(row)
                rows[it.no] = row
                self.summary.bump("items created")
            elif any(getattr(row, k) != v for k, v in values.items()):
                before = {k: getattr(row, k) for k in values}
                for k, v in values.items():
                    setattr(row, k, v)
                self.s.flush()
                self.log("item.update", "item", row.id, *audit.changed(before, values))
                self.summary.bump("items updated")
        self.s.flush()
        return rows

    def links(self, task: Task, deps: dict, line: LineData) -> bool:
        have = sorted(
            self.s.execute(
                select(task_departments.c.department_id, task_departments.c.role, task_departments.c.position).where(
                    task_departments.c.task_id == task.id
                )
            ).all()
        )
        if task.code in self.office_assigned:  # the office's departments stand
            wanted = [tuple(r) for r in have if r[1] == "responsible"]
            if [r[0] for r in sorted(wanted, key=lambda r: r[2])] != [deps[(n, COUNTY)].id for n in line.departments]:
                self.summary.bump("departments kept as the office assigned them")
        else:
            wanted = [(deps[(n, COUNTY)].id, "responsible", i) for i, n in enumerate(line.departments)]
        wanted += [(deps[(n, CITY)].id, "recognizing", i) for i, n in enumerate(line.recognized_by)]
        if sorted(wanted) == [tuple(r) for r in have]:
            return False
        self.s.execute(delete(task_departments).where(task_departments.c.task_id == task.id))
        self.s.execute(
            insert(task_departments),
            [{"task_id": task.id, "department_id": d, "role": role, "position": pos} for d, role, pos in wanted],
        )
        return True

    def task(self, letter: Letter, item: Item, line: LineData, position: int, existing: dict, deps: dict) -> Task:
        values = {
            "item_id": item.id,
            "position": position,
            "text": line.text,
            "targets": [t.to_dict() for t in line.targets],
            "rubric_ids": list(line.rubric),
            "note": line.note,
            "active": True,
        }
        task = existing.get(line.id)
        if task is None:
            task = Task(letter_id=letter.id, code=line.id, origin="letter", closed=False, **values)
            self.s.add(task)
            self.s.flush()
            self.links(task, deps, line)
            self.log(
                "task.create",
                "task",
                line.id,
                None,
                _task_snapshot(task, list(line.departments), list(line.recognized_by)),
            )
            self.summary.bump("tasks created")
        else:
            before = _task_snapshot(task)
            changed_fields = {k: v for k, v in values.items() if getattr(task, k) != v}
            for k, v in changed_fields.items():
                setattr(task, k, v)
            old_deps = [d.name for d in task.departments], [d.name for d in task.recognized_by]
            relinked = self.links(task, deps, line)
            if changed_fields or relinked:
                after = _task_snapshot(task)
                b, a = audit.changed(before, after)
                if relinked:
                    b["departments"], b["recognized_by"] = old_deps
                    a["departments"], a["recognized_by"] = list(line.departments), list(line.recognized_by)
                self.log("task.update", "task", line.id, b, a)
                self.summary.bump("tasks updated")
        self.deadlines(task, line)
        return task

    def deadlines(self, task: Task, line: LineData) -> None:
        rows = {d.key: d for d in self.s.scalars(select(Deadline).where(Deadline.task_id == task.id))}
        moved = {d.parent_id for d in rows.values() if d.origin == "office" and d.parent_id is not None}
        moved_at = {d.position for d in rows.values() if d.id in moved and d.origin == "letter"}
        specs = effective_deadlines(line)
        for pos, spec in enumerate(specs):
            values = {
                "position": pos,
                "kind": spec.kind,
                "spec": spec.to_dict(),
                "phrase": spec.phrase,
                "source": spec.source,
                "active": True,
            }
            row = rows.pop(spec.key, None)
            if (row is not None and row.id in moved) or (row is None and pos in moved_at):
                self.summary.bump("deadlines kept as the office moved them")
                continue
            if row is None:
                row = Deadline(task_id=task.id, key=spec.key, origin="letter", **values)
                self.s.add(row)
                self.s.flush()
                self.log("deadline.create", "deadline", row.id, None, _deadline_snapshot(row) | {"task": task.code})
                self.summary.bump("deadlines created")
            elif any(getattr(row, k) != v for k, v in values.items()):
                before = _deadline_snapshot(row)
                for k, v in values.items():
                    setattr(row, k, v)
                self.log("deadline.update", "deadline", row.id, *audit.changed(before, _deadline_snapshot(row)))
                self.summary.bump("deadlines updated")
        for row in rows.values():  # stated no more: retire letter deadlines, keep office/event ones
            if row.origin == "letter" and row.active:
                row.active = False
                self.log("deadline.retire", "deadline", row.id, {"active": True}, {"active": False})
                self.summary.bump("deadlines retired")


def load_letter(session: Session, data: LetterData, clock: Clock, actor: str = "loader") -> LoadSummary:
    """Create or update the letter in one transaction (the caller's session)."""
    summary = LoadSummary(data.code, data.year)
    current = session.scalar(select(Letter).where(Letter.code == data.code))
    if current is not None and current.source_digest == data.digest:
        summary.unchanged = True
        return summary

    loader = _Loader(session, clock, actor, summary)
    loader.office_assigned = _office_assigned(session, data.code)
    deps = loader.departments(data)
    letter = loader.letter(data)
    items = loader.items(letter, data)
    existing = {t.code: t for t in session.scalars(select(Task).where(Task.letter_id == letter.id))}
    seen = set()
    for position, (item, line) in enumerate(data.lines()):
        loader.task(letter, items[item.no], line, position, existing, deps)
        seen.add(line.id)
    for code, task in existing.items():
        if code not in seen and task.origin == "letter" and task.active:
            task.active = False
            loader.log("task.retire", "task", code, {"active": True}, {"active": False})
            summary.bump("tasks retired")
    session.flush()
    return summary


def _office_assigned(session: Session, letter_code: str) -> set[str]:
    """Codes of the letter's tasks whose responsible departments the office set (services/task_edits.py)."""
    rows = session.execute(
        select(AuditEntry.entity_id, AuditEntry.after).where(
            AuditEntry.action == "task.assign", AuditEntry.entity == "task"
        )
    )
    return {code for code, after in rows if (after or {}).get("letter") == letter_code}


def load_bundled_letter_if_empty(session: Session, clock: Clock) -> LoadSummary | None:
    """First start: an empty database gets the bundled 2022 letter, so the bot has something to serve."""
    if session.scalar(select(Letter.id).limit(1)) is not None:
        return None
    return load_letter(session, read_letter(BUNDLED_LETTER), clock, actor="first-start")
