"""What the BHXH sync needs: runs, source states, set-at-a-time chunk writes, the inbox."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from healthid.domain.audit import AuditEvent
from healthid.domain.identifiers import Identifier
from healthid.domain.issuance import HealthIdStatus, IssuedHealthId
from healthid.domain.person import Demographics, Person
from healthid.domain.review import ReviewPair
from healthid.domain.sync import ClaimState, InboxClaim, Reject, SourceState, SyncRun


class SyncRepository(Protocol):
    def source(self, source_key: str) -> SourceState | None: ...

    def set_source(self, source_key: str, state: SourceState) -> None: ...

    def add_run(self, run: SyncRun) -> None: ...

    def finish_run(self, run: SyncRun) -> None: ...

    def runs(self, limit: int = 50, offset: int = 0) -> list[SyncRun]:
        """The latest runs first."""

    def run(self, run_id: str) -> SyncRun | None: ...

    def add_rejects(self, run_id: str, rejects: list[Reject]) -> None: ...

    def rejects(self, run_id: str, limit: int | None = None, offset: int = 0) -> list[Reject]:
        """A run's rejects in the order they were found."""

    def runs_for_file(self, file_name: str, checksum: str) -> list[SyncRun]: ...

    def claim(self, file_name: str, checksum: str) -> InboxClaim | None: ...

    def add_claim(self, claim: InboxClaim) -> None:
        """Raises ``UniquenessError`` if another server claimed the file first."""

    def take_over(self, claim: InboxClaim, expired_token: str) -> bool:
        """Replace the expired claim holding ``expired_token``; false if it was not expired."""

    def renew_claim(self, claim: InboxClaim, expires_at: datetime) -> bool:
        """Extend a claim still held; false if it was taken over."""

    def settle_claim(
        self, claim: InboxClaim, state: ClaimState, run_id: str | None, at: datetime
    ) -> bool:
        """Mark a claim still held imported or refused; false if it was taken over."""


@dataclass(frozen=True)
class StoredPerson:
    """What the batch sync needs of a stored person to match against them.

    Only the fields matching reads are opened: address and phone stay sealed.
    """

    id: str
    demographics: Demographics  # address and phone left out (None)
    cccd: str | None
    has_si: bool
    has_health_id: bool
    household: str | None = None  # blind indexes, as MatchInput holds them
    ward: str | None = None


@dataclass
class ChunkWrites:
    """Everything one chunk of a sync writes, in one transaction."""

    persons: dict[str, Person] = field(default_factory=dict)  # new (identifiers below)
    # New persons' household and ward blind indexes (``PersonRepository.home_indexes``).
    homes: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    # Existing persons' corrected data; the named columns are left as they are.
    corrected: dict[str, tuple[Demographics, datetime, frozenset[str]]] = field(
        default_factory=dict
    )
    # Identifiers linked to persons (new or stored), with when they were linked.
    identifiers: list[tuple[str, Identifier, datetime]] = field(default_factory=list)
    health_ids: list[IssuedHealthId] = field(default_factory=list)
    blocking_keys: dict[str, set[str]] = field(default_factory=dict)  # replaces a person's
    reviews: list[ReviewPair] = field(default_factory=list)
    sources: dict[str, tuple[SourceState, bool]] = field(default_factory=dict)  # (state, stored)
    events: list[AuditEvent] = field(default_factory=list)  # one a person the chunk touched


class SealedWrites(Protocol):
    """A chunk's writes encrypted and blind-indexed by the store (``seal``), ready to send.

    Sealing is Python's work and writing mostly the database's: the sync seals a
    chunk where it decides it, so the thread that writes it only sends rows."""


class SyncBulkRepository(Protocol):
    """Set-at-a-time reads and writes for the batch sync: one query per chunk, not per row."""

    def sources(self, source_keys: Collection[str]) -> dict[str, SourceState]: ...

    def health_ids_by_si(
        self, si_numbers: Collection[str]
    ) -> dict[str, tuple[str, HealthIdStatus]]:
        """SI number -> (person id, status) of the Health ID established for it."""

    def owners(self, identifiers: Collection[Identifier]) -> dict[Identifier, str]:
        """Identifier -> the person it is mapped to, for those mapped."""

    def block_members(self, keys: Collection[str]) -> dict[str, list[str]]:
        """Blocking key -> the persons stored under it, by id (every key asked is answered)."""

    def holds_no_persons(self) -> bool:
        """Whether the registry has no person at all yet (an initial load)."""

    def stored_persons(self, person_ids: Collection[str]) -> dict[str, StoredPerson]: ...

    def seal(self, writes: ChunkWrites) -> SealedWrites:
        """The chunk's rows as the store keeps them; touches no table."""

    def write(self, sealed: SealedWrites) -> None:
        """Write a sealed chunk; raises ``UniquenessError`` if a unique value is already taken."""

    def refresh_statistics(self) -> None:
        """Let the database's planner see how much the sync has written (ANALYZE, VACUUM)."""


class Inbox(Protocol):
    """The folder BHXH extracts are delivered to, and where imported and refused files go."""

    def pending(self) -> list[str]:
        """Names of the files waiting to be imported, in name order."""

    def load(self, name: str) -> tuple[str, bytes]:
        """The file's checksum and content; ``FileNotFoundError`` if it is gone."""

    def parse(self, content: bytes) -> Iterable[tuple[int, dict[str, str] | str]]:
        """Rows by line number; ``ValidationError`` if the content is not an extract at all."""

    def archive(self, name: str, run: SyncRun, rejects: list[Reject]) -> str:
        """Move an imported file to the archive with its report and rejects; the new name."""

    def refuse(self, name: str, reason: str) -> str:
        """Move a file to the refused folder beside a file saying why; the new name."""
