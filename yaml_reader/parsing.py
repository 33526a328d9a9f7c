"""PyYAML's side of yaml_reader: YAML 1.2 resolvers, libyaml's or the pure-Python parser, nodes turned into
values. Loaded when a YAML text is first parsed (PyYAML takes 10 ms to import): `duban score` reading the
database, or the bot answering, parses none."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml
from yaml.composer import Composer
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from yaml_reader import MAX_DEPTH, SHOWN_CHARS, LineDict, LineList, YamlFileError, shown

_TAG = "tag:yaml.org,2002:"


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


def parse(text: str, source: Path | str, dates: bool) -> object:
    """yaml_reader.parse_yaml: the value of one YAML document, or YamlFileError."""
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
