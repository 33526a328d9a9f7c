"""Running reminders in the bot process: APScheduler 3 wakes the lease heartbeat and the reminder run.

The database decides what is sent, not the scheduler: a wake-up that finds nothing due does nothing, one
that comes late (after downtime) sends what came due meanwhile, and misfires cannot skip anything.

Several bot processes may share one database; only the holder of the scheduler lease
(scheduler/leadership.py) runs reminders, the others stand by and answer chats. The lease holder calls
`runner.recover()` when it takes over, never a standby: that would mark the holder's sends in flight as
uncertain.

On SIGTERM (`wind_down`), sends not yet started (or waiting to retry) are handed back to the ledger as
planned, those in flight get `SHUTDOWN_GRACE_SECONDS` to finish; after that the run is cancelled and a send
cut off stays "sending", which the next holder's recover() turns into "uncertain" (never resent, so never
duplicated, and shown to the office with a button to send it again). One cut off while it waited for a
retry (429, 5xx) reached nobody: recover() plans it again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler  # type: ignore[import-untyped]

from handlers.log_context import bind
from handlers.ports import FAILED, BeforeSend, Outcome, Sender
from handlers.replies import Message, Upload
from scheduler.leadership import Beat, Leadership
from scheduler.runner import ReminderRunner

log = logging.getLogger("duban.jobs")
SHUTDOWN_GRACE_SECONDS = 5.0
HANDED_BACK = "handed back: the process was stopping (sent by the next run)"


class _HandBack(Exception):
    pass


class _QuietShutdownCancel(logging.Filter):
    """APScheduler's shutdown cancels a job woken at that very moment and logs it as an error with a
    traceback; at shutdown that is expected (the job would have returned at once), so say it in one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError):
            log.info("a scheduler job woken during shutdown was cancelled", extra={"job": record.args})
            return False
        return True


class HandBackSender:
    """A Sender that, once the process is stopping, starts no new send: it reports a failure that reached
    nothing (so the runner puts the reminders back to planned) instead of sending."""

    def __init__(self, inner: Sender, stopping: Callable[[], bool]):
        self.inner, self.stopping = inner, stopping

    async def send(
        self,
        chat_id: int,
        item: Message | Upload,
        before_send: BeforeSend | None = None,
        retrying: BeforeSend | None = None,
    ) -> Outcome:
        async def guarded() -> None:
            if self.stopping():  # checked after pacing, right before a request (or its retry) would leave
                raise _HandBack
            if before_send is not None:
                await before_send()

        if self.stopping():
            return Outcome(FAILED, chat_id, error=HANDED_BACK)
        try:
            return await self.inner.send(chat_id, item, guarded, retrying)
        except _HandBack:
            return Outcome(FAILED, chat_id, error=HANDED_BACK)


