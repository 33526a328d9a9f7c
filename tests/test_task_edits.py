"""The office's task edits as a service: add, move, recur, assign, close, reopen, the audit trail, the
reminder ledger following a change, a letter reload that keeps what the office changed, and the chat's
draft of an edit (only the latest question's buttons act; nothing is written before 确认)."""

from __future__ import annotations

import shutil
from datetime import date, datetime

import pytest
from sqlalchemy import select

from deadlines.phrases import parse_deadline
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from services import reminder_ledger, task_drafts
from services.access import ADMIN, Identity
from services.letter_file import read_letter
from services.letters import load_letter
from services.replan import replan_task
from services.task_edits import Edit, EditRefused, movable, office_spec, preview, search_rubric
from services.task_history import history
from services.task_writes import apply
from services.tasks import UnknownDepartment, current_letter, list_tasks
from storage.models import AuditEntry, Contact, Deadline, Department, Item, Reminder, Task
from tests.conftest import FIXTURES, SHANGHAI

MINI = FIXTURES / "mini-letter.yaml"


def spec(text: str, today: date = date(2022, 9, 5)) -> dict:
    return office_spec(parse_deadline(text, today, year=2022), text)


def views(db) -> dict:
    with db.session() as s:
        return {v.id: v for v in list_tasks(s, current_letter(s))}


def run(db, clock, edit: Edit):
    with db.session() as s:
        return apply(s, clock, "tg:999", edit)


@pytest.fixture
def mini(db, clock):
    with db.session() as s:
        load_letter(s, read_letter(MINI), clock)
    return db


def test_add_tasks_get_stable_ids_in_the_office_item(mini, clock):
    first = run(
        mini,
        clock,
        Edit(
            "add",
            departments=["环境分局", "自然资源局"],
            text=" 完成扬尘  专项整治 ",
            spec=spec("10月底前"),
            target={"name": "整治工地", "value": 30, "unit": "个"},
            rubric="7.1.1",
        ),
    )
    second = run(mini, clock, Edit("add", departments=["邮管局"], text="报送名单", spec=spec("名单确定后10个工作日内")))
    assert (first.code, second.code) == ("27.1", "27.2")  # mini letter's last item is 26
    v = views(mini)
    assert v["27.1"].text == "完成扬尘 专项整治" and v["27.1"].departments == ("生态环境分局", "自然资源局")
    assert v["27.1"].item_title == "新增任务" and [d.isoformat() for d in v["27.1"].due_dates] == ["2022-10-31"]
    assert v["27.1"].targets == ({"name": "整治工地", "value": 30.0, "unit": "个", "rubric": "7.1.1"},)
    assert v["27.2"].deadlines[0].kind == "relative" and v["27.2"].due_dates == []
    with mini.session() as s:
        assert {t.origin for t in s.scalars(select(Task).where(Task.code.in_(["27.1", "27.2"])))} == {"office"}
        assert s.scalar(select(Item).where(Item.no == 27)).section_no == 0
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "task.add", AuditEntry.entity_id == "27.1"))
        assert entry.actor == "tg:999" and entry.after["departments"] == ["生态环境分局", "自然资源局"]
        assert entry.after["letter"] == "mini-2022"


