"""The HTTP side: an aiohttp server in its own thread and event loop, speaking the Bot API.

Running in a separate thread lets one fake serve sync tests, async tests (PTB in the test's own
loop), bots in subprocesses and benchmarks alike.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .context import MethodContext
from .errors import ApiError, bad_request, conflict, not_found, unauthorized
from .faults import Faults
from .methods_bot import METHODS as BOT_METHODS
from .methods_messages import METHODS as MESSAGE_METHODS
from .params import Params, UploadedFile
from .records import RequestRecord
from .state import BotState

_LOGGER = logging.getLogger(__name__)
METHODS = {**BOT_METHODS, **MESSAGE_METHODS}
# Telegram matches method names case-insensitively.
CANONICAL_NAMES = {name.lower(): name for name in [*METHODS, "getUpdates"]}
TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
MAX_BODY = 60 * 1024 * 1024
# How long a superseded long poll waits before answering 409: if its client already hung up
# (PTB cancels its poll on shutdown), the disconnect arrives first and nothing is reported.
_SUPERSEDE_GRACE = 0.2


@dataclass
class _Poller:
    event: asyncio.Event = field(default_factory=asyncio.Event)
    superseded: bool = False


@dataclass
class _MethodCall:
    """One Bot API request being answered: what its log record needs, however it ends."""

    method: str
    started: float
    params: Params = field(default_factory=lambda: Params({}))
    delayed: float = 0.0  # seconds of injected delay
    recorded: bool = False


class ApiServer:
    def __init__(self, state: BotState, ctx: MethodContext, faults: Faults, revoked_tokens: set[str]) -> None:
        self.state = state
        self.ctx = ctx
        self.faults = faults
        self.revoked_tokens = revoked_tokens
        self.port: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._pollers: list[_Poller] = []
        self._closing = False

    # -- lifecycle (called from the test thread) -----------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._closing = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="FakeBotAPI", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start_site(), self._loop).result(timeout=10)
        self.state.on_new_update = self._on_new_update

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self.state.on_new_update = None
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(timeout=10)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._loop.close()
            self._thread = self._loop = None

    async def _start_site(self) -> None:
        app = web.Application(client_max_size=MAX_BODY)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        # handler_cancellation: a client hanging up cancels its handler, so we can tell.
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()

    async def _shutdown(self) -> None:
        self._closing = True
        self._wake_pollers()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _on_new_update(self) -> None:
        """Called by the state (in any thread) when an update is queued: wake the long polls."""
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._wake_pollers)

    def _wake_pollers(self) -> None:
        for poller in self._pollers:
            poller.event.set()

    # -- requests ------------------------------------------------------------------------------
    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        name = request.match_info["method"]
        call = _MethodCall(CANONICAL_NAMES.get(name.lower(), name), started)
        try:
            return await self._answer_method(request, call)
        except ApiError as error:
            self._record(
                call.method,
                call.params,
                error.status,
                error.description,
                error.kind,
                started,
                delayed=call.delayed,
                parameters=error.parameters,
            )
            if error.html is not None:
                return web.Response(status=error.status, text=error.html, content_type="text/html")
            return _json_response(error.status, error.payload())
        except asyncio.CancelledError:
            if not call.recorded:
                self._record(
                    call.method,
                    call.params,
                    0,
                    "client disconnected",
                    "client_gone",
                    started,
                    client_gone=True,
                    delayed=call.delayed,
                )
            raise
        except Exception as exc:  # a bug in the fake: say so loudly instead of a bare 500
            _LOGGER.exception("FakeBotAPI failed on %s", call.method)
            description = f"Internal Server Error: FakeBotAPI bug: {exc!r}"
            self._record(call.method, call.params, 500, description, "fake_error", started)
            return _json_response(500, {"ok": False, "error_code": 500, "description": description})

    async def _answer_method(self, request: web.Request, call: _MethodCall) -> web.Response:
        """Check, run and log one method call, with any injected delay or failure; errors are raised."""
        method = call.method
        self._check_token(request.match_info["token"])
        self._learn_bot_id(request.match_info["token"])
        call.params = await _read_params(request)
        if method not in CANONICAL_NAMES.values():
            raise not_found()
        delay = self.faults.take_delay(method.lower(), _chat_id_of(call.params))
        if delay is not None and delay.before:
            call.delayed = delay.seconds
            await asyncio.sleep(delay.seconds)
        failure = self.faults.take_failure(method.lower(), _chat_id_of(call.params))
        if failure is not None:
            raise failure
        result = await self._run_method(method, call.params)
        if delay is not None and not delay.before:
            call.delayed = delay.seconds
            try:
                await asyncio.sleep(delay.seconds)
            except asyncio.CancelledError:
                # Accepted, but the client gave up waiting: its retry will be a duplicate.
                self._record(method, call.params, 200, None, "ok", call.started, client_gone=True, delayed=call.delayed)
                call.recorded = True
                raise
        self._record(method, call.params, 200, None, "ok", call.started, delayed=call.delayed)
        return _json_response(200, {"ok": True, "result": result})

    async def _run_method(self, method: str, params: Params) -> Any:
        if method == "getUpdates":
            return await self._get_updates(params)
        with self.state.lock:
            return METHODS[method](self.ctx, params)

    def _check_token(self, token: str) -> None:
        if not TOKEN_RE.match(token) or token in self.revoked_tokens:
            raise unauthorized()

    def _learn_bot_id(self, token: str) -> None:
        """Telegram's bot id is the token's numeric part; answer as that bot."""
        bot_id = int(token.split(":", 1)[0])
        if bot_id != self.state.bot_id:
            with self.state.lock:
                self.state.bot_id = bot_id

    def _record(
        self,
        method: str,
        params: Params,
        status: int,
        description: str | None,
        kind: str,
        started: float,
        *,
        client_gone: bool = False,
        delayed: float = 0.0,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        record = RequestRecord(
            method=method,
            params=params.for_log(),
            status=status,
            description=description,
            kind=kind,
            time=time.time(),
            duration=time.monotonic() - started,
            client_gone=client_gone,
            delayed=delayed,
            parameters=parameters,
        )
        with self.state.lock:
            self.state.requests.append(record)
            self.state.notify()

    async def _get_updates(self, params: Params) -> list[dict[str, Any]]:
        """Long polling: answer at once if updates are pending, else hold the request until one
        arrives or `timeout` seconds pass. A newer getUpdates ends an older one with 409."""
        state = self.state
        with state.lock:
            if state.webhook.get("url"):
                raise conflict(
                    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
                )
            limit = min(max(params.int("limit") or 100, 1), 100)
            timeout = _seconds(params.get("timeout"))
            state.set_allowed_updates(params.json("allowed_updates"))
            updates = state.take_updates(params.int("offset"), limit)
        for older in self._pollers:
            older.superseded = True
            older.event.set()
        if updates or timeout <= 0 or self._closing:
            return updates
        poller = _Poller()
        self._pollers.append(poller)
        self._count_poll(+1)
        deadline = time.monotonic() + timeout
        try:
            while not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return []
                try:
                    await asyncio.wait_for(poller.event.wait(), remaining)
                except TimeoutError:
                    return []
                poller.event.clear()
                if poller.superseded:
                    await asyncio.sleep(_SUPERSEDE_GRACE)
                    raise conflict(
                        "terminated by other getUpdates request; make sure that only one bot instance is running"
                    )
                with state.lock:
                    updates = state.take_updates(None, limit)
                if updates:
                    return updates
            return []
        finally:
            self._pollers.remove(poller)
            self._count_poll(-1)

    def _count_poll(self, change: int) -> None:
        with self.state.lock:
            self.state.active_polls += change
            self.state.notify()

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        path = request.match_info["path"]
        params = Params({"file_path": path})
        with self.state.lock:
            file_id = self.state.file_paths.get(path)
            stored = self.state.files.get(file_id) if file_id else None
        token_ok = TOKEN_RE.match(request.match_info["token"]) is not None
        if not token_ok or stored is None or stored.data is None:
            self._record("downloadFile", params, 404, "Not Found", "not_found", started)
            return _json_response(404, not_found().payload())
        self._record("downloadFile", params, 200, None, "ok", started)
        return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")


def _json_response(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(status=status, text=json.dumps(body, ensure_ascii=False), content_type="application/json")


def _seconds(value: Any) -> float:
    try:
        return max(float(value or 0), 0.0)
    except (TypeError, ValueError):
        return 0.0


def _chat_id_of(params: Params) -> int | None:
    try:
        return int(params.get("chat_id"))
    except (TypeError, ValueError):
        return None


async def _read_params(request: web.Request) -> Params:
    """Query string plus a JSON, urlencoded or multipart body."""
    values: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    if not request.can_read_body:
        return Params(values)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise bad_request("can't parse JSON encoded request")
        values.update(body)
        return Params(values)
    form = await request.post()
    for key, value in form.items():
        if isinstance(value, web.FileField):
            files[key] = UploadedFile(value.filename, value.content_type, value.file.read())
        else:
            values[key] = value
    return Params(values, files)
