"""How a work line reads in a spreadsheet cell, both ways: the export writes these forms and the import
reads them back (and the plainer forms an office types by hand).

- deadlines, one a line: `3月底 「于3月底前确定名单」 〔正文 26.3〕`: the rule, then the letter's words in
  「」 and where they stand in 〔〕 (both optional). Rules: `M月D日`, `YYYY-MM-DD`, `M月底`, `年底`,
  `每周一`..`每周日`, `每周` (the week's last working day), `每月D日`, `每月底`, `每季度末月D日`,
  `每季度末`, `每半年`, `每年M月D日`, `每年M月底`, `每年`, `国庆节前`, `国庆节后`, `国庆节后第N个工作日`,
  `国庆节当天` (any festival: 元旦 春节 清明节 劳动节 端午节 中秋节 国庆节), `<事件>后N个工作日`,
  `<事件>后N日`, `不少于N日`; a trailing 前 or 内 is allowed, and `(遇节假日顺延)`, `(遇节假日提前)` or
  `(遇法定节假日顺延)` after a rule moves a due day that is a day off; a spec no rule can say exactly is
  written as its JSON (`{"kind": ...}`), which is read back as is.
- targets, one a line: `盘活存量建设用地:≥958亩 〔3.1.1〕` (≥ at least, ≤ at most, = equal; a note in 「」).
- departments: separated by 、 , ; or new lines; rubric ids by commas or spaces.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, datetime

from deadlines.festivals import FESTIVALS
from deadlines.specs import DeadlineSpec, SpecError
from services.letter_file import Target

NUMERALS = "一二三四五六七八九十"
COMPARISON_MARK = {"at_least": "≥", "at_most": "≤", "equal": "="}
MARK_COMPARISON = {"≥": "at_least", ">=": "at_least", "≤": "at_most", "<=": "at_most", "=": "equal", "＝": "equal"}
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．：", "0123456789.:")


def numeral(n: int) -> str:
    if 1 <= n <= 10:
        return NUMERALS[n - 1]
    if n < 20:
        return "十" + NUMERALS[n - 11]
    return str(n)


def section_label(no: int, title: str) -> str:
    return f"{numeral(no)}、{title}"


def parse_section(value) -> tuple[int, str | None]:
    """ "一、推动绿色低碳高质量发展" -> (1, title); a bare number -> (n, None)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value), None
    text = str(value).strip()
    m = re.match(r"^([一二三四五六七八九十]+|\d+)\s*[、.．]?\s*(.*)$", text)
    if not m:
        raise ValueError(f"'{text}' is not a section such as 一、推动绿色低碳高质量发展")
    head = m.group(1)
    if head.isdigit():
        no = int(head)
    elif head == "十":
        no = 10
    elif head.startswith("十"):
        no = 10 + NUMERALS.index(head[1])
    elif len(head) == 1:
        no = NUMERALS.index(head) + 1
    else:
        raise ValueError(f"'{text}': section numeral '{head}' is not 一..十九")
    return no, (m.group(2).strip() or None)


def split_names(value) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，;；\n]+", str(value or "")) if part.strip()]


def split_ids(value) -> list[str]:
    if isinstance(value, float):
        value = format(value, "g")
    return [part.strip() for part in re.split(r"[,，、;；\s]+", str(value or "")) if part.strip()]


def number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else format(x, "g")


# ---- deadlines -----------------------------------------------------------------------------------


WEEKDAY_WORDS = "一二三四五六日"
SHIFT_WORDS = {"next": "(遇节假日顺延)", "previous": "(遇节假日提前)", "holiday": "(遇法定节假日顺延)"}
SIDE_WORDS = {"before": "前", "on": "当天"}


def _rule(spec: DeadlineSpec) -> str | None:
    rule = _plain_rule(spec)
    return rule + SHIFT_WORDS[spec.shift] if rule is not None and spec.shift else rule


def _festival_rule(spec: DeadlineSpec) -> str:
    if spec.side == "after":
        return f"{spec.festival}后" + (f"第{spec.workdays}个工作日" if spec.workdays else "")
    return f"{spec.festival}{SIDE_WORDS[spec.side or 'before']}"


