"""Reading a quantity as people type it on a phone: "900亩", "９００ 亩", "93.5%", "六十", "6.05万亩"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from deadlines.cn_text import normalize, to_int

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