class ReminderDuty:
    """This process's part in reminders: hold the lease and run them, or stand by."""

    def __init__(self, runner: ReminderRunner, leadership: Leadership, tick_seconds: int, single_process_db: bool):
        self.runner, self.leadership, self.tick_seconds = runner, leadership, tick_seconds
        self.single_process_db = single_process_db  # SQLite: a second process is a mistake, say so loudly
        self.stopping = False
        self._run_lock = asyncio.Lock()
        self._current_run: asyncio.Task[None] | None = None
        self._standby_said: str | None = None
        self._recovered = False  # recover() ran since this process took the lease
        self.scheduler: AsyncIOScheduler | None = None

    # -- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Wake the heartbeat at once (then every ttl/3) and the reminder run every tick. Needs a running loop."""
        scheduler = AsyncIOScheduler(timezone=UTC)
        executor_log = logging.getLogger("apscheduler.executors.default")
        if not any(isinstance(f, _QuietShutdownCancel) for f in executor_log.filters):
            executor_log.addFilter(_QuietShutdownCancel())
        # One run at a time; a late wake-up still runs (the ledger makes catching up safe).
        once = {"max_instances": 1, "coalesce": True, "misfire_grace_time": None}
        scheduler.add_job(
            self.heartbeat,
            "interval",
            seconds=self.leadership.heartbeat_seconds,
            next_run_time=datetime.now(UTC),
            id="scheduler-lease",
            **once,
        )
        scheduler.add_job(self.tick, "interval", seconds=self.tick_seconds, id="reminders", **once)
        scheduler.start()
        self.scheduler = scheduler

    async def stop(self) -> None:
        """After wind_down: let the run in flight end (within the grace), stop waking, give the lease back."""
        self.wind_down()
        if self._current_run is not None:
            await asyncio.wait({self._current_run}, timeout=SHUTDOWN_GRACE_SECONDS + 5)
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await asyncio.to_thread(self.release)

    # -- jobs --------------------------------------------------------------------------------------
    async def heartbeat(self) -> None:
        if self.stopping:
            return
        try:
            beat = await asyncio.to_thread(self.leadership.beat)
        except Exception:
            log.exception("scheduler lease heartbeat failed")
            if self.leadership.holding and not self.leadership.still_valid():
                self.leadership.holding, self._recovered = False, False
                self._stop_run("the lease could not be renewed before it ran out")
            return
        if beat.took_over:
            self._standby_said, self._recovered = None, False
            log.info("holding the scheduler lease: running reminders", extra={"holder": self.leadership.me})
        if beat.holding and not self._recovered:
            await self._recover()
        elif beat.lost:
            self._recovered = False
            holder = beat.lease.holder if beat.lease else None
            log.error("lost the scheduler lease: stopping reminders", extra={"new_holder": holder})
            self._stop_run("another process holds the lease now")
        elif not beat.holding:
            self._say_standby(beat)

    async def _recover(self) -> None:
        """Before the first run of this term: what a previous holder left mid-send is in doubt."""
        try:
            found = await asyncio.to_thread(self.runner.recover)
        except Exception:  # no run until it worked: the next beat tries again
            log.exception("recovering in-flight reminders failed")
            return
        self._recovered = True
        log.info("recovered after taking the lease", extra={"requeued": found.requeued, "uncertain": found.uncertain})
        if self.scheduler is not None:
            self.scheduler.add_job(self.tick, id="reminders-takeover", replace_existing=True)

    async def tick(self) -> None:
        if self.stopping or not self._recovered or not self.leadership.still_valid() or self._run_lock.locked():
            return
        async with self._run_lock:
            bind(job="reminders", holder=self.leadership.me)
            self._current_run = asyncio.current_task()
            try:
                report = await self.runner.run_once()
                if report.skipped is None:
                    log.info(
                        "reminder run",
                        extra={
                            "day": report.day,
                            "messages": report.messages,
                            "planned": report.planned,
                            "digests": report.digests,
                        },
                    )
            except asyncio.CancelledError:  # only _stop_run cancels this task: end the job quietly
                log.warning("reminder run cut off; a send in flight stays 'sending' until recover()")
            except Exception:  # the next tick tries again; the ledger keeps what was done
                log.exception("reminder run failed")
            finally:
                self._current_run = None

    # -- stopping ----------------------------------------------------------------------------------
    def wind_down(self) -> None:
        """SIGTERM/SIGINT: start no new send; cut the run off if in-flight sends outlast the grace."""
        if self.stopping:
            return
        self.stopping = True
        if self._current_run is not None:
            log.info(
                "stopping: in-flight sends finish, the rest is handed back",
                extra={"grace_seconds": SHUTDOWN_GRACE_SECONDS},
            )
            asyncio.get_running_loop().call_later(SHUTDOWN_GRACE_SECONDS, self._stop_run, "shutdown grace over")

    def release(self) -> None:
        """After the last run ended: give the lease back so another process takes over at once."""
        try:
            self.leadership.release()
        except Exception:  # the lease then simply runs out
            log.exception("could not release the scheduler lease")

    def _stop_run(self, why: str) -> None:
        if self._current_run is not None and not self._current_run.done():
            log.warning("cancelling the reminder run", extra={"reason": why})
            self._current_run.cancel()

    # -- standby -----------------------------------------------------------------------------------
    def _say_standby(self, beat: Beat) -> None:
        lease = beat.lease
        holder = lease.holder if lease else "?"
        note = f"the scheduler lease is held by {holder}"
        if note == self._standby_said:
            return
        self._standby_said = note
        if self.single_process_db:
            log.warning(
                "scheduler not started: %s; SQLite is meant for one bot process (use PostgreSQL for "
                "several). This process answers chats only and takes over if that one stops.",
                note,
                extra={"holder": holder},
            )
        else:
            log.info(
                "standing by: %s; this process answers chats and takes over if that one stops",
                note,
                extra={"holder": holder},
            )
