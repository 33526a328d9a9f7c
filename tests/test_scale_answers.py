"""Answers that stay short and fast with a year of data, and stay right: /score N in one message with a
sub-item's sources on request, /pending one page, and what /score, /overdue and /tasks keep between questions
seen to change the moment anyone (another process, a plain SQL write) changes the letter's data."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import event, select, update

from deadlines.clock import FakeClock
from fake_bot_api import FakeBotAPI
from services import review
from services.access import Identity
from services.occurrences import letter_occurrences
from services.scoring_facts import score_standing, set_office_fact
from services.tasks import current_letter
from storage.db import Database
from storage.models import Contact, Deadline, Department, Letter, Report, Task
from storage.paths import BUNDLED_LETTER
from tests.chat_world import ADMIN, Chat, plain, running_bot
from tests.conftest import SHANGHAI
from tests.reminder_world import World

OFFICE = Identity(ADMIN, ADMIN, "admin")
TODAY = date(2022, 9, 5)


def _world(database_url: str) -> World:
    return World(database_url, BUNDLED_LETTER, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))


def _office_facts(world: World, sid: str, values: dict, n: int) -> None:
    clock = FakeClock(world.clock.now() - timedelta(days=n))
    with world.db.session() as s:
        for i in range(n):
            clock.advance(days=1)
            set_office_fact(s, clock, OFFICE, sid, values, note=f"核查{i + 1}")


def _task(world: World, code: str) -> int:
    with world.db.session() as s:
        return s.scalar(select(Task.id).where(Task.code == code))


def _state(db: Database, task_id: int):
    """(reported, verified) of each occurrence of the task, as the whole letter's answer gives it."""
    with db.session() as s:
        facts = letter_occurrences(s, current_letter(s))
    return [(f.occurrence.due, f.reported, f.verified) for f in facts if f.task.id == task_id]


async def test_score_detail_is_one_message_and_a_sub_item_s_sources_come_on_request(database_url):
    world = _world(database_url)
    _office_facts(world, "14.1.1", {"done": True}, 45)
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        chat = Chat(fake, {ADMIN: "美丽办"})
        async with running_bot(world, fake):
            detail = await chat.say(ADMIN, "/score 14")
            assert len(detail) == 1  # 16 sub-items and 45 sources: one message
            text = detail[0].content
            assert "14.1.1" in text and "14.5" in text
            assert "依据:美丽办录入(9月5日,核查45) 等 45 条" in text and "/score 14.1.1 来源" in text
            assert "核查44" not in text  # the older sources wait until asked for

            sources = await chat.say(ADMIN, "/score 14.1.1 来源")
            assert len(sources) == 1
            listed = sources[0].content
            assert "共 45 条" in listed and "以下为最近 30 条" in listed
            assert listed.index("核查45") < listed.index("核查44")  # the latest first
            assert "核查16" in listed and "核查15)" not in listed

            assert "还没有任何考核事实" in (await chat.say(ADMIN, "/score 14.2.1 来源"))[0].content
            assert "没有细则 99.9" in (await chat.say(ADMIN, "/score 99.9 依据"))[0].content


