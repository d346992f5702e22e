"""Establishing, verifying, finding and correcting persons and their Health IDs.

Building blocks: each takes the use case's open unit of work and never commits
(``services.patients`` holds the use cases that do, with their audit events).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from healthid.domain.errors import NotFoundError
from healthid.domain.health_id import HealthId, canonical_string
from healthid.domain.identifiers import (
    Identifier,
    IdentifierSystem,
    check_bhyt_matches_si,
    check_personal_id_matches,
    parse_bhyt_card,
    parse_identifier,
    parse_personal_id,
    parse_si_number,
)
from healthid.domain.ids import new_id
from healthid.domain.issuance import HealthIdStatus, IssuedHealthId, Verification
from healthid.domain.person import Demographics, Person, parse_demographics
from healthid.matching.blocking import CANDIDATE_LIMIT, blocking_keys
from healthid.matching.model import Decision, Scored
from healthid.matching.normalise import MatchRecord
from healthid.services import matcher, placement
from healthid.services.deps import Deps
from healthid.services.placement import (
    KnownPerson,
    Landing,
    Placement,
    Registration,
    place,
)
from healthid.services.ports import AdminUnits, KeyRing, PersonCard, UnitOfWork


@dataclass(frozen=True)
class PersonInput:
    """A person's data as a caller states it, before validation (API, portal, CLI)."""

    full_name: str
    birth_date: str
    sex: str
    si_number: str | None = None
    cccd: str | None = None
    bhyt_card: str | None = None
    birthplace: str | None = None
    address: str | None = None
    phone: str | None = None

    def demographics(self, deps: Deps) -> Demographics:
        return parse_demographics(
            full_name=self.full_name,
            birth_date=self.birth_date,
            sex=self.sex,
            birthplace=self.birthplace,
            address=self.address,
            phone=self.phone,
            today=deps.clock.now().date(),
        )


@dataclass(frozen=True)
class Established:
    """The outcome of establishing: the person, their full Health ID, and whether it is new."""

    person_id: str
    health_id: HealthId
    created: bool
    decision: Decision = Decision.MATCH  # how the registration found its person


def birthplace_key(places: AdminUnits, birthplace: str | None) -> str:
    """The stable birthplace form hashed into the ID: today's province code when known."""
    if not birthplace:
        return ""
    province = places.resolve_birthplace(birthplace)
    return f"P{province.code}" if province else birthplace


def check_consistency(
    demographics: Demographics, si_number: str, cccd: str | None, bhyt_card: str | None
) -> list[Identifier]:
    """Validate the person's identifiers against each other and their demographics."""
    identifiers = [Identifier(IdentifierSystem.SI, si_number)]
    if cccd:
        pid = parse_personal_id(cccd)
        check_personal_id_matches(
            pid, sex=demographics.sex, birth_year=demographics.birth_date.year
        )
        identifiers.append(parse_identifier(IdentifierSystem.CCCD, cccd))
    if bhyt_card:
        check_bhyt_matches_si(parse_bhyt_card(bhyt_card), si_number)
        identifiers.append(parse_identifier(IdentifierSystem.BHYT, bhyt_card))
    return identifiers


def registration(
    places: AdminUnits, demographics: Demographics, identifiers: list[Identifier]
) -> Registration:
    """A validated record as ``place`` reads it (the sync makes it from a row the same way)."""
    record = matcher.record_of(
        key="new", demographics=demographics, identifiers=identifiers, places=places
    )
    return Registration(
        si=identifiers[0].value,
        demographics=demographics,
        identifiers=tuple(identifiers),
        record=record,
        keys=frozenset(blocking_keys(record)),
    )


def validate(deps: Deps, data: PersonInput) -> Registration:
    """``data`` with an SI number, checked: the first broken rule raises ``ValidationError``."""
    si = parse_si_number(data.si_number or "")
    demographics = data.demographics(deps)
    identifiers = check_consistency(demographics, si, data.cccd, data.bhyt_card)
    return registration(deps.places, demographics, identifiers)


