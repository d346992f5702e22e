"""A connected system's token for a signed client assertion (RFC 7523, private_key_jwt).

The facility system keeps its private key; the registry holds only the public keys
it registered (a JWKS). An assertion is accepted once, for this registry's token URL,
for five minutes at most. Every refusal is audited with a reason code, never with
anything the assertion said.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection

from healthid.domain.accounts import Role
from healthid.domain.audit import Action, AuditEvent, Outcome
from healthid.domain.client_assertion import AssertionRefusedError, check_claims
from healthid.services.access import AuthenticationError, Caller, Principal, RequestContext
from healthid.services.audit import record, record_alone
from healthid.services.auth import Token, issue_token, refusal
from healthid.services.deps import Deps
from healthid.services.ports import ClientKeys, TokenSigner


def _replay_key(client_id: str, jti: str) -> str:
    # The jti is the client's own string: stored only as a digest, bound to the client.
    return hashlib.sha256(f"{client_id}\x00{jti}".encode()).hexdigest()


def _named_client(claims: dict[str, object]) -> str:
    sub = claims.get("sub")
    if not isinstance(sub, str) or not 0 < len(sub) <= 64:
        raise AssertionRefusedError("subject")
    return sub


def token_for_client_assertion(
    *,
    deps: Deps,
    keys: ClientKeys,
    signer: TokenSigner,
    ctx: RequestContext,
    assertion: str,
    audiences: Collection[str],
    client_id: str | None = None,
) -> Token:
    """Authenticate a client by its signed assertion and issue its token, in one unit of
    work with the audit event; a refusal is committed there too, then raised as the same
    ``AuthenticationError`` whatever the reason (the reason is in the audit log)."""
    actor = (client_id or "-")[:64]
    try:
        named = _named_client(keys.unverified_claims(assertion))
        if client_id is not None and client_id != named:
            raise AssertionRefusedError("client_id")
    except AssertionRefusedError as refused:
        record_alone(deps.uow, _refused(deps, ctx, actor, refused))
        raise AuthenticationError("invalid client assertion") from None
    now = deps.clock.now()
    with deps.uow() as uow:
        client = uow.accounts.get_client(named)
        try:
            if client is None:
                raise AssertionRefusedError("unknown_client")
            if client.disabled:
                raise AssertionRefusedError("disabled")
            if not client.jwks:
                raise AssertionRefusedError("no_keys")
            claims = keys.verify(assertion, client.jwks)
            accepted = check_claims(
                claims, client_id=client.client_id, audiences=audiences, now=now
            )
            key = _replay_key(client.client_id, accepted.jti)
            if not uow.accounts.use_client_assertion(key, accepted.expires_at, now):
                raise AssertionRefusedError("replayed")
        except AssertionRefusedError as refused:
            uow.audit.add(_refused(deps, ctx, named, refused))
            uow.commit()
            raise AuthenticationError("invalid client assertion") from None
        principal = Principal("client", client.client_id, Role.STAFF, client.facility_code)
        token = issue_token(signer, deps.clock, principal)
        record(
            uow,
            clock=deps.clock,
            action=Action.TOKEN,
            caller=Caller(principal, ctx),
            detail="client assertion",
        )
        uow.commit()
    return token


def _refused(
    deps: Deps, ctx: RequestContext, actor: str, refused: AssertionRefusedError
) -> AuditEvent:
    return refusal(
        deps.clock,
        ctx,
        Action.TOKEN,
        Outcome.FAILED,
        actor=actor[:64],
        detail=f"client assertion: {refused.reason}",
    )