def test_what_is_kept_changes_the_moment_any_writer_changes_the_letter(database_url):
    """The bot's process keeps the whole letter's occurrences and facts; another process (a second engine)
    and plain SQL writes change reports, deadlines and facts; each change is seen on the next question."""
    world = _world(database_url)
    other = Database(database_url)  # another process: its own engine and connections
    try:
        task_id = _task(world, "3.1")
        before = _state(world.db, task_id)
        assert before and not any(reported for _, reported, _ in before)
        assert _state(world.db, task_id) == before  # asked again: the kept answer, the same

        # A report written by the other process (no service, a plain insert) answers the task at once.
        with other.session() as s:
            s.add(Report(task_id=task_id, kind="completion", status="submitted", submitted_at=world.clock.now()))
        assert all(reported and not verified for _, reported, verified in _state(world.db, task_id))

        # Verified there, by a plain UPDATE: seen verified here.
        with other.session() as s:
            s.execute(update(Report).where(Report.task_id == task_id).values(status="verified"))
        assert all(verified for _, _, verified in _state(world.db, task_id))

        # Withdrawn: answered no more.
        with other.session() as s:
            s.execute(update(Report).where(Report.task_id == task_id).values(status="withdrawn"))
        assert _state(world.db, task_id) == before

        # The deadline retired by the other process: the task has no occurrence any more.
        with other.session() as s:
            s.execute(update(Deadline).where(Deadline.task_id == task_id).values(active=False))
        assert _state(world.db, task_id) == []

        # A fact the other process records moves the score seen here.
        before = score_standing(world.db, OFFICE, TODAY, world.calendar, world.policy)
        assert before.facts.get("14.1.1") is None
        assert score_standing(world.db, OFFICE, TODAY, world.calendar, world.policy).result == before.result
        with other.session() as s:
            set_office_fact(s, world.clock, OFFICE, "14.1.1", {"done": False}, note="核查")
        standing = score_standing(world.db, OFFICE, TODAY, world.calendar, world.policy)
        assert standing.facts.get("14.1.1") == {"done": False}
        assert standing.result.total.projected != before.result.total.projected
        assert standing.sources["14.1.1"] == ["美丽办录入(9月5日,核查)"]

        # The letter itself changed there (which letter /score is about is kept too): its new name is used.
        with other.session() as s:
            s.execute(update(Letter).values(office="美丽浙江办"))
        assert score_standing(world.db, OFFICE, TODAY, world.calendar, world.policy).office == "美丽浙江办"
    finally:
        other.dispose()


def test_a_change_rolled_back_is_never_taken_for_a_later_one(database_url):
    """Kept inside a transaction that is then rolled back: a later, committed change is still seen."""
    world = _world(database_url)
    task_id = _task(world, "3.1")
    before = _state(world.db, task_id)
    session = world.db._sessions()
    try:
        session.add(Report(task_id=task_id, kind="completion", status="submitted", submitted_at=world.clock.now()))
        session.flush()
        inside = letter_occurrences(session, current_letter(session))
        assert all(f.reported for f in inside if f.task.id == task_id)
    finally:
        session.rollback()
        session.close()
    assert _state(world.db, task_id) == before
    with world.db.session() as s:
        s.add(Report(task_id=task_id, kind="completion", status="verified", submitted_at=world.clock.now()))
    assert all(reported and verified for _, reported, verified in _state(world.db, task_id))


def test_a_change_between_reading_the_facts_and_keeping_the_score_is_seen_next_time(database_url):
    """Another process records a fact just after /score has read the facts and before it keeps the score
    made from them: that score is kept beside the stamp the facts had, so the next /score is made anew and
    shows the fact (kept beside the newer stamp, the old score would be served until the next change)."""
    world = _world(database_url)
    other = Database(database_url)
    written: list[bool] = []

    def write_after_the_facts_are_read(_conn, _cursor, statement, *_args) -> None:
        if "FROM facts" in statement and not written:
            written.append(True)
            with other.session() as s:
                set_office_fact(s, world.clock, OFFICE, "14.1.1", {"done": False}, note="核查")

    event.listen(world.db.engine, "after_cursor_execute", write_after_the_facts_are_read)
    try:
        first = score_standing(world.db, OFFICE, TODAY, world.calendar, world.policy)
        assert written and first.facts.get("14.1.1") is None  # asked before the fact: without it
        event.remove(world.db.engine, "after_cursor_execute", write_after_the_facts_are_read)
        then = score_standing(world.db, OFFICE, TODAY, world.calendar, world.policy)
        assert then.facts.get("14.1.1") == {"done": False}
        assert then.result.total.projected != first.result.total.projected
    finally:
        other.dispose()


async def test_score_asked_again_over_the_same_data_is_two_queries(database_url):
    """/score asked again over unchanged data: who is asking with their exchange in progress and the office's
    name (one query), and the change stamp (one); which letter and its score are the kept ones. More queries
    per /score is the bot doing again what it already knows (issue 14: answers a second)."""
    world = _world(database_url)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        chat = Chat(fake, {ADMIN: "美丽办"})
        async with running_bot(world, fake):
            await chat.say(ADMIN, "/score")  # the score worked out, and kept
            event.listen(world.db.engine, "before_cursor_execute", count)
            try:
                answer = await chat.say(ADMIN, "/score")
            finally:
                event.remove(world.db.engine, "before_cursor_execute", count)
    assert "预计 999 分" in plain(answer[0].content)
    assert len(statements) == 2, "\n\n".join(statements)


