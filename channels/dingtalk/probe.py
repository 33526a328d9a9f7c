"""Are the DingTalk credentials good and does the stream connection open? (for `duban doctor`)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote_plus

import aiohttp

from channels.dingtalk.api import DingTalkApi, Unreached
from channels.dingtalk.stream import BOT_MESSAGES, CARD_CALLBACK


@dataclass(frozen=True)
class Probe:
    endpoint: str  # the websocket endpoint DingTalk gave


async def probe(api: DingTalkApi, timeout: float = 10.0) -> Probe:
    """An access token, then a stream connection opened and closed again. Raises CredentialsRefused,
    DingTalkError, Unreached or Unanswered with what went wrong."""
    try:
        await api.token()
        endpoint, ticket = await api.open_connection([("CALLBACK", BOT_MESSAGES), ("CALLBACK", CARD_CALLBACK)])
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
                ws = await session.ws_connect(f"{endpoint}?ticket={quote_plus(ticket)}")
                await ws.close()
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise Unreached(f"stream websocket {endpoint}: {type(exc).__name__}: {exc}") from exc
        return Probe(endpoint)
    finally:
        await api.close()
