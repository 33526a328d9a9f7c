"""`duban task add|move|recur|assign|close|reopen|history`: the same service as the chat, for bulk work."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from bot.cli import main
from fake_bot_api import FakeBotAPI
from storage.db import Database
from storage.models import Contact, Department
from tests.conftest import FIXTURES, SHANGHAI

MINI = str(FIXTURES / "mini-letter.yaml")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_task_commands(cli_env, capsys, monkeypatch, tmp_path):
    now = tmp_path / "now.txt"
    now.write_text("2022-09-05T10:00:00+08:00")
    monkeypatch.setenv("DUBAN_CLOCK_FILE", str(now))
    assert run(capsys, "letter", "load", MINI)[0] == 0

    code, out, _ = run(
        capsys,
        "task",
        "add",
        "--dept",
        "环境分局",
        "--dept",
        "邮管局",
        "--text",
        "完成扬尘专项整治",
        "--deadline",
        "10月底前",
        "--target",
        "整治工地 30个",
        "--no-notify",
    )
    assert code == 0 and "saved 27.1 (add)" in out
    assert "departments: 生态环境分局、交通运输局(邮管局)" in out and "deadline: 2022-10-31 (10月底前)" in out

    code, _, err = run(capsys, "task", "move", "26.3", "10月15日")
    assert code == 2 and "--which N" in err and "1. 2022-03-31 (3月底前)" in err
    code, out, _ = run(capsys, "task", "move", "26.3", "10月15日", "--which", "1", "--dry-run")
    assert code == 0 and "deadline: 2022-03-31 (3月底前) -> 2022-10-15 (10月15日)" in out and "dry run" in out
    code, out, _ = run(capsys, "task", "move", "26.3", "10月15日", "--which", "1", "--no-notify")
    assert code == 0 and "saved 26.3 (move)" in out

    code, _, err = run(capsys, "task", "move", "3.1", "3月1日")
    assert code == 2 and "2022-03-01 already passed" in err and "--past-ok" in err
    assert run(capsys, "task", "move", "3.1", "3月1日", "--past-ok", "--no-notify")[0] == 0
    code, _, err = run(capsys, "task", "recur", "26.4", "10月15日")
    assert code == 2 and "not a recurrence" in err
    code, _, err = run(capsys, "task", "move", "26.4", "很快")
    assert code == 2 and "没有读懂" in err
    code, _, err = run(capsys, "task", "assign", "26.4", "自然资原局")
    assert code == 2 and "closest: 自然资源局" in err
    assert run(capsys, "task", "close", "3.1", "--no-notify")[0] == 0
    code, _, err = run(capsys, "task", "close", "3.1")
    assert code == 2 and "already_closed" in err

    # With a token, the departments hear of it through the bot: old and new on a reassignment.
    db = Database(cli_env)
    with db.session() as s:
        for chat, name in ((7000, "生态环境分局"), (7001, "自然资源局")):
            dep = s.scalar(select(Department).where(Department.name == name))
            s.add(
                Contact(
                    department_id=dep.id,
                    chat_id=chat,
                    user_id=chat,
                    kind="user",
                    role="contact",
                    created_at=datetime(2022, 9, 5, tzinfo=SHANGHAI),
                )
            )
    db.dispose()
    with FakeBotAPI() as fake:
        fake.add_user(7000)
        fake.add_user(7001)
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", fake.token)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
        code, out, _ = run(capsys, "task", "assign", "26.4", "自然资源局")
        assert code == 0 and "departments told: 2 of 2 chat(s)" in out
        for chat in (7000, 7001):
            assert "责任部门调整" in fake.messages_to(chat)[-1].content
        assert fake.rejections == []

    code, out, _ = run(capsys, "task", "history", "26.3", "--json")
    entries = json.loads(out)
    assert [e["action"] for e in entries][0] == "deadline.move" and entries[0]["actor"] == "cli"
    assert entries[0]["after"]["deadline"]["dates"] == ["2022-10-15"]
    code, out, _ = run(capsys, "task", "history", "26.4")
    assert "task.assign  责任部门 生态环境分局、交通运输局(邮管局) → 自然资源局" in out
