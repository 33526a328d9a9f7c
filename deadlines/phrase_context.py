"""The state one phrase is read in (today, the letter year, the calendar) and how readings are built.

Year rule for a day written without a year ("9月30日", "3月底前"): the letter year when one is given
(even if that day has passed, which the reading says), else this year if the day is today or later,
else next year. The reading always says which rule applied.
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import NoReturn

from deadlines import wording
from deadlines.due_days import shifted
from deadlines.festivals import public_holiday_break
from deadlines.readings import DeadlineParseError, ParsedDeadline
from deadlines.specs import DeadlineSpec, SpecError, occurrences
from deadlines.workdays import AS_COUNTED, CIVIL_CODE, WorkdayCalendar


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
    shift: str | None = None  # "(遇节假日顺延)" / "(遇节假日提前)" in the phrase: next | previous

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

    def holiday_of(self, day: date) -> str:
        """What makes `day` a day off, for a reading: the holiday's name, else its weekday."""
        info = self.calendar.day_info(day)
        return f"{info.holiday}假期" if info.holiday else wording.WEEKDAY_NAMES[day.weekday()]

    def _shifted(self, kind: str, day: date) -> tuple[date, list[str]]:
        """`day` moved by the phrase's own "遇节假日顺延/提前", with the note that says so."""
        if self.shift is None or kind == "festival" or self.calendar.is_workday(day):
            return day, []
        moved = shifted(self.calendar, day, self.shift)
        return moved, [wording.note_shifted(day, self.holiday_of(day), moved, self.shift)]

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
        stated = day
        day, moved = self._shifted(kind, day)
        notes = list(notes) + moved + self._day_notes(day)
        years = range(counted_from.year, day.year + 1) if counted_from else [day.year]
        shift = self.shift if kind != "festival" else None
        if agnostic is not None and self.year is not None and day.year == self.year:
            spec = replace(agnostic, shift=self.shift) if self.shift and agnostic.kind != "festival" else agnostic
        else:
            spec = DeadlineSpec(kind="absolute", date=stated, phrase=self.text, shift=shift)
        return ParsedDeadline(
            text=self.text,
            kind=kind,
            date=day,
            reading=wording.reading(wording.what_dated(day, words), kind, notes),
            spec=spec,
            warning=self.calendar.warning_for_years(years),
        )

    def undated(self, kind: str, what: str, spec: DeadlineSpec, notes: Sequence[str] = ()) -> ParsedDeadline:
        reading = wording.reading(what, kind, list(notes))
        return ParsedDeadline(text=self.text, kind=kind, date=None, reading=reading, spec=spec)

    def usual(self, main: ParsedDeadline, others: Sequence[ParsedDeadline]) -> ParsedDeadline:
        """The usual reading, with the other readings offered as choices: `date` stays the usual one's."""
        others = [o for o in others if o.date != main.date]
        if not others:
            return main
        other_days = [o.date for o in others if o.date is not None]
        return replace(main, reading=main.reading + wording.note_other_readings(other_days), choices=(main, *others))

    def period_end(self, kind: str, day: date, words: str, counted_from: date) -> ParsedDeadline:
        """A period counted in calendar days that ends on `day`: by the office's rule for a last day that is
        a day off (WorkdayCalendar.holiday_rule), with the other reading as a choice when they differ."""
        counted = self.dated(kind, day, words, counted_from=counted_from)
        if self.shift is not None or self.calendar.is_workday(day):
            return counted  # the phrase said itself where the day goes, or there is nothing to move
        holiday = public_holiday_break(self.calendar, day)
        law = self._moved(kind, day, words, counted_from, "holiday", holiday[0] if holiday else None)
        rule = self.calendar.holiday_rule
        if rule == AS_COUNTED:
            return self.usual(counted, [law] if law else [])
        if rule == CIVIL_CODE:
            return self.usual(law, [counted]) if law else counted
        rest = self._moved(kind, day, words, counted_from, "next", holiday[0] if holiday else None)
        assert rest is not None  # a day off always has a next working day
        return self.usual(rest, [counted])

    def _moved(
        self, kind: str, day: date, words: str, counted_from: date, shift: str, holiday: str | None
    ) -> ParsedDeadline | None:
        """The period's end moved off its day off by `shift` (None: the law does not move it)."""
        moved = shifted(self.calendar, day, shift)
        if moved == day:
            return None
        why = f"{holiday}假期" if holiday else self.holiday_of(day)
        note = wording.note_period_end_moved(day, why, moved, shift)
        return self.dated(kind, moved, words, notes=[note], counted_from=counted_from)

    def recurring(
        self,
        phrase: str,
        every: str,
        rule: str,
        *,
        month: int | None = None,
        day: int | None = None,
        weekday: int | None = None,
        anchor: date | None = None,
        notes: Sequence[str] = (),
    ) -> ParsedDeadline:
        """A recurring reading; its date is the next due day on or after today. `anchor` (a day of the week
        to count from) makes a weekly duty every other week."""
        try:
            spec = DeadlineSpec(
                kind="recurring",
                every=every,
                month=month,
                day=day,
                weekday=weekday,
                interval=2 if anchor else None,
                date=anchor,
                phrase=self.text,
                shift=self.shift,
            )
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
        if self.shift is not None and every != "week":
            notes = [*notes, wording.note_recurring_shift(self.shift)]
        notes = list(notes) + (self._day_notes(next_due) if next_due else [])
        what = wording.what_recurring(wording.period_label(every, anchor is not None), rule, days, next_due)
        return ParsedDeadline(
            text=self.text,
            kind="recurring",
            date=next_due,
            reading=wording.reading(what, "recurring", notes),
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
            return occurrences(spec, year, self.calendar)
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
