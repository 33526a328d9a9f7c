"""A letter file may give a deadline as the letter's words alone (`{phrase: 每周四前报送}`): the deadline
reader reads it in the letter year; what it cannot read, or reads two ways, is a problem with its line."""

from __future__ import annotations

import pytest

from deadlines.specs import DeadlineSpec
from services.letter_file import LetterFileError, read_letter
from tests.conftest import FIXTURES

WEEKLY = FIXTURES / "weekly-letter.yaml"


def test_phrases_are_read_in_the_letter_year():
    letter = read_letter(WEEKLY)
    specs = {line.id: line.deadlines for _, line in letter.lines()}
    assert specs["1.1"] == (DeadlineSpec(kind="recurring", every="week", weekday=0, phrase="每周一上午报送"),)
    assert specs["1.2"] == (
        DeadlineSpec(kind="recurring", every="week", weekday=3, phrase="每周四前报送", source="附件 1.2"),
    )


@pytest.mark.parametrize(
    "phrase, problem",
    [
        ("尽快报送", "没有读懂"),
        ("劳动节前", "reads more than one way"),  # before the holiday, or before 1 May itself
        ("每两周", "reads more than one way"),  # which weeks
    ],
)
def test_a_phrase_that_cannot_be_read_exactly_is_a_problem_at_its_line(tmp_path, phrase, problem):
    text = WEEKLY.read_text(encoding="utf-8").replace(
        "{phrase: 每周四前报送, source: 附件 1.2}", f"{{phrase: {phrase}}}"
    )
    path = tmp_path / "letter.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LetterFileError) as caught:
        read_letter(path)
    (line, message), *_ = caught.value.problems
    assert problem in message and "line 1.2 deadlines[0]" in message
    assert text.splitlines()[line - 1].strip().startswith("- {phrase:")


def test_a_festival_phrase_with_one_reading_is_stored_year_free(tmp_path):
    text = WEEKLY.read_text(encoding="utf-8").replace(
        "{phrase: 每周四前报送, source: 附件 1.2}", "{phrase: 国庆节后第一个工作日}"
    )
    path = tmp_path / "letter.yaml"
    path.write_text(text, encoding="utf-8")
    (spec,) = {line.id: line.deadlines for _, line in read_letter(path).lines()}["1.2"]
    assert spec.key == "festival;festival=国庆节;side=after"
