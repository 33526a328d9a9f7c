"""The real `duban run` on DingTalk, through the fake DingTalk (DINGTALK_API_BASE_URL): the full round
(invite, bind, report with a picture, approve, /score), a stream drop followed by reconnection, and a
refused secret at start."""

from __future__ import annotations

import os
import re
from datetime import datetime

from sqlalchemy import select

from bot.cli import main
from deadlines.clock import FakeClock
from fake_dingtalk import FakeDingTalk
from services import accounts
from storage.db import Database
from storage.models import AuditEntry, Contact, Department, Fact, Report
from tests.conftest import FIXTURES, SHANGHAI
from tests.deploy_processes import ROOT, RunningBot, set_clock, wait_until
from tests.dingtalk_world import DingTalkChat

OFFICE, ZHANG, STRANGER = "office01", "zhangsan", "wangwu"
PHOTO = b"\xff\xd8\xff\xe0" + b"signed-scan-on-dingtalk" * 40


def dingtalk_env(fake: FakeDingTalk, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "TELEGRAM_", "DINGTALK_"))}
    env.update(fake.env(), DATABASE_URL=database_url, DUBAN_LOG_LEVEL="INFO", PYTHONPATH=str(ROOT))
    env.update(DUBAN_ADMINS=f"dingtalk:{OFFICE}", DUBAN_WEEKLY_AT="off", DUBAN_REMINDERS="off")
    env.update(extra)
    return env


def started(fake: FakeDingTalk, bot: RunningBot) -> None:
    wait_until(lambda: fake.connections >= 1 or not bot.alive(), 40, "the stream connection")
    assert bot.alive(), bot.output()


async def test_full_round_on_dingtalk_through_duban_run(tmp_path):
    clock_file = tmp_path / "now.txt"
    set_clock(clock_file, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))
    url = f"sqlite:///{tmp_path / 'round.db'}"
    with FakeDingTalk() as fake:
        for user, name in ((OFFICE, "美丽办王主任"), (ZHANG, "张三"), (STRANGER, "王五")):
            fake.add_user(user, name)
        env = dingtalk_env(fake, url, DUBAN_CLOCK_FILE=str(clock_file))
        bot = RunningBot("round", tmp_path / "run", env).start()
        chat = DingTalkChat(fake, None, {OFFICE: "美丽办", ZHANG: "张三(自然资源局)", STRANGER: "王五(未绑定)"})
        try:
            started(fake, bot)
            # Someone not bound is told how to join, and nothing else.
            assert "邀请码" in await chat.say(STRANGER, "任务")
            invite = await chat.say(OFFICE, "/invite 自然资源局 contact")
            code = re.search(r"邀请码已生成:\s*([A-Z0-9]{8})", invite).group(1)
            assert "绑定成功" in await chat.say(ZHANG, f"绑定 {code}")
            assert "已经被使用过" in await chat.say(STRANGER, f"/start {code}")
            assert "3.1" in await chat.say(ZHANG, "任务")

            # A report step by step; the buttons are typed choices (no card template).
            await chat.say(ZHANG, "上报 3.1")
            await chat.say(ZHANG, "900亩")
            if "低效用地再开发" in chat.last_to(ZHANG):
                await chat.say(ZHANG, "800")
            await chat.say(ZHANG, "盘活任务差58亩,已列入明年计划")
            confirm = await chat.picture(ZHANG, PHOTO)
            if "完成上传" in confirm:
                confirm = await chat.say(ZHANG, "完成上传")
            assert "900亩/目标958亩" in confirm and "佐证材料:1 份" in confirm
            choice = re.search(r"(\d) ✅ 确认上报", confirm).group(1)  # the choices are numbered
            assert "已上报(第" in await chat.say(ZHANG, choice)
            assert any("新上报待审核" in t for t in chat.texts_to(OFFICE))

            # The office reviews with the evidence in view and approves by typing the choice.
            review = await chat.say(OFFICE, "待审核")
            assert "1 通过" in review
            assert any(s.key == "sampleImageMsg" for s in fake.messages_to(OFFICE))
            assert "已记入考核事实" in await chat.say(OFFICE, "1")
            assert any("审核通过" in t for t in chat.texts_to(ZHANG))
            assert "预计 994 分" in await chat.say(OFFICE, "得分")
            assert "994 → 999" in await chat.say(OFFICE, "假设 3.1.1 958亩")
            contacts = await chat.say(OFFICE, "联络员")
            assert "张三" in contacts and "钉钉" in contacts
        finally:
            code_stop, seconds = bot.stop()
        assert fake.rejections == [] and fake.unacked() == []
    print("\n" + chat.transcript())
    assert code_stop == 0 and seconds < 10, bot.output()
    db = Database(url)
    with db.session() as s:
        report = s.scalar(select(Report).where(Report.id == 1))
        assert report.status == "verified" and report.evidence[0]["channel"] == "dingtalk"
        assert (tmp_path / "run" / report.evidence[0]["path"]).read_bytes() == PHOTO  # under the bot's folder
        facts = {f.subitem_id: f.values for f in s.scalars(select(Fact))}
        assert facts["3.1.1"] == {"actual": 900.0, "target": 958.0}
        actors = {a.actor for a in s.scalars(select(AuditEntry).where(AuditEntry.action == "contact.bind"))}
        contact = s.scalar(select(Contact).where(Contact.display_name == "张三"))
    assert actors == {f"dingtalk:{ZHANG}"} and contact.chat_id > 2**53
    db.dispose()


