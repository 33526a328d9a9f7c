"""`duban run --webhook URL` as a real process: setWebhook with a secret, 403 without it, answers with it."""

from __future__ import annotations

import httpx
import pytest

from bot.config import load_settings
from channels.telegram.webhook import SECRET_HEADER, webhook_config
from fake_bot_api import FakeBotAPI
from tests.deploy_processes import RunningBot, bot_env, free_port, wait_until

ADMIN, STRANGER = 777, 555
PUBLIC_URL = "https://duban.example.gov.cn/duban/telegram"


def test_webhook_refuses_a_wrong_or_missing_secret_and_answers_the_right_one(tmp_path):
    port, secret = free_port(), "s3cret_token-of-the-office"
    with FakeBotAPI() as fake:
        fake.add_user(ADMIN, first_name="美丽办")
        fake.add_user(STRANGER, first_name="路人")
        env = bot_env(
            fake,
            f"sqlite:///{tmp_path / 'hook.db'}",
            DUBAN_ADMINS=str(ADMIN),
            DUBAN_WEBHOOK_PORT=str(port),
            DUBAN_WEBHOOK_SECRET=secret,
        )
        bot = RunningBot("webhook", tmp_path, env, "--webhook", PUBLIC_URL).start()
        try:
            registered = fake.wait_for_request("setWebhook", timeout=30)
            assert registered.params["url"] == PUBLIC_URL
            assert registered.params["secret_token"] == secret
            local = f"http://127.0.0.1:{port}/duban/telegram"
            wait_until(lambda: _listening(local), 15, "the webhook server")

            # Updates that only a forger could send: the stranger's /start must never be answered.
            forged = fake.inject_message(STRANGER, "/start") and fake.pending_updates[-1]
            missing = httpx.post(local, json=forged, timeout=5)
            wrong = httpx.post(local, json=forged, headers={SECRET_HEADER: secret + "x"}, timeout=5)
            wrong_path = httpx.post(local + "/other", json=forged, headers={SECRET_HEADER: secret}, timeout=5)

            fake.inject_message(ADMIN, "/start")
            genuine = fake.pending_updates[-1]
            accepted = httpx.post(local, json=genuine, headers={SECRET_HEADER: secret}, timeout=5)
            welcome = fake.wait_for_message(ADMIN, contains="美丽办", timeout=15)
            not_json = httpx.post(local, content=b"{not json", headers={SECRET_HEADER: secret}, timeout=5)
        finally:
            code, seconds = bot.stop()
        assert fake.messages_to(STRANGER) == []
        assert fake.rejections == []
        assert fake.requests_for("getUpdates") == []  # webhook mode never polls
    assert (missing.status_code, wrong.status_code, wrong_path.status_code) == (403, 403, 404)
    assert accepted.status_code == 200 and not_json.status_code == 400
    assert "33 项工作任务" in welcome.text
    assert code == 0 and seconds < 10, bot.output()
    refusals = bot.lines("webhook request refused")
    assert len(refusals) == 3 and all("level=WARNING" in line for line in refusals)


def _listening(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 405  # up: only POST is served there
    except httpx.TransportError:
        return False


def test_webhook_secret_is_derived_from_the_token_when_not_set():
    a = load_settings({"TELEGRAM_BOT_TOKEN": "123:abc"}).effective_webhook_secret()
    b = load_settings({"TELEGRAM_BOT_TOKEN": "123:abc"}).effective_webhook_secret()
    other = load_settings({"TELEGRAM_BOT_TOKEN": "123:abd"}).effective_webhook_secret()
    assert a == b != other and len(a) == 64 and "abc" not in a
    assert (
        load_settings({"TELEGRAM_BOT_TOKEN": "123:abc", "DUBAN_WEBHOOK_SECRET": "mine"}).effective_webhook_secret()
        == "mine"
    )


@pytest.mark.parametrize("url", ["http://duban.example/hook", "duban.example/hook", "https://duban.example/h?x=1"])
def test_webhook_url_must_be_plain_https(url):
    with pytest.raises(ValueError, match="https|query"):
        webhook_config(url, "127.0.0.1", 8443, "s")


def test_a_malformed_webhook_secret_names_the_setting():
    from bot.config import SettingsError

    with pytest.raises(SettingsError, match="DUBAN_WEBHOOK_SECRET"):
        load_settings({"DUBAN_WEBHOOK_SECRET": "has spaces and ü"})
