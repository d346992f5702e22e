"""What callers do with persons — register, find, verify, link, list, show, correct.

Each use case opens one unit of work, does its work and adds its audit event
there, and commits once: the work is recorded, or it is not done.
"""

from __future__ import annotations

from dataclasses import dataclass

from healthid.domain.audit import Action, Outcome
from healthid.domain.errors import ConflictError, NotFoundError, ValidationError
from healthid.domain.health_id import HealthId
from healthid.domain.identifiers import IdentifierSystem, parse_identifier
from healthid.domain.names import fold_diacritics
from healthid.domain.person import Person
from healthid.matching.agreement import states_the_same_person
from healthid.services import care, health_ids, matcher
from healthid.services.access import Caller, Permission, authorize
from healthid.services.audit import record
from healthid.services.deps import Deps
from healthid.services.health_ids import PersonInput
from healthid.services.ports import UniquenessError, UnitOfWork
from healthid.services.use_case import retry_lost_race, unit_of_work


@dataclass(frozen=True)
class PatientSummary:
    """The minimum a facility needs to recognise a patient; the Health ID masked."""

    id: str
    health_id: str | None
    health_id_status: str | None
    full_name: str
    birth_date: str
    sex: str
    mrn: str | None = None


@dataclass(frozen=True)
class Registered:
    summary: PatientSummary
    created: bool
    health_id: HealthId | None  # in full: the operator's command line prints it


def _summary(uow: UnitOfWork, person: Person, mrn: str | None = None) -> PatientSummary:
    issued = health_ids.current_health_id(uow, person.id)
    d = person.demographics
    return PatientSummary(
        id=person.id,
        health_id=issued.masked if issued else None,
        health_id_status=str(issued.status) if issued else None,
        full_name=d.full_name,
        birth_date=str(d.birth_date),
        sex=str(d.sex),
        mrn=mrn,
    )


def register_person(*, deps: Deps, caller: Caller, data: PersonInput) -> Registered:
    """Register a patient: with an SI number their Health ID is established (Điều 5);
    with a CCCD alone they are recorded and found by it until an SI number is known.

    Registration is no lookup: an SI number or CCCD already known, stated with
    demographics that do not agree with the record, is refused (409) with nothing of
    the person in the answer, and the attempt is recorded and counted like a read.
    """
    authorize(caller.principal, Permission.REGISTER_PERSON)  # 403 before any 422
    if not data.si_number and not data.cccd:
        raise ValidationError(
            "si_number",
            "si_or_cccd_required",
            "either si_number or cccd is required",
            "cần mã số BHXH hoặc số CCCD",
        )
    # Validated before the unit of work opens: a bad field costs no transaction.
    registration = health_ids.validate(deps, data) if data.si_number else None
    demographics = registration.demographics if registration else data.demographics(deps)
    stated = matcher.record_of(
        key="stated", demographics=demographics, identifiers=[], places=deps.places
    )

    def work() -> Registered:
        with unit_of_work(deps, caller, Permission.REGISTER_PERSON) as uow:
            full: HealthId | None = None
            if registration is not None:
                established = health_ids.establish(uow, deps, registration)
                person_id, created = established.person_id, established.created
                full = established.health_id
            else:
                person_id, created = health_ids.record_by_cccd(
                    uow, deps, str(data.cccd), demographics
                )
            person = uow.persons.get(person_id)
            if person is None:
                raise NotFoundError("person")
            if not created:
                stored = matcher.person_record(person, deps.places)
                if not states_the_same_person(stored, stated):
                    raise _OtherDetailsError(person_id)
                care.counted(uow, deps, caller)  # an existing person: a read
            care.relate(uow, deps, caller, person_id, "registration")
            summary = _summary(uow, person)
            record(
                uow,
                clock=deps.clock,
                action=Action.PERSON_REGISTER,
                caller=caller,
                person_id=person_id,
                detail="new" if created else "existing",
            )
            uow.commit()
        return Registered(summary, created, full)

    try:
        return retry_lost_race(work)
    except UniquenessError:
        raise ConflictError(
            "cccd", "concurrent_registration", "try again", "vui lòng thử lại"
        ) from None
    except _OtherDetailsError as refused:
        _refuse_registration(deps, caller, refused.person_id, "other_details")
        raise registered_to_someone_else() from None
    except ConflictError as taken:
        # One of the identifiers is another person's: a probe like the one above.
        if taken.rule == "belongs_to_another_person":
            _refuse_registration(deps, caller, None, "identifier_taken")
        raise


