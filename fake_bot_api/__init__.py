"""A Telegram Bot API stand-in: the tests and the local console (`duban console`) run the real bot against it.

It speaks HTTP on 127.0.0.1 and enforces Telegram's rules (4096 characters, HTML entities, 64-byte
callback data, flood limits), so whatever passes here would pass on Telegram.

    with FakeBotAPI() as fake:
        bot = telegram.Bot(fake.token, base_url=fake.base_url, base_file_url=fake.file_base_url)
        fake.inject_message(42, "/start")
        ...
        fake.wait_for_message(42, contains="欢迎")
        assert fake.rejections == []
"""

from .errors import ApiError
from .fake import FakeBotAPI, FakeBotAPITimeout
from .limits import FloodLimits
from .records import EditedMessage, RequestRecord, SentMessage, StoredFile

__all__ = [
    "ApiError",
    "EditedMessage",
    "FakeBotAPI",
    "FakeBotAPITimeout",
    "FloodLimits",
    "RequestRecord",
    "SentMessage",
    "StoredFile",
]
