"""Running the bot until SIGTERM or SIGINT, by long polling or by webhook: one lifecycle for both.

Stop order, so nothing acknowledged is lost and the process exits 0 within seconds:
  1. the reminder duty winds down (no new send starts; in-flight sends get a short grace);
  2. updates stop coming in (the poll is cancelled, or the webhook server closes; DingTalk's stream takes
     no new frame, so DingTalk gives what is not acknowledged to another connection);
  3. the updates already received are answered and the reminder run ends;
  4. the scheduler lease is released, so another process takes over at once.
A second signal while stopping is ignored (logged): stopping is already under way.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import TYPE_CHECKING

from bot.app import Assembly

if TYPE_CHECKING:  # annotations only: the adapters load when used
    from channels.telegram.webhook import WebhookConfig

log = logging.getLogger("duban.run")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def serve(bot: Assembly, webhook: WebhookConfig | None = None) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    mode = "webhook" if webhook else "polling"

    def on_signal(name: str) -> None:
        if stop.is_set():
            log.info("already stopping", extra={"signal": name})
            return
        log.info("stop signal received: stopping", extra={"signal": name})
        bot.wind_down()
        stop.set()

    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, on_signal, sig.name)
    try:
        if not stop.is_set():
            await bot.start(webhook)
            log.info("bot running", extra={"mode": mode})
            await stop.wait()
    finally:
        await bot.stop()
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
    log.info("bot stopped")
