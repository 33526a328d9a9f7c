"""The fake Telegram Bot API, driven by the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import os
import struct
import subprocess
import sys
import time
import warnings
import zlib

import httpx
import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MenuButtonCommands,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import Application, CommandHandler, ContextTypes

from fake_bot_api import FakeBotAPI, FakeBotAPITimeout, FloodLimits

USER = 42


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def retry_seconds(error: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after will become a timedelta
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else value


@pytest.fixture
def fake():
    with FakeBotAPI() as server:
        server.add_user(USER, first_name="张三", username="zhangsan")
        yield server
        assert server.internal_errors == []  # the fake never failed on its own


@pytest.fixture
async def bot(fake):
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.file_base_url) as client:
        yield client


def api(fake: FakeBotAPI, method: str, **kwargs) -> httpx.Response:
    return httpx.post(f"{fake.base_url}{fake.token}/{method}", **kwargs)


# -- identity, tokens, transport -----------------------------------------------------------------
async def test_get_me(bot, fake):
    me = await bot.get_me()
    assert me.username == "duban_test_bot" and me.is_bot
    assert me.id == int(fake.token.split(":")[0])


async def test_malformed_or_revoked_token_is_unauthorized(fake):
    response = httpx.get(f"{fake.base_url}not-a-token/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    fake.revoke_token("777:revoked")
    with pytest.raises(InvalidToken):
        async with Bot("777:revoked", base_url=fake.base_url):
            pass


def test_unknown_method_is_404_and_names_are_case_insensitive(fake):
    assert api(fake, "sendTelepathy").json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert api(fake, "GETME").json()["ok"] is True


def test_json_form_and_query_bodies_are_all_accepted(fake):
    markup = {"inline_keyboard": [[{"text": "好", "callback_data": "ok"}]]}
    by_json = api(fake, "sendMessage", json={"chat_id": USER, "text": "json", "reply_markup": markup})
    by_form = api(fake, "sendMessage", data={"chat_id": str(USER), "text": "form", "reply_markup": json.dumps(markup)})
    by_query = httpx.get(f"{fake.base_url}{fake.token}/sendMessage", params={"chat_id": USER, "text": "query"})
    assert [r.status_code for r in (by_json, by_form, by_query)] == [200, 200, 200]
    assert by_form.json()["result"]["reply_markup"] == markup
    assert [m.text for m in fake.sent] == ["json", "form", "query"]
    assert fake.sent[0].reply_markup == markup


# -- sending and Telegram's rules ----------------------------------------------------------------
async def test_send_message_is_recorded_with_telegram_shape(bot, fake):
    message = await bot.send_message(USER, "<b>你好</b>", parse_mode="HTML")
    assert message.chat.id == USER and message.from_user.id == bot.id
    assert message.text == "你好" and message.entities[0].type == "bold"
    second = await bot.send_message(USER, "again")
    assert second.message_id == message.message_id + 1
    sent = fake.messages_to(USER)
    assert [(m.method, m.text, m.raw_text, m.parse_mode) for m in sent] == [
        ("sendMessage", "你好", "<b>你好</b>", "HTML"),
        ("sendMessage", "again", "again", None),
    ]
    assert fake.rejections == []


async def test_unknown_chat_is_chat_not_found(bot, fake):
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(999, "hello")
    assert fake.rejections[0].description == "Bad Request: chat not found"


async def test_text_limit_is_4096_utf16_code_units(bot, fake):
    await bot.send_message(USER, "a" * 4096)
    await bot.send_message(USER, "字" * 4096)  # BMP characters count 1
    await bot.send_message(USER, "😀" * 2048)  # 2 code units each: exactly 4096
    for too_long in ("a" * 4097, "😀" * 2049, "😀" * 2048 + "a"):
        with pytest.raises(BadRequest, match="(?i)message is too long"):
            await bot.send_message(USER, too_long)
    # Length is measured after entity parsing: markup does not count.
    await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    assert len(fake.sent) == 4
    assert [r.description for r in fake.rejections] == ["Bad Request: message is too long"] * 3


async def test_empty_text_is_refused(bot):
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(USER, "")
    with pytest.raises(BadRequest, match="(?i)message must be non-empty"):
        await bot.send_message(USER, "  \n ")
    with pytest.raises(BadRequest, match="(?i)message must be non-empty"):
        await bot.send_message(USER, "<b> </b>", parse_mode="HTML")


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
        ("AT&T", 'Character "&" must be escaped as "&amp;" at byte offset 2'),
        ("<b>bold", "Can't find end tag corresponding to start tag b"),
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("你好<br>", 'Unsupported start tag "br" at byte offset 6'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ('<a href="https://e.com">x', "Can't find end tag corresponding to start tag a"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<b x>y</b>", 'Expected equal sign in declaration of an attribute of the tag "b" at byte offset 0'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
async def test_html_that_telegram_cannot_parse_is_refused(bot, fake, html, reason):
    with pytest.raises(BadRequest, match="(?i)can't parse entities"):
        await bot.send_message(USER, html, parse_mode="HTML")
    assert fake.rejections[-1].description == f"Bad Request: can't parse entities: {reason}"
    assert fake.sent == []


async def test_valid_html_is_parsed_into_text_and_entities(bot):
    html = (
        '<b>粗</b> <strong>s</strong> <i>斜</i> <u>u</u> <s>del</s> <a href="https://example.com">link</a> '
        '<code>c</code> <pre><code class="language-python">print(1)</code></pre> '
        '<tg-spoiler>sp</tg-spoiler> <span class="tg-spoiler">sp2</span> '
        "<blockquote expandable>q</blockquote> &lt;tag&gt; &amp; &quot; &#20320;&#x597D; 😀<b>e</b>"
    )
    message = await bot.send_message(USER, html, parse_mode="HTML")
    assert message.text == ('粗 s 斜 u del link c print(1) sp sp2 q <tag> & " 你好 😀e')
    by_type = {(e.type, message.parse_entity(e)) for e in message.entities}
    assert {
        ("bold", "粗"),
        ("italic", "斜"),
        ("underline", "u"),
        ("strikethrough", "del"),
        ("text_link", "link"),
        ("code", "c"),
        ("pre", "print(1)"),
        ("spoiler", "sp"),
        ("spoiler", "sp2"),
        ("expandable_blockquote", "q"),
        ("bold", "e"),
    } <= by_type
    pre = next(e for e in message.entities if e.type == "pre")
    assert pre.language == "python"
    last_bold = message.entities[-1]
    assert last_bold.offset == len(message.text.encode("utf-16-le")) // 2 - 1  # 😀 counted as 2


async def test_markdown_v2_reserved_characters_are_refused(bot, fake):
    with pytest.raises(BadRequest, match="(?i)reserved and must be escaped"):
        await bot.send_message(USER, "完成率 95.5%", parse_mode="MarkdownV2")
    message = await bot.send_message(USER, r"*完成率* 95\.5%", parse_mode="MarkdownV2")
    assert message.text == "完成率 95.5%" and message.entities[0].type == "bold"


async def test_callback_data_is_limited_to_64_utf8_bytes(bot, fake):
    def keyboard(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("按钮", callback_data=data)]])

    await bot.send_message(USER, "ok", reply_markup=keyboard("x" * 64))
    await bot.send_message(USER, "ok", reply_markup=keyboard("中" * 21))  # 63 bytes
    for data in ("x" * 65, "中" * 22):  # 22 characters, but 66 bytes
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            await bot.send_message(USER, "no", reply_markup=keyboard(data))
    assert len(fake.sent) == 2


def test_inline_buttons_need_text_and_an_action(fake):
    def send(button: dict) -> dict:
        return api(
            fake, "sendMessage", json={"chat_id": USER, "text": "x", "reply_markup": {"inline_keyboard": [[button]]}}
        ).json()

    assert "Text buttons are unallowed" in send({"text": "a"})["description"]
    assert "Text buttons are unallowed" in send({"text": "a", "callback_data": ""})["description"]
    assert send({"text": "", "callback_data": "a"})["error_code"] == 400
    assert "Wrong HTTP URL" in send({"text": "a", "url": "http://localhost:8080/x"})["description"]
    assert send({"text": "a", "url": "https://example.com/report"})["ok"] is True


async def test_caption_limit_is_1024(bot):
    await bot.send_document(USER, b"data", filename="a.txt", caption="说" * 1024)
    with pytest.raises(BadRequest, match="(?i)message caption is too long"):
        await bot.send_document(USER, b"data", filename="a.txt", caption="说" * 1025)


async def test_edits_and_not_modified(bot, fake):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("确认", callback_data="yes")]])
    message = await bot.send_message(USER, "待确认", reply_markup=markup)
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("待确认", USER, message.message_id, reply_markup=markup)
    edited = await bot.edit_message_text("已确认", USER, message.message_id)
    assert edited.text == "已确认" and edited.reply_markup is None  # no markup given: keyboard removed
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_reply_markup(USER, message.message_id, reply_markup=None)
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", USER, 9999)
    assert (await fake.wait_for_edit_async(USER, contains="已确认")).method == "editMessageText"
    assert fake.message(USER, message.message_id)["text"] == "已确认"
    assert await bot.delete_message(USER, message.message_id)
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(USER, message.message_id)


# -- failures the bot must survive ---------------------------------------------------------------
async def test_injected_429_surfaces_as_retry_after(bot, fake):
    fake.fail_next("sendMessage", status=429, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "first")
    assert retry_seconds(caught.value) == 7
    await bot.send_message(USER, "second")  # only the next call failed
    assert [m.text for m in fake.sent] == ["second"]
    assert fake.rejections == []  # injected failures are not the bot's fault
    assert fake.too_many_requests[0].parameters == {"retry_after": 7}


async def test_server_error_statuses_surface_as_network_errors(bot, fake):
    fake.fail_next("sendMessage", status=502)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(USER, "x")
    fake.fail_next("sendMessage", status=500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(USER, "x")
    fake.fail_next("sendMessage", chat_id=43, status=400)
    await bot.send_message(USER, "other chats are unaffected")
    assert len(fake.sent) == 1


async def test_blocked_user_is_forbidden(bot, fake):
    fake.block_chat(USER)
    with pytest.raises(Forbidden, match="(?i)bot was blocked by the user"):
        await bot.send_message(USER, "hello")
    kicked = fake.pending_updates[-1]["my_chat_member"]["new_chat_member"]["status"]
    assert kicked == "kicked"
    fake.unblock_chat(USER)
    await bot.send_message(USER, "hello again")


async def test_migrated_group_raises_chat_migrated_with_new_id(bot, fake):
    fake.add_chat(-4001, "group", title="督办群")
    fake.migrate_chat(-4001, -1004001)
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-4001, "hello")
    assert caught.value.new_chat_id == -1004001
    message = await bot.send_message(-1004001, "hello")
    assert message.chat.type == "supergroup" and message.chat.title == "督办群"


async def test_delay_makes_a_client_timeout_and_retry_visible_as_duplicate(bot, fake):
    fake.delay("sendMessage", 0.6, times=1)
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "提醒", read_timeout=0.2)
    await bot.send_message(USER, "提醒")
    first = await fake.wait_for_request_async("sendMessage", lambda r: r.client_gone)
    assert first.status == 200 and first.delayed == 0.6  # Telegram did accept the first one
    assert [len(group) for group in fake.duplicates()] == [2]


# -- flood control -------------------------------------------------------------------------------
async def test_flood_limits_answer_429_when_hammered(fake):
    fake.flood_limits = FloodLimits(private_burst=3, group_burst=20, global_burst=30)
    fake.add_chat(-5001, "group")
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        results = []
        for index in range(5):  # one private chat: a burst of 3, then 1 per second
            try:
                await bot.send_message(USER, f"m{index}")
                results.append("ok")
            except RetryAfter as exc:
                results.append(retry_seconds(exc))
        assert results[:3] == ["ok"] * 3 and results[3] >= 1
        for index in range(20):
            await bot.send_message(-5001, f"g{index}")
        with pytest.raises(RetryAfter) as caught:  # 21st group message within a minute
            await bot.send_message(-5001, "g20")
        assert retry_seconds(caught.value) >= 1
    assert fake.flood_429_count == 3
    assert all(r.kind == "flood" for r in fake.too_many_requests)


async def test_flood_limit_overall_30_per_second(fake):
    fake.flood_limits = True
    users = range(1000, 1045)
    for user in users:
        fake.add_user(user)
    async with httpx.AsyncClient() as client:  # a broadcast to 45 users at once
        answers = await asyncio.gather(
            *(
                client.post(f"{fake.base_url}{fake.token}/sendMessage", json={"chat_id": user, "text": "广播"})
                for user in users
            )
        )
    statuses = [r.status_code for r in answers]
    assert statuses.count(200) >= 30 and statuses.count(429) >= 1
    refused = next(r for r in answers if r.status_code == 429).json()
    assert refused["parameters"]["retry_after"] >= 1
    assert refused["description"].startswith("Too Many Requests: retry after")


# -- updates -------------------------------------------------------------------------------------
async def test_get_updates_offset_limit_and_long_poll(bot, fake):
    for text in ("/start", "一", "二"):
        fake.inject_message(USER, text)
    updates = await bot.get_updates(timeout=0)
    assert [u.message.text for u in updates] == ["/start", "一", "二"]
    assert updates[0].message.entities[0].type == "bot_command"
    assert len(await bot.get_updates(limit=2)) == 2
    confirmed = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert list(confirmed) == [] and fake.pending_updates == []

    started = time.monotonic()
    assert list(await bot.get_updates(timeout=1)) == []  # held for the whole timeout
    assert 0.9 <= time.monotonic() - started < 2

    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    fake.inject_message(USER, "三")
    started = time.monotonic()
    (update,) = await asyncio.wait_for(poll, 3)
    assert update.message.text == "三" and time.monotonic() - started < 1


async def test_get_updates_negative_offset_and_allowed_updates(bot, fake):
    for text in ("a", "b", "c"):
        fake.inject_message(USER, text)
    (last,) = await bot.get_updates(offset=-1, timeout=0)
    assert last.message.text == "c" and len(fake.pending_updates) == 1
    await bot.get_updates(offset=last.update_id + 1, allowed_updates=["callback_query"], timeout=0)
    fake.inject_message(USER, "filtered out")
    assert fake.pending_updates == []


async def test_group_command_with_bot_username(bot, fake):
    fake.inject_message(7, "/report@duban_test_bot 本周", chat_id=-1009001, chat_type="supergroup", title="县政府")
    (update,) = await bot.get_updates(timeout=0)
    assert update.message.chat.type == "supergroup" and update.message.chat.title == "县政府"
    entity = update.message.entities[0]
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, len("/report@duban_test_bot"))


async def test_second_poller_ends_the_first_with_conflict(fake):
    async with httpx.AsyncClient() as client:
        url = f"{fake.base_url}{fake.token}/getUpdates"
        first = asyncio.create_task(client.post(url, json={"timeout": 5}))
        await asyncio.sleep(0.2)
        second = asyncio.create_task(client.post(url, json={"timeout": 0}))
        assert (await first).status_code == 409
        assert (await second).status_code == 200
    assert "terminated by other getUpdates request" in fake.rejections[0].description


async def test_webhook_blocks_get_updates(bot):
    await bot.set_webhook("https://example.com/hook")
    assert (await bot.get_webhook_info()).url == "https://example.com/hook"
    with pytest.raises(Conflict):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert list(await bot.get_updates(timeout=0)) == []


async def test_callback_query_answer_is_recorded(bot, fake):
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("完成", callback_data="done:1")]])
    message = await bot.send_message(USER, "任务", reply_markup=markup)
    query_id = fake.press_button(USER, fake.sent[-1], "完成")
    (update,) = await bot.get_updates(timeout=0)
    assert update.callback_query.data == "done:1"
    assert update.callback_query.message.message_id == message.message_id
    with pytest.raises(BadRequest, match="(?i)message_too_long"):
        await bot.answer_callback_query(query_id, text="长" * 201)
    await bot.answer_callback_query(query_id, text="已完成")
    assert fake.callback_answers[query_id]["text"] == "已完成"
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(LookupError):
        fake.inject_callback(USER, message.message_id, USER, "no-such-button")


# -- files ---------------------------------------------------------------------------------------
async def test_file_sent_by_user_downloads_through_get_file(bot, fake):
    fake.inject_document(USER, "考核表".encode() * 100, "考核表.xlsx", "application/vnd.ms-excel", caption="附件")
    fake.inject_photo(USER, png(4, 3))
    document_update, photo_update = await bot.get_updates(timeout=0)
    document = document_update.message.document
    assert document.file_name == "考核表.xlsx" and document_update.message.caption == "附件"
    telegram_file = await bot.get_file(document.file_id)
    assert telegram_file.file_path.startswith(fake.file_base_url)
    assert bytes(await telegram_file.download_as_bytearray()) == "考核表".encode() * 100
    photo = photo_update.message.photo[-1]
    assert (photo.width, photo.height) == (4, 3)
    assert bytes(await (await bot.get_file(photo.file_id)).download_as_bytearray()) == png(4, 3)
    with pytest.raises(BadRequest):
        await bot.get_file("no-such-file")


async def test_multipart_uploads_and_file_id_reuse(bot, fake):
    message = await bot.send_document(USER, b"a,b\n1,2", filename="报表.csv", caption="<b>周报</b>", parse_mode="HTML")
    assert message.document.file_name == "报表.csv" and message.caption == "周报"
    assert fake.sent[-1].file.data == b"a,b\n1,2" and fake.sent[-1].method == "sendDocument"
    again = await bot.send_document(USER, message.document.file_id)
    assert again.document.file_unique_id == message.document.file_unique_id
    photo = await bot.send_photo(USER, png(8, 6), caption="图")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (8, 6)
    assert fake.file_bytes(photo.photo[-1].file_id) == png(8, 6)
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_document(USER, "not-a-known-file-id")
    with pytest.raises(BadRequest, match="(?i)type of file mismatch"):
        await bot.send_photo(USER, message.document.file_id)


# -- bot settings --------------------------------------------------------------------------------
async def test_commands_are_stored_per_scope_and_language(bot, fake):
    await bot.set_my_commands([BotCommand("start", "开始"), BotCommand("report", "报送进度")])
    await bot.set_my_commands([BotCommand("admin", "管理")], scope=BotCommandScopeChat(USER), language_code="zh")
    assert [c["command"] for c in fake.commands_for()] == ["start", "report"]
    assert fake.commands_for(f"chat:{USER}", "zh") == [{"command": "admin", "description": "管理"}]
    assert [c.command for c in await bot.get_my_commands(scope=BotCommandScopeChat(USER), language_code="zh")] == [
        "admin"
    ]
    assert list(await bot.get_my_commands(scope=BotCommandScopeChat(USER))) == []
    with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    await bot.delete_my_commands()
    assert fake.commands_for() == []
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())


async def test_chat_info_and_actions(bot, fake):
    chat = await bot.get_chat(USER)
    assert chat.type == "private" and chat.username == "zhangsan"
    member = await bot.get_chat_member(USER, USER)
    assert member.status == "member"
    assert await bot.send_chat_action(USER, "typing")
    assert fake.chat_actions[0][:2] == (USER, "typing")


# -- waiting helpers and a real Application ------------------------------------------------------
def test_wait_for_message_times_out_with_a_useful_dump(fake):
    api(fake, "sendMessage", json={"chat_id": USER, "text": "别的消息"})
    with pytest.raises(FakeBotAPITimeout) as caught:
        fake.wait_for_message(USER, contains="欢迎", timeout=0.2)
    assert "别的消息" in str(caught.value) and "Sent messages (1)" in str(caught.value)


async def test_blocking_wait_refuses_to_run_inside_an_event_loop(fake):
    with pytest.raises(RuntimeError, match="_async"):
        fake.wait_for_message(USER)


async def test_application_long_polling_answers_start(fake):
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_html(f"欢迎，<b>{update.effective_user.first_name}</b>！")

    app = Application.builder().token(fake.token).base_url(fake.base_url).base_file_url(fake.file_base_url).build()
    app.add_handler(CommandHandler("start", start))
    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=5)
        await fake.wait_for_polling_async()
        fake.inject_message(USER, "/start")
        reply = await fake.wait_for_message_async(USER, contains="欢迎")
        assert reply.text == "欢迎，张三！" and reply.entities[0]["type"] == "bold"
        started = time.monotonic()
        await app.updater.stop()
        await app.stop()
    assert time.monotonic() - started < 2  # the pending long poll does not hold shutdown
    assert fake.pending_updates == []  # PTB confirmed the update on shutdown
    assert fake.rejections == []


async def test_group_member_who_never_started_the_bot_cannot_be_messaged(bot, fake):
    fake.inject_message(77, "大家好", chat_id=-4002, chat_type="group", first_name="李四")
    with pytest.raises(Forbidden, match="(?i)can't initiate conversation"):
        await bot.send_message(77, "私聊")
    await bot.send_message(-4002, "群里回复")
    fake.inject_message(77, "/start")  # now the user has a private chat with the bot
    await bot.send_message(77, "私聊")


async def test_reply_to_a_missing_message_is_refused(bot, fake):
    incoming = fake.inject_message(USER, "问题")
    reply = await bot.send_message(USER, "回答", reply_to_message_id=incoming["message_id"])
    assert reply.reply_to_message.text == "问题"
    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        await bot.send_message(USER, "回答", reply_to_message_id=9999)
    await bot.send_message(USER, "回答", reply_to_message_id=9999, allow_sending_without_reply=True)


BOT_SCRIPT = """
import os
from telegram.ext import Application, CommandHandler

async def start(update, context):
    await update.message.reply_text("subprocess says hi")

app = (Application.builder().token(os.environ["TOKEN"]).base_url(os.environ["TELEGRAM_API_BASE_URL"])
       .build())
app.add_handler(CommandHandler("start", start))
app.run_polling(poll_interval=0, timeout=5)
"""


def test_bot_in_a_subprocess_uses_the_same_fake(fake):
    env = {**os.environ, "TOKEN": fake.token, "TELEGRAM_API_BASE_URL": fake.base_url}
    process = subprocess.Popen(
        [sys.executable, "-c", BOT_SCRIPT], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        fake.wait_for_polling(timeout=10)
        fake.inject_message(USER, "/start")
        assert fake.wait_for_message(USER, timeout=10).text == "subprocess says hi"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert fake.rejections == []
