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
    "festival": "节假日前后",
    "relative": "相对期限",
    "duration": "最短期限",
}

PERIOD_LABELS = {"week": "每周", "month": "每月", "quarter": "每季度", "half_year": "每半年", "year": "每年"}

EXAMPLES = "9月30日、9月底前、下周五、10个工作日内、每季度末月25日前、每周四前、国庆节前"

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


def words_half_year(year: int, first: bool) -> str:
    return f"{year}年{'上' if first else '下'}半年, 取{'6月底' if first else '年底'}"


def words_first_quarters(quarters: int) -> str:
    return f"前{quarters}季度, 取第{quarters}季度末"


def words_week_end(prefix: str) -> str:
    return f"{prefix}周末, 周末按周日计"


def words_week_last_workday(prefix: str) -> str:
    return f"{prefix}周内, 取该周最后一个工作日"


def note_week_without_workday() -> str:
    return "该周没有工作日, 取此前最后一个工作日"


def words_hours(n: int) -> str:
    return f"{n}小时, 即{n // 24}天, 自现在起算"


def words_half_period(start: date, whole: int, year: bool) -> str:
    if year:
        counted = f"{whole}年半" if whole else "半年"
        return f"自{cn_date(start)}起{counted}(按{whole * 12 + 6}个月计), 起算当日不计"
    counted = f"{whole}个半月" if whole else "半个月"
    months = f"{whole}个月又15天" if whole else "15天"
    return f"自{cn_date(start)}起{counted}(按{months}计), 起算当日不计"


def words_festival(festival: str, side: str, n: int) -> str:
    if side == "on":
        return f"{festival}当天"
    if side == "before":
        nth = "最后一个工作日" if n == 1 else f"倒数第{n}个工作日"
        return f"{festival}前, 取放假前{nth}"
    return f"{festival}后, 取节后第{n}个工作日(调休上班日算工作日)"


def words_festival_own_day(festival: str, own: date) -> str:
    return f"{festival}({own.month}月{own.day}日)当天之前, 取前一天"


def note_festival_break(festival: str, year: int, first: date, last: date) -> str:
    def day(d: date) -> str:
        return f"{d.year}年{d.month}月{d.day}日" if d.year != year else f"{d.month}月{d.day}日"

    span = day(first) if first == last else f"{day(first)}至{day(last)}"
    return f"{year}年{festival}按国务院放假安排连休{span}"


def note_nearest_festival(festival: str) -> str:
    return f"未写节日名, 取最近的{festival}"


def words_workdays(start: date, n: int) -> str:
    return f"自{cn_date(start)}起第{n}个工作日, 起算当日不计"


def what_after_event(event: str, n: int, unit: str) -> str:
    return f"“{event}”后{n}{unit}内(事件当日不计); 事件日期确定后才有截止日"


def what_duration(subject: str, days: int) -> str:
    return f"{subject}不少于{days}日(时长要求, 不是截止日)"


def period_label(every: str, every_other: bool = False) -> str:
    return "每两周" if every_other else PERIOD_LABELS[every]


def what_recurring(label: str, rule: str, days: list[date], next_due: date | None) -> str:
    listed = cn_dates(days) if len(days) <= 4 else f"{cn_dates(days[:2])}……共{len(days)}次"
    head = f"{label}{rule}({listed})"
    if next_due is None:
        return head + ", 本年度各期均已过"
    return head + f", 下一次 {cn_date(next_due)}"


def rule_month(day: int | None) -> str:
    return f"{day}日前" if day else "月底前"


def rule_quarter(day: int | None) -> str:
    return f"末月{day}日前" if day else "末前"


def rule_month_xun(part: str, day: int | None) -> str:
    return f"{part}旬前(取{part}旬最后一天: {f'{day}日' if day else '月底'})"


def note_time_of_day(words: str) -> str:
    return f"“{words}”不单独计时, 按当天计"


def rule_week(weekday: int | None) -> str:
    if weekday is None:
        return "最后一个工作日前"
    return f"{'一二三四五六日'[weekday]}前"


def rule_half_year() -> str:
    return "末前(6月底、12月底)"


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


def note_shifted(day: date, why: str, moved: date, shift: str) -> str:
    way = "提前至前一个工作日" if shift == "previous" else "顺延至下一个工作日"
    return f"{day.month}月{day.day}日是{why}, 按原文“遇节假日{way[:2]}”, {way}{moved.month}月{moved.day}日"


def note_period_end_moved(day: date, why: str, moved: date, shift: str) -> str:
    if shift == "holiday":
        rule = "按民法典第二百零三条, 期间最后一日是法定休假日的, 以休假日结束的次日为最后一日"
    else:
        rule = "按本办规则, 期间最后一日遇休息日顺延至下一个工作日"
    return f"期间最后一日{day.month}月{day.day}日是{why}; {rule}: {moved.month}月{moved.day}日"


def note_event_period_end(shift: str) -> str:
    if shift == "holiday":
        return "最后一日若在法定节假日, 顺延至节后第一个工作日(民法典第二百零三条)"
    if shift == "previous":
        return "最后一日若不是工作日, 提前至前一个工作日"
    return "最后一日若不是工作日, 顺延至下一个工作日"


def note_other_readings(days: list[date]) -> str:
    return "; 另一种读法: " + "、".join(cn_date(d) for d in days) + ", 见选项"


def note_recurring_shift(shift: str) -> str:
    way = "提前至前一个工作日" if shift == "previous" else "顺延至下一个工作日"
    return f"落在休息日的一期{way}"


def note_weekly_day_off(shift: str | None) -> str:
    way = "前一个工作日" if shift == "previous" else "下一个工作日"
    return f"遇放假的一周, 改在本周{way}(本周没有就往另一边找; 整周放假则该周不报)"


def note_every_other_week(anchor: date) -> str:
    return f"从{cn_date(anchor)}所在的这一周起算, 隔一周一次"


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
    return (
        f"“{phrase}”: 暂不支持这种周期, 只支持每周、每两周、每月、每季度、每半年、每年"
        "(例如: 每周四前、每月10日前、每季度末月25日前)。"
    )


def unsupported_event_months(phrase: str) -> str:
    return f"“{phrase}”: 事件后的期限请写成天数或工作日(例如: 名单确定后10个工作日内)。"


def festival_unknown(phrase: str, festival: str, year: int) -> str:
    return (
        f"“{phrase}”: 还不知道{year}年{festival}的放假安排, 无法推算日期。"
        "可用 duban holidays import FILE 导入国务院公布的安排, 或直接写日期(例如: 9月30日前)。"
    )


def hours_not_whole_days(phrase: str) -> str:
    return f"“{phrase}”: 不满整天的小时数要看现在几点, 请写成天数或具体日期(例如: 3天内、9月30日前)。"


def out_of_range(phrase: str) -> str:
    return f"“{phrase}”: 日期超出可计算的范围。"


def too_many_days(phrase: str, n: int) -> str:
    return f"“{phrase}”: {n} 太大了, 期限请在 1–3660 天之内。"


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
