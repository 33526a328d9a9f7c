"""User-facing Chinese text for onboarding, help, refusals and the reminder buttons, in one place.

Templates are in the markup of handlers/markup.py; every value put into them goes through `esc` first.
`{office}` is the coordinating office's short name from the letter (美丽办).
"""

from __future__ import annotations

UNBOUND = (
    "您好,这里是<b>督办</b>机器人,负责{letter}的任务提醒、完成情况上报和考核得分查询。\n\n"
    "您还没有绑定部门。请向{office}管理员索取邀请码,然后发送:\n"
    "<code>/start 邀请码</code>"
)
ADMIN_WELCOME = (
    "您好,{office}管理员。\n"
    "当前责任书:<b>{letter}</b>({document_no})\n"
    "共 {items} 项工作任务、{tasks} 条工作内容,涉及 {departments} 个责任部门。\n"
    "发送 /help 查看可用命令。"
)
CONTACT_WELCOME = "您好,{name}。您是<b>{department}</b>的{role}。\n发送 /tasks 查看本部门任务,/help 查看全部命令。"
JOINED = "✅ 绑定成功:您已成为<b>{department}</b>的{role}。\n发送 /tasks 查看本部门任务,/help 查看全部命令。"
ROLE_NAMES = {"contact": "联络员", "viewer": "查看人员", "admin": "管理员"}
NO_LETTER = "尚未载入责任书。请管理员在服务器上运行:<code>duban letter load 文件 --year 年份</code>"
INTERNAL_ERROR = "抱歉,处理您的消息时出错了,已记录。请稍后再试,或联系{office}。"
UNKNOWN_DEPARTMENT = "没有找到部门“{name}”。您是不是要找:{hint}"
UNKNOWN_COMMAND = "没有这个命令。发送 /help 查看可用命令。"
NOT_UNDERSTOOD = (
    "没看懂这条消息。上报完成情况可以这样写:\n"
    "<code>3.1 完成 900亩</code> 或 <code>14.2 已完成</code>\n"
    "也可以发送 /done 任务编号,按提示一步步上报。发送 /help 查看全部命令。"
)

# Appended to /help where commands are typed (DingTalk: no command menus; handlers/words.py).
HELP_WORDS = "\n\n命令前的 / 可以省略,也可以直接发送中文:任务、任务 14.2、上报 3.1、到期、得分、帮助、取消。"
HELP_WORDS_ADMIN = "\n管理员还可以发送:待审核、联络员、催办 发改局、邀请 发改局。"
HELP_UNBOUND = "请向{office}管理员索取邀请码,然后发送 <code>/start 邀请码</code> 绑定您的部门。"
HELP_CONTACT = (
    "<b>联络员可用命令</b>\n"
    "/tasks 本部门任务(按红黄绿排列)\n"
    "/task 14.2 查看一项任务的全部内容\n"
    "/due 未来30天到期的任务\n"
    "/done 14.2 上报完成情况(可附照片、文件)\n"
    "收到提醒后:点“已完成”,或长按提醒选“回复”发一张现场照片,即可上报\n"
    "/progress 3.1 600亩 上报阶段进度\n"
    "/withdraw 撤回尚未审核的上报\n"
    "/cancel 放弃正在填写的上报\n"
    "/bindgroup 在部门工作群里发送,让提醒也发到群里\n"
    "也可以直接发送:<code>3.1 完成 900亩</code>、<code>14.2 已完成</code>"
)
HELP_VIEWER = (
    "<b>可用命令</b>\n"
    "/score 考核得分总览;/score 14 查看第14项指标\n"
    "/overdue 逾期任务\n"
    "/dept 发改局 某部门的任务情况\n"
    "/tasks 全部任务;/task 14.2 任务详情;/due 未来30天到期\n"
    "/chart 统计图(得分、各部门三色、全年进度)"
)
HELP_ADMIN = (
    "<b>{office}管理员命令</b>\n"
    "/score 得分总览;/score 14 单项指标及失分原因;/score 14.1.1 来源 某一细则的全部依据;/score 2022 某一年度\n"
    "/whatif 3.1.1 958亩 假设情况下的得分变化\n"
    "/overdue 逾期任务;/dept 发改局 部门情况\n"
    "/pending 待审核的上报(通过 / 退回)\n"
    "/remind 发改局 立即催办\n"
    "/contacts 联络员绑定、送达和确认情况\n"
    "/invite 发改局 [contact|viewer] 生成邀请码\n"
    "/fact 7.1.2 cases=1 录入考核事实\n"
    "/tasks /task 14.2 /due 任务与期限\n"
    "/addtask 新增任务(按提示,或一行:/addtask 发改局 完成XX工作 10月底前)\n"
    "/deadline 14.2 10月15日 修改截止时间;/recur 22.3 每季度末月25日前 设置周期\n"
    "/assign 14.2 住建局 综合执法局 调整责任部门\n"
    "/close 14.2 关闭任务;/reopen 14.2 重新打开;/history 14.2 修改记录\n"
    "/export 导出Excel(任务、得分表、修改记录);/chart 统计图;/template 任务表模板\n"
    "/circular 2022-09 月度通报(Word);/notice 14.2 [10月20日前] 督办单(预览后发给责任部门)"
)

