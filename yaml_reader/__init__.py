"""The one way the project reads YAML (the letter, the rubric, facts, holiday files): safe by construction.

- Size, nesting and every value are bounded: a file over `MAX_BYTES`, nested deeper than `MAX_DEPTH`,
  with an anchor or alias (`&a` / `*a`: a 500-byte alias bomb expands to millions of values), an unknown
  tag or a duplicate key is refused with a `YamlFileError` that names the file and line, in Chinese.
- YAML 1.2 scalars: true/false only (`no:` stays the text "no"), no sexagesimal (`1:30` is text, not 90),
  no `0b`/underscore numbers; dates (YYYY-MM-DD) only where asked for.
- Mappings and lists remember their lines (`line_of`) so callers can say "file:line: what is wrong".
- libyaml (the C parser) when installed, the pure-Python parser otherwise; the nodes are turned into
  values here, not by PyYAML's constructors.
"""

from __future__ import annotations

import re
import reprlib
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

MAX_BYTES = 1_000_000  # the bundled rubric, the largest file read, is 172 KB; a 1 MB file takes about 1 s
MAX_DEPTH = 40  # the rubric nests 9 deep
SHOWN_CHARS = 80  # a value quoted in an error message is cut to this

_TAG = "tag:yaml.org,2002:"


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


# ---- YAML 1.2 (core schema) implicit types ---------------------------------------------------------


class _Resolver12(BaseResolver):
    """Plain scalars as YAML 1.2 reads them; everything else is text."""


class _Resolver12Dates(_Resolver12):
    """The same, with YYYY-MM-DD read as a date."""


_Resolver12.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in (
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+0123456789.",
    ),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
):
    _Resolver12.add_implicit_resolver(_TAG + _tag, re.compile(f"^(?:{_pattern})$"), list(_first))
_Resolver12Dates.yaml_implicit_resolvers = {k: list(v) for k, v in _Resolver12.yaml_implicit_resolvers.items()}
_Resolver12Dates.add_implicit_resolver(
    _TAG + "timestamp", re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"), list("0123456789")
)


LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))


def _composer(resolver: type[BaseResolver], libyaml: bool = LIBYAML) -> type:
    """A parser + composer (libyaml's when installed) with our resolver; no PyYAML constructor."""
    if libyaml:
        from yaml._yaml import CParser

        class CCompose(CParser, resolver):  # type: ignore[misc, valid-type]
            def __init__(self, stream: str) -> None:
                CParser.__init__(self, stream)
                resolver.__init__(self)

        return CCompose

    class PyCompose(Reader, Scanner, Parser, Composer, resolver):  # type: ignore[misc, valid-type]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)
            resolver.__init__(self)

    return PyCompose


_COMPOSERS = {False: _composer(_Resolver12), True: _composer(_Resolver12Dates)}


# ---- nodes to values ------------------------------------------------------------------------------


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _int(text: str) -> int:
    body = text.lstrip("+-")
    sign = -1 if text.startswith("-") else 1
    if body.startswith("0o"):
        return sign * int(body[2:], 8)
    if body.startswith("0x"):
        return sign * int(body[2:], 16)
    return int(text)


def _float(text: str) -> float:
    low = text.lower()
    if low.endswith(".inf"):
        return float("-inf") if low.startswith("-") else float("inf")
    if low == ".nan":
        return float("nan")
    return float(text)


def _scalar(node: yaml.ScalarNode) -> object:
    tag, text = node.tag, node.value
    try:
        if tag == _TAG + "str":
            return text
        if tag == _TAG + "int":
            return _int(text)
        if tag == _TAG + "float":
            return _float(text)
        if tag == _TAG + "bool":
            if text.lower() not in ("true", "false"):
                raise ValueError(text)
            return text.lower() == "true"
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "timestamp":
            year, month, day = (int(part) for part in text.split("-"))
            return date(year, month, day)
    except ValueError:
        raise _Refused(node, f"{shown(text)} 不是有效的{_TYPE_WORDS.get(tag, tag)}") from None
    raise _Refused(node, f"不支持的标签 {shown(tag)}(只用文字、数字、true/false、日期、列表和映射)")


_TYPE_WORDS = {_TAG + "int": "整数", _TAG + "float": "数字", _TAG + "bool": "true/false", _TAG + "timestamp": "日期"}


class _Refused(Exception):
    def __init__(self, node: yaml.Node, message: str):
        super().__init__(message)
        self.line, self.message = _line(node), message


def _value(node: yaml.Node, depth: int) -> object:
    if depth > MAX_DEPTH:
        raise _Refused(node, f"嵌套超过{MAX_DEPTH}层")
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode) and node.tag == _TAG + "seq":
        items = LineList(_value(child, depth + 1) for child in node.value)
        items.line = _line(node)
        return items
    if isinstance(node, yaml.MappingNode) and node.tag == _TAG + "map":
        return _mapping(node, depth)
    raise _Refused(node, f"不支持的标签 {shown(node.tag)}(只用文字、数字、true/false、日期、列表和映射)")


def _mapping(node: yaml.MappingNode, depth: int) -> LineDict:
    result = LineDict()
    result.line = _line(node)
    result.key_lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _Refused(key_node, "键必须是文字或数字,不能是列表或映射")
        key = _scalar(key_node)
        if key in result:
            raise _Refused(key_node, f"重复的键 {shown(key)}(第{result.key_lines[key]}行已有)")
        result[key] = _value(value_node, depth + 1)
        result.key_lines[key] = _line(value_node)
    return result


# ---- reading ---------------------------------------------------------------------------------------


def _refuse_anchors(text: str, source: Path | str, composer: type) -> None:
    """Anchors and aliases are refused before anything is built (only scanned when `&` or `*` occurs)."""
    if "&" not in text and "*" not in text:
        return
    parser = composer(text)
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                line = event.start_mark.line + 1
                raise YamlFileError(source, line, "不支持 YAML 锚点和别名(&名称 / *名称):请把内容直接写出")
    finally:
        parser.dispose()


def parse_yaml(text: str, source: Path | str = "<text>", *, dates: bool = True) -> object:
    """The value of one YAML document in `text`; YamlFileError (naming `source` and the line) if refused."""
    composer = _COMPOSERS[dates]
    try:
        _refuse_anchors(text, source, composer)
        loader = composer(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        return None if node is None else _value(node, 1)
    except _Refused as exc:
        raise YamlFileError(source, exc.line, exc.message) from None
    except RecursionError:  # the pure-Python composer recurses per level; libyaml stops at 1000
        raise YamlFileError(source, None, f"嵌套超过{MAX_DEPTH}层") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = str(exc.problem or exc.context)
        if "maximum nesting depth" in problem:
            problem = f"嵌套超过{MAX_DEPTH}层"
        else:
            problem = "YAML 语法错误: " + problem[: SHOWN_CHARS * 2]
        raise YamlFileError(source, mark.line + 1 if mark else None, problem) from None
    except yaml.YAMLError as exc:
        raise YamlFileError(source, None, "YAML 语法错误: " + str(exc)[: SHOWN_CHARS * 2]) from None


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
