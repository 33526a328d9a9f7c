"""Reminder delivery under the failures that bite in production, through the fake Bot API."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest
from sqlalchemy import select
from telegram import Bot
from telegram.request import HTTPXRequest

from channels.telegram.pacing import Pacer
from channels.telegram.sender import TelegramSender
from fake_bot_api import FakeBotAPI
from services.reminder_delivery import Recovered
from storage.models import Contact, Delivery, Department
from tests.conftest import FIXTURES, SHANGHAI
from tests.reminder_world import ADMIN, NO_LIMITS, World, reminder_ids

MINI = FIXTURES / "mini-letter.yaml"
LOADED = datetime(2022, 1, 4, 8, 0, tzinfo=SHANGHAI)
DUE_DAY = date(2022, 3, 25)  # 26.4 每季度末月25日前: 生态环境分局 and 交通运输局(邮管局)


class RecordingSleep:
    def __init__(self):
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class GatePacer(Pacer):
    """No limits, but the n-th send waits until the test lets it go."""

    def __init__(self, hold_at: int):
        super().__init__(**NO_LIMITS)
        self.count, self.hold_at = 0, hold_at
        self.holding, self.release = asyncio.Event(), asyncio.Event()

    async def acquire(self, chat_id: int) -> None:
        self.count += 1
        if self.count == self.hold_at:
            self.holding.set()
            await self.release.wait()


def quiet_pacer(sleep=None) -> Pacer:
    return Pacer(**NO_LIMITS, sleep=sleep or RecordingSleep())


def dept_chat(world: World, name: str) -> int:
    with world.db.session() as s:
        return s.scalar(select(Contact.chat_id).join(Department).where(Department.name == name))


async def test_restart_in_the_middle_of_a_burst_sends_no_duplicate_and_loses_nothing(database_url):
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        world.add_contacts(fake)
        with world.db.session() as s:  # forty more contacts for the department: a burst of 40+ messages
            dep = s.scalar(select(Department).where(Department.name == "生态环境分局"))
            for i in range(40):
                s.add(
                    Contact(
                        department_id=dep.id,
                        chat_id=50_000 + i,
                        user_id=50_000 + i,
                        kind="user",
                        role="contact",
                        created_at=world.clock.now(),
                    )
                )
                fake.add_user(50_000 + i)
        world.at(DUE_DAY)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            gate = GatePacer(hold_at=16)
            first = world.runner(bot, pacer=gate, concurrency=1)
            run = asyncio.create_task(first.run_once())
            await asyncio.wait_for(gate.holding.wait(), 10)  # 15 sent; the 16th waits for its turn
            fake.delay("sendMessage", 30)  # the 16th is accepted, but its answer never comes in time
            gate.release.set()
            await fake.wait_until_async(lambda: len(fake.sent) >= 16, what="the in-flight message")
            run.cancel()  # the process dies with one send in flight
            with pytest.raises(asyncio.CancelledError):
                await run
            fake.delay("sendMessage", 0)

            second = world.runner(bot, concurrency=8)  # restart
            # The in-flight message folded a catch-up of every stage since the letter was loaded; the
            # others had not been claimed (concurrency 1): nothing was waiting for a retry.
            assert second.recover() == Recovered(requeued=0, uncertain=7)
            in_doubt = {r.chat_id for r in world.rows(status="uncertain")}
            assert len(in_doubt) == 1
            report = await second.run_once()
            third = world.runner(bot)  # another restart: the office was told already
            assert third.recover() == Recovered(requeued=0, uncertain=0)
            world.at(DUE_DAY, 9, 5)
            assert (await third.run_once()).counts["in_doubt:told"] == 0
        recipients = {c for (c,) in [(m.chat_id,) for m in fake.sent]}
        per_chat = {chat: sum(1 for m in fake.sent if m.chat_id == chat) for chat in recipients}
        to_office = [m.text for m in fake.messages_to(ADMIN)]
        assert fake.rejections == []
    assert len(recipients) == 43, (
        sorted(recipients),
        [(r.chat_id, r.status, r.error) for r in world.rows(send_on=DUE_DAY) if r.status != "sent"],
    )  # 41 contacts of 生态环境分局, 1 of 邮管局, the office (digest, and the notice of the one in doubt)
    assert {c: n for c, n in per_chat.items() if n != 1} == {ADMIN: 2}, {
        c: [m.text[:60] for m in fake.sent if m.chat_id == c] for c, n in per_chat.items() if n > 1
    }
    assert sum("不确定是否送达" in t and str(in_doubt.pop()) in t for t in to_office) == 1
    assert report.counts["in_doubt:told"] == 1
    statuses = [r.status for r in world.rows(send_on=DUE_DAY)]
    assert statuses.count("uncertain") == 1 and statuses.count("sent") == 41
    assert report.messages == 42 - 16


async def test_three_days_down_gives_one_catch_up_message_per_recipient(database_url):
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            runner = world.runner(bot)
            world.at(date(2022, 3, 22))  # 26.4: 3 working days before; 26.3: 7 before
            await runner.run_once()
            before = len(fake.sent)
            # Down on 23, 24, 25 March (26.4 due on the 25th); back on Monday the 28th.
            world.at(date(2022, 3, 28), 9, 30)
            await runner.run_once()
            after = fake.sent[before:]
    env = [m for m in after if m.chat_id == chats["生态环境分局"]]
    assert len(env) == 1
    assert "系统恢复后补发" in env[0].text
    # 26.4 missed 1 working day before, due day, and is now overdue: one line, not three.
    assert env[0].text.count("26.4") == 1 and "已逾期 1 个工作日" in env[0].text
    assert len([m for m in after if m.chat_id == chats["交通运输局(邮管局)"]]) == 1
    collapsed = world.rows(status="collapsed", chat_id=chats["生态环境分局"])
    assert {r.send_on for r in collapsed} >= {date(2022, 3, 24), date(2022, 3, 25)}


async def test_429_is_waited_out_as_told_and_sent_once(database_url):
    world = World(database_url, MINI, LOADED)
    sleep = RecordingSleep()
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        fake.fail_next("sendMessage", chat_id=chats["生态环境分局"], status=429, retry_after=7)
        world.at(DUE_DAY)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            await world.runner(bot, pacer=quiet_pacer(sleep)).run_once()
        env = fake.messages_to(chats["生态环境分局"])
    assert 7 in sleep.calls
    assert len(env) == 1
    assert all(r.status == "sent" for r in world.rows(send_on=DUE_DAY))


async def test_5xx_is_retried_with_backoff_without_duplicates(database_url):
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        fake.fail_next("sendMessage", chat_id=chats["生态环境分局"], status=502, times=2)
        world.at(DUE_DAY)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            report = await world.runner(bot).run_once()
        env = fake.messages_to(chats["生态环境分局"])
    assert len(env) == 1
    assert report.counts["sent"] >= 2 and report.counts.get("failed", 0) == 0
    with world.db.session() as s:
        delivery = s.scalar(select(Delivery).where(Delivery.chat_id == chats["生态环境分局"]))
        assert delivery.attempts == 3  # two refused, the third accepted


async def test_5xx_beyond_the_retries_leaves_it_planned_for_the_next_run(database_url):
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        fake.fail_next("sendMessage", chat_id=chats["生态环境分局"], status=500, times=5)
        world.at(DUE_DAY)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            runner = world.runner(bot)
            await runner.run_once()
            assert fake.messages_to(chats["生态环境分局"]) == []
            assert {r.status for r in world.rows(chat_id=chats["生态环境分局"], send_on=DUE_DAY)} == {"planned"}
            world.at(DUE_DAY, 9, 1)
            await runner.run_once()
            assert len(fake.messages_to(chats["生态环境分局"])) == 1


async def test_a_crash_while_a_5xx_retry_waits_sends_it_after_the_restart_and_tells_nobody(database_url):
    """A 502 was refused unaccepted: while the sender waits to retry, the ledger says "waiting", so a crash
    then leaves it certainly undelivered; recover() plans it again (not uncertain) and the next run sends it."""
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        env = chats["生态环境分局"]
        fake.fail_next("sendMessage", chat_id=env, status=502, times=1)
        world.at(DUE_DAY)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            first = world.runner(bot, concurrency=1)
            backing_off = asyncio.Event()

            async def stuck(seconds: float) -> None:  # the backoff the process dies in
                backing_off.set()
                await asyncio.Event().wait()

            first.deliverer.sleep = stuck
            run = asyncio.create_task(first.run_once())
            await asyncio.wait_for(backing_off.wait(), 10)
            waiting = world.rows(status="waiting")
            run.cancel()  # the process dies during the wait
            with pytest.raises(asyncio.CancelledError):
                await run
            assert waiting and {r.chat_id for r in waiting} == {env}

            second = world.runner(bot)
            assert second.recover() == Recovered(requeued=len(waiting), uncertain=0)
            await second.run_once()
        assert len(fake.messages_to(env)) == 1
        assert not [m for m in fake.messages_to(ADMIN) if "不确定是否送达" in m.text]
    assert {r.status for r in world.rows(send_on=DUE_DAY)} == {"sent"}
    assert world.rows(status="uncertain") == []


async def test_a_holder_that_lost_the_lease_during_a_retry_wait_does_not_send_it_again(database_url):
    """Split brain: the first holder waits to retry a 502 (paused, say) while a new holder takes over,
    recovers the message as certainly undelivered and sends it. When the first one wakes, its retry finds
    the rows no longer waiting for it and does not leave: the contact gets the reminder once."""
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        env = chats["生态环境分局"]
        fake.fail_next("sendMessage", chat_id=env, status=502, times=1)
        world.at(DUE_DAY)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            first = world.runner(bot, concurrency=1)
            backing_off, wake = asyncio.Event(), asyncio.Event()

            async def paused(seconds: float) -> None:
                backing_off.set()
                await wake.wait()

            first.deliverer.sleep = paused
            run = asyncio.create_task(first.run_once())
            await asyncio.wait_for(backing_off.wait(), 10)
            second = world.runner(bot)  # the lease ran out: another process takes over
            assert second.recover().requeued > 0
            await second.run_once()
            assert len(fake.messages_to(env)) == 1
            wake.set()
            report = await asyncio.wait_for(run, 10)
        assert len(fake.messages_to(env)) == 1
        assert report.counts["failed"] >= 1
    assert {r.status for r in world.rows(chat_id=env, send_on=DUE_DAY)} == {"sent"}


async def test_a_send_that_times_out_after_acceptance_is_never_resent(database_url):
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        fake.delay("sendMessage", 2.0, times=1)
        world.at(DUE_DAY)
        request = HTTPXRequest(read_timeout=0.3)
        async with Bot(fake.token, base_url=fake.base_url, request=request) as bot:
            runner = world.runner(bot, concurrency=1)
            await runner.run_once()
            world.at(DUE_DAY, 9, 5)
            await runner.run_once()
        await asyncio.sleep(2.0)  # let the fake finish the delayed answer before it stops
        for chat in chats.values():
            assert len(fake.messages_to(chat)) <= 1
    uncertain = world.rows(status="uncertain")
    assert len({(r.chat_id, r.delivery_id) for r in uncertain}) == 1  # one message (a catch-up of 7 lines)
    assert all("ReadTimeout" in r.error for r in uncertain)


async def test_blocked_contact_is_marked_unreachable_and_the_office_is_told(database_url):
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        blocked = chats["交通运输局(邮管局)"]
        fake.block_chat(blocked)
        world.at(DUE_DAY)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            runner = world.runner(bot)
            report = await runner.run_once()
            world.at(date(2022, 3, 28))
            await runner.run_once()
        notices = [m for m in fake.messages_to(ADMIN) if "提醒无法送达" in m.text]
        attempts = [r for r in fake.requests_for("sendMessage") if str(r.params.get("chat_id")) == str(blocked)]
    assert report.blocked == [blocked]
    assert len(notices) == 1 and "交通运输局(邮管局)" in notices[0].text
    with world.db.session() as s:
        contact = s.scalar(select(Contact).where(Contact.chat_id == blocked))
        assert contact.reachable is False and "blocked" in contact.unreachable_reason
    assert len(attempts) == 1  # the next day's reminder is not even tried ...
    assert {r.error for r in world.rows(chat_id=blocked, send_on=date(2022, 3, 28))} == {
        "contact unreachable: not sent"
    }  # ... but it is in the ledger


async def test_migrated_group_gets_the_reminder_and_the_new_id_is_kept(database_url):
    world = World(database_url, MINI, LOADED)
    with FakeBotAPI() as fake:
        world.add_contacts(fake, departments=["自然资源局"])
        with world.db.session() as s:
            dep = s.scalar(select(Department).where(Department.name == "生态环境分局"))
            s.add(
                Contact(
                    department_id=dep.id,
                    chat_id=-4001,
                    kind="group",
                    role="contact",
                    display_name="生态环境分局工作群",
                    created_at=world.clock.now(),
                )
            )
        fake.add_chat(-4001, "group", title="生态环境分局工作群")
        fake.migrate_chat(-4001, -1004001)
        world.at(DUE_DAY)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            await world.runner(bot).run_once()
        moved = fake.messages_to(-1004001)
    assert len(moved) == 1 and "26.4" in moved[0].text
    with world.db.session() as s:
        assert s.scalar(select(Contact.chat_id).where(Contact.display_name == "生态环境分局工作群")) == -1004001
    assert {r.status for r in world.rows(chat_id=-1004001)} == {"sent", "collapsed"}


async def test_long_lists_are_split_and_every_part_is_accepted():
    from scheduler.messages import ReminderLine, reminder_parts

    lines = [
        ReminderLine(
            i,
            f"{i}.1",
            "完成<某项>工作&任务" * 20,
            ("生态环境分局",),
            date(2022, 9, 30),
            "9月底前",
            "lead",
            3,
            "yellow",
            3,
        )
        for i in range(1, 60)
    ]
    parts = reminder_parts("生态环境分局", date(2022, 9, 27), lines)
    assert len(parts) > 2
    assert sorted(i for p in parts for i in p.reminder_ids) == list(range(1, 60))
    with FakeBotAPI() as fake:
        fake.add_user(1)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            sender = TelegramSender(bot, quiet_pacer())  # rendered for Telegram as every reminder is
            for p in parts:
                assert (await sender.send(1, p.part)).sent
        assert fake.rejections == []
        assert len(fake.sent) == len(parts)
        assert sum(len(reminder_ids(m)) for m in fake.sent) == 59


def test_the_ledger_reads_the_sender_ports_outcomes():
    """services/ spells the Sender port's outcomes itself (it sits below handlers/): they must agree."""
    from handlers import ports
    from services import reminder_delivery

    assert (
        reminder_delivery.SENT,
        reminder_delivery.BLOCKED,
        reminder_delivery.FAILED,
        reminder_delivery.UNCERTAIN,
    ) == (ports.SENT, ports.BLOCKED, ports.FAILED, ports.UNCERTAIN)


