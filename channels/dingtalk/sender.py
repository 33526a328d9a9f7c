"""Sending one message or file to one DingTalk person or group, and saying exactly what happened
(handlers.ports.Outcome).

A person gets 1:1 robot messages (oToMessages/batchSend), a group group messages (groupMessages/send);
text goes as `sampleMarkdown`, buttons as an interactive card when a template is set, else written out as
typed choices (handlers/choices.py). DingTalk's answers become outcomes:
  - the user in `invalidStaffIdList` (or unknown to DingTalk): blocked: the office is told, reminders stop;
  - the user in `flowControlledStaffIdList`: held by DingTalk's flow control: tried again after a pause,
    then `failed` with nothing accepted, so the reminder goes back to the ledger for the next run;
  - 429 or a QPS limit, a 5xx, a connection that never opened: tried again with backoff, bounded;
  - a request that may have arrived without an answer: `uncertain`, never sent again;
  - any other refusal: `failed` for good ("BadRequest: code: message").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from channels.dingtalk import cards
from channels.dingtalk.api import CredentialsRefused, DingTalkApi, DingTalkError, Unanswered, Unreached
from channels.dingtalk.pacing import Pacer
from channels.dingtalk.render import pieces
from handlers.ports import BLOCKED, FAILED, SENT, UNCERTAIN, BeforeSend, Outcome
from handlers.replies import Message, Upload
from services.accounts import GROUP, Account

log = logging.getLogger("duban.delivery.dingtalk")

UNREACHABLE_CODES = ("staffId.notExisted", "invalidStaffId", "user.notExist", "robot.notInGroup")
THROTTLED_CODES = ("Throttling", "QpsLimit", "qps", "ratelimit", "RateLimit")
Request = Callable[[], Awaitable[dict[str, Any]]]
Verdict = tuple[str, str]  # (status, error) of a request that did not go through
AGAIN = "again"  # a verdict's status: held by flow control, to be sent again after a pause


@dataclass(frozen=True)
class Target:
    """Where a chat number goes on DingTalk."""

    number: int
    external_id: str
    group: bool


class DingTalkSender:
    def __init__(
        self,
        api: DingTalkApi,
        find: Callable[[int], Account | None],
        offer: Callable[[int, Message], Message],
        card_template: str | None = None,
        pacer: Pacer | None = None,
        max_attempts: int = 4,
        backoff: float = 1.0,
        flow_wait: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        """`find`: a chat number's account; `offer`: a message with its buttons written out as typed
        choices (remembered for that chat), for when there is no card template."""
        self.api, self.find, self.offer, self.card_template = api, find, offer, card_template
        self.pacer = pacer or Pacer()
        self.max_attempts, self.backoff, self.flow_wait, self.sleep = max_attempts, backoff, flow_wait, sleep
        self.cards_sent: dict[str, int] = {}  # outTrackId -> chat, for the cards this process delivered

    async def send(
        self,
        chat_id: int,
        item: Message | Upload,
        before_send: BeforeSend | None = None,
        retrying: BeforeSend | None = None,
    ) -> Outcome:
        outcome = Outcome(SENT, chat_id)
        found = self.find(chat_id)
        if found is None:
            outcome.status, outcome.error = (
                FAILED,
                f"BadRequest: chat {chat_id} is no DingTalk user or group duban knows",
            )
            return outcome
        target = Target(chat_id, found.external_id, found.kind == GROUP)
        try:
            requests = await self._requests(target, item)
        except (OSError, DingTalkError, Unreached, Unanswered) as exc:  # an upload that failed: nothing sent
            outcome.status, outcome.error = FAILED, f"{'BadRequest: ' if isinstance(exc, OSError) else ''}{exc}"
            return outcome
        for request in requests:
            verdict = await self._send_one(outcome, target, request, before_send, retrying)
            before_send = retrying = None  # a later part follows an accepted one: no going back
            if verdict is not None:
                outcome.status, outcome.error = verdict
                break
        return outcome

    # -- what to send --------------------------------------------------------------------------------
    async def _requests(self, target: Target, item: Message | Upload) -> list[Request]:
        if isinstance(item, Upload):
            return await self._upload(target, item)
        if item.buttons and self.card_template:
            return [self._card(target, item)]
        if item.buttons:
            item = self.offer(target.number, item)
        return [self._message(target, "sampleMarkdown", {"title": t, "text": text}) for t, text in pieces(item)]

    def _message(self, target: Target, key: str, param: dict[str, Any]) -> Request:
        if target.group:
            return lambda: self.api.send_to_group(target.external_id, key, param)
        return lambda: self.api.send_to_users([target.external_id], key, param)

    def _card(self, target: Target, message: Message) -> Request:
        assert self.card_template is not None
        card = cards.card_id(target.number)
        user, group = (None, target.external_id) if target.group else (target.external_id, None)
        body = cards.delivery(self.card_template, self.api.robot_code, card, user, group, message)

        async def deliver() -> dict[str, Any]:
            answer = await self.api.deliver_card(body)
            self.cards_sent[card] = target.number
            return answer

        return deliver

    async def _upload(self, target: Target, item: Upload) -> list[Request]:
        """The file into DingTalk's media store first (nothing is sent to the chat yet), then a message."""
        if item.data is not None:
            data, name = item.data, item.filename
        elif item.path:
            data, name = Path(item.path).read_bytes(), item.filename or Path(item.path).name
        elif item.ref and item.ref_channel == "dingtalk":
            data, name = await self.api.download(item.ref), item.filename
        else:
            raise OSError(f"nothing to upload for {item.filename or item.kind}")
        photo = item.kind == "photo"
        media = await self.api.upload("image" if photo else "file", name or ("photo.jpg" if photo else "file"), data)
        requests = []
        if item.caption:
            requests.append(self._message(target, "sampleText", {"content": item.caption}))
        if photo:
            requests.append(self._message(target, "sampleImageMsg", {"photoURL": media}))
        else:
            kind = Path(name).suffix.lstrip(".") or "file"
            requests.append(self._message(target, "sampleFile", {"mediaId": media, "fileName": name, "fileType": kind}))
        return requests

    # -- one request, its retries and its verdict ----------------------------------------------------
    async def _send_one(
        self,
        outcome: Outcome,
        target: Target,
        request: Request,
        before_send: BeforeSend | None,
        retrying: BeforeSend | None = None,
    ) -> Verdict | None:
        """None when DingTalk accepted it; else the final status and error. `before_send` runs before each
        attempt, `retrying` before each wait for another (handlers/ports.py)."""
        for attempt in range(1, self.max_attempts + 1):
            await self.pacer.acquire()
            if before_send is not None:
                await before_send()
            try:
                answer = await request()
            except Unanswered as exc:
                log.error("send to chat %s may or may not have arrived: %s", target.number, exc)
                return UNCERTAIN, f"Unanswered: {exc}"
            except (Unreached, DingTalkError) as exc:
                verdict = self._failure(target, exc, attempt)
                if verdict is not None:
                    return verdict
                outcome.retries += 1
                if retrying is not None:
                    await retrying()
                await self.sleep(self.backoff * 2 ** (attempt - 1))
                continue
            verdict = self._accepted(outcome, target, answer, attempt)
            if verdict is None or verdict[0] != AGAIN:
                return verdict
            if attempt < self.max_attempts:
                outcome.retries += 1
                if retrying is not None:
                    await retrying()
                await self.sleep(self.flow_wait * attempt)
        # Nothing was accepted: FAILED (not "BadRequest"), so a reminder goes back to the ledger for later.
        return FAILED, f"FlowControlled: DingTalk held the message to {target.external_id} {self.max_attempts} times"

    def _accepted(self, outcome: Outcome, target: Target, answer: dict[str, Any], attempt: int) -> Verdict | None:
        """A 200 answer: sent (None), the user refused (blocked) or held by flow control (AGAIN)."""
        if not target.group:
            if target.external_id in (answer.get("invalidStaffIdList") or []):
                log.warning("DingTalk does not deliver to %s (invalidStaffIdList)", target.external_id)
                return BLOCKED, f"invalidStaffIdList: DingTalk cannot deliver to userId {target.external_id}"
            if target.external_id in (answer.get("flowControlledStaffIdList") or []):
                log.warning("DingTalk flow control held the message to %s (attempt %d)", target.external_id, attempt)
                return AGAIN, "flow control"
        if outcome.receipt is None and not target.group:
            outcome.receipt = answer.get("processQueryKey") or None
        return None

    def _failure(self, target: Target, exc: Exception, attempt: int) -> Verdict | None:
        """What a failed request means: None to try again, else the verdict."""
        if isinstance(exc, CredentialsRefused):  # not the message's fault: the next run tries again
            return FAILED, f"CredentialsRefused: {exc}"
        if isinstance(exc, DingTalkError):
            if exc.code.startswith(UNREACHABLE_CODES):
                return BLOCKED, f"{exc.code}: {exc.message}"
            throttled = exc.status == 429 or any(c in exc.code for c in THROTTLED_CODES)
            if not throttled and exc.status < 500:
                log.error("DingTalk refused a message to chat %s: %s", target.number, exc)
                return FAILED, f"BadRequest: {exc.code}: {exc.message}"
        if attempt >= self.max_attempts:
            return FAILED, f"{type(exc).__name__} after {attempt} attempts: {exc}"
        log.warning("send to chat %s failed (%s); retry %d", target.number, exc, attempt)
        return None
