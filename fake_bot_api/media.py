"""Files in messages: turning uploads and file_ids into StoredFile, and StoredFile into Message JSON."""

from __future__ import annotations

import mimetypes
import struct
from typing import Any

from .errors import ApiError, bad_request
from .params import UploadedFile
from .records import StoredFile
from .state import BotState

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # Bot API upload limit (multipart)
MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # getFile limit
MEDIA_KINDS = ("photo", "document", "audio", "video", "voice", "animation", "sticker")
# A file_id of one kind may be re-sent as these kinds (Telegram: "type of file mismatch" otherwise).
_COMPATIBLE = {"document": {"document", "audio", "video", "animation", "voice"}}


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG, GIF or JPEG; (320, 240) when the bytes are not an image."""
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            return struct.unpack(">II", data[16:24])
        if data[:6] in (b"GIF87a", b"GIF89a"):
            return struct.unpack("<HH", data[6:10])
        if data[:2] == b"\xff\xd8":
            index = 2
            while index + 9 < len(data):
                if data[index] != 0xFF:
                    index += 1
                    continue
                marker = data[index + 1]
                length = struct.unpack(">H", data[index + 2 : index + 4])[0]
                if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                    height, width = struct.unpack(">HH", data[index + 5 : index + 9])
                    return width, height
                index += 2 + length
    except struct.error:
        pass
    return 320, 240


def store_upload(state: BotState, upload: UploadedFile, kind: str) -> StoredFile:
    if not upload.data:
        raise bad_request("file must be non-empty")
    if len(upload.data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "Request Entity Too Large")
    mime_type = upload.content_type
    if not mime_type or mime_type == "application/octet-stream":
        mime_type = (mimetypes.guess_type(upload.filename or "")[0]) or mime_type
    extra: dict[str, Any] = {}
    if kind == "photo":
        extra["width"], extra["height"] = image_size(upload.data)
    else:
        extra["file_name"] = upload.filename
        extra["mime_type"] = mime_type
    return state.add_file(upload.data, kind, **extra)


def resolve_file(state: BotState, source: UploadedFile | str, kind: str) -> StoredFile:
    """An upload, or a file_id Telegram knows; URLs cannot be fetched by the fake."""
    if isinstance(source, UploadedFile):
        return store_upload(state, source, kind)
    stored = state.files.get(source)
    if stored is not None:
        if (
            stored.kind != kind
            and kind not in _COMPATIBLE.get(stored.kind, ())
            and stored.kind not in _COMPATIBLE.get(kind, ())
        ):
            raise bad_request("type of file mismatch")
        return stored
    if source.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")
    raise bad_request("wrong file identifier/HTTP URL specified")


def file_json(stored: StoredFile) -> dict[str, Any]:
    base: dict[str, Any] = {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }
    if stored.kind == "photo":
        return {**base, "width": stored.width or 320, "height": stored.height or 240}
    if stored.file_name:
        base["file_name"] = stored.file_name
    if stored.mime_type:
        base["mime_type"] = stored.mime_type
    if stored.kind in ("video", "animation"):
        base.update(width=stored.width or 320, height=stored.height or 240, duration=0)
    elif stored.kind in ("audio", "voice"):
        base["duration"] = 0
    elif stored.kind == "sticker":
        base.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
    return base


def message_media(stored: StoredFile, kind: str) -> dict[str, Any]:
    """The Message fields for a file: photo is a list of sizes, the others a single object."""
    if kind == "photo":
        return {"photo": [file_json(stored)]}
    return {kind: {**file_json(stored)}}
