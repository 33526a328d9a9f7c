"""The office changes tasks from a phone: /addtask (step by step or in one line), /deadline, /recur,
/assign, /close, /reopen, and /history. Admins only.

Every change is shown as before/after with 确认 / 取消; nothing is written before 确认 (the draft lives in
a Conversation row, services/task_drafts.py; services/task_steps.py decides each next step). On 确认 the
service writes the change, its audit row and the task's re-planned reminders in one transaction; then each
department concerned is told in one message. Questions and buttons: handlers/task_admin_flow.py.
"""

from __future__ import annotations

import logging

from handlers import task_admin_flow as flow
from handlers import task_admin_texts as tt
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.markup import to_plain
from handlers.notify import notify_department
from handlers.replies import ClearButtons, EditPressed, Message, Replies, Reply, Toast
from services import task_drafts
from services.access import require_admin
from services.task_drafts import Step
from services.task_edits import Edit, EditRefused, split_names
from services.task_history import history as task_history

log = logging.getLogger("duban.handlers.task_admin")
KIND = task_drafts.KIND  # the exchange's kind while an edit is in progress (routing.py's /cancel asks)
USAGE = {
    "addtask": tt.ADDTASK_USAGE,
    "deadline": tt.DEADLINE_USAGE,
    "recur": tt.RECUR_USAGE,
    "assign": tt.ASSIGN_USAGE,
    "close": tt.CLOSE_USAGE,
    "reopen": tt.REOPEN_USAGE,
    "history": tt.HISTORY_USAGE,
}
OPS = {"deadline": "move", "recur": "recur", "assign": "assign", "close": "close", "reopen": "reopen"}
MIN_ARGS = {"move": 2, "recur": 2, "assign": 2, "close": 1, "reopen": 1}


def _typed(step: Step) -> Replies:
    """The answer to a command or a typed answer."""
    if step.question is not None:
        return [flow.prompt(step.question)]
    if step.problem is not None:
        return [Message(tt.problem(step.problem))]
    if step.refused is not None:
        return [Message(tt.refused(step.refused))]
    return []  # no edit in progress any more: nothing to answer


def _pressed(step: Step) -> Replies:
    """The answer to a button: the picker changes in place; other steps leave their buttons behind."""
    if step.stale:
        return [Toast(tt.STALE)]
    if step.problem is not None:
        return [Toast(to_plain(tt.problem(step.problem)), alert=True)]
    if step.in_place:
        changed: list[Reply] = [EditPressed(flow.prompt(step.question))] if step.question else []
        return [Toast(""), *changed]
    answers: list[Reply] = [Toast(""), ClearButtons()]
    if step.cancelled:
        return [*answers, Message(tt.CANCELLED)]
    return answers + _typed(step)


# -- commands --------------------------------------------------------------------------------------


async def addtask(turn: Turn) -> Replies:
    require_admin(turn.who)
    args, ctx = turn.args, turn.ctx
    if len(args) == 1:
        return [Message(tt.ADDTASK_USAGE)]
    if not args:  # step by step, starting with the departments
        return [flow.prompt(task_drafts.start_picking(ctx.db, ctx.clock, turn.who))]
    text = " ".join(args[1:-1]) if len(args) >= 3 else args[1]
    edit = Edit("add", departments=split_names(args[0]), text=text)
    step = task_drafts.begin(ctx.db, ctx.clock, ctx.calendar, turn.who, edit, args[-1])
    if step.problem is not None:
        return [Message(tt.problem(step.problem) + "\n" + tt.ADDTASK_USAGE)]
    return _typed(step)


async def edit_command(turn: Turn) -> Replies:
    """/deadline, /recur, /assign, /close, /reopen: the same path, told apart by the command's name."""
    require_admin(turn.who)
    name, args, ctx = turn.event.command or "", turn.args, turn.ctx
    op = OPS[name]
    if len(args) < MIN_ARGS[op]:
        return [Message(USAGE[name])]
    rest = " ".join(args[1:])
    edit = Edit(op, code=args[0], departments=split_names(rest) if op == "assign" else [])
    phrase = rest if op in ("move", "recur") else None
    return _typed(task_drafts.begin(ctx.db, ctx.clock, ctx.calendar, turn.who, edit, phrase))


async def history(turn: Turn) -> Replies:
    if not turn.args:
        return [Message(tt.HISTORY_USAGE)]
    require_admin(turn.who)
    code = turn.args[0]
    try:
        entries = task_history(turn.ctx.db, code)
    except EditRefused as exc:
        return [Message(tt.refused(exc))]
    return [Message(tt.history(code, entries, turn.ctx.clock.tz, turn.office))]


async def cancel(turn: Turn) -> Replies:
    """/cancel during an edit: the draft goes, nothing of it was written."""
    task_drafts.drop(turn.ctx.db, turn.who)
    return [Message(tt.CANCELLED)]


# -- answers: buttons and typed text ---------------------------------------------------------------


async def on_button(turn: Turn) -> Replies:
    require_admin(turn.who)
    action, arg, seq = flow.read_payload(turn.event.payload or "")
    if action == "ok":
        return await _confirm(turn, seq)
    ctx = turn.ctx
    return _pressed(task_drafts.press(ctx.db, ctx.clock, turn.who, action, arg, seq))


async def on_text(turn: Turn) -> Replies:
    """A typed answer to the current step (the dispatcher sends text here while an edit is in progress)."""
    require_admin(turn.who)
    ctx = turn.ctx
    return _typed(task_drafts.answer(ctx.db, ctx.clock, ctx.calendar, turn.who, turn.event.text))


async def _confirm(turn: Turn, seq: int | None) -> Replies:
    ctx = turn.ctx
    confirmed = task_drafts.confirm(ctx.db, ctx.clock, ctx.calendar, ctx.policy, ctx.admins, turn.who, seq)
    if confirmed.stale:
        return [Toast(tt.STALE)]
    made = confirmed.made
    if made is None:
        refused = confirmed.refused or EditRefused("changed_meanwhile")
        return [Toast(""), ClearButtons(), Message(tt.refused(refused))]
    log.info(
        "task %s: %s by %s; reminders superseded %d, planned %d",
        made.code,
        made.op,
        turn.who.user_id,
        made.replanned.superseded,
        made.replanned.planned,
        extra={"task": made.code},
    )
    notice = Message(tt.notice(made.preview, turn.office))
    reached: list[str] = []
    missing: list[str] = []
    for dep_id, name in made.departments:
        sent = await notify_department(ctx, dep_id, notice)
        (reached if sent else missing).append(name)
    return [Toast(tt.SAVED), ClearButtons(), Message(tt.done(made.op, made.code, reached, missing))]


def routes(r: Routes) -> None:
    r.command("addtask", addtask)
    r.command(tuple(OPS), edit_command)
    r.command("history", history)
    r.buttons[flow.PREFIX] = on_button
    r.flows[KIND] = on_text
