"""The coordinating office's questions: /score, /whatif, /fact, /remind, /contacts."""
from __future__ import annotations

import scoring
from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from handlers import office_texts as ot
from handlers.common import REFUSALS, app_ctx, identity_of, refuse, reply, session_of, typing
from handlers.notify import notify_department
from handlers.task_texts import clip
from handlers.texts import esc
from services import audit
from services.access import Denied, require_admin
from services.contacts import contact_lines
from services.quantities import parse_quantity
from services.scoring_facts import set_office_fact, standing
from services.task_views import statuses_for
from services.tasks import find_department

TRUE_WORDS, FALSE_WORDS = {"true", "yes", "是", "有", "完成", "1"}, {"false", "no", "否", "无", "未完成", "0"}


def _require_reader(identity) -> None:
    if not identity.reads_everything:
        raise Denied("admin_only") if identity.bound else Denied("unbound")


async def score(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        _require_reader(identity)
        await typing(update, context)
        with session_of(context) as session:
            state = standing(session, ctx.clock.today(), ctx.calendar, ctx.policy, tz=ctx.clock.tz)
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    if context.args:
        try:
            indicator = state.result.indicator(context.args[0])
        except scoring.UnknownIdError:
            await reply(update, context, ot.SCORE_UNKNOWN.format(no=esc(context.args[0])))
            return
        await reply(update, context, ot.indicator_detail(indicator, state.sources))
        return
    await reply(update, context, ot.score_overview(state.result, ctx.clock.today()))


def parse_values(args: list[str], sub) -> dict:
    """`actual=958 target=958`, `done=是`, or a bare amount read as the one numeric field the rule takes."""
    values = {}
    for arg in args:
        if "=" in arg:
            key, raw = arg.split("=", 1)
            low = raw.strip().lower()
            if low in TRUE_WORDS or low in FALSE_WORDS:
                values[key.strip()] = low in TRUE_WORDS
            else:
                q = parse_quantity(raw)
                values[key.strip()] = (int(q.value) if q.value.is_integer() else q.value) if q else raw.strip()
        else:
            q = parse_quantity(arg)
            field = next((f for f in ("actual", "rate", "ratio", "score") if f in sub.fields), None)
            if q is None or field is None:
                raise ValueError(arg)
            values[field] = q.value
    if not values:
        raise ValueError("")
    return values


def _subitem(rubric, sid: str):
    if sid in rubric:
        return rubric.subitem(sid)
    pooled = rubric.pooled_part(sid)
    if pooled is None:
        raise scoring.UnknownIdError(sid)
    return pooled[0]


async def _facts_command(update: Update, context: ContextTypes.DEFAULT_TYPE, usage: str, work) -> None:
    """/whatif and /fact: `work(identity, ctx, sid)` returns the answer; bad ids, values and facts are
    answered with the right form, never a traceback."""
    identity, ctx = identity_of(update, context), app_ctx(context)
    if len(context.args or []) < 2:
        await reply(update, context, usage)
        return
    try:
        text = work(identity, ctx, context.args[0])
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    except scoring.FactsError as exc:  # before ValueError: it is one, and says more
        await reply(update, context, ot.FACTS_REFUSED.format(problems=esc(exc)))
        return
    except (ValueError, scoring.UnknownIdError):
        await reply(update, context, usage)
        return
    await reply(update, context, text)


async def whatif(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    def work(identity, ctx, sid: str) -> str:
        _require_reader(identity)
        with session_of(context) as session:
            state = standing(session, ctx.clock.today(), ctx.calendar, ctx.policy, tz=ctx.clock.tz)
        sub = _subitem(state.rubric, sid)
        values = parse_values(context.args[1:], sub)
        change = scoring.what_if(state.rubric, state.facts, {sid: values}, state.at_risk)
        return ot.what_if(change, sub.id, values)

    await _facts_command(update, context, ot.WHATIF_USAGE, work)


async def fact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    def work(identity, ctx, sid: str) -> str:
        require_admin(identity)
        rubric = scoring.load_rubric()
        sub = _subitem(rubric, sid)
        values = parse_values(context.args[1:], sub)
        with session_of(context) as session:
            set_office_fact(session, ctx.clock, identity, sid, values, rubric=rubric)
            state = standing(session, ctx.clock.today(), ctx.calendar, ctx.policy, tz=ctx.clock.tz)
        result = state.result.subitem(sub.id)
        return ot.FACT_SAVED.format(sid=esc(sid), name=esc(sub.name), values=esc(values),
                                    score=ot.n(result.projected), points=ot.n(sub.points))

    await _facts_command(update, context, ot.FACT_USAGE, work)


async def remind(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    if not context.args:
        await reply(update, context, ot.REMIND_USAGE)
        return
    try:
        require_admin(identity)
        with session_of(context) as session:
            dep = find_department(session, " ".join(context.args))
            statuses = [s for s in statuses_for(session, identity, ctx.clock.today(), ctx.calendar, ctx.policy, dep.name)
                        if s.colour in ("red", "yellow")]
            audit.record(session, ctx.clock, f"tg:{identity.user_id}", "remind.manual", "department", dep.id, None,
                         {"tasks": [s.code for s in statuses]})
            department, department_id = dep.name, dep.id
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    if not statuses:
        await reply(update, context, ot.NUDGE_NOTHING.format(department=esc(department)))
        return
    marks = {"red": "🔴", "yellow": "🟡"}
    items = "\n".join(f"{marks[s.colour]} <b>{esc(s.code)}</b> {esc(clip(s.text, 40))}({esc(s.reason)})" for s in statuses)
    sent = await notify_department(context, department_id, ot.NUDGE.format(items=items))
    if sent == 0:
        await reply(update, context, ot.NUDGE_NOBODY.format(department=esc(department)))
        return
    await reply(update, context, ot.NUDGE_SENT.format(department=esc(department), n=sent, items=len(statuses)))


async def contacts(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    identity, ctx = identity_of(update, context), app_ctx(context)
    try:
        require_admin(identity)
        with session_of(context) as session:
            lines = contact_lines(session, ctx.calendar.add_workdays(ctx.clock.today(), -5))
    except REFUSALS as exc:
        await refuse(update, context, exc)
        return
    await reply(update, context, ot.contacts(lines))


def register(application: Application) -> None:
    for name, callback in (("score", score), ("whatif", whatif), ("fact", fact), ("remind", remind),
                           ("contacts", contacts)):
        application.add_handler(CommandHandler(name, callback))
