"""Chinese text for the office's questions: scores, what-ifs, contacts, nudges. HTML; values escaped."""

from __future__ import annotations

from handlers.hint_texts import why
from handlers.markup import esc


def n(x: float) -> str:
    return f"{round(x, 2):g}"


def score_overview(result, day, year: int | None = None, top: int = 6) -> str:
    t = result.total
    ok = "达到" if result.excellent.projected else "未达到"
    which = f"{year}年度" if year else ""
    lines = [
        f"📊 <b>{which}考核得分</b>(截至{day.month}月{day.day}日,{esc(result.maximum_words)})",
        f"预计 <b>{n(t.projected)}</b> 分 · 已确认 {n(t.secured)} 分 · 风险 {n(t.at_risk)} 分",
        f"优秀标准(≥950分且无重大问题):按预计{ok}",
        "",
    ]
    for sec in result.sections:
        if sec.weight:
            lines.append(f"{sec.numeral}、{esc(sec.title)} {n(sec.projected)}/{n(sec.weight)}")
    lost = sorted(
        (s for s in result.subitems.values() if s.points and s.projected < s.points),
        key=lambda s: s.projected - s.points,
    )[:top]
    if lost:
        lines += ["", "<b>失分最多</b>"]
        for s in lost:
            why = s.reasons[0] if s.reasons else ""
            lines.append(f"· {esc(s.id)} {esc(s.name)} -{n(s.points - s.projected)}:{esc(why)}")
    risky = sorted((s for s in result.subitems.values() if s.at_risk > 0), key=lambda s: -s.at_risk)[:top]
    if risky:
        lines += ["", "<b>风险最大</b>(任务逾期未报)"]
        lines += [f"· {esc(s.id)} {esc(s.name)} {n(s.at_risk)}分" for s in risky]
    lines += ["", "发送 /score 指标序号 查看明细,例如 /score 14"]
    return "\n".join(lines)


def final_standing(result, state, ended, top: int = 6) -> str:
    """/score once the letter's year is over: where it ended, and the points of what was never reported."""
    t = result.total
    missing = ended.of("missing")
    ok = "达到" if result.excellent.secured else "未达到"
    lines = [
        f"📊 <b>{state.year}年度考核最终情况</b>(年度已于{state.year}年12月31日结束,{esc(result.maximum_words)})",
        f"已确认 <b>{n(t.secured)}</b> 分(经审核的上报和录入的考核事实);预计 {n(t.projected)} 分",
        f"未上报任务 {len(missing)} 项,涉及 {n(t.at_risk)} 分未能确认",
        f"优秀标准(≥950分且无重大问题):按已确认{ok}",
        "",
    ]
    for sec in result.sections:
        if sec.weight:
            lines.append(f"{sec.numeral}、{esc(sec.title)} 已确认 {n(sec.secured)}/{n(sec.weight)}")
    risky = sorted((s for s in result.subitems.values() if s.at_risk > 0), key=lambda s: -s.at_risk)[:top]
    if risky:
        lines += ["", "<b>未上报而未能确认最多</b>"]
        lines += [f"· {esc(s.id)} {esc(s.name)} {n(s.at_risk)}分" for s in risky]
    lines += ["", f"发送 /score {state.year} 指标序号 查看明细;/tasks {state.year} 查看各任务的完成情况。"]
    return "\n".join(lines)


REASONS_SHOWN = 3  # per sub-item in /score N: the answer stays one message, however much a year holds
SOURCES_SHOWN = 30  # per /score N.N 来源


def _source_line(sid: str, found: list[str]) -> str:
    if not found:
        return ""
    more = f" 等 {len(found)} 条,发送 /score {sid} 来源 查看全部" if len(found) > 1 else ""
    return f"  依据:{esc(found[-1])}{esc(more)}"


def indicator_detail(ind, sources: dict[str, list[str]]) -> str:
    """/score N: one message whatever the year holds; a sub-item's many sources on request (/score N.N 来源)."""
    lines = [
        f"📊 <b>{esc(ind.no)}. {esc(ind.name)}</b>(权重 {n(ind.weight)})",
        f"预计 {n(ind.projected)} · 已确认 {n(ind.secured)} · 风险 {n(ind.at_risk)}",
    ]
    for s in ind.subitems:
        mark = "✓" if s.projected >= s.points else "✗"
        lines.append(f"\n{mark} <b>{esc(s.id)}</b> {esc(s.name)}:{n(s.projected)}/{n(s.points)}")
        reasons = list(s.reasons)
        lines += [f"  {esc(r)}" for r in reasons[:REASONS_SHOWN]]
        if len(reasons) > REASONS_SHOWN:
            lines.append(f"  ……另有 {len(reasons) - REASONS_SHOWN} 条说明")
        lines.append(_source_line(s.id, sources.get(s.id, [])))
    return "\n".join(line for line in lines if line)


