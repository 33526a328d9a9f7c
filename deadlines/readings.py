"""What the deadline reader returns: `ParsedDeadline`, or a `DeadlineParseError` meant for the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import date, datetime

from deadlines.specs import DeadlineSpec, end_of_day


class DeadlineParseError(ValueError):
    """A phrase the reader cannot turn into a deadline; the message is Chinese, for the user as is."""


@dataclass(frozen=True)
class ParsedDeadline:
    """How one phrase was read.

    - `kind`: how the phrase reads (one of `specs.KINDS`); None only when `choices` disagree on it.
    - `date`: the due day; None for a relative deadline whose event has not happened, for a minimum
      duration, and when `choices` must be settled first. For a recurring deadline: the next occurrence
      on or after today.
    - `spec`: what to store. Year-free (``month_end`` 3, ``recurring`` ...) when the phrase follows the
      letter year passed in; an ``absolute`` `date` when the phrase pins a day by today ("下周五",
      "10个工作日内") or by another year, since a year-free spec would lose that.
    - `reading`: the Chinese explanation ("读作: 2022年9月30日(9月底), 月末").
    - `choices`: the possible readings when the phrase is ambiguous; then `date` is None, unless one
      reading is the usual one ("劳动节前": before the holiday; a period's end moved out of a holiday by
      the Civil Code): then `date`, `spec` and `reading` are the usual reading's, and `choices` holds it
      first and the others after it, for the chat to offer as buttons.
    - `occurrences`: a recurring deadline's due days in the year read.
    - `warning`: set when the working-day calendar fell back to weekends only for a year it used.
    """

    text: str
    kind: str | None
    date: date | None
    reading: str
    spec: DeadlineSpec | None = None
    choices: tuple[ParsedDeadline, ...] = ()
    # `dt.date`: inside this class body the bare name `date` is the field above, not the type.
    occurrences: tuple[dt.date, ...] = ()
    warning: str | None = None

    @property
    def ambiguous(self) -> bool:
        return bool(self.choices)

    @property
    def due_at(self) -> datetime | None:
        """The instant the deadline passes: end of `date` in Asia/Shanghai."""
        return end_of_day(self.date) if self.date is not None else None

    def to_dict(self) -> dict[str, object]:
        """Plain data for JSON: dates as ISO text, `spec` and each of `choices` as dicts."""
        data: dict[str, object] = {
            "text": self.text,
            "date": self.date.isoformat() if self.date else None,
            "kind": self.kind,
            "reading": self.reading,
            "spec": self.spec.to_dict() if self.spec else None,
        }
        if self.occurrences:
            data["occurrences"] = [d.isoformat() for d in self.occurrences]
        if self.choices:
            data["choices"] = [c.to_dict() for c in self.choices]
        if self.warning:
            data["warning"] = self.warning
        return data
