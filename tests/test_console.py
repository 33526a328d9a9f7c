"""`duban console`: the real bot in a terminal, against the fake Bot API, driven by scripted input."""
from __future__ import annotations

import asyncio
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
from deadlines.clock import FakeClock
from bot.config import load_settings
from bot.console import ConsoleError, ConsoleSession, Repl, Terminal, console_identity, run_console
from bot.console.render import Choice, choices_block, visible_text
from storage import migrate
from storage.db import Database
from storage.models import AuditEntry, Contact, Reminder, Task
from scheduler.delivery import Deliverer
from scheduler.pacing import Pacer
from scheduler.runner import ReminderRunner
from services.console_identity import bind_console_contact, console_user_id
from services.letters import load_bundled_letter_if_empty
from services.tasks import UnknownDepartment, find_department
from tests.conftest import FIXTURES, SHANGHAI
from tests.reminder_world import NO_LIMITS, World

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


def settings_for(db: Database):
    return load_settings({"DATABASE_URL": db.url})


def converse(db, who, lines, clock=None, calendar=None):
    """Run a console session on scripted lines; (exit code, transcript, the session's fake Bot API)."""
    out: list[str] = []
    terminal = Terminal.scripted(lines, out.append)
    user, settings = console_identity(db, clock or FakeClock(NOW), settings_for(db), who)
    with ConsoleSession(settings, db, clock or FakeClock(NOW), user, terminal, calendar=calendar) as session:
        code = Repl(session).run()
    return code, "".join(out), session.fake


def test_unbound_user_is_told_how_to_join(bundled):
    code, text, fake = converse(bundled, None, ["/start"])
    assert code == 0  # the end of input ends the console like :quit
    assert "你> /start" in text
    assert "邀请码" in text and "33 项工作任务" not in text
    assert fake.rejections == []


def test_admin_gets_the_welcome_for_this_run_only(bundled):
    code, text, fake = converse(bundled, "admin", ["/start", ":quit"])
    assert code == 0
    assert "美丽办管理员" in text and "33 项工作任务" in text and "93 条工作内容" in text
    assert "再见" in text.split("你> :quit")[1]
    assert fake.rejections == []
    with bundled.session() as session:
        assert session.scalars(select(Contact)).all() == []  # nothing about the console admin is stored
    _, later, _ = converse(bundled, None, ["/start"])
    assert "邀请码" in later and "33 项工作任务" not in later


def test_quit_ends_the_console_and_nothing_after_it_is_sent(bundled):
    code, text, fake = converse(bundled, None, ["：help", ":quit", "/start"])  # full-width colon too
    assert code == 0
    assert ":photo 路径" in text and ":quit 或 Ctrl-D" in text
    assert "/start" not in text.split(":quit", 1)[1].split("\n", 1)[1]
    assert fake.sent == []  # :help is the console's own; the bot was never written to


