"""Webhook mode: Telegram POSTs each update to us; we check its secret header and queue it for PTB.

This is PTB's "custom webhook server" arrangement (updates go into `application.update_queue`), served
with aiohttp, which duban already depends on, instead of PTB's built-in server, which needs tornado.
TLS is terminated in front (nginx, Caddy, a load balancer): we listen on plain HTTP at
DUBAN_WEBHOOK_LISTEN:DUBAN_WEBHOOK_PORT, on the path of the public URL.

A request whose X-Telegram-Bot-Api-Secret-Token header is missing or wrong is answered 403 and dropped.
An accepted update is answered 200 as soon as it is queued, as PTB's own server does.
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from aiohttp import web
from telegram import Update
from telegram.ext import Application

log = logging.getLogger("duban.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPDATE_BYTES = 1024 * 1024  # an update is JSON text; media never comes inline


@dataclass(frozen=True)
class WebhookConfig:
    url: str  # the public https URL given to Telegram
    listen: str
    port: int
    secret: str

    @property
    def path(self) -> str:
        return urlsplit(self.url).path or "/"


def webhook_config(url: str, listen: str, port: int, secret: str) -> WebhookConfig:
    """Check the public URL: Telegram delivers only to https, and never to a URL with a query."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(
            f"{url!r} is not an https URL; Telegram sends webhooks only to https, "
            "e.g. --webhook https://bot.example.gov.cn/duban/telegram"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"{url!r}: the webhook URL must not carry a query or fragment")
    return WebhookConfig(url, listen, port, secret)


class WebhookServer:
    def __init__(self, application: Application, config: WebhookConfig):
        self.application, self.config = application, config
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application(client_max_size=MAX_UPDATE_BYTES)
        app.router.add_post(self.config.path, self._receive)
        # Short shutdown: an accepted request only queues an update, it never waits for handlers.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.config.listen, self.config.port).start()
        log.info(
            "webhook server listening",
            extra={"listen": self.config.listen, "port": self.config.port, "path": self.config.path},
        )

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _receive(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.config.secret.encode()):
            log.warning(
                "webhook request refused: secret token missing or wrong",
                extra={"remote": request.remote, "has_header": SECRET_HEADER in request.headers},
            )
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            update = Update.de_json(data, self.application.bot)
        except (json.JSONDecodeError, UnicodeDecodeError, TypeError, KeyError, ValueError):
            log.warning("webhook request refused: not an update", extra={"remote": request.remote})
            return web.Response(status=400, text="not a Telegram update")
        await self.application.update_queue.put(update)
        return web.Response(text="ok")

    async def register(self, max_connections: int = 40) -> None:
        """Tell Telegram where to send updates (setWebhook), with the secret it must send back."""
        await self.application.bot.set_webhook(
            url=self.config.url, secret_token=self.config.secret, max_connections=max_connections
        )
