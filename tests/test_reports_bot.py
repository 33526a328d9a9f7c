"""/export, /chart and /template through the real bot and the fake Bot API: the uploads arrive (sendDocument,
sendPhoto multipart) and are what they say; people outside the office are refused."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from PIL import Image

from fake_bot_api import FakeBotAPI
from reports import labels as L
from tests.chat_world import ADMIN, Chat, running_bot
from tests.test_reports_workbook import office_world

STRANGER = 2003


async def ask(chat: Chat, fake: FakeBotAPI, text: str, method: str, count: int = 1) -> list:
    """Say `text` as the admin; wait (building a workbook takes a moment) for `count` uploads by `method`."""
    mark = len(fake.sent)
    await chat.say(ADMIN, text)
    await fake.wait_until_async(
        lambda: sum(m.method == method for m in fake.sent[mark:]) >= count, what=f"{count} {method}", timeout=30
    )
    await chat.settle()
    return [m for m in fake.sent[mark:] if m.method == method and m.chat_id == ADMIN]


async def test_export_chart_template_in_the_chat(tmp_path):
    world = office_world(f"sqlite:///{tmp_path / 'bot.db'}")
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        fake.add_user(STRANGER, first_name="王五")
        chat = Chat(fake, {ADMIN: "美丽办", STRANGER: "王五"})
        async with running_bot(world, fake):
            docs = await ask(chat, fake, "/export", "sendDocument")
            assert len(docs) == 1 and docs[0].file.file_name == "duban-shengzhou-2022-2022-10-10.xlsx"
            assert "任务 93 项" in docs[0].caption and "2022-01-01 至 2022-12-31" in docs[0].caption
            wb = load_workbook(io.BytesIO(docs[0].file.data))
            assert wb.sheetnames[:4] == [L.TASK_SHEET, L.SCORE_SHEET, L.AUDIT_SHEET, L.CHART_SHEET]
            charts = wb[L.CHART_SHEET]
            assert len(charts._charts) == 3 and not charts._images and wb[L.TASK_SHEET].max_row == 94

            await chat.say(ADMIN, "/export yesterday")
            assert "用法" in chat.last_to(ADMIN).content

            photos = await ask(chat, fake, "/chart", "sendPhoto", 3)
            assert [p.caption for p in photos] == [
                "📊 各部分得分与权重",
                "📊 各部门任务状态(三色预警)",
                "📊 全年未完成任务节点(燃尽图)",
            ]
            for p in photos:
                assert Image.open(io.BytesIO(p.file.data)).format == "PNG"

            doc = (await ask(chat, fake, "/template", "sendDocument"))[0]
            assert doc.file.file_name == "duban-letter-template-2023.xlsx"
            template = load_workbook(io.BytesIO(doc.file.data))
            letter_columns = [t for t, _, use in L.TASK_COLUMNS if use == "letter"]
            assert [c.value for c in template[L.TASK_SHEET][1]] == letter_columns

            before = len(fake.sent)
            for command in ("/export", "/chart", "/template"):
                await chat.say(STRANGER, command)
            refused = fake.sent[before:]
            assert all(m.method == "sendMessage" and m.chat_id == STRANGER for m in refused) and len(refused) == 3
        assert fake.rejections == []
