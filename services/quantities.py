"""Reading a quantity as people type it on a phone: "900亩", "９００ 亩", "93.5%", "六十", "6.05万亩"."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from deadlines.cn_text import normalize, to_int

# Beyond any quantity of a county's letter (and past what a float keeps exactly): a slip of the keyboard.
MAX_QUANTITY = 1e12
FAR_BEYOND = 3  # a quantity over three times its target is asked about before it is recorded
MULTIPLIERS = ("万", "亿")  # written before a unit, they multiply the number
_NUMBER = re.compile(r"^(?P<num>\d+(?:\.\d+)?|[〇零一二两三四五六七八九十百千]{1,8})(?P<unit>[^\d\s]{0,6})$")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None


def parse_quantity(text: str) -> Quantity | None:
    """None when the text is not a number with an optional unit."""
    cleaned = normalize(text).replace("％", "%").rstrip("。.")
    match = _NUMBER.match(cleaned)
    if match is None:
        return None
    num = match.group("num")
    try:
        value = float(num) if num[0].isdigit() else float(to_int(num))
    except (KeyError, ValueError):
        return None
    return Quantity(value, match.group("unit") or None)


def in_unit(quantity: Quantity, unit: str) -> float | None:
    """The value in the target's unit: the same unit, no unit, or 万 of it (60500亩 vs 6.05万亩)."""
    if quantity.unit in (None, unit):
        return quantity.value
    if unit.startswith("万") and quantity.unit == unit[1:]:
        return quantity.value / 10_000
    if quantity.unit.startswith("万") and quantity.unit[1:] == unit:
        return quantity.value * 10_000
    return None


def too_large(value: float) -> bool:
    """A number no report means: over MAX_QUANTITY, or too long for a float (read as infinity)."""
    return not math.isfinite(value) or abs(value) > MAX_QUANTITY


def doubt(quantity: Quantity, value: float, target: dict) -> str | None:
    """Why `value` (the quantity in the target's unit) should be confirmed before it is recorded:
    "multiplied" when a 万 or 亿 the target's unit does not have multiplied it ("958万亩" for a target in
    亩 is 9,580,000 亩), "beyond" when it is over FAR_BEYOND times the target; None when plausible."""
    unit, given = str(target.get("unit") or ""), quantity.unit or ""
    if given[:1] in MULTIPLIERS and unit[:1] not in MULTIPLIERS:
        return "multiplied"
    planned = float(target.get("value") or 0)
    if planned > 0 and value > FAR_BEYOND * planned:
        return "beyond"
    return None
