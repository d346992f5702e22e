"""OAuth2 tokens: client credentials for connected systems, password for people."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Response

from healthid.domain.errors import ValidationError
from healthid.entrypoints.api.deps import ContextDep, DepsDep, RegistryDep
from healthid.entrypoints.api.schemas import TokenOut
from healthid.services import auth

router = APIRouter(prefix="/oauth", tags=["auth"])


@router.post("/token", response_model=TokenOut)
def token(
    deps: DepsDep,
    wired: RegistryDep,
    ctx: ContextDep,
    grant_type: Annotated[str, Form()],
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
    username: Annotated[str | None, Form(max_length=64)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
) -> TokenOut:
    """A signed token valid five minutes at most."""
    if grant_type == "client_credentials" and client_id and client_secret:
        issued = auth.token_for_client(
            deps=deps,
            hasher=wired.hasher,
            signer=wired.signer,
            ctx=ctx,
            client_id=client_id,
            client_secret=client_secret,
        )
    elif grant_type == "password" and username and password:
        issued = auth.token_for_user(
            deps=deps,
            hasher=wired.hasher,
            signer=wired.signer,
            ctx=ctx,
            username=username,
            password=password,
        )
    else:
        raise ValidationError(
            "grant_type",
            "unsupported_grant",
            "use client_credentials with client_id and client_secret, or password with "
            "username and password",
            "dùng client_credentials với client_id và client_secret, hoặc password với "
            "username và password",
        )
    return TokenOut(
        access_token=issued.access_token,
        token_type="Bearer",  # noqa: S106 - the OAuth2 token type, not a secret
        expires_in=issued.expires_in,
    )


@router.post("/revoke", status_code=200)
def revoke(
    deps: DepsDep,
    wired: RegistryDep,
    ctx: ContextDep,
    token: Annotated[str, Form(max_length=4096)],
) -> Response:
    """Revoke a token before it expires (RFC 7009)."""
    auth.revoke_token(deps=deps, signer=wired.signer, ctx=ctx, token=token)
    return Response(status_code=200)
