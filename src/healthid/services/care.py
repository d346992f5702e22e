"""Search, don't reveal: who may see a person, and the use cases that find one.

A facility proves the patient is in front of it by stating what the patient
states — an identifier *and* name, birth date and sex; the registry answers with
the (masked) Health ID only when they agree, and from then on the facility is in
a care relationship with the person for a while. Demographics are shown only
within such a relationship, or to a member of staff who broke the glass for an
emergency: a time-limited, justified, audited grant. An identifier alone tells
at most whether it is known.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from healthid.domain.audit import Action, Outcome
from healthid.domain.errors import NotFoundError, ValidationError
from healthid.domain.identifiers import Identifier, IdentifierSystem, parse_identifier
from healthid.domain.ids import new_id
from healthid.domain.person import display_text, parse_demographics
from healthid.domain.purpose import PurposeOfUse, parse_purpose
from healthid.matching.agreement import states_the_same_person
from healthid.matching.blocking import blocking_keys
from healthid.matching.normalise import MatchRecord, match_record
from healthid.services import health_ids, matcher
from healthid.services.access import Caller, Permission, authorize
from healthid.services.audit import record
from healthid.services.deps import Deps
from healthid.services.ports import BreakGlass, PersonCard, UnitOfWork
from healthid.services.quotas import QuotaExceededError, count_read
from healthid.services.use_case import retry_lost_race, unit_of_work


@dataclass(frozen=True)
class Matched:
    """What a match answers: the person's id and masked Health ID, nothing else."""

    id: str
    health_id: str | None
    health_id_status: str | None


@dataclass(frozen=True)
class IdentifierStatus:
    known: bool
    health_id_status: str | None


def require_purpose(caller: Caller) -> PurposeOfUse:
    """The coded purpose every identifiable read states (``X-Purpose``)."""
    return parse_purpose(caller.ctx.purpose)


def may_see(uow: UnitOfWork, deps: Deps, caller: Caller, person_id: str) -> bool:
    """Whether the caller's facility is in a care relationship with the person, or the
    caller holds a break-glass grant on them."""
    now = deps.clock.now()
    facility = caller.principal.facility_code
    if facility and uow.care.related(facility, person_id, now):
        return True
    return uow.care.granted(caller.principal.name, person_id, now) is not None


def relate(uow: UnitOfWork, deps: Deps, caller: Caller, person_id: str, basis: str) -> None:
    """Start or extend the caller's facility's care relationship with the person."""
    facility = caller.principal.facility_code
    if facility:
        now = deps.clock.now()
        uow.care.relate(facility, person_id, basis, now, now + deps.care.relationship)


def counted(uow: UnitOfWork, deps: Deps, caller: Caller, reads: int = 1) -> None:
    """Count identifiable reads; over a quota the refusal alone is recorded, then raised."""
    try:
        count_read(uow, principal=caller.principal, quotas=deps.quotas, at=deps.clock.now(),
                   reads=reads)  # fmt: skip
    except QuotaExceededError:
        uow.rollback()  # the refused read is not counted; its refusal is recorded
        record(
            uow,
            clock=deps.clock,
            action=Action.QUOTA_EXCEEDED,
            caller=caller,
            outcome=Outcome.DENIED,
        )
        uow.commit()
        raise


def identifier_status(*, deps: Deps, caller: Caller, system: str, value: str) -> IdentifierStatus:
    """Whether an identifier is known, and its Health ID's status: no name, date or sex."""
    authorize(caller.principal, Permission.LOOKUP_PERSON)
    require_purpose(caller)
    identifier = _identifier(caller, system, value)
    with unit_of_work(deps, caller, Permission.LOOKUP_PERSON) as uow:
        counted(uow, deps, caller)
        card = health_ids.card_by_identifier(uow, identifier)
        record(
            uow,
            clock=deps.clock,
            action=Action.PERSON_LOOKUP,
            caller=caller,
            person_id=card.person_id if card else None,
            detail=str(identifier.system),
            outcome=Outcome.SUCCESS if card else Outcome.NOT_FOUND,
        )
        uow.commit()
    status = card.health_id.status if card and card.health_id else None
    return IdentifierStatus(card is not None, str(status) if status else None)


def match_person(
    *,
    deps: Deps,
    caller: Caller,
    system: str,
    value: str,
    full_name: str,
    birth_date: str,
    sex: str,
) -> Matched:
    """The person an identifier names, if what the caller states agrees with their record.

    ``NotFoundError`` alike whether no one holds the identifier or the statement does
    not match: a caller who could not state who the patient is learns nothing.
    """
    authorize(caller.principal, Permission.LOOKUP_PERSON)
    require_purpose(caller)
    identifier = _identifier(caller, system, value)
    stated = parse_demographics(
        full_name=full_name, birth_date=birth_date, sex=sex, today=deps.clock.now().date()
    )
    stated_record = matcher.record_of(
        key="stated", demographics=stated, identifiers=[], places=deps.places
    )

    def work() -> Matched | None:
        with unit_of_work(deps, caller, Permission.LOOKUP_PERSON) as uow:
            counted(uow, deps, caller)
            card = health_ids.card_by_identifier(uow, identifier)
            agrees = card is not None and states_the_same_person(_card_record(card), stated_record)
            if card is not None and agrees:
                relate(uow, deps, caller, card.person_id, "match")
            record(
                uow,
                clock=deps.clock,
                action=Action.PERSON_MATCH,
                caller=caller,
                person_id=card.person_id if card else None,
                # For the inspector (probing shows as many misses), never for the caller.
                detail="match" if agrees else ("no_match" if card else "unknown"),
                outcome=Outcome.SUCCESS if agrees else Outcome.NOT_FOUND,
            )
            uow.commit()
        if card is None or not agrees:
            return None
        issued = card.health_id
        return Matched(
            card.person_id,
            issued.masked if issued else None,
            str(issued.status) if issued else None,
        )

    found = retry_lost_race(work)
    if found is None:
        raise NotFoundError("person")
    return found