def _recurring_rule(spec: DeadlineSpec) -> str:
    if spec.every == "week":
        return "每周" + (WEEKDAY_WORDS[spec.weekday] if spec.weekday is not None else "")
    if spec.every == "half_year":
        return "每半年"
    if spec.every == "month":
        return f"每月{spec.day}日" if spec.day else "每月底"
    if spec.every == "quarter":
        return f"每季度末月{spec.day}日" if spec.day else "每季度末"
    if spec.month and spec.day:
        return f"每年{spec.month}月{spec.day}日"
    return f"每年{spec.month}月底" if spec.month else "每年"


def _plain_rule(spec: DeadlineSpec) -> str | None:
    k = spec.kind
    if k == "festival":
        return _festival_rule(spec)
    if k == "absolute":
        return spec.date.isoformat() if spec.date else f"{spec.month}月{spec.day}日"
    if k == "month_end":
        return f"{spec.month}月底"
    if k == "year_end":
        return "年底"
    if k == "recurring":
        return _recurring_rule(spec)
    if k == "relative":
        return f"{spec.event}后{spec.workdays}个工作日" if spec.workdays else f"{spec.event}后{spec.days}日"
    if k == "duration":
        return f"不少于{spec.days}日"
    return None


def render_deadline(spec: DeadlineSpec) -> str:
    rule = _rule(spec)
    try:
        exact = rule is not None and _parse_rule(rule) == _bare(spec)
    except SpecError:
        exact = False
    if not exact:
        rule = json.dumps(_bare(spec).to_dict(), ensure_ascii=False)
    out = rule or ""
    if spec.phrase:
        out += f" 「{spec.phrase}」"
    if spec.source:
        out += f" 〔{spec.source}〕"
    return out


def _bare(spec: DeadlineSpec) -> DeadlineSpec:
    values = spec.to_dict()
    values.pop("phrase", None)
    values.pop("source", None)
    return DeadlineSpec.from_dict(values)


_RULES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], dict]]] = [
    (
        re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
        lambda m: {"kind": "absolute", "date": _date(*m.groups())},
    ),
    (re.compile(r"^(\d{1,2})月(\d{1,2})日$"), lambda m: {"kind": "absolute", "month": int(m[1]), "day": int(m[2])}),
    (re.compile(r"^(\d{1,2})月[底末]$"), lambda m: {"kind": "month_end", "month": int(m[1])}),
    (re.compile(r"^(?:年[底末]|年度?末)$"), lambda m: {"kind": "year_end"}),
    (
        re.compile(r"^每周([一二三四五六日])$"),
        lambda m: {"kind": "recurring", "every": "week", "weekday": _weekday(m[1])},
    ),
    (re.compile(r"^每周$"), lambda m: {"kind": "recurring", "every": "week"}),
    (re.compile(r"^每半年[底末]?$"), lambda m: {"kind": "recurring", "every": "half_year"}),
    (re.compile(r"^每月(\d{1,2})日$"), lambda m: {"kind": "recurring", "every": "month", "day": int(m[1])}),
    (re.compile(r"^每月[底末]?$"), lambda m: {"kind": "recurring", "every": "month"}),
    (re.compile(r"^每季度?末月(\d{1,2})日$"), lambda m: {"kind": "recurring", "every": "quarter", "day": int(m[1])}),
    (re.compile(r"^每季度?末?$"), lambda m: {"kind": "recurring", "every": "quarter"}),
    (
        re.compile(r"^每年(\d{1,2})月(\d{1,2})日$"),
        lambda m: {"kind": "recurring", "every": "year", "month": int(m[1]), "day": int(m[2])},
    ),
    (re.compile(r"^每年(\d{1,2})月[底末]$"), lambda m: {"kind": "recurring", "every": "year", "month": int(m[1])}),
    (re.compile(r"^每年[底末]?$"), lambda m: {"kind": "recurring", "every": "year"}),
    (
        re.compile(r"^(.+?)后(\d+)个?工作日$"),
        lambda m: {"kind": "relative", "event": m[1].strip(), "workdays": int(m[2])},
    ),
    (re.compile(r"^(.+?)后(\d+)[日天]$"), lambda m: {"kind": "relative", "event": m[1].strip(), "days": int(m[2])}),
    (re.compile(r"^不少于(\d+)[日天]$"), lambda m: {"kind": "duration", "days": int(m[1])}),
]


_FESTIVAL = re.compile(rf"^({'|'.join(FESTIVALS)})(?:(之?前|以前)|(当天)|后(?:第(\d+)个工作日)?)$")
_SHIFT = re.compile(r"[(（](遇法定节假日顺延|遇节假日顺延|遇节假日提前)[)）]$")
_SHIFT_OF = {"遇节假日顺延": "next", "遇节假日提前": "previous", "遇法定节假日顺延": "holiday"}