class _UnitOfWorkReads:
    """``place``'s reads through a unit of work, each asked once."""

    def __init__(self, uow: UnitOfWork, places: AdminUnits) -> None:
        self._uow = uow
        self._places = places
        self.issued_for_si: IssuedHealthId | None = None
        self.persons: dict[str, Person] = {}
        self._owners: dict[Identifier, str | None] = {}

    def id_holder(self, si: str) -> tuple[str, HealthIdStatus] | None:
        self.issued_for_si = issued = self._uow.health_ids.get_by_si(si)
        return None if issued is None else (issued.person_id, issued.status)

    def owner(self, identifier: Identifier) -> str | None:
        if identifier not in self._owners:
            person = self._uow.persons.find_by_identifier(identifier)
            self._owners[identifier] = None if person is None else person.id
            if person is not None:
                self.persons[person.id] = person
        return self._owners[identifier]

    def person(self, person_id: str) -> Person:
        if person_id not in self.persons:
            person = self._uow.persons.get(person_id)
            if person is None:
                raise NotFoundError("person")
            self.persons[person_id] = person
        return self.persons[person_id]

    def known(self, person_id: str) -> KnownPerson:
        person = self.person(person_id)
        return KnownPerson(
            record=matcher.person_record(person, self._places),
            has_si=person.identifier(IdentifierSystem.SI) is not None,
            has_id=current_health_id(self._uow, person_id) is not None,
        )

    def candidates(self, registration: Registration) -> list[MatchRecord]:
        return candidates(self._uow, self._places, registration.keys)

    def population(self) -> int | None:
        return self._uow.persons.estimated_count() or None  # None: no statistics yet


def candidates(uow: UnitOfWork, places: AdminUnits, keys: Iterable[str]) -> list[MatchRecord]:
    """Stored persons sharing a blocking key, read by index in one statement, as matched."""
    found = uow.persons.candidate_inputs(set(keys), limit=CANDIDATE_LIMIT)
    return [matcher.input_record(item, places) for item in found]


def best_candidate(uow: UnitOfWork, deps: Deps, record: MatchRecord) -> Scored | None:
    """The stored person ``record`` most likely is, as registration would find them."""
    found = candidates(uow, deps.places, blocking_keys(record))
    return placement.best_candidate(record, found, deps.model)


def establish(uow: UnitOfWork, deps: Deps, reg: Registration) -> Established:
    """Establish the Health ID for an SI number (Điều 5), or answer with the one it leads to.

    The same SI number never gets a second ID: the database's unique index decides
    a race, and the use case run again answers with the winner's ID.
    """
    reads = _UnitOfWorkReads(uow, deps.places)
    placement = place(reg, reads, deps.model)
    landing, person_id = placement.landing, placement.person_id
    if landing == Landing.EXISTING and reads.issued_for_si is not None:
        return _answer(deps.keys, reads.issued_for_si, placement)
    if landing == Landing.MERGED_AWAY and reads.issued_for_si is not None:
        # Merged away: the SI number now leads to the surviving person's ID.
        survivor = uow.persons.merged_into(reads.issued_for_si.person_id)
        kept = current_health_id(uow, survivor) if survivor else None
        return _answer(deps.keys, kept or reads.issued_for_si, placement)
    if person_id is None:  # a new person
        now = deps.clock.now()
        person = Person(new_id(), reg.demographics, now, now, list(reg.identifiers))
        uow.persons.add(person)
        home = (reg.record.household, reg.record.ward)
        if home != (None, None):  # a BHXH row's household and ward, kept for matching
            uow.persons.set_home(person.id, *home)
        if placement.scored is not None:  # the stored person it may be: a person decides
            matcher.queue_review(uow, deps.clock, placement.scored.a, person.id, placement.scored)
        return _issue(uow, deps, reg, person, placement, new=True)
    if landing == Landing.CCCD_ONLY:
        owner = reads.person(person_id)
        _link(uow, person_id, reg, reads)
        corrected = owner.corrected(reg.demographics, deps.clock.now())
        uow.persons.update(corrected)
        return _issue(uow, deps, reg, corrected, placement)
    issued = current_health_id(uow, person_id)
    # Without an ID yet they get one, their keys rewritten from the person as read
    # before these identifiers are linked.
    before = None if issued is not None else reads.person(person_id)
    _link(uow, person_id, reg, reads)
    if issued is not None:
        return _answer(deps.keys, issued, placement)
    assert before is not None  # noqa: S101 - read just above when there is no ID
    return _issue(uow, deps, reg, before, placement)


def _link(uow: UnitOfWork, person_id: str, reg: Registration, reads: _UnitOfWorkReads) -> None:
    """Map the registration's identifiers to the person; those already theirs are skipped."""
    for identifier in reg.identifiers:
        if reads.owner(identifier) != person_id:
            uow.persons.add_identifier(person_id, identifier)


def _answer(keys: KeyRing, issued: IssuedHealthId, placement: Placement) -> Established:
    _, key = keys.issuing_key(issued.key_version)
    return Established(issued.person_id, issued.full(key), False, placement.decision)


def _issue(
    uow: UnitOfWork,
    deps: Deps,
    reg: Registration,
    person: Person,
    placement: Placement,
    *,
    new: bool = False,
) -> Established:
    """Issue the SI number's ID to ``person`` and index their keys; ``new``: added just now."""
    issued = issue_for(deps, person.id, reg.si, reg.demographics)
    uow.health_ids.add(issued)
    matcher.index_person(uow, deps.places, person, new=new)
    _, key = deps.keys.issuing_key(issued.key_version)
    return Established(person.id, issued.full(key), True, placement.decision)