def test_bad_input_is_refused_before_anything_is_written(mini, clock):
    with mini.session() as s:
        today = clock.today()
        with pytest.raises(UnknownDepartment) as unknown:
            preview(s, Edit("add", departments=["自然资原局"], text="x", spec=spec("10月底前")), today)
        assert "自然资源局" in unknown.value.suggestions
        for edit, reason in [
            (Edit("add", departments=["自然资源局"], text="  ", spec=spec("10月底前")), "no_text"),
            (Edit("add", departments=["自然资源局"], text="x"), "no_deadline_given"),
            (Edit("add", departments=["自然资源局"], text="x", spec=spec("10月底前"), rubric="99.9"), "no_rubric"),
            (Edit("move", code="99.9", spec=spec("10月15日")), "no_task"),
            (Edit("move", code="26.3", spec=spec("10月15日")), "which_deadline"),  # 3月底前 and the relative one
            (Edit("move", code="3.1", spec=spec("12月31日")), "unchanged"),  # the implied year end already
            (Edit("recur", code="26.4", spec=spec("10月15日")), "not_recurring"),
            (Edit("assign", code="26.4", departments=["环境分局", "邮管局"]), "unchanged"),
            (Edit("reopen", code="3.1"), "not_closed"),
        ]:
            with pytest.raises(EditRefused) as refused:
                preview(s, edit, today)
            assert refused.value.reason == reason, edit
    with mini.session() as s:
        assert s.scalar(select(AuditEntry).where(AuditEntry.actor == "tg:999")) is None


def test_move_recur_assign_close_and_the_history(mini, clock):
    with mini.session() as s:
        shapes = movable(s, "26.3")
    assert [sh.kind for sh in shapes] == ["month_end", "relative"]
    p = None
    with mini.session() as s:
        p = preview(s, Edit("move", code="26.3", deadline_id=shapes[0].id, spec=spec("3月1日")), clock.today())
    assert p.past == (date(2022, 3, 1),)  # the chat asks for an explicit confirmation
    run(mini, clock, Edit("move", code="26.3", deadline_id=shapes[0].id, spec=spec("10月15日")))
    clock.advance(minutes=5)
    run(mini, clock, Edit("recur", code="26.4", spec=spec("每月底前")))
    clock.advance(minutes=5)
    run(mini, clock, Edit("assign", code="26.4", departments=["自然资源局", "环境分局"]))
    clock.advance(minutes=5)
    run(mini, clock, Edit("close", code="3.1"))
    v = views(mini)
    assert [d.isoformat() for d in v["26.3"].due_dates] == ["2022-10-15"]
    assert len(v["26.4"].due_dates) == 12 and v["26.4"].departments == ("自然资源局", "生态环境分局")
    assert v["26.4"].recognized_by == ("市生态环境局", "市邮政管理局")  # recognizing departments stay
    assert v["3.1"].closed
    with mini.session() as s:
        old = s.get(Deadline, shapes[0].id)
        new = s.scalar(select(Deadline).where(Deadline.parent_id == old.id))
        assert not old.active and new.active and new.origin == "office" and new.phrase == "10月15日"
    entries = history(mini, "26.3")
    assert [e.action for e in entries][:1] == ["deadline.move"]
    assert entries[0].before["deadline"]["dates"] == ["2022-03-31"]
    assert entries[0].after["deadline"]["dates"] == ["2022-10-15"]
    assert entries[-1].action == "task.create"  # newest first, the loader's rows included
    run(mini, clock, Edit("reopen", code="3.1"))
    assert not views(mini)["3.1"].closed


def test_a_reload_keeps_what_the_office_changed(mini, clock, tmp_path):
    with mini.session() as s:
        month_end = movable(s, "26.3")[0].id
    run(mini, clock, Edit("move", code="26.3", deadline_id=month_end, spec=spec("4月15日")))
    run(mini, clock, Edit("assign", code="26.4", departments=["自然资源局"]))
    run(mini, clock, Edit("add", departments=["自然资源局"], text="新增的活", spec=spec("11月底前")))
    with mini.session() as s:  # the same file: skipped by its digest
        assert load_letter(s, read_letter(MINI), clock).unchanged
    edited = tmp_path / "mini-edited.yaml"
    shutil.copy(MINI, edited)
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("完成盘活存量建设用地958亩。", "完成盘活存量建设用地960亩。"), encoding="utf-8")
    with mini.session() as s:
        summary = load_letter(s, read_letter(edited), clock)
    assert summary.counts["tasks updated"] == 1
    assert summary.counts["deadlines kept as the office moved them"] == 1
    assert summary.counts["departments kept as the office assigned them"] == 1
    v = views(mini)
    assert [d.isoformat() for d in v["26.3"].due_dates] == ["2022-04-15"]
    assert v["26.4"].departments == ("自然资源局",) and "27.1" in v
    # The file now words the moved deadline differently: the office's date still stands.
    edited.write_text(
        edited.read_text(encoding="utf-8").replace(
            "{kind: month_end, month: 3, phrase: 3月底前, source: 正文 26.3}",
            "{kind: month_end, month: 5, phrase: 5月底前, source: 正文 26.3}",
        ),
        encoding="utf-8",
    )
    with mini.session() as s:
        load_letter(s, read_letter(edited), clock)
    assert [d.isoformat() for d in views(mini)["26.3"].due_dates] == ["2022-04-15"]


