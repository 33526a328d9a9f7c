"""The console's loop: a typed line becomes a message, a button press or a console command; the bot's
answers are shown before the next prompt."""
from __future__ import annotations

import logging
import mimetypes
import re
import shlex
from pathlib import Path

from bot.console.session import ConsoleSession

log = logging.getLogger("duban.console")

PROMPT = "你> "
MAX_FILE_BYTES = 50 * 1024 * 1024  # Telegram's upload limit for bots; more is surely a wrong path
_BUTTON = re.compile(r"^([#＃]?)(\d{1,3})$")  # full-width ＃ and digits too: Chinese input methods type them
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8", b"GIF87a", b"GIF89a")

HELP = """\
控制台命令:
  直接输入文字或 /命令       发给机器人,与在 Telegram 里发消息相同(先试试 /start)
  1 或 #1                    点按最近一条带按钮的消息上的第 1 个按钮
  :photo 路径 [说明]         发送一张图片(JPG、PNG、GIF),可附说明文字
  :file 路径 [说明]          发送一个文件,可附说明文字
  :help                      显示本帮助
  :quit 或 Ctrl-D            退出
屏幕上没有第 N 个按钮时,单独输入的数字 N 会作为文字发给机器人。"""

QUIT = object()


class Repl:
    def __init__(self, session: ConsoleSession):
        self.session, self.terminal = session, session.terminal

    def run(self) -> int:
        """Read until :quit or end of input. 0 on a normal exit, 1 if the bot stopped, 130 on Ctrl-C."""
        say = self.terminal.say
        try:
            while True:
                try:
                    line = self.terminal.read(PROMPT).strip()
                except EOFError:
                    say("再见。")
                    return 0
                except UnicodeDecodeError:
                    say("这一行含有无法识别的字符,请用 UTF-8 编码输入。")
                    continue
                if not line:
                    continue
                try:
                    if self.handle(line) is QUIT:
                        say("再见。")
                        return 0
                except Exception:
                    log.exception("console input %r failed", line)
                    say("出错了:这一行没有处理成功,详情已写入日志。")
                if not self.session.alive:
                    say("机器人已停止运行,控制台退出。详情已写入日志。")
                    return 1
        except KeyboardInterrupt:
            say("\n已中断,再见。")
            return 130

    def handle(self, line: str) -> object:
        if line[0] in ":：":  # a Chinese input method types the full-width colon
            return self.command(line[1:])
        self.session.drain()  # the numbers refer to what is on the screen now
        match = _BUTTON.match(line)
        if match and (match.group(1) or 1 <= int(match.group(2)) <= len(self.session.choices)):
            return self.press(int(match.group(2)))
        return self.wait(self.session.send_text(line))

    def command(self, text: str) -> object:
        """A console command, given without its colon: "quit", "photo a.jpg 说明"..."""
        name, rest = (text.split(maxsplit=1) + ["", ""])[:2]
        name = name.lower()
        if name in ("quit", "q", "exit"):
            return QUIT
        if name in ("help", "h", "?"):
            self.terminal.say(HELP)
        elif name in ("photo", "file"):
            self.send_file(rest.strip(), photo=name == "photo")
        else:
            self.terminal.say(f"没有这个控制台命令::{name}。输入 :help 查看可用的命令。")
        return None

    def press(self, number: int) -> None:
        choices = self.session.choices
        if not 1 <= number <= len(choices):
            self.terminal.say(f"没有第 {number} 个按钮。" if choices else "现在没有可以点的按钮。")
            return
        choice = choices[number - 1]
        if not choice.pressable:
            self.terminal.say(f"「{choice.label}」是链接按钮,请在浏览器中打开:{choice.url}" if choice.url
                              else f"「{choice.label}」这种按钮只能在 Telegram 里使用。")
            return
        self.terminal.say(f"〔点按〕{choice.label}")
        self.wait(self.session.press(choice))

    def send_file(self, argument: str, photo: bool) -> None:
        usage = ":photo 路径 [说明]" if photo else ":file 路径 [说明]"
        try:
            parts = shlex.split(argument)
        except ValueError:
            parts = []
        if not parts:
            self.terminal.say(f"用法:{usage}(路径含空格时请加引号)")
            return
        path, caption = Path(parts[0]).expanduser(), " ".join(parts[1:]) or None
        data = self._read(path)
        if data is None:
            return
        if photo and not data.startswith(_IMAGE_MAGIC):
            self.terminal.say(f"{path.name} 不是 JPG、PNG 或 GIF 图片;其他文件请用 :file 发送。")
            return
        if photo:
            key = self.session.send_photo(data, caption)
        else:
            mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            key = self.session.send_document(data, path.name, mime_type, caption)
        self.terminal.say(f"〔已发送{'图片' if photo else '文件'}〕{path.name}")
        self.wait(key)

    def _read(self, path: Path) -> bytes | None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.terminal.say(f"{path.name} 超过 50 MB,Telegram 也发送不了。")
                return None
            data = path.read_bytes()
        except FileNotFoundError:
            self.terminal.say(f"找不到文件:{path}")
            return None
        except IsADirectoryError:
            self.terminal.say(f"{path} 是文件夹,请给出文件的路径。")
            return None
        except OSError as exc:
            self.terminal.say(f"读不了文件 {path}:{exc.strerror or exc}")
            return None
        if not data:
            self.terminal.say(f"{path.name} 是空文件,Telegram 不允许发送空文件。")
            return None
        return data

    def wait(self, key: tuple) -> None:
        outcome = self.session.settle(key)
        if outcome == "silent":
            self.terminal.say("(督办没有回复这条消息)")
        elif outcome == "late":
            self.terminal.say(f"(督办 {self.session.settle_timeout:g} 秒内没有处理完;之后的回复会直接显示在这里)")
