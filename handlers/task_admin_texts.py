"""Chinese text for the office's task edits (/addtask, /deadline, /assign, /close, /reopen, /recur, /history).
Templates are HTML; every value goes through esc. `{office}` is the coordinating office's name (美丽办)."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from deadlines import wording
from handlers.markup import esc
from handlers.task_texts import clip, day
from services.task_edits import EditRefused, Preview, Shape
from services.task_history import HistoryEntry
from services.task_steps import Problem, Reading

ADDTASK_USAGE = (
    "用法:<code>/addtask</code> 按提示一步步新增任务;\n"
    "或一行写完:<code>/addtask 发改局 完成XX工作 10月底前</code>(多个部门用“、”隔开)"
)
DEADLINE_USAGE = "用法:<code>/deadline 任务编号 新的截止时间</code>,例如 <code>/deadline 14.2 10月15日</code>"
RECUR_USAGE = "用法:<code>/recur 任务编号 周期</code>,例如 <code>/recur 22.3 每季度末月25日前</code>"
ASSIGN_USAGE = "用法:<code>/assign 任务编号 部门 [部门…]</code>,例如 <code>/assign 14.2 住建局 综合执法局</code>"
CLOSE_USAGE = "用法:<code>/close 任务编号</code>,例如 <code>/close 14.2</code>"
REOPEN_USAGE = "用法:<code>/reopen 任务编号</code>,例如 <code>/reopen 14.2</code>"
HISTORY_USAGE = "用法:<code>/history 任务编号</code>,例如 <code>/history 14.2</code>"

ASK_DEPS = "新增任务 ①/⑤:请选择责任部门(可多选,第 {page}/{pages} 页)。\n已选:{chosen}\n也可以直接输入部门名称。"
ASK_TEXT = "新增任务 ②/⑤:请输入工作内容,例如 <code>完成2022年度扬尘污染专项整治,形成整改清单</code>"
ASK_TARGET = (
    "新增任务 ③/⑤:量化目标(可选)。写名称和数量,例如 <code>新建污水管网 12公里</code> 或 <code>12公里</code>;"
    "没有请点“跳过”。"
)
ASK_RUBRIC = (
    "新增任务 ④/⑤:对应的考核细则(可选)。输入编号(如 <code>7.1</code>)或关键词(如 <code>污水</code>);没有请点“跳过”。"
)
PICK_RUBRIC = "找到这些考核细则,请选择一项:"
NO_RUBRIC_FOUND = "没有找到与“{query}”相关的考核细则。请换个编号或关键词,或点“跳过”。"
ASK_DEADLINE = (
    "新增任务 ⑤/⑤:截止时间?按平常的说法写,例如 <code>9月底前</code>、<code>每季度末月25日前</code>、"
    "<code>名单确定后10个工作日内</code>、<code>下周五</code>"
)
BAD_TARGET = (
    "没有读懂这个目标。请写数量和单位,例如 <code>新建污水管网 12公里</code>、<code>500亩</code>;没有目标请点“跳过”。"
)
NEED_DEPARTMENT = "请至少选择一个责任部门。"
PICK_READING = "“{phrase}”有几种读法,请选择:"
PICK_DEADLINE = "任务 <b>{code}</b> 有 {n} 个截止时间,要修改哪一个?"
UNKNOWN_DEPARTMENT = "没有找到部门“{name}”。您是不是要找下面的部门?请点选,或重新输入。"
UNKNOWN_DEPARTMENT_NONE = "没有找到部门“{name}”,也没有相近的名称。请重新输入,例如 <code>发改局</code>。"
ADDED_DEPARTMENT = "已选:{chosen}"
PRESS_BUTTONS = "请点上面的按钮继续,或发送 /cancel 放弃。"
CANCELLED = "已取消,没有做任何修改。"
STALE = "这个按钮已失效,请按最新的提示操作。"
SAVED = "已保存"
SKIP, PREV_PAGE, NEXT_PAGE = "跳过", "◀ 上一页", "下一页 ▶"
NEXT_STEP = "下一步 ▶(已选 {n} 个)"
PICKED = "✓ {name}"
NONE_PICKED = "(尚未选择)"
PAST_WARNING = "⚠️ 注意:{dates} 已经过去,保存后会显示为逾期。确定要这样保存吗?"
CONFIRM, CONFIRM_PAST, CANCEL = "✅ 确认", "⚠️ 仍然确认", "✖ 取消"
NOT_RECURRING = (
    "“{phrase}”不是周期性的截止时间。周期可以这样写:<code>每季度末月25日前</code>、<code>每月底前</code>;"
    "改成一次性的日期请用 <code>/deadline</code>。"
)

CHANGED_MEANWHILE = "任务刚刚被修改过,这次修改没有保存。请重新发送命令。"
REFUSED = {
    "no_task": "没有编号为 {code} 的任务。任务编号形如 14.2,发送 /tasks 查看。",
    "no_departments": "请至少写一个责任部门。",
    "no_text": "工作内容不能是空的。",
    "text_too_long": "工作内容太长了(最多 {limit} 字),请精简后再发。",
    "no_deadline_given": "请写截止时间,例如 <code>9月底前</code>。",
    "bad_deadline": "这个截止时间无法保存:{problem}",
    "not_a_due_date": "这是最短期限(如公示期),不是截止时间。请写截止日期,例如 <code>10月15日</code>。",
    "ambiguous": "这个截止时间有几种读法,请写得更具体一些。",
    "not_recurring": "这不是周期性的截止时间,例如 <code>每季度末月25日前</code>;一次性的日期请用 /deadline。",
    "unchanged": "和现在一样,没有需要修改的内容。",
    "which_deadline": "任务 {code} 有多个截止时间,请选择要修改哪一个。",
    "no_movable_deadline": "任务 {code} 没有可以修改的截止时间。",
    "deadline_changed": "任务 {code} 的这个截止时间刚刚被修改过,请重新发送命令。",
    "already_closed": "任务 {code} 已经是关闭状态。",
    "not_closed": "任务 {code} 没有关闭,无需重新打开。",
    "no_rubric": "没有编号为 {sid} 的考核细则。",
    "bad_target": "目标需要大于0的数量和单位,例如 <code>12公里</code>。",
    "unknown_op": "无法完成这个操作。",
    "unknown_department": UNKNOWN_DEPARTMENT_NONE,
    "changed_meanwhile": CHANGED_MEANWHILE,
}
# Answers that cannot be used; the step waits for another (services.task_steps.Problem).
PROBLEMS = {
    "unreadable_phrase": "{problem}",  # the phrase reader's own words, with examples
    "phrase_not_recurring": NOT_RECURRING,
    "ambiguous": REFUSED["ambiguous"],
    "text_too_long": REFUSED["text_too_long"],
    "unread_target": BAD_TARGET,
    "no_rubric_found": NO_RUBRIC_FOUND,
    "unknown_department": UNKNOWN_DEPARTMENT_NONE,
    "need_department": NEED_DEPARTMENT,
    "press_buttons": PRESS_BUTTONS,
}

DONE = {
    "add": "✅ 已新增任务 <b>{code}</b>,提醒将按截止时间安排。",
    "move": "✅ 已修改任务 <b>{code}</b> 的截止时间;旧日期的提醒不再发送,新日期的提醒已安排。",
    "recur": "✅ 已把任务 <b>{code}</b> 改为周期性截止;旧日期的提醒不再发送,新日期的提醒已安排。",
    "assign": "✅ 已调整任务 <b>{code}</b> 的责任部门,提醒改发新的责任部门。",
    "close": "✅ 已关闭任务 <b>{code}</b>,不再提醒。",
    "reopen": "✅ 已重新打开任务 <b>{code}</b>,将按截止时间提醒。",
}
REACHED = "已通知:{departments}。"
NOT_REACHED = "未能通知:{departments}(尚无联络员或无法送达)。"
TITLES = {
    "add": "新增任务",
    "move": "修改截止时间",
    "recur": "设置周期性截止",
    "assign": "调整责任部门",
    "close": "关闭任务",
    "reopen": "重新打开任务",
}
NOTICE = {
    "add": "📌 <b>{office}新增任务 {code}</b>\n{text}\n责任部门:{departments}\n截止时间:{deadline}\n发送 /task {code} 查看详情。",
    "move": "⏰ <b>任务 {code} 截止时间调整</b>\n{text}\n原:{before}\n现:{after}\n请按新的时间完成。",
    "recur": "⏰ <b>任务 {code} 改为周期性截止</b>\n{text}\n原:{before}\n现:{after}\n请按新的时间完成。",
    "assign": "🔁 <b>任务 {code} 责任部门调整</b>\n{text}\n原:{before}\n现:{after}",
    "close": "✅ <b>任务 {code} 已由{office}关闭</b>,不再提醒。\n{text}",
    "reopen": "↩️ <b>任务 {code} 已由{office}重新打开</b>,将按截止时间提醒。\n{text}",
}


def n(value: float) -> str:
    return f"{value:g}"


def deadline(shape) -> str:
    """9月30日(周五)「9月底前」; a recurrence lists its dates; a relative deadline says it waits for the event."""
    if shape.kind == "recurring":
        shown = shape.dates if len(shape.dates) <= 12 else shape.dates[:3]  # a weekly duty: 52 dates
        dates = "、".join(f"{d.month}月{d.day}日" for d in shown) + (
            "" if shown == shape.dates else f"……共{len(shape.dates)}次"
        )
    elif shape.dates:
        dates = "、".join(day(d) for d in shape.dates)
    else:
        dates = f"“{shape.event}”后起算" if shape.event else "(无具体日期)"
    return f"{dates}「{esc(shape.phrase)}」" if shape.phrase else dates


def deadline_button(shape: Shape) -> str:
    first = (
        f"{shape.dates[0].month}月{shape.dates[0].day}日" + ("起" if len(shape.dates) > 1 else "")
        if shape.dates
        else "事件后"
    )
    return clip(f"{first} {shape.phrase or ''}".strip(), 30)


def reading_button(reading: Reading) -> str:
    when = f"{reading.date.year}年{reading.date.month}月{reading.date.day}日" if reading.date else "无具体日期"
    return f"{when}({KIND_NAMES.get(reading.kind, reading.kind)})"


KIND_NAMES = {
    "absolute": "固定日期",
    "month_end": "月末",
    "year_end": "年底",
    "recurring": "周期性",
    "festival": "节假日前后",
    "relative": "事件后起算",
}


def departments(names) -> str:
    return esc("、".join(names)) if names else "(无)"


def preview(p) -> str:
    lines = [f"请确认:<b>{TITLES[p.edit.op]}</b>", f"任务 <b>{esc(p.code)}</b>:{esc(clip(p.text, 80))}"]
    b, a = p.before, p.after
    if p.edit.op == "add":
        lines.append(f"责任部门:{departments(a['departments'])}")
        lines.append(f"截止时间:{deadline(a['deadline'])}")
        if a.get("target"):
            t = a["target"]
            lines.append(f"量化目标:{esc(t['name'])} {n(t['value'])}{esc(t['unit'])}")
        lines.append("考核细则:" + (f"{esc(a['rubric'][0])} {esc(a['rubric'][1])}" if a.get("rubric") else "(无)"))
    elif "deadline" in a:
        lines += [f"原截止时间:{deadline(b['deadline'])}", f"新截止时间:{deadline(a['deadline'])}"]
    elif p.edit.op == "assign":
        lines += [f"原责任部门:{departments(b['departments'])}", f"新责任部门:{departments(a['departments'])}"]
    else:
        state = {True: "关闭(不再提醒)", False: "进行中"}
        lines += [f"状态:{state[b['closed']]} → {state[a['closed']]}", f"责任部门:{departments(a['departments'])}"]
    if p.past:
        lines.append(PAST_WARNING.format(dates="、".join(day(d) for d in p.past)))
    return "\n".join(lines)


def notice(p: Preview, office: str) -> str:
    """What the departments concerned are told once the edit is saved (the chat and `duban task`)."""
    b, a = p.before, p.after
    values = {"code": esc(p.code), "text": esc(clip(p.text, 80)), "office": esc(office)}
    if p.edit.op == "add":
        values |= {"departments": departments(a["departments"]), "deadline": deadline(a["deadline"])}
    elif p.edit.op in ("move", "recur"):
        values |= {"before": deadline(b["deadline"]), "after": deadline(a["deadline"])}
    elif p.edit.op == "assign":
        values |= {"before": departments(b["departments"]), "after": departments(a["departments"])}
    return NOTICE[p.edit.op].format(**values)


def done(op: str, code: str, reached: list[str], missing: list[str]) -> str:
    lines = [DONE[op].format(code=esc(code))]
    if reached:
        lines.append(REACHED.format(departments=departments(reached)))
    if missing:
        lines.append(NOT_REACHED.format(departments=departments(missing)))
    return "\n".join(lines)


def refused(exc: EditRefused) -> str:
    template = REFUSED.get(exc.reason, REFUSED["unknown_op"])
    return template.format(**{k: esc(v) for k, v in exc.details.items()})


def problem(p: Problem) -> str:
    return PROBLEMS.get(p.reason, PRESS_BUTTONS).format(**{k: esc(v) for k, v in p.details.items()})


# -- /history --------------------------------------------------------------------------------------

ACTORS = {"loader": "载入责任书", "first-start": "首次启动载入责任书", "cli": "命令行({office})"}
HISTORY_TITLE = "🗂 <b>任务 {code} 的修改记录</b>(共 {n} 条,最新的在前)"
NO_HISTORY = "任务 {code} 还没有修改记录。"


def _actor(entry: HistoryEntry, office: str) -> str:
    if entry.actor in ACTORS:
        return ACTORS[entry.actor].format(office=esc(office))
    if entry.actor.startswith("tg:"):
        return esc(entry.actor_name) if entry.actor_name else f"管理员(用户 {esc(entry.actor[3:])})"
    return esc(entry.actor)


def _shape_json(data: dict | None) -> str:
    if not data:
        return "(无)"
    dates = [date.fromisoformat(d) for d in data.get("dates") or []]
    when = "、".join(f"{d.month}月{d.day}日" for d in dates) or "事件后起算"
    return f"{when}「{esc(data['phrase'])}」" if data.get("phrase") else when


EVERY = {"week": "每周", "month": "每月", "quarter": "每季度", "half_year": "每半年", "year": "每年"}


def _when(spec: dict) -> str:
    kind = spec.get("kind")
    if spec.get("date"):
        d = date.fromisoformat(spec["date"])
        return f"{d.year}年{d.month}月{d.day}日"
    if kind == "absolute":
        return f"{spec.get('month')}月{spec.get('day')}日"
    if kind == "month_end":
        return f"{spec.get('month')}月底"
    if kind == "recurring":
        return EVERY.get(str(spec.get("every")), "") + (f"{spec['day']}日" if spec.get("day") else "末")
    if kind == "festival":
        return f"{spec.get('festival')}" + {"before": "前", "after": "后", "on": "当天"}.get(str(spec.get("side")), "")
    if kind == "relative":
        return "事件后起算"
    if kind == "duration":
        return f"不少于{spec.get('days')}日"
    return "年底"


def _spec_text(snapshot: dict | None) -> str:
    if not snapshot or not snapshot.get("spec"):
        return "(无)"
    phrase = snapshot.get("phrase") or snapshot["spec"].get("phrase")
    when = _when(snapshot["spec"])
    return esc(f"{when}「{phrase}」" if phrase else when)


def _iso_day(value: str | None) -> str:
    return day(date.fromisoformat(value)) if value else "(无)"


def describe(entry) -> str:
    b, a = entry.before or {}, entry.after or {}
    what = {
        "task.add": lambda: (
            f"新增任务:{esc(clip(a.get('text', ''), 40))};部门 {departments(a.get('departments'))};"
            f"截止 {_shape_json(a.get('deadline'))}"
        ),
        "deadline.move": lambda: f"截止时间 {_shape_json(b.get('deadline'))} → {_shape_json(a.get('deadline'))}",
        "deadline.recur": lambda: f"改为周期性截止 {_shape_json(b.get('deadline'))} → {_shape_json(a.get('deadline'))}",
        "task.assign": lambda: f"责任部门 {departments(b.get('departments'))} → {departments(a.get('departments'))}",
        "task.close": lambda: "关闭任务(不再提醒)",
        "task.reopen": lambda: "重新打开任务",
        "task.create": lambda: "载入任务(责任书原文)",
        "task.update": lambda: "责任书更新了任务:" + esc("、".join(sorted(a)) or "内容"),
        "task.retire": lambda: "任务已不在责任书中(停用)",
        "deadline.create": lambda: f"载入截止时间 {_spec_text(a)}",
        "deadline.update": lambda: f"责任书更新了截止时间 {_spec_text(b)} → {_spec_text(a)}",
        "deadline.retire": lambda: f"截止时间已不在责任书中 {_spec_text(b)}",
        "notice.issue": lambda: (
            f"发出督办单 {esc(a.get('notice', ''))},办结时限 {_iso_day(a.get('reply_by'))},"
            f"送{departments(a.get('departments'))}"
        ),
        "notice.ack": lambda: f"{esc(a.get('department', ''))}签收督办单 {esc(a.get('notice', ''))}",
        "deadline.follow_up": lambda: (
            f"上报审核通过后新增截止时间 {esc(a.get('date', ''))}「{esc(a.get('phrase', ''))}」"
        ),
    }.get(entry.action, lambda: esc(entry.action))
    return what()


def history(code: str, entries: list[HistoryEntry], tz: tzinfo, office: str) -> str:
    if not entries:
        return NO_HISTORY.format(code=esc(code))
    lines = [HISTORY_TITLE.format(code=esc(code), n=len(entries))]
    for e in entries:
        at: datetime = e.at.astimezone(tz)
        lines.append(f"· {at.year}-{at.month:02d}-{at.day:02d} {at:%H:%M} {_actor(e, office)}:{describe(e)}")
    return "\n".join(lines)


EXAMPLES = esc(wording.EXAMPLES)
