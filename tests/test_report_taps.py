"""From a reminder to a recorded report, counted: how many taps, typed messages and photo sendings a
department contact in the field needs, through the real bot and the fake Bot API.

The contact is played by `Phone`, which does what the bot's latest message asks and nothing more: it
presses the reminder's 已完成, answers a quantity question (all the numbers at once only when the
question names every target still open), sends the photo (its caption is the note) when evidence is
asked for, presses the button that moves on, and stops at "已上报". The goal: a task without a quantity
in at most 2 taps and 1 photo; a task with quantities in at most 2 taps, 1 typed message and 1 photo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from fake_bot_api import FakeBotAPI
from services import report_drafts as drafts
from services.access import identify
from services.report_files import take_files
from storage.models import Conversation, Report
from tests.chat_world import Chat, plain, running_bot
from tests.conftest import FIXTURES, SHANGHAI
from tests.reminder_world import World

MINI = FIXTURES / "mini-letter.yaml"
PHOTO = b"\xff\xd8\xff\xe0" + b"site-photo" * 40
NOTE = "现场已整改完毕"


@dataclass
class Counts:
    taps: int = 0
    typed: int = 0
    photos: int = 0  # photo sendings: an album is one sending

    def __str__(self) -> str:
        return f"{self.taps} taps, {self.typed} typed, {self.photos} photo"


class Phone:
    """One contact's phone, counting every interaction it makes."""

    def __init__(self, fake: FakeBotAPI, chat: Chat, user: int):
        self.fake, self.chat, self.user = fake, chat, user
        self.counts = Counts()

    def latest(self):
        return self.fake.messages_to(self.user)[-1]

    async def tap(self, message, data: str) -> None:
        self.counts.taps += 1
        label = next(b["text"] for b in message.buttons if b.get("callback_data") == data)
        self.chat.lines.append(f"{self.chat.names.get(self.user, self.user)}: [按 {label}]")
        qid = self.fake.inject_callback(self.user, message.message_id, message.chat_id, data)
        await self.fake.wait_for_callback_answer_async(qid)
        await self.chat.settle()

    async def tap_label(self, message, label: str) -> None:
        await self.tap(message, message.button(label)["callback_data"])

    async def type(self, text: str) -> None:
        self.counts.typed += 1
        await self.chat.say(self.user, text)

    async def photo(self, caption: str | None, reply_to: int | None = None, album: int = 1) -> None:
        self.counts.photos += 1
        before = len(self.fake.messages_to(self.user))
        more = {"reply_to": reply_to} if reply_to else {}
        await self.chat.photo(self.user, PHOTO, caption=caption, **more, **({"album": album} if album > 1 else {}))
        await self.fake.wait_until_async(lambda: len(self.fake.messages_to(self.user)) > before, "an answer")
        await self.chat.settle()


def done_button(reminder, code: str) -> str:
    """The 已完成 button of the reminder's line for `code`."""
    for row in (reminder.reply_markup or {}).get("inline_keyboard", []):
        if row[0]["text"] == f"收到 {code}":
            return next(b["callback_data"] for b in row if b["text"] == "已完成")
    raise LookupError(f"no line for {code} in {reminder.text!r}")


async def follow(phone: Phone, targets: list[str], answers: list[str], caption: str | None) -> None:
    """Do what the bot asks until it says the report is recorded (at most 12 steps)."""
    sent_photo = False
    for _ in range(12):
        last = phone.latest()
        text, labels = plain(last.content), [b["text"] for b in last.buttons]
        if "已上报(第" in text:
            return
        confirm = next((label for label in labels if "确认上报" in label), None)
        open_targets = targets[len(targets) - len(answers) :]
        if answers and "完成了多少" in text:
            n = len(answers) if all(t in text for t in open_targets) else 1
            await phone.type(" ".join(answers[:n]))
            del answers[:n]
        elif confirm and (sent_photo or "佐证" not in text):
            await phone.tap_label(last, confirm)
        elif not sent_photo and ("佐证" in text or "照片" in text):
            await phone.photo(caption)
            sent_photo = True
        elif any(label in labels for label in ("是,已完成", "跳过", "完成上传")):
            await phone.tap_label(last, next(x for x in ("是,已完成", "跳过", "完成上传") if x in labels))
        else:
            raise AssertionError(f"the phone does not know what to do with: {text!r} {labels}")
    raise AssertionError("no report after 12 steps")


def recorded(world: World) -> Report:
    with world.db.session() as s:
        report = s.scalars(select(Report).where(Report.status == "submitted")).one()
        s.expunge(report)
        return report