async def test_the_run_plans_and_reads_off_the_event_loop(database_url, monkeypatch):
    """The run shares the bot's event loop: while the day is being planned (held here on an Event, as a
    large letter's planning would take its time), the loop still runs other work, such as chats' answers.
    Planned in the loop itself, the other work could not run and the planning would wait for it in vain."""
    import threading

    from scheduler import runner as runner_module

    world = World(database_url, MINI, LOADED)
    planning, answered = threading.Event(), threading.Event()
    real_plan_day = runner_module.plan_day

    def slow_plan_day(*args, **kwargs):
        planning.set()
        assert answered.wait(5), "the event loop did not run while the day was being planned"
        return real_plan_day(*args, **kwargs)

    monkeypatch.setattr(runner_module, "plan_day", slow_plan_day)

    async def a_chat_answer():
        await asyncio.to_thread(planning.wait, 5)
        answered.set()

    with FakeBotAPI() as fake:
        world.add_contacts(fake)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            runner = world.runner(bot)
            world.at(date(2022, 3, 22))
            report, _ = await asyncio.gather(runner.run_once(), a_chat_answer())
    assert answered.is_set() and report.planned > 0 and report.messages > 0


async def test_a_failed_write_out_of_the_overdue_lists_holds_back_only_them(database_url, monkeypatch, caplog):
    """Writing out the day's overdue lists fails (say the database refuses for a moment): the run still
    sends every other reminder, logs why, and the next run writes the lists out and sends them."""
    from scheduler import runner as runner_module

    world = World(database_url, MINI, LOADED)
    real = runner_module.write_out_due
    failures = []

    def failing(*args, **kwargs):
        failures.append(args[1])
        raise RuntimeError("database is locked")

    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake)
        async with Bot(fake.token, base_url=fake.base_url) as bot:
            runner = world.runner(bot)
            world.at(DUE_DAY)  # 26.4 due: its due-day reminder goes out
            await runner.run_once()
            monkeypatch.setattr(runner_module, "write_out_due", failing)
            world.at(date(2022, 3, 28))  # 26.4 overdue 1 working day: on 生态环境分局's list of the day
            first = await runner.run_once()
            held = len(fake.sent)
            monkeypatch.setattr(runner_module, "write_out_due", real)
            world.at(date(2022, 3, 28), 9, 1)
            second = await runner.run_once()
            later = fake.sent[held:]
    assert failures == [date(2022, 3, 28)] and first.counts["overdue_list:error"] == 1
    assert "writing out the overdue lists due by 2022-03-28 failed" in caplog.text
    assert first.lists > 0 and first.messages > 0  # planned, and the day's other reminders went out
    env = [m for m in later if m.chat_id == chats["生态环境分局"]]
    assert len(env) == 1 and "26.4" in env[0].text and "已逾期 1 个工作日" in env[0].text
    assert second.lines > 0
