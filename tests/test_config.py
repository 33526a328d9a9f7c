"""A missing or invalid setting names the variable and an example value."""

from __future__ import annotations

import pytest

from bot.cli import main
from bot.config import SettingsError, load_settings


def test_defaults():
    s = load_settings({})
    assert s.database_url == "sqlite:///duban.db"
    assert s.timezone_name == "Asia/Shanghai"
    assert s.token is None and s.admins == frozenset()


def test_values():
    s = load_settings(
        {
            "DUBAN_ADMINS": "1, 22;333",
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "TELEGRAM_BOT_TOKEN": "1:abc",
        }
    )
    assert s.admins == {1, 22, 333}
    assert s.api_base_url == "http://127.0.0.1:8081/bot"


@pytest.mark.parametrize(
    "env,variable,example",
    [
        ({"DUBAN_ADMINS": "12,abc"}, "DUBAN_ADMINS", "DUBAN_ADMINS=123456789"),
        ({"DUBAN_TIMEZONE": "Mars/Olympus"}, "DUBAN_TIMEZONE", "Asia/Shanghai"),
        ({"TELEGRAM_API_BASE_URL": "127.0.0.1:8081"}, "TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot"),
        ({"DATABASE_URL": "duban.db"}, "DATABASE_URL", "sqlite:///duban.db"),
        ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, "TELEGRAM_BOT_TOKEN", "123456789:"),
        ({"DUBAN_LOG_LEVEL": "LOUD"}, "DUBAN_LOG_LEVEL", "INFO"),
    ],
)
def test_invalid_settings_name_variable_and_example(env, variable, example):
    with pytest.raises(SettingsError) as err:
        load_settings(env)
    assert str(err.value).startswith(variable) and example in str(err.value)


def test_cli_reports_a_bad_setting_without_traceback(cli_env, monkeypatch, capsys):
    monkeypatch.setenv("DUBAN_ADMINS", "me")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "DUBAN_ADMINS" in err and "Traceback" not in err


def test_run_without_token_explains_and_exits_nonzero(cli_env, capsys):
    assert main(["run"]) == 1
    err = capsys.readouterr().err
    assert "@BotFather" in err and "TELEGRAM_BOT_TOKEN" in err and ".env" in err
