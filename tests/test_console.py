"""`duban console`: the console channel (channels/console) in front of the real dispatcher and database,
driven by scripted input. (The tests of the old console's rendering of fake-Bot-API records, visible_text
and choices_block, went with it: the console no longer goes through a Bot API.)"""

from __future__ import annotations

import hashlib
import os
import shutil
import struct
import subprocess
import sys
import zlib
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from bot.cli.console_cmd import assemble_console, run_console
from bot.config import load_settings
from channels.console import ConsoleError, Repl, Terminal
from channels.console.events import file_event, text_event
from channels.console.identity import ConsoleUser
from deadlines.clock import FakeClock
from handlers.events import Attachment
from handlers.ports import ChannelError
from scheduler.runner import ReminderRunner
from services.console_identity import bind_console_contact, console_user_id
from services.letters import load_bundled_letter_if_empty
from services.tasks import UnknownDepartment
from storage import migrate
from storage.db import Database
from storage.models import AuditEntry, Contact, Reminder, Task
from tests.conftest import FIXTURES, SHANGHAI
from tests.reminder_world import World

NOW = datetime(2022, 9, 5, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def bundled_db_file(tmp_path_factory) -> Path:
    """One database with the bundled letter, copied for each test: loading it every time would be slow."""
    path = tmp_path_factory.mktemp("console") / "template.db"
    db = Database(f"sqlite:///{path}")
    migrate.upgrade(db)
    with db.session() as session:
        load_bundled_letter_if_empty(session, FakeClock(NOW))
    db.dispose()
    return path


@pytest.fixture
def bundled(bundled_db_file, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # evidence files and logs stay in the test's folder
    path = tmp_path / "duban.db"
    shutil.copy(bundled_db_file, path)
    db = Database(f"sqlite:///{path}")
    yield db
    db.dispose()


def settings_for(db: Database, **env: str):
    return load_settings({"DATABASE_URL": db.url, **env})


def converse(db, who, lines, **env) -> tuple[int, str]:
    """Run a console session on scripted lines; (exit code, transcript)."""
    out: list[str] = []
    code = run_console(settings_for(db, **env), db, FakeClock(NOW), who, Terminal.scripted(lines, out.append))
    return code, "".join(out)


def test_unbound_user_is_told_how_to_join(bundled):
    code, text = converse(bundled, None, ["/start"])
    assert code == 0  # the end of input ends the console like :quit
    assert "你> /start\n督办: " in text
    assert "邀请码" in text and "33 项工作任务" not in text


def test_admin_gets_the_welcome_for_this_run_only(bundled):
    code, text = converse(bundled, "admin", ["/start", ":quit"])
    assert code == 0
    assert "美丽办管理员" in text and "33 项工作任务" in text and "93 条工作内容" in text
    assert "再见" in text.split("你> :quit")[1]
    with bundled.session() as session:
        assert session.scalars(select(Contact)).all() == []  # nothing about the console admin is stored
    _, later = converse(bundled, None, ["/start"])
    assert "邀请码" in later and "33 项工作任务" not in later


def test_quit_ends_the_console_and_nothing_after_it_is_sent(bundled):
    code, text = converse(bundled, None, ["：help", ":quit", "/start"])  # full-width colon too
    assert code == 0
    assert ":photo 路径" in text and ":quit 或 Ctrl-D" in text
    assert "/start" not in text.split("你> :quit", 1)[1]
    assert "督办: " not in text  # :help is the console's own; the bot was never written to


def test_unknown_console_command_and_missing_file_get_a_short_answer(bundled):
    code, text = converse(bundled, None, [":bogus", ":file nothere.pdf", ":photo", "3"])
    assert code == 0
    assert "没有这个控制台命令::bogus" in text
    assert "找不到文件:nothere.pdf" in text
    assert "用法::photo 路径" in text
    assert "你> 3\n督办: " in text  # no choices on the screen: a number is just text for the bot
    assert "Traceback" not in text and "出错了" not in text


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_photo_and_file_reach_the_conversation_with_their_bytes(bundled, tmp_path):
    photo, sheet = tmp_path / "现场 照片.png", tmp_path / "名单.csv"
    photo.write_bytes(_png(4, 3))
    sheet.write_text("企业,状态\n甲,已完成\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an image", encoding="utf-8")
    code, text = converse(
        bundled,
        "发改局",
        ["/done 1.1", f':photo "{photo}" 现场', f":file {sheet}", f":photo {tmp_path / 'notes.txt'}", "1"],
        DUBAN_ADMINS="999",
    )
    assert code == 0
    assert "〔已发送图片〕现场 照片.png" in text and "〔已发送文件〕名单.csv" in text
    assert "notes.txt 不是 JPG、PNG 或 GIF 图片" in text
    assert "佐证材料:1 份" in text and "佐证材料:2 份" in text and "说明:现场" in text
    # The office hears of the report: shown with an arrow, its buttons listed but not numbered.
    assert "督办 → 管理员 999: 📥 新上报待审核" in text and "〈通过〉  〈退回〉" in text
    kept = sorted(p for p in (tmp_path / "evidence").rglob("*") if p.is_file())
    assert sorted(p.suffix for p in kept) == [".csv", ".png"]
    assert {p.read_bytes() for p in kept} == {photo.read_bytes(), sheet.read_bytes()}
    assert "抱歉,处理您的消息时出错了" not in text and "Traceback" not in text


def test_typed_lines_become_events():
    user = ConsoleUser(7, "访客")
    done = text_event(user, "/done 14.2")
    assert (done.command, done.args, done.channel, done.chat_id, done.private) == (
        "done",
        ("14.2",),
        "console",
        7,
        True,
    )
    assert text_event(user, "／Start@duban_bot ABC").command == "start"  # full-width slash, another bot's style
    plain = text_event(user, "  / 不是命令")
    assert plain.command is None and plain.text == "  / 不是命令"


async def test_fetch_reads_the_local_file_and_a_missing_one_is_a_channel_error(bundled, tmp_path):
    sheet = tmp_path / "a.PDF"
    sheet.write_bytes(b"%PDF-1.4")
    channel = assemble_console(settings_for(bundled), bundled, FakeClock(NOW), None, Terminal.scripted([], print))
    event = file_event(channel.user, str(sheet), photo=False)
    (attachment,) = event.attachments
    assert (attachment.kind, attachment.ref, attachment.name, attachment.size) == ("document", str(sheet), "a.PDF", 8)
    assert attachment.unique_id == hashlib.sha256(b"%PDF-1.4").hexdigest()[:32]
    fetched = await channel.fetch(attachment)
    assert (fetched.data, fetched.suffix) == (b"%PDF-1.4", ".pdf")
    assert (channel.buttons, channel.join_link("ABC"), channel.download_limit) == (False, None, 50 * 1024 * 1024)
    with pytest.raises(ChannelError):
        await channel.fetch(Attachment("document", str(tmp_path / "gone.pdf"), "x"))


async def test_buttons_are_numbered_and_typing_a_number_presses_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    world = World(
        f"sqlite:///{tmp_path / 'mini.db'}", FIXTURES / "mini-letter.yaml", datetime(2022, 3, 1, 8, 0, tzinfo=SHANGHAI)
    )
    out: list[str] = []
    terminal = Terminal.scripted(["1", "１"], out.append)  # full-width digit, as a Chinese input method types it
    channel = assemble_console(settings_for(world.db), world.db, world.clock, "环境分局", terminal, world.calendar)
    user = channel.user
    assert user.role_text == "生态环境分局联络员"  # found by its alias 环境分局
    world.at(date(2022, 3, 22))  # 26.4: 3 working days left; 26.3: 7 left
    # The reminder run with the console as its sender: the reminder lands on this screen.
    runner = ReminderRunner(world.db, world.clock, world.calendar, channel, frozenset(), world.policy)
    await runner.run_once()
    assert await Repl(channel).run() == 0
    text = "".join(out)
    reminder_block = text.split("你> 1", 1)[0]
    assert "请回复数字选择:" in reminder_block and "\n  1 收到 26.4" in reminder_block
    assert "\n  2 " in reminder_block and "\n  4 " in reminder_block  # numbered across keyboard rows
    assert "已确认收到 26.4" in text.split("你> 1", 1)[1]
    assert "26.4 已确认过" in text.split("你> １", 1)[1]
    with world.db.session() as s:  # the press went through the real handler into the real ledger
        acknowledged = s.execute(
            select(Task.code, Reminder.acknowledged_by)
            .join(Task, Task.id == Reminder.task_id)
            .where(Reminder.acknowledged_by.is_not(None))
        ).all()
    assert {tuple(row) for row in acknowledged} == {("26.4", user.user_id)}


def test_console_as_a_process_reads_a_pipe_and_exits_cleanly(tmp_path):
    duban = Path(sys.executable).with_name("duban")
    command = [str(duban)] if duban.exists() else [sys.executable, "-m", "bot"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DUBAN_"))}
    # A token and API address in the environment must not matter: the console never leaves this machine.
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'pipe.db'}",
        TELEGRAM_BOT_TOKEN="123456:not-a-real-token",
        TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot",
    )
    proc = subprocess.run(
        [*command, "console", "--as", "admin"],
        input="/start\n:quit\n",
        text=True,
        capture_output=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "33 项工作任务" in proc.stdout and "你> :quit" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr
    assert (tmp_path / "duban-console.log").exists()


def test_unknown_department_gets_the_closest_names(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    for name in ("TELEGRAM_BOT_TOKEN", "TELEGRAM_API_BASE_URL", "TELEGRAM_FILE_BASE_URL", "DUBAN_ADMINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unknown.db'}")
    assert main(["console", "--as", "农业局"]) == 2
    err = capsys.readouterr().err
    assert "没有叫「农业局」的部门" in err and "农业农村局" in err
    assert "Traceback" not in err


def test_console_binding_is_stored_once_with_an_audit_row(db):
    clock = FakeClock(NOW)
    with db.session() as session:
        load_bundled_letter_if_empty(session, clock)
    with db.session() as session:
        first = bind_console_contact(session, clock, "发展和改革局")  # an alias
    with db.session() as session:
        again = bind_console_contact(session, clock, "发改局")
    assert first.created and not again.created and first.contact_id == again.contact_id
    assert first.department == "发改局" and first.user_id > 2**52 - 1  # no real Telegram user has it
    with db.session() as session:
        contact = session.get(Contact, first.contact_id)
        assert (contact.role, contact.kind, contact.chat_id, contact.user_id) == (
            "contact",
            "user",
            first.user_id,
            first.user_id,
        )
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "contact.bind")).all()
        assert [(a.actor, a.entity_id, a.after["department"]) for a in audits] == [
            ("console", str(first.contact_id), "发改局")
        ]
        with pytest.raises(UnknownDepartment) as unknown:
            bind_console_contact(session, clock, "农业局")
        assert "农业农村局" in unknown.value.suggestions
    # A console without --as afterwards speaks as another id, which nothing binds.
    assert console_user_id() != first.user_id


def test_unknown_department_in_process_is_a_console_error(bundled):
    with pytest.raises(ConsoleError) as failure:
        run_console(settings_for(bundled), bundled, FakeClock(NOW), "教育局", Terminal.scripted([], print))
    assert failure.value.code == 2 and "教育局" in str(failure.value)


def test_a_reply_arriving_at_the_prompt_gets_its_own_lines_and_the_prompt_again():
    out: list[str] = []

    def read_line(prompt: str) -> str:  # a person at the prompt; meanwhile the bot sends something
        out.append(prompt)
        terminal.say("督办: 🔔 督办提醒")
        return "/tasks"

    terminal = Terminal(out.append, read_line)
    assert terminal.read("你> ") == "/tasks"
    terminal.say("督办: 📋 任务")
    assert "".join(out) == "你> \n督办: 🔔 督办提醒\n你> 督办: 📋 任务\n"
