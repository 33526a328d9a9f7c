"""Understanding a report typed as a sentence: "3.1 完成 900亩", "14.2 已完成", "3.1 进度 600亩"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from deadlines.cn_text import normalize_spaced
from services.quantities import Quantity, parse_quantity

_CODE = r"(?P<code>\d{1,2}\.\d{1,2})"
_DONE = r"(?P<done>已经?完成了?|完成了?|做完了?|已办结|办结)"
_PROGRESS = r"(?P<progress>进度|已推进|推进到|目前|当前)"
_AMOUNT = r"(?P<amount>[\d.]+\s*[^\d\s]{0,5}|[〇零一二两三四五六七八九十百千]{1,8}[^\d\s]{0,5})"
_PATTERNS = [
    re.compile(rf"^(?:任务)?\s*{_CODE}\s*{_DONE}\s*{_AMOUNT}?$"),
    re.compile(rf"^(?:任务)?\s*{_CODE}\s*{_PROGRESS}\s*{_AMOUNT}$"),
    re.compile(rf"^(?:任务)?\s*{_CODE}\s+{_AMOUNT}$"),  # a bare amount needs a space after the code
]


@dataclass(frozen=True)
class ReportIntent:
    code: str
    kind: str  # completion | progress
    quantity: Quantity | None


def read_intent(text: str) -> ReportIntent | None:
    """A report intent, or None when the text is not one (the bot then answers with the right form)."""
    cleaned = normalize_spaced(text).lower()
    cleaned = re.sub(r"[,,::]", " ", cleaned).strip()
    cleaned = re.sub(r"(?<=\d)\s+(?=[^\d\s])", "", cleaned)  # "900 亩" -> "900亩"
    for pattern in _PATTERNS:
        match = pattern.match(cleaned)
        if match is None:
            continue
        amount = match.groupdict().get("amount")
        quantity = parse_quantity(amount.replace(" ", "")) if amount else None
        if amount and quantity is None:
            return None
        kind = "completion" if match.groupdict().get("done") else "progress"
        if kind == "progress" and quantity is None:
            return None
        return ReportIntent(match.group("code"), kind, quantity)
    return None