def subitem_sources(sid: str, name: str, found: list[str]) -> str:
    """/score 14.1 来源: where a sub-item's facts came from, the latest first."""
    if not found:
        return SOURCES_NONE.format(sid=esc(sid), name=esc(name))
    shown = list(reversed(found))[:SOURCES_SHOWN]
    head = f"📎 <b>{esc(sid)}</b> {esc(name)} 的依据,共 {len(found)} 条"
    head += f"(以下为最近 {len(shown)} 条)" if len(found) > len(shown) else ""
    return "\n".join([head, *[f"· {esc(x)}" for x in shown]])


def what_if(change, sid: str, values: dict) -> str:
    before, after = change.before, change.after
    sub_b, sub_a = before.subitem(sid), after.subitem(sid)
    given = ",".join(f"{k}={v}" for k, v in values.items())
    lines = [
        f"🔮 <b>假设</b> {esc(sid)} {esc(sub_a.name)}:{esc(given)}",
        f"总分(预计):{n(before.total.projected)} → <b>{n(after.total.projected)}</b>"
        f"({'+' if after.total.projected >= before.total.projected else ''}{n(after.total.projected - before.total.projected)})",
        f"{esc(sid)}:{n(sub_b.projected)} → {n(sub_a.projected)}",
    ]
    lines += [f"  {esc(r)}" for r in sub_a.reasons]
    return "\n".join(lines)


WHATIF_USAGE = (
    "用法:<code>/whatif 细则编号 数值</code>,例如 <code>/whatif 3.1.1 958亩</code>;"
    "或写明字段 <code>/whatif 13.1 rate=92.5</code>。"
)
FACT_USAGE = (
    "用法:<code>/fact 细则编号 字段=值 …</code>,例如 <code>/fact 7.1.2 cases=1</code>、"
    "<code>/fact 14.1.1 done=是</code>。字段见 docs/facts-format.md。"
)
FACT_SAVED = "✅ 已录入 {sid} {name}:{values}。该项预计得分 {score}/{points}。"
FACTS_REFUSED = "没有录入:{problems}"
SCORE_UNKNOWN = "没有第 {no} 项指标。指标序号是 1—33,例如 /score 14。"
SOURCES_UNKNOWN = "没有细则 {sid}。细则编号如 14.1,发送 /score 14 查看第14项指标的细则。"
SOURCES_NONE = "{sid} {name} 还没有任何考核事实。"
SOURCE_WORDS = ("来源", "依据")
REMIND_USAGE = "用法:<code>/remind 部门名称</code>,例如 <code>/remind 发改局</code>"
NUDGE = "📣 <b>{office}催办</b>:请尽快办理以下任务,完成后发送 /done 任务编号 上报。\n{items}"
NUDGE_NOTHING = "{department}目前没有逾期或临近的任务,无需催办。"
NUDGE_SENT = "已向{department}的 {n} 个联系人发出催办,共 {items} 项任务。"
NUDGE_NOBODY = "{department}还没有可送达的联系人。请先发送 /invite {department} 邀请联络员。"
NUDGE_UNREACHABLE = (
    "📵 催办没有发出:{department}的联系人都无法送达:{who}。"
    "请联系对方解除屏蔽并重新打开与机器人的对话(或把机器人拉回群里),恢复后再发送 /remind {department};"
    "也可以发送 /invite {department} 邀请其他联络员。"
)


def contacts(lines) -> str:
    if not lines:
        return "还没有任何联系人。发送 /invite 部门名称 生成邀请码。"
    out = ["👥 <b>联系人</b>(近5个工作日的提醒确认情况)"]
    current = None
    for c in lines:
        if c.department != current:
            current = c.department
            out.append(f"\n<b>{esc(current)}</b>")
        reach = "可送达" if c.reachable else f"❌无法送达({esc(why(c.reason))})"
        kind = (
            "工作群"
            if c.kind == "group"
            else {"contact": "联络员", "viewer": "查看人员", "admin": "管理员"}.get(c.role, c.role)
        )
        where = "钉钉" if c.channel == "dingtalk" else ""
        read = f",已读 {c.read} 条" if c.reads_reported else ""
        out.append(f"· {esc(c.name)}({where}{kind}){reach};提醒 {c.sent} 条,已确认 {c.acknowledged} 条{read}")
    return "\n".join(out)