class _OtherDetailsError(Exception):
    """The identifiers are known, and the stated demographics are not their person's."""

    def __init__(self, person_id: str) -> None:
        self.person_id = person_id
        super().__init__("demographics disagree")


def registered_to_someone_else() -> ConflictError:
    """409 that says no more than this: no name, date or sex of whoever holds them."""
    return ConflictError(
        "si_number",
        "registered_with_other_details",
        "this SI number or CCCD is registered with other details: check them with the patient",
        "mã số này đã đăng ký với thông tin khác: hãy kiểm tra lại với người bệnh",
    )


def _refuse_registration(deps: Deps, caller: Caller, person_id: str | None, detail: str) -> None:
    """Record the refused attempt and count it as a read, in a unit of work of its own (the
    attempt's own work was rolled back)."""
    with unit_of_work(deps, caller, Permission.REGISTER_PERSON) as uow:
        care.counted(uow, deps, caller)
        record(
            uow,
            clock=deps.clock,
            action=Action.PERSON_REGISTER,
            caller=caller,
            person_id=person_id,
            outcome=Outcome.DENIED,
            detail=detail,
        )
        uow.commit()


def read_person(*, deps: Deps, caller: Caller, person_id: str) -> PatientSummary:
    """A person's record for a facility in a care relationship with them (or a member of
    staff holding a break-glass grant); otherwise not found, with nothing in it."""
    authorize(caller.principal, Permission.LOOKUP_PERSON)
    care.require_purpose(caller)
    with unit_of_work(deps, caller, Permission.LOOKUP_PERSON) as uow:
        person = uow.persons.get(person_id)
        visible = person is not None and care.may_see(uow, deps, caller, person_id)
        if visible:
            care.counted(uow, deps, caller)
        record(
            uow,
            clock=deps.clock,
            action=Action.PERSON_READ,
            caller=caller,
            person_id=person_id if person is not None else None,
            outcome=Outcome.SUCCESS if visible else Outcome.DENIED,
        )
        summary = _summary(uow, person) if person is not None and visible else None
        uow.commit()
    if summary is None:
        raise NotFoundError("person")
    return summary


def show_person(
    *, deps: Deps, caller: Caller, system: str, value: str
) -> tuple[Person, str | None, str | None]:
    """A whole record, its masked Health ID and its status (``healthid show``), audited."""
    authorize(caller.principal, Permission.READ_PERSON)  # 403 before any 422
    identifier = parse_identifier(system, value)
    with unit_of_work(deps, caller, Permission.READ_PERSON) as uow:
        person = health_ids.find_by_identifier(uow, identifier)
        issued = health_ids.current_health_id(uow, person.id) if person else None
        record(
            uow,
            clock=deps.clock,
            action=Action.PERSON_READ,
            caller=caller,
            person_id=person.id if person else None,
            detail=str(identifier.system),
            outcome=Outcome.SUCCESS if person else Outcome.NOT_FOUND,
        )
        uow.commit()
    if person is None:
        raise NotFoundError("person")
    if issued is None:
        return person, None, None
    return person, issued.masked, str(issued.status)


