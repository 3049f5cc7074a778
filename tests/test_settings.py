"""Settings: defaults, every bad value gets one line naming the setting, and the token never shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ops.logs import RedactTokens
from bot.ops.settings import SettingsError, load_settings

TOKEN = "123456789:AAExampleExampleExampleExampleExample12"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_URL",
        "REDIS_URL",
        "REDIS_PREFIX",
        "ADMIN_IDS",
        "REGISTRY_FILE",
        "FEEDS_FILE",
        "POLL_INTERVAL",
        "ALLOW_PRIVATE_FEEDS",
        "PORT",
        "TZ",
        "LOG_LEVEL",
        "VESTKA_DATA_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no developer .env


def test_defaults_mean_console_mode_and_embedded_storage() -> None:
    settings = load_settings()
    assert settings.console_mode
    assert settings.redis_url is None
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert (settings.poll_interval, settings.port, settings.tz) == (300, 8080, "Europe/Minsk")
    assert settings.admin_ids == frozenset()
    assert settings.allow_private_feeds is False


def test_values_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", " 1, 22 ,333")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("ALLOW_PRIVATE_FEEDS", "true")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = load_settings()
    assert settings.admin_ids == {1, 22, 333}
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert not settings.console_mode
    assert settings.telegram_bot_token.get_secret_value() == TOKEN
    assert settings.allow_private_feeds is True
    assert settings.log_level == "DEBUG"


def test_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("POLL_INTERVAL=600\nADMIN_IDS=7\n")
    settings = load_settings()
    assert (settings.poll_interval, settings.admin_ids) == (600, {7})


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("POLL_INTERVAL", "soon", "POLL_INTERVAL: Input should be a valid integer"),
        ("POLL_INTERVAL", "1", "POLL_INTERVAL: Input should be greater than or equal to 10"),
        ("PORT", "70000", "PORT: Input should be less than or equal to 65535"),
        ("ADMIN_IDS", "[1, 2]", "ADMIN_IDS: expected Telegram user ids separated by commas"),
        ("ADMIN_IDS", "1;2", "ADMIN_IDS: expected Telegram user ids separated by commas"),
        ("TZ", "Mars/Olympus", "TZ: expected an IANA time zone"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: expected one of DEBUG"),
        ("TELEGRAM_API_URL", "api.telegram.org", "TELEGRAM_API_URL: expected an http"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL: expected a redis://"),
        ("ALLOW_PRIVATE_FEEDS", "perhaps", "ALLOW_PRIVATE_FEEDS: Input should be a valid boolean"),
        ("REDIS_PREFIX", "has space", "REDIS_PREFIX: String should match pattern"),
    ],
)
def test_bad_value_names_the_setting(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(expected)
    assert "\n" not in message


def test_token_never_in_repr_or_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    settings = load_settings()
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())
    monkeypatch.setenv("PORT", "x")
    with pytest.raises(SettingsError) as caught:
        load_settings()
    assert TOKEN not in str(caught.value)


def test_log_filter_redacts_tokens() -> None:
    import logging

    record = logging.LogRecord(
        "httpx",
        logging.INFO,
        __file__,
        1,
        "POST https://api.telegram.org/bot%s/getMe",
        (TOKEN,),
        None,
    )
    RedactTokens().filter(record)
    assert TOKEN not in record.getMessage()
    assert "bot<token>/getMe" in record.getMessage()
