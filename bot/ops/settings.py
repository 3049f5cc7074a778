"""Every setting Vestka reads, in one table, from the environment and an optional ``.env``.

A wrong value must stop start-up with one line that names the setting and says what is expected, never
a pydantic traceback: operators read this on a PaaS console. The token is a ``SecretStr`` so that no
repr, log line or error message can show it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from feeds.fetching import channels

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("text", "json")
WEBHOOK_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
HTTP_PATHS = ("/healthz", "/metrics")  # served on PORT next to the webhook


class Settings(BaseSettings):
    """Field names are the environment variable names, lower-cased. Keep README's table in step."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    redis_url: str | None = None
    redis_prefix: str = Field(default="vestka:", pattern=r"^[A-Za-z0-9_.:-]{1,40}$")
    vestka_data_dir: Path = Path("data")
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    registry_file: Path | None = None
    registry_include_np: bool = False
    # one or more registry sources to keep the registry current (comma-separated; no default)
    registry_url: Annotated[tuple[str, ...], NoDecode] = ()
    registry_poll: int = Field(default=6 * 3600, ge=60, le=7 * 86400)  # seconds between syncs
    feeds_file: Path | None = None
    poll_interval: int = Field(default=300, ge=10, le=86400)
    allow_private_feeds: bool = False
    # where public Telegram channels' previews are read from (tests and mirrors): https://t.me/s/NAME
    telegram_web_url: str = Field(
        default="https://t.me", pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$"
    )
    # public channels: the shortest time between polls of one, and request starts a second to the
    # preview host for all watchers together (Telegram throttles heavy readers)
    channel_min_interval: int = Field(default=300, ge=30, le=86400)
    channel_host_rate: float = Field(default=2.0, gt=0, le=50)
    backfill_hours: int = Field(default=0, ge=0, le=720)
    seen_ttl_days: int = Field(default=60, ge=1, le=3650)
    feed_contact_url: str = "https://github.com/vestka/vestka"
    parse_processes: int = Field(default=0, ge=0, le=32)
    port: int = Field(default=8080, ge=0, le=65535)  # 0: any free port (tests), logged
    listen_host: str = "0.0.0.0"  # noqa: S104 - a PaaS routes to the container
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    poller_lock_ttl: float = Field(default=15.0, ge=1.0, le=300.0)
    send_rate: float = Field(default=30.0, gt=0, le=10000)
    broadcast_rate: float = Field(default=30.0, gt=0, le=10000)
    paid_broadcasts: bool = False
    send_concurrency: int = Field(default=32, ge=1, le=512)
    send_claim_idle: float = Field(default=60.0, ge=0.05, le=86400)
    send_max_attempts: int = Field(default=8, ge=1, le=100)
    tz: str = "Europe/Minsk"
    log_level: str = "INFO"
    log_format: str = "text"

    @field_validator("telegram_bot_token", mode="before")
    @classmethod
    def _blank_token_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("telegram_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        if not value.startswith(("http://", "https://")):
            raise ValueError("expected an http:// or https:// URL")
        return value

    @field_validator("feed_contact_url")
    @classmethod
    def _contact_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://", "mailto:")) or any(
            c.isspace() or c in "()" for c in value
        ):
            raise ValueError("expected an http(s):// or mailto: URL without spaces or parentheses")
        return value

    @field_validator("redis_url", mode="before")
    @classmethod
    def _redis_url(cls, value: object) -> object:
        if isinstance(value, str):
            value = value.strip() or None
            if value and not value.startswith(("redis://", "rediss://", "unix://")):
                raise ValueError("expected a redis://, rediss:// or unix:// URL")
        return value

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.lstrip("-").isdigit() for part in parts):
                raise ValueError("expected Telegram user ids separated by commas, like 1,2,3")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("registry_url", mode="before")
    @classmethod
    def _registry_urls(cls, value: object) -> object:
        if isinstance(value, str):
            urls = tuple(part.strip() for part in value.split(",") if part.strip())
            if not all(url.startswith(("https://", "http://")) for url in urls):
                raise ValueError("expected http(s) URLs separated by commas")
            return urls
        return value

    @field_validator("registry_file", "feeds_file", mode="before")
    @classmethod
    def _optional_path(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("tz")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("expected an IANA time zone such as Europe/Minsk") from exc
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.strip().upper()
        if value not in LOG_LEVELS:
            raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
        return value

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in LOG_FORMATS:
            raise ValueError(f"expected one of {', '.join(LOG_FORMATS)}")
        return value

    @field_validator("webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        parts = urlsplit(value)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or any(c.isspace() for c in value)
        ):
            raise ValueError("expected an https:// URL such as https://bot.example.org/webhook")
        if (parts.path or "/") in HTTP_PATHS:
            raise ValueError(f"the path must not be one of {', '.join(HTTP_PATHS)}")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET_RE.match(value.get_secret_value()):
            raise ValueError("expected 1 to 256 characters from A-Z a-z 0-9 _ -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError(
                "WEBHOOK_SECRET: required with WEBHOOK_URL (1 to 256 of A-Z a-z 0-9 _ -)"
            )
        return self

    @property
    def webhook_path(self) -> str | None:
        """The path the webhook listens on (that of ``WEBHOOK_URL``), or None for long polling."""
        if self.webhook_url is None:
            return None
        return urlsplit(self.webhook_url).path or "/"

    @property
    def console_mode(self) -> bool:
        """No token: print alerts instead of sending them."""
        return self.telegram_bot_token is None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


class SettingsError(Exception):
    """One line for the operator: which setting is wrong and what it should be."""


def load_settings(**overrides: object) -> Settings:
    """Read settings; raise ``SettingsError`` with one readable line on the first bad value."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = error["msg"].removeprefix("Value error, ")
        raise SettingsError(f"{name}: {message}" if error["loc"] else message) from None
    channels.use_web(settings.telegram_web_url)  # process-wide: feed URLs and parsing agree
    return settings


def settings_or_exit(**overrides: object) -> Settings:
    """For command-line entry points: a bad setting prints one line and exits 2."""
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        print(f"vestka: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
