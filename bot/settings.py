"""The one settings object, read from the environment and an optional ``.env`` file."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SLACK_API_DEFAULT = "https://slack.com/api/"
DEFAULT_DATABASE_URL = "sqlite:///actionlog.db"

# How to fix each setting, in the words of the one line printed when it is wrong.
HOW_TO_FIX = {
    "SLACK_BOT_TOKEN": "set it to the Bot User OAuth Token (xoxb-...) from your Slack app's "
    "'OAuth & Permissions' page",
    "SLACK_SIGNING_SECRET": "set it to the Signing Secret from your Slack app's "
    "'Basic Information' page",
    "SLACK_APP_TOKEN": "set it to an app-level token (xapp-...) with connections:write, "
    "or unset it to serve HTTP",
    "SLACK_API_URL": "set it to an http(s) URL such as https://slack.com/api/, or unset it",
    "DATABASE_URL": "set it to a SQLAlchemy URL such as sqlite:///actionlog.db or "
    "postgresql://user@host/db, or unset it for the default SQLite file",
    "ACTIONLOG_TIMEZONE": "set it to an IANA zone such as Europe/London, or unset it",
    "PORT": "set it to a port number between 1 and 65535, or unset it for 3000",
    "ACTIONLOG_POSTS_PER_MINUTE": "set it to a number of messages per minute between 1 and "
    "6000, or unset it for 600",
    "ACTIONLOG_WORKER_THREADS": "set it to a number between 1 and 32, or unset it for 4",
}


class SettingsError(Exception):
    """A setting is missing or malformed; the message is one line a person can act on."""


class Settings(BaseSettings):
    """Everything the bot reads from its environment."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=True
    )

    SLACK_BOT_TOKEN: SecretStr | None = None
    SLACK_SIGNING_SECRET: SecretStr | None = None
    SLACK_APP_TOKEN: SecretStr | None = None
    SLACK_API_URL: str = SLACK_API_DEFAULT
    DATABASE_URL: str = DEFAULT_DATABASE_URL
    ACTIONLOG_TIMEZONE: str = "Europe/London"
    PORT: int = Field(default=3000, ge=1, le=65535)
    # Reminder rounds post no faster than this (Slack's workspace-wide ceiling for
    # chat.postMessage is unpublished); 429s are still waited out if it is too high.
    ACTIONLOG_POSTS_PER_MINUTE: float = Field(default=600.0, ge=1, le=6000)
    # Requests one worker process carries out at once.
    ACTIONLOG_WORKER_THREADS: int | None = Field(default=None, ge=1, le=32)

    @field_validator("SLACK_BOT_TOKEN")
    @classmethod
    def _bot_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value().startswith("xoxb-"):
            raise ValueError("a bot token starts with xoxb-")
        return value

    @field_validator("SLACK_APP_TOKEN")
    @classmethod
    def _app_token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and not value.get_secret_value().startswith("xapp-"):
            raise ValueError("an app-level token starts with xapp-")
        return value

    @field_validator("SLACK_API_URL")
    @classmethod
    def _api_url_shape(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("it must start with http:// or https://")
        return value if value.endswith("/") else value + "/"

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url_shape(cls, value: str) -> str:
        try:
            make_url(value)
        except ArgumentError as exc:
            raise ValueError("it is not a database URL") from exc
        return value

    @field_validator("ACTIONLOG_TIMEZONE")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError("not a known time zone") from exc
        return value

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.ACTIONLOG_TIMEZONE)

    @property
    def socket_mode(self) -> bool:
        return self.SLACK_APP_TOKEN is not None

    @property
    def request_signing_secret(self) -> str | None:
        """The secret HTTP requests are verified with; None in Socket Mode (not signed)."""
        if self.socket_mode or self.SLACK_SIGNING_SECRET is None:
            return None
        return self.SLACK_SIGNING_SECRET.get_secret_value()

    def require_slack(self) -> None:
        """Raise SettingsError unless the settings needed to talk to Slack are present."""
        needed = ["SLACK_BOT_TOKEN"]
        if not self.socket_mode:
            needed.append("SLACK_SIGNING_SECRET")
        for name in needed:
            if getattr(self, name) is None:
                raise SettingsError(f"{name} is missing: {HOW_TO_FIX[name]}.")

    def secrets(self) -> list[str]:
        """The secret values, so logging can scrub them."""
        values = [self.SLACK_BOT_TOKEN, self.SLACK_SIGNING_SECRET, self.SLACK_APP_TOKEN]
        return [v.get_secret_value() for v in values if v is not None and v.get_secret_value()]


def load_settings(env_file: Path | str | None = ".env") -> Settings:
    """Load the settings or raise SettingsError naming the first bad one."""
    try:
        return Settings(_env_file=env_file)  # type: ignore[call-arg]
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]) if error["loc"] else "a setting"
        reason = error["msg"].removeprefix("Value error, ")
        fix = HOW_TO_FIX.get(name, "check its value")
        # Never echo the offending value: it may be a secret pasted in the wrong place.
        raise SettingsError(f"{name} is not valid ({reason}): {fix}.") from None
