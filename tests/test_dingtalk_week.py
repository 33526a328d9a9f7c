"""A week of reminders to DingTalk contacts through the real `duban run` and the fake DingTalk: one
contact held by DingTalk's flow control (retried, delivered once), one who left the organization
(invalidStaffIdList: unreachable, the office told), read receipts recorded and shown in /contacts.
Time moves through DUBAN_CLOCK_FILE; nothing waits for a deadline."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from datetime import time as clock_time

from sqlalchemy import func, select

from fake_dingtalk import FakeDingTalk
from services import accounts
from storage.models import Contact, Delivery, Department, Reminder
from tests.conftest import FIXTURES, SHANGHAI
from tests.deploy_processes import RunningBot, set_clock, wait_until
from tests.dingtalk_world import DingTalkChat
from tests.reminder_world import World
from tests.test_dingtalk_run import OFFICE, dingtalk_env, started

WEEK = [date(2022, 3, d) for d in (21, 22, 23, 24, 25)]
# userId -> (department, name); shengtai_left has left the organization.
PEOPLE = {
    "shengtai1": ("生态环境分局", "生态联络员"),
    "shengtai_left": ("生态环境分局", "已离职联络员"),
    "jiaotong1": ("交通运输局(邮管局)", "交通联络员"),
}
HELD = "jiaotong1"


def at_nine(day: date) -> datetime:
    return datetime.combine(day, clock_time(9, 0), SHANGHAI)


def bind_on_dingtalk(world: World, fake: FakeDingTalk) -> dict[str, int]:
    numbers = {}
    with world.db.session() as s:
        deps = {d.name: d.id for d in s.scalars(select(Department))}
    for user, (department, name) in PEOPLE.items():
        fake.add_user(user, name)
        number = accounts.ensure(world.db, world.clock, accounts.DINGTALK, user, accounts.USER, name)
        numbers[user] = number
        with world.db.session() as s:
            s.add(
                Contact(
                    department_id=deps[department],
                    chat_id=number,
                    user_id=number,
                    kind="user",
                    role="contact",
                    display_name=name,
                    created_at=world.clock.now(),
                )
            )
    fake.add_user(OFFICE, "美丽办王主任")
    return numbers


def day_done(world: World, day: date) -> bool:
    with world.db.session() as s:
        digest = s.scalar(select(Delivery.status).where(Delivery.key.like(f"digest|{day.isoformat()}|%")))
        waiting = s.scalar(
            select(Reminder.id).where(Reminder.status.in_(("planned", "sending")), Reminder.send_on <= day).limit(1)
        )
    return digest == "sent" and waiting is None


async def test_a_week_of_reminders_on_dingtalk(tmp_path):
    world = World(
        f"sqlite:///{tmp_path / 'week.db'}", FIXTURES / "mini-letter.yaml", datetime(2022, 3, 18, 8, 0, tzinfo=SHANGHAI)
    )
    clock_file = tmp_path / "now.txt"
    set_clock(clock_file, datetime(2022, 3, 20, 20, 0, tzinfo=SHANGHAI))  # Sunday evening
    with FakeDingTalk() as fake:
        numbers = bind_on_dingtalk(world, fake)
        fake.make_invalid("shengtai_left")
        env = dingtalk_env(
            fake,
            world.db.url,
            DUBAN_CLOCK_FILE=str(clock_file),
            DUBAN_REMINDERS="on",
            DUBAN_SCHEDULER_TICK_SECONDS="1",
            DINGTALK_READ_POLL_SECONDS="1",
        )
        bot = RunningBot("week", tmp_path / "run", env).start()
        chat = DingTalkChat(fake, None, {OFFICE: "美丽办", **{u: n for u, (_, n) in PEOPLE.items()}})
        try:
            started(fake, bot)
            reader = numbers["shengtai1"]
            for day in WEEK:
                if day == WEEK[1]:
                    fake.flow_control(HELD, 2)  # Tuesday: DingTalk holds the next two messages to this person
                set_clock(clock_file, at_nine(day))
                wait_until(lambda d=day: day_done(world, d), 40, f"the reminders of {day}")
                fake.read("shengtai1")  # the ecology contact reads every day; the transport one never
                # DingTalk tells who read a message for a day after it was sent: duban asks within that day.
                wait_until(lambda: _read(world, reader) == _read(world, reader, sent_only=True), 15, "reads recorded")
            contacts = await chat.say(OFFICE, "联络员")
        finally:
            code, _ = bot.stop()
        sent = fake.sent
        held = list(fake.state.held)
        assert fake.rejections == [] and fake.unacked() == []
    assert code == 0, bot.output()

    to = Counter(s.to for s in sent if s.key == "sampleMarkdown" and "提醒" in s.text)
    with world.db.session() as s:
        statuses = Counter(
            (r.chat_id, r.status) for r in s.scalars(select(Reminder).where(Reminder.send_on <= WEEK[-1]))
        )
        retried = s.scalar(select(func.max(Delivery.attempts)).where(Delivery.chat_id == numbers[HELD]))
        unreachable = s.scalar(select(Contact).where(Contact.chat_id == numbers["shengtai_left"]))
    read = {user: _read(world, number) for user, number in numbers.items()}
    print(
        f"\nreminder messages delivered {dict(to)}; held by flow control {len(held)} ({held[0][0]}), "
        f"attempts of the held delivery {retried}; reminders read {read}"
    )
    print(contacts)
    # Each reachable contact got its week's reminders once; the held one too, after the retries.
    assert to["shengtai1"] >= 3 and to[HELD] >= 3 and "shengtai_left" not in to
    assert len(held) == 2 and {h[0] for h in held} == {HELD} and retried == 3
    assert not any(status in ("planned", "sending", "uncertain") for (_, status) in statuses)
    # The one who left: unreachable, the office told, nothing more tried.
    assert not unreachable.reachable and "invalidStaffIdList" in unreachable.unreachable_reason
    assert any("无法送达" in s.text or "已离职联络员" in s.text for s in sent if s.to == OFFICE)
    # Read receipts: the reader's reminders are read, the other's are not; /contacts says so.
    assert read["shengtai1"] > 0 and read[HELD] == 0
    assert "生态联络员(钉钉联络员)" in contacts and f"已读 {read['shengtai1']} 条" in contacts
    world.db.dispose()


def _read(world: World, chat_id: int, sent_only: bool = False) -> int:
    """Reminders to this chat that were read (or, `sent_only`, that went out at all)."""
    with world.db.session() as s:
        done = Reminder.status.in_(("sent", "collapsed")) if sent_only else Reminder.read_at.is_not(None)
        return s.scalar(select(func.count(Reminder.id)).where(Reminder.chat_id == chat_id, done))