async def test_stream_drop_then_reconnection_through_duban_run(tmp_path):
    url = f"sqlite:///{tmp_path / 'drop.db'}"
    with FakeDingTalk() as fake:
        fake.add_user(OFFICE, "美丽办王主任")
        bot = RunningBot("drop", tmp_path / "run", dingtalk_env(fake, url)).start()
        chat = DingTalkChat(fake, None, {OFFICE: "美丽办"})
        try:
            started(fake, bot)
            assert "美丽办管理员" in await chat.say(OFFICE, "/start")
            assert fake.drop_connections() == 1
            # DingTalk keeps nothing for a closed connection: what is sent meanwhile is lost, the bot reconnects.
            wait_until(lambda: fake.connections_opened >= 2 and fake.connections == 1, 20, "a new connection")
            assert "管理员命令" in await chat.say(OFFICE, "帮助")
            fake.system("disconnect")  # DingTalk asks to move: a new connection at once
            wait_until(lambda: fake.connections_opened >= 3 and fake.connections == 1, 20, "the third connection")
            assert "管理员命令" in await chat.say(OFFICE, "help")
        finally:
            code_stop, _ = bot.stop()
        assert fake.rejections == [] and fake.unacked() == []
    assert code_stop == 0
    assert bot.lines("DingTalk stream connection closed: reconnecting")
    assert len(bot.lines("DingTalk stream connected")) == 3


def test_a_refused_secret_at_start_names_the_variable_and_what_dingtalk_answered(cli_env, monkeypatch, capsys):
    with FakeDingTalk() as fake:
        for name, value in fake.env(DINGTALK_CLIENT_SECRET="wrong-secret").items():
            monkeypatch.setenv(name, value)
        code = main(["run"])
    err = capsys.readouterr().err
    assert code == 2
    assert "DINGTALK_CLIENT_SECRET" in err and "invalidClientSecret" in err and "appSecret 不正确" in err
    assert "Traceback" not in err


def test_half_a_dingtalk_setup_names_what_is_missing(cli_env, monkeypatch, capsys):
    monkeypatch.setenv("DINGTALK_CLIENT_ID", "dingabc")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "DINGTALK_CLIENT_SECRET, DINGTALK_ROBOT_CODE missing" in err


def test_doctor_checks_the_dingtalk_credentials_and_the_stream(cli_env, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DUBAN_EVIDENCE_DIR", str(tmp_path / "evidence"))
    with FakeDingTalk() as fake:
        for name, value in fake.env(DUBAN_ADMINS=f"dingtalk:{OFFICE}").items():
            monkeypatch.setenv(name, value)
        main(["db", "upgrade"])
        capsys.readouterr()
        main(["doctor"])
        good = capsys.readouterr().out
        monkeypatch.setenv("DINGTALK_CLIENT_SECRET", "wrong-secret")
        assert main(["doctor"]) == 1
        bad = capsys.readouterr().out
        opened = fake.connections_opened
    checks = {line.split()[1]: line for line in good.splitlines() if line.startswith(("OK", "WARN", "FAIL"))}
    assert checks["dingtalk"].startswith("OK") and "stream connection opened" in checks["dingtalk"], good
    assert "telegram" not in checks and checks["settings"].startswith("OK") and "channels: dingtalk" in good
    assert "FAIL  dingtalk" in bad or "FAIL dingtalk" in bad
    assert "DINGTALK_CLIENT_SECRET" in bad and "invalidClientSecret" in bad and "fix: copy the Client ID" in bad
    assert opened == 1  # the good run opened the stream once; the refused one never got that far


def test_duban_task_tells_the_departments_dingtalk_contacts(cli_env, monkeypatch, capsys, tmp_path):
    now = tmp_path / "now.txt"
    now.write_text("2022-09-05T10:00:00+08:00")
    monkeypatch.setenv("DUBAN_CLOCK_FILE", str(now))
    assert main(["letter", "load", str(FIXTURES / "mini-letter.yaml")]) == 0
    db = Database(cli_env)
    clock = FakeClock(datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))
    number = accounts.ensure(db, clock, accounts.DINGTALK, ZHANG, accounts.USER, "张三")
    with db.session() as s:
        dep = s.scalar(select(Department.id).where(Department.name == "自然资源局"))
        s.add(
            Contact(
                department_id=dep,
                chat_id=number,
                user_id=number,
                kind="user",
                role="contact",
                display_name="张三",
                created_at=clock.now(),
            )
        )
    db.dispose()
    with FakeDingTalk() as fake:
        fake.add_user(ZHANG, "张三")
        for name, value in fake.env().items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = main(["task", "move", "3.1", "11月30日"])
        out = capsys.readouterr().out
        told = fake.messages_to(ZHANG)
    assert code == 0 and "departments told: 1 of 1 chat(s)" in out, out
    assert told and "3.1" in told[-1].text and fake.rejections == []
