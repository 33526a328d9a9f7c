"""What the bot sent, as a terminal shows it: Telegram's visible text, links with their address, and
keyboards as numbered choices. Pure functions over the fake Bot API's records."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fake_bot_api import EditedMessage, SentMessage

BOT = "督办"
INDENT = "  "


@dataclass(frozen=True)
class Choice:
    """One button the console user can press by its number."""

    label: str
    chat_id: int
    message_id: int
    callback_data: str | None = None  # inline button: pressing sends a callback query
    reply_text: str | None = None  # reply-keyboard button: pressing sends its text as a message
    url: str | None = None  # link button: nothing to press in a terminal; its address is shown

    @property
    def pressable(self) -> bool:
        return self.callback_data is not None or self.reply_text is not None


def visible_text(text: str, entities: list[dict[str, Any]] | None) -> str:
    """The text as Telegram shows it (bold, code... are plain text here), with "(url)" after each link.

    Entity offsets count UTF-16 code units, as Telegram's do, so the text is cut in that encoding."""
    links = sorted((e for e in entities or () if e.get("type") == "text_link" and e.get("url")),
                   key=lambda e: e["offset"] + e["length"], reverse=True)
    if not links:
        return text
    units = text.encode("utf-16-le")
    for entity in links:  # from the end, so earlier offsets stay valid
        end = 2 * (entity["offset"] + entity["length"])
        units = units[:end] + f" ({entity['url']})".encode("utf-16-le") + units[end:]
    return units.decode("utf-16-le")


def keyboard_rows(markup: dict[str, Any] | None, chat_id: int, message_id: int) -> list[list[Choice]]:
    """Inline or reply keyboard buttons, row by row; [] when the message has none."""
    markup = markup or {}
    rows: list[list[Choice]] = []
    for row in markup.get("inline_keyboard") or []:
        rows.append([Choice(b.get("text", ""), chat_id, message_id, callback_data=b.get("callback_data"),
                            url=b.get("url") or (b.get("login_url") or {}).get("url")) for b in row])
    for row in markup.get("keyboard") or []:
        rows.append([Choice(b if isinstance(b, str) else b.get("text", ""), chat_id, message_id,
                            reply_text=b if isinstance(b, str) else b.get("text", "")) for b in row])
    return [row for row in rows if row]


def removes_reply_keyboard(markup: dict[str, Any] | None) -> bool:
    return bool((markup or {}).get("remove_keyboard"))


def choices_block(rows: list[list[Choice]]) -> str:
    """`[1] 收到 26.4  [2] 已完成 26.4`, one line per keyboard row, numbered across rows."""
    lines, number = [], 0
    for row in rows:
        cells = []
        for choice in row:
            number += 1
            cell = f"[{number}] {choice.label}"
            if choice.url and not choice.pressable:
                cell += f" ({choice.url})"
            cells.append(cell)
        lines.append(INDENT + "  ".join(cells))
    return "\n".join(lines)


def media_note(message: dict[str, Any]) -> str | None:
    """"[图片 800×600]" or "[文件 名单.xlsx, 12.5 KB]" for a message carrying a file; None for text."""
    if message.get("photo"):
        largest = message["photo"][-1]
        return f"[图片 {largest.get('width')}×{largest.get('height')}]"
    for kind, name in (("document", "文件"), ("video", "视频"), ("audio", "音频"), ("voice", "语音"),
                       ("animation", "动图"), ("sticker", "贴纸")):
        media = message.get(kind)
        if media:
            details = [part for part in (media.get("file_name"), _size(media.get("file_size"))) if part]
            return f"[{name}{' ' + ', '.join(details) if details else ''}]"
    return None


def _size(size: int | None) -> str | None:
    if not size:
        return None
    return f"{size} 字节" if size < 1024 else f"{size / 1024:.1f} KB" if size < 1024**2 else f"{size / 1024**2:.1f} MB"


def _body(message: dict[str, Any]) -> str:
    parts = [media_note(message)]
    if message.get("text") is not None:
        parts.append(visible_text(message["text"], message.get("entities")))
    elif message.get("caption"):
        parts.append(visible_text(message["caption"], message.get("caption_entities")))
    return "\n".join(part for part in parts if part) or "(空消息)"


def _block(header: str, body: str, rows: list[list[Choice]]) -> str:
    lines = body.split("\n")
    text = f"{header} {lines[0]}" + "".join(f"\n{INDENT}{line}" if line else "\n" for line in lines[1:])
    return f"{text}\n{choices_block(rows)}" if rows else text


def render_sent(sent: SentMessage, rows: list[list[Choice]], recipient: str | None = None) -> str:
    """A message to the console user, or (with `recipient`) one the bot sent someone else."""
    header = f"{BOT}:" if recipient is None else f"{BOT} → {recipient}:"
    return _block(header, _body(sent.message), rows)


def render_edit(edit: EditedMessage, rows: list[list[Choice]], recipient: str | None = None) -> str:
    where = "" if recipient is None else f" → {recipient}"
    return _block(f"{BOT}{where}(修改了之前的消息):", _body(edit.message), rows)


def render_answer(answer: dict[str, Any]) -> str | None:
    """A callback answer: a toast, or an alert the user must close; None when it says nothing."""
    text = (answer or {}).get("text")
    if answer and answer.get("url"):
        return f"〔打开链接〕{answer['url']}"
    if not text:
        return None
    return f"〔弹窗〕{text}" if _true(answer.get("show_alert")) else f"〔提示〕{text}"


def _true(value: Any) -> bool:
    """A Bot API boolean as it arrived: JSON true, or "true" in a form-encoded request."""
    return value.strip().lower() in ("true", "1") if isinstance(value, str) else bool(value)
