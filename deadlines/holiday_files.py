"""Holiday schedule files: the State Council's yearly 放假安排 for a year `chinesecalendar` does not cover.

One YAML file per year, `data/holidays/<year>.yaml` (format in `data/holidays/README.md`):

    year: 2027
    source: 国务院办公厅关于2027年部分节假日安排的通知   # optional
    holidays:                 # 放假: every day off of each holiday, weekend days inside the span included
      - {name: 元旦, from: 2027-01-01, to: 2027-01-03}
      - {name: 清明节, date: 2027-04-05}
    workdays:                 # 调休上班: weekend days that are working days
      - {name: 春节, date: 2027-02-07}

An entry is a bare date, or a mapping with an optional `name` and one of `date`, `dates` (a list) or
`from` + `to` (inclusive). Errors are `HolidayFileError` with a Chinese message naming the entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from deadlines import holiday_wording

TOP_KEYS = {"year", "source", "holidays", "workdays"}
ENTRY_KEYS = {"name", "date", "dates", "from", "to"}
MAX_SPAN_DAYS = 31


class HolidayFileError(ValueError):
    """A holiday file that cannot be used; the message (Chinese) says where and why."""


@dataclass(frozen=True)
class HolidaySchedule:
    year: int
    holidays: dict[date, str | None] = field(default_factory=dict)  # day off -> holiday name
    workdays: dict[date, str | None] = field(default_factory=dict)  # make-up workday -> holiday name
    source: str | None = None


def _as_date(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise HolidayFileError(holiday_wording.bad_date(where, value)) from None


def _entry_days(entry: object, where: str) -> tuple[list[date], str | None]:
    if not isinstance(entry, dict):
        return [_as_date(entry, where)], None
    unknown = sorted(set(entry) - ENTRY_KEYS)
    if unknown:
        raise HolidayFileError(holiday_wording.unknown_keys(where, unknown))
    name = str(entry["name"]).strip() if entry.get("name") else None
    if "date" in entry and not ({"dates", "from", "to"} & set(entry)):
        return [_as_date(entry["date"], where)], name
    if "dates" in entry and not ({"date", "from", "to"} & set(entry)):
        if not isinstance(entry["dates"], list) or not entry["dates"]:
            raise HolidayFileError(holiday_wording.entry_shape(where))
        return [_as_date(v, where) for v in entry["dates"]], name
    if {"from", "to"} <= set(entry) and not ({"date", "dates"} & set(entry)):
        start, end = _as_date(entry["from"], where), _as_date(entry["to"], where)
        if end < start:
            raise HolidayFileError(holiday_wording.bad_span(where, start, end))
        span = (end - start).days + 1
        if span > MAX_SPAN_DAYS:
            raise HolidayFileError(holiday_wording.long_span(where, span))
        return [start + timedelta(days=i) for i in range(span)], name
    raise HolidayFileError(holiday_wording.entry_shape(where))


def _collect(data: dict[str, Any], key: str, year: int) -> dict[date, str | None]:
    entries = data.get(key) or []
    if not isinstance(entries, list):
        raise HolidayFileError(holiday_wording.not_list(key))
    days: dict[date, str | None] = {}
    for i, entry in enumerate(entries, 1):
        where = f"{key} 第{i}项"
        found, name = _entry_days(entry, where)
        for d in found:
            if d.year != year:
                raise HolidayFileError(holiday_wording.wrong_year(where, d, year))
            if key == "workdays" and d.weekday() < 5:
                raise HolidayFileError(holiday_wording.workday_not_weekend(where, d))
            days[d] = name or days.get(d)
    return days


def parse_schedule(data: object) -> HolidaySchedule:
    """Validate already-loaded YAML data (anything `yaml.load` returns) and return the schedule it describes."""
    if not isinstance(data, dict):
        raise HolidayFileError(holiday_wording.not_mapping())
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise HolidayFileError(holiday_wording.unknown_keys("文件", unknown))
    for key in ("year", "holidays"):
        if key not in data:
            raise HolidayFileError(holiday_wording.missing("文件", key))
    year = data["year"]
    if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9998:
        raise HolidayFileError(holiday_wording.bad_year(year))
    holidays = _collect(data, "holidays", year)
    if not holidays:
        raise HolidayFileError(holiday_wording.empty_holidays())
    workdays = _collect(data, "workdays", year)
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise HolidayFileError(holiday_wording.both(both[0]))
    source = str(data["source"]).strip() if data.get("source") else None
    return HolidaySchedule(year=year, holidays=holidays, workdays=workdays, source=source)


def parse_text(text: str) -> HolidaySchedule:
    # dates stay text ("2027-02-30" too) so the error can name its entry
    from yaml_reader import parse_yaml  # PyYAML loads only when a file is read

    return _schedule(lambda: parse_yaml(text, dates=False))


def read_file(path: Path) -> HolidaySchedule:
    """Read and validate a holiday file, whatever its name (dates stay text so errors name their entry)."""
    from yaml_reader import read_yaml

    return _schedule(lambda: read_yaml(path, dates=False))


def _schedule(read: Callable[[], object]) -> HolidaySchedule:
    """What `read()` gives, as a schedule; the YAML reader's refusal said as a holiday-file error."""
    from yaml_reader import YamlFileError

    try:
        data = read()
    except YamlFileError as exc:
        raise HolidayFileError(holiday_wording.unreadable(str(exc))) from None
    return parse_schedule(data)


def load_file(path: Path) -> HolidaySchedule:
    """Read and validate one year file; its name must be `<year>.yaml` for the year it states."""
    schedule = read_file(path)
    if path.stem != str(schedule.year):
        raise HolidayFileError(holiday_wording.name_mismatch(path.name, schedule.year))
    return schedule


def year_file(holiday_dir: Path, year: int) -> Path:
    return holiday_dir / f"{year}.yaml"