def test_unknown_console_command_and_missing_file_get_a_short_answer(bundled):
    code, text, _ = converse(bundled, None, [":bogus", ":file nothere.pdf", ":photo", "#3"])
    assert code == 0
    assert "没有这个控制台命令::bogus" in text
    assert "找不到文件:nothere.pdf" in text
    assert "用法::photo 路径" in text
    assert "现在没有可以点的按钮" in text
    assert "Traceback" not in text


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_photo_and_file_reach_the_bot_with_their_bytes(bundled, tmp_path):
    photo, sheet = tmp_path / "现场 照片.png", tmp_path / "名单.csv"
    photo.write_bytes(_png(4, 3))
    sheet.write_text("企业,状态\n甲,已完成\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("not an image", encoding="utf-8")
    code, text, fake = converse(bundled, "发改局", [
        f':photo "{photo}" 14.2 现场', f":file {sheet}", f":photo {tmp_path / 'notes.txt'}"])
    assert code == 0
    assert "〔已发送图片〕现场 照片.png" in text and "〔已发送文件〕名单.csv" in text
    assert "notes.txt 不是 JPG、PNG 或 GIF 图片" in text
    with bundled.session() as session:
        user = console_user_id(find_department(session, "发改局").id)
    in_chat = iter(lambda n=iter(range(1, 100)): fake.message(user, next(n)), None)  # ids 1, 2, ... until a gap
    received = [m for m in in_chat if m["from"]["id"] == user]
    photo_message = next(m for m in received if "photo" in m)
    document = next(m for m in received if "document" in m)
    assert fake.file_bytes(photo_message["photo"][-1]["file_id"]) == photo.read_bytes()
    assert photo_message["caption"] == "14.2 现场"
    assert (document["document"]["file_name"], document["document"]["mime_type"]) == ("名单.csv", "text/csv")
    assert "抱歉,处理您的消息时出错了" not in text
    assert fake.rejections == []


def test_buttons_are_numbered_and_pressing_one_shows_the_toast(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    world = World(f"sqlite:///{tmp_path / 'mini.db'}", FIXTURES / "mini-letter.yaml",
                  datetime(2022, 3, 1, 8, 0, tzinfo=SHANGHAI))
    holder: dict[str, ConsoleSession] = {}

    def script():
        yield "/start"
        session = holder["session"]
        world.at(date(2022, 3, 22))  # 26.4: 3 working days left; 26.3: 7 left
        runner = ReminderRunner(world.db, world.clock, world.calendar,
                                Deliverer(session.application.bot, Pacer(**NO_LIMITS), backoff=0.01),
                                frozenset(), world.policy)
        asyncio.run_coroutine_threadsafe(runner.run_once(), session.loop).result(timeout=10)
        session.drain()  # the reminder is on the screen before the user answers it
        yield "1"
        yield "＃1"  # as a Chinese input method types it
        yield "#9"

    out: list[str] = []
    terminal = Terminal.scripted(script(), out.append)
    user, settings = console_identity(world.db, world.clock, settings_for(world.db), "环境分局")
    with ConsoleSession(settings, world.db, world.clock, user, terminal, calendar=world.calendar) as session:
        holder["session"] = session
        assert Repl(session).run() == 0
    text = "".join(out)
    assert user.role_text == "生态环境分局联络员"  # found by its alias 环境分局
    assert "[1] 收到 26.4" in text
    reminder_block = text.split("你> 1", 1)[0]
    assert "[2] " in reminder_block and "[4] " in reminder_block  # numbered across keyboard rows
    after_press = text.split("你> 1", 1)[1]
    assert "〔点按〕收到 26.4" in after_press and "〔提示〕已确认收到 26.4" in after_press
    assert "〔提示〕26.4 已确认过" in text.split("你> ＃1", 1)[1]
    assert "没有第 9 个按钮" in text
    assert session.fake.rejections == []
    with world.db.session() as s:  # the press went through the real handler into the real ledger
        acknowledged = s.execute(select(Task.code, Reminder.acknowledged_by).join(Task, Task.id == Reminder.task_id)
                                 .where(Reminder.acknowledged_by.is_not(None))).all()
    assert {tuple(row) for row in acknowledged} == {("26.4", user.user_id)}


def test_console_as_a_process_reads_a_pipe_and_exits_cleanly(tmp_path):
    duban = Path(sys.executable).with_name("duban")
    command = [str(duban)] if duban.exists() else [sys.executable, "-m", "bot"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DUBAN_"))}
    # A token and API address in the environment must not matter: the console never leaves this machine.
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'pipe.db'}", TELEGRAM_BOT_TOKEN="123456:not-a-real-token",
               TELEGRAM_API_BASE_URL="http://127.0.0.1:9/bot")
    proc = subprocess.run([*command, "console", "--as", "admin"], input="/start\n:quit\n", text=True,
                          capture_output=True, cwd=tmp_path, env=env, timeout=60)
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
            "contact", "user", first.user_id, first.user_id)
        audits = session.scalars(select(AuditEntry).where(AuditEntry.action == "contact.bind")).all()
        assert [(a.actor, a.entity_id, a.after["department"]) for a in audits] == [
            ("console", str(first.contact_id), "发改局")]
        with pytest.raises(UnknownDepartment) as unknown:
            bind_console_contact(session, clock, "农业局")
        assert "农业农村局" in unknown.value.suggestions
    # A console without --as afterwards speaks as another id, which nothing binds.
    assert console_user_id() != first.user_id


def test_unknown_department_in_process_is_a_console_error(bundled):
    with pytest.raises(ConsoleError) as failure:
        run_console(settings_for(bundled), bundled, FakeClock(NOW), "教育局", Terminal.scripted([], print))
    assert failure.value.code == 2 and "教育局" in str(failure.value)


def test_links_keep_their_address_and_offsets_count_utf16():
    text = "😀 详见通知 和 附件"
    entities = [{"type": "bold", "offset": 0, "length": 2},
                {"type": "text_link", "offset": 3, "length": 4, "url": "https://example.org/a"},
                {"type": "text_link", "offset": 10, "length": 2, "url": "https://example.org/b"}]
    assert visible_text(text, entities) == "😀 详见通知 (https://example.org/a) 和 附件 (https://example.org/b)"
    rows = [[Choice("收到", 1, 2, callback_data="a"), Choice("已完成", 1, 2, callback_data="d")],
            [Choice("文件", 1, 2, url="https://example.org/f")]]
    assert choices_block(rows) == "  [1] 收到  [2] 已完成\n  [3] 文件 (https://example.org/f)"


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
