"""The Chinese words of the official documents (the circular and the supervision notice): titles, the
standard sentences, column headers. The office's and county's names are never here: they come from the
letter, through the placeholders and the values passed in."""

from __future__ import annotations

from datetime import date

# -- both -------------------------------------------------------------------------------------------

COLOUR = {"red": "红色", "yellow": "黄色", "green": "绿色", "done": "已完成"}
NONE = "无"


def cn_date(day: date) -> str:
    """成文日期 as GB/T 9704 writes it: 2022年10月10日."""
    return f"{day.year}年{day.month}月{day.day}日"


def month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def number(x: float) -> str:
    return f"{round(x, 2):g}"


def percent(rate: float | None) -> str:
    """66.7%, 40%, 100%; — when nothing was due."""
    return "—" if rate is None else f"{rate * 100:.1f}".removesuffix(".0") + "%"


# -- the circular (通报) ------------------------------------------------------------------------------

CIRCULAR_TITLE = "关于{year}年{month}月份工作责任书任务推进情况的通报"
CIRCULAR_PERIOD = "{year}年第{month}期"
CIRCULAR_ADDRESSEE = "各责任部门:"
CIRCULAR_OPENING = (
    "根据《{title}》{document_no}和督查督办工作要求,现将{year}年{month}月份任务推进情况通报如下(数据截至{today})。"
)
HEAD_PROGRESS = "一、总体进展"
PROGRESS = (
    "{month}月份共有{due}个任务节点到期,其中按期完成{on_time}个、逾期完成{late}个、已上报待审核{pending}个、"
    "逾期未完成{overdue}个{upcoming};按期完成率{rate}。"
)
PROGRESS_UPCOMING = "、尚未到期{n}个"
PROGRESS_NOTHING = "{month}月份没有到期的任务节点。"
COLOURS = "截至{today},在办的{tasks}项任务中,红色预警(逾期未完成){red}项、黄色预警(临近截止或待审核){yellow}项、绿色(进度正常){green}项,已完成{done}项。"
HEAD_RANKING = "二、各责任部门完成情况"
RANKING_NOTE = "以按期完成率排序;完成率相同的,逾期工作日少的在前。一项任务由几个部门共同负责的,分别计入各部门。"
RANKING_COLUMNS = (
    "名次",
    "责任部门",
    "到期节点",
    "按期完成",
    "逾期完成",
    "待审核",
    "逾期未完成",
    "按期完成率",
    "逾期工作日",
)
RANKING_WIDTHS = (14.0, 33.0, 15.0, 15.0, 15.0, 14.0, 16.0, 19.0, 15.0)
RANKING_NONE = "{month}月份各责任部门均无到期任务节点。"
IDLE = "{month}月份无到期任务节点的部门(不参与排名):{names}。"
HEAD_OVERDUE = "三、逾期未完成任务"
OVERDUE_INTRO = "截至{today},共有{n}项任务逾期未完成(编号后标“*”的,截止日期在{month}月份):"
OVERDUE_NONE = "截至{today},没有逾期未完成的任务。"
OVERDUE_COLUMNS = ("序号", "编号", "工作内容", "责任部门", "截止日期", "逾期工作日")
OVERDUE_WIDTHS = (14.0, 14.0, 58.0, 30.0, 22.0, 18.0)
IN_MONTH_MARK = "*"
HEAD_SCORE = "四、考核得分情况"
SCORE = (
    "按目前掌握的考核事实,预计得分{projected}分,其中经审核确认{secured}分;因任务逾期未报面临风险的{at_risk}分。"
    "按预计得分{verdict}评优基本标准(≥{threshold}分且无重大问题)。"
)
VERDICT = {True: "达到", False: "未达到"}
HEAD_LOSSES = "(一)失分较多的项目"
LOSS = "{name}(细则{id}):失{amount}分(满分{points}分)。{reason}"
LOSSES_NONE = "目前没有已知失分。"
HEAD_SAVABLE = "(二)尚可挽回的分数"
SAVABLE = "{name}(细则{id}):风险{amount}分{tasks}。"
SAVABLE_TASKS = ",相关逾期任务{codes}按要求完成即可保住"
SAVABLE_NONE = "目前没有因任务逾期而面临风险的分数。"
HEAD_NEXT = "五、{month}月份到期任务"
NEXT_INTRO = "{year}年{month}月共有{n}个任务节点到期,请有关部门提前谋划、按时完成:"
NEXT_NONE = "{year}年{month}月没有到期的任务节点。"
NEXT_COLUMNS = ("序号", "编号", "工作内容", "责任部门", "截止日期", "截止要求")
NEXT_WIDTHS = (14.0, 14.0, 52.0, 28.0, 22.0, 26.0)
NEXT_REPORTED = "(已上报待审核)"
HEAD_REQUIREMENTS = "六、工作要求"
REQUIREMENTS = (
    "请各责任部门对照本通报,对逾期未完成的任务逐项分析原因、明确措施和完成时限,尽快办结并通过督办机器人上报完成情况"
    "(附佐证材料);对下月到期的任务提前谋划,确保按期完成。排名靠后的部门要切实加大推进力度。"
)


def circular_name(year: int, month: int) -> str:
    return f"duban-circular-{year}-{month:02d}.docx"


# -- the supervision notice (督办单) ------------------------------------------------------------------

NOTICE_TITLE = "督 办 单"
NOTICE_OPENING = {
    "red": "根据《{title}》{document_no}要求,你单位承担的以下任务已逾期未完成。现予督办,请按要求抓紧办理。",
    "other": "根据《{title}》{document_no}要求,你单位承担的以下任务尚未完成。现予督办,请按要求抓紧办理。",
}
FIELD_CODE, FIELD_TASK, FIELD_DEPARTMENTS = "任务编号", "工作内容", "责任单位"
FIELD_DUE, FIELD_STATE, FIELD_REPLY_BY, FIELD_REQUIREMENT = "原定时限", "办理情况", "办结时限", "督办要求"
DUE = "{day}({phrase})"
DUE_NONE = "责任书未定具体日期"
STATE = {
    "red": "已逾期{n}个工作日,尚未上报完成",
    "yellow": "临近截止或已上报待审核,尚未办结",
    "green": "尚未办结",
    None: "尚未办结",
}
MISSED = "逾期未报的节点:{days}"
REPLY_BY = "{day}前"
REQUIREMENT = (
    "收到本单后请在督办机器人中点“收到”签收,抓紧办理,于{day}前办结,并通过督办机器人上报办理结果"
    "(发送 /done {code},附佐证材料);确有困难不能按期办结的,请在办结时限前书面说明原因、整改措施和完成时限。"
)
PREVIEW_NUMBER = "{number}(预览,确认发出时编号)"


def notice_name(year: int, serial: int, code: str, final: bool = True) -> str:
    return f"duban-notice-{year}-{serial:03d}-{code}.docx" if final else f"duban-notice-preview-{code}.docx"
