"""Settings from the environment (``HEALTHID_*``), built on demand, never at import."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

DEFAULT_DATABASE_URL = "sqlite:///healthid.db"
KEYRING_NAME = "healthid-keys.json"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HEALTHID_", extra="ignore")

    database_url: str = DEFAULT_DATABASE_URL
    keys: Path | None = None
    language: str = "vi"
    # Where facility systems reach this registry: a client assertion (RFC 7523) must name
    # <public_url>/oauth/token as its audience (the URL a request came to is accepted too).
    public_url: str = "http://127.0.0.1:8000"
    lookup_quota_per_user: int = 300
    lookup_quota_per_client: int = 3000
    # Every account and system of one facility together: sized for a large hospital
    # (about 5,000 visits a day, most of them in the morning's four hours).
    lookup_quota_per_facility: int = 20_000
    # How long a match, a registration or an MRN gives a facility sight of a person.
    care_relationship_days: int = Field(default=365, ge=1, le=3650)
    break_glass_hours: int = Field(default=4, ge=1, le=24)
    match_model: Path | None = None  # a model written by `healthid train`
    # The portal signs an idle browser out after this long (Công văn 6827: shared
    # reception desks). Shorter is allowed; longer than 15 minutes is not.
    web_idle_timeout_seconds: int = Field(default=900, ge=5, le=900)
    # The periodic BHXH sync in `healthid serve`: off unless an inbox folder is set.
    sync_inbox: Path | None = None
    sync_schedule: str = "0 2 * * *"  # cron, in Asia/Ho_Chi_Minh time: nightly at 02:00
    sync_archive: Path | None = None  # default: <inbox>/archive
    sync_lease_seconds: int = Field(600, ge=30)  # a crashed server's claim lapses after this
    sync_min_age_seconds: float = Field(60, ge=0)  # newer files may still be arriving

    @property
    def keyring_path(self) -> Path:
        """``HEALTHID_KEYS``, or a key-ring file beside the SQLite database file."""
        if self.keys is not None:
            return self.keys
        url = make_url(self.database_url)
        database = url.database
        if url.get_backend_name() == "sqlite" and database and database != ":memory:":
            return Path(database).resolve().parent / KEYRING_NAME
        return Path.cwd() / KEYRING_NAME


def load_settings(**overrides: object) -> Settings:
    return Settings(**overrides)  # type: ignore[arg-type]  # pydantic validates the overrides
