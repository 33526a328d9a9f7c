"""docs/facts-format.md lists every sub-item with exactly the fields the rubric reads."""

import re
from pathlib import Path

from tests.test_scoring_support import RUBRIC

DOC = Path(__file__).resolve().parents[1] / "docs" / "facts-format.md"


def test_every_subitem_and_its_fields_are_documented():
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\| ([\w.]+) \| (.+?) \| .+? \| (.+) \|$", line)
        if m and m.group(1) != "id":
            rows[m.group(1)] = set(re.findall(r"`(\w+)`", m.group(3)))
    for s in RUBRIC.subitems:
        assert s.id in rows, s.id
        assert rows[s.id] == (set() if s.exempt else set(s.fields)), s.id
    for mid in RUBRIC.major_ids:
        assert rows[mid] == {"occurred"}
