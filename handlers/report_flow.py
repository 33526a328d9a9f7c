"""Writing a report from a phone: /done (or a button, or a sentence), the questions the task needs,
evidence, confirm. Also /progress, /withdraw and /cancel. State lives in the database (services/reports)."""
from __future__ import annotations

import logging
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from handlers import report_texts as rt
from handlers.common import REFUSALS, app_ctx, clear_buttons, identity_of, refuse, reply, session_of
from handlers.notify import notify_office
from handlers.task_texts import clip, measure_text
from handlers.texts import esc
from services import reports
from services.access import require_bound, require_reporter
from services.intents import ReportIntent
from services.quantities import parse_quantity
from services.task_views import statuses_for

log = logging.getLogger("duban.handlers.reports")
PAGE = 6


def _kb(*rows) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data) for text, data in row] for row in rows])


def prompt(draft) -> tuple[str, InlineKeyboardMarkup | None]:
    task = draft.task
    if draft.step == reports.MEASURE:
        t = draft.target
        return rt.ASK_MEASURE.format(code=esc(task.code), name=esc(t["name"]), unit=esc(t["unit"]),
                                     target=f"{t['value']:g}", example=f"{t['value']:g}"), _kb([("取消", "rp:x")])
    if draft.step == reports.YES:
        return rt.ASK_YES.format(code=esc(task.code), text=esc(clip(task.text, 80))), \
            _kb([("是,已完成", "rp:yes"), ("取消", "rp:x")])
    if draft.step == reports.NOTE:
        return rt.ASK_NOTE, _kb([("跳过", "rp:skip"), ("取消", "rp:x")])
    if draft.step == reports.EVIDENCE:
        return rt.ASK_EVIDENCE, _kb([("完成上传", "rp:fin"), ("取消", "rp:x")])
    return rt.summary(draft), _kb([("✅ 确认上报", "rp:ok"), ("✖ 取消", "rp:x")])


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, keyboard) -> None:
    """Send the next question and remember it: its buttons are the only live ones of this report."""
    message = await reply(update, context, text, keyboard)
    with session_of(context) as session:
        reports.remember_prompt(session, identity_of(update, context), message.message_id)


