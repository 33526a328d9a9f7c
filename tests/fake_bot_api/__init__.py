"""A fake Telegram Bot API server for tests: the real PTB bot talks HTTP to it.

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
