"""Establishing, verifying, finding and correcting persons and their Health IDs."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from healthid.domain.errors import ConflictError, NotFoundError
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
from healthid.matching.model import Decision
from healthid.services import matcher as matching
from healthid.services.ports import (
    AdminUnits,
    Clock,
    KeyRing,
    UniquenessError,
    UnitOfWork,
    UnitOfWorkFactory,
)


@dataclass(frozen=True)
class Established:
    """The outcome of establishing: the person, their full Health ID, and whether it is new."""

    person_id: str
    health_id: HealthId
    created: bool
    decision: Decision = Decision.MATCH  # how the registration found its person


@dataclass(frozen=True)
class PersonView:
    """A person as the registry shows them: the Health ID masked."""

    person: Person
    masked_health_id: str | None
    health_id_status: HealthIdStatus | None


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


def establish_health_id(
    *,
    uow_factory: UnitOfWorkFactory,
    keys: KeyRing,
    places: AdminUnits,
    clock: Clock,
    si_number: str,
    full_name: str,
    birth_date: str,
    sex: str,
    birthplace: str | None = None,
    cccd: str | None = None,
    bhyt_card: str | None = None,
    address: str | None = None,
    phone: str | None = None,
) -> Established:
    """Establish the Health ID for an SI number (Điều 5), or return the one it already has.

    The same SI number never gets a second ID: the database's unique index decides
    a race, and the loser returns the winner's ID.
    """
    si = parse_si_number(si_number)
    demographics = parse_demographics(
        full_name=full_name,
        birth_date=birth_date,
        sex=sex,
        birthplace=birthplace,
        address=address,
        phone=phone,
        today=clock.now().date(),
    )
    identifiers = check_consistency(demographics, si, cccd, bhyt_card)
    canonical = canonical_string(
        si_number=si,
        full_name=demographics.full_name,
        birth_year=demographics.birth_date.year,
        sex=demographics.sex,
        birthplace=birthplace_key(places, demographics.birthplace),
    )
    version, key = keys.issuing_key()
    try:
        # One unit of work: the SI number's existing ID is looked for in the same
        # transaction that places the person (a round trip each saved).
        with uow_factory() as uow:
            existing = _existing_in(uow, keys, si)
            if existing is not None:
                return existing
            placement = _person_for(uow, places, demographics, identifiers, clock)
            person_id = placement.person_id
            if placement.issued is not None:
                uow.commit()
                _, held_key = keys.issuing_key(placement.issued.key_version)
                return Established(
                    person_id,
                    placement.issued.full(held_key),
                    created=False,
                    decision=placement.decision,
                )
            issued = IssuedHealthId(
                id=new_id(),
                person_id=person_id,
                si_number=si,
                canonical=canonical,
                key_version=version,
                status=HealthIdStatus.ACTIVE,
                issued_at=clock.now(),
            )
            uow.health_ids.add(issued)
            if placement.person is None:
                raise LookupError("a person placed without an ID was not read")
            matching.index_person(uow, places, placement.person, new=placement.created)
            uow.commit()
    except UniquenessError:
        # Another request established this SI number (or claimed one of these
        # identifiers) first: answer with what it committed.
        with uow_factory() as uow:
            existing = _existing_in(uow, keys, si)
        if existing is None:
            raise identifier_taken() from None
        return existing
    return Established(person_id, issued.full(key), created=True, decision=placement.decision)


def _existing_in(uow: UnitOfWork, keys: KeyRing, si: str) -> Established | None:
    """The ID this SI number already leads to: its own, or its person's (a second SI number)."""
    issued = uow.health_ids.get_by_si(si)
    if issued is None:
        holder = uow.persons.find_by_identifier(Identifier(IdentifierSystem.SI, si))
        issued = current_health_id(uow, holder.id) if holder else None
    elif issued.status == HealthIdStatus.REPLACED:
        # Merged away: the SI number now leads to the surviving person's ID.
        survivor = uow.persons.merged_into(issued.person_id)
        issued = (current_health_id(uow, survivor) if survivor else None) or issued
    if issued is None:
        return None
    _, key = keys.issuing_key(issued.key_version)
    return Established(issued.person_id, issued.full(key), created=False)


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


