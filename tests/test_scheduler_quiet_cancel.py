"""A job APScheduler cancels at shutdown is one INFO line, not an error with a traceback."""

import asyncio
import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]

from scheduler.jobs import _QuietShutdownCancel


def test_a_job_cancelled_by_shutdown_is_one_quiet_line(caplog):
    async def scenario() -> None:
        scheduler = AsyncIOScheduler()
        logging.getLogger("apscheduler.executors.default").addFilter(_QuietShutdownCancel())

        async def slow_job() -> None:
            await asyncio.sleep(5)

        scheduler.add_job(slow_job, id="slow")
        scheduler.start()
        await asyncio.sleep(0.05)  # the job is running
        scheduler.shutdown(wait=False)
        await asyncio.sleep(0.05)

    with caplog.at_level(logging.INFO):
        asyncio.run(scenario())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert "a scheduler job woken during shutdown was cancelled" in caplog.messages
