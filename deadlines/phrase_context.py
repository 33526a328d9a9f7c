"""The state one phrase is read in (today, the letter year, the calendar) and how readings are built.

Year rule for a day written without a year ("9月30日", "3月底前"): the letter year when one is given
(even if that day has passed, which the reading says), else this year if the day is today or later,
else next year. The reading always says which rule applied.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NoReturn

from deadlines import wording
from deadlines.readings import DeadlineParseError, ParsedDeadline
from deadlines.specs import DeadlineSpec, SpecError, occurrences
from deadlines.workdays import WorkdayCalendar


def month_end(year: int, month: int) -> date:
    return date(year, month, _cal.monthrange(year, month)[1])


def add_months(start: date, n: int) -> date:
    """Civil Code art. 202: the same day n months on, or that month's last day when it has none."""
    index = start.year * 12 + start.month - 1 + n
    year, month = divmod(index, 12)
    return date(year, month + 1, min(start.day, _cal.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class Context:
    text: str  # the phrase as given (stripped); kept verbatim in specs
    s: str  # the normalized phrase the grammar reads
    today: date
    year: int | None  # the letter year, when reading the letter's own words
    calendar: WorkdayCalendar

    def fail(self, message: str) -> NoReturn:
        raise DeadlineParseError(message)

    def in_year(
        self, explicit: int | None, make: Callable[[int], date], nonexistent: Callable[[int], str]
    ) -> tuple[date, list[str]]:
        """Place a year-free day (built by `make`) in a year by the module's year rule."""

        def build(year: int) -> date:
            try:
                return make(year)
            except ValueError:
                self.fail(nonexistent(year))

        notes: list[str]
        if explicit is not None:
            day, notes = build(explicit), []
        elif self.year is not None:
            day, notes = build(self.year), [wording.note_letter_year(self.year)]
        else:
            try:
                this_year: date | None = make(self.today.year)
            except ValueError:  # 2月29日 outside a leap year
                this_year = None
            if this_year is not None and this_year >= self.today:
                day, notes = this_year, [wording.NOTE_THIS_YEAR]
            else:
                day, notes = build(self.today.year + 1), [wording.NOTE_NEXT_YEAR]
        if day < self.today:
            notes.append(wording.NOTE_PASSED)
        return day, notes

    def _day_notes(self, day: date) -> list[str]:
        info = self.calendar.day_info(day)
        if not info.workday:
            return [wording.note_day_off(day, info.holiday)]
        if info.makeup:
            return [wording.note_makeup_workday(day, info.holiday)]
        return []

    def dated(
        self,
        kind: str,
        day: date,
        words: str,
        *,
        agnostic: DeadlineSpec | None = None,
        notes: Sequence[str] = (),
        counted_from: date | None = None,
    ) -> ParsedDeadline:
        """A reading with one due day. `agnostic` is the year-free spec, stored only in the letter year."""
        notes = list(notes) + self._day_notes(day)
        years = range(counted_from.year, day.year + 1) if counted_from else [day.year]
        if agnostic is not None and self.year is not None and day.year == self.year:
            spec = agnostic
        else:
            spec = DeadlineSpec(kind="absolute", date=day, phrase=self.text)
        return ParsedDeadline(
            text=self.text,
            kind=kind,
            date=day,
            reading=wording.reading(wording.what_dated(day, words), kind, notes),
            spec=spec,
            warning=self.calendar.warning_for_years(years),
        )

    def undated(self, kind: str, what: str, spec: DeadlineSpec) -> ParsedDeadline:
        return ParsedDeadline(text=self.text, kind=kind, date=None, reading=wording.reading(what, kind, []), spec=spec)

    def recurring(
        self, phrase: str, every: str, rule: str, *, month: int | None = None, day: int | None = None
    ) -> ParsedDeadline:
        """A recurring reading; its date is the next due day on or after today."""
        try:
            spec = DeadlineSpec(kind="recurring", every=every, month=month, day=day, phrase=self.text)
        except SpecError:
            self._recurring_day_refused(phrase, every, month, day)
        year = self.year if self.year is not None else self.today.year
        days = self._occurrences(phrase, spec, year)
        upcoming = [d for d in days if d >= self.today]
        if not upcoming and self.year is None:
            year += 1
            days = self._occurrences(phrase, spec, year)
            upcoming = days
        next_due = upcoming[0] if upcoming else None
        notes = self._day_notes(next_due) if next_due else []
        return ParsedDeadline(
            text=self.text,
            kind="recurring",
            date=next_due,
            reading=wording.reading(wording.what_recurring(every, rule, days, next_due), "recurring", notes),
            spec=spec,
            occurrences=tuple(days),
            warning=self.calendar.warning_for_years([next_due.year]) if next_due else None,
        )

    def _recurring_day_refused(self, phrase: str, every: str, month: int | None, day: int | None) -> NoReturn:
        """Fail with the reason a recurring spec was refused: its day is missing from some due month."""
        assert day is not None  # only a stated day can make a recurring spec invalid here
        if every == "month":
            self.fail(wording.monthly_day_too_late(phrase, day))
        months = (3, 6, 9, 12) if every == "quarter" else (month or 12,)
        short = next((m for m in months if day > _cal.monthrange(2001, m)[1]), months[0])
        self.fail(wording.no_such_day(phrase, short, day))

    def _occurrences(self, phrase: str, spec: DeadlineSpec, year: int) -> list[date]:
        try:
            return occurrences(spec, year)
        except (ValueError, SpecError):  # e.g. 每季度末月31日: June has no 31st
            assert spec.day is not None  # a month end always exists; only a stated day can be missing
            due_months: dict[str | None, tuple[int, ...]] = {"quarter": (3, 6, 9, 12), "year": (spec.month or 12,)}
            months = due_months.get(spec.every, ())
            missing = [m for m in months if spec.day > _cal.monthrange(year, m)[1]][:1] or [spec.month or 12]
            self.fail(wording.recurring_day_missing(phrase, f"{year}年{missing[0]}月没有{spec.day}日"))

    def choices(self, options: list[ParsedDeadline]) -> ParsedDeadline:
        kinds = {o.kind for o in options}
        warnings = list(dict.fromkeys(o.warning for o in options if o.warning))
        return ParsedDeadline(
            text=self.text,
            kind=kinds.pop() if len(kinds) == 1 else None,
            date=None,
            reading=wording.choices_reading(len(options)),
            choices=tuple(options),
            warning=" ".join(warnings) or None,
        )
