"""The one place that wires adapters into services."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Self

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from healthid.adapters.admin_units import PackagedAdminUnits
from healthid.adapters.client_keys import JwksClientKeys
from healthid.adapters.credentials import Argon2Hasher, JwtSigner
from healthid.adapters.crypto import BlindIndex, FieldCipher
from healthid.adapters.database import holds_persons, make_engine, migrate
from healthid.adapters.keyring_file import FileKeyRing, KeyRingError
from healthid.adapters.schedule import CronSchedule
from healthid.adapters.splink_pairs import SplinkPairFinder, SplinkTrainer
from healthid.adapters.splink_spark import EngineUnavailableError, SparkPairFinder, check_spark
from healthid.adapters.store import Sealer
from healthid.adapters.sync.bhxh_extract import checksum as file_checksum
from healthid.adapters.sync.bhxh_extract import read_extract
from healthid.adapters.sync.files import FolderInbox
from healthid.adapters.sync.files import write_reports as write_sync_reports
from healthid.adapters.totp import PyOtpCodes
from healthid.adapters.unit_of_work import SqlAlchemyUnitOfWork
from healthid.config import Settings, load_settings
from healthid.matching.model import Model
from healthid.services.access import CarePolicy
from healthid.services.deps import Deps
from healthid.services.ports import (
    ClientKeys,
    Clock,
    Inbox,
    ModelTrainer,
    OneTimeCodes,
    PairFinder,
    PasswordHasher,
    TokenSigner,
    UnitOfWork,
)
from healthid.services.quotas import Quotas

__all__ = [
    "ENGINES",
    "CronSchedule",
    "EngineUnavailableError",
    "KeyRingError",
    "Registry",
    "SystemClock",
    "build",
    "file_checksum",
    "init_registry",
    "read_extract",
    "sync_schedule",
    "write_sync_reports",
]


# Backends that run the batch deduplication's pair finding (healthid dedup --engine).
ENGINES = ("duckdb", "spark")


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class Registry:
    """Everything a service call needs, wired for one configuration."""

    settings: Settings
    engine: Engine
    keys: FileKeyRing
    places: PackagedAdminUnits = field(default_factory=PackagedAdminUnits)
    clock: Clock = field(default_factory=SystemClock)
    hasher: PasswordHasher = field(default_factory=Argon2Hasher)
    model: Model = field(default_factory=Model.load)

    @cached_property
    def signer(self) -> TokenSigner:
        # Built once: loading the signing key costs as much as checking a token.
        return JwtSigner(self.keys.signing_key)

    @property
    def codes(self) -> OneTimeCodes:
        return PyOtpCodes()

    @property
    def client_keys(self) -> ClientKeys:
        return JwksClientKeys()

    @property
    def pair_finder(self) -> PairFinder:
        return SplinkPairFinder()

    def pair_finder_for(self, engine: str) -> PairFinder:
        """The pair finder of one engine; EngineUnavailableError if it cannot run here."""
        if engine == "duckdb":
            return SplinkPairFinder()
        if engine == "spark":
            check_spark()  # before reading the registry, not after
            return SparkPairFinder()
        raise EngineUnavailableError(f"engine {engine}: unknown; one of {', '.join(ENGINES)}")

    @property
    def trainer(self) -> ModelTrainer:
        return SplinkTrainer()

    @property
    def quotas(self) -> Quotas:
        return Quotas(
            per_user=self.settings.lookup_quota_per_user,
            per_client=self.settings.lookup_quota_per_client,
            per_facility=self.settings.lookup_quota_per_facility,
        )

    @property
    def care(self) -> CarePolicy:
        return CarePolicy(
            relationship=timedelta(days=self.settings.care_relationship_days),
            break_glass=timedelta(hours=self.settings.break_glass_hours),
        )

    @cached_property
    def _sealer(self) -> Sealer:
        data_keys, current = self.keys.data_keys()
        return Sealer(FieldCipher(data_keys, current), BlindIndex(self.keys.index_key()))

    @cached_property
    def _sessions(self) -> sessionmaker[Session]:
        return sessionmaker(self.engine, expire_on_commit=False)

    def uow(self) -> UnitOfWork:
        return SqlAlchemyUnitOfWork(self._sessions, self._sealer)

    @property
    def deps(self) -> Deps:
        """The ports every use case takes, as one value."""
        return Deps(
            uow=self.uow,
            keys=self.keys,
            places=self.places,
            clock=self.clock,
            model=self.model,
            quotas=self.quotas,
            care=self.care,
        )

    def inbox(self) -> Inbox | None:
        """The sync inbox ``HEALTHID_SYNC_INBOX`` names, if any."""
        s = self.settings
        if s.sync_inbox is None:
            return None
        return FolderInbox(s.sync_inbox, s.sync_archive, min_age=s.sync_min_age_seconds)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def database_ready(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reload_keys(self) -> None:
        """Pick up a rotated key ring (new writes use the new versions)."""
        self.keys = FileKeyRing.load(self.keys.path)
        self.__dict__.pop("_sealer", None)
        self.__dict__.pop("signer", None)


def sync_schedule(settings: Settings) -> CronSchedule:
    """``HEALTHID_SYNC_SCHEDULE``; a ``ValidationError`` naming it if it is not cron."""
    return CronSchedule(settings.sync_schedule)


def build(settings: Settings | None = None) -> Registry:
    """A registry on an initialised database and key ring."""
    settings = settings or load_settings()
    return Registry(
        settings=settings,
        engine=make_engine(settings.database_url),
        keys=FileKeyRing.load(settings.keyring_path),
        model=match_model(settings),
    )


def match_model(settings: Settings) -> Model:
    """``HEALTHID_MATCH_MODEL`` (a file ``healthid train`` wrote), else the packaged model."""
    if settings.match_model is None:
        return Model.load()
    return Model.load(json.loads(settings.match_model.read_text("utf-8")))


def init_registry(settings: Settings | None = None) -> tuple[Registry, bool]:
    """Create or migrate the schema and the key ring; safe to run twice.

    Returns the registry and whether a new key ring was written.
    """
    settings = settings or load_settings()
    path = settings.keyring_path
    engine = make_engine(settings.database_url)
    migrate(engine)
    created = not path.exists()
    if created and holds_persons(engine):
        # A new key ring would make every stored field unreadable: the old one is lost
        # or HEALTHID_KEYS points to the wrong place. Refuse rather than carry on.
        engine.dispose()
        raise KeyRingError(
            f"the database already holds persons but there is no key ring at {path}: "
            "restore it from backup or set HEALTHID_KEYS"
        )
    keys = FileKeyRing.create(path) if created else FileKeyRing.load(path)
    return Registry(
        settings=settings, engine=engine, keys=keys, model=match_model(settings)
    ), created
