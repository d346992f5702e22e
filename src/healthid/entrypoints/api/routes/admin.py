"""Administration: facilities, users and API clients."""

from __future__ import annotations

import json

from fastapi import APIRouter, Response

from healthid.domain.accounts import Facility
from healthid.entrypoints.api.deps import CallerDep, DepsDep, RegistryDep
from healthid.entrypoints.api.schemas import (
    ClientIn,
    ClientOut,
    FacilityIn,
    FacilityLimitsIn,
    FacilityOut,
    NewClientOut,
    UserIn,
    UserOut,
)
from healthid.services import accounts

router = APIRouter(prefix="/admin", tags=["admin"])


def _facility_out(f: Facility) -> FacilityOut:
    return FacilityOut(
        code=f.code,
        name=f.name,
        province_code=f.province_code,
        active=f.active,
        max_users=f.max_users,
        max_clients=f.max_clients,
    )


@router.post("/facilities", response_model=FacilityOut, status_code=201)
def add_facility(body: FacilityIn, deps: DepsDep, caller: CallerDep) -> FacilityOut:
    f = accounts.add_facility(
        deps=deps, caller=caller, code=body.code, name=body.name, province=body.province
    )
    return _facility_out(f)


@router.get("/facilities", response_model=list[FacilityOut])
def list_facilities(deps: DepsDep, caller: CallerDep) -> list[FacilityOut]:
    return [_facility_out(f) for f in accounts.list_facilities(deps=deps, caller=caller)]


@router.put("/facilities/{code}/limits", response_model=FacilityOut)
def set_facility_limits(
    code: str, body: FacilityLimitsIn, deps: DepsDep, caller: CallerDep
) -> FacilityOut:
    """How many enabled users and API clients the facility may hold (admin only)."""
    f = accounts.set_facility_limits(
        deps=deps,
        caller=caller,
        code=code,
        max_users=body.max_users,
        max_clients=body.max_clients,
    )
    return _facility_out(f)


@router.post("/users", response_model=UserOut, status_code=201)
def add_user(body: UserIn, deps: DepsDep, wired: RegistryDep, caller: CallerDep) -> UserOut:
    u = accounts.add_user(
        deps=deps,
        caller=caller,
        hasher=wired.hasher,
        username=body.username,
        role=body.role,
        facility_code=body.facility_code,
        password=body.password,
    )
    return UserOut(
        username=u.username, role=u.role, facility_code=u.facility_code, disabled=u.disabled
    )


@router.get("/users", response_model=list[UserOut])
def list_users(deps: DepsDep, caller: CallerDep) -> list[UserOut]:
    return [
        UserOut(
            username=u.username, role=u.role, facility_code=u.facility_code, disabled=u.disabled
        )
        for u in accounts.list_users(deps=deps, caller=caller)
    ]


@router.post("/users/{username}/disable", status_code=204)
def disable_user(username: str, deps: DepsDep, caller: CallerDep) -> Response:
    accounts.set_user_disabled(deps=deps, caller=caller, username=username)
    return Response(status_code=204)


@router.post("/clients", response_model=NewClientOut, status_code=201)
def add_client(
    body: ClientIn, deps: DepsDep, wired: RegistryDep, caller: CallerDep
) -> NewClientOut:
    """A client with a secret (shown once), or with public keys (``jwks``) and no secret."""
    if body.jwks is not None:
        new = accounts.add_keyed_client(
            deps=deps,
            caller=caller,
            client_keys=wired.client_keys,
            facility_code=body.facility_code,
            jwks=json.dumps(body.jwks),
        )
    else:
        new = accounts.add_client(
            deps=deps, caller=caller, hasher=wired.hasher, facility_code=body.facility_code
        )
    return NewClientOut(client_id=new.client_id, client_secret=new.client_secret)


@router.get("/clients", response_model=list[ClientOut])
def list_clients(deps: DepsDep, caller: CallerDep) -> list[ClientOut]:
    return [
        ClientOut(client_id=c.client_id, facility_code=c.facility_code, disabled=c.disabled)
        for c in accounts.list_clients(deps=deps, caller=caller)
    ]


@router.post("/clients/{client_id}/disable", status_code=204)
def disable_client(client_id: str, deps: DepsDep, caller: CallerDep) -> Response:
    accounts.set_client_disabled(deps=deps, caller=caller, client_id=client_id)
    return Response(status_code=204)
