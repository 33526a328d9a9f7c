"""Who may do what, bad input, groups, and the smaller report commands, through the real bot."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from fake_bot_api import FakeBotAPI
from storage.models import Contact, Department, Report
from storage.paths import BUNDLED_LETTER
from tests.chat_world import ADMIN, Chat, running_bot
from tests.conftest import SHANGHAI
from tests.reminder_world import World

NR, ENV, VIEWER, STRANGER = 3001, 3002, 3003, 3004  # 自然资源局, 生态环境分局 contacts, a viewer, nobody
GROUP = -5001


def bind(world: World, user: int, department: str, role: str = "contact") -> None:
    with world.db.session() as s:
        dep = s.scalar(select(Department).where(Department.name == department, Department.level == "county"))
        s.add(
            Contact(
                department_id=dep.id,
                chat_id=user,
                user_id=user,
                kind="user",
                role=role,
                display_name=f"u{user}",
                created_at=world.clock.now(),
            )
        )


async def test_rights_bad_input_groups_and_small_commands(database_url):
    world = World(database_url, BUNDLED_LETTER, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))
    bind(world, NR, "自然资源局")
    bind(world, ENV, "生态环境分局")
    bind(world, VIEWER, "发改局", role="viewer")
    with FakeBotAPI() as fake:
        for uid in (ADMIN, NR, ENV, VIEWER, STRANGER):
            fake.add_user(uid)
        fake.add_chat(GROUP, "group", title="生态环境分局工作群", members=[ENV, NR])
        chat = Chat(fake, {ADMIN: "美丽办", NR: "自然资源局", ENV: "生态环境分局", VIEWER: "领导", STRANGER: "路人"})
        async with running_bot(world, fake):
            last = lambda uid: chat.last_to(uid).content  # noqa: E731

            # Another department's task, an admin command from a contact, an unbound user.
            await chat.say(NR, "/task 26.3")
            assert "不属于您的部门" in last(NR)
            await chat.say(NR, "/done 26.3")
            assert "不属于您的部门" in last(NR)
            await chat.say(NR, "26.3 已完成")
            assert "不属于您的部门" in last(NR)
            for command in ("/pending", "/invite 发改局", "/remind 发改局", "/contacts", "/fact 7.1.2 cases=1"):
                await chat.say(NR, command)
                assert "只有美丽办管理员" in last(NR), command
            await chat.say(STRANGER, "/score")
            assert "还没有绑定部门" in last(STRANGER)
            await chat.say(STRANGER, "你好")
            assert "邀请码" in last(STRANGER)
            await chat.say(VIEWER, "/score")
            assert "考核得分" in last(VIEWER)
            await chat.say(VIEWER, "/pending")
            assert "只有美丽办管理员" in last(VIEWER)

            # Bad input gets the right form.
            await chat.say(NR, "/task")
            assert "用法" in last(NR)
            await chat.say(NR, "/task 99.9")
            assert "没有编号为 99.9 的任务" in last(NR)
            await chat.say(NR, "/frobnicate")
            assert "没有这个命令" in last(NR)
            await chat.say(NR, "随便说点什么")
            assert "3.1 完成 900亩" in last(NR)
            await chat.say(ADMIN, "/invite 自然资源")
            assert "邀请码已生成" in last(ADMIN)  # a unique part of a name is enough
            await chat.say(ADMIN, "/invite 不存在局")
            assert "没有找到部门" in last(ADMIN)
            await chat.say(ADMIN, "/invite 发改局 boss")
            assert "contact" in last(ADMIN)
            await chat.say(ADMIN, "/dept 发展局")
            assert "发改局" in last(ADMIN)
            await chat.say(ADMIN, "/whatif 3.1.1 很多")
            assert "用法" in last(ADMIN)
            await chat.say(ADMIN, "/fact 13.1 rate=170")
            assert "没有录入" in last(ADMIN) and "13.1" in last(ADMIN)
            await chat.say(ADMIN, "/score 99")
            assert "没有第 99 项指标" in last(ADMIN)

            # A wrong unit and a non-number while a report is written; /cancel drops it.
            await chat.say(NR, "/done 3.1")
            await chat.say(NR, "九百辆")
            assert "单位不对" in last(NR)
            await chat.say(NR, "不知道")
            assert "请按顺序回复数字" in last(NR)
            await chat.say(NR, "/cancel")
            assert "已取消" in last(NR)
            await chat.say(NR, "/cancel")
            assert "没有正在填写" in last(NR)

            # Progress, then withdraw; reject with a reason.
            await chat.say(NR, "/progress 3.1 600亩")
            assert "已记录进度" in last(NR) and "600亩/目标958亩" in last(NR)
            await chat.say(NR, "/progress 3.1")
            assert "用法" in last(NR)
            await chat.say(NR, "3.1 完成 958亩")
            # 3.1 has a second target: the sentence answered only the first, so the bot asks the second.
            assert "低效用地再开发" in last(NR)
            await chat.say(NR, "800亩")
            await chat.press(NR, chat.last_to(NR), "确认上报")  # without evidence: the office allows it here
            await chat.say(NR, "/withdraw")
            assert "已撤回第 3 号" in last(NR)  # the latest first: the completion report
            await chat.say(NR, "/withdraw")
            assert "已撤回第 2 号" in last(NR)  # then the progress report
            await chat.say(NR, "/withdraw")
            assert "没有可以撤回" in last(NR)
            await chat.say(NR, "3.1 完成 958亩")
            await chat.say(NR, "800")
            await chat.press(NR, chat.last_to(NR), "确认上报")
            await chat.press(ADMIN, chat.last_to(ADMIN), "退回")
            assert "退回" in last(ADMIN) and "原因" in last(ADMIN)
            await chat.say(ADMIN, "照片看不清,请重新拍摄 <签字页> & 盖章页")
            assert "已退回" in last(ADMIN)
            assert "照片看不清" in last(NR) and "<签字页> & 盖章页" in last(NR)

            # Groups: /cmd@botname works; a contact binds the group; reminders can then go there.
            await chat.say(
                ENV, f"/bindgroup@{fake.bot_username}", chat_id=GROUP, chat_type="group", title="生态环境分局工作群"
            )
            assert "已绑定为生态环境分局的工作群" in chat.last_to(GROUP).content
            await chat.say(
                NR, f"/tasks@{fake.bot_username}", chat_id=GROUP, chat_type="group", title="生态环境分局工作群"
            )
            assert "自然资源局的任务" in chat.last_to(GROUP).content
            await chat.say(STRANGER, "/start ABCDEFGH")
            assert "邀请码无效" in last(STRANGER)
        assert fake.rejections == []
    with world.db.session() as s:
        statuses = [r.status for r in s.scalars(select(Report).order_by(Report.id))]
        group = s.scalar(select(Contact).where(Contact.chat_id == GROUP))
    assert statuses == ["discarded", "withdrawn", "withdrawn", "rejected"]
    assert group is not None and group.kind == "group"
