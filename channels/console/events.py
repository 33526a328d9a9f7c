"""A typed line as the event a chat platform would report: text, a command, or a file with a caption."""

from __future__ import annotations

import hashlib
import shlex
from pathlib import Path

from channels.console.identity import ConsoleUser
from handlers.events import DOCUMENT, PHOTO, Attachment, Event

CHANNEL = "console"
MAX_FILE_BYTES = 50 * 1024 * 1024  # the most any channel lets a bot receive; more is surely a wrong path
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8", b"GIF87a", b"GIF89a")
_SLASHES = "/／"  # a Chinese input method types the full-width slash


def _event(
    user: ConsoleUser,
    text: str,
    command: str | None = None,
    args: tuple[str, ...] = (),
    attachments: tuple[Attachment, ...] = (),
) -> Event:
    # The console user writes in a private chat with the bot, as on Telegram: chat id = user id.
    return Event(
        CHANNEL,
        user.user_id,
        user.user_id,
        private=True,
        user_name=user.first_name,
        first_name=user.first_name,
        text=text,
        command=command,
        args=args,
        attachments=attachments,
    )


def text_event(user: ConsoleUser, line: str) -> Event:
    """ "/done 14.2" -> command "done", args ("14.2",); anything else is a message's text."""
    if len(line) > 1 and line[0] in _SLASHES and not line[1].isspace():
        head, *args = line[1:].split()
        name = head.partition("@")[0].lower()  # "/start@duban_bot" as a Telegram user might type it
        return _event(user, "/" + line[1:], command=name, args=tuple(args))
    return _event(user, line)


class FileRefused(Exception):
    """A :photo or :file that cannot be sent; the message says why, in Chinese."""


def file_event(user: ConsoleUser, argument: str, photo: bool) -> Event:
    """The event for `:photo PATH [caption]` / `:file PATH [caption]`; FileRefused when it cannot be sent."""
    usage = ":photo 路径 [说明]" if photo else ":file 路径 [说明]"
    try:
        parts = shlex.split(argument)
    except ValueError:
        parts = []
    if not parts:
        raise FileRefused(f"用法:{usage}(路径含空格时请加引号)")
    path, caption = Path(parts[0]).expanduser(), " ".join(parts[1:])
    data = read_file(path)
    if photo and not data.startswith(_IMAGE_MAGIC):
        raise FileRefused(f"{path.name} 不是 JPG、PNG 或 GIF 图片;其他文件请用 :file 发送。")
    # The same bytes sent twice are the same file, as with a platform's unique file id.
    attachment = Attachment(
        PHOTO if photo else DOCUMENT, str(path.resolve()), hashlib.sha256(data).hexdigest()[:32], path.name, len(data)
    )
    return _event(user, caption, attachments=(attachment,))


def read_file(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FileRefused(f"{path.name} 超过 50 MB,聊天软件也发送不了。")
        data = path.read_bytes()
    except FileNotFoundError:
        raise FileRefused(f"找不到文件:{path}") from None
    except IsADirectoryError:
        raise FileRefused(f"{path} 是文件夹,请给出文件的路径。") from None
    except OSError as exc:
        raise FileRefused(f"读不了文件 {path}:{exc.strerror or exc}") from None
    if not data:
        raise FileRefused(f"{path.name} 是空文件,聊天软件不允许发送空文件。")
    return data
