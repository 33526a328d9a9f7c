"""What /export costs after a year of use: time and peak memory. Prints figures; asserts nothing.

For each database (seeded by bench/scale_seed.py: 1x, 10x), a fresh process runs exactly what the bot's
/export worker runs, handlers.office_reports._build_export (the snapshot, then the workbook with its native
charts), and reports the time (the snapshot's apart), the workbook's size, the process's memory before the
export (the bot's modules imported, not yet what the export imports itself), its peak resident memory
(VmHWM) at the end, and whether matplotlib was loaded. Goals at 10x: under 10 s, and under 150 MB.

    .venv/bin/python bench/export.py --db sqlite:///…/scale-10x.db [--db …] [--root /tmp/duban-before]

`--root` measures another checkout of the code with the same databases: whatever its /export does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
TODAY = date(2022, 12, 20)  # bench/scale_seed.py's TODAY


def _memory() -> tuple[float, float]:
    """(resident now, peak resident so far) of this process, in MB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def child(url: str) -> None:
    """One export in this process, as the bot's worker runs it; its figures as one JSON line."""
    from datetime import datetime
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from deadlines.clock import FakeClock
    from deadlines.policy import ReminderPolicy
    from deadlines.workdays import WorkdayCalendar
    from handlers import office_reports
    from storage.db import Database

    tz = ZoneInfo("Asia/Shanghai")
    clock = FakeClock(datetime.combine(TODAY, datetime.min.time(), tz).replace(hour=9))
    ctx = SimpleNamespace(db=Database(url), clock=clock, calendar=WorkdayCalendar(), policy=ReminderPolicy())
    take, taking = office_reports.take, [0.0]

    def timed_take(*args):
        started = time.perf_counter()
        try:
            return take(*args)
        finally:
            taking[0] += time.perf_counter() - started

    office_reports.take = timed_take  # the snapshot's share of the time
    imported, _ = _memory()
    started = time.perf_counter()
    snapshot, data, _ = office_reports._build_export(ctx, None, None)
    written = time.perf_counter()
    _, peak = _memory()
    figures = {
        "snapshot": taking[0],
        "workbook": written - started - taking[0],
        "total": written - started,
        "bytes": len(data),
        "audit": len(snapshot.audit),
        "imported_mb": imported,
        "peak_mb": peak,
        "matplotlib": "matplotlib" in sys.modules,
    }
    print(json.dumps(figures))


def measure(root: Path, url: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(root))  # the project's modules from `root`
    command = [sys.executable, __file__, "--child", url]
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=root)
    if done.returncode != 0:
        raise RuntimeError(f"the export failed on {url}: {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="a database seeded by bench/scale_seed.py")
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout to measure (default: this one)")
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
        return
    args = parser.parse_args()
    root = args.root.resolve()
    print(f"code measured: {root}  (load average now {os.getloadavg()[0]:.1f})")
    for url in args.db:
        f = measure(root, url)
        print(
            f"{Path(url).name}: {f['audit']:,} audit rows -> {f['bytes'] / 1e6:.1f} MB workbook in {f['total']:.1f} s "
            f"(snapshot {f['snapshot']:.1f} s, workbook and charts {f['workbook']:.1f} s); memory "
            f"{f['imported_mb']:.0f} MB before, peak {f['peak_mb']:.0f} MB (+{f['peak_mb'] - f['imported_mb']:.0f} MB "
            f"for the export); matplotlib {'loaded' if f['matplotlib'] else 'not loaded'}"
        )


if __name__ == "__main__":
    main()
