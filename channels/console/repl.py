"""The console's loop: a typed line is a message or command for the bot, or a console command (":help");
the bot's answers are printed before the next prompt."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from channels.console.channel import ConsoleChannel
from channels.console.events import FileRefused, file_event, text_event
from channels.console.identity import ConsoleUser

log = logging.getLogger("duban.console")

PROMPT = "你> "
HELP = """\
控制台命令:
  直接输入文字或 /命令       发给机器人,与在聊天软件里发消息相同(先试试 /start)
  1                          选择最近一条消息里编号为 1 的选项(也可以输入选项的文字)
  :photo 路径 [说明]         发送一张图片(JPG、PNG、GIF),可附说明文字
  :file 路径 [说明]          发送一个文件,可附说明文字
  :help                      显示本帮助
  :quit 或 Ctrl-D            退出
没有对应的选项时,或者问题要你填写数字时,输入的数字会作为文字发给机器人。"""

QUIT = object()


def banner(user: ConsoleUser, database: str, letter: Sequence[str] = ()) -> str:
    """`database`: the database address as it may be shown (without its password); `letter`: lines about
    the letter and its year (handlers/year_texts.console_lines)."""
    return (
        "督办 · 本地控制台:与 Telegram 上相同的对话(全部命令和按钮)在本机运行,不连接任何聊天平台。\n"
        f"身份:{user.role_text}    数据库:{database}    定时提醒:控制台中不发送\n"
        + "".join(line + "\n" for line in letter)
        + "机器人发给其他人的消息只显示在这里(标有 →),不会真正送达。\n"
        "像在聊天软件里一样输入文字或命令(先试试 /start);按钮显示为编号的选项,输入编号(如 1)即选择;\n"
        ":help 查看控制台命令;:quit 或 Ctrl-D 退出。"
    )


class Repl:
    def __init__(self, channel: ConsoleChannel):
        self.channel, self.terminal, self.user = channel, channel.terminal, channel.user

    async def run(self) -> int:
        """Read until :quit or the end of input: 0, or 130 on Ctrl-C.

        Lines are read in the event loop's own thread: nothing else runs on the loop (the console sends
        no reminders), and Ctrl-C at the prompt stays a plain KeyboardInterrupt."""
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
                if line and await self._handle_safely(line) is QUIT:
                    say("再见。")
                    return 0
        except KeyboardInterrupt:
            say("\n已中断,再见。")
            return 130

    async def _handle_safely(self, line: str) -> object:
        try:
            return await self.handle(line)
        except Exception:  # the details go to the log; the conversation goes on
            log.exception("console input %r failed", line)
            self.terminal.say("出错了:这一行没有处理成功,详情已写入日志。")
            return None

    async def handle(self, line: str) -> object:
        if line[0] in ":：":  # a Chinese input method types the full-width colon
            return await self.command(line[1:])
        await self.channel.handle(text_event(self.user, line))
        return None

    async def command(self, text: str) -> object:
        """A console command, given without its colon: "quit", "photo a.jpg 说明"..."""
        name, rest = ([*text.split(maxsplit=1), "", ""])[:2]
        name = name.lower()
        if name in ("quit", "q", "exit"):
            return QUIT
        if name in ("help", "h", "?"):
            self.terminal.say(HELP)
        elif name in ("photo", "file"):
            await self.send_file(rest.strip(), photo=name == "photo")
        else:
            self.terminal.say(f"没有这个控制台命令::{name}。输入 :help 查看可用的命令。")
        return None

    async def send_file(self, argument: str, photo: bool) -> None:
        try:
            event = file_event(self.user, argument, photo)
        except FileRefused as refused:
            self.terminal.say(str(refused))
            return
        self.terminal.say(f"〔已发送{'图片' if photo else '文件'}〕{event.attachments[0].name}")
        await self.channel.handle(event)
