"""Persons: register, find by identifier, record the facility's MRN; verify a Health ID."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status

from healthid.entrypoints.api.deps import CallerDep, DepsDep
from healthid.entrypoints.api.schemas import (
    FacilityLinkIn,
    Page,
    PersonIn,
    PersonOut,
    RegisteredOut,
    VerifyIn,
    VerifyOut,
)
from healthid.services import patients
from healthid.services.health_ids import PersonInput

router = APIRouter(tags=["persons"])


@router.post("/persons", response_model=RegisteredOut, status_code=status.HTTP_201_CREATED)
def register_person(
    body: PersonIn, response: Response, wired: DepsDep, caller: CallerDep
) -> RegisteredOut:
    """Register a patient; the same SI number or CCCD again returns the existing person (200)."""
    result = patients.register_person(
        deps=wired, caller=caller, data=PersonInput(**body.model_dump())
    )
    if not result.created:
        response.status_code = status.HTTP_200_OK
    return RegisteredOut(**asdict(result.summary), created=result.created)


@router.get("/persons/by-identifier", response_model=PersonOut)
def find_person(
    system: Annotated[Literal["si", "cccd", "bhyt", "mrn"], Query()],
    value: Annotated[str, Query(max_length=64)],
    wired: DepsDep,
    caller: CallerDep,
) -> PersonOut:
    """The minimum a facility needs, Health ID masked. MRNs are your facility's own."""
    summary = patients.find_person(
        deps=wired,
        caller=caller,
        system=system,
        value=value,
    )
    return PersonOut(**asdict(summary))


@router.post("/persons/{person_id}/facility-links", response_model=PersonOut, status_code=201)
def link_facility(
    person_id: str, body: FacilityLinkIn, wired: DepsDep, caller: CallerDep
) -> PersonOut:
    """Record your facility's own patient number (MA_BN) for this person."""
    summary = patients.link_facility_mrn(
        deps=wired,
        caller=caller,
        person_id=person_id,
        mrn=body.mrn,
    )
    return PersonOut(**asdict(summary))


@router.get("/facility/patients", response_model=Page)
def facility_patients(
    wired: DepsDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page:
    """Your facility's own patients (Điều 7.2)."""
    rows, total = patients.facility_patients(
        deps=wired,
        caller=caller,
        limit=limit,
        offset=offset,
    )
    return Page(
        items=[PersonOut(**asdict(r)) for r in rows], total=total, limit=limit, offset=offset
    )


@router.post("/health-ids/verify", response_model=VerifyOut)
def verify(body: VerifyIn, wired: DepsDep, caller: CallerDep) -> VerifyOut:
    """valid / invalid / revoked / replaced — never demographics."""
    answer = patients.verify(
        deps=wired,
        caller=caller,
        health_id=body.health_id,
    )
    return VerifyOut.model_validate({"status": answer})
