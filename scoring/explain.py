"""Every user-facing sentence of the scoring engine, in Simplified Chinese, and number formatting.

The rest of `scoring/` (and the CLI) builds text only through these templates, so wording can be
reviewed and changed in one place.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from yaml_reader import cut, shown


def num(x: float, digits: int = 2) -> str:
    """A number as people write it: no trailing zeros, at most `digits` decimals (6.0 -> "6")."""
    if x.__class__ is bool:
        return "是" if x else "否"
    if x == int(x) if math.isfinite(x) else False:
        return str(int(x))
    if math.isinf(x):
        return "∞"
    text = f"{x:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def quoted(quote: str) -> str:
    return f"按'{quote}'"


# ---- one clause: what the facts were and what the rule made of them -------------------------------


def lost(amount: float) -> str:
    return f"扣{num(amount)}分"


def gained(amount: float) -> str:
    return f"加{num(amount)}分"


def delta_words(delta: float) -> str:
    return gained(delta) if delta > 0 else lost(-delta)


def void() -> str:
    return "此项不得分"


def failed(label: str, quote: str, amount: float | None) -> str:
    return f"{label}, {quoted(quote)}{void() if amount is None else lost(amount)}"


def incidents(label: str, count: int, unit: str, quote: str | None, amount: float) -> str:
    rule = f", {quoted(quote)}" if quote else ""
    return f"{label}{count}{unit}{rule}{lost(amount)}"


def capped_at(cap: float) -> str:
    return f"最多扣{num(cap)}分"


def halved() -> str:
    return "经省级认定减半扣分"


def completion(actual: float, target: float, unit: str, pct: float, short: float) -> str:
    return f"完成{num(actual)}{unit}/目标{num(target)}{unit}={num(pct)}%, 少{num(short)}个百分点"


def rate(label: str, actual: float, target: float, short: float) -> str:
    return f"{label}{num(actual)}%/目标{num(target)}%, 少{num(short)}个百分点"


def count_short(label: str, actual: float, target: float, unit: str, short: float) -> str:
    return f"{label}完成{num(actual)}{unit}/目标{num(target)}{unit}, 少{num(short)}{unit}"


def steps_of(n: float, step: float) -> str:
    return f"合{num(n)}个{num(step)}%"


def ratio(label: str, value: float) -> str:
    return f"{label}完成比例{num(value * 100)}%"


def ratio_of(label: str, value: float, target: float, unit: str, share: float) -> str:
    return f"{label}{num(value)}{unit}/目标{num(target)}{unit}, 完成比例{num(share * 100)}%"


def measured(label: str, value: str) -> str:
    return f"{label}{value}"


def value_text(value: float | str, value_type: str, unit: str) -> str:
    if value_type == "choice" or isinstance(value, str):  # only a choice is text
        return f"“{value}”"
    if value_type == "percent":
        return f"{num(value)}%"
    if value_type == "rank":
        return f"第{value}名"
    if value_type == "score":
        return f"{num(value)}分"
    return f"{num(value)}{unit}"


def formula(label: str, value: float, quote: str, score: float, share: float) -> str:
    return f"{label}{num(value)}%, {quoted(quote)}得{num(score)}分(满分{num(share)}分)"


def external(parts: list[tuple[str, float, float, float]], quote: str, score: float) -> str:
    """parts: (label, score, full, weight); one part reads "X分(满分100分)", several a weighted sum."""
    if len(parts) == 1:
        label, value, full, _ = parts[0]
        shown = f"{label}{num(value)}分(满分{num(full)}分)"
    else:
        shown = "+".join(f"{label}{num(value)}分×{num(weight * 100)}%" for label, value, full, weight in parts)
    return f"{shown}, {quoted(quote)}折算得{num(score)}分"


def discretion(label: str | None, amount: float, add: bool) -> str:
    return f"{label or '完成情况不佳'}, 酌情{gained(amount) if add else lost(amount)}"


def bonus_item(label: str, count: int, unit: str, quote: str, amount: float) -> str:
    shown = "" if isinstance(count, bool) else f"{count}{unit}"
    if isinstance(count, bool) and not count:
        return f"{label}: 否, {quoted(quote)}加0分"
    return f"{label}{shown}, {quoted(quote)}{gained(amount)}"


def bonus_cap(cap: float) -> str:
    return f"加满{num(cap)}分为止"


# ---- one sub-item ------------------------------------------------------------------------------


def subitem_line(
    sid: str, name: str, notes: list[str], score: float, floor_hit: float | None, cap_hit: float | None
) -> str:
    tail = []
    if floor_hit is not None:
        tail.append(f"扣完{num(floor_hit)}分为止")
    if cap_hit is not None:
        tail.append(bonus_cap(cap_hit))
    tail.append(f"得{num(score)}分")
    return f"{sid} {name}: " + "; ".join(notes) + ", " + ", ".join(tail)


def exempt(sid: str, name: str, points: float, county: str) -> str:
    return f"{sid} {name}: 本项点名其他区、县(市), {county or '本地'}自愿开展, 按满分{num(points)}分计"


def no_facts(sid: str, name: str) -> str:
    return f"{sid} {name}: 无已核实事实, 记0分"


def none_verified(count: int) -> str:
    return f"{count}个子项无已核实事实, 记0分"


def unverified(labels: list[str]) -> str:
    return "未核实: " + "、".join(labels) + ", 按最不利情形计"


def unreported(labels: list[str]) -> str:
    return "尚未报告: " + "、".join(labels) + ", 预计按不扣分计"


def at_risk(sid: str, name: str, points: float) -> str:
    return f"{sid} {name}: 任务逾期或未报, {num(points)}分待定"


def adjustment_line(sid: str, name: str, notes: list[str], score: float) -> str:
    return f"{sid} {name}: " + "; ".join(notes) + f", 计{'+' if score > 0 else ''}{num(score)}分"


def indicator_cap(name: str, raw: float, cap: float, quote: str) -> str:
    return f"{name}: 加分合计{num(raw)}分, {quoted(quote)}, 计{num(cap)}分"


# ---- excellence (九、评优基本标准) --------------------------------------------------------------


def reaches(total: float, threshold: float) -> str:
    return f"总分{num(total)}分, 达到{num(threshold)}分"


def falls_short(total: float, threshold: float) -> str:
    return f"总分{num(total)}分, 未达到{num(threshold)}分"


def major_issue(text: str) -> str:
    return f"发生重大问题: {text}"


def major_unverified(ids: list[str]) -> str:
    return "重大问题未核实: " + "、".join(ids)


def verdict(excellent: bool) -> str:
    return "符合评优基本标准" if excellent else "不符合评优基本标准"


# ---- facts validation ---------------------------------------------------------------------------


def facts_header(count: int) -> str:
    return f"事实数据有{count}处问题, 未作计算:"


def more_problems(count: int) -> str:
    return f"……另有{count}处问题未列出(先改正以上各处再试)"


def facts_file_empty(path: str) -> str:
    return f"{path}: 文件是空的, 没有任何事实; 不按满分计算(可能是导出不完整)。没有事实时请写 {{}}"


def unknown_id(sid: str, hint: str | None) -> str:
    return f"{cut(sid)}: 评分细则中没有这个子项" + (f" ({hint})" if hint else "")


def has_parts(sid: str, parts: list[str]) -> str:
    return f"该项分为{'、'.join(parts)}, 请按子项给出"


def not_applicable(sid: str, county: str) -> str:
    return f"{sid}: 本项不适用于{county or '本地'}(自愿开展, 按满分计), 不接受事实"


def unknown_field(sid: str, name: str, allowed: list[str]) -> str:
    return f"{sid}.{cut(name)}: 没有这个字段; 可用字段: {', '.join(allowed)}"


def bad_value(sid: str, name: str, value: object, allowed: str) -> str:
    return f"{sid}.{name}={shown(value)}: 取值无效, 应为{allowed}"


def needs(sid: str, name: str, other: str) -> str:
    return f"{sid}.{name}: 需要同时给出 {other}"


def conflict(sid: str, name: str, first: object, second: object) -> str:
    return f"{sid}.{name}: 与同一子项另给的值 {shown(first)} 不一致 ({shown(second)})"


def not_a_mapping(where: str, value: object) -> str:
    return f"{where}: 应为“字段: 值”的映射, 实为 {shown(value)}"


ALLOWED = {
    "bool": "true 或 false",
    "count": "不小于0的整数",
    "integer": "整数(可为负)",
    "rank": "不小于1的整数名次",
    "percent": "百分数数值(如 93.5 表示93.5%)",
    "ratio": "0到1之间的比例",
    "amount": "不小于0的数",
    "target": "大于0的数",
    "score": "0到满分之间的得分",
    "points": "分值",
    "choice": "下列之一",
}


def range_words(
    kind: str, low: float | None, high: float | None, step: float | None = None, choices: Sequence[str] | None = None
) -> str:
    words = ALLOWED[kind]
    if choices:
        return f"{words}: {'、'.join(choices)}"
    extra = []
    if kind == "ratio":
        return words
    if low is not None and high is not None:
        extra.append(f"{num(low)}到{num(high)}之间")
    elif low is not None and kind not in ("count", "rank", "amount", "target"):
        extra.append(f"不小于{num(low)}")
    elif high is not None:
        extra.append(f"不大于{num(high)}")
    if step is not None:
        extra.append(f"以{num(step)}为单位")
    return words + (f", {', '.join(extra)}" if extra else "")


# ---- reports (CLI, bot) -------------------------------------------------------------------------

VIEW_NAMES = {"projected": "预计得分", "secured": "已确认得分", "at_risk": "风险分值"}


def section_title(numeral: str, title: str) -> str:
    return f"{numeral}、{title}"


def maximum(full: float, attainable: float, capped: Sequence[tuple[str, float]] = ()) -> str:
    """满分 as the letter states it, and this county's own full marks when the letter gives it less."""
    if attainable >= full:
        return f"满分{num(full)}分"
    parts = ", ".join(f"{sid}最多得{num(most)}分" for sid, most in capped)
    return f"满分{num(full)}分, 本县(市)可得满分{num(attainable)}分({parts})"


