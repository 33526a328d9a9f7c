"""Chinese text for a letter's year: that it has ended and how (done on time, done late, never reported),
which other years are loaded, and how the office starts the next one. HTML; values escaped."""

from __future__ import annotations

from datetime import date

from handlers.markup import esc, to_plain
from handlers.task_texts import OUTCOME as MARK
from handlers.task_texts import clip, md, outcome_text
from services.letter_year import YearState
from services.year_end import LATE, MISSING, ON_TIME, TaskOutcome, YearEnd

NEXT_YEAR = (
    "📅 <b>开始{next}年度</b>:请在服务器上运行\n<code>duban letter copy --from {year} --to {next} --load</code>\n"
    "(按{year}年责任书生成{next}年的,截止日期移到{next}年;不加 --load 则只生成文件,修改后用 "
    "<code>duban letter load 文件</code> 载入),或导入新的任务表:"
    "<code>duban letter import 文件.xlsx --year {next}</code>。"
)


def ended_header(state: YearState) -> str:
    return f"🏁 <b>{state.year}年度已结束</b>({state.year}年12月31日),以下是全年的完成情况,不再计算逾期天数。"


def counts(ended: YearEnd) -> str:
    parts = [f"{MARK[k][0]}{MARK[k][1]} {len(ended.of(k))} 项" for k in (ON_TIME, LATE, MISSING)]
    waiting = f"(其中 {ended.unverified} 项已上报、尚未审核)" if ended.unverified else ""
    return f"全年 {len(ended.tasks)} 项:" + " · ".join(parts) + waiting


def other_years(state: YearState, command: str) -> str:
    """Where the other loaded years are: "另有2023年度:发送 /tasks 2023 查看。"."""
    if not state.other_years:
        return ""
    years = "、".join(f"{y}年度" for y in state.other_years)
    return f"另有{years}:发送 <code>/{command} {state.other_years[-1]}</code> 查看。"


def next_year_hint(state: YearState) -> str:
    return NEXT_YEAR.format(year=state.year, next=state.next_year) if state.next_year_due else ""


def ended_list(title: str, state: YearState, ended: YearEnd, reader: bool, admin: bool, command: str) -> str:
    """/tasks once the year is over: how each task ended, the worst first. `reader`: may see /score."""
    lines = [f"📋 <b>{esc(title)}</b>", ended_header(state), counts(ended)]
    for kind in (MISSING, LATE, ON_TIME):
        group = ended.of(kind)
        if group:
            mark, name = MARK[kind]
            lines.append(f"\n{mark} <b>{name}</b>({len(group)})")
            lines += [f"· <b>{esc(t.code)}</b> {esc(clip(t.text, 30))} {outcome_text(t)}" for t in group]
    score = f";/score {state.year} 查看年度最终得分" if reader else ";逾期未报的仍可补报:/done 编号"
    lines.append(f"\n发送 /task 编号 查看详情{score}。")
    lines += [x for x in (other_years(state, command), next_year_hint(state) if admin else "") if x]
    return "\n".join(line for line in lines if line)


def ended_missing(state: YearState, ended: YearEnd) -> str:
    """/overdue once the year is over: what was never reported, by department."""
    missing = ended.of(MISSING)
    head = [ended_header(state), counts(ended)]
    if not missing:
        return "\n".join([*head, "✅ 全年没有未上报的任务。"])
    by_dep: dict[str, list[TaskOutcome]] = {}
    for t in missing:
        for dep in t.departments:
            by_dep.setdefault(dep, []).append(t)
    lines = [*head, f"\n❌ <b>年度结束时未上报</b>(共 {len(missing)} 项)"]
    for dep, items in sorted(by_dep.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        lines.append(f"\n<b>{esc(dep)}</b>({len(items)})")
        lines += [f"· {esc(t.code)} {esc(clip(t.text, 30))} 截止{md(t.due)}" for t in items]
    return "\n".join(lines)


def ended_digest(state: YearState, ended: YearEnd) -> str:
    """The office's morning digest once the year is over (it stops with the reminders, after the grace
    for the final reports)."""
    lines = [f"📋 <b>督办日报</b> · {md(state.today)}", ended_header(state), counts(ended)]
    missing = ended.of(MISSING)
    if missing:
        lines.append("❌ 未上报:" + "、".join(esc(t.code) for t in missing[:30]) + (" 等" if len(missing) > 30 else ""))
    lines.append("逾期的任务仍可补报,补报计为逾期完成。")
    hint = next_year_hint(state)
    return "\n".join(lines + ([hint] if hint else []))


def year_line(state: YearState, ended: YearEnd | None) -> str:
    """One line for the console's banner: the letter's year and where it stands."""
    if ended is not None:
        return f"{state.year}年度已结束:" + counts(ended)
    if state.today < state.first_day:
        return f"{state.year}年度尚未开始({state.year}年1月1日起)"
    return f"{state.year}年度进行中(今天是{md(state.today)})"


def console_lines(
    title: str, state: YearState, ended: YearEnd | None, real_today: date | None, admin: bool
) -> list[str]:
    """The console banner's lines about the letter (plain text): its year, a rehearsal day, the next year."""
    lines = [f"责任书:{title} · {year_line(state, ended)}"]
    if real_today is not None:
        weekday = "一二三四五六日"[state.today.weekday()]
        lines.append(
            f"演练:按{state.today.year}年{md(state.today)}(周{weekday})的情况显示,不是今天({real_today.isoformat()});"
            "这里的上报和操作会写入数据库,建议在副本上演练(DATABASE_URL=sqlite:///try.db)。"
        )
    elif ended is not None:
        lines.append(f"想看{state.year}年度进行中的样子:duban console --as admin --today {state.year}-09-05")
    if admin and state.next_year_due:
        lines.append(to_plain(next_year_hint(state)))
    return lines
