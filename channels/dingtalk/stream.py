"""DingTalk's Stream mode, spoken directly: open a connection over HTTPS (endpoint and ticket), hold a
websocket to it, answer every frame, reconnect when it drops or falls silent.

Why not the `dingtalk-stream` SDK (0.24.3): it blocks the event loop while connecting (`requests` inside
`async def`), swallows cancellation (a stop waits out its fixed 10-second sleeps), reads its base URL from
the environment once at import, reconnects without backoff and never notices a connection that went
silent. The protocol is small (tests/test_dingtalk_stream.py speaks it against the project's fake), and
aiohttp, already a dependency, is the websocket client here: no thread, no new package.

The protocol: frames are JSON {specVersion, type: SYSTEM | EVENT | CALLBACK, headers: {messageId, topic,
contentType, ...}, data: "<json text>"}; each is acknowledged with {code, headers: {messageId,
contentType}, message, data}. SYSTEM "ping" is answered with its own data; SYSTEM "disconnect" says the
server is about to close this connection: open another at once. A CALLBACK (a robot message, a card
button) is answered after it was handled, one at a time in arrival order; a messageId seen before (DingTalk
redelivers what it thinks was not acknowledged) is acknowledged again and not handled twice. DingTalk does
not keep what it sent while no connection was open: a dead connection must be noticed quickly, so
websocket pings go out every `heartbeat` seconds and a connection whose pong does not come is closed.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus

import aiohttp

from channels.chat_order import ChatOrder
from channels.dingtalk.api import CredentialsRefused, DingTalkApi, DingTalkError, Unanswered, Unreached

log = logging.getLogger("duban.channels.dingtalk.stream")

BOT_MESSAGES = "/v1.0/im/bot/messages/get"
CARD_CALLBACK = "/v1.0/card/instances/callback"
SEEN_KEPT = 10_000  # messageIds remembered to recognize a redelivery
STOP_GRACE = 8.0  # seconds the frames already taken get to be answered when stopping
Handler = Callable[[str, dict[str, Any]], Awaitable[None]]
ChatKey = Callable[[str, dict[str, Any]], Hashable | None]  # the chat a frame belongs to (None: its own)


@dataclass(frozen=True)
class Frame:
    kind: str  # SYSTEM | EVENT | CALLBACK
    topic: str
    message_id: str
    data: str  # the JSON text the frame carries

    @classmethod
    def parse(cls, text: str) -> Frame | None:
        try:
            raw = json.loads(text)
            headers = raw.get("headers") or {}
            return cls(
                str(raw.get("type", "")),
                str(headers.get("topic", "")),
                str(headers.get("messageId", "")),
                raw.get("data") or "{}",
            )
        except (ValueError, AttributeError):
            return None

    def ack(self, code: int = 200, message: str = "OK", data: str | None = None) -> str:
        headers = {"messageId": self.message_id, "contentType": "application/json"}
        return json.dumps({"code": code, "headers": headers, "message": message, "data": data or self.data})


class StreamClient:
    """One stream connection at a time, kept up until `stop_receiving`; `handler(topic, data)` gets each
    new CALLBACK frame's data: frames of different chats (`chat_key`) at once, one chat's in order."""

    def __init__(
        self,
        api: DingTalkApi,
        handler: Handler,
        topics: tuple[str, ...] = (BOT_MESSAGES, CARD_CALLBACK),
        heartbeat: float = 20.0,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        chat_key: ChatKey | None = None,
    ):
        self.api, self.handler, self.topics, self.chat_key = api, handler, topics, chat_key
        self.heartbeat, self.backoff, self.max_backoff = heartbeat, backoff, max_backoff
        self.connected = asyncio.Event()
        self.connections = 0  # connections opened so far (tests and logs)
        self.frames_handled = 0
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._queue: asyncio.Queue[tuple[Frame, aiohttp.ClientWebSocketResponse]] = asyncio.Queue()
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._accepting = True
        self._stopping = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._order = ChatOrder()
        self._handling: set[asyncio.Task[None]] = set()

    # -- lifecycle -----------------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the first connection (raising CredentialsRefused, Unreached... when it cannot be had),
        then keep one open in the background."""
        self._session = aiohttp.ClientSession()
        try:
            ws = await self._connect()
        except BaseException:
            await self._session.close()
            raise
        self._worker = asyncio.create_task(self._work(), name="dingtalk-stream-worker")
        self._runner = asyncio.create_task(self._run(ws), name="dingtalk-stream")

    async def stop_receiving(self) -> None:
        """No new frame is taken (DingTalk gives what is not acknowledged to another connection); the
        frames taken are handled and acknowledged; then the connection closes."""
        self._accepting = False
        if self._worker is not None and not self._worker.done():
            try:
                await asyncio.wait_for(self._queue.join(), timeout=STOP_GRACE)
            except TimeoutError:  # a stuck handler: its frame stays unacknowledged and DingTalk gives it on
                log.warning("DingTalk frames still being handled at stop: left unacknowledged")
        self._stopping.set()
        if self._ws is not None:
            await self._ws.close()
        for task in (self._runner, self._worker, *self._handling):
            if task is not None and not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- connecting ----------------------------------------------------------------------------------
    async def _connect(self) -> aiohttp.ClientWebSocketResponse:
        endpoint, ticket = await self.api.open_connection([("CALLBACK", topic) for topic in self.topics])
        assert self._session is not None
        try:
            ws = await self._session.ws_connect(
                f"{endpoint}?ticket={quote_plus(ticket)}", heartbeat=self.heartbeat, autoping=True
            )
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise Unreached(f"stream websocket {endpoint}: {type(exc).__name__}: {exc}") from exc
        self._ws = ws
        self.connections += 1
        self.connected.set()
        log.info("DingTalk stream connected", extra={"endpoint": endpoint, "connection": self.connections})
        return ws

    async def _run(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        while True:
            asked = await self._read(ws)
            self.connected.clear()
            if self._stopping.is_set():
                return
            log.warning("DingTalk stream connection closed: reconnecting", extra={"close_code": ws.close_code})
            reconnected = await self._reconnect(first_delay=0.0 if asked else self._delay(0))
            if reconnected is None:
                return
            ws = reconnected

    async def _reconnect(self, first_delay: float) -> aiohttp.ClientWebSocketResponse | None:
        """A new connection, retried with backoff for as long as it takes; None when stopping."""
        delay, failures = first_delay, 0
        while True:
            if delay and await self._wait(delay):
                return None
            if self._stopping.is_set():
                return None
            try:
                return await self._connect()
            except CredentialsRefused as exc:  # a secret changed while running: keep trying, say why
                log.error("DingTalk refused the app credentials while reconnecting: %s", exc)
            except (DingTalkError, Unreached, Unanswered) as exc:
                log.warning("DingTalk stream reconnect failed (attempt %d): %s", failures + 1, exc)
            failures += 1
            delay = self._delay(failures)

    def _delay(self, attempt: int) -> float:
        """Exponential backoff with jitter, so many replicas do not reconnect in step."""
        return min(self.max_backoff, self.backoff * 2**attempt) * random.uniform(0.5, 1.0)

    async def _wait(self, seconds: float) -> bool:
        """Sleep unless stopping; True when stopping."""
        try:
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)
        except TimeoutError:
            return False
        return True

    # -- reading -------------------------------------------------------------------------------------
    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> bool:
        """Frames until the connection ends; True when the server asked us to reconnect at once."""
        asked = False
        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            frame = Frame.parse(message.data)
            if frame is None:
                log.warning("DingTalk stream: a frame that is not JSON ignored", extra={"frame": message.data[:200]})
                continue
            asked = await self._on_frame(frame, ws) or asked
        return asked

    async def _on_frame(self, frame: Frame, ws: aiohttp.ClientWebSocketResponse) -> bool:
        if frame.kind == "SYSTEM":
            await _send(ws, frame.ack())
            if frame.topic == "disconnect":
                log.info("DingTalk asked to reconnect (disconnect)")
                await ws.close()
                return True
            return False
        if frame.kind != "CALLBACK" or frame.topic not in self.topics:
            await _send(ws, frame.ack())  # an event we did not ask for: acknowledged, nothing else
            return False
        if not self._accepting:
            return False  # stopping: not acknowledged, so DingTalk gives it to another connection
        if frame.message_id in self._seen:
            log.info("DingTalk redelivered a frame already handled", extra={"message_id": frame.message_id})
            await _send(ws, frame.ack(data=_RESPONSE))
            return False
        self._remember(frame.message_id)
        self._queue.put_nowait((frame, ws))
        return False

    def _remember(self, message_id: str) -> None:
        self._seen[message_id] = None
        while len(self._seen) > SEEN_KEPT:
            self._seen.popitem(last=False)

    async def _work(self) -> None:
        """Take the frames in order, each handled in a task of its own: nobody waits behind another
        person's slow request, and a chat's turns (channels/chat_order.py) keep its frames in order."""
        while True:
            frame, ws = await self._queue.get()
            task = asyncio.create_task(self._one(frame, ws), name=f"dingtalk-frame-{frame.message_id}")
            self._handling.add(task)
            task.add_done_callback(self._handling.discard)

    async def _one(self, frame: Frame, ws: aiohttp.ClientWebSocketResponse) -> None:
        """One frame, in its chat's turn (taken before any await: in the order the frames came); acknowledged
        once handled."""
        try:
            data = json.loads(frame.data)
            chat = self.chat_key(frame.topic, data) if self.chat_key is not None else None
            async with self._order.turn(frame.message_id if chat is None else chat):
                await self.handler(frame.topic, data)
        except Exception:  # the handler answers its own failures; this is a frame it could not read
            log.exception("DingTalk frame not handled", extra={"message_id": frame.message_id})
        finally:
            self.frames_handled += 1
            await _send(ws, frame.ack(data=_RESPONSE))
            self._queue.task_done()


_RESPONSE = json.dumps({"response": "OK"})


async def _send(ws: aiohttp.ClientWebSocketResponse, text: str) -> None:
    """An acknowledgement; on a connection that closed meanwhile it is lost, and DingTalk redelivers."""
    if ws.closed:
        return
    try:
        await ws.send_str(text)
    except (ConnectionError, RuntimeError, aiohttp.ClientError) as exc:
        log.info("acknowledgement not sent (connection closing): %s", exc)
