"""What the bot says, as a terminal shows it: plain text (no markup), one labelled block per reply.

督办: 📋 任务
  26.4 ...
督办: 〔文件〕周报.xlsx  本周进度
督办 → 发改局 张三: 有新的上报
  〈通过〉  〈退回〉
"""

from __future__ import annotations

from pathlib import Path

from handlers.markup import to_plain
from handlers.replies import EditPressed, Keyboard, Message, Reply, Toast, Upload

BOT = "督办"
INDENT = "  "
KINDS = {"photo": "图片", "document": "文件"}


def block(header: str, body: str) -> str:
    """The header and the first line together, the other lines indented under them."""
    lines = body.split("\n")
    return f"{header} {lines[0]}" + "".join(f"\n{INDENT}{line}" if line else "\n" for line in lines[1:])


def file_name(upload: Upload) -> str:
    for name in (upload.filename, upload.path, upload.ref if upload.ref_channel == "console" else None):
        if name:
            return Path(name).name
    return "(未命名)"


def upload_text(upload: Upload) -> str:
    caption = to_plain(upload.caption or "").strip()
    line = f"〔{KINDS.get(upload.kind, '文件')}〕{file_name(upload)}"
    return f"{line}  {caption}" if caption else line


def buttons_text(buttons: Keyboard) -> str:
    """Buttons listed, not numbered: shown where the console user cannot choose them (another's chat)."""
    return "".join("\n" + INDENT + "  ".join(f"〈{b.label}〉" for b in row) for row in buttons)


def item_text(item: Message | Upload, header: str) -> str:
    if isinstance(item, Upload):
        return block(header, upload_text(item))
    return block(header, to_plain(item.text) or "(空消息)") + buttons_text(item.buttons)


def reply_text(reply: Reply) -> str | None:
    """A reply to the console user; None for what a terminal does not show (buttons cleared, a role)."""
    if isinstance(reply, EditPressed):
        reply = reply.message  # a terminal cannot edit: the new version is a new message
    if isinstance(reply, Message | Upload):
        return item_text(reply, f"{BOT}:")
    if isinstance(reply, Toast):
        return f"〔提示〕{reply.text}" if reply.text else None
    return None


def to_someone(item: Message | Upload, label: str) -> str:
    """A message the bot sends someone else: shown here, delivered nowhere."""
    return item_text(item, f"{BOT} → {label}:")
