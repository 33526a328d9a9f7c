"""`duban circular` and `duban notice` on a seeded year, under a clock file: the documents written, what they
print, a dry run that numbers nothing, a notice that numbers the next, and the refusals (exit status 2)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.cli import main
from fake_bot_api import FakeBotAPI
from reports.documents import wording as W
from storage.models import Notice, NoticeRecipient
from tests.document_world import read, september_world, table_rows


@pytest.fixture
def seeded(cli_env, tmp_path, monkeypatch):
    world = september_world(cli_env)
    now = tmp_path / "now.txt"
    now.write_text("2022-10-10T09:00:00+08:00")
    monkeypatch.setenv("DUBAN_CLOCK_FILE", str(now))
    return world


def test_circular_and_notice_commands(seeded, tmp_path, capsys):
    assert main(["circular", "--month", "2022-09", "--out", str(tmp_path / "c.docx")]) == 0
    out = capsys.readouterr().out
    assert "circular for 2022-09 as of 2022-10-10" in out
    assert "deadlines due in the month: 5 (2 on time, 1 late, 1 awaiting review, 1 overdue, 0 not yet due)" in out
    assert " 6. 生态环境分局: 5 due, 2 on time, 1 late, 1 awaiting review, 1 overdue, 40.0%, 6 working days" in out
    rows = table_rows(read((tmp_path / "c.docx").read_bytes()), W.RANKING_COLUMNS)
    assert rows[-1][:2] == ["7", "市委组织部"]

    assert main(["notice", "22.3", "--dry-run", "--out", str(tmp_path / "p.docx")]) == 0
    assert "督办〔2022〕第1号 (preview: nothing recorded) on 22.3" in capsys.readouterr().out
    with seeded.db.session() as s:
        assert s.scalar(select(Notice.id)) is None

    assert main(["notice", "22.3", "--by", "10月20日前", "--out", str(tmp_path / "n.docx")]) == 0
    out = capsys.readouterr().out
    assert "督办〔2022〕第1号 on 22.3 to 生态环境分局" in out and "reply by 2022-10-20" in out
    assert "departments not told: no channel configured" in out
    assert main(["notice", "31.1", "--no-notify"]) == 0  # the default file name, in the working folder
    assert (tmp_path / "duban-notice-2022-002-31.1.docx").is_file()
    with seeded.db.session() as s:
        assert list(s.scalars(select(Notice.serial).order_by(Notice.serial))) == [1, 2]


def test_refusals(seeded, tmp_path, capsys):
    for argv, said in (
        (["circular", "--month", "九月"], "write the month as 2022-09"),
        (["circular", "--month", "2023-01"], "other_year"),
        (["circular", "--out", str(tmp_path / "c.txt")], "should end in .docx"),
        (["notice", "99.9"], "no_task"),
        (["notice", "22.3", "--by", "9月1日"], "past"),
    ):
        assert main(argv) == 2, argv
        assert said in capsys.readouterr().err


def test_notice_sent_through_the_bot(seeded, tmp_path, monkeypatch, capsys):
    with FakeBotAPI() as fake:
        contact = seeded.add_contacts(fake, ["生态环境分局"])["生态环境分局"]
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", fake.token)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", fake.base_url)
        assert main(["notice", "22.3", "--out", str(tmp_path / "n.docx")]) == 0
        assert "sent to: 生态环境分局; not reached: -" in capsys.readouterr().out
        document, ask = fake.messages_to(contact)
        assert document.method == "sendDocument" and document.file.data == (tmp_path / "n.docx").read_bytes()
        assert [b["text"] for row in ask.reply_markup["inline_keyboard"] for b in row] == ["收到"]
    with seeded.db.session() as s:
        row = s.scalar(select(NoticeRecipient))
        assert (row.chat_id, row.status, row.sent_at is not None) == (contact, "sent", True)
