"""The Chinese words of the office reports: sheet names, column headers, colours, report states, actions."""

from __future__ import annotations

TASK_SHEET, SCORE_SHEET, AUDIT_SHEET = "任务清单", "考核评分", "操作记录"
CHART_SHEET, DEPARTMENT_SHEET, LETTER_SHEET, GUIDE_SHEET = "图表", "部门", "责任书", "填写说明"

COLOUR_NAME = {"red": "红色", "yellow": "黄色", "green": "绿色", "done": "已完成"}
COLOUR_FILL = {"red": "F8CBAD", "yellow": "FFE699", "green": "C6EFCE", "done": "BDD7EE"}
COLOUR_CHART = {"red": "#d9534f", "yellow": "#f0ad4e", "green": "#5cb85c", "done": "#5b9bd5"}
CLOSED = "已关闭"

REPORT_KIND = {"completion": "完成情况", "progress": "阶段进度"}
REPORT_STATUS = {"submitted": "待审核", "verified": "已审核通过", "rejected": "已退回", "withdrawn": "已撤回"}

LEVEL_NAME = {"county": "责任部门", "city": "认定部门"}
NAME_LEVEL = {v: k for k, v in LEVEL_NAME.items()}

ACTION = {
    "report.submit": "上报完成情况",
    "report.progress": "上报阶段进度",
    "report.verify": "审核通过",
    "report.reject": "退回上报",
    "report.withdraw": "撤回上报",
    "facts.set": "录入考核事实",
    "facts.from_report": "上报转为考核事实",
    "deadline.create": "新增截止时间",
    "deadline.update": "修改截止时间",
    "deadline.retire": "停用截止时间",
    "deadline.follow_up": "新增后续截止时间",
    "task.create": "新增任务",
    "task.update": "修改任务",
    "task.retire": "停用任务",
    "letter.create": "载入责任书",
    "letter.update": "更新责任书",
    "item.update": "修改工作任务",
    "department.create": "新增部门",
    "department.update": "修改部门",
    "contact.bind": "绑定联络员",
    "group.bind": "绑定工作群",
    "invite.create": "生成邀请码",
    "remind.manual": "人工催办",
    "notice.issue": "发出督办单",
    "notice.ack": "签收督办单",
}

LETTER_FIELDS = [
    ("code", "代码"),
    ("year", "年度"),
    ("title", "标题"),
    ("document_no", "文号"),
    ("issued_on", "印发日期"),
    ("issuer", "印发单位"),
    ("goals", "目标任务"),
]


def action_name(action: str) -> str:
    if action in ACTION:
        return ACTION[action]
    if action.startswith("deadline."):
        return "截止时间变更"
    return action


# The task sheet: (header, width, what the import does with it). The first eleven describe the letter and
# are read back by the import; the rest are where each task stands, written by the export only.
TASK_COLUMNS = [
    ("部分", 16, "letter"),
    ("序号", 6, "letter"),
    ("工作任务", 18, "letter"),
    ("编号", 8, "letter"),
    ("工作内容", 60, "letter"),
    ("责任部门", 18, "letter"),
    ("认定部门", 18, "letter"),
    ("量化目标", 30, "letter"),
    ("截止要求", 40, "letter"),
    ("考核细则", 12, "letter"),
    ("备注", 20, "letter"),
    ("状态", 8, "status"),
    ("状态说明", 32, "status"),
    ("关键截止日", 12, "status"),
    ("最新上报日期", 12, "status"),
    ("最新上报", 30, "status"),
    ("已审核通过", 10, "status"),
    ("佐证材料(份)", 12, "status"),
]
REQUIRED = ("部分", "序号", "工作任务", "编号", "工作内容", "责任部门", "认定部门")

SCORE_COLUMNS = [
    ("序号", 8),
    ("考核评价指标", 30),
    ("权重", 8),
    ("预计得分", 10),
    ("已确认得分", 11),
    ("风险分", 8),
    ("失分", 8),
    ("失分原因", 60),
    ("依据", 40),
]
AUDIT_COLUMNS = [
    ("时间", 19),
    ("操作人", 14),
    ("姓名", 22),
    ("操作", 16),
    ("对象", 10),
    ("编号", 12),
    ("变更前", 50),
    ("变更后", 50),
]

GUIDE = [
    ("部分", "责任书的部分,如:一、推动绿色低碳高质量发展(同一工作任务的各行相同;合并单元格也可以)"),
    ("序号", "工作任务的序号,整数,如:3"),
    ("工作任务", "工作任务的名称,如:强化资源节约"),
    ("编号", "工作内容的编号,“序号.行号”,如:3.1(请按文本填写,3.10 不要写成 3.1)"),
    ("工作内容", "工作内容原文"),
    ("责任部门", "一个或多个部门,用顿号分隔,如:自然资源局、发改局(名称或别名见“部门”表)"),
    ("认定部门", "绍兴市级认定部门,用顿号分隔,如:市自然资源和规划局"),
    ("量化目标", "每行一个:名称:≥数值单位 〔考核细则编号〕,如:盘活存量建设用地:≥958亩 〔3.1.1〕;≤ 表示不超过"),
    (
        "截止要求",
        "每行一个:3月底、6月30日、年底、每月底、每季度末月25日、每年、“事件”后10个工作日、不少于10日;"
        "可加原文「……」和出处〔正文 3.1〕;也可直接填日期;不填则为年底",
    ),
    ("考核细则", "考核细则编号,逗号分隔,如:3.1"),
    ("备注", "可不填"),
    ("状态 … 佐证材料", "导出时填写的任务状态,导入时不读取"),
]
