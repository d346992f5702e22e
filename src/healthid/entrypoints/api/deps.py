"""Request-scoped dependencies: the wired registry, the caller, and the request's context.

They are ``async``: none of them blocks (the token's signature is checked in memory), and
FastAPI runs a plain ``def`` dependency in a worker thread, a thread hop per dependency
per request that cost more than the lookup itself (bench/api_load.py).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from healthid.bootstrap import Registry
from healthid.domain.purpose import parse_purpose
from healthid.services.access import AuthenticationError, Caller, RequestContext
from healthid.services.auth import principal_from_token
from healthid.services.deps import Deps

_bearer = HTTPBearer(auto_error=False, description="An access token from POST /oauth/token")


async def registry(request: Request) -> Registry:
    wired: Registry = request.app.state.registry
    return wired


RegistryDep = Annotated[Registry, Depends(registry)]


async def deps(request: Request) -> Deps:
    wired: Deps = request.app.state.deps
    return wired


DepsDep = Annotated[Deps, Depends(deps)]


async def context(
    request: Request,
    purpose: Annotated[
        str | None,
        Header(
            alias="X-Purpose",
            max_length=16,
            description="Why the data is read: TREAT, ETREAT, HPAYMT, PUBHLTH, PATRQT or "
            "HOPERAT (HL7 v3 PurposeOfUse); required on every identifiable read",
        ),
    ] = None,
) -> RequestContext:
    return RequestContext(
        source=request.client.host if request.client else None,
        # A code or a 422 naming the header: free text never reaches the audit log.
        purpose=str(parse_purpose(purpose)) if purpose else None,
    )


ContextDep = Annotated[RequestContext, Depends(context)]


async def caller(
    wired: RegistryDep,
    ctx: ContextDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The caller a bearer token names, its signature checked here; the use case checks the
    account and the token's revocation in its own transaction (one round trip saved)."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("missing bearer token")
    return Caller(principal_from_token(signer=wired.signer, token=credentials.credentials), ctx)


CallerDep = Annotated[Caller, Depends(caller)]
