"""The one way the project reads YAML (the letter, the rubric, facts, holiday files): safe by construction.

- Size, nesting and every value are bounded: a file over `MAX_BYTES`, nested deeper than `MAX_DEPTH`,
  with an anchor or alias (`&a` / `*a`: a 500-byte alias bomb expands to millions of values), an unknown
  tag or a duplicate key is refused with a `YamlFileError` that names the file and line, in Chinese.
- YAML 1.2 scalars: true/false only (`no:` stays the text "no"), no sexagesimal (`1:30` is text, not 90),
  no `0b`/underscore numbers; dates (YYYY-MM-DD) only where asked for.
- Mappings and lists remember their lines (`line_of`) so callers can say "file:line: what is wrong".
- libyaml (the C parser) when installed, the pure-Python parser otherwise; the nodes are turned into
  values in parsing.py, not by PyYAML's constructors. PyYAML loads only once a text is parsed: what the
  error messages need (`cut`, `shown`, `YamlFileError`) is here without it.
"""

from __future__ import annotations

import reprlib
from pathlib import Path
from typing import Any

MAX_BYTES = 1_000_000  # the bundled rubric, the largest file read, is 172 KB; a 1 MB file takes about 1 s
MAX_DEPTH = 40  # the rubric nests 9 deep
SHOWN_CHARS = 80  # a value quoted in an error message is cut to this


class YamlFileError(ValueError):
    """A YAML file that cannot be read; `message` says why in Chinese, `line` where (1-based) if known."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line, self.message = path, line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class LineDict(dict[Any, Any]):
    """A mapping that knows the line it started on and the line of each key's value (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    line: int = 0


def line_of(node: object, key: object = None) -> int | None:
    if isinstance(node, LineDict):
        if key is not None and key in node.key_lines:
            return node.key_lines[key]
        return node.line
    return getattr(node, "line", None)


_repr = reprlib.Repr()
_repr.maxstring = _repr.maxother = SHOWN_CHARS
_repr.maxlevel, _repr.maxlist, _repr.maxdict = 3, 6, 6


def cut(text: str, limit: int = SHOWN_CHARS) -> str:
    """Text as an error message quotes it: at most `limit` characters."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(value: object) -> str:
    """`value` as an error message quotes it: repr, bounded in depth and cut to about 80 characters."""
    text = _repr.repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def parse_yaml(text: str, source: Path | str = "<text>", *, dates: bool = True) -> object:
    """The value of one YAML document in `text`; YamlFileError (naming `source` and the line) if refused."""
    from yaml_reader import parsing  # PyYAML loads when a text is parsed (parsing.py says why)

    return parsing.parse(text, source, dates)


def read_yaml(path: Path | str, *, dates: bool = True, max_bytes: int = MAX_BYTES) -> object:
    """The value of the YAML file at `path` (None for an empty file); YamlFileError when it cannot be used."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise YamlFileError(path, None, f"文件过大({size / 1e6:.1f} MB),上限 {max_bytes / 1e6:g} MB")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise YamlFileError(path, None, "文件不存在") from None
    except IsADirectoryError:
        raise YamlFileError(path, None, "这是一个目录,不是文件") from None
    except OSError as exc:
        raise YamlFileError(path, None, f"无法读取: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise YamlFileError(path, line, f"不是 UTF-8 编码的文本(第{exc.start + 1}字节);请另存为 UTF-8") from None
    return parse_yaml(text, path, dates=dates)