@dataclass(frozen=True)
class _Placement:
    """Where a registration lands: on which person, and whether they already hold an ID."""

    person_id: str
    decision: Decision
    issued: IssuedHealthId | None = None
    person: Person | None = None  # as read before linking, or made here; set if no ID
    created: bool = False  # a new person, added in this unit of work


def _link(uow: UnitOfWork, owner: Person, identifiers: list[Identifier]) -> None:
    known = {(i.system, i.scope, i.value) for i in owner.identifiers}
    for new in identifiers:
        if (new.system, new.scope, new.value) not in known:
            uow.persons.add_identifier(owner.id, new)


def _person_for(
    uow: UnitOfWork,
    places: AdminUnits,
    demographics: Demographics,
    identifiers: list[Identifier],
    clock: Clock,
) -> _Placement:
    """The person to give this SI number: one already known, or a new one."""
    now = clock.now()
    si = identifiers[0].value
    record = matching.record_of(
        key="new", demographics=demographics, identifiers=identifiers, places=places
    )
    for identifier in identifiers[1:]:
        owner = uow.persons.find_by_identifier(identifier)
        if owner is None:
            continue
        owner_si = owner.identifier(IdentifierSystem.SI)
        if owner_si is not None and owner_si.value == si:
            # A concurrent request established this very person a moment ago.
            raise UniquenessError("established concurrently")
        if owner_si is None:
            # Known by CCCD alone: their ID is established now the SI number is
            # known (NĐ 102/2025), and their recorded data corrected.
            _link(uow, owner, identifiers)
            corrected = owner.corrected(demographics, now)
            uow.persons.update(corrected)
            return _Placement(corrected.id, Decision.MATCH, person=corrected)
        scored = matching.score(matching.person_record(owner, places), record)
        if scored.decision != Decision.MATCH:
            raise held_by_another_si(identifier)
        # One human holding two SI numbers: the second maps to the same person and ID.
        _link(uow, owner, identifiers)
        return _Placement(owner.id, Decision.MATCH, current_health_id(uow, owner.id), person=owner)
    best = matching.best_candidate(uow, places, record)
    if best is not None and best.decision == Decision.MATCH:
        issued = current_health_id(uow, best.a)
        # Without an ID yet (known by CCCD alone), they get one below, and their keys
        # are rewritten from the person as read before these identifiers are linked.
        owner = None if issued is not None else uow.persons.get(best.a)
        # None of these identifiers is mapped to anyone (each was looked up above,
        # the SI number before): all of them are the matched person's from now on.
        for identifier in identifiers:
            uow.persons.add_identifier(best.a, identifier)
        return _Placement(best.a, Decision.MATCH, issued, person=owner)
    person = Person(
        id=new_id(),
        demographics=demographics,
        created_at=now,
        updated_at=now,
        identifiers=identifiers,
    )
    uow.persons.add(person)
    if best is not None:
        matching.queue_review(uow, clock, best.a, person.id, best)
        return _Placement(person.id, Decision.REVIEW, person=person, created=True)
    return _Placement(person.id, Decision.NEW, person=person, created=True)


# Verification must take as long for an unknown SI number as for a known one.
_DECOY_KEY = secrets.token_bytes(32)


def verify_health_id(
    *, uow_factory: UnitOfWorkFactory, keys: KeyRing, health_id: str
) -> Verification:
    """Valid, invalid, revoked or replaced — never demographics (Điều 3.8)."""
    candidate = HealthId.parse(health_id)
    with uow_factory() as uow:
        issued = uow.health_ids.get_by_si(candidate.si_number)
    if issued is None:
        candidate.matches(_DECOY_KEY, candidate.si_number)
        return Verification.INVALID
    _, key = keys.issuing_key(issued.key_version)
    if not candidate.matches(key, issued.canonical):
        return Verification.INVALID
    return issued.verification()


