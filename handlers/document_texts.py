"""Chinese text for the office's documents in the chat: /circular (月度通报) and /notice (督办单), the notice
sent to a department and its 收到. Templates in the markup of handlers/markup.py; every value goes through
esc. `{office}` is the coordinating office's short name, from the letter."""

from __future__ import annotations

from datetime import date

from handlers.markup import esc
from handlers.task_texts import clip, day
from services.circular import Circular, CircularRefused
from services.notice_drafts import NoticeDraft
from services.notices import Acknowledged, Issued, NoticeDoc, NoticeRefused

CIRCULAR_USAGE = (
    "用法:<code>/circular</code> 生成上月的月度通报(Word);指定月份:<code>/circular 2022-09</code> 或 "
    "<code>/circular 9月</code>"
)
CIRCULAR_REFUSED = {
    "other_year": "当前责任书是{year}年度的,请指定{year}年的月份,例如 <code>/circular {year}-09</code>。",
    "future": "{year}年{month}月还没有到,无法通报。请指定已经开始的月份,例如上个月。",
}
CIRCULAR_CAPTION = (
    "📄 {year}年{month}月份任务推进情况通报(截至{today})\n"
    "到期节点 {due} 个:按期完成 {on_time}、逾期完成 {late}、待审核 {pending}、逾期未完成 {overdue};"
    "当前逾期任务 {red} 项;预计得分 {projected} 分"
)

NOTICE_USAGE = (
    "用法:<code>/notice 任务编号 [办结时限] [督办要求]</code>,例如 <code>/notice 14.2</code>(默认3个工作日内办结)、"
    "<code>/notice 14.2 10月20日前</code>、<code>/notice 14.2 5个工作日内 同步报送整改方案</code>"
)
NOTICE_REFUSED = {
    "no_task": "没有编号为 {code} 的任务。任务编号形如 14.2,发送 /overdue 查看逾期任务。",
    "closed": "任务 {code} 已关闭,无需督办。",
    "done": "任务 {code} 已完成并审核通过,无需督办。",
    "bad_phrase": "办结时限:{problem}",
    "ambiguous": "办结时限“{phrase}”有几种读法,请写具体日期,例如 <code>10月20日前</code>。",
    "not_a_date": "办结时限要写一个具体日期,例如 <code>10月20日前</code>、<code>5个工作日内</code>;“{phrase}”不是一个日期。",
    "past": "办结时限{day}已经过去,请写今天以后的日期,例如 <code>5个工作日内</code>。",
    "requirement_too_long": "督办要求太长了(最多 {limit} 字),请精简后再发。",
}
STATE = {"red": "已逾期 {n} 个工作日", "yellow": "临近截止或待审核", "green": "尚未到期", None: "无具体截止日期"}
PREVIEW = (
    "请确认:<b>督办单</b> {number}(确认发出时编号)\n"
    "任务 <b>{code}</b>:{text}\n"
    "原定时限:{due};{state}\n"
    "办结时限:{reply_by}\n"
    "{requirement}"
    "发送给:{reach}\n"
    "上面是督办单预览。修改办结时限请直接回复,例如 <code>10月20日前</code>;或点“取消”。"
)
PREVIEW_CAPTION = "📄 督办单预览(尚未发出)"
REQUIREMENT = "督办要求:{text}\n"
REACH = "{department}({n}人)"
REACH_NONE = "{department}(尚无联络员,无法送达)"
CONFIRM, CANCEL = "✅ 确认发出", "✖ 取消"
CANCELLED = "已取消,督办单没有发出。"
STALE = "这个按钮已失效,请按最新的预览操作。"
ISSUED_TOAST = "已发出"
ISSUED_CAPTION = "📄 {number} 任务 {code}(已发出)"
ISSUED = "✅ 已发出 <b>{number}</b>(任务 {code}),办结时限 {reply_by}。"
SENT_TO = "已送达:{departments}。签收情况会在这里告诉您,也可以在 /history {code} 查看。"
NOT_SENT = "未能送达:{departments}(尚无联络员或无法送达),请另行送达。"

