"""The names an official document is signed with, as the letter gives them: never written in the code."""

from __future__ import annotations

from dataclasses import dataclass

from services.letter_file import DEFAULT_OFFICE
from storage.models import Letter


@dataclass(frozen=True)
class LetterNames:
    code: str
    year: int
    title: str
    document_no: str | None
    office: str  # the short name the bot speaks with: 美丽办
    county: str | None  # 嵊州市
    issuer: str  # the full name a document is signed with: 市委市政府美丽嵊州建设领导小组办公室


def letter_names(letter: Letter) -> LetterNames:
    office = letter.office or DEFAULT_OFFICE
    # A letter without an issuer signs with its county and office (嵊州市美丽办), the best the data offers.
    issuer = letter.issuer or f"{letter.county or ''}{office}"
    return LetterNames(letter.code, letter.year, letter.title, letter.document_no, office, letter.county, issuer)
