"""Issuance requests: an authority approves IDs the registry cannot establish alone (Điều 3.2)."""

from __future__ import annotations

from dataclasses import replace

from healthid.domain.audit import Action
from healthid.domain.errors import ConflictError, NotFoundError, ValidationError
from healthid.domain.identifiers import (
    check_personal_id_matches,
    parse_personal_id,
    parse_si_number,
)
from healthid.domain.ids import new_id
from healthid.domain.issuance_request import IssuanceRequest, RequestStatus
from healthid.domain.person import display_text, parse_demographics
from healthid.services import health_ids as registry
from healthid.services.access import Permission, Principal, RequestContext, authorize
from healthid.services.audit import record
from healthid.services.ports import AdminUnits, Clock, KeyRing, UnitOfWorkFactory


def request_issuance(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    principal: Principal,
    ctx: RequestContext,
    si_number: str,
    full_name: str,
    birth_date: str,
    sex: str,
    birthplace: str | None = None,
    cccd: str | None = None,
    address: str | None = None,
    reason: str | None = None,
) -> IssuanceRequest:
    authorize(principal, Permission.REQUEST_ISSUANCE)
    demographics = parse_demographics(
        full_name=full_name,
        birth_date=birth_date,
        sex=sex,
        birthplace=birthplace,
        address=address,
        today=clock.now().date(),
    )
    if cccd:
        check_personal_id_matches(
            parse_personal_id(cccd), sex=demographics.sex, birth_year=demographics.birth_date.year
        )
    request = IssuanceRequest(
        id=new_id(),
        si_number=parse_si_number(si_number),
        demographics=demographics,
        cccd=parse_personal_id(cccd).value if cccd else None,
        requested_by=principal.name,
        facility_code=principal.facility_code,
        created_at=clock.now(),
        reason=display_text(reason, field="reason") if reason else None,
    )
    with uow_factory() as uow:
        uow.issuance_requests.add(request)
        record(
            uow,
            clock=clock,
            action=Action.ISSUANCE_REQUEST,
            principal=principal,
            ctx=ctx,
            detail=request.id,
        )
        uow.commit()
    return request


def list_requests(
    *, uow_factory: UnitOfWorkFactory, principal: Principal, status: str | None = None
) -> list[IssuanceRequest]:
    authorize(principal, Permission.LIST_ISSUANCE)
    if status is not None and status not in set(RequestStatus):
        raise ValidationError(
            "status",
            "unknown_status",
            "must be pending, approved or rejected",
            "phải là pending, approved hoặc rejected",
        )
    with uow_factory() as uow:
        return uow.issuance_requests.list(status)


def _pending(uow_factory: UnitOfWorkFactory, request_id: str) -> IssuanceRequest:
    with uow_factory() as uow:
        request = uow.issuance_requests.get(request_id)
    if request is None:
        raise NotFoundError("issuance_request")
    if request.status != RequestStatus.PENDING:
        raise ConflictError(
            "status", "already_decided", "the request was already decided", "yêu cầu đã được xử lý"
        )
    return request


def approve(
    *,
    uow_factory: UnitOfWorkFactory,
    keys: KeyRing,
    places: AdminUnits,
    clock: Clock,
    principal: Principal,
    ctx: RequestContext,
    request_id: str,
) -> IssuanceRequest:
    """Approve: the Health ID is established from the request's data."""
    authorize(principal, Permission.DECIDE_ISSUANCE)
    request = _pending(uow_factory, request_id)
    d = request.demographics
    result = registry.establish_health_id(
        uow_factory=uow_factory,
        keys=keys,
        places=places,
        clock=clock,
        si_number=request.si_number,
        full_name=d.full_name,
        birth_date=d.birth_date.compact(),
        sex=str(d.sex),
        birthplace=d.birthplace,
        cccd=request.cccd,
        address=d.address,
    )
    return _decide(
        uow_factory=uow_factory,
        clock=clock,
        principal=principal,
        ctx=ctx,
        request=request,
        status=RequestStatus.APPROVED,
        reason=None,
        person_id=result.person_id,
    )


def reject(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    principal: Principal,
    ctx: RequestContext,
    request_id: str,
    reason: str,
) -> IssuanceRequest:
    authorize(principal, Permission.DECIDE_ISSUANCE)
    request = _pending(uow_factory, request_id)
    return _decide(
        uow_factory=uow_factory,
        clock=clock,
        principal=principal,
        ctx=ctx,
        request=request,
        status=RequestStatus.REJECTED,
        reason=display_text(reason, field="reason"),
        person_id=None,
    )


def _decide(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    principal: Principal,
    ctx: RequestContext,
    request: IssuanceRequest,
    status: RequestStatus,
    reason: str | None,
    person_id: str | None,
) -> IssuanceRequest:
    decided = replace(
        request,
        status=status,
        decided_by=principal.name,
        decided_at=clock.now(),
        reason=reason or request.reason,
        person_id=person_id,
    )
    with uow_factory() as uow:
        uow.issuance_requests.update(decided)
        record(
            uow,
            clock=clock,
            action=Action.ISSUANCE_DECIDE,
            principal=principal,
            ctx=ctx,
            person_id=person_id,
            detail=f"{status} {request.id}",
        )
        uow.commit()
    return decided
