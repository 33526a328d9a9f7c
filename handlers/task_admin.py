"""The office changes tasks from a phone: /addtask (step by step or in one line), /deadline, /recur,
/assign, /close, /reopen, and /history. Admins only.

Every change is shown as before/after with 确认 / 取消; nothing is written before 确认 (the draft lives in
a Conversation row, services/task_drafts.py). On 确认: the change and its audit row (services/task_edits.py),
the task's reminders re-planned (services/replan.py), then one message to each department concerned.
"""
from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy.orm import Session
from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from storage.models import Conversation, Department
from handlers import task_admin_flow as flow
from handlers import task_admin_texts as tt
from handlers.common import REFUSALS, app_ctx, clear_buttons, identity_of, refuse, reply, session_of
from handlers.notify import notify_department
from services import task_drafts, task_edits
from services.access import require_admin
from services.replan import replan_task
from services.task_drafts import (CONFIRM, DEADLINE, DEPS, FIXDEP, RUBRIC, TARGET, TEXT, WHICH, CHOICE, KIND,
                                  Draft)
from services.task_edits import Edit, EditRefused
from services.task_history import history as task_history
from services.tasks import current_letter

log = logging.getLogger("duban.handlers.task_admin")
USAGE = {"addtask": tt.ADDTASK_USAGE, "deadline": tt.DEADLINE_USAGE, "recur": tt.RECUR_USAGE,
         "assign": tt.ASSIGN_USAGE, "close": tt.CLOSE_USAGE, "reopen": tt.REOPEN_USAGE, "history": tt.HISTORY_USAGE}
OPS = {"deadline": "move", "recur": "recur", "assign": "assign", "close": "close", "reopen": "reopen"}
MIN_ARGS = {"move": 2, "recur": 2, "assign": 2, "close": 1, "reopen": 1}


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, keyboard) -> None:
    """Send the next question; its buttons are from now on the only live ones of this edit."""
    message = await reply(update, context, text, keyboard)
    with session_of(context) as session:
        task_drafts.remember_prompt(session, identity_of(update, context), message.message_id)


async def _step(update, context, session: Session, identity, draft: Draft) -> None:
    """Settle the draft, store it, ask its question; a refusal ends the edit with the reason."""
    ctx = app_ctx(context)
    try:
        flow.settle(session, ctx, draft)
        task_drafts.save(session, ctx.clock, identity, draft)
        text, keyboard = flow.prompt(session, ctx, draft)
    except EditRefused as exc:
        task_drafts.drop(session, identity)
        session.commit()
        await reply(update, context, tt.refused(exc))
        return
    session.commit()
    await ask(update, context, text, keyboard)


# -- commands --------------------------------------------------------------------------------------

async def addtask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx, args = identity_of(update, context), app_ctx(context), list(context.args or [])
    try:
        require_admin(identity)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    if len(args) == 1:
        await reply(update, context, tt.ADDTASK_USAGE)
        return
    with session_of(context) as session:
        if not args:  # step by step, starting with the departments
            draft = task_drafts.save(session, ctx.clock, identity, Draft(Edit("add"), DEPS, {"dep_ids": [], "page": 0}))
            text, keyboard = flow.prompt(session, ctx, draft)
            session.commit()
            await ask(update, context, text, keyboard)
            return
        text = " ".join(args[1:-1]) if len(args) >= 3 else args[1]
        draft = Draft(Edit("add", departments=flow.split_names(args[0]), text=text), CONFIRM, {})
        problem = flow.read_phrase(session, ctx, draft, args[-1])
        if problem:
            await reply(update, context, problem + "\n" + tt.ADDTASK_USAGE)
            return
        await _step(update, context, session, identity, draft)


async def edit_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/deadline, /recur, /assign, /close, /reopen: the same path, told apart by the command's name."""
    name = update.effective_message.text.split()[0].lstrip("/").split("@")[0].lower()
    op, args = OPS[name], list(context.args or [])
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        require_admin(identity)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    if len(args) < MIN_ARGS[op]:
        await reply(update, context, USAGE[name])
        return
    with session_of(context) as session:
        try:
            task_edits.find_task(session, current_letter(session), args[0])
        except EditRefused as exc:
            await reply(update, context, tt.refused(exc))
            return
        except REFUSALS as exc:
            await refuse(update, context, exc)
            return
        draft = Draft(Edit(op, code=args[0]), CONFIRM, {})
        if op == "assign":
            draft.edit.departments = flow.split_names(" ".join(args[1:]))
        if op in ("move", "recur"):
            problem = flow.read_phrase(session, ctx, draft, " ".join(args[1:]))
            if problem:
                await reply(update, context, problem)
                return
        await _step(update, context, session, identity, draft)


