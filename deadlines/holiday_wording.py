"""The Chinese of holiday-file errors (deadlines/holiday_files.py), kept apart from the reader's wording."""

from __future__ import annotations

from datetime import date

from deadlines.wording import WEEKDAY_NAMES


def unreadable(problem: str) -> str:
    return f"不是有效的 YAML: {problem}"


def not_mapping() -> str:
    return "文件应是一个映射, 至少含 year 和 holidays"


def unknown_keys(where: str, keys: list[str]) -> str:
    return f"{where}: 不认识的字段 {', '.join(keys)}"


def missing(where: str, key: str) -> str:
    return f"{where}: 缺少 {key}"


def bad_year(value: object) -> str:
    return f"year: “{value}”不是年份(例如 2027)"


def not_list(key: str) -> str:
    return f"{key}: 应是列表"


def empty_holidays() -> str:
    return "holidays: 至少要有一项(元旦、春节、清明、劳动节、端午、中秋、国庆)"


def bad_date(where: str, value: object) -> str:
    return f"{where}: “{value}”不是日期, 请写成 YYYY-MM-DD"


def wrong_year(where: str, d: date, year: int) -> str:
    return f"{where}: {d.isoformat()} 不在 {year} 年"


def bad_span(where: str, start: date, end: date) -> str:
    return f"{where}: to {end.isoformat()} 早于 from {start.isoformat()}"


def long_span(where: str, days: int) -> str:
    return f"{where}: 一次放假 {days} 天, 超过 31 天, 请检查 from/to"


def entry_shape(where: str) -> str:
    return f"{where}: 应写一个日期, 或含 date、dates 或 from+to 的映射"


def both(d: date) -> str:
    return f"{d.isoformat()} 同时列在 holidays 和 workdays 中"


def workday_not_weekend(where: str, d: date) -> str:
    return f"{where}: {d.isoformat()} 是{WEEKDAY_NAMES[d.weekday()]}, 调休上班日应是周六或周日"


def name_mismatch(name: str, year: int) -> str:
    return f"文件名 {name} 与 year: {year} 不一致, 应命名为 {year}.yaml"