def test_search_rubric_by_number_or_words():
    assert search_rubric("7.1")[:2] == [("7.1.1", "“绿盾2022”专项行动"), ("7.1.2", "生态保护红线日常管理与监管")]
    assert ("14.2.2", "城乡生活垃圾分类全覆盖") in search_rubric("垃圾 分类")
    assert search_rubric("没有这种细则") == []


def test_the_ledger_follows_a_move_an_assign_and_a_close(mini):
    """Planned reminders of the old date are superseded with the reason; the new date's are planned."""
    from deadlines.clock import FakeClock

    clock = FakeClock(datetime(2022, 3, 21, 10, 0, tzinfo=SHANGHAI))
    calendar, policy = WorkdayCalendar(), ReminderPolicy()
    with mini.session() as s:
        deps = {d.name: d for d in s.scalars(select(Department))}
        contacts = [
            Contact(
                department_id=deps[name].id,
                chat_id=7000 + i,
                user_id=7000 + i,
                kind="user",
                role="contact",
                created_at=clock.now(),
            )
            for i, name in enumerate(("生态环境分局", "自然资源局"))
        ]
        s.add_all(contacts)
        s.flush()
        letter = current_letter(s)
        task = s.scalar(select(Task).where(Task.code == "26.4"))
        due_25 = s.scalar(select(Deadline).where(Deadline.task_id == task.id, Deadline.active.is_(True)))
        # As the morning's pass left it: a due-day reminder for 25 March still waiting to be sent.
        for chat, contact in ((c.chat_id, c.id) for c in contacts):
            s.add(
                Reminder(
                    key=f"k{chat}",
                    kind="lead",
                    task_id=task.id,
                    deadline_id=due_25.id,
                    due_date=date(2022, 3, 25),
                    lead=3,
                    send_on=date(2022, 3, 21),
                    contact_id=contact,
                    chat_id=chat,
                    status="planned",
                    created_at=clock.now(),
                )
            )
        reminder_ledger.set_state(s, f"reminders.planned_through.{letter.id}", "2022-03-21", clock.now())
    run(mini, clock, Edit("assign", code="26.4", departments=["环境分局"]))
    with mini.session() as s:
        assert replan_task(s, clock, calendar, policy, frozenset({999}), task.id, "assign").superseded == 1
        rows = {r.chat_id: r for r in s.scalars(select(Reminder))}
    assert rows[7001].status == "superseded" and rows[7001].error == "department no longer responsible (reassigned)"
    assert rows[7000].status == "planned"
    # Sent and not acknowledged: repeated next working day, but not to a department no longer responsible.
    with mini.session() as s:
        for contact in contacts:
            s.add(
                Reminder(
                    key=f"sent{contact.chat_id}",
                    kind="due",
                    task_id=task.id,
                    deadline_id=due_25.id,
                    due_date=date(2022, 3, 25),
                    lead=0,
                    send_on=date(2022, 3, 18),
                    contact_id=contact.id,
                    chat_id=contact.chat_id,
                    status="sent",
                    created_at=clock.now(),
                    sent_at=datetime(2022, 3, 18, 9, 0, tzinfo=SHANGHAI),
                )
            )
        s.flush()
        assert (
            reminder_ledger.plan_repeats(s, date(2022, 3, 21), calendar, {(due_25.id, date(2022, 3, 25))}, clock.now())
            == 1
        )
        repeats = [r.chat_id for r in s.scalars(select(Reminder).where(Reminder.kind == "repeat"))]
    assert repeats == [7000]
    run(mini, clock, Edit("move", code="26.4", spec=spec("3月24日", clock.today())))  # lead 3 falls today
    with mini.session() as s:
        result = replan_task(s, clock, calendar, policy, frozenset({999}), task.id, "move")
        rows = list(s.scalars(select(Reminder).order_by(Reminder.id)))
    assert result.superseded == 2 and result.planned >= 1  # the planned lead and the planned repeat
    assert rows[0].status == "superseded" and rows[0].error == "no longer due (deadline moved)"
    assert {r.status for r in rows if r.key in ("sent7000", "sent7001")} == {"sent"}  # the history stays
    fresh = [r for r in rows if r.status == "planned"]
    assert fresh and {(r.due_date, r.chat_id) for r in fresh} == {(date(2022, 3, 24), 7000)}
    run(mini, clock, Edit("close", code="26.4"))
    with mini.session() as s:
        replan_task(s, clock, calendar, policy, frozenset({999}), task.id, "close")
        assert {r.error for r in s.scalars(select(Reminder)) if r.id in {f.id for f in fresh}} == {
            "no longer due (task closed)"
        }