async def _reminded(world: World, fake: FakeBotAPI, app, chat_id: int, day: date, code: str):
    """Run the reminders of `day`; the reminder message that lists `code` for `chat_id`."""
    world.at(day)
    await world.runner(app.telegram.application.bot).run_once()
    return next(m for m in reversed(fake.messages_to(chat_id)) if f"收到 {code}" in str(m.reply_markup))


async def test_a_task_without_quantity_takes_two_taps_and_a_photo(database_url, tmp_path):
    world = World(database_url, MINI, datetime(2022, 3, 21, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        env = world.add_contacts(fake)["生态环境分局"]
        chat = Chat(fake, {env: "生态环境分局联络员"})
        async with running_bot(world, fake, evidence_dir=tmp_path / "evidence") as app:
            reminder = await _reminded(world, fake, app, env, date(2022, 3, 22), "26.4")
            phone = Phone(fake, chat, env)
            await phone.tap(reminder, done_button(reminder, "26.4"))
            await follow(phone, [], [], NOTE)
        assert fake.rejections == []
    print(f"\n26.4 (no quantity), from the reminder: {phone.counts}\n" + chat.transcript())
    report = recorded(world)
    assert report.note == NOTE and len(report.evidence) == 1 and report.measures == []
    assert phone.counts.taps <= 2 and phone.counts.typed == 0 and phone.counts.photos <= 1, str(phone.counts)


async def test_a_task_with_two_quantities_takes_two_taps_one_answer_and_a_photo(database_url, tmp_path):
    world = World(database_url, MINI, datetime(2022, 12, 26, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        nr = world.add_contacts(fake)["自然资源局"]
        chat = Chat(fake, {nr: "自然资源局联络员"})
        async with running_bot(world, fake, evidence_dir=tmp_path / "evidence") as app:
            reminder = await _reminded(world, fake, app, nr, date(2022, 12, 27), "3.1")
            phone = Phone(fake, chat, nr)
            await phone.tap(reminder, done_button(reminder, "3.1"))
            await follow(phone, ["盘活存量建设用地", "低效用地再开发"], ["900", "800"], NOTE)
        assert fake.rejections == []
    print(f"\n3.1 (two quantities), from the reminder: {phone.counts}\n" + chat.transcript())
    report = recorded(world)
    assert [(m["name"], m["value"]) for m in report.measures] == [("盘活存量建设用地", 900), ("低效用地再开发", 800)]
    assert report.note == NOTE and len(report.evidence) == 1
    assert phone.counts.taps <= 2 and phone.counts.typed <= 1 and phone.counts.photos <= 1, str(phone.counts)


async def test_a_photo_replying_to_the_reminder_starts_its_report(database_url, tmp_path):
    """The reply names the task; the caption "900 800" answers both quantities: one photo, one tap."""
    world = World(database_url, MINI, datetime(2022, 12, 26, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        nr = world.add_contacts(fake)["自然资源局"]
        chat = Chat(fake, {nr: "自然资源局联络员"})
        async with running_bot(world, fake, evidence_dir=tmp_path / "evidence") as app:
            reminder = await _reminded(world, fake, app, nr, date(2022, 12, 27), "3.1")
            phone = Phone(fake, chat, nr)
            await phone.photo("900 800", reply_to=reminder.message_id)
            confirm = phone.latest()
            assert "900亩/目标958亩" in confirm.content and "800亩/目标800亩" in confirm.content
            assert "佐证材料:1 份" in confirm.content
            with world.db.session() as s:  # nothing is recorded before the confirmation
                assert s.scalars(select(Report.status)).all() == ["draft"]
            await phone.tap_label(confirm, "确认上报")
        assert fake.rejections == []
    print(f"\n3.1, a photo in reply to the reminder: {phone.counts}\n" + chat.transcript())
    report = recorded(world)
    assert [m["value"] for m in report.measures] == [900, 800] and len(report.evidence) == 1
    assert report.evidence[0]["path"] and (tmp_path / "evidence").rglob("*.jpg")
    assert (phone.counts.taps, phone.counts.typed, phone.counts.photos) == (1, 0, 1)


async def test_an_album_replying_to_a_reminder_of_two_tasks_is_one_step(database_url, tmp_path):
    """Three photos at once, in reply to a reminder listing 26.4 and 26.3: one question (which task), not
    one answer per photo; then the confirmation holds all three."""
    world = World(database_url, MINI, datetime(2022, 3, 21, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        env = world.add_contacts(fake)["生态环境分局"]
        chat = Chat(fake, {env: "生态环境分局联络员"})
        async with running_bot(world, fake, evidence_dir=tmp_path / "evidence") as app:
            reminder = await _reminded(world, fake, app, env, date(2022, 3, 22), "26.4")
            phone = Phone(fake, chat, env)
            before = len(fake.messages_to(env))
            await phone.photo(NOTE, reply_to=reminder.message_id, album=3)
            answers = fake.messages_to(env)[before:]
            assert len(answers) == 1 and "这条提醒有 2 项任务" in answers[0].content, [m.text for m in answers]
            await phone.tap_label(phone.latest(), "26.4")
            confirm = phone.latest()
            assert "任务 26.4" in confirm.content and "佐证材料:3 份" in confirm.content and NOTE in confirm.content
            assert "对应截止日:3月25日" in confirm.content  # a recurring task: the occurrence it answers
            await phone.tap_label(confirm, "确认上报")
        assert fake.rejections == []
    print(f"\n26.4, an album in reply to a reminder of two tasks: {phone.counts}\n" + chat.transcript())
    report = recorded(world)
    assert report.task_id and len(report.evidence) == 3 and report.note == NOTE
    assert str(report.occurrence_due) == "2022-03-25"
    assert phone.counts.taps <= 2 and phone.counts.photos == 1


async def test_where_the_office_requires_evidence_there_is_no_confirming_without(database_url, tmp_path):
    world = World(database_url, MINI, datetime(2022, 3, 21, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        env = world.add_contacts(fake)["生态环境分局"]
        chat = Chat(fake, {env: "生态环境分局联络员"})
        async with running_bot(world, fake, evidence_required=True) as app:
            reminder = await _reminded(world, fake, app, env, date(2022, 3, 22), "26.4")
            phone = Phone(fake, chat, env)
            await phone.tap(reminder, done_button(reminder, "26.4"))
            asked = phone.latest()
            assert "要求上报须附佐证材料" in asked.content
            assert [b["text"] for b in asked.buttons] == ["✖ 取消"]
            await phone.photo(None)
            assert "佐证材料:1 份" in phone.latest().content
            await phone.tap_label(phone.latest(), "确认上报")
        assert fake.rejections == []
    assert len(recorded(world).evidence) == 1


async def test_where_the_office_allows_it_a_report_needs_no_evidence(database_url, tmp_path):
    world = World(database_url, MINI, datetime(2022, 3, 21, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        env = world.add_contacts(fake)["生态环境分局"]
        chat = Chat(fake, {env: "生态环境分局联络员"})
        async with running_bot(world, fake) as app:
            reminder = await _reminded(world, fake, app, env, date(2022, 3, 22), "26.4")
            phone = Phone(fake, chat, env)
            await phone.tap(reminder, done_button(reminder, "26.4"))
            await chat.say(env, "已报送省厅")  # a note typed at the confirmation costs no tap
            await phone.tap_label(phone.latest(), "确认上报(无佐证)")
            assert "已上报(第" in phone.latest().content
        assert fake.rejections == []
    report = recorded(world)
    assert report.evidence == [] and report.note == "已报送省厅" and phone.counts.taps == 2


def test_a_draft_begun_before_the_shorter_flow_goes_on_to_its_confirmation(database_url):
    """A draft left at the old note step by an earlier version: its 跳过 button shows the confirmation."""
    world = World(database_url, MINI, datetime(2022, 3, 21, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        env = world.add_contacts(fake)["生态环境分局"]
    with world.db.session() as s:
        who = identify(s, frozenset(), env, env)
    draft = drafts.start(world.db, world.clock, who, "26.4")
    with world.db.session() as s:
        conv = s.get(Conversation, (env, env))
        conv.step = "note"
    pressed = drafts.press(world.db, world.clock, who, "skip", draft.key)
    assert pressed.draft is not None and pressed.draft.step == drafts.CONFIRM
    assert drafts.press(world.db, world.clock, who, "skip", draft.key).stale  # pressed twice: nothing more


def test_a_caption_that_is_no_quantity_is_the_note(database_url):
    """ "2号楼已整改" under a photo for 3.1 (亩): kept as the note, the photo taken, the quantities still asked."""
    world = World(database_url, MINI, datetime(2022, 12, 26, 8, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        nr = world.add_contacts(fake)["自然资源局"]
    with world.db.session() as s:
        who = identify(s, frozenset(), nr, nr)
    drafts.start(world.db, world.clock, who, "3.1")
    photo = {"file_id": "A", "file_unique_id": "a", "kind": "photo", "name": None, "size": 9, "path": None}
    for caption in ("2号楼已整改", "2栋"):
        taken = take_files(world.db, world.clock, who, [photo], caption)
        assert taken is not None and taken.draft is not None
        assert taken.draft.step == drafts.MEASURE and taken.draft.evidence == 1
    assert taken.draft.note == "2号楼已整改\n2栋"
    taken = take_files(world.db, world.clock, who, [dict(photo, file_unique_id="b")], "900亩 800")
    assert taken is not None and taken.draft is not None and taken.draft.step == drafts.CONFIRM
    assert [m["value"] for m in taken.draft.measures] == [900, 800] and taken.draft.evidence == 2
