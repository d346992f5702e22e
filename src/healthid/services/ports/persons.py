"""Persons, their Health IDs and the review queue, as the services store them."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from healthid.domain.birth_date import BirthDate
from healthid.domain.identifiers import Identifier
from healthid.domain.issuance import IssuedHealthId
from healthid.domain.person import Person
from healthid.domain.review import AutomaticMerge, Merge, ReviewPair


@dataclass(frozen=True)
class MatchInput:
    """What matching reads of a person, and nothing more (the rest stays encrypted)."""

    person_id: str
    full_name: str
    birth_date: BirthDate
    sex: str
    birthplace: str | None
    cccd: str | None
    # Blind indexes of the household and ward the person was recorded with (matching
    # compares them for equality only), or None.
    household: str | None = None
    ward: str | None = None


@dataclass(frozen=True)
class PersonCard:
    """The minimum a facility sees of a person, read in one statement: no address, phone
    or identifiers opened. ``health_id`` is the person's current one (active, else the
    latest retired)."""

    person_id: str
    full_name: str
    birth_date: BirthDate
    sex: str
    health_id: IssuedHealthId | None


class PersonRepository(Protocol):
    def card_by_identifier(self, identifier: Identifier) -> PersonCard | None:
        """The card of the person an identifier maps to: one statement (the hot lookup)."""

    def card(self, person_id: str) -> PersonCard | None: ...

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

    def home_indexes(
        self, household: str | None, ward: str | None
    ) -> tuple[str | None, str | None]:
        """The blind indexes a household code and ward code are stored and compared as."""

    def set_home(self, person_id: str, household: str | None, ward: str | None) -> None:
        """Record a new person's household and ward (as ``home_indexes`` made them)."""

    def estimated_count(self) -> int:
        """About how many persons are stored, from the database's own statistics (0 if it
        has none yet): cheap enough for every registration, unlike a count."""

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

    def automatic_merges(self, *, limit: int) -> Sequence[AutomaticMerge]:
        """Merges no person decided, the latest first, each with its review pair."""
