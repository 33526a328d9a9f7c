"""The few DingTalk OpenAPI endpoints duban uses, over httpx (already a dependency), with the access token
fetched, kept and refreshed five minutes before it expires and again after a 401.

Why not `alibabacloud-dingtalk`: about 88 MB of generated clients for hundreds of APIs (and their Tea
runtime) to call nine endpoints; and the base URL must be one setting (`DINGTALK_API_BASE_URL`) for every
call, a test server or a government deployment included.

Failures come out in three kinds the sender can act on: `DingTalkError` (DingTalk answered with an error:
its HTTP status, `code` and `message`), `Unreached` (the request surely never arrived: safe to send
again) and `Unanswered` (it may have arrived, no answer came: never sent again).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

import httpx

log = logging.getLogger("duban.channels.dingtalk")

TOKEN_PATH = "/v1.0/oauth2/accessToken"
REFRESH_MARGIN = 300.0  # seconds before expiry at which the token is fetched again
# The oapi host's answers for a token it does not accept (its own numbering, not HTTP's).
OAPI_BAD_TOKEN = {40014, 42001, 40001}


class DingTalkError(Exception):
    """DingTalk answered, refusing: `status` (HTTP), `code` and `message` as it wrote them."""

    def __init__(self, status: int, code: str, message: str, path: str):
        super().__init__(f"{status} {code}: {message} ({path})")
        self.status, self.code, self.message, self.path = status, code, message, path


class CredentialsRefused(DingTalkError):
    """The app's credentials were refused (DINGTALK_CLIENT_ID / DINGTALK_CLIENT_SECRET)."""


class Unreached(Exception):
    """The request surely never reached DingTalk (no connection): sending it again cannot duplicate."""


class Unanswered(Exception):
    """The request may have reached DingTalk but no answer came: sending it again could duplicate."""


def _transport(exc: httpx.HTTPError, what: str) -> Exception:
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout | httpx.UnsupportedProtocol):
        return Unreached(f"{what}: {type(exc).__name__}: {exc}")
    return Unanswered(f"{what}: {type(exc).__name__}: {exc}")


def _answer(response: httpx.Response, path: str) -> dict[str, Any]:
    """The JSON body of a success; a DingTalkError with what DingTalk said otherwise."""
    try:
        body = response.json() if response.content else {}
    except ValueError:
        body = {"message": response.text[:200]}
    if not isinstance(body, dict):
        body = {"result": body}
    if response.status_code >= 400:
        code = str(body.get("code") or body.get("errcode") or response.status_code)
        message = str(body.get("message") or body.get("errmsg") or response.reason_phrase)
        raise DingTalkError(response.status_code, code, message, path)
    return body


