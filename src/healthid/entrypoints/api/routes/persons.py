"""Persons: register, match, read within a care relationship, break the glass, record the
facility's MRN; verify a Health ID."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response, status

from healthid.entrypoints.api.deps import CallerDep, DepsDep
from healthid.entrypoints.api.schemas import (
    BreakGlassIn,
    BreakGlassOut,
    BreakGlassSearchIn,
    CandidateOut,
    FacilityLinkIn,
    IdentifierStatusOut,
    MatchIn,
    MatchOut,
    Page,
    PersonIn,
    PersonOut,
    RegisteredOut,
    VerifyIn,
    VerifyOut,
)
from healthid.services import care, patients
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


@router.get("/persons/by-identifier", response_model=IdentifierStatusOut)
def identifier_status(
    system: Annotated[Literal["si", "cccd", "bhyt", "mrn"], Query()],
    value: Annotated[str, Query(max_length=64)],
    wired: DepsDep,
    caller: CallerDep,
) -> IdentifierStatusOut:
    """Whether an identifier is known, and its Health ID's status — no name, birth date or
    sex (use POST /persons/match with what the patient states). Needs X-Purpose."""
    found = care.identifier_status(deps=wired, caller=caller, system=system, value=value)
    return IdentifierStatusOut(known=found.known, health_id_status=found.health_id_status)


@router.post("/persons/match", response_model=MatchOut)
def match_person(body: MatchIn, wired: DepsDep, caller: CallerDep) -> MatchOut:
    """The person an identifier names, when the name, birth date and sex the patient states
    agree with the record: their id and masked Health ID, and your facility's care
    relationship with them. 404 alike for an unknown identifier and for a mismatch."""
    found = care.match_person(
        deps=wired,
        caller=caller,
        system=body.identifier.system,
        value=body.identifier.value,
        full_name=body.full_name,
        birth_date=body.birth_date,
        sex=body.sex,
    )
    return MatchOut(**asdict(found))


@router.post("/persons/break-glass-search", response_model=list[CandidateOut])
def break_glass_search(
    body: BreakGlassSearchIn, wired: DepsDep, caller: CallerDep
) -> list[CandidateOut]:
    """Emergency only: persons who could be an unconscious patient without papers, by
    name, birth year and province (at most 10). Each one shown is a break-glass grant of
    yours, audited and reviewed like any other."""
    found = care.break_glass_search(
        deps=wired,
        caller=caller,
        reason=body.reason,
        justification=body.justification,
        full_name=body.full_name,
        birth_year=body.birth_year,
        province=body.province,
    )
    return [
        CandidateOut(
            id=c.id,
            full_name=c.full_name,
            birth_date=c.birth_date,
            sex=c.sex,
            health_id=c.health_id,
            health_id_status=c.health_id_status,
            break_glass_until=c.until,
        )
        for c in found
    ]


@router.get("/persons/{person_id}", response_model=PersonOut)
def read_person(
    person_id: Annotated[str, Path(max_length=32)], wired: DepsDep, caller: CallerDep
) -> PersonOut:
    """The person's record, for a facility in a care relationship with them (or staff
    holding a break-glass grant); otherwise 404 with nothing in it. Needs X-Purpose."""
    return PersonOut(**asdict(patients.read_person(deps=wired, caller=caller, person_id=person_id)))


@router.post("/persons/{person_id}/break-glass", response_model=BreakGlassOut, status_code=201)
def break_glass(
    person_id: Annotated[str, Path(max_length=32)],
    body: BreakGlassIn,
    wired: DepsDep,
    caller: CallerDep,
) -> BreakGlassOut:
    """Emergency access to one person for you alone, for a few hours (default 4); the
    justification is kept sealed and every break-glass is reviewed by an auditor."""
    grant = care.break_glass(
        deps=wired,
        caller=caller,
        person_id=person_id,
        reason=body.reason,
        justification=body.justification,
    )
    return BreakGlassOut(person_id=grant.person_id, expires_at=grant.expires_at)


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
