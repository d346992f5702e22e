"""What the services need from the outside world, as Protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from healthid.domain.accounts import ApiClient, Facility, User
from healthid.domain.admin_units import Province
from healthid.domain.audit import AuditEvent, AuditFilter
from healthid.domain.birth_date import BirthDate
from healthid.domain.identifiers import Identifier
from healthid.domain.issuance import HealthIdStatus, IssuedHealthId
from healthid.domain.issuance_request import IssuanceRequest
from healthid.domain.person import Demographics, Person
from healthid.domain.review import Merge, ReviewPair
from healthid.domain.sync import ClaimState, InboxClaim, Reject, SourceState, SyncRun
from healthid.domain.web_session import WebSession
from healthid.matching.model import Model
from healthid.matching.normalise import MatchRecord


class UniquenessError(Exception):
    """A write lost a race against another that claimed the same unique value."""


@dataclass(frozen=True)
class MatchInput:
    """What matching reads of a person, and nothing more (the rest stays encrypted)."""

    person_id: str
    full_name: str
    birth_date: BirthDate
    sex: str
    birthplace: str | None
    cccd: str | None


class PersonRepository(Protocol):
    def add(self, person: Person) -> None: ...

    def get(self, person_id: str) -> Person | None: ...

    def find_by_identifier(self, identifier: Identifier) -> Person | None: ...

    def update(self, person: Person) -> None: ...

    def add_identifier(self, person_id: str, identifier: Identifier) -> None: ...

    def iter_all(self) -> Iterator[Person]:
        """Every person not merged into another."""

    def iter_match_inputs(self) -> Iterator[MatchInput]:
        """Every person not merged into another, as matching reads them (by person id).

        For the whole-registry passes (deduplication, training): one query for the
        persons and one for the CCCDs, and only the fields matching uses decrypted.
        """

    def with_scope(
        self, system: str, scope: str, *, limit: int | None, offset: int
    ) -> tuple[list[tuple[Person, str]], int]:
        """Persons with an identifier of ``system`` in ``scope``, its value, and the total."""

    def move_identifiers(self, from_person: str, to_person: str) -> list[str]:
        """Move every identifier of one person to another; the moved rows' ids."""

    def move_identifier_rows(self, row_ids: list[str], to_person: str) -> None: ...

    def set_merged_into(self, person_id: str, survivor_id: str | None) -> None: ...

    def merged_into(self, person_id: str) -> str | None: ...

    def set_blocking_keys(self, person_id: str, keys: set[str], *, new: bool = False) -> None:
        """Replace the person's blocking keys (stored only as blind indexes).

        ``new``: the person was added in this unit of work and holds none yet.
        """

    def candidate_inputs(self, keys: set[str], *, limit: int) -> list[MatchInput]:
        """At most ``limit`` persons sharing a blocking key, found by index, most keys shared first.

        As matching reads them, for registration's hot path: only the fields
        matching uses are decrypted; the one person a registration links to is
        loaded whole after.
        """

    # Set at a time, for the batch deduplication's merges: a statement per batch, not per pair.

    def merge_states(self, person_ids: Collection[str]) -> dict[str, str | None]:
        """Of those persons that exist, whom each was merged into (None: not merged)."""

    def identifier_rows(self, person_ids: Collection[str]) -> dict[str, list[str]]:
        """Each person's identifier rows by id, earliest linked first (none: left out)."""

    def assign_identifier_rows(self, owners: Mapping[str, str]) -> None:
        """Give each identifier row (by id) to the person it maps to."""

    def set_merged_into_each(self, survivors: Mapping[str, str]) -> None:
        """Mark each person (the keys) merged into the person it maps to."""

    def match_inputs(self, person_ids: Collection[str]) -> list[MatchInput]:
        """Those persons as matching reads them: what ``candidate_inputs`` gives of each."""

    def replace_blocking_keys(self, keys: Mapping[str, set[str]]) -> None:
        """``set_blocking_keys`` for each person named (an empty set: none left)."""


class HealthIdRepository(Protocol):
    def add(self, issued: IssuedHealthId) -> None: ...

    def get_by_si(self, si_number: str) -> IssuedHealthId | None: ...

    def for_person(self, person_id: str) -> list[IssuedHealthId]: ...

    def set_status(
        self, health_id_id: str, status: str, replaced_by: str | None, at: datetime
    ) -> None: ...

    def for_persons(self, person_ids: Collection[str]) -> dict[str, list[IssuedHealthId]]:
        """``for_person`` of each (persons with no ID left out), in one read."""

    def mark_replaced(self, replaced_by: Mapping[str, str], at: datetime) -> None:
        """Mark each Health ID (by id) replaced by the one it maps to."""


class AccountRepository(Protocol):
    def add_facility(self, facility: Facility) -> None: ...

    def get_facility(self, code: str) -> Facility | None: ...

    def list_facilities(self) -> list[Facility]: ...

    def add_user(self, user: User) -> None: ...

    def get_user(self, username: str) -> User | None: ...

    def list_users(self, facility_code: str | None = None) -> list[User]: ...

    def set_user_disabled(self, username: str, disabled: bool) -> None: ...

    def set_password_hash(self, username: str, password_hash: str) -> None: ...

    def add_client(self, client: ApiClient) -> None: ...

    def get_client(self, client_id: str) -> ApiClient | None: ...

    def list_clients(self, facility_code: str | None = None) -> list[ApiClient]: ...

    def set_client_disabled(self, client_id: str, disabled: bool) -> None: ...

    def add_login_failure(self, username: str, at: datetime) -> None: ...

    def login_failures_since(self, username: str, since: datetime) -> list[datetime]: ...

    def revoke_token(self, jti: str, expires_at: datetime) -> None: ...

    def is_token_revoked(self, jti: str) -> bool: ...


