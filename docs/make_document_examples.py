"""Regenerate the official documents in docs/examples/: the circular for September 2022 and a supervision
notice on task 22.3, made by the real commands (`duban circular`, `duban notice`) on the bundled 2022 letter
with a seeded year, as the office would have them on 10 October 2022, and a picture of every page.

    .venv/bin/python docs/make_document_examples.py

The year is seeded as docs/make_examples.py seeds the workbook's (its reports), plus the reports that make
September's ranking worth reading: 22.2 on time, 22.3's 25 September node late and its 30 September node
awaiting review, 23.4 on time for its six departments, 31.1 not reported. A throwaway SQLite database in a
temporary folder; the clock is a DUBAN_CLOCK_FILE, so the output changes only when the code or the letter does.

The pictures need LibreOffice and poppler (`apt-get install libreoffice-writer-nogui poppler-utils
fonts-noto-cjk fonts-arphic-ukai`); they are made once, not in CI. The machine has none of the office's
fonts, so the pictures are drawn with stand-ins mapped by a fontconfig file written here: 仿宋_GB2312 and
方正小标宋简体 by Noto Serif CJK SC, 黑体 by Noto Sans CJK SC, 楷体_GB2312 by AR PL UKai. Word on the office's
machine uses the real fonts the document names.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))

from make_examples import OFFICE, REPORTS, at  # noqa: E402
from sqlalchemy import select  # noqa: E402

from deadlines.clock import FakeClock  # noqa: E402
from deadlines.workdays import WorkdayCalendar  # noqa: E402
from services import audit  # noqa: E402
from services.letter_file import read_letter  # noqa: E402
from services.letters import load_letter  # noqa: E402
from services.review import review  # noqa: E402
from storage import migrate  # noqa: E402
from storage.db import Database  # noqa: E402
from storage.models import Report, Task  # noqa: E402
from storage.paths import BUNDLED_LETTER  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
OUT = ROOT / "docs" / "examples"
TODAY = datetime(2022, 10, 10, 9, 0, tzinfo=TZ)
# (task, the deadline day it answers, submitted, reviewed or None)
SEPTEMBER = [
    ("22.2", date(2022, 9, 30), date(2022, 9, 28), date(2022, 9, 29)),
    ("22.3", date(2022, 9, 25), date(2022, 9, 27), date(2022, 9, 28)),
    ("23.4", date(2022, 9, 30), date(2022, 9, 29), date(2022, 9, 30)),
    ("22.3", date(2022, 9, 30), date(2022, 10, 8), None),
]
FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  {aliases}
</fontconfig>
"""
STAND_INS = {
    "仿宋_GB2312": "Noto Serif CJK SC",
    "方正小标宋简体": "Noto Serif CJK SC",
    "宋体": "Noto Serif CJK SC",
    "黑体": "Noto Sans CJK SC",
    "楷体_GB2312": "AR PL UKai CN",
}


def _report(db: Database, clock: FakeClock, code: str, covers: date | None, **fields) -> int:
    with db.session() as s:
        task = s.scalar(select(Task).where(Task.code == code))
        report = Report(
            task_id=task.id,
            kind="completion",
            status="submitted",
            occurrence_due=covers,
            submitted_by=2001,
            submitted_at=clock.now(),
            **fields,
        )
        s.add(report)
        s.flush()
        audit.record(s, clock, "tg:2001", "report.submit", "report", report.id, None, {"task": code})
        return report.id


def seed(db: Database) -> None:
    """The bundled letter loaded on 5 September 2022, the workbook example's reports and September's."""
    calendar = WorkdayCalendar()
    clock = FakeClock(datetime(2022, 9, 5, 10, 0, tzinfo=TZ))
    with db.session() as s:
        load_letter(s, read_letter(BUNDLED_LETTER), clock, actor="cli")
    for code, measures, note, evidence, submitted, reviewed, approved in REPORTS:
        at(clock, submitted, 10)
        rid = _report(
            db,
            clock,
            code,
            None,
            note=note,
            measures=[{"name": n, "value": v, "unit": u, "target": t, "rubric": r} for n, v, u, t, r in measures],
            evidence=[{"kind": "photo", "path": f"evidence/{code}-{i}.jpg"} for i in range(evidence)],
        )
        if reviewed is not None:
            at(clock, reviewed, 15)
            review(db, clock, calendar, OFFICE, rid, approved, None if approved else "缺少验收文件")
    for code, covers, submitted, reviewed in SEPTEMBER:
        at(clock, submitted, 11)
        rid = _report(db, clock, code, covers, evidence=[{"kind": "photo", "path": f"evidence/{code}-s.jpg"}])
        if reviewed is not None:
            at(clock, reviewed, 16)
            review(db, clock, calendar, OFFICE, rid, True)


def duban(tmp: Path, *args: str) -> None:
    """Run a duban command as the office would, on the seeded database, at 10 October 2022 09:00."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DUBAN_", "DATABASE_"))}
    env |= {"DATABASE_URL": f"sqlite:///{tmp / 'examples.db'}", "DUBAN_CLOCK_FILE": str(tmp / "now.txt")}
    print("$ duban " + " ".join(args))
    done = subprocess.run([sys.executable, "-m", "bot", *args], cwd=tmp, env=env, capture_output=True, text=True)
    print(done.stdout + done.stderr, end="")
    done.check_returncode()


def pictures(tmp: Path, docx: Path) -> list[Path]:
    """Every page of `docx` as a PNG beside it in docs/examples (LibreOffice, then poppler)."""
    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        print(f"no pictures of {docx.name}: LibreOffice (soffice) and poppler (pdftoppm) are not installed")
        return []
    aliases = "\n  ".join(
        f"<alias binding='same'><family>{name}</family><prefer><family>{font}</family></prefer></alias>"
        for name, font in STAND_INS.items()
    )
    (tmp / "fonts.conf").write_text(FONTS.format(aliases=aliases), encoding="utf-8")
    env = os.environ | {"FONTCONFIG_FILE": str(tmp / "fonts.conf"), "HOME": str(tmp)}
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(docx)],
        env=env,
        check=True,
        capture_output=True,
    )
    stem = docx.stem
    for old in OUT.glob(f"{stem}-page-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(tmp / f"{stem}.pdf"), str(OUT / f"{stem}-page")], check=True)
    made = sorted(OUT.glob(f"{stem}-page-*.png"))
    for page in made:
        print(f"docs/examples/{page.name}: {page.stat().st_size} bytes")
    return made


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        db = Database(f"sqlite:///{tmp / 'examples.db'}")
        migrate.upgrade(db)
        seed(db)
        db.dispose()
        (tmp / "now.txt").write_text(TODAY.isoformat())
        circular = OUT / "duban-circular-2022-09.docx"
        notice = OUT / "duban-notice-2022-001-22.3.docx"
        duban(tmp, "circular", "--month", "2022-09", "--out", str(circular))
        duban(tmp, "notice", "22.3", "--out", str(notice))
        for docx in (circular, notice):
            pictures(tmp, docx)


if __name__ == "__main__":
    main()
