"""The HTTP and websocket side of the fake DingTalk: an aiohttp server in its own thread and event loop,
answering the OpenAPI endpoints duban uses the way DingTalk does (fields, error bodies, 401 for a bad
token) and holding the stream connections it pushes frames through."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSMsgType, web

from .state import MARKDOWN_LIMIT, Card, Sent, State

log = logging.getLogger("fake_dingtalk")
Route = Callable[[web.Request, dict[str, Any]], Awaitable[web.Response]]
MESSAGE_KEYS = {
    "sampleMarkdown": ("title", "text"),
    "sampleText": ("content",),
    "sampleImageMsg": ("photoURL",),
    "sampleFile": ("mediaId", "fileName", "fileType"),
}


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"code": code, "message": message, "requestid": "fake"}, status=status)


class Server:
    def __init__(self, state: State):
        self.state = state
        self.port: int | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.sockets: list[web.WebSocketResponse] = []
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None

    # -- lifecycle (from the test's thread) ----------------------------------------------------------
    def start(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="FakeDingTalk", daemon=True)
        self._thread.start()
        self.run(self._start()).result(timeout=10)

    def stop(self) -> None:
        if self.loop is None:
            return
        self.run(self._stop()).result(timeout=10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.loop.close()
        self.loop = None

    def run(self, coro: Awaitable[Any]) -> Any:
        assert self.loop is not None
        return asyncio.run_coroutine_threadsafe(coro, self.loop)  # type: ignore[arg-type]

    async def _start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        routes: dict[tuple[str, str], Route] = {
            ("POST", "/v1.0/oauth2/accessToken"): self.access_token,
            ("POST", "/v1.0/gateway/connections/open"): self.open_connection,
            ("POST", "/v1.0/robot/oToMessages/batchSend"): self.batch_send,
            ("POST", "/v1.0/robot/groupMessages/send"): self.group_send,
            ("GET", "/v1.0/robot/oToMessages/readStatus"): self.read_status,
            ("POST", "/v1.0/robot/messageFiles/download"): self.download,
            ("POST", "/v1.0/card/instances/createAndDeliver"): self.deliver_card,
            ("PUT", "/v1.0/card/instances"): self.update_card,
        }
        for (method, path), handler in routes.items():
            app.router.add_route(method, path, self._guarded(handler))
        app.router.add_post("/media/upload", self.upload)
        app.router.add_get("/files/{code}", self.file)
        app.router.add_get("/connect", self.connect)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def _stop(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- every OpenAPI request: faults, outage, token, the JSON body ---------------------------------
    def _guarded(self, handler: Route) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def guarded(request: web.Request) -> web.StreamResponse:
            path = request.path
            with self.state.lock:
                self.state.requests.append((request.method, path))
                rule = self.state.take_rule(path)
                outage = self.state.outage
            if outage:
                return _error(503, "ServiceUnavailable", "服务暂不可用")
            body: dict[str, Any] = await request.json() if request.can_read_body else {}
            if rule is not None and not rule.drop:
                return _error(rule.status, rule.code, rule.message)
            if path not in ("/v1.0/oauth2/accessToken", "/v1.0/gateway/connections/open"):
                with self.state.lock:
                    if not self.state.token_ok(request.headers.get("x-acs-dingtalk-access-token")):
                        return _error(401, "InvalidAuthentication", "不合法的access_token")
            response = await handler(request, body)
            if rule is not None and rule.drop:  # handled, but the answer never arrives
                assert request.transport is not None
                request.transport.close()
            return response

        return guarded

    def _reject(self, why: str, status: int = 400, code: str = "invalidParameter") -> web.Response:
        with self.state.lock:
            self.state.rejections.append(why)
        return _error(status, code, why)

    def _credentials_ok(self, key: Any, secret: Any) -> bool:
        return key == self.state.client_id and secret == self.state.client_secret

    # -- endpoints -----------------------------------------------------------------------------------
    async def access_token(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        if body.get("appKey") != self.state.client_id:
            return _error(400, "invalidClientId", "应用的 appKey 不存在")
        if body.get("appSecret") != self.state.client_secret:
            return _error(400, "invalidClientSecret", "应用的 appSecret 不正确")
        with self.state.lock:
            token, seconds = self.state.new_token()
        return web.json_response({"accessToken": token, "expireIn": seconds})

    async def open_connection(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        if not self._credentials_ok(body.get("clientId"), body.get("clientSecret")):
            return _error(401, "Unauthorized", "clientId 或 clientSecret 不正确")
        subscriptions = body.get("subscriptions") or []
        if not subscriptions:
            return self._reject("subscriptions is empty")
        with self.state.lock:
            ticket = self.state.next_id("ticket")
            self.state.tickets[ticket] = subscriptions
        return web.json_response({"endpoint": f"ws://127.0.0.1:{self.port}/connect", "ticket": ticket})

    def _message(self, body: dict[str, Any]) -> tuple[str, dict[str, Any]] | web.Response:
        if body.get("robotCode") != self.state.robot_code:
            return self._reject(f"robotCode {body.get('robotCode')!r} is not this app's robot", code="robot.notExist")
        key = str(body.get("msgKey") or "")
        try:
            param = json.loads(body.get("msgParam") or "")
        except ValueError:
            return self._reject("msgParam is not JSON")
        missing = [f for f in MESSAGE_KEYS.get(key, ("?",)) if not param.get(f)]
        if key not in MESSAGE_KEYS or missing:
            return self._reject(f"msgKey {key!r}: missing {missing}")
        if len(str(param.get("text") or param.get("content") or "")) > MARKDOWN_LIMIT:
            return self._reject(f"{key}: text longer than {MARKDOWN_LIMIT} characters", code="param.tooLong")
        if key in ("sampleImageMsg", "sampleFile") and (param.get("photoURL") or param.get("mediaId")) not in (
            self.state.media
        ):
            return self._reject("unknown media id", code="invalidMediaId")
        return key, param

    async def batch_send(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        found = self._message(body)
        if isinstance(found, web.Response):
            return found
        key, param = found
        users = [str(u) for u in body.get("userIds") or []]
        if not 1 <= len(users) <= 20:
            return self._reject(f"userIds: {len(users)} users (1..20 a call)")
        invalid, held = [], []
        with self.state.lock:
            query_key = self.state.next_id("pqk")
            for user in users:
                if user in self.state.invalid or user not in self.state.users:
                    invalid.append(user)
                elif self.state.flow_controlled.get(user, 0) > 0:
                    self.state.flow_controlled[user] -= 1
                    self.state.held.append((user, str(param.get("text") or "")))
                    held.append(user)
                else:
                    self.state.sent.append(Sent(user, False, key, param, query_key))
        return web.json_response(
            {"processQueryKey": query_key, "invalidStaffIdList": invalid, "flowControlledStaffIdList": held}
        )

    async def group_send(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        found = self._message(body)
        if isinstance(found, web.Response):
            return found
        key, param = found
        group = str(body.get("openConversationId") or "")
        with self.state.lock:
            if group not in self.state.groups:
                return self._reject(f"the robot is not in group {group}", code="robot.notInGroup")
            query_key = self.state.next_id("pqk")
            self.state.sent.append(Sent(group, True, key, param, query_key))
        return web.json_response({"processQueryKey": query_key})

    async def read_status(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        key = request.query.get("processQueryKey", "")
        with self.state.lock:
            rows = [s for s in self.state.sent if s.query_key == key and not s.group]
            info = [
                {
                    "name": self.state.users.get(s.to, ""),
                    "userId": s.to,
                    "readStatus": "READ" if s.read_at else "UNREAD",
                    **({"readTimestamp": int(s.read_at * 1000)} if s.read_at else {}),
                }
                for s in rows
            ]
        if not rows:
            return self._reject(f"processQueryKey {key!r} unknown")
        return web.json_response({"sendStatus": "SUCCESS", "messageReadInfoList": info})

    async def download(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        code = str(body.get("downloadCode") or "")
        with self.state.lock:
            known = code in self.state.files
        if not known or body.get("robotCode") != self.state.robot_code:
            return self._reject("downloadCode is not valid", code="invalidDownloadCode")
        return web.json_response({"downloadUrl": f"http://127.0.0.1:{self.port}/files/{code}"})

    async def file(self, request: web.Request) -> web.Response:
        with self.state.lock:
            found = self.state.files.get(request.match_info["code"])
        if found is None:
            return web.Response(status=404)
        return web.Response(body=found[0], content_type="application/octet-stream")

    async def upload(self, request: web.Request) -> web.Response:
        with self.state.lock:
            self.state.requests.append(("POST", "/media/upload"))
            good = self.state.token_ok(request.query.get("access_token"))
        if not good:
            return web.json_response({"errcode": 40014, "errmsg": "不合法的access_token"})
        form = await request.post()
        media = form.get("media")
        if not isinstance(media, web.FileField):
            return web.json_response({"errcode": 40004, "errmsg": "不合法的媒体文件类型"})
        with self.state.lock:
            media_id = "@" + self.state.next_id("media")
            self.state.media[media_id] = (media.file.read(), media.filename, request.query.get("type", ""))
        return web.json_response({"errcode": 0, "errmsg": "ok", "media_id": media_id, "created_at": int(time.time())})

    async def deliver_card(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        space = str(body.get("openSpaceId") or "")
        params = (body.get("cardData") or {}).get("cardParamMap") or {}
        if body.get("cardTemplateId") != self.state.card_template:
            return self._reject(f"cardTemplateId {body.get('cardTemplateId')!r} unknown", code="template.notExist")
        if not all(isinstance(v, str) for v in params.values()) or body.get("callbackType") != "STREAM":
            return self._reject("cardParamMap values must be strings; callbackType STREAM")
        kind, _, to = space.removeprefix("dtv1.card//").partition(".")
        if kind not in ("IM_ROBOT", "IM_GROUP") or not to:
            return self._reject(f"openSpaceId {space!r}")
        card = Card(str(body.get("outTrackId")), to, kind == "IM_GROUP", str(body["cardTemplateId"]), dict(params))
        card.delivered = dict(params)
        with self.state.lock:
            self.state.cards[card.card_id] = card
        return web.json_response({"success": True, "result": {"outTrackId": card.card_id, "deliverResults": []}})

    async def update_card(self, request: web.Request, body: dict[str, Any]) -> web.Response:
        params = (body.get("cardData") or {}).get("cardParamMap") or {}
        with self.state.lock:
            card = self.state.cards.get(str(body.get("outTrackId")))
            if card is None:
                return self._reject("outTrackId unknown", code="card.notExist")
            card.params.update(params)
            card.updates.append(dict(params))
        return web.json_response({"success": True, "result": True})

    # -- the stream ----------------------------------------------------------------------------------
    async def connect(self, request: web.Request) -> web.StreamResponse:
        with self.state.lock:
            subscriptions = self.state.tickets.pop(request.query.get("ticket", ""), None)
        if subscriptions is None:
            return web.Response(status=401, text="ticket unknown or used")
        ws = web.WebSocketResponse(autoping=False)  # pings answered by hand: a silent server answers none
        await ws.prepare(request)
        with self.state.lock:
            self.state.connections_opened += 1
        self.sockets.append(ws)
        try:
            async for message in ws:
                if message.type == WSMsgType.PING:
                    if not self.state.silent:
                        await ws.pong(message.data)
                elif message.type == WSMsgType.TEXT:
                    self._on_ack(message.data)
        finally:
            if ws in self.sockets:
                self.sockets.remove(ws)
        return ws

    def _on_ack(self, text: str) -> None:
        try:
            ack = json.loads(text)
            message_id = ack["headers"]["messageId"]
        except (ValueError, KeyError, TypeError):
            with self.state.lock:
                self.state.rejections.append(f"an acknowledgement that is not one: {text[:100]}")
            return
        with self.state.lock:
            self.state.acks[message_id] = ack

    async def push(self, frame: dict[str, Any]) -> bool:
        """A frame on the newest open connection; False when none is open (DingTalk keeps nothing)."""
        live = [ws for ws in self.sockets if not ws.closed]
        if not live or self.state.silent:
            return False
        await live[-1].send_str(json.dumps(frame, ensure_ascii=False))
        return True

    async def drop(self, code: int = 1001) -> int:
        """Close every stream connection, as a network failure or a DingTalk restart would."""
        dropped = 0
        for ws in list(self.sockets):
            await ws.close(code=code)
            dropped += 1
        return dropped
