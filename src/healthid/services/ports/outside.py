"""The world beyond the database: keys, administrative units, the clock, Splink."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from healthid.domain.admin_units import Province
from healthid.matching.model import Model
from healthid.matching.normalise import MatchRecord


class KeyRing(Protocol):
    """The secrets that live outside the database, each versioned so it can rotate."""

    def issuing_key(self, version: int | None = None) -> tuple[int, bytes]:
        """The issuing key ``version`` (default: the current one) and its version."""

    def versions(self) -> dict[str, int]:
        """Current version of each kind of key."""

    def rotate(self) -> dict[str, int]:
        """Add a new current version of the issuing, data and signing keys."""


class AdminUnits(Protocol):
    def resolve_birthplace(self, text: str) -> Province | None: ...


class PairFinder(Protocol):
    """Candidate duplicate pairs over a whole set of records (batch deduplication)."""

    def pairs(self, records: list[MatchRecord], model: Model) -> Iterator[tuple[str, str]]: ...


class ModelTrainer(Protocol):
    """Re-estimates the match weights from unlabelled records."""

    def train(self, records: list[MatchRecord], model: Model, *, seed: int = 1) -> Model: ...


class Clock(Protocol):
    def now(self) -> datetime: ...