def _picker(statuses, page: int) -> tuple[str, InlineKeyboardMarkup]:
    pages = max(1, (len(statuses) + PAGE - 1) // PAGE)
    page = min(max(page, 0), pages - 1)
    rows = [[InlineKeyboardButton(f"{s.code} {clip(s.text, 16)}", callback_data=f"rp:t:{s.code}")]
            for s in statuses[page * PAGE:(page + 1) * PAGE]]
    nav = []
    if page > 0:
        nav.append(InlineKeyboardButton("◀ 上一页", callback_data=f"rp:pg:{page - 1}"))
    if page + 1 < pages:
        nav.append(InlineKeyboardButton("下一页 ▶", callback_data=f"rp:pg:{page + 1}"))
    if nav:
        rows.append(nav)
    return rt.PICK_TASK.format(page=page + 1, pages=pages), InlineKeyboardMarkup(rows)


def _open_statuses(context, identity):
    ctx = app_ctx(context)
    with session_of(context) as session:
        return [s for s in statuses_for(session, identity, ctx.clock.today(), ctx.calendar, ctx.policy)
                if s.colour != "done"]


async def begin(update: Update, context: ContextTypes.DEFAULT_TYPE, code: str,
                intent: ReportIntent | None = None) -> bool:
    """Start a report on `code`; a sentence ("3.1 完成 900亩") fills in what it says and goes to confirm.
    False when refused (the refusal has answered, a pressed button included)."""
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        require_bound(identity)
        with session_of(context) as session:
            draft = reports.start_draft(session, ctx.clock, identity, code)
            if intent is not None:
                if draft.step == reports.MEASURE and intent.quantity is not None:
                    draft = reports.answer_measure(session, ctx.clock, identity, draft, intent.quantity)
                elif draft.step == reports.YES:
                    draft = reports.answer_yes(session, ctx.clock, identity, draft)
                if draft.step in (reports.NOTE, reports.EVIDENCE):
                    draft = reports.to_confirm(session, ctx.clock, identity, draft)
            text, keyboard = prompt(draft)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return False
    await ask(update, context, text, keyboard)
    return True


async def done(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if context.args:
        await begin(update, context, context.args[0])
        return
    identity = identity_of(update, context)
    try:
        require_reporter(identity)
        statuses = _open_statuses(context, identity)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    if not statuses:
        await reply(update, context, rt.NO_TASKS)
        return
    text, keyboard = _picker(statuses, 0)
    await reply(update, context, text, keyboard)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":")
    action = parts[1] if len(parts) > 1 else ""
    identity, ctx = identity_of(update, context), app_ctx(context)
    if action == "pg":  # a new message per page: nothing is edited, so no double tap can clash
        page = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 0
        await query.answer()
        text, keyboard = _picker(_open_statuses(context, identity), page)
        await reply(update, context, text, keyboard)
        return
    if action == "t":
        if await begin(update, context, parts[2]):
            await query.answer()
        return
    try:
        with session_of(context) as session:
            draft = reports.current_draft(session, identity)
            expected = {"yes": reports.YES, "skip": reports.NOTE, "fin": reports.EVIDENCE, "ok": reports.CONFIRM}
            if (draft is None or (action in expected and draft.step != expected[action])
                    or (query.message is not None and draft.prompt_id not in (None, query.message.message_id))):
                await query.answer(rt.STALE)
                return
            submitted = None
            if action == "x":
                reports.discard_draft(session, identity)
            elif action == "yes":
                draft = reports.answer_yes(session, ctx.clock, identity, draft)
            elif action == "skip":
                draft = reports.set_note(session, ctx.clock, identity, draft, None)
            elif action == "fin":
                draft = reports.to_confirm(session, ctx.clock, identity, draft)
            elif action == "ok":
                submitted = reports.submit(session, ctx.clock, identity, draft)
                code, dep = submitted.task.code, identity.department_name or "美丽办"
            text, keyboard = (rt.CANCELLED, None) if action == "x" else \
                ((rt.SUBMITTED.format(id=submitted.id), None) if submitted else prompt(draft))
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await query.answer()
    await clear_buttons(update)  # the buttons of an answered step go away
    if keyboard is not None:
        await ask(update, context, text, keyboard)
    else:
        await reply(update, context, text)
    if submitted is not None:
        await notify_office(context, rt.NEW_REPORT.format(id=submitted.id, code=esc(code), department=esc(dep)),
                            _kb([("通过", f"v:ok:{submitted.id}"), ("退回", f"v:no:{submitted.id}")]))


async def on_text_step(update: Update, context: ContextTypes.DEFAULT_TYPE, draft) -> None:
    """A typed answer while a report is being written: a quantity, a note, or a nudge to the buttons."""
    identity, ctx = identity_of(update, context), app_ctx(context)
    text = update.effective_message.text or ""
    try:
        with session_of(context) as session:
            draft = reports.current_draft(session, identity)
            if draft.step == reports.MEASURE:
                quantity = parse_quantity(text)
                if quantity is None:
                    t = draft.target
                    await reply(update, context, rt.NOT_A_NUMBER.format(example=f"{t['value']:g}", unit=esc(t["unit"])))
                    return
                draft = reports.answer_measure(session, ctx.clock, identity, draft, quantity)
            elif draft.step == reports.NOTE:
                draft = reports.set_note(session, ctx.clock, identity, draft, text)
            else:
                await reply(update, context, rt.PRESS_BUTTONS)
                return
            prompt_text, keyboard = prompt(draft)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await ask(update, context, prompt_text, keyboard)


async def on_media(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A photo or document: evidence for the report being written (kept, then downloaded if it may be)."""
    message, identity, ctx = update.effective_message, identity_of(update, context), app_ctx(context)
    if message.photo:
        media, kind, name = message.photo[-1], "photo", None
    else:
        media, kind, name = message.document, "document", message.document.file_name
    item = {"file_id": media.file_id, "file_unique_id": media.file_unique_id, "kind": kind, "name": name,
            "size": media.file_size, "path": None}
    try:
        with session_of(context) as session:
            draft = reports.current_draft(session, identity)
            if draft is None or draft.step not in (reports.NOTE, reports.EVIDENCE, reports.CONFIRM):
                await reply(update, context, rt.NO_DRAFT_FOR_FILE)
                return
            if message.caption and not draft.report.note:
                draft.report.note = message.caption[:1000]
            count = reports.add_evidence(session, ctx.clock, identity, draft, item)
            report_id, code, letter_dir = draft.report.id, draft.task.code, draft.task.letter_id
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    too_big = (media.file_size or 0) > reports.TELEGRAM_DOWNLOAD_LIMIT
    if not too_big:
        await _download(context, report_id, item, Path(ctx.settings.evidence_dir) / f"letter-{letter_dir}" / code)
    await ask(update, context, (rt.EVIDENCE_TOO_BIG + "\n" if too_big else "") + rt.EVIDENCE_ADDED.format(n=count),
              _kb([("完成上传", "rp:fin"), ("取消", "rp:x")]))


async def _download(context, report_id: int, item: dict, folder: Path) -> None:
    """Keep a copy on disk; the file id is already saved, so a failed download loses nothing."""
    try:
        tg_file = await context.bot.get_file(item["file_id"])
        suffix = Path(tg_file.file_path or item.get("name") or "").suffix or (".jpg" if item["kind"] == "photo" else "")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{report_id}-{item['file_unique_id']}{suffix}"
        await tg_file.download_to_drive(path)
    except (TelegramError, OSError) as exc:
        log.warning("evidence of report %s not downloaded (file id kept): %s", report_id, exc)
        return
    with session_of(context) as session:
        from storage.models import Report

        report = session.get(Report, report_id)
        report.evidence = [dict(e, path=str(path)) if e["file_unique_id"] == item["file_unique_id"] else e
                           for e in report.evidence]


async def progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    quantity = parse_quantity("".join(context.args[1:])) if len(context.args or []) >= 2 else None
    if quantity is None:
        await reply(update, context, rt.PROGRESS_USAGE)
        return
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        require_bound(identity)
        with session_of(context) as session:
            report = reports.record_progress(session, ctx.clock, identity, context.args[0], quantity)
            text = rt.PROGRESS_RECORDED.format(code=esc(report.task.code), id=report.id,
                                               measure=measure_text(report.measures[0]))
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await reply(update, context, text)


async def withdraw(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    report_id = int(context.args[0]) if context.args and context.args[0].isdigit() else None
    try:
        require_bound(identity)
        with session_of(context) as session:
            report = reports.withdraw(session, ctx.clock, identity, report_id)
            text = rt.WITHDRAWN.format(id=report.id, code=esc(report.task.code))
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await reply(update, context, text)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity = identity_of(update, context)
    with session_of(context) as session:
        dropped = reports.discard_draft(session, identity)
    await reply(update, context, rt.CANCELLED if dropped else rt.NOTHING_TO_CANCEL)


def register(application: Application) -> None:
    for name, callback in (("done", done), ("progress", progress), ("withdraw", withdraw), ("cancel", cancel)):
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^rp:"))
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & (filters.PHOTO | filters.Document.ALL), on_media))
