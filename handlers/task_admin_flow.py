"""The steps of an office edit in the chat: what to ask next, its keyboard, and reading what was typed.

Pure of Telegram I/O: functions take a session and a draft (services/task_drafts.py) and return the
question to send; handlers/task_admin.py sends it and remembers it as the only live prompt.
Button data: "ta:<action>[:<arg>]", well under Telegram's 64 bytes.
"""
from __future__ import annotations

import re

from sqlalchemy.orm import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import task_admin_texts as tt
from handlers.task_texts import clip
from handlers.texts import esc
from deadlines.cn_text import normalize
from deadlines.phrases import DeadlineParseError, parse_deadline
from services import task_edits
from services.letters import COUNTY
from services.task_drafts import CHOICE, CONFIRM, DEPS, FIXDEP, RUBRIC, TARGET, TEXT, WHICH, DEADLINE, Draft
from services.task_edits import EditRefused, office_spec
from services.tasks import UnknownDepartment, current_letter, departments, find_department

PAGE = 8
CANCEL_ROW = [("✖ 取消", "ta:x")]
_TARGET = re.compile(r"^(?P<name>.*?)\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[^\d\s]{1,6})$")
_SEPARATORS = re.compile(r"[、,,;;/\s]+")


def kb(*rows) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in row]
                                 for row in rows if row])


def split_names(text: str) -> list[str]:
    return [n for n in _SEPARATORS.split(text or "") if n]


# -- departments (multi-select, paginated) ---------------------------------------------------------