DENIED = {
    "generic": "无法完成这个操作。",
    "unbound": "您还没有绑定部门。请向{office}管理员索取邀请码,然后发送 <code>/start 邀请码</code>。",
    "admin_only": "这个命令只有{office}管理员可以使用。发送 /help 查看您可用的命令。",
    "viewers_read_only": "您是查看人员,可以查看任务和得分,但不能上报。上报请由部门联络员完成。",
    "not_your_task": "任务 {code} 不属于您的部门,无法查看或上报。发送 /tasks 查看本部门任务。",
    "no_task": "没有编号为 {code} 的任务。任务编号形如 14.2,发送 /tasks 查看。",
    "no_report": "没有找到第 {report_id} 号上报。",
    "already_reviewed": "这份上报已经处理过了(当前状态:{status})。",
    "invite_unknown": "邀请码无效。请核对后重新发送 <code>/start 邀请码</code>,或向{office}索取新的邀请码。",
    "invite_used": "这个邀请码已经被使用过了,每个邀请码只能用一次。请向{office}索取新的邀请码。",
    "invite_expired": "这个邀请码已过期(有效期7天)。请向{office}索取新的邀请码。",
    "invite_throttled": "邀请码输错次数过多,请 {minutes} 分钟后再试,或向{office}核对邀请码。",
    "invite_other_department": (
        "您已绑定<b>{current}</b>,每人只能绑定一个部门,所以没有绑定到{department},"
        "这个邀请码也没有被使用(仍可交给{department}的人员使用)。如需改为{department},请联系{office}。"
    ),
    "move_stale": "这个邀请码已被使用或已过期,没有调整。如仍需调整,请重新 /invite,让对方再发送 /start 邀请码。",
    "bound_twice": (
        "您早先同时绑定了<b>{current}</b>和<b>{other}</b>,但每人只能为一个部门查看和上报,目前按{current}办理,"
        "所以任务 {code}({other})无法查看或上报。如需改为{other},请联系{office}。"
    ),
    "bad_role": "身份只能是 contact(联络员)或 viewer(查看人员),例如:<code>/invite 发改局 contact</code>",
    "bindgroup_contact_only": "只有已绑定的部门联络员可以在群里发送 /bindgroup。",
    "bindgroup_in_group": "请在部门工作群里发送 /bindgroup(私聊中无需绑定)。",
    "wrong_unit": "单位不对:这项目标的单位是“{unit}”,您写的是“{given}”。例如:<code>900{unit}</code>",
    "negative": "数量不能是负数,请重新输入。",
    "progress_multiplied": (
        "“{given}”按目标单位是 <b>{value}{unit}</b>(“万”把数字放大了),没有记录。"
        "如确实如此,请发送 <code>/progress {code} {given} 确认</code>;否则请改正后重新发送。"
    ),
    "progress_beyond": (
        "{value}{unit} 超过任务 {code} 目标的三倍,没有记录。"
        "如确实如此,请发送 <code>/progress {code} {given} 确认</code>;否则请改正后重新发送。"
    ),
    "quantity_too_large": (
        "这个数字太大了(超过一万亿),没有记录。请核对后回复实际完成的数量,例如 <code>{example}{unit}</code>。"
    ),
    "no_target": "任务 {code} 没有量化目标,无需上报进度。完成后请发送 /done {code}。",
    "nothing_to_withdraw": "没有可以撤回的上报(只有尚未审核的上报可以撤回)。",
    "too_much_evidence": "每份上报最多附 {limit} 个文件,这次的没有加上。请点“确认上报”继续。",
    "too_many_numbers": "这项任务还剩 {n} 个数量要填,数字多了。请按提示的顺序回复 {n} 个数字。",
}

