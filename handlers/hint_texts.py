"""What the bot says to a message it cannot use (an edit, a sticker, a location...) and to the office when a
person blocks the bot or a group removes it. Templates in handlers/markup.py's markup; values escaped."""

from __future__ import annotations

from handlers.events import CONTACT_CARD, LOCATION, OTHER, STICKER

EDITED = "修改过的消息不会被处理。如需更正,请重新发送一条新消息。"
UNREADABLE = {
    STICKER: "收到贴纸,但机器人看不懂表情。",
    LOCATION: "收到位置,但机器人暂不处理位置信息。",
    CONTACT_CARD: "收到名片,但机器人暂不处理联系人名片。",
    OTHER: "这类消息机器人暂不处理。",
}
INSTEAD_IN_REPORT = "佐证材料请发送照片、文件、视频或语音;要回答的问题请直接回复文字。发送 /cancel 放弃这份上报。"
INSTEAD_IN_EXCHANGE = "请按上一条消息的提示回复文字;发送 /cancel 放弃。"
INSTEAD = "上报完成情况请发送文字,例如 <code>3.1 完成 900亩</code>;发送 /help 查看可用命令。"
VOICE_NOT_READ = (
    "暂时听不懂语音。上报请发送文字,例如 <code>3.1 完成 900亩</code>;"
    "语音和视频可以在上报时作为佐证发送(先发送 <code>/done 任务编号</code>)。"
)

# Reachability, as the office reads it.
BLOCKED = "📵 <b>{who}</b> 已屏蔽机器人,提醒和催办从现在起无法送达。请联系对方解除屏蔽并重新打开与机器人的对话。"
REMOVED = "📵 机器人已被移出<b>{who}</b>的群“{title}”,该群从现在起收不到提醒。如需恢复,请把机器人重新拉进群。"
BACK = "✅ <b>{who}</b> 已重新启用机器人,提醒恢复送达。"
BACK_GROUP = "✅ 机器人已回到<b>{who}</b>的群“{title}”,提醒恢复送达。"
# Why a contact cannot be reached, from the error the platform gave (kept in the contact's row).
WHY = (
    ("blocked", "已屏蔽机器人"),
    ("kicked", "机器人已被移出群聊"),
    ("removed", "机器人已被移出群聊"),
    ("deactivated", "账号已停用"),
    ("chat not found", "从未启动与机器人的对话"),
    ("initiate", "从未启动与机器人的对话"),
)


def why(reason: str | None) -> str:
    """The reason a contact is unreachable, in the office's words."""
    lowered = (reason or "").lower()
    return next((words for key, words in WHY if key in lowered), reason or "无法送达")