def capped(sid: str, name: str, points: float, attainable: float, quote: str) -> str:
    return f"{sid} {name}: 细则分值{num(points)}分, 本县(市)最多得{num(attainable)}分, 依据“{quote}”"


def score_header(view: str, total: float, projected: float, secured: float, at_risk: float, maximum: str) -> list[str]:
    return [
        f"{VIEW_NAMES[view]}: {num(total)}分 ({maximum})",
        f"预计 {num(projected)}分 | 已确认 {num(secured)}分 | 风险 {num(at_risk)}分",
    ]


def _own(weight: float, attainable: float | None) -> str:
    return f"(本县(市)可得{num(attainable)}分)" if attainable is not None and attainable < weight else ""


def section_row(title: str, score: float, weight: float, attainable: float | None = None) -> str:
    if not weight:
        return f"{title}: {'+' if score > 0 else ''}{num(score)}分"
    return f"{title}: {num(score)}/{num(weight)}分{_own(weight, attainable)}"


def indicator_row(no: int | str, name: str, score: float, weight: float, attainable: float | None = None) -> str:
    if not weight:
        return f"  {name}: {num(score)}分"
    return f"  {no}. {name}: {num(score)}/{num(weight)}分{_own(weight, attainable)}"


def excellence_row(excellent: bool, reasons: list[str]) -> str:
    return f"评优: {verdict(excellent)} (" + "; ".join(reasons) + ")"


