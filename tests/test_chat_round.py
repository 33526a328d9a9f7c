"""One full round through the real bot and the fake Bot API: invite → report with evidence → verify →
/score, a follow-up deadline, and the refusals around it."""

from __future__ import annotations

import re
from datetime import date, datetime

from sqlalchemy import select

from fake_bot_api import FakeBotAPI
from storage.models import AuditEntry, Deadline, Fact, Report
from storage.paths import BUNDLED_LETTER
from tests.chat_world import ADMIN, Chat, running_bot
from tests.conftest import SHANGHAI
from tests.reminder_world import World

CONTACT, OTHER, STRANGER, LATE = 2001, 2002, 2003, 2004
PHOTO = b"\xff\xd8\xff\xe0" + b"signed-document-scan" * 50


def code_in(messages) -> str:
    text = " ".join(m.content for m in messages)
    return re.search(r"邀请码已生成:\s*([A-Z0-9]{8})", text).group(1)


async def test_invite_report_verify_score_round(database_url, tmp_path):
    world = World(database_url, BUNDLED_LETTER, datetime(2022, 9, 5, 10, 0, tzinfo=SHANGHAI))
    with FakeBotAPI() as fake:
        for uid, name in ((ADMIN, "美丽办"), (CONTACT, "张三"), (OTHER, "李四"), (STRANGER, "王五"), (LATE, "赵六")):
            fake.add_user(uid, first_name=name)
        chat = Chat(
            fake,
            {
                ADMIN: "美丽办",
                CONTACT: "张三(自然资源局)",
                OTHER: "李四(生态环境分局)",
                STRANGER: "王五(未绑定)",
                LATE: "赵六",
            },
        )
        async with running_bot(world, fake, evidence_dir=tmp_path / "evidence"):
            # Onboarding: an admin invites; the code binds once; an unbound person is told how to join.
            await chat.say(STRANGER, "/tasks")
            assert "邀请码" in chat.last_to(STRANGER).content
            code = code_in(await chat.say(ADMIN, "/invite 自然资源局 contact"))
            assert f"t.me/{fake.bot_username}?start={code}" in chat.last_to(ADMIN).content
            await chat.say(CONTACT, f"/start {code}")
            assert "绑定成功" in chat.last_to(CONTACT).content and "自然资源局" in chat.last_to(CONTACT).content
            await chat.say(STRANGER, f"/start {code}")
            assert "已经被使用过" in chat.last_to(STRANGER).content
            # Each person sees the menu of their role, in Chinese.
            assert "done" in [c["command"] for c in fake.commands_for(f"chat:{CONTACT}")]
            assert "pending" in [c["command"] for c in fake.commands_for(f"chat:{ADMIN}")]
            assert "pending" not in [c["command"] for c in fake.commands_for(f"chat:{CONTACT}")]
            assert [c["command"] for c in fake.commands_for("default")] == ["start", "help"]

            # The contact reports 3.1: two quantities (one at a time here), a note, a photo, confirm.
            await chat.say(CONTACT, "/done 3.1")
            assert "盘活存量建设用地" in chat.last_to(CONTACT).content and "958" in chat.last_to(CONTACT).content
            await chat.say(CONTACT, "900亩")
            assert "低效用地再开发" in chat.last_to(CONTACT).content
            await chat.say(CONTACT, "８００")
            assert (
                "请确认上报内容" in chat.last_to(CONTACT).content and "佐证材料:0 份" in chat.last_to(CONTACT).content
            )
            await chat.say(CONTACT, "盘活任务差58亩,已列入明年计划")
            await chat.photo(CONTACT, PHOTO)
            confirm = chat.last_to(CONTACT)
            assert "900亩/目标958亩" in confirm.content and "佐证材料:1 份" in confirm.content
            assert "说明:盘活任务差58亩" in confirm.content
            await chat.press(CONTACT, confirm, "确认上报")
            assert "已上报(第" in chat.last_to(CONTACT).content
            assert "新上报待审核" in chat.last_to(ADMIN).content

            # The office verifies with the evidence in view; the facts feed the score.
            await chat.say(ADMIN, "/pending")
            assert any(m.method == "sendPhoto" and m.chat_id == ADMIN for m in fake.sent)
            await chat.press(ADMIN, chat.last_to(ADMIN), "通过")
            assert "已记入考核事实" in chat.last_to(ADMIN).content
            assert "审核通过" in chat.last_to(CONTACT).content
            await chat.say(ADMIN, "/score")
            overview = chat.last_to(ADMIN).content
            assert "预计 994 分" in overview and "3.1.1" in overview
            await chat.say(ADMIN, "/score 3")
            detail = chat.last_to(ADMIN).content
            assert "完成900亩/目标958亩" in detail and "依据:第1号上报" in detail
            await chat.say(ADMIN, "/whatif 3.1.1 958亩")
            assert "994 → 999" in chat.last_to(ADMIN).content

            # A follow-up deadline: 生态环境分局 says the disclosure list is fixed; once verified, ten working
            # days to send it to the province appear (the Civil Code count: the day itself not counted).
            code2 = code_in(await chat.say(ADMIN, "/invite 生态环境分局"))
            await chat.say(OTHER, f"/start {code2}")
            world.at(date(2022, 9, 28), 15)
            await chat.say(OTHER, "26.3 已完成")
            confirm = chat.last_to(OTHER)
            assert "请确认上报内容" in confirm.content
            await chat.press(OTHER, confirm, "确认上报")
            await chat.press(ADMIN, chat.last_to(ADMIN), "通过")
            follow = [m for m in fake.messages_to(OTHER) if "新的截止时间" in m.content]
            assert follow and "10月17日(周一)" in follow[-1].content
            await chat.say(OTHER, "/task 26.3")
            assert "10月17日" in chat.last_to(OTHER).content

            # An expired code.
            code3 = code_in(await chat.say(ADMIN, "/invite 发改局 viewer"))
            world.clock.advance(days=8)
            await chat.say(LATE, f"/start {code3}")
            assert "已过期" in chat.last_to(LATE).content
        assert fake.rejections == []
    with world.db.session() as s:
        report = s.scalar(select(Report).where(Report.id == 1))
        assert report.status == "verified" and report.evidence[0]["path"]
        facts = {f.subitem_id: f.values for f in s.scalars(select(Fact))}
        assert facts["3.1.1"] == {"actual": 900.0, "target": 958.0} and facts["3.1.2"]["actual"] == 800.0
        follow_up = s.scalar(select(Deadline).where(Deadline.origin == "event"))
        assert follow_up.spec["date"] == "2022-10-17"
        actions = {a.action for a in s.scalars(select(AuditEntry))}
    assert {
        "invite.create",
        "contact.bind",
        "report.submit",
        "report.verify",
        "facts.from_report",
        "deadline.follow_up",
    } <= actions
    evidence_files = list((tmp_path / "evidence").rglob("*"))
    assert any(p.is_file() and p.read_bytes() == PHOTO for p in evidence_files)
    print("\n" + chat.transcript())