def _weekday(word: str) -> int:
    return WEEKDAY_WORDS.index(word)


def _festival(m: re.Match[str]) -> dict:
    side = "before" if m[2] else "on" if m[3] else "after"
    found: dict = {"kind": "festival", "festival": m[1], "side": side}
    if m[4] and int(m[4]) > 1:
        found["workdays"] = int(m[4])
    return found


def _date(y: str, m: str, d: str) -> str:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        raise SpecError(f"{y}-{m}-{d} is not a date") from None


def _parse_rule(rule: str) -> DeadlineSpec:
    text = rule.strip().translate(_FULLWIDTH_DIGITS)
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            raise SpecError(f"'{rule}' is not valid JSON") from None
        if not isinstance(data, dict):
            raise SpecError(f"'{rule}' is not a JSON object")
        return DeadlineSpec.from_dict(data)
    shift = _SHIFT.search(text)
    extra = {"shift": _SHIFT_OF[shift[1]]} if shift else {}
    text = text[: shift.start()].strip() if shift else text
    festival = _FESTIVAL.match(text)
    if festival:
        return DeadlineSpec.from_dict(_festival(festival) | extra)
    text = re.sub(r"(?:之?前|以前|内)$", "", text).strip()
    for pattern, build in _RULES:
        m = pattern.match(text)
        if m:
            return DeadlineSpec.from_dict(build(m) | extra)
    raise SpecError(
        f"'{rule}' is not a deadline rule; examples: 3月底, 6月30日, 年底, 每周四, 每季度末月25日, 每月底, 每半年, "
        "国庆节前, 清明节后第1个工作日, 6月30日(遇节假日顺延), 企业名单确定后10个工作日, 不少于10日"
    )


def parse_deadline(line) -> DeadlineSpec:
    """One deadline from a cell line (or a date cell: that day, as an absolute deadline)."""
    if isinstance(line, datetime):
        line = line.date()
    if isinstance(line, date):
        return DeadlineSpec(kind="absolute", date=line)
    text = str(line).strip()
    source = phrase = None
    if text.endswith("〕") and "〔" in text:
        cut = text.rindex("〔")
        text, source = text[:cut].strip(), text[cut + 1 : -1].strip() or None
    if text.endswith("」") and "「" in text:
        cut = text.index("「")
        text, phrase = text[:cut].strip(), text[cut + 1 : -1].strip() or None
    spec = _parse_rule(text)
    values = spec.to_dict() | {k: v for k, v in (("phrase", phrase), ("source", source)) if v}
    return DeadlineSpec.from_dict(values)


def deadline_lines(value) -> list:
    if value is None:
        return []
    if isinstance(value, (date, datetime)):
        return [value]
    return [line.strip() for line in str(value).splitlines() if line.strip()]


# ---- targets -------------------------------------------------------------------------------------


def render_target(t: dict) -> str:
    out = f"{t['name']}:{COMPARISON_MARK.get(t.get('comparison', 'at_least'), '≥')}{number_text(t['value'])}{t['unit']}"
    if t.get("note"):
        out += f" 「{t['note']}」"
    if t.get("rubric"):
        out += f" 〔{t['rubric']}〕"
    return out


_TARGET = re.compile(r"^(?P<name>[^:：]+)[:：]\s*(?P<op>≥|>=|≤|<=|=|＝)?\s*(?P<value>-?\d+(?:\.\d+)?)\s*(?P<unit>.*)$")


def parse_target(line: str) -> Target:
    text = str(line).strip()
    rubric = note = None
    if text.endswith("〕") and "〔" in text:
        cut = text.rindex("〔")
        text, rubric = text[:cut].strip(), text[cut + 1 : -1].strip() or None
    if text.endswith("」") and "「" in text:
        cut = text.index("「")
        text, note = text[:cut].strip(), text[cut + 1 : -1].strip() or None
    m = _TARGET.match(text.translate(_FULLWIDTH_DIGITS))
    if not m or not m["unit"].strip():
        raise ValueError(f"'{line}' is not a target; example: 盘活存量建设用地:≥958亩 〔3.1.1〕")
    return Target(
        m["name"].strip(),
        float(m["value"]),
        m["unit"].strip(),
        MARK_COMPARISON.get(m["op"] or "≥", "at_least"),
        rubric,
        note,
    )
