"""The bot under measurement in a process of its own (`root`/bench/scale_bot.py), and waiting for it to fall
quiet, and timing one answer: shared by bench/scale.py, bench/concurrency.py and bench/throughput.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from fake_bot_api import FakeBotAPI


class BotProcess:
    """`root`/bench/scale_bot.py started against the fake Bot API; its memory read from /proc."""

    def __init__(self, root: Path, fake: FakeBotAPI, *extra: str):
        script = root / "bench" / "scale_bot.py"
        if not script.exists():
            raise SystemExit(f"{script} is missing: copy bench/scale_bot.py into that checkout")
        args = ["--api", fake.base_url, "--file-api", fake.file_base_url, "--token", fake.token, *extra]
        self.proc = subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.proc.kill()
            raise RuntimeError(f"the bot did not start: {line!r}")

    def memory(self) -> tuple[float, float]:
        """(resident now, peak resident so far), in MB."""
        fields = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            fields[name] = value.strip()
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    def cpu_seconds(self) -> float:
        """CPU time the bot has used so far, all its threads, user and system."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def quiet(fake: FakeBotAPI, seconds: float = 1.0, limit: float = 600.0) -> None:
    """Wait until the bot has sent nothing for `seconds` (start-up menus, a long answer)."""
    started, last, seen = time.monotonic(), time.monotonic(), len(fake.requests)
    while time.monotonic() - last < seconds and time.monotonic() - started < limit:
        time.sleep(0.02)
        if len(fake.requests) != seen:
            seen, last = len(fake.requests), time.monotonic()


def ask(fake: FakeBotAPI, user: int, text: str, expect: int = 1, timeout: float = 600.0) -> float:
    """Seconds from sending `text` to the arrival of the `expect`-th message of the answer."""
    before = len(fake.messages_to(user))
    started = time.time()
    fake.inject_message(user, text)
    fake.wait_until(lambda: len(fake.messages_to(user)) >= before + expect, what=text, timeout=timeout)
    return fake.messages_to(user)[before + expect - 1].time - started