def test_a_chat_draft_answers_only_its_latest_question(mini, clock):
    admin, calendar = Identity(999, 999, ADMIN), WorkdayCalendar()
    q = task_drafts.start_picking(mini, clock, admin)
    dep = str(q.departments[0][0])
    assert task_drafts.press(mini, clock, admin, "on", dep, q.seq + 1).stale  # not this question's seq
    on = task_drafts.press(mini, clock, admin, "on", dep, q.seq)
    assert on.in_place and on.question and on.question.chosen == (int(dep),) and on.question.seq == q.seq
    again = task_drafts.press(mini, clock, admin, "on", dep, q.seq)
    assert again.in_place and again.question is None  # a double tap: nothing to edit
    text = task_drafts.press(mini, clock, admin, "dn", "", q.seq).question
    assert text and text.step == "text" and text.seq != q.seq
    assert task_drafts.press(mini, clock, admin, "on", dep, q.seq).stale  # the picker's buttons are done
    too_long = task_drafts.answer(mini, clock, calendar, admin, "长" * 501)
    assert too_long.problem and too_long.problem.reason == "text_too_long"
    task_drafts.answer(mini, clock, calendar, admin, "新增的活")
    target = task_drafts.current(mini, admin)
    assert target and target.step == "target"
    task_drafts.press(mini, clock, admin, "sk", "", target.seq)
    rubric = task_drafts.current(mini, admin)
    assert rubric and rubric.step == "rubric"
    task_drafts.press(mini, clock, admin, "sk", "", rubric.seq)
    ask = task_drafts.answer(mini, clock, calendar, admin, "11月底前").question
    assert ask and ask.step == "confirm" and ask.preview and ask.preview.code == "27.1"
    assert views(mini).get("27.1") is None  # nothing written before 确认
    made = task_drafts.confirm(mini, clock, calendar, ReminderPolicy(), frozenset({999}), admin, ask.seq).made
    assert made and made.code == "27.1" and made.office == "美丽办" and task_drafts.current(mini, admin) is None
    with mini.session() as s:  # the office the letter names is the source and the title
        assert s.scalar(select(Item).where(Item.no == 27)).section_title == "美丽办新增任务"
        task = s.scalar(select(Task).where(Task.code == "27.1"))
        assert [d.source for d in task.deadlines] == ["美丽办"]
