"""Settings: ``NIS2BOT_*`` environment variables or a TOML file, validated once at start.

The TOML file (``--config`` or ``NIS2BOT_CONFIG``) uses the same names without the prefix, in lower
case (``database_url = "postgresql://..."``). Environment variables win over the file. Secrets are
``SecretStr`` so they never print in a log or an error.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "nis2bot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NIS2BOT_", extra="forbid")

    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str | None = None
    log_level: str = "INFO"
    log_format: str = Field(default="text", pattern="^(text|json)$")  # json: one object per line

    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_bot_username: str | None = None
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_listen: str = "127.0.0.1"  # behind the TLS reverse proxy
    telegram_webhook_port: int = Field(default=8443, ge=0, le=65535)
    telegram_poll_timeout: int = Field(default=30, ge=0, le=120)  # long-poll seconds
    telegram_request_timeout: float = Field(default=10.0, gt=0, le=300)

    matrix_homeserver: str | None = None
    matrix_user_id: str | None = None
    matrix_access_token: SecretStr | None = None
    matrix_device_id: str | None = None
    matrix_password: SecretStr | None = None
    matrix_messages_per_second: float = Field(default=5.0, gt=0)
    matrix_room_messages_per_second: float = Field(default=1.0, gt=0)
    matrix_room_burst: int = Field(default=5, ge=1, le=100)
    matrix_sync_timeout_ms: int = Field(default=30_000, ge=0, le=120_000)
    matrix_open_direct_chats: bool = True  # strangers may open a direct chat (to enrol)
    matrix_e2ee: bool = True  # end-to-end encryption, on unless switched off (needs the secret)
    matrix_secret_key: SecretStr | None = None  # seals the stored Matrix keys

    metrics_port: int | None = Field(default=None, ge=0, le=65535)  # /healthz and /metrics
    metrics_host: str = "127.0.0.1"
    leader_poll_seconds: float = Field(default=2.0, gt=0, le=60)

    dialog_reminder_minutes: int = Field(default=30, ge=1, le=24 * 60)
    dialog_expiry_hours: int = Field(default=24, ge=1, le=24 * 30)
    incident_abandoned_minutes: int = Field(default=30, ge=1, le=24 * 60)  # issue #4
    incident_overdue_every_hours: int = Field(default=12, ge=1, le=7 * 24)
    outbox_max_attempts: int = Field(default=8, ge=1, le=100)
    summary_local_time: str = Field(default="09:00", pattern=r"^([01]?\d|2[0-3]):[0-5]\d$")

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str | None) -> str | None:
        if value and not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'nis2bot.db'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        path = settings_cls.model_config.get("toml_file")
        if path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(str(path))))
        return tuple(sources)


class SettingsError(Exception):
    """Settings that cannot work, with one readable line per mistake."""


#: ``NIS2BOT_*`` variables that are not settings but are read elsewhere: the settings file's path,
#: and the test suite's PostgreSQL server (set in CI, where the CLI also runs).
NOT_SETTINGS = frozenset({"CONFIG", "TEST_POSTGRES"})
PREFIX = "NIS2BOT_"


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """One line per ``NIS2BOT_*`` variable that is no setting, with the nearest real name.

    pydantic-settings reads only the variables it knows and ignores the rest, so a misspelled
    ``NIS2BOT_TELEGRAM_TOKN`` would silently leave Telegram off ("no chat platform is
    configured"). docs/SETTINGS.md promises unknown names are refused: this is that check.
    """
    environ = os.environ if environ is None else environ
    known = {name.upper() for name in Settings.model_fields}
    lines = []
    for variable in sorted(environ):
        if not variable.upper().startswith(PREFIX):
            continue
        name = variable[len(PREFIX) :].upper()
        if name in known or name in NOT_SETTINGS:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
        hint = f" (did you mean {PREFIX}{close[0]}?)" if close else ""
        lines.append(
            f"{variable}: not a setting{hint}; every setting is listed in docs/SETTINGS.md"
        )
    return lines


def load_settings(config_file: str | None = None, **overrides: Any) -> Settings:
    """Settings from the environment and, if given (or in ``NIS2BOT_CONFIG``), a TOML file."""
    config_file = config_file or os.environ.get("NIS2BOT_CONFIG") or None
    unknown = unknown_variables()
    if unknown:
        raise SettingsError("\n".join(unknown))
    settings_cls: type[Settings] = Settings
    if config_file:
        if not Path(config_file).is_file():
            raise SettingsError(f"config file not found: {config_file}")

        # A subclass carries the file, so nothing global (like os.environ) is changed.
        class FileSettings(Settings):
            model_config = SettingsConfigDict(**{**Settings.model_config, "toml_file": config_file})

        settings_cls = FileSettings
    try:
        return settings_cls(**overrides)
    except ValidationError as error:
        lines = []
        for problem in error.errors():
            name = ".".join(str(part) for part in problem["loc"]) or "settings"
            lines.append(f"NIS2BOT_{name.upper()}: {problem['msg']}")
        raise SettingsError("\n".join(lines)) from None