async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    if not context.args:
        await reply(update, context, tt.HISTORY_USAGE)
        return
    try:
        require_admin(identity)
        with session_of(context) as session:
            entries = task_history(session, context.args[0])
    except EditRefused as exc:
        await reply(update, context, tt.refused(exc))
        return
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await reply(update, context, tt.history(context.args[0], entries, ctx.clock.tz))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    with session_of(context) as session:
        task_drafts.drop(session, identity_of(update, context))
    await reply(update, context, tt.CANCELLED)


# -- answers: buttons and typed text ---------------------------------------------------------------

STEPS_OF = {"on": (DEPS,), "off": (DEPS,), "pg": (DEPS,), "dn": (DEPS,), "sk": (TARGET, RUBRIC), "rb": (RUBRIC,),
            "ch": (CHOICE,), "wd": (WHICH,), "fx": (DEPS, FIXDEP), "ok": (CONFIRM,), "x": None}


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":")
    action, arg = (parts[1] if len(parts) > 1 else ""), (parts[2] if len(parts) > 2 else "")
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        require_admin(identity)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    with session_of(context) as session:
        draft = task_drafts.current(session, identity)
        live = draft is not None and (query.message is None or draft.prompt in (None, query.message.message_id))
        if not live or action not in STEPS_OF or (STEPS_OF[action] and draft.step not in STEPS_OF[action]):
            await query.answer(tt.STALE)
            return
        if action == "x":
            task_drafts.drop(session, identity)
            session.commit()
            await query.answer()
            await clear_buttons(update)
            await reply(update, context, tt.CANCELLED)
            return
        if action == "ok":
            await _confirm(update, context, session, identity, draft)
            return
        if action in ("on", "off", "pg"):
            await _toggle(update, context, session, identity, draft, action, arg)
            return
        if action == "dn" and not draft.data.get("dep_ids"):
            await query.answer(tt.NEED_DEPARTMENT, show_alert=True)
            return
        await query.answer()
        await clear_buttons(update)
        await _advance_by_button(update, context, session, identity, draft, action, arg)


async def _toggle(update, context, session, identity, draft: Draft, action: str, arg: str) -> None:
    """Department buttons change the keyboard in place; a press that changes nothing edits nothing."""
    chosen = list(draft.data.get("dep_ids") or [])
    page = int(draft.data.get("page") or 0)
    value = int(arg) if arg.lstrip("-").isdigit() else None
    if value is None or (action == "on" and value in chosen) or (action == "off" and value not in chosen) \
            or (action == "pg" and value == page):
        await update.callback_query.answer()
        return
    if action == "on":
        chosen.append(value)
    elif action == "off":
        chosen.remove(value)
    else:
        draft.data["page"] = value
    draft.data["dep_ids"] = chosen
    task_drafts.save(session, app_ctx(context).clock, identity, draft)
    text, keyboard = flow.department_page(session, draft)
    session.commit()
    await update.callback_query.answer()
    try:
        await update.callback_query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:  # a double tap's second edit: already shown as it is
        log.debug("department keyboard not edited: %s", exc)


async def _advance_by_button(update, context, session, identity, draft: Draft, action: str, arg: str) -> None:
    ctx = app_ctx(context)
    if action == "dn":
        draft.edit.departments = flow.chosen_names(session, draft)
        draft.step = TEXT
    elif action == "sk":
        draft.step = RUBRIC if draft.step == TARGET else DEADLINE
        draft.data.pop("found", None)
    elif action == "rb":
        draft.edit.rubric, draft.step = arg, DEADLINE
        draft.data.pop("found", None)
    elif action == "ch":
        choices = draft.data.pop("choices", [])
        draft.edit.spec = choices[int(arg)]["spec"] if arg.isdigit() and int(arg) < len(choices) else None
    elif action == "wd":
        draft.edit.deadline_id = int(arg) if arg.isdigit() else None
    elif action == "fx" and draft.step == DEPS:
        ids = draft.data.setdefault("dep_ids", [])
        if arg.isdigit() and int(arg) not in ids:
            ids.append(int(arg))
    elif action == "fx":
        chosen = session.get(Department, int(arg)) if arg.isdigit() else None
        unknown = draft.data.pop("unknown", "")
        draft.edit.departments = [chosen.name if (n == unknown and chosen) else n for n in draft.edit.departments]
        draft.data.pop("suggest", None)
    if draft.step in (CHOICE, WHICH, FIXDEP, CONFIRM):
        await _step(update, context, session, identity, draft)
        return
    task_drafts.save(session, ctx.clock, identity, draft)
    text, keyboard = flow.prompt(session, ctx, draft)
    session.commit()
    await ask(update, context, text, keyboard)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE, conversation: Conversation) -> None:
    """A typed answer to the current step (messages.py routes here for kind "task_edit")."""
    identity, ctx = identity_of(update, context), app_ctx(context)
    text = (update.effective_message.text or "").strip()
    try:
        require_admin(identity)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    with session_of(context) as session:
        draft = task_drafts.current(session, identity)
        if draft is None:
            return
        if draft.step == DEPS:
            await _typed_departments(update, context, session, identity, draft, text)
            return
        if draft.step == TEXT:
            if len(text) > task_edits.MAX_TEXT:
                await reply(update, context, tt.refused(EditRefused("text_too_long", limit=task_edits.MAX_TEXT)))
                return
            draft.edit.text, draft.step = text, TARGET
        elif draft.step == TARGET:
            draft.edit.target = flow.read_target(text)
            if draft.edit.target is None:
                await reply(update, context, tt.BAD_TARGET)
                return
            draft.step = RUBRIC
        elif draft.step == RUBRIC:
            found = task_edits.search_rubric(text)
            exact = [sid for sid, _ in found if sid == text]
            if exact:
                draft.edit.rubric, draft.step = exact[0], DEADLINE
                draft.data.pop("found", None)
            elif not found:
                await reply(update, context, tt.NO_RUBRIC_FOUND.format(query=tt.esc(text)))
                return
            else:
                draft.data["found"] = found
        elif draft.step == DEADLINE:
            problem = flow.read_phrase(session, ctx, draft, text)
            if problem:
                await reply(update, context, problem)
                return
            await _step(update, context, session, identity, draft)
            return
        else:
            await reply(update, context, tt.PRESS_BUTTONS)
            return
        task_drafts.save(session, ctx.clock, identity, draft)
        question, keyboard = flow.prompt(session, ctx, draft)
        session.commit()
    await ask(update, context, question, keyboard)


