"""Writing an office edit (services/task_edits.py checks and previews it): the task, deadline and
department rows it adds or changes, and its audit row, in the caller's transaction.

A moved deadline is retired and replaced by an office row pointing back at it (`parent_id`); a new task
goes into the office item, made with the first one. The deadlines the office writes name the letter's
office as their source.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from deadlines.clock import Clock
from services import audit
from services.task_edits import (
    ACTIONS,
    OFFICE_ITEM_TITLE,
    OFFICE_SECTION,
    Edit,
    EditRefused,
    Preview,
    checked_spec,
    find_task,
    next_code,
    office_item,
    office_item_no,
    office_name,
    preview,
    resolve_departments,
    shape,
)
from services.tasks import current_letter
from storage.models import Deadline, Department, Item, Letter, Task, task_departments


@dataclass(frozen=True)
class Applied:
    preview: Preview
    task_id: int
    code: str


def apply(session: Session, clock: Clock, actor: str, edit: Edit) -> Applied:
    """Check `edit` again, write it and its audit row (the caller's transaction)."""
    p = preview(session, edit, clock.today())
    letter = current_letter(session)
    if edit.op == "add":
        task = _add(session, letter, p)
        before, after = (
            None,
            {
                "text": task.text,
                "departments": p.after["departments"],
                "deadline": _deadline_json(task.deadlines[0], letter.year),
                "target": p.after["target"],
                "rubric": p.edit.rubric,
            },
        )
    else:
        task = find_task(session, letter, p.code)
        before, after = _CHANGE[edit.op](session, letter, task, p)
    session.flush()
    session.expire(task)
    audit.record(session, clock, actor, ACTIONS[edit.op], "task", task.code, before, dict(after, letter=letter.code))
    return Applied(p, task.id, task.code)


def _deadline_json(row: Deadline, year: int) -> dict:
    return shape(row, year).to_json() | {"spec": row.spec, "origin": row.origin}


def _office_item(session: Session, letter: Letter) -> Item:
    """The letter's office item, made with the first task the office adds."""
    item = office_item(session, letter)
    if item is None:
        title = office_name(letter) + OFFICE_ITEM_TITLE  # 美丽办新增任务
        item = Item(
            letter_id=letter.id,
            no=office_item_no(session, letter),
            section_no=OFFICE_SECTION,
            section_title=title,
            title=OFFICE_ITEM_TITLE,
        )
        session.add(item)
        session.flush()
    return item


def _link(session: Session, task: Task, deps: list[Department]) -> None:
    session.execute(
        delete(task_departments).where(task_departments.c.task_id == task.id, task_departments.c.role == "responsible")
    )
    session.execute(
        insert(task_departments),
        [{"task_id": task.id, "department_id": d.id, "role": "responsible", "position": i} for i, d in enumerate(deps)],
    )


def _add(session: Session, letter: Letter, p: Preview) -> Task:
    item = _office_item(session, letter)
    position = (session.scalar(select(func.max(Task.position)).where(Task.letter_id == letter.id)) or 0) + 1
    target = p.after["target"]
    task = Task(
        letter_id=letter.id,
        item_id=item.id,
        code=next_code(session, item, item.no),
        position=position,
        text=p.text,
        targets=[dict(target, rubric=p.edit.rubric) if p.edit.rubric else target] if target else [],
        rubric_ids=[p.edit.rubric] if p.edit.rubric else [],
        note=None,
        origin="office",
        active=True,
        closed=False,
    )
    session.add(task)
    session.flush()
    _link(session, task, resolve_departments(session, p.edit.departments))
    spec = replace(checked_spec(p.edit.spec), source=office_name(letter))
    session.add(
        Deadline(
            task_id=task.id,
            key=f"office#1;{spec.key}"[:255],
            position=0,
            kind=spec.kind,
            spec=spec.to_dict(),
            phrase=spec.phrase,
            source=spec.source,
            origin="office",
            active=True,
        )
    )
    session.flush()
    session.refresh(task)
    return task


def _move(session: Session, letter: Letter, task: Task, p: Preview) -> tuple[dict, dict]:
    old = session.get(Deadline, p.edit.deadline_id) if p.edit.deadline_id is not None else None
    if old is None:  # the preview pinned it: gone only if someone retired it meanwhile
        raise EditRefused("deadline_changed", code=task.code)
    spec = replace(checked_spec(p.edit.spec), source=office_name(letter))
    count = session.scalar(select(func.count()).select_from(Deadline).where(Deadline.task_id == task.id)) or 0
    old.active = False
    new = Deadline(
        task_id=task.id,
        key=f"office#{count + 1};{spec.key}"[:255],
        position=old.position,
        kind=spec.kind,
        spec=spec.to_dict(),
        phrase=spec.phrase,
        source=spec.source,
        origin="office",
        parent_id=old.id,
        triggered_by_report_id=old.triggered_by_report_id,
        active=True,
    )
    session.add(new)
    session.flush()
    return {"deadline": _deadline_json(old, letter.year)}, {"deadline": _deadline_json(new, letter.year)}


def _assign(session: Session, letter: Letter, task: Task, p: Preview) -> tuple[dict, dict]:
    _link(session, task, resolve_departments(session, p.edit.departments))
    return {"departments": p.before["departments"]}, {"departments": p.after["departments"]}


def _close(session: Session, letter: Letter, task: Task, p: Preview) -> tuple[dict, dict]:
    task.closed = p.after["closed"]
    return {"closed": p.before["closed"]}, {"closed": p.after["closed"]}


_CHANGE = {"move": _move, "recur": _move, "assign": _assign, "close": _close, "reopen": _close}
