"""What the fake DingTalk knows and has seen: the app, people and groups, tokens, messages the robot sent,
cards, files, and the faults a test asked for. Guarded by one lock: the server thread and the test
thread both touch it."""

from __future__ import annotations

import itertools
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any

MARKDOWN_LIMIT = 5000  # characters of markdown text DingTalk takes in one robot message


@dataclass
class Sent:
    """One robot message as a person or group received it."""

    to: str  # userId or openConversationId
    group: bool
    key: str  # msgKey: sampleMarkdown, sampleText, sampleImageMsg, sampleFile
    param: dict[str, Any]
    query_key: str
    at: float = field(default_factory=time.time)
    read_at: float | None = None

    @property
    def text(self) -> str:
        return str(self.param.get("text") or self.param.get("content") or self.param.get("fileName") or "")


@dataclass
class Card:
    card_id: str  # outTrackId
    to: str
    group: bool
    template: str
    params: dict[str, str]
    updates: list[dict[str, str]] = field(default_factory=list)
    delivered: dict[str, str] = field(default_factory=dict)  # the params as first delivered

    def buttons(self, as_delivered: bool = False) -> list[dict[str, str]]:
        """The buttons shown now, or as first delivered (a double tap reaches the old ones)."""
        return json.loads((self.delivered if as_delivered else self.params).get("buttons") or "[]")


@dataclass
class Rule:
    """A fault for the next `times` requests to `path`: an HTTP error, or a connection closed unanswered."""

    path: str
    times: int
    status: int = 500
    code: str = "ServiceUnavailable"
    message: str = "系统繁忙"
    drop: bool = False  # close the connection without an answer (the request may have been handled)


@dataclass
class State:
    client_id: str
    client_secret: str
    robot_code: str
    card_template: str | None
    token_seconds: int = 7200
    lock: threading.RLock = field(default_factory=threading.RLock)
    users: dict[str, str] = field(default_factory=dict)  # userId -> name
    groups: dict[str, str] = field(default_factory=dict)  # openConversationId -> title (robot added)
    tokens: dict[str, float] = field(default_factory=dict)  # token -> time.monotonic() it expires
    token_requests: int = 0
    sent: list[Sent] = field(default_factory=list)
    held: list[tuple[str, str]] = field(default_factory=list)  # (userId, text) held by flow control
    cards: dict[str, Card] = field(default_factory=dict)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # downloadCode -> (bytes, name)
    media: dict[str, tuple[bytes, str, str]] = field(default_factory=dict)  # media_id -> (bytes, name, type)
    flow_controlled: dict[str, int] = field(default_factory=dict)  # userId -> sends still held
    invalid: set[str] = field(default_factory=set)
    rules: list[Rule] = field(default_factory=list)
    outage: bool = False
    requests: list[tuple[str, str]] = field(default_factory=list)  # (method, path)
    rejections: list[str] = field(default_factory=list)  # requests a real DingTalk would refuse
    tickets: dict[str, list[dict[str, str]]] = field(default_factory=dict)  # ticket -> subscriptions
    frames: list[dict[str, Any]] = field(default_factory=list)  # CALLBACK frames pushed to the bot
    lost: list[str] = field(default_factory=list)  # messageIds pushed while no connection was open
    acks: dict[str, dict[str, Any]] = field(default_factory=dict)  # messageId -> the bot's acknowledgement
    connections_opened: int = 0
    silent: bool = False  # answer no ping and push nothing: a connection that died without closing
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}{secrets.token_hex(3)}"

    def new_token(self) -> tuple[str, int]:
        token = self.next_id("tok")
        self.tokens[token] = time.monotonic() + self.token_seconds
        self.token_requests += 1
        return token, self.token_seconds

    def token_ok(self, token: str | None) -> bool:
        return token is not None and self.tokens.get(token, 0.0) > time.monotonic()

    def take_rule(self, path: str) -> Rule | None:
        for rule in self.rules:
            if rule.path in path and rule.times > 0:
                rule.times -= 1
                return rule
        return None
