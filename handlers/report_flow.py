"""Writing a report from a phone: /done (or 已完成 under a reminder, or a sentence), the quantities the task
needs, then the confirmation, where photos and a note are added, until 确认上报. Also /progress, /withdraw
and /cancel. State lives in the database (services/report_drafts). Files: handlers/report_files.py.

Button payloads: "rp:<action>:<key>" for the questions of a draft (key: which question of which draft),
"rp:t:<code>" to pick a task, "rp:pg:<page>" to page through them (and "rf:..." in report_files.py).
"""

from __future__ import annotations

import logging

from handlers import report_texts as rt
from handlers import texts
from handlers.context import Turn
from handlers.dispatch import Routes
from handlers.markup import esc
from handlers.notify import notify_office
from handlers.replies import ClearButtons, Message, Replies, Reply, Toast, keyboard
from handlers.task_texts import clip, measure_text
from services import report_drafts as drafts
from services import reports
from services.access import require_reporter
from services.intents import ReportIntent, read_intent
from services.quantities import parse_quantity
from services.report_drafts import DraftView, PickView
from services.task_views import statuses_for

log = logging.getLogger("duban.handlers.reports")
PAGE = 6
CONFIRMED = "确认"  # the word after a doubted /progress quantity that records it as typed


def prompt(turn: Turn, draft: DraftView) -> Message:
    """The question the draft's step asks, with the buttons that answer it."""
    seq = draft.key
    cancel = ("取消", f"rp:x:{seq}")
    if draft.step == drafts.MEASURE and draft.targets:
        return Message(rt.measures_question(draft), keyboard([cancel]), typed=True)
    if draft.step == drafts.CHECK:  # a number typed here is the quantity again, so choices are words
        answers = [("✅ 数量无误", f"rp:qok:{seq}"), ("✏️ 重新填写", f"rp:qre:{seq}")]
        return Message(rt.doubts_question(draft), keyboard(answers, [cancel]), typed=True)
    lines = [rt.summary(draft), ""]
    if draft.evidence:
        lines.append(rt.MORE_FILES)
        ok: list[tuple[str, str]] = [("✅ 确认上报", f"rp:ok:{seq}")]
    elif turn.ctx.evidence_required:
        lines += [rt.ASK_FILES, rt.FILES_REQUIRED.format(office=turn.office)]
        ok = []
    else:
        lines += [rt.ASK_FILES, rt.OR_WITHOUT_FILES]
        ok = [("✅ 确认上报(无佐证)", f"rp:ok:{seq}")]
    return Message("\n".join(lines), keyboard([*ok, ("✖ 取消", f"rp:x:{seq}")]))


def pick_prompt(pick: PickView) -> Message:
    """Files in reply to a reminder of several tasks: which one they are for."""
    rows = [[(f"{code} {clip(text, 16)}", f"rf:{pick.seq}.{task_id}")] for task_id, code, text in pick.tasks]
    return Message(
        rt.PICK_FOR_FILES.format(n=pick.evidence, k=len(pick.tasks)), keyboard(*rows, [("取消", f"rp:x:{pick.key}")])
    )


