"""Request-scoped dependencies: the wired registry, the caller, and the request's context."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, Header, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from healthid.bootstrap import Registry
from healthid.services.access import Principal, RequestContext
from healthid.services.auth import AuthenticationError, principal_from_token

_bearer = HTTPBearer(auto_error=False, description="An access token from POST /oauth/token")


def registry(request: Request) -> Registry:
    wired: Registry = request.app.state.registry
    return wired


RegistryDep = Annotated[Registry, Depends(registry)]


def context(
    request: Request,
    purpose: Annotated[
        str | None,
        Header(
            alias="X-Purpose",
            max_length=600,
            description="Why the data is needed; percent-encoded UTF-8 (headers are ASCII)",
        ),
    ] = None,
) -> RequestContext:
    return RequestContext(
        source=request.client.host if request.client else None,
        purpose=unquote(purpose)[:200] if purpose else None,
    )


def principal(
    wired: RegistryDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The authenticated caller; disabled accounts are refused on their next request."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthenticationError("missing bearer token")
    return principal_from_token(
        uow_factory=wired.uow, signer=wired.signer, token=credentials.credentials
    )


ContextDep = Annotated[RequestContext, Depends(context)]
PrincipalDep = Annotated[Principal, Depends(principal)]