TO_DEPARTMENT = (
    "📌 <b>{office}督办单 {number}</b>\n"
    "任务 <b>{code}</b>:{text}\n"
    "{state}。请于 <b>{reply_by}</b> 前办结,并发送 /done {code} 上报办理结果。\n"
    "请点“收到”签收。"
)
TO_DEPARTMENT_CAPTION = "📄 {number}(任务 {code})"
ACK_BUTTON = "收到"
ACKNOWLEDGED = "已签收 {number},谢谢。请按时办结。"
ALREADY_ACKNOWLEDGED = "{number} 已签收过,无需重复点击。"
NOT_YOURS = "这份督办单不是发给您的,无法代为签收。"
EXPIRED = "这个按钮已失效。"
ACK_TO_OFFICE = "📥 {name}({department})已签收 <b>{number}</b>(任务 {code})。"


def _n(x: float) -> str:
    return f"{round(x, 2):g}"


def circular_refused(exc: CircularRefused) -> str:
    return CIRCULAR_REFUSED[exc.reason].format(**{k: esc(v) for k, v in exc.details.items()})


def circular_caption(c: Circular) -> str:
    t = c.tally
    return CIRCULAR_CAPTION.format(
        year=c.year,
        month=c.month,
        today=f"{c.today.month}月{c.today.day}日",
        due=t.due,
        on_time=t.on_time,
        late=t.late,
        pending=t.pending,
        overdue=t.overdue,
        red=len(c.overdue),
        projected=_n(c.score.projected) if c.score else "-",
    )


def refused(exc: NoticeRefused) -> str:
    template = NOTICE_REFUSED.get(exc.reason, NOTICE_USAGE)
    values = {k: esc(v) for k, v in exc.details.items()}
    if "day" in exc.details:
        values["day"] = day(date.fromisoformat(str(exc.details["day"])))
    return template.format(**values)


def _state(doc: NoticeDoc) -> str:
    return STATE.get(doc.colour, STATE[None]).format(n=doc.overdue_workdays)


def _due(doc: NoticeDoc) -> str:
    if doc.due is None:
        return "无具体日期"
    return day(doc.due) + (f"「{esc(doc.phrase)}」" if doc.phrase else "")


def preview(draft: NoticeDraft) -> str:
    doc = draft.doc
    reach = "、".join(
        REACH.format(department=esc(d), n=n) if n else REACH_NONE.format(department=esc(d)) for d, n in draft.reach
    )
    return PREVIEW.format(
        number=esc(doc.number),
        code=esc(doc.code),
        text=esc(clip(doc.text, 80)),
        due=_due(doc),
        state=_state(doc),
        reply_by=day(doc.reply_by),
        requirement=REQUIREMENT.format(text=esc(doc.requirement)) if doc.requirement else "",
        reach=reach or "(无责任部门)",
    )


def issued(done: Issued, reached: list[str], missing: list[str]) -> str:
    doc = done.doc
    lines = [ISSUED.format(number=esc(doc.number), code=esc(doc.code), reply_by=day(doc.reply_by))]
    if reached:
        lines.append(SENT_TO.format(departments=esc("、".join(reached)), code=esc(doc.code)))
    if missing:
        lines.append(NOT_SENT.format(departments=esc("、".join(missing))))
    return "\n".join(lines)


def to_department(doc: NoticeDoc, office: str) -> str:
    return TO_DEPARTMENT.format(
        office=esc(office),
        number=esc(doc.number),
        code=esc(doc.code),
        text=esc(clip(doc.text, 60)),
        state=_state(doc),
        reply_by=day(doc.reply_by),
    )


def ack_to_office(ack: Acknowledged) -> str:
    return ACK_TO_OFFICE.format(
        department=esc(ack.department), name=esc(ack.name), number=esc(ack.number), code=esc(ack.code)
    )
