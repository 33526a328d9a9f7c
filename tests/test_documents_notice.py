"""Supervision notices (督办单): numbered 督办〔year〕第N号 without gaps or repeats (the unique constraint, a
number taken meanwhile retried with the next, a new year starting again at 1); the document read back says
what the status board says about the task; what cannot be noticed is refused by name; issuing and 收到
appear in the task's history and in the workbook's log; the names come from the letter. On SQLite and
PostgreSQL where the database is involved."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from handlers.markup import to_plain
from handlers.task_admin_texts import describe
from reports import labels as L
from reports.documents import notice as document
from reports.documents import wording as W
from reports.workbook import build_workbook
from services import notices
from services.access import Identity
from services.notices import NoticeRefused, acknowledge, issue, preview
from services.snapshot import take
from services.task_history import history
from services.task_views import overdue_board
from storage.models import Contact, Notice, NoticeRecipient, Task
from storage.paths import BUNDLED_LETTER
from tests.conftest import SHANGHAI
from tests.document_world import TODAY, everything, read, september_world
from tests.reminder_world import World
from tests.test_reports_workbook import OFFICE


def _issue(world: World, code: str, phrase: str | None = None, words: str | None = None, deliver: bool = False):
    return issue(world.db, world.clock, world.calendar, world.policy, "cli", code, phrase, words, deliver)


def _fields(data: bytes) -> dict[str, str]:
    doc = read(data)
    return {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}


def test_numbers_are_unique_and_the_document_says_what_the_board_says(database_url):
    world = september_world(database_url)
    issued = [_issue(world, code) for code in ("22.3", "17.2", "31.1")]
    assert [i.doc.number for i in issued] == ["督办〔2022〕第1号", "督办〔2022〕第2号", "督办〔2022〕第3号"]
    with world.db.session() as s:
        assert sorted(s.scalars(select(Notice.serial).where(Notice.year == 2022))) == [1, 2, 3]

    red = {s.code: s for s in overdue_board(world.db, OFFICE, TODAY, world.calendar, world.policy, SHANGHAI).statuses}
    numbers = set()
    for done in issued:
        data = document.render(done.doc)
        numbers.add(next(t for t in (p.text for p in read(data).paragraphs) if t.startswith("督办〔")))
        fields = _fields(data)
        status = red[done.doc.code]
        assert fields[W.FIELD_CODE] == done.doc.code
        assert fields[W.FIELD_DUE].startswith(W.cn_date(status.due))
        assert fields[W.FIELD_STATE].startswith(f"已逾期{status.overdue_workdays}个工作日")
        reply_by = world.calendar.add_workdays(TODAY, 3)  # the default: 3 working days
        assert fields[W.FIELD_REPLY_BY] == f"{W.cn_date(reply_by)}前" and done.doc.reply_by == reply_by
        assert "{{" not in everything(read(data))
    assert numbers == {i.doc.number for i in issued}  # each document carries its own number

    # 22.3's deadlines passed with nothing reported, each named (the 25 September one was reported late,
    # the 30 September one awaits review: neither is "missed").
    assert issued[0].doc.missed == (date(2022, 3, 25), date(2022, 3, 31), date(2022, 6, 25), date(2022, 6, 30))
    assert "逾期未报的节点:3月25日、3月31日、6月25日、6月30日" in _fields(document.render(issued[0].doc))[W.FIELD_STATE]


def test_a_number_taken_meanwhile_is_retried_and_the_constraint_holds(database_url, monkeypatch):
    world = september_world(database_url)
    assert _issue(world, "22.3").doc.serial == 1
    real, calls = notices.next_serial, []

    def stale(session, year):  # the first look misses the notice another office has just issued
        calls.append(year)
        return 1 if len(calls) == 1 else real(session, year)

    monkeypatch.setattr(notices, "next_serial", stale)
    assert _issue(world, "14.2").doc.number == "督办〔2022〕第2号" and len(calls) == 2
    monkeypatch.undo()

    with pytest.raises(IntegrityError), world.db.session() as s:
        task_id = s.scalar(select(Task.id).where(Task.code == "31.1"))
        s.add(
            Notice(
                letter_id=1,
                task_id=task_id,
                year=2022,
                serial=2,
                reply_by=TODAY,
                issued_at=world.clock.now(),
                issued_by="cli",
            )
        )
        s.flush()

    world.at(date(2023, 1, 4), 9)  # a new year numbers from 1 again
    assert _issue(world, "31.1", "1月10日前").doc.number == "督办〔2023〕第1号"


def test_what_cannot_be_noticed_is_refused_by_name(database_url):
    world = september_world(database_url)
    with world.db.session() as s:
        s.scalar(select(Task).where(Task.code == "14.3")).closed = True
    cases = [  # (task, 办结时限, 督办要求, why not)
        ("99.9", None, None, "no_task"),
        ("14.3", None, None, "closed"),
        ("22.3", "随便什么时候", None, "bad_phrase"),
        ("22.3", "9月1日", None, "past"),
        ("31.1", "每季度末月25日前", None, "not_a_date"),
        ("17.2", None, "要" * 301, "requirement_too_long"),
    ]
    for code, phrase, words, reason in cases:
        with pytest.raises(NoticeRefused) as refused:
            _issue(world, code, phrase, words)
        assert refused.value.reason == reason, code
    # 3.1 was reported and verified (the workbook's office): nothing to supervise.
    with pytest.raises(NoticeRefused) as done:
        preview(world.db, world.clock, world.calendar, world.policy, "3.1")
    assert done.value.reason == "done"
    with world.db.session() as s:
        assert s.scalar(select(Notice.id)) is None  # nothing was numbered


def test_issue_and_acknowledgement_in_history_and_the_workbook_log(database_url):
    world = september_world(database_url)
    with world.db.session() as s:
        department = s.scalar(select(Task).where(Task.code == "22.3")).departments[0]
        for chat, name in ((5001, "张三"), (5002, "李四")):
            s.add(
                Contact(
                    department_id=department.id,
                    chat_id=chat,
                    user_id=chat,
                    kind="user",
                    role="contact",
                    display_name=name,
                    created_at=world.clock.now(),
                )
            )
    done = _issue(world, "22.3", "10月20日前", "同步报送整改方案", deliver=True)
    assert {r.chat_id for r in done.recipients} == {5001, 5002} and done.unreached == ()
    fields = _fields(document.render(done.doc))
    assert fields[W.FIELD_REPLY_BY] == "2022年10月20日前" and fields[W.FIELD_REQUIREMENT].endswith("同步报送整改方案")

    first = next(r for r in done.recipients if r.chat_id == 5001)
    assert acknowledge(world.db, world.clock, Identity(5002, 5002, "contact"), first.id).status == "not_yours"
    world.at(date(2022, 10, 11), 10)
    ack = acknowledge(world.db, world.clock, Identity(5001, 5001, "contact"), first.id)
    assert (ack.status, ack.number, ack.department, ack.name) == ("ok", "督办〔2022〕第1号", "生态环境分局", "张三")
    assert acknowledge(world.db, world.clock, Identity(5001, 5001, "contact"), first.id).status == "already"
    assert acknowledge(world.db, world.clock, Identity(5001, 5001, "contact"), 10**9).status == "unknown"
    with world.db.session() as s:
        row = s.get(NoticeRecipient, first.id)
        assert row.acknowledged_by == 5001 and row.acknowledged_at == datetime(2022, 10, 11, 10, tzinfo=SHANGHAI)

    entries = history(world.db, "22.3")
    assert [e.action for e in entries[:2]] == ["notice.ack", "notice.issue"]
    assert entries[0].actor_name == "张三"
    lines = [to_plain(describe(e)) for e in entries[:2]]
    assert lines[0] == "生态环境分局签收督办单 督办〔2022〕第1号"
    assert lines[1].startswith("发出督办单 督办〔2022〕第1号,办结时限 10月20日") and "生态环境分局" in lines[1]

    snapshot = take(world.db, date(2022, 10, 11), world.calendar, world.policy, SHANGHAI)
    log = load_workbook(io.BytesIO(build_workbook(snapshot)))[L.AUDIT_SHEET]
    rows = [[c.value for c in row] for row in log.iter_rows(min_row=3)]
    issued_row = next(r for r in rows if r[3] == "发出督办单")
    ack_row = next(r for r in rows if r[3] == "签收督办单")
    assert issued_row[5] == ack_row[5] == "22.3" and "督办〔2022〕第1号" in issued_row[7]
    assert "张三" in ack_row[7] and ack_row[1] == "tg:5001"


def test_the_names_come_from_the_letter(tmp_path: Path):
    text = BUNDLED_LETTER.read_text(encoding="utf-8")
    text = text.replace("issuer: 市委市政府美丽嵊州建设领导小组办公室", "issuer: 测试县生态文明建设办公室")
    letter = tmp_path / "letter.yaml"
    letter.write_text(text, encoding="utf-8")
    world = World(f"sqlite:///{tmp_path / 'n.db'}", letter, datetime(2022, 10, 10, 9, tzinfo=SHANGHAI))
    data = document.render(preview(world.db, world.clock, world.calendar, world.policy, "22.3"))
    paragraphs = [p.text for p in read(data).paragraphs]
    assert paragraphs[0] == "测试县生态文明建设办公室"  # the letterhead
    assert [p for p in paragraphs if p.strip()][-2:] == ["测试县生态文明建设办公室", "2022年10月10日"]
    assert "督办〔2022〕第1号(预览" in "\n".join(paragraphs)
    assert "市委市政府" not in everything(read(data))
