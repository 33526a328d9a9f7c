"""`duban run` as a real process, pointed at the fake Bot API through TELEGRAM_API_BASE_URL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from fake_bot_api import FakeBotAPI

ADMIN, STRANGER = 777, 555


def test_duban_run_answers_start_and_stops_cleanly(tmp_path):
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        fake.add_user(STRANGER, first_name="路人")
        env = dict(
            os.environ,
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_BASE_URL=fake.base_url,
            TELEGRAM_FILE_BASE_URL=fake.file_base_url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'run.db'}",
            DUBAN_ADMINS=str(ADMIN),
            DUBAN_LOG_LEVEL="INFO",
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            fake.wait_for_polling(timeout=30)
            fake.inject_message(ADMIN, "/start")
            welcome = fake.wait_for_message(ADMIN, contains="美丽办管理员", timeout=15)
            fake.inject_message(STRANGER, "/start")
            stranger = fake.wait_for_message(STRANGER, timeout=15)
        finally:
            started = time.monotonic()
            proc.send_signal(signal.SIGTERM)
            output, _ = proc.communicate(timeout=20)
            stopped_in = time.monotonic() - started
        assert fake.rejections == []
    # The bundled letter was loaded on first start, and the admin sees it.
    assert "33 项工作任务" in welcome.text and "93 条工作内容" in welcome.text
    assert "邀请码" in stranger.text
    assert proc.returncode == 0, output
    assert stopped_in < 10, output
    assert "Traceback" not in output, output