def what_if_header(before: float, after: float) -> str:
    diff = after - before
    return f"假设情形: 总分 {num(before)} → {num(after)} ({'+' if diff >= 0 else ''}{num(diff)}分)"


def what_if_row(sid: str, name: str, before: float, after: float) -> str:
    diff = after - before
    return f"  {sid} {name}: {num(before)} → {num(after)} ({'+' if diff >= 0 else ''}{num(diff)}分)"


def what_if_none() -> str:
    return "  (无变化)"


def rubric_header(title: str, count: int, total: float, maximum: str) -> str:
    return f"{title}\n共{count}项指标, 合计{num(total)}分 ({maximum})"


def rubric_indicator(no: int | str, name: str, weight: float, recognized: list[str]) -> str:
    shown = f"{num(weight)}分" if weight else "加扣分"
    return f"{no}. {name} [{shown}] 认定部门: {'、'.join(recognized)}"


KIND_NAMES = {
    "all_or_nothing": "完成与否",
    "per_incident": "按次扣分",
    "shortfall": "按差距扣分",
    "proportional": "按比例计分",
    "tiers": "分档计分",
    "formula": "公式计分",
    "external": "外部考核折算",
    "discretion": "酌情扣分",
    "bonus": "加分",
}


def rubric_subitem(sid: str, name: str, points: float, kinds: list[str]) -> str:
    shown = "+".join(KIND_NAMES[k] for k in kinds)
    return f"    {sid} {name} ({num(points)}分, {shown})"