# Reminder buttons (answers to a button press are shown as a short toast; plain text, no HTML).
BUTTON_EXPIRED = "这个按钮已失效,请以最新的提醒为准。"
REMINDER_NOT_YOURS = "这条提醒不是发给您的,无法代为确认。"
ACKNOWLEDGED = "已确认收到 {code},谢谢。"
ALREADY_ACKNOWLEDGED = "{code} 已确认过,无需重复点击。"
SNOOZED = "好的,{day}(下一个工作日)再提醒您 {code}。"
ALREADY_SNOOZED = "{code} 已推迟过,将按推迟后的时间提醒。"
RESEND_PLANNED = "好的,给 {who} 的提醒({n} 项)将在下一次提醒运行时重发(工作日提醒时间后,约一分钟内)。"
RESEND_ALREADY = "给 {who} 的这条提醒已经重发过或已确认送达,无需再点。"

# Onboarding
INVITE_MADE = (
    "邀请码已生成:<code>{code}</code>\n部门:<b>{department}</b>,身份:{role},{days}天内有效,只能使用一次。\n"
    "请把下面的链接发给对方,对方点开后按“开始”即可绑定:\n{link}\n"
    "或让对方给机器人发送:<code>/start {code}</code>"
)
INVITE_MADE_NO_LINK = (
    "邀请码已生成:<code>{code}</code>\n部门:<b>{department}</b>,身份:{role},{days}天内有效,只能使用一次。\n"
    "请让对方给机器人发送:<code>/start {code}</code>"
)
INVITE_USAGE = "用法:<code>/invite 部门名称 [contact|viewer]</code>,例如 <code>/invite 发改局 contact</code>"
INVITE_REFUSED_OFFICE = (
    "ℹ️ {name}(用户 {user})已绑定{current},又发送了{department}的邀请码 {code}:每人只能绑定一个部门,"
    "已拒绝,该邀请码仍未使用。如确需把此人改为{department}的人员(不再属于{current}),请点下方按钮。"
)
MOVE_BUTTON = "改为{department}"
MOVED_OFFICE = "✅ 已将 {name}(用户 {user})从{before}改为<b>{department}</b>的{role},之后的提醒按{department}发送。"
MOVED_PERSON = "✅ {office}已将您从{before}改为<b>{department}</b>的{role}。发送 /tasks 查看本部门任务。"
BOUND_TWICE_NOTE = (
    "⚠️ 您早先还绑定了{others};每人只能为一个部门查看和上报,目前按<b>{current}</b>办理。如需调整,请联系{office}。"
)
JOIN_IN_PRIVATE = "请在与机器人的私聊中发送 <code>/start 邀请码</code>,邀请码只绑定您本人。"
INVITE_GUESSING = (
    "⚠️ {name}(用户 {user})在 {minutes} 分钟内输错邀请码 {n} 次,已暂停其绑定 {minutes} 分钟。"
    "如不认识此人,请留意;如是本单位人员,请核对发给他的邀请码。"
)
GROUP_BOUND = "✅ 本群已绑定为<b>{department}</b>的工作群,之后的提醒也会发到这里。"