class DingTalkApi:
    def __init__(
        self,
        client_id: str,
        client_secret: str,
        robot_code: str,
        base_url: str = "https://api.dingtalk.com",
        oapi_base_url: str = "https://oapi.dingtalk.com",
        timeout: float = 15.0,
    ):
        self.client_id, self.client_secret, self.robot_code = client_id, client_secret, robot_code
        self.base_url, self.oapi_base_url = base_url.rstrip("/"), oapi_base_url.rstrip("/")
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=5.0))
        self._token: str | None = None
        self._expires = 0.0  # time.monotonic() after which the token is fetched again
        self._lock = asyncio.Lock()
        self.tokens_fetched = 0

    async def close(self) -> None:
        await self.http.aclose()

    # -- the access token ----------------------------------------------------------------------------
    async def token(self) -> str:
        async with self._lock:
            if self._token is not None and time.monotonic() < self._expires:
                return self._token
            try:
                response = await self.http.post(
                    self.base_url + TOKEN_PATH, json={"appKey": self.client_id, "appSecret": self.client_secret}
                )
            except httpx.HTTPError as exc:  # no message left yet: whatever happened, nothing was sent
                raise Unreached(f"access token: {type(exc).__name__}: {exc}") from exc
            try:
                body = _answer(response, TOKEN_PATH)
            except DingTalkError as exc:
                if exc.status >= 500:  # DingTalk is down, the credentials may be fine; no message left yet
                    raise Unreached(f"access token: {exc}") from None
                raise CredentialsRefused(exc.status, exc.code, exc.message, TOKEN_PATH) from None
            self._token = str(body["accessToken"])
            self._expires = time.monotonic() + float(body.get("expireIn", 7200)) - REFRESH_MARGIN
            self.tokens_fetched += 1
            return self._token

    def _forget(self, token: str) -> None:
        """After a 401: fetch a new token next time (unless another request already did)."""
        if self._token == token:
            self._token = None

    async def call(self, method: str, path: str, body: dict[str, Any] | None = None, **params: str) -> dict[str, Any]:
        """One OpenAPI request with the token; a 401 fetches a new token and tries once more."""
        for attempt in (1, 2):
            token = await self.token()
            headers = {"x-acs-dingtalk-access-token": token}
            try:
                response = await self.http.request(
                    method, self.base_url + path, json=body, params=params or None, headers=headers
                )
            except httpx.HTTPError as exc:
                raise _transport(exc, path) from exc
            if response.status_code == 401 and attempt == 1:
                log.info("DingTalk refused the access token (401): fetching a new one", extra={"path": path})
                self._forget(token)
                continue
            return _answer(response, path)
        raise AssertionError("unreachable")

    # -- the stream connection -----------------------------------------------------------------------
    async def open_connection(self, topics: list[tuple[str, str]]) -> tuple[str, str]:
        """(endpoint, ticket) for one stream connection, subscribed to (type, topic) pairs."""
        path = "/v1.0/gateway/connections/open"
        body = {
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "subscriptions": [{"type": kind, "topic": topic} for kind, topic in topics],
            "ua": "duban/stream",
            "localIp": "",
        }
        try:
            response = await self.http.post(self.base_url + path, json=body)
        except httpx.HTTPError as exc:
            raise _transport(exc, path) from exc
        try:
            answer = _answer(response, path)
        except DingTalkError as exc:
            if exc.status in (400, 401, 403):
                raise CredentialsRefused(exc.status, exc.code, exc.message, path) from None
            raise
        return str(answer["endpoint"]), str(answer["ticket"])

    # -- messages ------------------------------------------------------------------------------------
    async def send_to_users(self, user_ids: list[str], msg_key: str, param: dict[str, Any]) -> dict[str, Any]:
        """1:1 robot messages (at most 20 users a call): processQueryKey, invalidStaffIdList,
        flowControlledStaffIdList."""
        if not 1 <= len(user_ids) <= 20:
            raise ValueError("batchSend takes 1..20 users")
        body = {"robotCode": self.robot_code, "userIds": user_ids, "msgKey": msg_key, "msgParam": json.dumps(param)}
        return await self.call("POST", "/v1.0/robot/oToMessages/batchSend", body)

    async def send_to_group(self, conversation_id: str, msg_key: str, param: dict[str, Any]) -> dict[str, Any]:
        body = {
            "robotCode": self.robot_code,
            "openConversationId": conversation_id,
            "msgKey": msg_key,
            "msgParam": json.dumps(param),
        }
        return await self.call("POST", "/v1.0/robot/groupMessages/send", body)

    async def read_status(self, process_query_key: str) -> dict[str, Any]:
        """Who read a 1:1 message (for 24 hours after it was sent): messageReadInfoList."""
        return await self.call(
            "GET", "/v1.0/robot/oToMessages/readStatus", robotCode=self.robot_code, processQueryKey=process_query_key
        )

    # -- files ---------------------------------------------------------------------------------------
    async def download(self, download_code: str) -> bytes:
        """A file a person sent the robot: its downloadCode -> a short-lived URL -> the bytes."""
        body = {"downloadCode": download_code, "robotCode": self.robot_code}
        answer = await self.call("POST", "/v1.0/robot/messageFiles/download", body)
        url = str(answer.get("downloadUrl") or "")
        if not url:
            raise DingTalkError(200, "noDownloadUrl", "DingTalk gave no downloadUrl", "messageFiles/download")
        try:
            response = await self.http.get(url)
        except httpx.HTTPError as exc:
            raise _transport(exc, "download") from exc
        if response.status_code >= 400:
            raise DingTalkError(response.status_code, "download", response.reason_phrase, "downloadUrl")
        return response.content

    async def upload(self, kind: str, filename: str, data: bytes) -> str:
        """A file the bot sends, uploaded to the media store (the older oapi host): its media_id."""
        path = "/media/upload"
        for attempt in (1, 2):
            token = await self.token()
            try:
                response = await self.http.post(
                    self.oapi_base_url + path,
                    params={"access_token": token, "type": kind},
                    files={"media": (filename or "file", data)},
                )
            except httpx.HTTPError as exc:
                raise _transport(exc, path) from exc
            answer = _answer(response, path)
            errcode = int(answer.get("errcode") or 0)
            if errcode in OAPI_BAD_TOKEN and attempt == 1:
                self._forget(token)
                continue
            if errcode or not answer.get("media_id"):
                raise DingTalkError(response.status_code, str(errcode), str(answer.get("errmsg")), path)
            return str(answer["media_id"])
        raise AssertionError("unreachable")

    # -- interactive cards ---------------------------------------------------------------------------
    async def deliver_card(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self.call("POST", "/v1.0/card/instances/createAndDeliver", body)

    async def update_card(self, out_track_id: str, params: dict[str, str]) -> dict[str, Any]:
        body = {
            "outTrackId": out_track_id,
            "cardData": {"cardParamMap": params},
            "cardUpdateOptions": {"updateCardDataByKey": True},
        }
        return await self.call("PUT", "/v1.0/card/instances", body)
