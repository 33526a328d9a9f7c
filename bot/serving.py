"""Running the bot until SIGTERM or SIGINT, by long polling or by webhook: one lifecycle for both.

Stop order, so nothing acknowledged is lost and the process exits 0 within seconds:
  1. the reminder duty winds down (no new send starts; in-flight sends get a short grace);
  2. updates stop coming in (the poll is cancelled, or the webhook server closes);
  3. PTB finishes the updates already received and waits for the reminder run to end;
  4. the scheduler lease is released, so another process takes over at once.
A second signal while stopping is ignored (logged): stopping is already under way.
"""
from __future__ import annotations

import asyncio
import logging
import signal

from telegram.ext import Application

from bot.webhook import WebhookConfig, WebhookServer
from scheduler.jobs import duty_of

log = logging.getLogger("duban.run")
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


async def serve(application: Application, webhook: WebhookConfig | None = None) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    duty = duty_of(application)
    mode = "webhook" if webhook else "polling"
    if duty is not None:
        duty.leadership.mode = mode

    def on_signal(name: str) -> None:
        if stop.is_set():
            log.info("already stopping", extra={"signal": name})
            return
        log.info("stop signal received: stopping", extra={"signal": name})
        if duty is not None:
            duty.wind_down()
        stop.set()

    for sig in STOP_SIGNALS:
        loop.add_signal_handler(sig, on_signal, sig.name)
    server = WebhookServer(application, webhook) if webhook else None
    try:
        await application.initialize()
        if application.post_init:
            await application.post_init(application)
        if not stop.is_set():
            if server is not None:
                await server.start()
                await server.register()
            else:
                await application.updater.start_polling(drop_pending_updates=False)
            await application.start()
            log.info("bot running", extra={"mode": mode})
            await stop.wait()
    finally:
        await _stop(application, server)
        for sig in STOP_SIGNALS:
            loop.remove_signal_handler(sig)
    log.info("bot stopped")


async def _stop(application: Application, server: WebhookServer | None) -> None:
    duty = duty_of(application)
    if duty is not None:
        duty.wind_down()
    if server is not None:
        await server.stop()
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
        if application.post_stop:
            await application.post_stop(application)
    if duty is not None:
        await asyncio.to_thread(duty.release)
    await application.shutdown()
    if application.post_shutdown:
        await application.post_shutdown(application)