def _waiting_reports(world: World, n: int) -> None:
    with world.db.session() as s:
        dep = s.scalar(select(Department).where(Department.name == "自然资源局"))
        contact = Contact(
            department_id=dep.id,
            chat_id=7001,
            user_id=7001,
            kind="user",
            role="contact",
            display_name="张三",
            created_at=world.clock.now(),
        )
        s.add(contact)
        s.flush()
        task_id = s.scalar(select(Task.id).where(Task.code == "3.1"))
        for i in range(n):
            s.add(
                Report(
                    task_id=task_id,
                    department_id=dep.id,
                    contact_id=contact.id if i % 2 else None,
                    kind="progress",
                    status="submitted",
                    submitted_by=7001,
                    submitted_at=world.clock.now() - timedelta(hours=n - i),
                    measures=[],
                    evidence=[],
                )
            )


def test_pending_is_one_page_with_names_and_the_count_of_all(database_url):
    world = _world(database_url)
    _waiting_reports(world, 12)
    shown, total = review.pending_views(world.db, OFFICE, 3)
    assert total == 12 and len(shown) == 3
    assert [r.submitted_at for r in shown] == sorted(r.submitted_at for r in shown)
    assert shown[0].submitted_at == world.clock.now() - timedelta(hours=12)
    assert {r.department for r in shown} == {"自然资源局"} and [r.code for r in shown] == ["3.1"] * 3
    assert [r.submitter for r in shown] == ["7001", "张三", "7001"]  # a report without a contact: its sender's id


async def test_pending_without_evidence_is_a_message_with_its_buttons_per_report(database_url):
    world = _world(database_url)
    _waiting_reports(world, 12)
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        chat = Chat(fake, {ADMIN: "美丽办"})
        async with running_bot(world, fake):
            page = await chat.say(ADMIN, "/pending")
            assert len(page) == 11  # ten reports, each with its 通过 / 退回, and how many more wait
            assert all("通过" in str(m.reply_markup) and "退回" in str(m.reply_markup) for m in page[:10])
            assert "另有 2 份待审核" in page[10].content
            oldest = review.pending_views(world.db, OFFICE, 1)[0][0].id
            assert f"第{oldest}号" in page[0].content or f"第 {oldest} 号" in page[0].content
            await chat.press(ADMIN, page[0], "通过")
            assert f"已通过第 {oldest} 号上报(任务 3.1)" in chat.last_to(ADMIN).content
    shown, total = review.pending_views(world.db, OFFICE, 10)
    assert total == 11


def test_what_is_kept_stays_bounded_over_a_year_of_days_and_changes(database_url):
    """Keys hold the day asked about: a bot running all year must not keep a score for every day, nor answers
    no stamp will ever match again."""
    from services import stamped

    world = _world(database_url)
    computed: list[int] = []

    def keep(day: int) -> int:
        with world.db.session() as s:
            return stamped.kept(s, ("day", day), lambda: computed.append(day) or day)

    for day in range(365):
        keep(day)
    store = stamped._kept[world.db.engine]
    assert len(store) == stamped.KEPT_AT_MOST
    assert keep(364) == 364 and computed.count(364) == 1  # the latest are still served, not worked out again
    with world.db.session() as s:  # anyone changes the letter's data: nothing kept can be served again
        s.execute(update(Task).where(Task.code == "14.2").values(text="改"))
    keep(0)
    assert list(store) == [("day", 0)]


def test_one_task_s_detail_reads_that_task_not_the_whole_letter(database_url):
    """/task 14.2 after a year of use: the letter's every task and deadline was read to show one of them."""
    from deadlines.policy import ReminderPolicy
    from deadlines.workdays import WorkdayCalendar
    from services.task_views import task_detail

    world = _world(database_url)
    loaded: list[str] = []

    def seen(task, _context) -> None:
        loaded.append(task.code)

    event.listen(Task, "load", seen)
    try:
        detail = task_detail(world.db, OFFICE, "14.2", TODAY, WorkdayCalendar(), ReminderPolicy(), SHANGHAI)
    finally:
        event.remove(Task, "load", seen)
    assert detail.view.id == "14.2" and detail.view.departments and detail.view.deadlines
    assert loaded == ["14.2"]
