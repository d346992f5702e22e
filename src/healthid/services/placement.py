"""Where a registration lands: the one rule for a record, whether it comes alone or in a batch.

Registration (``health_ids.establish``) reads through its unit of work; the BHXH
sync (``sync.batch``) reads a chunk at a time through the run's in-memory index.
Both ask ``place`` and then write what it says in their own way, so a change to
the rule reaches both: the differential tests (tests/integration/services)
check that a record lands on the same person either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from healthid.domain.errors import ConflictError
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.issuance import HealthIdStatus
from healthid.domain.person import Demographics
from healthid.matching.agreement import states_the_same_person
from healthid.matching.model import Decision, Model, Scored, best_of
from healthid.matching.normalise import MatchRecord


@dataclass(frozen=True)
class Registration:
    """A validated record with an SI number, as the matcher and the store need it."""

    si: str
    demographics: Demographics
    identifiers: tuple[Identifier, ...]  # the SI number first, then CCCD and BHYT card
    record: MatchRecord  # keyed "new"
    keys: frozenset[str]  # its blocking keys

    @property
    def cccd(self) -> str | None:
        return next((i.value for i in self.identifiers if i.system == IdentifierSystem.CCCD), None)


@dataclass(frozen=True)
class KnownPerson:
    """What placing reads of a stored person."""

    record: MatchRecord  # keyed by the person id
    has_si: bool
    has_id: bool


class PlacementReads(Protocol):
    """What ``place`` needs to know of the registry."""

    def id_holder(self, si: str) -> tuple[str, HealthIdStatus] | None:
        """The person the Health ID issued for this SI number belongs to, and its status."""

    def owner(self, identifier: Identifier) -> str | None:
        """The person the identifier is mapped to."""

    def known(self, person_id: str) -> KnownPerson: ...

    def candidates(self, registration: Registration) -> Iterable[MatchRecord]:
        """Stored persons sharing a blocking key with the record, the likeliest first."""

    def population(self) -> int | None:
        """About how many persons the registry holds: an estimate, never a count per record."""


class Landing(StrEnum):
    EXISTING = "existing"  # the SI number's ID already exists: nothing is written
    MERGED_AWAY = "merged_away"  # it exists but was replaced: the survivor's is the answer
    CCCD_ONLY = "cccd_only"  # a person known by CCCD alone: SI number linked, ID issued
    SECOND_SI = "second_si"  # one human holding a second SI number: linked to them
    MATCHED = "matched"  # a stored person the matcher is sure of: linked to them
    NEW = "new"  # a new person
    NEW_WITH_REVIEW = "new_with_review"  # a new person, and the pair queued for a person


@dataclass(frozen=True)
class Placement:
    landing: Landing
    person_id: str | None = None  # the stored person it lands on (None: a new person)
    scored: Scored | None = None  # how the best candidate scored, when it decided

    @property
    def decision(self) -> Decision:
        if self.landing == Landing.NEW:
            return Decision.NEW
        return Decision.REVIEW if self.landing == Landing.NEW_WITH_REVIEW else Decision.MATCH


def place(registration: Registration, reads: PlacementReads, model: Model) -> Placement:
    """Where ``registration`` lands; ``ConflictError`` if one of its identifiers is taken.

    Checked before anything is written, so a refusal leaves nothing behind.
    """
    by_si = _by_si(registration, reads)
    if by_si is not None:
        return by_si
    for identifier in registration.identifiers[1:]:
        owner = reads.owner(identifier)
        if owner is None:
            continue
        known = reads.known(owner)
        if not known.has_si:
            # Known by CCCD alone (NĐ 102/2025): the SI number is theirs now, but only
            # if the record states who they are; someone else's details never replace theirs.
            if not states_the_same_person(known.record, registration.record):
                raise held_by_another_si(identifier)
            return Placement(Landing.CCCD_ONLY, owner)
        scored = model.score(known.record, registration.record)
        if scored.decision != Decision.MATCH:
            raise held_by_another_si(identifier)
        return Placement(Landing.SECOND_SI, owner, scored)
    best = best_candidate(
        registration.record, reads.candidates(registration), model, reads.population
    )
    if best is None:
        return Placement(Landing.NEW)
    if best.decision == Decision.MATCH:
        return Placement(Landing.MATCHED, best.a, best)
    return Placement(Landing.NEW_WITH_REVIEW, None, best)  # a new person; best.a is asked about


def best_candidate(
    record: MatchRecord,
    candidates: Iterable[MatchRecord],
    model: Model,
    population: Callable[[], int | None] | None = None,
) -> Scored | None:
    """How the likeliest candidate (``a``) scores against ``record``, if above 'new'.

    Its decision is 'review', never 'match', when ``record`` matches two people.
    ``population``: the registry's size, asked only when a candidate may reach review.
    The model judges every pair for the national population whatever the size; the
    size decides only whether a common name with a birth year alone is worth a
    reviewer's look in the registry as it stands (``Model.score``).
    """
    # may_review needs no size: it bounds the score at the model's own population,
    # which the registry's never lowers (Model.judged_for).
    close = [stored for stored in candidates if model.may_review(stored, record)]
    if not close:
        return None
    size = population() if population is not None else None
    return best_of(model.score(stored, record, size) for stored in close)


def _by_si(registration: Registration, reads: PlacementReads) -> Placement | None:
    """Where the SI number itself leads, if it is known already."""
    holder = reads.id_holder(registration.si)
    if holder is not None:
        person_id, status = holder
        replaced = status == HealthIdStatus.REPLACED
        return Placement(Landing.MERGED_AWAY if replaced else Landing.EXISTING, person_id)
    si_owner = reads.owner(registration.identifiers[0])
    if si_owner is None:
        return None
    # The SI number was linked to someone as their second: their ID is the answer.
    landing = Landing.EXISTING if reads.known(si_owner).has_id else Landing.MATCHED
    return Placement(landing, si_owner)


def identifier_taken() -> ConflictError:
    """One of the identifiers being linked is already mapped to someone else."""
    return ConflictError(
        "cccd",
        "belongs_to_another_person",
        "this identifier already belongs to another person",
        "mã định danh này đã thuộc về một người khác",
    )


def held_by_another_si(identifier: Identifier) -> ConflictError:
    """The identifier's holder has another SI number and is not this person."""
    return ConflictError(
        str(identifier.system),
        "belongs_to_another_person",
        "this identifier already belongs to a person with another SI number",
        "mã định danh này đã thuộc về một người có mã số BHXH khác",
    )
