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


def test_only_a_text_field_goes_without_a_reader():
    """A field without a reader takes its variable's text as it is: right for text, wrong for anything else."""
    from dataclasses import fields

    from bot.config import _READERS, Settings

    plain = {f.name: f.type for f in fields(Settings) if f.name not in _READERS}
    assert plain and set(plain.values()) <= {"str", "str | None"}, plain


def test_cli_reports_a_bad_setting_without_traceback(cli_env, monkeypatch, capsys):
    monkeypatch.setenv("DUBAN_ADMINS", "me")
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "DUBAN_ADMINS" in err and "Traceback" not in err


def test_run_without_token_explains_and_exits_nonzero(cli_env, capsys):
    assert main(["run"]) == 1
    err = capsys.readouterr().err
    assert "@BotFather" in err and "TELEGRAM_BOT_TOKEN" in err and ".env" in err


def _as_pydantic_settings_read(dotenv_path):
    """How bot.config read the variables before it read them itself: pydantic-settings, case-sensitive,
    other names ignored, one optional text field per variable."""
    from pydantic import create_model
    from pydantic_settings import BaseSettings, SettingsConfigDict

    from bot.config import VARIABLES

    class Environment(BaseSettings):
        model_config = SettingsConfigDict(case_sensitive=True, extra="ignore")

    reader = create_model("Reader", __base__=Environment, **{v: (str | None, None) for v in VARIABLES.values()})
    return reader(_env_file=dotenv_path).model_dump(exclude_none=True)


@pytest.mark.parametrize("with_file", [True, False])
def test_variables_are_read_as_pydantic_settings_read_them(tmp_path, monkeypatch, with_file):
    from bot.config import VARIABLES, _variables

    for variable in VARIABLES.values():
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("DUBAN_LOG_LEVEL", "debug")  # the environment wins over .env
    monkeypatch.setenv("DUBAN_ADMINS", "")  # set empty in the environment: still wins
    monkeypatch.setenv("HOME_OF_THE_TEST", "/srv")
    dotenv = tmp_path / ".env"
    dotenv.write_text(
        "# a comment\n"
        "DUBAN_LOG_LEVEL=ERROR\n"
        "DUBAN_ADMINS=1,2\n"
        "export DUBAN_TIMEZONE='Europe/Berlin'\n"
        'DUBAN_EVIDENCE_DIR="${HOME_OF_THE_TEST}/evidence"\n'
        "DUBAN_REMINDERS\n"  # a name without a value: not set
        "DUBAN_DIGEST_AT=\n"
        "database_url=sqlite:///lower.db\n"  # names match case and all
        "SOMETHING_ELSE=1\n"
        "TELEGRAM_BOT_TOKEN=1:x # a comment after the value\n",
        encoding="utf-8",
    )
    path = dotenv if with_file else tmp_path / "missing.env"
    ours = _variables(path)
    assert ours == _as_pydantic_settings_read(path)
    assert ours["DUBAN_LOG_LEVEL"] == "debug" and ours["DUBAN_ADMINS"] == ""
    if with_file:
        assert ours["DUBAN_EVIDENCE_DIR"] == "/srv/evidence" and "DUBAN_REMINDERS" not in ours
    assert _variables(None) == _as_pydantic_settings_read(None)
