"""The office changes tasks from the chat, through the real bot and the fake Bot API: /addtask step by step
and in one line, a deadline moved with the reminder plan following it (the real runner, the clock moved
day by day), a reassignment that tells the old and the new department, and the refusals around them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from telegram import Bot

from fake_bot_api import FakeBotAPI
from storage.models import Conversation, Reminder, Task
from storage.paths import BUNDLED_LETTER
from tests.chat_world import ADMIN, Chat, plain, running_bot
from tests.conftest import SHANGHAI
from tests.reminder_world import World, days


class OfficeChat(Chat):
    """A Chat that presses buttons as they are now (the department keyboard is edited in place) and
    shows those edits in the transcript."""

    def __init__(self, fake, names):
        super().__init__(fake, names)
        self.edits_seen = 0

    def _drain(self):
        new = super()._drain()
        for e in self.fake.edits[self.edits_seen :]:
            if e.method != "editMessageText":  # buttons cleared after an answer: not worth a line
                continue
            buttons = [b["text"] for row in (e.reply_markup or {}).get("inline_keyboard", []) for b in row]
            self.lines.append(f"bot ✎ {self.names.get(e.chat_id, e.chat_id)}(更新): {plain(e.content)}  {buttons}")
        self.edits_seen = len(self.fake.edits)
        return new

    async def tap(self, user: int, message_id: int, text: str) -> list:
        self._drain()
        markup = (self.fake.message(user, message_id) or {}).get("reply_markup") or {}
        button = next(b for row in markup.get("inline_keyboard", []) for b in row if text in b["text"])
        self.lines.append(f"{self.names.get(user, user)}: [按 {button['text']}]")
        qid = self.fake.inject_callback(user, message_id, user, button["callback_data"])
        await self.fake.wait_for_callback_answer_async(qid)
        answer = (self.fake.callback_answers.get(qid) or {}).get("text")
        if answer:
            self.lines.append(f"bot ⇢ {self.names.get(user, user)}(提示): {answer}")
        return await self.settle()


def sent_for(world: World, code: str) -> set[tuple[date, int, str]]:
    """(due day, chat, status) of the ledger rows of task `code` that went out or were withdrawn."""
    with world.db.session() as s:
        task_id = s.scalar(select(Task.id).where(Task.code == code))
        return {
            (r.due_date, r.chat_id, r.status)
            for r in s.scalars(select(Reminder).where(Reminder.task_id == task_id))
            if r.status != "planned"
        }


async def test_office_edits_tasks_from_the_chat(database_url):
    world = World(database_url, BUNDLED_LETTER, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        chats = world.add_contacts(fake, ["发改局", "住建局", "综合执法局"])
        fgj, zjj, zhzf = chats["发改局"], chats["住建局"], chats["综合执法局"]
        chat = OfficeChat(fake, {ADMIN: "美丽办", fgj: "发改局联络员", zjj: "住建局联络员", zhzf: "综合执法局联络员"})
        last = lambda uid: chat.last_to(uid).content  # noqa: E731
        async with running_bot(world, fake):
            # /addtask step by step: departments (paginated, multi-select, one typed), text, target, rubric, deadline.
            await chat.say(ADMIN, "/addtask")
            keyboard = chat.last_to(ADMIN).message_id
            assert "第 1/5 页" in last(ADMIN)
            await chat.tap(ADMIN, keyboard, "发改局")
            await chat.tap(ADMIN, keyboard, "下一页 ▶")
            await chat.tap(ADMIN, keyboard, "住建局")
            assert "已选:发改局、住建局" in plain(fake.message(ADMIN, keyboard)["text"])
            await chat.say(ADMIN, "综合行政执法")  # not a name nor an alias: the closest names as buttons
            assert "没有找到部门“综合行政执法”" in last(ADMIN)
            await chat.press(ADMIN, chat.last_to(ADMIN), "综合执法局")
            await chat.tap(ADMIN, chat.last_to(ADMIN).message_id, "下一步 ▶(已选 3 个)")
            await chat.say(ADMIN, "完成城区建筑工地扬尘专项整治")
            await chat.say(ADMIN, "整治工地 30个")
            await chat.say(ADMIN, "垃圾 分类")
            await chat.press(ADMIN, chat.last_to(ADMIN), "14.2.2")
            await chat.say(ADMIN, "尽快吧")
            assert "可以这样写" in last(ADMIN)  # the reader's examples; the step waits
            await chat.say(ADMIN, "10月底前")
            confirm = chat.last_to(ADMIN)
            for shown in (
                "34.1",
                "发改局、住建局、综合执法局",
                "10月31日(周一)「10月底前」",
                "整治工地 30个",
                "14.2.2",
            ):
                assert shown in confirm.content, shown
            await chat.press(ADMIN, confirm, "确认")
            assert "已新增任务 34.1" in last(ADMIN)
            for contact in (fgj, zjj, zhzf):
                assert "美丽办新增任务 34.1" in last(contact)
            addtask_transcript = chat.transcript()

            # One line; a contact is refused; bad input; a past date asks first; /cancel leaves nothing.
            await chat.say(ADMIN, "/addtask 发改局 完成XX工作 10月底前")
            await chat.press(ADMIN, chat.last_to(ADMIN), "确认")
            assert "已新增任务 34.2" in last(ADMIN) and "美丽办新增任务 34.2" in last(fgj)
            for command in ("/deadline 34.2 11月15日", "/addtask", "/assign 34.2 住建局", "/history 34.2"):
                await chat.say(fgj, command)
                assert "只有美丽办管理员" in last(fgj), command
            await chat.say(ADMIN, "/deadline 34.2 很快")
            assert "没有读懂" in last(ADMIN) and "每季度末月25日前" in last(ADMIN)
            await chat.say(ADMIN, "/deadline 34.2 9月1日")
            assert "已经过去" in last(ADMIN) and "仍然确认" in str(chat.last_to(ADMIN).reply_markup)
            await chat.press(ADMIN, chat.last_to(ADMIN), "取消")
            assert "没有做任何修改" in last(ADMIN)
            await chat.say(ADMIN, "/addtask")
            await chat.tap(ADMIN, chat.last_to(ADMIN).message_id, "蓝天办")
            await chat.tap(ADMIN, chat.last_to(ADMIN).message_id, "下一步")
            await chat.say(ADMIN, "/cancel")
            assert "没有做任何修改" in last(ADMIN)
            await chat.say(ADMIN, "/cancel")
            assert "没有正在填写" in last(ADMIN)  # nothing of ours left: the report flow's answer
            await chat.say(ADMIN, "/assign 34.2 环卫所")
            assert "没有找到部门“环卫所”" in last(ADMIN)
            # Several deadlines: which one, by buttons; a phrase with two readings: which one, by buttons.
            await chat.say(ADMIN, "/recur 22.3 每月底前")
            assert "有 5 个截止时间" in last(ADMIN)
            await chat.press(ADMIN, chat.last_to(ADMIN), "每季度末月25日前")
            assert "原截止时间:3月25日、6月25日、9月25日、12月25日" in last(ADMIN) and "新截止时间:1月31日" in last(
                ADMIN
            )
            await chat.press(ADMIN, chat.last_to(ADMIN), "取消")
            await chat.say(ADMIN, "/deadline 34.1 11月底前或12月15日前")
            assert "有几种读法" in last(ADMIN)
            await chat.press(ADMIN, chat.last_to(ADMIN), "2022年12月15日(固定日期)")
            assert "新截止时间:12月15日(周四)「12月15日」" in last(ADMIN)
            await chat.press(ADMIN, chat.last_to(ADMIN), "取消")

            # The reminder plan follows a move. 20 Oct: seven working days before 31 Oct, reminded at 09:00.
            async with Bot(fake.token, base_url=fake.base_url) as bot:
                runner = world.runner(bot)
                world.at(date(2022, 10, 20), 9)
                await runner.run_once()
                assert (date(2022, 10, 31), fgj, "sent") in sent_for(world, "34.2")
                world.at(date(2022, 10, 20), 10)  # after the day's run: moved to 25 Oct (three working days on)
                await chat.say(ADMIN, "/deadline 34.2 10月25日")
                assert "原截止时间:10月31日(周一)「10月底前」" in last(ADMIN) and "新截止时间:10月25日(周二)" in last(
                    ADMIN
                )
                await chat.press(ADMIN, chat.last_to(ADMIN), "确认")
                assert "截止时间调整" in last(fgj) and "现:10月25日(周二)" in last(fgj)
                for day in days(date(2022, 10, 20), date(2022, 10, 26)):
                    world.at(day, 10, 30)
                    await runner.run_once()
                after_move = sent_for(world, "34.2")
                assert {(due, c) for due, c, st in after_move if st == "sent" and due == date(2022, 10, 25)} == {
                    (date(2022, 10, 25), fgj)
                }
                with world.db.session() as s:
                    rows = list(s.scalars(select(Reminder).join(Task).where(Task.code == "34.2")))
                moved_at = datetime(2022, 10, 20, 10, 0, tzinfo=SHANGHAI)
                old = [r for r in rows if r.due_date == date(2022, 10, 31)]
                new = [r for r in rows if r.due_date == date(2022, 10, 25) and r.status == "sent"]
                # Nothing for 31 Oct after the change; what went out before it stays in the ledger as sent.
                assert old and all(r.sent_at is not None and r.sent_at < moved_at for r in old)
                assert max(r.send_on for r in old) == date(2022, 10, 20)  # the 7-day lead, and a catch-up
                # 25 Oct: lead 3 planned at once (the day's run was over) and sent at the next run, then 1 day
                # before, the due day, and overdue.
                assert {r.send_on for r in new} >= {date(2022, 10, 20), date(2022, 10, 24), date(2022, 10, 25)}
                assert min(r.sent_at for r in new if r.send_on == date(2022, 10, 20)) > moved_at

                # Reassigned: the old and the new department are each told once; reminders go to the new one.
                await chat.say(ADMIN, "/assign 34.2 综合行政执法局")
                assert "原责任部门:发改局" in last(ADMIN) and "新责任部门:综合执法局" in last(ADMIN)
                told = {c: len(fake.messages_to(c)) for c in (fgj, zhzf)}
                await chat.press(ADMIN, chat.last_to(ADMIN), "确认")
                assert "已通知:发改局、综合执法局" in last(ADMIN)
                for contact in (fgj, zhzf):
                    assert len(fake.messages_to(contact)) == told[contact] + 1
                    assert "责任部门调整" in last(contact) and "现:综合执法局" in last(contact)
                world.at(date(2022, 10, 27), 9)
                await runner.run_once()
                overdue = {
                    c
                    for due, c, st in sent_for(world, "34.2")
                    if st == "sent" and due == date(2022, 10, 25) and c != ADMIN
                }
                assert zhzf in overdue

            await chat.say(ADMIN, "/history 34.2")
            text = last(ADMIN)
            assert text.index("责任部门 发改局 → 综合执法局") < text.index("截止时间 10月31日") < text.index("新增任务")
        assert fake.rejections == []
    with world.db.session() as s:
        assert s.scalar(select(Task).where(Task.code == "34.3")) is None  # the cancelled /addtask wrote nothing
        assert s.scalar(select(Conversation)) is None
        assert s.scalar(select(Task).where(Task.code == "34.1")).rubric_ids == ["14.2.2"]
    print("\n/addtask, step by step:\n" + addtask_transcript)