async def _typed_departments(update, context, session, identity, draft: Draft, text: str) -> None:
    ctx = app_ctx(context)
    ids = draft.data.setdefault("dep_ids", [])
    for name in flow.split_names(text):
        try:
            dep = flow.find_department(session, name)
        except flow.UnknownDepartment as exc:
            task_drafts.save(session, ctx.clock, identity, draft)
            found = flow.suggestions(session, exc)
            session.commit()
            if not found:
                await reply(update, context, tt.UNKNOWN_DEPARTMENT_NONE.format(name=tt.esc(exc.name)))
                return
            await ask(update, context, *flow.fix_prompt(exc.name, found))
            return
        if dep.id not in ids:
            ids.append(dep.id)
    task_drafts.save(session, ctx.clock, identity, draft)
    question, keyboard = flow.prompt(session, ctx, draft)
    session.commit()
    await ask(update, context, question, keyboard)


async def _confirm(update, context, session, identity, draft: Draft) -> None:
    ctx, query = app_ctx(context), update.callback_query
    try:
        applied = task_edits.apply(session, ctx.clock, f"tg:{identity.user_id}", draft.edit)
    except (EditRefused, *REFUSALS) as exc:
        session.rollback()
        task_drafts.drop(session, identity)
        session.commit()
        await query.answer()
        await clear_buttons(update)
        await reply(update, context, tt.refused(exc) if isinstance(exc, EditRefused) else tt.CHANGED_MEANWHILE)
        return
    replanned = replan_task(session, ctx.clock, ctx.calendar, ctx.policy, ctx.settings.admins, applied.task_id,
                            draft.edit.op)
    task_drafts.drop(session, identity)
    p = applied.preview
    names = {d.id: d.name for d in session.query(Department).filter(Department.id.in_(p.department_ids))}
    session.commit()
    log.info("task %s: %s by %s; reminders superseded %d, planned %d", applied.code, draft.edit.op,
             identity.user_id, replanned.superseded, replanned.planned, extra={"task": applied.code})
    await query.answer("已保存")
    await clear_buttons(update)
    notice, reached, missing = tt.notice(replace(p, code=applied.code)), [], []
    for dep_id in p.department_ids:
        sent = await notify_department(context, dep_id, notice)
        (reached if sent else missing).append(names.get(dep_id, ""))
    await reply(update, context, tt.done(draft.edit.op, applied.code, reached, missing))


class _Editing(filters.MessageFilter):
    """Messages from someone with an office edit in progress (so /cancel here, not in report_flow)."""

    def __init__(self, application: Application):
        super().__init__(name="task_edit_in_progress")
        self.application = application

    def filter(self, message) -> bool:
        if message.from_user is None:
            return False
        with app_ctx_of(self.application).db.session() as session:
            conv = session.get(Conversation, (message.chat.id, message.from_user.id))
            return conv is not None and conv.kind == KIND


def app_ctx_of(application: Application):
    from bot.app import context_of

    return context_of(application)


def register(application: Application) -> None:
    application.add_handler(CommandHandler("cancel", cancel, filters=_Editing(application)))
    application.add_handler(CommandHandler("addtask", addtask))
    application.add_handler(CommandHandler(list(OPS), edit_command))
    application.add_handler(CommandHandler("history", history))
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^ta:"))
