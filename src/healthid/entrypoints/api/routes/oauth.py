"""OAuth2 tokens: client credentials for connected systems, password for people."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from healthid.domain.client_assertion import ASSERTION_TYPE
from healthid.domain.errors import ValidationError
from healthid.entrypoints.api.deps import ContextDep, DepsDep, RegistryDep
from healthid.entrypoints.api.schemas import TokenOut
from healthid.services import auth, client_assertions

router = APIRouter(prefix="/oauth", tags=["auth"])


def _unsupported() -> ValidationError:
    return ValidationError(
        "grant_type",
        "unsupported_grant",
        "use client_credentials with client_id and client_secret, or with client_assertion_type "
        "and client_assertion; or password with username and password (and totp for admin, "
        "authority and auditor)",
        "dùng client_credentials với client_id và client_secret, hoặc với client_assertion_type "
        "và client_assertion; hoặc password với username và password (thêm totp với admin, "
        "authority và auditor)",
    )


def _audiences(public_url: str, request: Request) -> list[str]:
    """The token URL an assertion may name: the configured public one, or the one the
    request came to (a registry reached under another name in a test or on a LAN)."""
    configured = public_url.rstrip("/") + "/oauth/token"
    return [configured, str(request.url.replace(query="", fragment=""))]


@router.post("/token", response_model=TokenOut)
def token(
    request: Request,
    deps: DepsDep,
    wired: RegistryDep,
    ctx: ContextDep,
    grant_type: Annotated[str, Form()],
    client_id: Annotated[str | None, Form(max_length=64)] = None,
    client_secret: Annotated[str | None, Form(max_length=256)] = None,
    client_assertion_type: Annotated[
        str | None,
        Form(max_length=100, description=f"With client_assertion: {ASSERTION_TYPE}"),
    ] = None,
    client_assertion: Annotated[
        str | None,
        Form(
            max_length=8192,
            description="A JWT the client signed with its registered key (RFC 7523)",
        ),
    ] = None,
    username: Annotated[str | None, Form(max_length=64)] = None,
    password: Annotated[str | None, Form(max_length=256)] = None,
    totp: Annotated[
        str | None,
        Form(
            max_length=16,
            description="The 6-digit code of the second factor enrolled on the portal: "
            "required for admin, authority and auditor",
        ),
    ] = None,
) -> TokenOut:
    """A signed token valid five minutes at most."""
    if grant_type == "client_credentials" and (client_assertion or client_assertion_type):
        if client_secret:  # RFC 6749 §2.3: one way of authenticating per request
            raise ValidationError(
                "client_secret",
                "one_method",
                "give a client_secret or a client_assertion, not both",
                "chỉ dùng một trong hai: client_secret hoặc client_assertion",
            )
        if client_assertion_type != ASSERTION_TYPE or not client_assertion:
            raise ValidationError(
                "client_assertion_type",
                "unsupported",
                f"must be {ASSERTION_TYPE}, with a client_assertion",
                f"phải là {ASSERTION_TYPE}, kèm client_assertion",
            )
        issued = client_assertions.token_for_client_assertion(
            deps=deps,
            keys=wired.client_keys,
            signer=wired.signer,
            ctx=ctx,
            assertion=client_assertion,
            audiences=_audiences(wired.settings.public_url, request),
            client_id=client_id,
        )
    elif grant_type == "client_credentials" and client_id and client_secret:
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
            codes=wired.codes,
            ctx=ctx,
            username=username,
            password=password,
            totp=totp,
        )
    else:
        raise _unsupported()
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
