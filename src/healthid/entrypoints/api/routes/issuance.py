"""Issuance requests for IDs the registry cannot establish on its own (Điều 3.2)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from healthid.domain.issuance_request import IssuanceRequest
from healthid.entrypoints.api.deps import CallerDep, DepsDep
from healthid.entrypoints.api.schemas import IssuanceRequestIn, IssuanceRequestOut, RejectIn
from healthid.services import issuance

router = APIRouter(prefix="/issuance-requests", tags=["issuance"])


def _out(request: IssuanceRequest) -> IssuanceRequestOut:
    fields = asdict(request)
    return IssuanceRequestOut(**{k: fields[k] for k in IssuanceRequestOut.model_fields})


@router.post("", response_model=IssuanceRequestOut, status_code=201)
def create(body: IssuanceRequestIn, deps: DepsDep, caller: CallerDep) -> IssuanceRequestOut:
    return _out(issuance.request_issuance(deps=deps, caller=caller, **body.model_dump()))


@router.get("", response_model=list[IssuanceRequestOut])
def list_requests(
    deps: DepsDep,
    caller: CallerDep,
    status: Annotated[Literal["pending", "approved", "rejected"] | None, Query()] = None,
) -> list[IssuanceRequestOut]:
    found = issuance.list_requests(deps=deps, caller=caller, status=status)
    return [_out(r) for r in found]


@router.post("/{request_id}/approve", response_model=IssuanceRequestOut)
def approve(request_id: str, deps: DepsDep, caller: CallerDep) -> IssuanceRequestOut:
    return _out(issuance.approve(deps=deps, caller=caller, request_id=request_id))


@router.post("/{request_id}/reject", response_model=IssuanceRequestOut)
def reject(request_id: str, body: RejectIn, deps: DepsDep, caller: CallerDep) -> IssuanceRequestOut:
    return _out(
        issuance.reject(deps=deps, caller=caller, request_id=request_id, reason=body.reason)
    )