def issue_for(deps: Deps, person_id: str, si: str, demographics: Demographics) -> IssuedHealthId:
    """A new active Health ID for the SI number (Điều 4), under the current issuing key."""
    version, _ = deps.keys.issuing_key()
    canonical = canonical_string(
        si_number=si,
        full_name=demographics.full_name,
        birth_year=demographics.birth_date.year,
        sex=demographics.sex,
        birthplace=birthplace_key(deps.places, demographics.birthplace),
    )
    return IssuedHealthId(
        id=new_id(),
        person_id=person_id,
        si_number=si,
        canonical=canonical,
        key_version=version,
        status=HealthIdStatus.ACTIVE,
        issued_at=deps.clock.now(),
    )


# Verification must take as long for an unknown SI number as for a known one.
_DECOY_KEY = secrets.token_bytes(32)


def verify(uow: UnitOfWork, keys: KeyRing, health_id: str) -> Verification:
    """Valid, invalid, revoked or replaced — never demographics (Điều 3.8)."""
    candidate = HealthId.parse(health_id)
    issued = uow.health_ids.get_by_si(candidate.si_number)
    if issued is None:
        candidate.matches(_DECOY_KEY, candidate.si_number)
        return Verification.INVALID
    _, key = keys.issuing_key(issued.key_version)
    if not candidate.matches(key, issued.canonical):
        return Verification.INVALID
    return issued.verification()


def find_by_identifier(uow: UnitOfWork, identifier: Identifier) -> Person | None:
    """The person an identifier maps to."""
    person = uow.persons.find_by_identifier(identifier)
    if person is None and identifier.system == IdentifierSystem.BHYT:
        # A card issued after registration still names the person's SI number.
        si = parse_bhyt_card(identifier.value).si_number
        person = uow.persons.find_by_identifier(Identifier(IdentifierSystem.SI, si))
    return person


def card_by_identifier(uow: UnitOfWork, identifier: Identifier) -> PersonCard | None:
    """``find_by_identifier`` for the hot lookup: the person's card, in one statement."""
    card = uow.persons.card_by_identifier(identifier)
    if card is None and identifier.system == IdentifierSystem.BHYT:
        si = parse_bhyt_card(identifier.value).si_number
        card = uow.persons.card_by_identifier(Identifier(IdentifierSystem.SI, si))
    return card


def current_health_id(uow: UnitOfWork, person_id: str) -> IssuedHealthId | None:
    """The person's active ID, else the latest retired one."""
    return current_of(uow.health_ids.for_person(person_id))


def current_of(ids: list[IssuedHealthId]) -> IssuedHealthId | None:
    """``current_health_id`` of a person whose IDs (in issue order) were read already."""
    active = [i for i in ids if i.status == HealthIdStatus.ACTIVE]
    chosen = active or ids
    return chosen[0] if chosen else None


def correct(uow: UnitOfWork, deps: Deps, person: Person, data: PersonInput) -> Person:
    """Correct a person's recorded data; what ``data`` leaves empty stays as it was.

    Their Health ID does not change (it is lifelong).
    """
    old = person.demographics
    new = parse_demographics(
        full_name=data.full_name or old.full_name,
        birth_date=data.birth_date or old.birth_date.compact(),
        sex=data.sex or str(old.sex),
        birthplace=data.birthplace if data.birthplace is not None else old.birthplace,
        address=data.address if data.address is not None else old.address,
        phone=data.phone if data.phone is not None else old.phone,
        today=deps.clock.now().date(),
    )
    cccd = person.identifier(IdentifierSystem.CCCD)
    if cccd is not None:
        check_personal_id_matches(
            parse_personal_id(cccd.value), sex=new.sex, birth_year=new.birth_date.year
        )
    corrected = person.corrected(new, deps.clock.now())
    uow.persons.update(corrected)
    matcher.index_person(uow, deps.places, corrected)
    return corrected


def record_by_cccd(
    uow: UnitOfWork, deps: Deps, cccd: str, demographics: Demographics
) -> tuple[str, bool]:
    """A person known by CCCD alone (NĐ 102/2025): found again by it, or recorded; no ID yet."""
    pid = parse_personal_id(cccd)
    check_personal_id_matches(pid, sex=demographics.sex, birth_year=demographics.birth_date.year)
    identifier = Identifier(IdentifierSystem.CCCD, pid.value)
    existing = uow.persons.find_by_identifier(identifier)
    if existing is not None:
        return existing.id, False
    now = deps.clock.now()
    person = Person(new_id(), demographics, now, now, [identifier])
    uow.persons.add(person)
    matcher.index_person(uow, deps.places, person, new=True)
    return person.id, True
