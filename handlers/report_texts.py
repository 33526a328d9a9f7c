"""Chinese text for writing, reviewing and tracking reports. Templates are HTML; values go through esc."""

from __future__ import annotations

from datetime import tzinfo

from handlers.markup import esc
from handlers.task_texts import clip, measure_text
from services.report_drafts import DraftView
from services.review import PendingReport

PICK_TASK = "请选择要上报的任务(第 {page}/{pages} 页):"
NO_TASKS = "您的部门目前没有待上报的任务。"
ASK_MEASURE = (
    "任务 <b>{code}</b>:<b>{name}</b> 完成了多少{unit}?(目标 {target}{unit})\n"
    "直接回复数字,例如 <code>{example}{unit}</code>"
)
ASK_MEASURES = (
    "任务 <b>{code}</b> 完成了多少?\n{lines}\n"
    "按顺序回复 {n} 个数字,用空格隔开,例如 <code>{example}</code>(单位可省略;也可以先只回复第一项)"
)
FILES_SO_FAR = "已收到佐证材料 {n} 份。"
ASK_FILES = "📷 请发送现场照片或文件作为佐证(可一次发多张),照片的说明文字即为备注。"
OR_WITHOUT_FILES = "没有材料也可以直接点“确认上报”。"
FILES_REQUIRED = "{office}要求上报须附佐证材料:收到照片或文件后即可确认上报。"
MORE_FILES = "还可以继续发送照片或文件;回复文字可补充说明。"
NEEDS_FILES = "请先发送照片或文件作为佐证,再确认上报。"
PICK_FOR_FILES = "已收到 {n} 份佐证材料。这条提醒有 {k} 项任务,请选择材料对应的任务:"
EVIDENCE_TOO_BIG = (
    "这个文件超过20MB,机器人无法下载保存;已记下文件,审核时{office}仍可查看。"
    "如需留存,请压缩到20MB以内(或截取关键画面的照片)后重新发送。"
)
NOT_A_NUMBER = "请回复一个数字,例如 <code>{example}{unit}</code>(单位可省略)。"
NOT_NUMBERS = "请按顺序回复数字,用空格隔开,例如 <code>{example}</code>(单位可省略)。"
PRESS_BUTTONS = "请点上面的按钮继续,或发送 /cancel 放弃本次上报。"
SUBMITTED = "✅ 已上报(第 {id} 号),等待{office}审核,结果会通知您。\n如需撤回,发送 /withdraw。"
CANCELLED = "已取消,本次填写的内容没有上报。"
NOTHING_TO_CANCEL = "当前没有正在填写的上报。"
PROGRESS_RECORDED = "✅ 已记录进度:任务 <b>{code}</b> {measure}(第 {id} 号)。完成后请发送 /done {code}。"
PROGRESS_USAGE = "用法:<code>/progress 任务编号 数量</code>,例如 <code>/progress 3.1 600亩</code>"
WITHDRAWN = "已撤回第 {id} 号上报(任务 {code})。"
NO_DRAFT_FOR_FILE = (
    "这份材料还没有对应的上报。请长按提醒消息选“回复”,把照片发给那条提醒;"
    "或先发送 <code>/done 任务编号</code>,再发送照片或文件。"
)
STALE = "这个按钮已失效,请按最新的提示操作。"
NOTE_CUT = (
    "⚠️ 说明最多保存 {kept} 字,刚才这段的最后 {dropped} 字没有保存。"
    "请把要点写进佐证材料(文件)随上报一起发送,或精简后 /cancel 重新填写。"
)

NEW_REPORT = "📥 <b>新上报待审核</b>:第 {id} 号,任务 <b>{code}</b>({department})\n发送 /pending 查看并审核。"
VERIFIED = "✅ 您的第 {id} 号上报(任务 {code})已审核通过。"
REJECTED = "↩️ 您的第 {id} 号上报(任务 {code})被退回。\n原因:{reason}\n请修改后重新上报:<code>/done {code}</code>"
FOLLOW_UP = "⏰ 新的截止时间:任务 <b>{code}</b>「{phrase}」,请于 <b>{day}</b> 前完成。"
ASK_REASON = "请回复退回第 {id} 号上报(任务 {code})的原因,一句话即可。发送 /cancel 不退回。"
REVIEWED_OK = "已通过第 {id} 号上报(任务 {code})。{facts}"
REVIEWED_NO = "已退回第 {id} 号上报(任务 {code}),已通知{department}。"
FACTS_RECORDED = "已记入考核事实:{facts}。"
FACTS_NONE = "这份上报不直接对应可自动计分的细则,如需计分请用 /fact 录入。"
NO_PENDING = "✅ 目前没有待审核的上报。"
PENDING_MORE = "另有 {n} 份待审核,处理完后再发送 /pending 查看。"


