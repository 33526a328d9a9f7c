"""Buttons on DingTalk: an interactive card (互动卡片) from the office's template (DINGTALK_CARD_TEMPLATE_ID,
README "DingTalk: the card template"), delivered by the robot, its presses coming back over the stream.

The template's variables, all strings (DingTalk's cardParamMap takes text only):
  title     the message's first line
  content   the message, DingTalk markdown
  buttons   JSON list [{"label": "...", "payload": "..."}], shown by a loop of buttons; each sends its
            `payload` back as a callback parameter named "payload"
  status    a line under the buttons: the short answer to a press (e.g. "已确认收到"); empty at first
A pressed card is updated in place: its answer in `status`, its buttons removed once answered.

The card's id (outTrackId) names the chat it went to ("duban.<chat number>.<random>"), so a press read
by any process, after any restart, is answered in the right chat without a lookup.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from channels.dingtalk.render import markdown, title
from handlers.replies import Keyboard, Message

PREFIX = "duban"


def card_id(chat_id: int) -> str:
    return f"{PREFIX}.{chat_id}.{secrets.token_hex(8)}"


def chat_of(card: str) -> int | None:
    """The chat a card of ours went to; None for a card that is not duban's."""
    prefix, _, rest = card.partition(".")
    number, _, _ = rest.partition(".")
    if prefix != PREFIX or not number.lstrip("-").isdigit():
        return None
    return int(number)


def buttons_param(buttons: Keyboard) -> str:
    return json.dumps([{"label": b.label, "payload": b.payload} for row in buttons for b in row], ensure_ascii=False)


def params(message: Message, status: str = "") -> dict[str, str]:
    return {
        "title": title(message.text),
        "content": markdown(message.text),
        "buttons": buttons_param(message.buttons),
        "status": status,
    }


def delivery(
    template: str, robot_code: str, card: str, to_user: str | None, to_group: str | None, message: Message
) -> dict[str, Any]:
    """The createAndDeliver request for a card to one person (robot chat) or one group."""
    body: dict[str, Any] = {
        "cardTemplateId": template,
        "outTrackId": card,
        "callbackType": "STREAM",
        "cardData": {"cardParamMap": params(message)},
        "userIdType": 1,
    }
    if to_group is not None:
        body["openSpaceId"] = f"dtv1.card//IM_GROUP.{to_group}"
        body["imGroupOpenSpaceModel"] = {"supportForward": False}
        body["imGroupOpenDeliverModel"] = {"robotCode": robot_code}
    else:
        body["openSpaceId"] = f"dtv1.card//IM_ROBOT.{to_user}"
        body["imRobotOpenSpaceModel"] = {"supportForward": False}
        body["imRobotOpenDeliverModel"] = {"spaceType": "IM_ROBOT", "robotCode": robot_code}
    return body