def _picker(turn: Turn, page: int) -> Message | None:
    ctx = turn.ctx
    statuses = [
        s for s in statuses_for(ctx.db, turn.who, ctx.clock.today(), ctx.calendar, ctx.policy) if s.colour != "done"
    ]
    if not statuses:
        return None
    pages = max(1, (len(statuses) + PAGE - 1) // PAGE)
    page = min(max(page, 0), pages - 1)
    rows: list[list[tuple[str, str]]] = [
        [(f"{s.code} {clip(s.text, 16)}", f"rp:t:{s.code}")] for s in statuses[page * PAGE : (page + 1) * PAGE]
    ]
    nav = ([("◀ 上一页", f"rp:pg:{page - 1}")] if page > 0 else []) + (
        [("下一页 ▶", f"rp:pg:{page + 1}")] if page + 1 < pages else []
    )
    return Message(rt.PICK_TASK.format(page=page + 1, pages=pages), keyboard(*rows, nav))


def begin(turn: Turn, code: str, intent: ReportIntent | None = None) -> Message:
    """Start a report on `code` (a refusal is raised, and answered by the dispatcher)."""
    ctx = turn.ctx
    return prompt(turn, drafts.start(ctx.db, ctx.clock, turn.who, code, intent))


async def done(turn: Turn) -> Replies:
    if turn.args:
        return [begin(turn, turn.args[0])]
    require_reporter(turn.who)
    picker = _picker(turn, 0)
    return [picker or Message(rt.NO_TASKS)]


async def sentence(turn: Turn) -> Replies:
    """Private text with nothing in progress: a report typed as a sentence, or help."""
    if not turn.who.bound:
        return [Message(texts.HELP_UNBOUND.format(office=turn.office))]
    intent = read_intent(turn.event.text)
    if intent is None:
        return [Message(texts.NOT_UNDERSTOOD)]
    return [begin(turn, intent.code, intent)]


async def on_button(turn: Turn) -> Replies:
    parts = (turn.event.payload or "").split(":")
    action = parts[1] if len(parts) > 1 else ""
    arg = parts[2] if len(parts) > 2 else ""
    if action == "pg":  # a new message per page: nothing is edited, so no double tap can clash
        picker = _picker(turn, int(arg) if arg.isdigit() else 0)
        return [Toast(""), picker or Message(rt.NO_TASKS)]
    if action == "t":
        return [Toast(""), begin(turn, arg)]
    ctx = turn.ctx
    pressed = drafts.press(ctx.db, ctx.clock, turn.who, action, arg, ctx.evidence_required)
    if pressed.stale:
        return [Toast(rt.STALE)]
    if pressed.needs_evidence:
        return [Toast(rt.NEEDS_FILES, alert=True)]
    answers: list[Reply] = [Toast(""), ClearButtons()]  # the buttons of an answered step go away
    if pressed.cancelled:
        return [*answers, Message(rt.CANCELLED)]
    if pressed.submitted is not None:
        s = pressed.submitted
        await notify_office(
            ctx,
            Message(
                rt.NEW_REPORT.format(id=s.report_id, code=esc(s.code), department=esc(s.department or turn.office)),
                keyboard([("通过", f"v:ok:{s.report_id}"), ("退回", f"v:no:{s.report_id}")]),
            ),
        )
        return [*answers, Message(rt.SUBMITTED.format(id=s.report_id, office=turn.office))]
    assert pressed.draft is not None
    return [*answers, prompt(turn, pressed.draft)]


def _not_numbers(draft: DraftView) -> Message:
    if len(draft.targets) == 1:
        t = draft.targets[0]
        return Message(rt.NOT_A_NUMBER.format(example=f"{t['value']:g}", unit=esc(t["unit"])))
    return Message(rt.NOT_NUMBERS.format(example=" ".join(f"{t['value']:g}" for t in draft.targets)))


async def on_text_step(turn: Turn) -> Replies:
    """A typed answer while a report is being written: the quantities, or at the confirmation the note.
    A text that reads as a report on another task ("14.2 已完成") starts that one instead."""
    ctx, text = turn.ctx, turn.event.text
    state = drafts.current(ctx.db, turn.who)
    if state is None:
        return await sentence(turn)
    intent = read_intent(text)
    if isinstance(state, PickView):
        return [begin(turn, intent.code, intent)] if intent else [pick_prompt(state)]
    if state.step in (drafts.MEASURE, drafts.CHECK):
        quantities = drafts.read_measures(text)
        if quantities is None:
            if intent:
                return [begin(turn, intent.code, intent)]
            return [prompt(turn, state) if state.step == drafts.CHECK else _not_numbers(state)]
        answered = drafts.answer_measures(ctx.db, ctx.clock, turn.who, quantities)
    elif intent is not None and intent.code != state.code:
        return [begin(turn, intent.code, intent)]
    else:
        added = drafts.set_note(ctx.db, ctx.clock, turn.who, text)
        if added is None:
            return [Message(rt.PRESS_BUTTONS)]
        if added.dropped:  # kept whole up to the limit, and a cut is said at the time
            log.info("note of user %s cut: %d characters over %d", turn.who.user_id, added.dropped, drafts.MAX_NOTE)
            return [Message(rt.NOTE_CUT.format(dropped=added.dropped, kept=drafts.MAX_NOTE)), prompt(turn, added.draft)]
        answered = added.draft
    return [prompt(turn, answered)] if answered else [Message(rt.PRESS_BUTTONS)]


async def progress(turn: Turn) -> Replies:
    args = turn.args
    confirmed = len(args) >= 3 and args[-1] == CONFIRMED  # after the doubt: "/progress 3.1 958万亩 确认"
    amount = args[1:-1] if confirmed else args[1:]
    quantity = parse_quantity("".join(amount)) if len(args) >= 2 else None
    if quantity is None:
        return [Message(rt.PROGRESS_USAGE)]
    recorded = reports.record_progress(turn.ctx.db, turn.ctx.clock, turn.who, args[0], quantity, confirmed)
    return [
        Message(
            rt.PROGRESS_RECORDED.format(
                code=esc(recorded.code), id=recorded.report_id, measure=measure_text(recorded.measure)
            )
        )
    ]


async def withdraw(turn: Turn) -> Replies:
    args = turn.args
    report_id = int(args[0]) if args and args[0].isdigit() else None
    withdrawn, code = reports.withdraw(turn.ctx.db, turn.ctx.clock, turn.who, report_id)
    return [Message(rt.WITHDRAWN.format(id=withdrawn, code=esc(code)))]


async def cancel(turn: Turn) -> Replies:
    dropped = reports.cancel(turn.ctx.db, turn.who)
    return [Message(rt.CANCELLED if dropped else rt.NOTHING_TO_CANCEL)]


def routes(r: Routes) -> None:
    r.command("done", done)
    r.command("progress", progress)
    r.command("withdraw", withdraw)
    r.buttons["rp"] = on_button
    r.flows[drafts.KIND] = on_text_step
    r.sentence = sentence