class AuditRepository(Protocol):
    def add(self, event: AuditEvent) -> None: ...

    def add_each(self, events: Sequence[AuditEvent]) -> None:
        """``add`` for many events, in one statement (the batch deduplication's merges)."""

    def query(
        self,
        where: AuditFilter,
        *,
        limit: int | None = 100,
        offset: int = 0,
        oldest_first: bool = False,
    ) -> list[AuditEvent]: ...

    def count_by_actor(self, actor: str, actions: frozenset[str], since: datetime) -> int: ...

    def daily_counts(
        self, action: str, since: datetime, until: datetime, utc_offset_hours: int
    ) -> list[tuple[str | None, str, int]]:
        """(facility, local day as YYYY-MM-DD, events) for ``action`` in [since, until)."""


class IssuanceRequestRepository(Protocol):
    def add(self, request: IssuanceRequest) -> None: ...

    def get(self, request_id: str) -> IssuanceRequest | None: ...

    def update(self, request: IssuanceRequest) -> None: ...

    def list(self, status: str | None = None) -> list[IssuanceRequest]: ...


class ReviewRepository(Protocol):
    def add(self, pair: ReviewPair) -> None: ...

    def find(self, person_a: str, person_b: str) -> ReviewPair | None:
        """The pair in either order, whatever its status."""

    def list(self, status: str | None = None, *, limit: int = 100) -> list[ReviewPair]: ...

    def get(self, review_id: str) -> ReviewPair | None: ...

    def decide(self, review_id: str, status: str, by: str, at: datetime) -> None: ...

    def add_merge(self, merge: Merge) -> None: ...

    # Set at a time, for the batch deduplication: a statement per batch, not per pair.

    def known(self, pairs: Collection[tuple[str, str]]) -> set[frozenset[str]]:
        """Those of ``pairs`` already stored, in either order and whatever their status."""

    def add_each(self, pairs: Sequence[ReviewPair]) -> None:
        """Store the pairs as they are, a decision included."""

    def add_merges(self, merges: Sequence[Merge]) -> None: ...

    def merge_of_review(self, review_id: str) -> Merge | None:
        """The merge a review decided that still stands, if any."""

    def get_merge(self, merge_id: str) -> Merge | None: ...

    def mark_unmerged(self, merge_id: str, by: str, at: datetime) -> None: ...


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
class SecondFactor:
    """A user's TOTP secret (sealed at rest), whether it was confirmed, the last step used."""

    secret: str
    confirmed: bool
    last_step: int | None = None


class WebSessionRepository(Protocol):
    def add(self, session: WebSession) -> None: ...

    def get(self, token_hash: str) -> WebSession | None: ...

    def touch(self, token_hash: str, at: datetime) -> None: ...

    def mark_second_factor_done(self, token_hash: str) -> None: ...

    def delete(self, token_hash: str) -> None: ...

    def second_factor(self, username: str) -> SecondFactor | None: ...

    def set_second_factor(self, username: str, factor: SecondFactor) -> None: ...


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


@dataclass
class ChunkWrites:
    """Everything one chunk of a sync writes, in one transaction."""

    persons: dict[str, Person] = field(default_factory=dict)  # new (identifiers below)
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


class UnitOfWork(Protocol):
    """One transaction: everything done inside is committed together or not at all."""

    persons: PersonRepository
    health_ids: HealthIdRepository
    accounts: AccountRepository
    audit: AuditRepository
    issuance_requests: IssuanceRequestRepository
    reviews: ReviewRepository
    sync: SyncRepository
    web_sessions: WebSessionRepository
    bulk: SyncBulkRepository

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None:
        """Make the work durable; raises ``UniquenessError`` if a race was lost."""

    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


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


class PasswordHasher(Protocol):
    def hash(self, secret: str) -> str: ...

    def verify(self, hashed: str, secret: str) -> bool:
        """Whether ``secret`` matches; never raises on a mismatch."""


class InvalidTokenError(Exception):
    """A token is malformed, tampered with, expired or signed by an unknown key."""


class TokenSigner(Protocol):
    def sign(self, claims: dict[str, object]) -> str: ...

    def read(self, token: str) -> dict[str, object]:
        """The verified claims; raises ``InvalidTokenError``."""


class PairFinder(Protocol):
    """Candidate duplicate pairs over a whole set of records (batch deduplication)."""

    def pairs(self, records: list[MatchRecord], model: Model) -> Iterator[tuple[str, str]]: ...


class ModelTrainer(Protocol):
    """Re-estimates the match weights from unlabelled records."""

    def train(self, records: list[MatchRecord], model: Model, *, seed: int = 1) -> Model: ...


class OneTimeCodes(Protocol):
    """Time-based one-time codes (RFC 6238) for the portal's second factor."""

    def new_secret(self) -> str: ...

    def provisioning_uri(self, secret: str, username: str) -> str: ...

    def matching_step(self, secret: str, code: str, at: datetime) -> int | None:
        """The time step ``code`` is valid for at ``at`` (one step of drift allowed), else None."""


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


class Clock(Protocol):
    def now(self) -> datetime: ...
