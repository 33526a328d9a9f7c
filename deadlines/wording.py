"""Every user-facing Chinese sentence of the working-day calendar, the deadline reader and their CLI.

Kept in one place so the office's wording can be reviewed and changed without reading the grammar.
Functions take plain values (dates, numbers, names) and return finished text.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")

KIND_LABELS = {
    "absolute": "固定日期",
    "month_end": "月末",
    "year_end": "年末",
    "recurring": "周期性",
    "relative": "相对期限",
    "duration": "最短期限",
}

PERIOD_LABELS = {"month": "每月", "quarter": "每季度", "year": "每年"}

EXAMPLES = "9月30日、9月底前、下周五、10个工作日内、每季度末月25日前"

COVERAGE_LABELS = {
    "official": "官方安排(chinesecalendar)",
    "file": "已导入文件",
    "weekends-only": "仅周末(未导入节假日安排)",
}


def cn_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def cn_dates(days: Iterable[date]) -> str:
    return "、".join(f"{d.month}月{d.day}日" for d in days)


# --- readings ---------------------------------------------------------------------------------------


def reading(what: str, kind: str, notes: list[str]) -> str:
    text = f"读作: {what}, {KIND_LABELS[kind]}"
    return text + "".join(f"; {note}" for note in notes)


def what_dated(d: date, words: str) -> str:
    return f"{cn_date(d)}({words})"


def words_month_end(month: int) -> str:
    return f"{month}月底"


def words_xun(month: int, part: str) -> str:
    return f"{month}月{part}旬, 取{part}旬最后一天"


def words_year_end(year: int) -> str:
    return f"{year}年底"


def words_quarter_end(quarter: int) -> str:
    return f"第{quarter}季度末"


def words_today_offset(offset: int) -> str:
    return ("今天", "明天", "后天", "大后天")[offset]


def words_weekday(prefix: str, weekday: int) -> str:
    return f"{prefix}{WEEKDAY_NAMES[weekday]}"


def words_day_of_month(day: int) -> str:
    return f"{day}日"


def words_calendar_days(start: date, n: int, unit: str) -> str:
    return f"自{cn_date(start)}起{n}{unit}, 起算当日不计"


def words_workdays(start: date, n: int) -> str:
    return f"自{cn_date(start)}起第{n}个工作日, 起算当日不计"


def what_after_event(event: str, n: int, unit: str) -> str:
    return f"“{event}”后{n}{unit}内(事件当日不计); 事件日期确定后才有截止日"


def what_duration(subject: str, days: int) -> str:
    return f"{subject}不少于{days}日(时长要求, 不是截止日)"


def what_recurring(every: str, rule: str, days: list[date], next_due: date | None) -> str:
    listed = cn_dates(days) if len(days) <= 4 else f"{cn_dates(days[:2])}……共{len(days)}次"
    head = f"{PERIOD_LABELS[every]}{rule}({listed})"
    if next_due is None:
        return head + ", 本年度各期均已过"
    return head + f", 下一次 {cn_date(next_due)}"


def rule_month(day: int | None) -> str:
    return f"{day}日前" if day else "月底前"


def rule_quarter(day: int | None) -> str:
    return f"末月{day}日前" if day else "末前"


def rule_year(month: int | None, day: int | None) -> str:
    if month and day:
        return f"{month}月{day}日前"
    return f"{month or 12}月底前" if month else "年底前"


NOTE_LETTER_YEAR = "未写年份, 按责任书年度{year}年"
NOTE_NEXT_YEAR = "未写年份, 今年的已过, 取下一次"
NOTE_THIS_YEAR = "未写年份, 取今年"
NOTE_NEXT_MONTH = "本月的已过, 取下一次"
NOTE_PASSED = "已过"
NOTE_NEAREST_WEEKDAY = "未写本周或下周, 取最近的一个"
DURATION_SUBJECT = "期限"


def note_letter_year(year: int) -> str:
    return NOTE_LETTER_YEAR.format(year=year)


def note_day_off(d: date, holiday: str | None) -> str:
    why = f"{holiday}假期" if holiday else WEEKDAY_NAMES[d.weekday()]
    return f"当天是{why}, 不是工作日(期限仍按原文)"


def note_makeup_workday(d: date, holiday: str | None) -> str:
    return f"当天是{WEEKDAY_NAMES[d.weekday()]}, 但为{holiday or '节假日'}调休上班日"


def choices_reading(count: int) -> str:
    return f"有{count}种读法, 请确认是哪一个"


# --- calendar warnings --------------------------------------------------------------------------------


def fallback_warning(years: list[int], problems: dict[int, str]) -> str:
    listed = "、".join(str(y) for y in years)
    text = (
        f"注意: {listed}年的法定节假日安排尚未导入, 按只有周末休息计算(未计节假日和调休上班)。"
        "可用 duban holidays import FILE 导入国务院公布的安排。"
    )
    for year, problem in sorted(problems.items()):
        text += f" {year}年的节假日文件有误, 未采用: {problem}"
    return text


# --- errors -----------------------------------------------------------------------------------------


def unreadable(text: str) -> str:
    return f"没有读懂“{text}”。可以这样写: {EXAMPLES}。"


def empty_phrase() -> str:
    return f"期限是空的。可以这样写: {EXAMPLES}。"


def no_such_month(phrase: str, month: int) -> str:
    return f"“{phrase}”不是真实的日期: 没有{month}月。"


def no_such_day(phrase: str, month: int, day: int, year: int | None = None) -> str:
    where = f"{year}年{month}月" if year else f"{month}月"
    return f"“{phrase}”不是真实的日期: {where}没有{day}日。"


def no_such_day_of_month(phrase: str, day: int) -> str:
    return f"“{phrase}”不是真实的日期: 没有哪个月有{day}日。"


def monthly_day_too_late(phrase: str, day: int) -> str:
    return f"“{phrase}”: 每月{day}日不是每个月都有, 每月的截止日请写1–28日, 或写“每月底前”。"


def recurring_day_missing(phrase: str, detail: str) -> str:
    return f"“{phrase}”: 不是每一期都有这一天({detail})。"


def unsupported_period(phrase: str) -> str:
    return f"“{phrase}”: 暂不支持这种周期, 只支持每月、每季度、每年(例如: 每季度末月25日前)。"


def unsupported_event_months(phrase: str) -> str:
    return f"“{phrase}”: 事件后的期限请写成天数或工作日(例如: 名单确定后10个工作日内)。"


def out_of_range(phrase: str) -> str:
    return f"“{phrase}”: 日期超出可计算的范围。"


def too_many_days(phrase: str, n: int) -> str:
    return f"“{phrase}”: {n} 太大了, 期限请在 1–3660 天之内。"


# --- holiday files ------------------------------------------------------------------------------------


def holiday_file_unreadable(problem: str) -> str:
    return f"不是有效的 YAML: {problem}"


def holiday_file_not_mapping() -> str:
    return "文件应是一个映射, 至少含 year 和 holidays"


def holiday_file_unknown_keys(where: str, keys: list[str]) -> str:
    return f"{where}: 不认识的字段 {', '.join(keys)}"


def holiday_file_missing(where: str, key: str) -> str:
    return f"{where}: 缺少 {key}"


def holiday_file_bad_year(value: object) -> str:
    return f"year: “{value}”不是年份(例如 2027)"


def holiday_file_not_list(key: str) -> str:
    return f"{key}: 应是列表"


def holiday_file_empty_holidays() -> str:
    return "holidays: 至少要有一项(元旦、春节、清明、劳动节、端午、中秋、国庆)"


def holiday_file_bad_date(where: str, value: object) -> str:
    return f"{where}: “{value}”不是日期, 请写成 YYYY-MM-DD"


def holiday_file_wrong_year(where: str, d: date, year: int) -> str:
    return f"{where}: {d.isoformat()} 不在 {year} 年"


def holiday_file_bad_span(where: str, start: date, end: date) -> str:
    return f"{where}: to {end.isoformat()} 早于 from {start.isoformat()}"


def holiday_file_long_span(where: str, days: int) -> str:
    return f"{where}: 一次放假 {days} 天, 超过 31 天, 请检查 from/to"


def holiday_file_entry_shape(where: str) -> str:
    return f"{where}: 应写一个日期, 或含 date、dates 或 from+to 的映射"


def holiday_file_both(d: date) -> str:
    return f"{d.isoformat()} 同时列在 holidays 和 workdays 中"


def holiday_file_workday_not_weekend(where: str, d: date) -> str:
    return f"{where}: {d.isoformat()} 是{WEEKDAY_NAMES[d.weekday()]}, 调休上班日应是周六或周日"


def holiday_file_name_mismatch(name: str, year: int) -> str:
    return f"文件名 {name} 与 year: {year} 不一致, 应命名为 {year}.yaml"


# --- CLI ----------------------------------------------------------------------------------------------


def cli_bad_date(option: str, value: str) -> str:
    return f"{option}: “{value}”不是日期, 请写成 YYYY-MM-DD(例如 2022-09-28)"


def cli_bad_year(value: str) -> str:
    return f"--year: “{value}”不是年份(例如 2022)"


def cli_bad_count(value: str) -> str:
    return f"N: “{value}”不是整数(例如 10)"


def cli_no_date() -> str:
    return "(无具体日期)"


def cli_choice_header(count: int) -> str:
    return f"有{count}种读法, 请确认:"


def cli_file_missing(path: str) -> str:
    return f"找不到文件 {path}"


def cli_year_official(year: int, first: int, last: int) -> str:
    return f"{year}年已由 chinesecalendar 提供官方安排({first}–{last}年), 不需要导入; 文件只用于它未覆盖的年份。"


def cli_file_exists(path: str) -> str:
    return f"{path} 已存在; 要替换请加 --replace"


def cli_imported(year: int, path: str, holidays: int, workdays: int) -> str:
    return f"已导入 {year} 年: {holidays} 个放假日, {workdays} 个调休上班日 -> {path}"


def cli_status_header() -> str:
    return "年份  来源"


def cli_status_official_range(first: int, last: int, version: str) -> str:
    return f"chinesecalendar {version} 提供 {first}–{last} 年的官方安排"


def cli_status_line(year: int, coverage: str, detail: str | None) -> str:
    line = f"{year}  {COVERAGE_LABELS[coverage]}"
    return f"{line}  {detail}" if detail else line


def cli_status_file_ignored(name: str) -> str:
    return f"{name} 未采用: 该年已有官方安排"