def break_glass(
    *, deps: Deps, caller: Caller, person_id: str, reason: str, justification: str
) -> BreakGlass:
    """Emergency access to one person for the caller, for a few hours; flagged for review."""
    authorize(caller.principal, Permission.BREAK_GLASS)
    why = _emergency(reason, justification)
    with unit_of_work(deps, caller, Permission.BREAK_GLASS) as uow:
        if uow.persons.get(person_id) is None:
            raise NotFoundError("person")
        counted(uow, deps, caller)
        grant = _grant(uow, deps, caller, person_id, why)
        uow.commit()
    return grant


def _emergency(reason: str, justification: str) -> str:
    """The justification, once the reason is an emergency and the justification says why."""
    if parse_purpose(reason, field="reason") != PurposeOfUse.ETREAT:
        raise ValidationError(
            "reason",
            "emergency_only",
            "break-glass is for emergency treatment (ETREAT) only",
            "chỉ dùng khi cấp cứu (ETREAT)",
        )
    why = display_text(justification, field="justification", max_length=500)
    if len(why) < 10:
        raise ValidationError(
            "justification",
            "too_short",
            "say in a sentence why the emergency needs this record",
            "hãy ghi rõ lý do cấp cứu cần hồ sơ này",
        )
    return why


def _grant(uow: UnitOfWork, deps: Deps, caller: Caller, person_id: str, why: str) -> BreakGlass:
    now = deps.clock.now()
    grant = BreakGlass(
        id=new_id(),
        actor=caller.principal.name,
        facility_code=caller.principal.facility_code,
        person_id=person_id,
        reason=str(PurposeOfUse.ETREAT),
        justification=why,
        granted_at=now,
        expires_at=now + deps.care.break_glass,
    )
    uow.care.grant(grant)
    record(
        uow,
        clock=deps.clock,
        action=Action.BREAK_GLASS,
        caller=caller,
        person_id=person_id,
        detail=grant.id,
    )
    return grant


def _identifier(caller: Caller, system: str, value: str) -> Identifier:
    # MRNs are each facility's own: looked up in the caller's facility.
    scope = (caller.principal.facility_code or "") if system == IdentifierSystem.MRN else ""
    return parse_identifier(system, value, scope)


def _card_record(card: PersonCard) -> MatchRecord:
    return match_record(
        key=card.person_id, full_name=card.full_name, birth_date=card.birth_date, sex=card.sex
    )


@dataclass(frozen=True)
class Candidate:
    """A person a break-glass search found, shown to the member of staff who broke the glass."""

    id: str
    full_name: str
    birth_date: str
    sex: str
    health_id: str | None
    health_id_status: str | None
    until: datetime  # when the grant on them ends
    mrn: str | None = None  # shown on the same card as a facility's patients


SEARCH_LIMIT = 10


def break_glass_search(
    *,
    deps: Deps,
    caller: Caller,
    reason: str,
    justification: str,
    full_name: str,
    birth_year: str,
    province: str | None = None,
) -> list[Candidate]:
    """An unconscious patient without papers: candidates by name, birth year and province.

    Each candidate shown is a break-glass grant of its own (audited, reviewed): the
    search is the emergency's, not a way to browse the registry.
    """
    authorize(caller.principal, Permission.BREAK_GLASS)
    why = _emergency(reason, justification)
    stated = parse_demographics(
        full_name=full_name,
        birth_date=birth_year,
        sex="other",  # not compared: an emergency may not know it
        birthplace=province or None,
        today=deps.clock.now().date(),
    )
    record = matcher.record_of(key="stated", demographics=stated, identifiers=[],
                               places=deps.places)  # fmt: skip
    with unit_of_work(deps, caller, Permission.BREAK_GLASS) as uow:
        found = [
            stored
            for stored in health_ids.candidates(uow, deps.places, blocking_keys(record))
            if _could_be(stored, record)
        ][:SEARCH_LIMIT]
        counted(uow, deps, caller, reads=len(found))
        candidates = [_grant_and_show(uow, deps, caller, stored.key, why) for stored in found]
        uow.commit()
    return [c for c in candidates if c is not None]


def _could_be(stored: MatchRecord, stated: MatchRecord) -> bool:
    """Name and birth year agree (sex unknown in an emergency; the province, if stated)."""
    same = states_the_same_person(stored, replace(stated, sex=stored.sex))
    province_agrees = not stated.birth_province or stored.birth_province in (
        None,
        stated.birth_province,
    )
    return same and province_agrees


def _grant_and_show(
    uow: UnitOfWork, deps: Deps, caller: Caller, person_id: str, why: str
) -> Candidate | None:
    card = uow.persons.card(person_id)
    if card is None:
        return None
    grant = _grant(uow, deps, caller, person_id, why)
    issued = card.health_id
    return Candidate(
        card.person_id,
        card.full_name,
        str(card.birth_date),
        card.sex,
        issued.masked if issued else None,
        str(issued.status) if issued else None,
        grant.expires_at,
    )
