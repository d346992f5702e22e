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
from healthid.services import health_ids
from healthid.services.access import Caller, Permission
from healthid.services.audit import record
from healthid.services.deps import Deps
from healthid.services.health_ids import PersonInput
from healthid.services.ports import UnitOfWork
from healthid.services.use_case import retry_lost_race, unit_of_work


def request_issuance(
    *,
    deps: Deps,
    caller: Caller,
    si_number: str,
    full_name: str,
    birth_date: str,
    sex: str,
    birthplace: str | None = None,
    cccd: str | None = None,
    address: str | None = None,
    reason: str | None = None,
) -> IssuanceRequest:
    """A facility asks the authority for an ID (the request's data checked first)."""
    principal = caller.principal
    with unit_of_work(deps, caller, Permission.REQUEST_ISSUANCE) as uow:
        now = deps.clock.now()
        demographics = parse_demographics(
            full_name=full_name,
            birth_date=birth_date,
            sex=sex,
            birthplace=birthplace,
            address=address,
            today=now.date(),
        )
        if cccd:
            check_personal_id_matches(
                parse_personal_id(cccd),
                sex=demographics.sex,
                birth_year=demographics.birth_date.year,
            )
        request = IssuanceRequest(
            id=new_id(),
            si_number=parse_si_number(si_number),
            demographics=demographics,
            cccd=parse_personal_id(cccd).value if cccd else None,
            requested_by=principal.name,
            facility_code=principal.facility_code,
            created_at=now,
            reason=display_text(reason, field="reason") if reason else None,
        )
        uow.issuance_requests.add(request)
        record(
            uow,
            clock=deps.clock,
            action=Action.ISSUANCE_REQUEST,
            caller=caller,
            detail=request.id,
        )
        uow.commit()
    return request


def list_requests(
    *, deps: Deps, caller: Caller, status: str | None = None
) -> list[IssuanceRequest]:
    if status is not None and status not in set(RequestStatus):
        raise ValidationError(
            "status",
            "unknown_status",
            "must be pending, approved or rejected",
            "phải là pending, approved hoặc rejected",
        )
    with unit_of_work(deps, caller, Permission.LIST_ISSUANCE) as uow:
        found = uow.issuance_requests.list(status)
        uow.commit()
    return found


def approve(*, deps: Deps, caller: Caller, request_id: str) -> IssuanceRequest:
    """Approve: the Health ID is established from the request's data, the request marked
    approved and the decision audited, in one unit of work.

    A lost race on the SI number (the same person registered meanwhile) runs the whole
    approval once more; it then answers with the winner's ID.
    """

    def work() -> IssuanceRequest:
        with unit_of_work(deps, caller, Permission.DECIDE_ISSUANCE) as uow:
            request = _pending(uow, request_id)
            registration = health_ids.validate(deps, _person_input(request))
            established = health_ids.establish(uow, deps, registration)
            decided = _decide(
                uow,
                deps,
                caller,
                request,
                status=RequestStatus.APPROVED,
                reason=None,
                person_id=established.person_id,
            )
            uow.commit()
        return decided

    return retry_lost_race(work)


def reject(*, deps: Deps, caller: Caller, request_id: str, reason: str) -> IssuanceRequest:
    with unit_of_work(deps, caller, Permission.DECIDE_ISSUANCE) as uow:
        request = _pending(uow, request_id)
        decided = _decide(
            uow,
            deps,
            caller,
            request,
            status=RequestStatus.REJECTED,
            reason=display_text(reason, field="reason"),
            person_id=None,
        )
        uow.commit()
    return decided


def _pending(uow: UnitOfWork, request_id: str) -> IssuanceRequest:
    request = uow.issuance_requests.get(request_id)
    if request is None:
        raise NotFoundError("issuance_request")
    if request.status != RequestStatus.PENDING:
        raise ConflictError(
            "status", "already_decided", "the request was already decided", "yêu cầu đã được xử lý"
        )
    return request


def _person_input(request: IssuanceRequest) -> PersonInput:
    """The request's data as a registration states it (it was validated when requested)."""
    d = request.demographics
    return PersonInput(
        full_name=d.full_name,
        birth_date=d.birth_date.compact(),
        sex=str(d.sex),
        si_number=request.si_number,
        cccd=request.cccd,
        birthplace=d.birthplace,
        address=d.address,
    )


def _decide(
    uow: UnitOfWork,
    deps: Deps,
    caller: Caller,
    request: IssuanceRequest,
    *,
    status: RequestStatus,
    reason: str | None,
    person_id: str | None,
) -> IssuanceRequest:
    """The decision stored and audited in the use case's unit of work (no commit)."""
    decided = replace(
        request,
        status=status,
        decided_by=caller.principal.name,
        decided_at=deps.clock.now(),
        reason=reason or request.reason,
        person_id=person_id,
    )
    uow.issuance_requests.update(decided)
    record(
        uow,
        clock=deps.clock,
        action=Action.ISSUANCE_DECIDE,
        caller=caller,
        person_id=person_id,
        detail=f"{status} {request.id}",
    )
    return decided