NOTE_SHOWN = 300  # characters of a note the confirmation repeats; all of it is recorded


def note_line(note: str) -> str:
    if len(note) <= NOTE_SHOWN:
        return f"说明:{esc(note)}"
    return f"说明:{esc(note[:NOTE_SHOWN])}…(共 {len(note)} 字,已完整保存)"


DOUBT_MULTIPLIED = (
    "{name}:您写的是“{given}”,按目标单位记为 <b>{value}{unit}</b>(“{times}”把数字放大了),目标 {target}{unit}"
)
DOUBT_BEYOND = "{name}:<b>{value}{unit}</b>,是目标 {target}{unit} 的 {ratio} 倍"
ASK_DOUBTS = (
    "⚠️ 任务 <b>{code}</b>:请核对数量,确认无误后才会继续:\n{lines}\n"
    "数量没错请点“数量无误”;写错了请直接回复正确的数字,例如 <code>{example}</code>,或点“重新填写”。"
)


def doubts_question(draft: DraftView) -> str:
    """The quantities to confirm before the report goes on: far beyond the target, or multiplied by 万."""
    lines = []
    for d in draft.doubts:
        value, target, unit = f"{d['value']:,.10g}", f"{d['target']:g}", esc(d["unit"])
        if d["why"] == "multiplied":
            times = "亿" if "亿" in d["given"] else "万"
            line = DOUBT_MULTIPLIED.format(
                name=esc(d["name"]), given=esc(d["given"]), value=value, unit=unit, target=target, times=times
            )
        else:
            ratio = f"{d['value'] / d['target']:.1f}" if d["target"] else "-"
            line = DOUBT_BEYOND.format(name=esc(d["name"]), value=value, unit=unit, target=target, ratio=ratio)
        lines.append("• " + line)
    example = f"{draft.doubts[0]['target']:g}{esc(draft.doubts[0]['unit'])}" if draft.doubts else ""
    return ASK_DOUBTS.format(code=esc(draft.code), lines="\n".join(lines), example=example)


def summary(draft: DraftView) -> str:
    """Everything 确认上报 records: the task, what was done, the note, the files, the deadline it answers."""
    lines = ["请确认上报内容:", f"任务 <b>{esc(draft.code)}</b>:{esc(clip(draft.task_text, 60))}"]
    if draft.measures:
        lines.append("完成情况:" + ";".join(measure_text(m) for m in draft.measures))
    else:
        lines.append("完成情况:已完成")
    if draft.occurrence_due:
        lines.append(f"对应截止日:{draft.occurrence_due.month}月{draft.occurrence_due.day}日")
    if draft.note:
        lines.append(note_line(draft.note))
    lines.append(f"佐证材料:{draft.evidence} 份")
    return "\n".join(lines)


def measures_question(draft: DraftView) -> str:
    """The open quantities: one asked on its own, several in one question answered in one message."""
    code, targets = esc(draft.code), draft.targets
    if len(targets) == 1:
        t = targets[0]
        value, unit = f"{t['value']:g}", esc(t["unit"])
        text = ASK_MEASURE.format(code=code, name=esc(t["name"]), unit=unit, target=value, example=value)
    else:
        lines = "\n".join(
            f"{i}. {esc(t['name'])}(目标 {t['value']:g}{esc(t['unit'])})" for i, t in enumerate(targets, 1)
        )
        example = " ".join(f"{t['value']:g}" for t in targets)
        text = ASK_MEASURES.format(code=code, lines=lines, n=len(targets), example=example)
    return text + (("\n" + FILES_SO_FAR.format(n=draft.evidence)) if draft.evidence else "")


def pending_item(report: PendingReport, department: str, tz: tzinfo) -> str:
    when = report.submitted_at.astimezone(tz).strftime("%m-%d %H:%M")
    lines = [
        f"📄 <b>第 {report.id} 号上报</b> · 任务 <b>{esc(report.code)}</b>",
        esc(clip(report.task_text, 80)),
        f"部门:{esc(department)};上报人:{esc(report.submitter)};时间:{when}",
    ]
    if report.measures:
        lines.append("完成情况:" + ";".join(measure_text(m) for m in report.measures))
    if report.occurrence_due:
        lines.append(f"对应截止日:{report.occurrence_due.month}月{report.occurrence_due.day}日")
    if report.note:
        lines.append(f"说明:{esc(report.note)}")
    lines.append(f"佐证材料:{len(report.evidence)} 份" + ("(见下方)" if report.evidence else ""))
    return "\n".join(lines)