def lookup(
    *, uow_factory: UnitOfWorkFactory, system: str, value: str, scope: str = ""
) -> PersonView:
    """Find a person by SI number, CCCD, BHYT card or facility MRN."""
    identifier = parse_identifier(system, value, scope)
    with uow_factory() as uow:
        person = find_by_identifier(uow, identifier)
        if person is None:
            raise NotFoundError("person")
        issued = current_health_id(uow, person.id)
    return PersonView(
        person=person,
        masked_health_id=issued.masked if issued else None,
        health_id_status=issued.status if issued else None,
    )


def find_by_identifier(uow: UnitOfWork, identifier: Identifier) -> Person | None:
    """The person an identifier maps to, inside the caller's unit of work."""
    person = uow.persons.find_by_identifier(identifier)
    if person is None and identifier.system == IdentifierSystem.BHYT:
        # A card issued after registration still names the person's SI number.
        si = parse_bhyt_card(identifier.value).si_number
        person = uow.persons.find_by_identifier(Identifier(IdentifierSystem.SI, si))
    return person


def current_health_id(uow: UnitOfWork, person_id: str) -> IssuedHealthId | None:
    """The person's active ID, else the latest retired one."""
    return current_of(uow.health_ids.for_person(person_id))


def current_of(ids: list[IssuedHealthId]) -> IssuedHealthId | None:
    """``current_health_id`` of a person whose IDs (in issue order) were read already."""
    active = [i for i in ids if i.status == HealthIdStatus.ACTIVE]
    chosen = active or ids
    return chosen[0] if chosen else None


def correct_demographics(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    places: AdminUnits,
    person_id: str,
    full_name: str | None = None,
    birth_date: str | None = None,
    sex: str | None = None,
    birthplace: str | None = None,
    address: str | None = None,
    phone: str | None = None,
) -> Person:
    """Correct a person's recorded data. Their Health ID does not change (it is lifelong)."""
    with uow_factory() as uow:
        person = uow.persons.get(person_id)
        if person is None:
            raise NotFoundError("person")
        old = person.demographics
        new = parse_demographics(
            full_name=full_name if full_name is not None else old.full_name,
            birth_date=birth_date if birth_date is not None else old.birth_date.compact(),
            sex=sex if sex is not None else str(old.sex),
            birthplace=birthplace if birthplace is not None else old.birthplace,
            address=address if address is not None else old.address,
            phone=phone if phone is not None else old.phone,
            today=clock.now().date(),
        )
        cccd = person.identifier(IdentifierSystem.CCCD)
        if cccd is not None:
            check_personal_id_matches(
                parse_personal_id(cccd.value), sex=new.sex, birth_year=new.birth_date.year
            )
        corrected = person.corrected(new, clock.now())
        uow.persons.update(corrected)
        matching.index_person(uow, places, corrected)
        uow.commit()
    return corrected


def rotate_keys(*, keys: KeyRing) -> dict[str, int]:
    """Start new versions of the issuing, data and signing keys; old IDs stay valid."""
    return keys.rotate()


def register_by_cccd(
    uow_factory: UnitOfWorkFactory,
    places: AdminUnits,
    clock: Clock,
    cccd: str,
    demographics: Demographics,
) -> tuple[str, bool]:
    """A person known by CCCD alone (NĐ 102/2025): found again by it, or recorded; no ID yet."""
    pid = parse_personal_id(cccd)
    check_personal_id_matches(pid, sex=demographics.sex, birth_year=demographics.birth_date.year)
    identifier = Identifier(IdentifierSystem.CCCD, pid.value)
    for _ in range(2):  # a lost race is answered by the winner's person
        try:
            with uow_factory() as uow:
                existing = uow.persons.find_by_identifier(identifier)
                if existing is not None:
                    return existing.id, False
                now = clock.now()
                person = Person(new_id(), demographics, now, now, [identifier])
                uow.persons.add(person)
                matching.index_person(uow, places, person, new=True)
                uow.commit()
        except UniquenessError:
            continue
        return person.id, True
    raise ConflictError("cccd", "concurrent_registration", "try again", "vui lòng thử lại")
