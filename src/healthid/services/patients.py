"""What facilities do with patients over the API: register, find, link, list — all audited."""

from __future__ import annotations

from dataclasses import dataclass

from healthid.domain.audit import Action, Outcome
from healthid.domain.errors import ConflictError, NotFoundError, ValidationError
from healthid.domain.identifiers import (
    IdentifierSystem,
    parse_identifier,
)
from healthid.domain.names import fold_diacritics
from healthid.domain.person import Person, parse_demographics
from healthid.services import health_ids as registry
from healthid.services.access import Permission, Principal, RequestContext, authorize
from healthid.services.audit import (
    QuotaExceededError,
    Quotas,
    check_quota,
    event,
    record,
    record_alone,
)
from healthid.services.ports import (
    AdminUnits,
    Clock,
    KeyRing,
    UniquenessError,
    UnitOfWork,
    UnitOfWorkFactory,
)


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


def _summary(uow: UnitOfWork, person: Person, mrn: str | None = None) -> PatientSummary:
    issued = registry.current_health_id(uow, person.id)
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


def register_person(
    *,
    uow_factory: UnitOfWorkFactory,
    keys: KeyRing,
    places: AdminUnits,
    clock: Clock,
    principal: Principal,
    ctx: RequestContext,
    si_number: str | None,
    cccd: str | None,
    full_name: str,
    birth_date: str,
    sex: str,
    bhyt_card: str | None = None,
    birthplace: str | None = None,
    address: str | None = None,
    phone: str | None = None,
) -> Registered:
    """Register a patient: with an SI number their Health ID is established (Điều 5);
    with a CCCD alone they are recorded and found by it until an SI number is known."""
    authorize(principal, Permission.REGISTER_PERSON)
    if not si_number and not cccd:
        raise ValidationError(
            "si_number",
            "si_or_cccd_required",
            "either si_number or cccd is required",
            "cần mã số BHXH hoặc số CCCD",
        )
    if si_number:
        result = registry.establish_health_id(
            uow_factory=uow_factory,
            keys=keys,
            places=places,
            clock=clock,
            si_number=si_number,
            full_name=full_name,
            birth_date=birth_date,
            sex=sex,
            birthplace=birthplace,
            cccd=cccd,
            bhyt_card=bhyt_card,
            address=address,
            phone=phone,
        )
        person_id, created = result.person_id, result.created
    else:
        demographics = parse_demographics(
            full_name=full_name,
            birth_date=birth_date,
            sex=sex,
            birthplace=birthplace,
            address=address,
            phone=phone,
            today=clock.now().date(),
        )
        person_id, created = registry.register_by_cccd(
            uow_factory, places, clock, str(cccd), demographics
        )
    with uow_factory() as uow:
        person = uow.persons.get(person_id)
        if person is None:
            raise NotFoundError("person")
        summary = _summary(uow, person)
        record(
            uow,
            clock=clock,
            action=Action.PERSON_REGISTER,
            principal=principal,
            ctx=ctx,
            person_id=person_id,
            detail="new" if created else "existing",
        )
        uow.commit()
    return Registered(summary, created)


def find_person(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    quotas: Quotas,
    principal: Principal,
    ctx: RequestContext,
    system: str,
    value: str,
) -> PatientSummary:
    """Find a patient by an identifier; MRNs are looked up in the caller's own facility."""
    authorize(principal, Permission.LOOKUP_PERSON)
    scope = (principal.facility_code or "") if system == IdentifierSystem.MRN else ""
    identifier = parse_identifier(system, value, scope)
    with uow_factory() as uow:
        try:
            check_quota(uow, principal=principal, clock=clock, quotas=quotas)
        except QuotaExceededError:
            record(
                uow,
                clock=clock,
                action=Action.QUOTA_EXCEEDED,
                principal=principal,
                ctx=ctx,
                outcome=Outcome.DENIED,
            )
            uow.commit()
            raise
        person = registry.find_by_identifier(uow, identifier)
        record(
            uow,
            clock=clock,
            action=Action.PERSON_LOOKUP,
            principal=principal,
            ctx=ctx,
            person_id=person.id if person else None,
            detail=str(identifier.system),
            outcome=Outcome.SUCCESS if person else Outcome.NOT_FOUND,
        )
        summary = _summary(uow, person) if person else None
        uow.commit()
    if summary is None:
        raise NotFoundError("person")
    return summary


def verify(
    *,
    uow_factory: UnitOfWorkFactory,
    keys: KeyRing,
    clock: Clock,
    principal: Principal,
    ctx: RequestContext,
    health_id: str,
) -> str:
    authorize(principal, Permission.VERIFY_HEALTH_ID)
    status = registry.verify_health_id(uow_factory=uow_factory, keys=keys, health_id=health_id)
    record_alone(
        uow_factory,
        event(
            clock=clock,
            action=Action.HEALTH_ID_VERIFY,
            principal=principal,
            ctx=ctx,
            detail=str(status),
        ),
    )
    return str(status)


def link_facility_mrn(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    principal: Principal,
    ctx: RequestContext,
    person_id: str,
    mrn: str,
) -> PatientSummary:
    """A facility records its own patient number for a person (Điều 6)."""
    authorize(principal, Permission.LINK_FACILITY)
    identifier = parse_identifier(IdentifierSystem.MRN, mrn, principal.facility_code or "")
    try:
        with uow_factory() as uow:
            person = uow.persons.get(person_id)
            if person is None:
                raise NotFoundError("person")
            owner = uow.persons.find_by_identifier(identifier)
            if owner is not None and owner.id != person_id:
                raise ConflictError(
                    "mrn",
                    "belongs_to_another_person",
                    "this MRN is already linked to another person",
                    "mã bệnh nhân này đã gắn với người khác",
                )
            if owner is None:
                uow.persons.add_identifier(person_id, identifier)
            record(
                uow,
                clock=clock,
                action=Action.FACILITY_LINK,
                principal=principal,
                ctx=ctx,
                person_id=person_id,
            )
            summary = _summary(uow, person, identifier.value)
            uow.commit()
    except UniquenessError:
        raise ConflictError(
            "mrn",
            "belongs_to_another_person",
            "this MRN is already linked to another person",
            "mã bệnh nhân này đã gắn với người khác",
        ) from None
    return summary


def facility_patients(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    principal: Principal,
    ctx: RequestContext,
    limit: int,
    offset: int,
    search: str | None = None,
) -> tuple[list[PatientSummary], int]:
    """The caller's facility's own patients (Điều 7.2), a page at a time, and the total.

    ``search`` keeps patients whose MRN equals it or whose name contains it, with or
    without diacritics. Names are encrypted, so a search reads the facility's patients.
    """
    authorize(principal, Permission.LIST_FACILITY_PATIENTS)
    facility = principal.facility_code or ""
    with uow_factory() as uow:
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
        record(
            uow,
            clock=clock,
            action=Action.FACILITY_PATIENTS,
            principal=principal,
            ctx=ctx,
            detail=f"{len(page)} rows",
        )
        uow.commit()
    return page, total


def _matches(search: str, person: Person, mrn: str) -> bool:
    wanted = fold_diacritics(search).casefold()
    name = fold_diacritics(person.demographics.full_name).casefold()
    return search.strip().upper() == mrn.upper() or wanted in name