def correct_person(*, deps: Deps, caller: Caller, person_id: str, data: PersonInput) -> Person:
    """Correct a person's recorded data (empty fields stay as they were), audited."""
    with unit_of_work(deps, caller, Permission.CORRECT_PERSON) as uow:
        person = uow.persons.get(person_id)
        if person is None:
            raise NotFoundError("person")
        corrected = health_ids.correct(uow, deps, person, data)
        record(
            uow, clock=deps.clock, action=Action.PERSON_CORRECT, caller=caller, person_id=person_id
        )
        uow.commit()
    return corrected


def verify(*, deps: Deps, caller: Caller, health_id: str) -> str:
    """valid / invalid / revoked / replaced, and the check recorded with it."""
    with unit_of_work(deps, caller, Permission.VERIFY_HEALTH_ID) as uow:
        status = health_ids.verify(uow, deps.keys, health_id)
        record(
            uow,
            clock=deps.clock,
            action=Action.HEALTH_ID_VERIFY,
            caller=caller,
            detail=str(status),
        )
        uow.commit()
    return str(status)


def link_facility_mrn(*, deps: Deps, caller: Caller, person_id: str, mrn: str) -> PatientSummary:
    """A facility records its own patient number for a person (Điều 6)."""
    authorize(caller.principal, Permission.LINK_FACILITY)  # 403 before any 422
    facility = caller.principal.facility_code or ""
    identifier = parse_identifier(IdentifierSystem.MRN, mrn, facility)
    try:
        with unit_of_work(deps, caller, Permission.LINK_FACILITY) as uow:
            person = uow.persons.get(person_id)
            if person is None or not care.may_see(uow, deps, caller, person_id):
                raise NotFoundError("person")  # the same whether unknown or not theirs
            owner = uow.persons.find_by_identifier(identifier)
            if owner is not None and owner.id != person_id:
                raise _mrn_taken()
            if owner is None:
                uow.persons.add_identifier(person_id, identifier)
            care.relate(uow, deps, caller, person_id, "mrn")
            record(
                uow,
                clock=deps.clock,
                action=Action.FACILITY_LINK,
                caller=caller,
                person_id=person_id,
            )
            summary = _summary(uow, person, identifier.value)
            uow.commit()
    except UniquenessError:
        raise _mrn_taken() from None
    return summary


def _mrn_taken() -> ConflictError:
    return ConflictError(
        "mrn",
        "belongs_to_another_person",
        "this MRN is already linked to another person",
        "mã bệnh nhân này đã gắn với người khác",
    )


def facility_patients(
    *, deps: Deps, caller: Caller, limit: int, offset: int, search: str | None = None
) -> tuple[list[PatientSummary], int]:
    """The caller's facility's own patients (Điều 7.2), a page at a time, and the total.

    ``search`` keeps patients whose MRN equals it or whose name contains it, with or
    without diacritics. Names are encrypted, so a search reads the facility's patients.
    """
    care.require_purpose(caller)
    facility = caller.principal.facility_code or ""
    with unit_of_work(deps, caller, Permission.LIST_FACILITY_PATIENTS) as uow:
        if search:
            everyone, _ = uow.persons.with_scope(
                IdentifierSystem.MRN, facility, limit=None, offset=0
            )
            kept = [(p, mrn) for p, mrn in everyone if _matches(search, p, mrn)]
            rows, total = kept[offset : offset + limit], len(kept)
        else:
            rows, total = uow.persons.with_scope(
                IdentifierSystem.MRN, facility, limit=limit, offset=offset
            )
        page = [_summary(uow, person, mrn) for person, mrn in rows]
        care.counted(uow, deps, caller, reads=len(page))  # a page reads the persons it shows
        record(
            uow,
            clock=deps.clock,
            action=Action.FACILITY_PATIENTS,
            caller=caller,
            detail=f"{len(page)} rows",
        )
        uow.commit()
    return page, total


def _matches(search: str, person: Person, mrn: str) -> bool:
    wanted = fold_diacritics(search).casefold()
    name = fold_diacritics(person.demographics.full_name).casefold()
    return search.strip().upper() == mrn.upper() or wanted in name