def department_page(session: Session, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    deps = departments(session, COUNTY)
    chosen = set(draft.data.get("dep_ids") or [])
    pages = max(1, (len(deps) + PAGE - 1) // PAGE)
    page = min(max(int(draft.data.get("page") or 0), 0), pages - 1)
    shown = deps[page * PAGE:(page + 1) * PAGE]
    buttons = [(f"✓ {d.name}", f"ta:off:{d.id}") if d.id in chosen else (d.name, f"ta:on:{d.id}") for d in shown]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    nav = ([("◀ 上一页", f"ta:pg:{page - 1}")] if page > 0 else []) + \
        ([("下一页 ▶", f"ta:pg:{page + 1}")] if page + 1 < pages else [])
    names = [d.name for d in deps if d.id in chosen]
    text = tt.ASK_DEPS.format(page=page + 1, pages=pages, chosen=tt.departments(names) if names else "(尚未选择)")
    return text, kb(*rows, nav, [(f"下一步 ▶(已选 {len(names)} 个)", "ta:dn")], CANCEL_ROW)


def chosen_names(session: Session, draft: Draft) -> list[str]:
    ids = draft.data.get("dep_ids") or []
    return [d.name for d in departments(session, COUNTY) if d.id in ids]


def suggestions(session: Session, exc: UnknownDepartment) -> list[list]:
    found = []
    for name in exc.suggestions:
        try:
            dep = find_department(session, name)
        except UnknownDepartment:
            continue
        if [dep.id, dep.name] not in found:
            found.append([dep.id, dep.name])
    return found


def fix_prompt(name: str, suggested: list[list]) -> tuple[str, InlineKeyboardMarkup]:
    rows = [[(label, f"ta:fx:{dep_id}")] for dep_id, label in suggested]
    return tt.UNKNOWN_DEPARTMENT.format(name=esc(name)), kb(*rows, CANCEL_ROW)


# -- typed values ----------------------------------------------------------------------------------

def read_target(text: str) -> dict | None:
    """"新建污水管网 12公里" -> {name, value, unit}; a bare "12公里" gets the name 完成量."""
    m = _TARGET.match(normalize(text or "").strip().rstrip("。."))
    if m is None or float(m.group("num")) <= 0:
        return None
    return {"name": m.group("name").strip(" ::") or "完成量", "value": float(m.group("num")), "unit": m.group("unit")}


def read_phrase(session: Session, ctx, draft: Draft, text: str) -> str | None:
    """Read a deadline into the draft (or its choices); returns the answer to send when it cannot."""
    letter = current_letter(session)
    try:
        parsed = parse_deadline(text, ctx.clock.today(), year=letter.year, calendar=ctx.calendar)
    except DeadlineParseError as exc:
        return tt.bad_phrase(exc)
    readings = [r for r in (parsed.choices or (parsed,)) if r.spec is not None]
    if draft.edit.op == "recur":
        readings = [r for r in readings if r.kind == "recurring"]
        if not readings:
            return tt.not_recurring(text)
    if not readings:
        return tt.refused(EditRefused("ambiguous"))
    if len(readings) == 1:
        draft.edit.spec = office_spec(readings[0], text)
        draft.data.pop("choices", None)
    else:
        draft.edit.spec = None
        draft.data["phrase"] = text
        draft.data["choices"] = [{"spec": office_spec(r, tt.chosen_phrase(r, text)), "label": tt.reading_button(r)}
                                 for r in readings]
    return None


# -- what comes next -------------------------------------------------------------------------------

def settle(session: Session, ctx, draft: Draft) -> Draft:
    """After an answer: the first thing still missing (a reading, a deadline, a department), else the
    before/after summary. Raises EditRefused when the edit cannot be made at all."""
    edit = draft.edit
    if edit.spec is None and draft.data.get("choices"):
        draft.step = CHOICE
        return draft
    if edit.op in ("move", "recur") and edit.deadline_id is None:
        shapes = task_edits.movable(session, edit.code)
        if len(shapes) > 1:
            draft.step = WHICH
            draft.data["which"] = [[s.id, tt.deadline_button(s)] for s in shapes]
            return draft
    try:
        p = task_edits.preview(session, edit, ctx.clock.today())
    except UnknownDepartment as exc:
        found = suggestions(session, exc)
        if not found:
            raise EditRefused("unknown_department", name=exc.name) from None
        draft.step, draft.data["unknown"], draft.data["suggest"] = FIXDEP, exc.name, found
        return draft
    draft.edit, draft.step = p.edit, CONFIRM
    draft.data["past"] = bool(p.past)
    return draft


def prompt(session: Session, ctx, draft: Draft) -> tuple[str, InlineKeyboardMarkup]:
    step = draft.step
    if step == DEPS:
        return department_page(session, draft)
    if step == TEXT:
        return tt.ASK_TEXT, kb(CANCEL_ROW)
    if step == TARGET:
        return tt.ASK_TARGET, kb([("跳过", "ta:sk")], CANCEL_ROW)
    if step == RUBRIC:
        found = draft.data.get("found") or []
        if found:
            return tt.PICK_RUBRIC, kb(*[[(clip(f"{sid} {name}", 30), f"ta:rb:{sid}")] for sid, name in found],
                                      [("跳过", "ta:sk")], CANCEL_ROW)
        return tt.ASK_RUBRIC, kb([("跳过", "ta:sk")], CANCEL_ROW)
    if step == DEADLINE:
        return tt.ASK_DEADLINE, kb(CANCEL_ROW)
    if step == CHOICE:
        rows = [[(c["label"], f"ta:ch:{i}")] for i, c in enumerate(draft.data["choices"])]
        return tt.PICK_READING.format(phrase=esc(draft.data.get("phrase", ""))), kb(*rows, CANCEL_ROW)
    if step == WHICH:
        rows = [[(label, f"ta:wd:{deadline_id}")] for deadline_id, label in draft.data["which"]]
        return tt.PICK_DEADLINE.format(code=esc(draft.edit.code), n=len(rows)), kb(*rows, CANCEL_ROW)
    if step == FIXDEP:
        return fix_prompt(draft.data["unknown"], draft.data["suggest"])
    p = task_edits.preview(session, draft.edit, ctx.clock.today())
    ok = tt.CONFIRM_PAST if p.past else tt.CONFIRM
    return tt.preview(p), kb([(ok, "ta:ok"), (tt.CANCEL, "ta:x")])
