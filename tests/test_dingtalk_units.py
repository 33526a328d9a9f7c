"""The DingTalk adapter's small parts: markup as DingTalk markdown, typed commands, the numbers of accounts,
the inbound messages read, the settings."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.config import SettingsError, load_settings
from channels.dingtalk import cards
from channels.dingtalk.inbound import card_press, robot_message
from channels.dingtalk.render import TEXT_LIMIT, markdown, pieces, title
from handlers import words
from handlers.events import AUDIO, DOCUMENT, PHOTO, VIDEO
from handlers.replies import Message, keyboard
from services import accounts
from tests.conftest import SHANGHAI


def test_markup_becomes_dingtalk_markdown():
    text = '<b>3.1</b> 完成 <i>900亩</i>\n发送 <code>/start 邀请码</code> &lt;必填&gt; <a href="https://x.cn/a?b=1&amp;c=2">链接</a>'
    assert markdown(text) == ("**3.1** 完成 *900亩*  \n发送 /start 邀请码 <必填> [链接](https://x.cn/a?b=1&c=2)")
    assert markdown("<b></b>空") == "空"
    assert title("<b>📋 2022年度 · 自然资源局的任务(共 16 项)</b>\n…") == "📋 2022年度 · 自然资源局的任务(共 16 项)"
    assert len(title("长" * 100)) == 30


def test_a_long_message_is_split_below_dingtalks_limit():
    lines = [f"· {i:03d} " + "任务内容" * 20 for i in range(200)]
    parts = pieces(Message("\n".join(lines)))
    assert len(parts) > 1 and all(len(text) <= 5000 for _, text in parts)
    assert sum(text.count("· ") for _, text in parts) == 200 and all(len(t) <= TEXT_LIMIT + 400 for _, t in parts)


@pytest.mark.parametrize(
    "typed,in_exchange,expected",
    [
        ("/tasks", False, ("tasks", ())),
        ("／done 14.2", False, ("done", ("14.2",))),
        ("/start@duban ABC", False, ("start", ("ABC",))),
        ("tasks", False, ("tasks", ())),
        ("任务", False, ("tasks", ())),
        ("任务 14.2", False, ("task", ("14.2",))),
        ("绑定 ABCD2345", False, ("start", ("ABCD2345",))),
        ("上报 3.1", False, ("done", ("3.1",))),
        ("待审核", False, ("pending", ())),
        ("得分 14", False, ("score", ("14",))),
        ("帮助", False, ("help", ())),
        ("3.1 完成 900亩", False, None),
        ("任务完成了", False, None),
        ("nonsense", False, None),
        ("上报", True, None),  # inside an exchange, a word is the answer being typed
        ("取消", True, ("cancel", ())),
        ("/tasks", True, ("tasks", ())),
    ],
)
def test_typed_commands(typed, in_exchange, expected):
    assert words.read(typed, {"tasks", "task", "done", "start", "help"}, in_exchange) == expected


def test_account_numbers_are_past_telegram_and_the_console(db):
    from deadlines.clock import FakeClock

    clock = FakeClock(datetime(2022, 9, 5, 9, 0, tzinfo=SHANGHAI))
    user = accounts.ensure(db, clock, accounts.DINGTALK, "zhangsan", accounts.USER, "张三")
    group = accounts.ensure(db, clock, accounts.DINGTALK, "cidAbc==", accounts.GROUP, "发改局工作群")
    assert user > accounts.BASE and group < -accounts.BASE
    assert accounts.ensure(db, clock, accounts.DINGTALK, "zhangsan", accounts.USER) == user  # stable
    assert accounts.find(db, accounts.DINGTALK, "cidAbc==") == group
    assert accounts.account(db, group).external_id == "cidAbc==" and accounts.account(db, 12345) is None
    assert accounts.owner(db, user) == "dingtalk" and accounts.owner(db, 12345) == "telegram"
    assert accounts.owner(db, 2**52 + 3) == "console"
    assert accounts.resolve_admins(db, clock, ["dingtalk:zhangsan", "dingtalk:lisi"]) == {
        user,
        accounts.find(db, "dingtalk", "lisi"),
    }


def _message(kind: str, **body) -> dict:
    return {
        "msgId": "m1",
        "senderStaffId": "u1",
        "senderNick": "张三",
        "conversationType": "1",
        "msgtype": kind,
        **body,
    }


def test_robot_messages_are_read_into_text_and_files():
    assert robot_message(_message("text", text={"content": " 任务 "})).text == "任务"
    picture = robot_message(_message("picture", content={"downloadCode": "dc1"}))
    assert picture.attachments[0].kind == PHOTO and picture.attachments[0].ref == "dc1"
    file = robot_message(_message("file", content={"downloadCode": "dc2", "fileName": "验收单.pdf"}))
    assert file.attachments[0].kind == DOCUMENT and file.attachments[0].name == "验收单.pdf"
    rich = robot_message(_message("richText", content={"richText": [{"text": "佐证"}, {"downloadCode": "dc3"}]}))
    assert rich.text == "佐证" and rich.attachments[0].kind == PHOTO
    spoken = robot_message(_message("audio", content={"downloadCode": "a", "recognition": "任务"}))
    # The words are read as typed outside a report; the recording goes along as evidence inside one.
    assert spoken.text == "任务" and [a.kind for a in spoken.attachments] == [AUDIO]
    assert robot_message(_message("audio", content={"downloadCode": "a"})).attachments[0].kind == AUDIO
    assert robot_message(_message("video", content={"downloadCode": "v"})).attachments[0].kind == VIDEO
    assert robot_message(_message("unknownKind")).attachments[0].kind == "unknownKind"
    group = robot_message(_message("text", text={"content": "x"}, conversationType="2", isInAtList=False))
    assert not group.private and not group.mentioned
    assert robot_message({"msgId": "m", "msgtype": "text"}) is None  # no senderStaffId: outside the organization


def test_cards_carry_their_chat_and_the_buttons():
    card = cards.card_id(-(2**53) - 7)
    assert cards.chat_of(card) == -(2**53) - 7 and cards.chat_of("someone-else.1.2") is None
    message = Message("<b>审核</b>", keyboard([("通过", "v:ok:1"), ("退回", "v:no:1")]))
    params = cards.params(message)
    assert params["content"] == "**审核**" and '"payload": "v:ok:1"' in params["buttons"]
    press = card_press(
        {"outTrackId": card, "userId": "u1", "content": '{"cardPrivateData": {"params": {"payload": "v:ok:1"}}}'}
    )
    assert (press.card, press.user, press.payload) == (card, "u1", "v:ok:1")
    assert card_press({"outTrackId": card, "userId": "u1", "content": "not json"}) is None


def test_dingtalk_settings():
    s = load_settings({"DUBAN_ADMINS": "999, dingtalk:office01;DingTalk:office02"})
    assert s.admins == {999} and s.admin_accounts == ("dingtalk:office01", "dingtalk:office02")
    assert not s.dingtalk_configured and s.dingtalk_missing() == []
    s = load_settings({"DINGTALK_CLIENT_ID": "a", "DINGTALK_CLIENT_SECRET": "b", "DINGTALK_ROBOT_CODE": "c"})
    assert s.dingtalk_configured and s.dingtalk_api_base_url == "https://api.dingtalk.com"
    assert load_settings({"DINGTALK_CLIENT_ID": "a"}).dingtalk_missing() == [
        "DINGTALK_CLIENT_SECRET",
        "DINGTALK_ROBOT_CODE",
    ]
    with pytest.raises(SettingsError, match="^DUBAN_ADMINS: 'wx:1' is neither"):
        load_settings({"DUBAN_ADMINS": "wx:1"})
    with pytest.raises(SettingsError, match="^DINGTALK_API_BASE_URL: .*example"):
        load_settings({"DINGTALK_API_BASE_URL": "api.dingtalk.com"})
    with pytest.raises(SettingsError, match="^DINGTALK_READ_POLL_SECONDS"):
        load_settings({"DINGTALK_READ_POLL_SECONDS": "0"})
