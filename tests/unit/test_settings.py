from datetime import time

import pytest

from bot.settings import CoreSettings, Settings, SettingsError, load_settings

BASE = {"slack_bot_token": "xoxb-1-2", "slack_signing_secret": "shh"}


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No .env and no IFN/SLACK variables from the machine leak into these tests."""
    monkeypatch.chdir(tmp_path)
    import os

    for key in list(os.environ):
        if key.startswith(("SLACK_", "IFN_", "DATABASE_URL", "PORT")):
            monkeypatch.delenv(key)


def test_defaults_match_the_spec():
    s = load_settings(Settings, **BASE)
    assert s.database_url == "sqlite:///ifn-bot.db"
    assert s.ifn_timezone == "Europe/Oslo"
    assert s.slack_api_url == "https://slack.com/api/"
    assert not s.socket_mode
    assert s.offer_timeout("live") == 180
    assert s.ifn_working_hours_start == time(8, 0)
    assert s.ifn_working_hours_end == time(15, 45)
    assert s.ifn_network_channel is None


def test_missing_token_names_the_setting():
    with pytest.raises(SettingsError) as err:
        load_settings(Settings, slack_signing_secret="x")
    assert str(err.value) == "SLACK_BOT_TOKEN: is required but not set"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"slack_bot_token": "abc"}, "SLACK_BOT_TOKEN: must start with xoxb-"),
        ({"slack_app_token": "nope"}, "SLACK_APP_TOKEN: must start with xapp-"),
        ({"ifn_timezone": "Mars/Base"}, "IFN_TIMEZONE: unknown time zone 'Mars/Base'"),
        ({"ifn_timeout_live": "soon"}, "IFN_TIMEOUT_LIVE: Input should be a valid integer"),
        ({"ifn_timeout_live": "0"}, "IFN_TIMEOUT_LIVE: Input should be greater than 0"),
        ({"database_url": "mysql://x"}, "DATABASE_URL: must be a sqlite:/// or postgresql"),
        ({"slack_api_url": "ftp://x"}, "SLACK_API_URL: must be an http(s) URL"),
        ({"ifn_case_ref_pattern": "(["}, "IFN_CASE_REF_PATTERN: not a valid regular expression"),
    ],
)
def test_invalid_values_name_the_setting(override, expected):
    with pytest.raises(SettingsError) as err:
        load_settings(Settings, **{**BASE, **override})
    assert str(err.value).startswith(expected)
    assert "\n" not in str(err.value)


def test_environment_and_dotenv_are_read(monkeypatch, tmp_path):
    (tmp_path / ".env").write_text(
        "SLACK_BOT_TOKEN=xoxb-from-file\nSLACK_SIGNING_SECRET=file\nIFN_TIMEOUT_LIVE=30\n"
    )
    monkeypatch.setenv("IFN_TIMEOUT_LIVE", "45")  # the environment wins over .env
    monkeypatch.setenv("SLACK_APP_TOKEN", "xapp-1")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    s = load_settings(Settings)
    assert s.slack_bot_token.get_secret_value() == "xoxb-from-file"
    assert s.ifn_timeout_live == 45
    assert s.socket_mode
    assert s.database_url == "postgresql+psycopg://u@h/db"


def test_empty_app_token_means_http_mode():
    assert not load_settings(Settings, **BASE, slack_app_token="").socket_mode


def test_core_settings_need_no_slack_tokens():
    assert load_settings(CoreSettings).database_url == "sqlite:///ifn-bot.db"


def test_secrets_are_not_printed():
    s = load_settings(Settings, **BASE)
    assert "xoxb-1-2" not in repr(s)


def test_operations_settings_default_to_off_and_text(monkeypatch):
    s = load_settings(Settings, **BASE)
    assert (s.ifn_metrics, s.ifn_metrics_port, s.ifn_log_format) == (False, None, "text")
    monkeypatch.setenv("IFN_METRICS", "true")
    monkeypatch.setenv("IFN_METRICS_PORT", "9464")
    monkeypatch.setenv("IFN_LOG_FORMAT", "json")
    s = load_settings(Settings, **BASE)
    assert (s.ifn_metrics, s.ifn_metrics_port, s.ifn_log_format) == (True, 9464, "json")
    monkeypatch.setenv("IFN_METRICS_PORT", "")  # as .env.example leaves it
    assert load_settings(Settings, **BASE).ifn_metrics_port is None


@pytest.mark.parametrize(("name", "value", "message"), [
    ("IFN_LOG_FORMAT", "xml", "IFN_LOG_FORMAT: Input should be 'text' or 'json'"),
    ("IFN_METRICS_PORT", "70000", "IFN_METRICS_PORT: Input should be less than 65536"),
    ("IFN_METRICS", "perhaps", "IFN_METRICS: Input should be a valid boolean, unable to interpret input"),
])
def test_bad_operations_settings_name_the_setting(monkeypatch, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as err:
        load_settings(Settings, **BASE)
    assert str(err.value) == message
