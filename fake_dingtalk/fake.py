"""FakeDingTalk: the test-facing object. Start it, point duban at `base_url` (DINGTALK_API_BASE_URL and
DINGTALK_OAPI_BASE_URL), play people with send_*() and press(), then look at what the robot did (sent,
cards, acks, rejections) or wait for it. Thread-safe; the waits poll, so they work from any thread, and
the *_async variants inside an event loop."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .server import Server
from .state import Card, Rule, Sent, State

T = TypeVar("T")
BOT_TOPIC = "/v1.0/im/bot/messages/get"
CARD_TOPIC = "/v1.0/card/instances/callback"


class FakeDingTalkTimeout(AssertionError):
    pass


class FakeDingTalk:
    def __init__(
        self,
        client_id: str = "dingtestapp0001",
        client_secret: str = "test-secret-0001",
        robot_code: str = "dingtestrobot01",
        card_template: str | None = None,
        token_seconds: int = 7200,
    ):
        self.state = State(client_id, client_secret, robot_code, card_template, token_seconds)
        self._server = Server(self.state)

    # -- lifecycle -----------------------------------------------------------------------------------
    def start(self) -> FakeDingTalk:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> FakeDingTalk:
        return self.start()

    def __exit__(self, *exc_info: Any) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.port}"

    def env(self, **extra: str) -> dict[str, str]:
        """The settings that point duban at this fake."""
        s = self.state
        env = {
            "DINGTALK_CLIENT_ID": s.client_id,
            "DINGTALK_CLIENT_SECRET": s.client_secret,
            "DINGTALK_ROBOT_CODE": s.robot_code,
            "DINGTALK_API_BASE_URL": self.base_url,
            "DINGTALK_OAPI_BASE_URL": self.base_url,
        }
        if s.card_template:
            env["DINGTALK_CARD_TEMPLATE_ID"] = s.card_template
        return {**env, **extra}

    # -- the organization ----------------------------------------------------------------------------
    def add_user(self, user_id: str, name: str) -> None:
        with self.state.lock:
            self.state.users[user_id] = name

    def add_group(self, conversation_id: str, title: str) -> None:
        """A group the robot has been added to."""
        with self.state.lock:
            self.state.groups[conversation_id] = title

    # -- people writing to the robot -----------------------------------------------------------------
    def _robot_message(self, user: str, group: str | None, mention: bool, kind: str, **body: Any) -> dict[str, Any]:
        s = self.state
        with s.lock:
            msg_id = s.next_id("msg")
            name = s.users.get(user, user)
            title = s.groups.get(group or "", "")
        data = {
            "msgId": msg_id,
            "msgtype": kind,
            "conversationId": group or f"cid-p2p-{user}",
            "conversationType": "2" if group else "1",
            "senderId": f"$:LWCP_v1:${user}",
            "senderStaffId": user,
            "senderNick": name,
            "senderCorpId": "dingcorp",
            "chatbotUserId": "$:LWCP_v1:$robot",
            "robotCode": s.robot_code,
            "isAdmin": False,
            "isInAtList": bool(group) and mention,
            "createAt": int(time.time() * 1000),
            "sessionWebhook": f"{self.base_url}/session-webhook-unused",
            "sessionWebhookExpiredTime": int(time.time() * 1000) + 5400_000,
            **({"conversationTitle": title} if group else {}),
            **body,
        }
        return data

    def _push(self, topic: str, data: dict[str, Any], message_id: str | None = None) -> str:
        with self.state.lock:
            message_id = message_id or self.state.next_id("frame")
        frame = {
            "specVersion": "1.0",
            "type": "CALLBACK",
            "headers": {
                "appId": self.state.client_id,
                "connectionId": "fake",
                "contentType": "application/json",
                "messageId": message_id,
                "time": str(int(time.time() * 1000)),
                "topic": topic,
            },
            "data": json.dumps(data, ensure_ascii=False),
        }
        pushed = self._server.run(self._server.push(frame)).result(timeout=10)
        with self.state.lock:
            self.state.frames.append(frame)
            if not pushed:
                self.state.lost.append(message_id)
        return message_id

    def send_text(self, user: str, text: str, group: str | None = None, mention: bool = True) -> str:
        """A person types to the robot (privately, or in a group, @-mentioning it or not); the frame's id."""
        return self._push(BOT_TOPIC, self._robot_message(user, group, mention, "text", text={"content": text}))

    def _file(self, data: bytes, name: str) -> str:
        with self.state.lock:
            code = self.state.next_id("dl")
            self.state.files[code] = (data, name)
        return code

    def send_picture(self, user: str, data: bytes, group: str | None = None) -> str:
        code = self._file(data, "image.jpg")
        content = {"downloadCode": code, "pictureDownloadCode": code}
        return self._push(BOT_TOPIC, self._robot_message(user, group, True, "picture", content=content))

    def send_file(self, user: str, data: bytes, name: str) -> str:
        content = {"downloadCode": self._file(data, name), "fileName": name, "spaceId": "1", "fileId": "1"}
        return self._push(BOT_TOPIC, self._robot_message(user, None, True, "file", content=content))

    def send_rich(self, user: str, text: str, picture: bytes) -> str:
        code = self._file(picture, "image.png")
        parts = [{"text": text}, {"type": "picture", "downloadCode": code, "pictureDownloadCode": code}]
        return self._push(BOT_TOPIC, self._robot_message(user, None, True, "richText", content={"richText": parts}))

    def send_audio(self, user: str, recognition: str = "") -> str:
        content = {"duration": 3000, "downloadCode": self._file(b"AMR", "voice.amr"), "recognition": recognition}
        return self._push(BOT_TOPIC, self._robot_message(user, None, True, "audio", content=content))

    def send_video(self, user: str) -> str:
        content = {"duration": 9, "downloadCode": self._file(b"MP4", "video.mp4"), "videoType": "mp4"}
        return self._push(BOT_TOPIC, self._robot_message(user, None, True, "video", content=content))

    def press(self, user: str, card: Card, label: str, double_tap: bool = False) -> str:
        """A person presses the button labelled `label` on a card the robot sent (`double_tap`: a button the
        card showed before its update reached the phone)."""
        payload = next((b["payload"] for b in card.buttons(double_tap) if b["label"] == label), None)
        if payload is None:
            raise AssertionError(f"no button {label!r} on card {card.card_id}: {card.buttons()}")
        content = json.dumps({"cardPrivateData": {"actionIds": ["press"], "params": {"payload": payload}}})
        data = {
            "outTrackId": card.card_id,
            "userId": user,
            "corpId": "dingcorp",
            "content": content,
            "type": "actionCallback",
            "spaceType": "IM",
            "extension": "{}",
        }
        return self._push(CARD_TOPIC, data)

    def redeliver(self, message_id: str, new_frame: bool = False) -> str:
        """Push a frame again, as DingTalk does when it missed the acknowledgement: with the same messageId,
        or (`new_frame`) the same robot message in a frame of its own; the frame's id."""
        frame = next(f for f in self.state.frames if f["headers"]["messageId"] == message_id)
        if new_frame:
            return self._push(frame["headers"]["topic"], json.loads(frame["data"]))
        self._server.run(self._server.push(frame)).result(timeout=10)
        return message_id

    def system(self, topic: str, data: dict[str, Any] | None = None) -> str:
        """A SYSTEM frame: "ping" (answered with its data) or "disconnect" (the bot should reconnect)."""
        with self.state.lock:
            message_id = self.state.next_id("sys")
        frame = {
            "specVersion": "1.0",
            "type": "SYSTEM",
            "data": json.dumps(data or {}),
            "headers": {"contentType": "application/json", "messageId": message_id, "topic": topic},
        }
        self._server.run(self._server.push(frame)).result(timeout=10)
        return message_id

    # -- faults --------------------------------------------------------------------------------------
    def drop_connections(self) -> int:
        return int(self._server.run(self._server.drop(1001)).result(timeout=10))

    def silence(self, on: bool = True) -> None:
        """The connection stays open but nothing comes through, pings unanswered (a dead NAT entry)."""
        with self.state.lock:
            self.state.silent = on

    def outage(self, on: bool = True) -> None:
        """Every OpenAPI endpoint answers 503 (the stream cannot be opened again either)."""
        with self.state.lock:
            self.state.outage = on

    def fail_next(self, path: str, times: int = 1, **rule: Any) -> None:
        with self.state.lock:
            self.state.rules.append(Rule(path, times, **rule))

    def flow_control(self, user: str, times: int) -> None:
        """DingTalk's flow control holds the next `times` messages to this person."""
        with self.state.lock:
            self.state.flow_controlled[user] = times

    def make_invalid(self, user: str) -> None:
        """The person left the organization: batchSend lists them in invalidStaffIdList."""
        with self.state.lock:
            self.state.invalid.add(user)

    def expire_tokens(self) -> None:
        with self.state.lock:
            self.state.tokens.clear()

    def read(self, user: str) -> int:
        """The person opens the robot chat: everything sent to them so far is read."""
        with self.state.lock:
            unread = [s for s in self.state.sent if s.to == user and s.read_at is None]
            for sent in unread:
                sent.read_at = time.time()
        return len(unread)

    # -- what happened -------------------------------------------------------------------------------
    @property
    def sent(self) -> list[Sent]:
        with self.state.lock:
            return list(self.state.sent)

    @property
    def rejections(self) -> list[str]:
        with self.state.lock:
            return list(self.state.rejections)

    def messages_to(self, to: str) -> list[Sent]:
        return [s for s in self.sent if s.to == to]

    def cards_to(self, to: str) -> list[Card]:
        with self.state.lock:
            return [c for c in self.state.cards.values() if c.to == to]

    def acked(self, message_id: str) -> bool:
        with self.state.lock:
            ack = self.state.acks.get(message_id)
        return ack is not None and ack.get("code") == 200

    def unacked(self) -> list[str]:
        """CALLBACK frames delivered but never acknowledged."""
        with self.state.lock:
            return [
                f["headers"]["messageId"]
                for f in self.state.frames
                if f["headers"]["messageId"] not in self.state.acks and f["headers"]["messageId"] not in self.state.lost
            ]

    @property
    def connections(self) -> int:
        return len([ws for ws in self._server.sockets if not ws.closed])

    @property
    def connections_opened(self) -> int:
        with self.state.lock:
            return self.state.connections_opened

    def count(self, method: str, path: str) -> int:
        with self.state.lock:
            return sum(1 for m, p in self.state.requests if m == method and p == path)

    # -- waiting -------------------------------------------------------------------------------------
    def wait(self, condition: Callable[[], T], timeout: float = 10.0, what: str = "a condition") -> T:
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise FakeDingTalkTimeout(f"timed out after {timeout}s waiting for {what}")
            time.sleep(0.02)

    async def wait_async(self, condition: Callable[[], T], timeout: float = 10.0, what: str = "a condition") -> T:
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise FakeDingTalkTimeout(f"timed out after {timeout}s waiting for {what}")
            await asyncio.sleep(0.02)
