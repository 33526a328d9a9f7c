"""User-facing Chinese text for the basic commands, in one place. All values are HTML-safe templates."""

UNBOUND = (
    "您好,这里是<b>督办</b>机器人,负责{letter}的任务提醒、完成情况上报和考核得分查询。\n\n"
    "您还没有绑定部门。请向美丽办管理员索取邀请码,然后发送:\n"
    "<code>/start 邀请码</code>"
)

ADMIN_WELCOME = (
    "您好,美丽办管理员。\n"
    "当前责任书:<b>{letter}</b>({document_no})\n"
    "共 {items} 项工作任务、{tasks} 条工作内容,涉及 {departments} 个责任部门。"
)

NO_LETTER = "尚未载入责任书。请管理员在服务器上运行:<code>duban letter load 文件 --year 年份</code>"

INTERNAL_ERROR = "抱歉,处理您的消息时出错了,已记录。请稍后再试,或联系美丽办。"

# Reminder buttons (answers to a button press are shown as a short toast; plain text, no HTML).
BUTTON_EXPIRED = "这个按钮已失效,请以最新的提醒为准。"
REMINDER_NOT_YOURS = "这条提醒不是发给您的,无法代为确认。"
ACKNOWLEDGED = "已确认收到 {code},谢谢。"
ALREADY_ACKNOWLEDGED = "{code} 已确认过,无需重复点击。"
SNOOZED = "好的,{day}(下一个工作日)再提醒您 {code}。"
ALREADY_SNOOZED = "{code} 已推迟过,将按推迟后的时间提醒。"
REPORT_HOW = "请发送 <code>/done {code}</code> 上报完成情况(可附照片或文件作为佐证)。"
