"""The one place the bot is assembled: settings, database, clock and calendar in; the channels, the
conversation and the reminder scheduler wired together out.

    bot = assemble(settings, db, clock)
    await bot.start()   # every configured channel receives, the scheduler (if on) wakes
    ...
    await bot.stop()
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.clock import SystemClock
from bot.config import Settings
from bot.senders import RoutingSender, dingtalk_channel
from channels.telegram.channel import TelegramChannel
from channels.telegram.pacing import Pacer
from deadlines.clock import Clock
from deadlines.policy import ReminderPolicy
from deadlines.workdays import WorkdayCalendar
from handlers import documents_worker
from handlers.context import Context
from handlers.dispatch import Dispatcher
from handlers.markup import split_lines
from handlers.ports import ChannelError, Sender
from handlers.replies import Message, Upload
from handlers.routing import routes
from scheduler.jobs import HandBackSender, ReminderDuty
from scheduler.leadership import Leadership
from scheduler.runner import ReminderRunner
from scheduler.weekly import BuildParts, WeeklyDelivery
from services.accounts import resolve_admins
from services.tasks import NoLetter
from services.weekly import gather_week
from storage.db import Database

if TYPE_CHECKING:  # annotations only: the adapters load when used
    from channels.dingtalk.channel import DingTalkChannel
    from channels.telegram.webhook import WebhookConfig


@dataclass
class Assembly:
    settings: Settings
    ctx: Context
    dispatcher: Dispatcher
    telegram: TelegramChannel | None
    duty: ReminderDuty | None
    dingtalk: DingTalkChannel | None = None

    @property
    def channels(self) -> list[TelegramChannel | DingTalkChannel]:
        return [c for c in (self.telegram, self.dingtalk) if c is not None]

    async def start(
        self, webhook: WebhookConfig | None = None, poll_timeout: int = 10, poll_interval: float = 0.0
    ) -> None:
        """Every configured channel receives, then the scheduler wakes. ChannelError: one could not start."""
        documents_worker.answer_first()  # a document built in a worker holds up no one's answer
        if self.telegram is not None:
            await self.telegram.start(webhook, poll_timeout=poll_timeout, poll_interval=poll_interval)
        elif webhook is not None:
            raise ChannelError("--webhook receives Telegram's updates, and TELEGRAM_BOT_TOKEN is not set")
        if self.dingtalk is not None:
            await self.dingtalk.start()
        if self.duty is not None:
            self.duty.leadership.mode = "webhook" if webhook else ("polling" if self.telegram else "stream")
            self.duty.start()

    def wind_down(self) -> None:
        """The first thing on SIGTERM: no new reminder send starts."""
        if self.duty is not None:
            self.duty.wind_down()

    async def stop(self) -> None:
        """Stop order, so nothing acknowledged is lost: no new send; no new update; the updates received
        are answered; the reminder run ends (within its grace); the lease is given back."""
        self.wind_down()
        for channel in self.channels:
            await channel.stop_receiving()
        if self.duty is not None:  # before the channels close their HTTP clients: sends in flight need them
            await self.duty.stop()
        for channel in self.channels:
            await channel.stop()


def weekly_report_parts(db: Database, calendar: WorkdayCalendar, policy: ReminderPolicy, tz: ZoneInfo) -> BuildParts:
    """The weekly report as the scheduler sends it: services gather the week, reports render it, here it
    becomes messages (the text split to fit) and files (three charts, the workbook)."""

    def build_parts(scheduled: date, today: date) -> list[Message | Upload] | None:
        from reports import weekly  # late: matplotlib and openpyxl load when a report is first built

        try:
            week = gather_week(db, scheduled, today, calendar, policy, tz)
        except NoLetter:
            return None
        built = weekly.build(week)
        parts: list[Message | Upload] = [Message(piece) for piece in split_lines(built.text)]
        parts += [Upload("photo", f"{c.name}.png", c.title, data=c.png) for c in built.charts]
        parts.append(
            Upload("document", built.filename, "工作簿:任务清单、考核评分、操作记录、图表", data=built.workbook)
        )
        return parts

    return build_parts


def make_duty(
    settings: Settings,
    db: Database,
    clock: Clock,
    calendar: WorkdayCalendar,
    policy: ReminderPolicy,
    channel_sender: Sender,
    admins: frozenset[int],
) -> ReminderDuty:
    duty: ReminderDuty | None = None
    sender = HandBackSender(channel_sender, lambda: duty is not None and duty.stopping)
    weekly = None
    if settings.weekly_at is not None:
        parts = weekly_report_parts(db, calendar, policy, settings.timezone)
        weekly = WeeklyDelivery(db, clock, sender, admins, settings.weekly_at, parts)
    runner = ReminderRunner(db, clock, calendar, sender, admins, policy, weekly=weekly)
    # Real elapsed time for the lease, whatever clock the business day runs on (see leadership.py).
    leadership = Leadership(db, SystemClock(UTC), timedelta(seconds=settings.scheduler_lease_seconds))
    duty = ReminderDuty(
        runner, leadership, settings.scheduler_tick_seconds, single_process_db=db.engine.dialect.name == "sqlite"
    )
    return duty


def assemble(
    settings: Settings,
    db: Database,
    clock: Clock,
    calendar: WorkdayCalendar | None = None,
    policy: ReminderPolicy | None = None,
    with_scheduler: bool | None = None,
    pacer: Pacer | None = None,
) -> Assembly:
    """Every configured channel (Telegram with TELEGRAM_BOT_TOKEN, DingTalk with its three DINGTALK_
    settings) in front of one conversation and one scheduler. `pacer`: Telegram's flood limits by default;
    tests that measure the bot itself pass looser ones."""
    if not settings.token and not settings.dingtalk_configured:
        raise ValueError("no TELEGRAM_BOT_TOKEN and no DINGTALK_CLIENT_ID: nothing to serve")
    calendar = calendar or settings.calendar()
    policy = policy or settings.reminder_policy()
    telegram = (
        TelegramChannel(settings.token, settings.timezone, settings.api_base_url, settings.file_base_url, pacer=pacer)
        if settings.token
        else None
    )
    dingtalk = dingtalk_channel(settings, db, clock) if settings.dingtalk_configured else None
    # DUBAN_ADMINS' dingtalk:USERID entries, as the numbers duban knows those people by.
    admins = settings.admins | resolve_admins(db, clock, settings.admin_accounts)
    sender = RoutingSender(telegram.sender if telegram else None, dingtalk.sender if dingtalk else None)
    ctx = Context(
        db,
        clock,
        calendar,
        policy,
        admins,
        settings.evidence_dir,
        sender,
        evidence_required=settings.evidence_required,
        templates=settings.template_dir,
    )
    dispatcher = Dispatcher(ctx, routes())
    for channel in (telegram, dingtalk):
        if channel is not None:
            channel.attach(dispatcher)
    scheduling = settings.reminders_enabled if with_scheduler is None else with_scheduler
    duty = make_duty(settings, db, clock, calendar, policy, sender, admins) if scheduling else None
    return Assembly(settings, ctx, dispatcher, telegram, duty, dingtalk)
