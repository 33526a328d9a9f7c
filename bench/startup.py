"""How fast duban starts. Prints figures; asserts nothing.

- `duban --help` and `duban score --json` (the database's facts, a database holding the bundled letter):
  the wall time of a fresh process, the median of several runs;
- the first answered /start: from starting `duban run` against the fake Bot API (a /start already waiting)
  to the answer arriving, on first start (an empty database: the schema made, the bundled letter loaded)
  and with a database (the same again).

Each checkout's modules are compiled to bytecode first, as the first run of any install leaves them (this
machine sets PYTHONDONTWRITEBYTECODE, which would otherwise have every run compile the whole project again).

`--root DIR` measures another checkout of the code (e.g. a worktree of the commit before a change) with this
checkout's fake Bot API and virtual environment, so both are measured on the same machine in the same way:

    .venv/bin/python bench/startup.py [--root /tmp/duban-before] [--runs 7]
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from fake_bot_api import FakeBotAPI  # noqa: E402 (after the path insert)

USER = 4242
BOOT = "import sys; sys.path.insert(0, {root!r}); from bot.cli import main; sys.exit(main())"


def _env(root: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUBAN_", "TELEGRAM_", "DINGTALK_"))}
    env.update(DATABASE_URL=database_url, DUBAN_LOG_LEVEL="WARNING", DUBAN_WEEKLY_AT="off", PYTHONPATH=str(root))
    env.update(extra)
    return env


def _duban(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-c", BOOT.format(root=str(root)), *args]


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(command: list[str], env: dict[str, str], cwd: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of `runs` runs of `command`."""
    wall, cpu = [], []
    for _ in range(runs):
        started, used = time.perf_counter(), _children_cpu()
        done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True)
        wall.append(time.perf_counter() - started)
        cpu.append(_children_cpu() - used)
        if done.returncode != 0:
            raise RuntimeError(f"{command[3:]} exited {done.returncode}: {done.stderr[-2000:]}")
    return wall, cpu


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def first_start(root: Path, env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Seconds from starting `duban run` to the answer to a /start sent before it started, and the CPU
    seconds the bot had used by then."""
    with FakeBotAPI() as fake:
        fake.add_user(USER, first_name="联络员")
        fake.inject_message(USER, "/start")
        run_env = dict(env, TELEGRAM_BOT_TOKEN=fake.token, TELEGRAM_API_BASE_URL=fake.base_url)
        run_env["TELEGRAM_FILE_BASE_URL"] = fake.file_base_url
        started = time.perf_counter()
        proc = subprocess.Popen(_duban(root, "run"), env=run_env, cwd=cwd, stdout=subprocess.DEVNULL)
        try:
            fake.wait_until(lambda: fake.messages_to(USER), what="the answer to /start", timeout=120)
            answered = time.perf_counter() - started
            cpu = _cpu_of(proc.pid)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    return answered, cpu


def _compile(root: Path) -> str:
    """The project's bytecode written beside its sources (__pycache__), as a first run writes it."""
    packages = [p for p in sorted(root.iterdir()) if (p / "__init__.py").is_file()]
    command = [sys.executable, "-m", "compileall", "-q", *map(str, packages)]
    done = subprocess.run(command, capture_output=True, text=True)
    return "bytecode compiled" if done.returncode == 0 else f"compileall failed: {done.stdout[-200:]}"


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.0f} ms (min {min(values) * 1000:,.0f})"


def line(what: str, wall: list[float], cpu: list[float], goal: str = "") -> str:
    return f"{what:<28}{ms(wall):>24}   CPU {ms(cpu):>22}  {goal}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=HERE, help="the checkout to measure (default: this one)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    root = args.root.resolve()
    compiled = _compile(root)
    with tempfile.TemporaryDirectory(prefix="duban-startup-") as tmp:
        work = Path(tmp)
        env = _env(root, f"sqlite:///{work / 'duban.db'}")
        cold = [first_start(root, env, work)]  # an empty database: schema and the bundled letter
        warm = [first_start(root, env, work) for _ in range(max(1, args.runs // 2))]
        helps = timed(_duban(root, "--help"), env, work, args.runs)
        scores = timed(_duban(root, "score", "--json"), env, work, args.runs)
        baseline = timed([sys.executable, "-c", "import telegram"], env, work, args.runs)
    print(f"code measured: {root}  (median of runs; load average now {os.getloadavg()[0]:.1f}; {compiled})")
    print(line("duban --help", *helps, "goal: under 500 ms"))
    print(line("duban score --json", *scores, "goal: under 700 ms"))
    print(line("first /start, first start", [w for w, _ in cold], [c for _, c in cold]))
    print(line("first /start, with a db", [w for w, _ in warm], [c for _, c in warm], "goal: under 1,000 ms"))
    print(line("python -c 'import telegram'", *baseline, "(the baseline)"))


if __name__ == "__main__":
    main()
