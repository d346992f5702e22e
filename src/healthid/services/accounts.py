"""Facilities, users and API clients: managing them, signing them in, and their tokens."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from healthid.domain.accounts import (
    LOCKOUT_WINDOW,
    ApiClient,
    Facility,
    Role,
    User,
    check_password_policy,
    check_role_facility,
    locked_until,
    parse_role,
    parse_username,
)
from healthid.domain.audit import Action, Outcome
from healthid.domain.errors import ConflictError, DomainError, NotFoundError, ValidationError
from healthid.domain.identifiers import parse_facility_code
from healthid.domain.person import display_text
from healthid.services.access import (
    ForbiddenError,
    Permission,
    Principal,
    RequestContext,
    authorize,
)
from healthid.services.audit import event, record_alone
from healthid.services.ports import (
    Clock,
    InvalidTokenError,
    PasswordHasher,
    TokenSigner,
    UniquenessError,
    UnitOfWorkFactory,
)

TOKEN_LIFETIME = timedelta(minutes=5)


class AuthenticationError(DomainError):
    """Wrong credentials, an unknown or disabled account, or a bad token. Says no more."""


class LockedOutError(AuthenticationError):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__("account locked after repeated failures")


@dataclass(frozen=True)
class Token:
    access_token: str
    expires_in: int
    token_type: str = "Bearer"  # noqa: S105 - the OAuth2 token type, not a secret


@dataclass(frozen=True)
class NewClient:
    client_id: str
    client_secret: str  # shown once, never stored


def add_facility(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    code: str,
    name: str,
    province: str,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> Facility:
    if principal is not None:
        authorize(principal, Permission.MANAGE_FACILITIES)
    province_code = province.strip()
    if not (len(province_code) == 2 and province_code.isdigit() and province_code.isascii()):
        raise ValidationError(
            "province",
            "bad_format",
            "must be a 2-digit 2025 province code",
            "phải là mã tỉnh 2 chữ số (danh mục 2025)",
        )
    facility = Facility(
        parse_facility_code(code, field="code"),
        display_text(name, field="name"),
        province_code,
    )
    try:
        with uow_factory() as uow:
            if uow.accounts.get_facility(facility.code):
                raise ConflictError("code", "exists", "facility already exists", "cơ sở đã tồn tại")
            uow.accounts.add_facility(facility)
            uow.audit.add(
                event(
                    clock=clock,
                    action=Action.ADMIN,
                    principal=principal,
                    ctx=ctx,
                    detail=f"facility.add {facility.code}",
                )
            )
            uow.commit()
    except UniquenessError:
        raise ConflictError(
            "code", "exists", "facility already exists", "cơ sở đã tồn tại"
        ) from None
    return facility


def _check_account_scope(
    principal: Principal | None, facility_code: str | None, role: Role | None = None
) -> None:
    """A facility admin manages only their own facility's staff; admin manages everyone."""
    if principal is None:
        return  # the operator's command line
    authorize(principal, Permission.MANAGE_ACCOUNTS)
    if principal.role == Role.FACILITY_ADMIN and (
        facility_code != principal.facility_code
        or (role is not None and role not in {Role.STAFF, Role.FACILITY_ADMIN})
    ):
        raise ForbiddenError(Permission.MANAGE_ACCOUNTS.value)


def add_user(
    *,
    uow_factory: UnitOfWorkFactory,
    hasher: PasswordHasher,
    clock: Clock,
    username: str,
    role: str,
    facility_code: str | None,
    password: str,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> User:
    name = parse_username(username)
    kind = parse_role(role)
    code = parse_facility_code(facility_code, field="facility") if facility_code else None
    check_role_facility(kind, code)
    _check_account_scope(principal, code, kind)
    check_password_policy(password, username=name)
    user = User(uuid.uuid4().hex, name, kind, code, hasher.hash(password))
    try:
        with uow_factory() as uow:
            if code and uow.accounts.get_facility(code) is None:
                raise NotFoundError("facility")
            if uow.accounts.get_user(name):
                raise ConflictError(
                    "username", "exists", "username is taken", "tên đăng nhập đã có"
                )
            uow.accounts.add_user(user)
            uow.audit.add(
                event(
                    clock=clock,
                    action=Action.ADMIN,
                    principal=principal,
                    ctx=ctx,
                    detail=f"user.add {name}",
                )
            )
            uow.commit()
    except UniquenessError:
        raise ConflictError(
            "username", "exists", "username is taken", "tên đăng nhập đã có"
        ) from None
    return user


def set_user_disabled(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    username: str,
    disabled: bool = True,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> None:
    with uow_factory() as uow:
        user = uow.accounts.get_user(username.strip().lower())
        if user is None:
            raise NotFoundError("user")
        _check_account_scope(principal, user.facility_code)
        uow.accounts.set_user_disabled(user.username, disabled)
        verb = "disable" if disabled else "enable"
        uow.audit.add(
            event(
                clock=clock,
                action=Action.ADMIN,
                principal=principal,
                ctx=ctx,
                detail=f"user.{verb} {user.username}",
            )
        )
        uow.commit()


def add_client(
    *,
    uow_factory: UnitOfWorkFactory,
    hasher: PasswordHasher,
    clock: Clock,
    facility_code: str,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> NewClient:
    code = parse_facility_code(facility_code, field="facility")
    _check_account_scope(principal, code)
    new = NewClient(f"hid_{secrets.token_hex(8)}", secrets.token_urlsafe(32))
    with uow_factory() as uow:
        if uow.accounts.get_facility(code) is None:
            raise NotFoundError("facility")
        uow.accounts.add_client(ApiClient(new.client_id, code, hasher.hash(new.client_secret)))
        uow.audit.add(
            event(
                clock=clock,
                action=Action.ADMIN,
                principal=principal,
                ctx=ctx,
                detail=f"client.add {new.client_id}",
            )
        )
        uow.commit()
    return new


def set_client_disabled(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    client_id: str,
    disabled: bool = True,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> None:
    with uow_factory() as uow:
        client = uow.accounts.get_client(client_id.strip())
        if client is None:
            raise NotFoundError("client")
        _check_account_scope(principal, client.facility_code)
        uow.accounts.set_client_disabled(client.client_id, disabled)
        verb = "disable" if disabled else "enable"
        uow.audit.add(
            event(
                clock=clock,
                action=Action.ADMIN,
                principal=principal,
                ctx=ctx,
                detail=f"client.{verb} {client.client_id}",
            )
        )
        uow.commit()


def _issue(signer: TokenSigner, clock: Clock, principal: Principal) -> Token:
    now = clock.now()
    claims: dict[str, object] = {
        "sub": principal.name,
        "kind": principal.kind,
        "role": str(principal.role),
        "fac": principal.facility_code,
        "iat": int(now.timestamp()),
        "exp": int((now + TOKEN_LIFETIME).timestamp()),
        "jti": uuid.uuid4().hex,
    }
    return Token(signer.sign(claims), int(TOKEN_LIFETIME.total_seconds()))


def token_for_user(
    *,
    uow_factory: UnitOfWorkFactory,
    hasher: PasswordHasher,
    signer: TokenSigner,
    clock: Clock,
    username: str,
    password: str,
    ctx: RequestContext | None = None,
) -> Token:
    """Sign a user in: lockout after 5 failures in 15 minutes, every attempt audited."""
    name = username.strip().lower() if isinstance(username, str) else ""
    now = clock.now()
    with uow_factory() as uow:
        user = uow.accounts.get_user(name)
        failures = uow.accounts.login_failures_since(name, now - LOCKOUT_WINDOW)
    until = locked_until(failures, now)
    if until is not None:
        record_alone(
            uow_factory,
            event(
                clock=clock,
                action=Action.LOGIN,
                outcome=Outcome.DENIED,
                actor=name,
                ctx=ctx,
                detail="locked",
            ),
        )
        raise LockedOutError(max(1, int((until - now).total_seconds())))
    # Verify even for an unknown user, so timing does not reveal which names exist.
    valid = hasher.verify(user.password_hash if user else _DECOY_HASH.get(hasher), password)
    if user is None or not valid or user.disabled:
        with uow_factory() as uow:
            uow.accounts.add_login_failure(name, now)
            uow.audit.add(
                event(clock=clock, action=Action.LOGIN, outcome=Outcome.FAILED, actor=name, ctx=ctx)
            )
            uow.commit()
        raise AuthenticationError("invalid credentials")
    principal = Principal("user", user.username, user.role, user.facility_code)
    token = _issue(signer, clock, principal)
    record_alone(uow_factory, event(clock=clock, action=Action.LOGIN, principal=principal, ctx=ctx))
    return token


def token_for_client(
    *,
    uow_factory: UnitOfWorkFactory,
    hasher: PasswordHasher,
    signer: TokenSigner,
    clock: Clock,
    client_id: str,
    client_secret: str,
    ctx: RequestContext | None = None,
) -> Token:
    with uow_factory() as uow:
        client = uow.accounts.get_client(client_id)
    valid = hasher.verify(client.secret_hash if client else _DECOY_HASH.get(hasher), client_secret)
    if client is None or not valid or client.disabled:
        record_alone(
            uow_factory,
            event(
                clock=clock,
                action=Action.TOKEN,
                outcome=Outcome.FAILED,
                actor=client_id[:64],
                ctx=ctx,
            ),
        )
        raise AuthenticationError("invalid client credentials")
    principal = Principal("client", client.client_id, Role.STAFF, client.facility_code)
    token = _issue(signer, clock, principal)
    record_alone(uow_factory, event(clock=clock, action=Action.TOKEN, principal=principal, ctx=ctx))
    return token


def principal_from_token(
    *, uow_factory: UnitOfWorkFactory, signer: TokenSigner, token: str
) -> Principal:
    """The caller behind a bearer token, checked against the accounts on every request."""
    try:
        claims = signer.read(token)
    except InvalidTokenError:
        raise AuthenticationError("invalid token") from None
    name, kind, jti = str(claims["sub"]), str(claims["kind"]), str(claims["jti"])
    with uow_factory() as uow:
        if uow.accounts.is_token_revoked(jti):
            raise AuthenticationError("token revoked")
        if kind == "client":
            client = uow.accounts.get_client(name)
            if client is None or client.disabled:
                raise AuthenticationError("client disabled")
            return Principal("client", name, Role.STAFF, client.facility_code, jti)
        user = uow.accounts.get_user(name)
    if user is None or user.disabled:
        raise AuthenticationError("user disabled")
    return Principal("user", name, user.role, user.facility_code, jti)


def revoke_token(
    *,
    uow_factory: UnitOfWorkFactory,
    signer: TokenSigner,
    clock: Clock,
    token: str,
    ctx: RequestContext | None = None,
) -> None:
    """Revoke a token before it expires (sign-out, or a token that may have leaked)."""
    try:
        claims = signer.read(token)
    except InvalidTokenError:
        return  # RFC 7009: an invalid token needs no revoking
    with uow_factory() as uow:
        exp = datetime.fromtimestamp(int(str(claims["exp"])), tz=UTC)
        uow.accounts.revoke_token(str(claims["jti"]), exp)
        uow.audit.add(
            event(clock=clock, action=Action.TOKEN_REVOKE, actor=str(claims["sub"]), ctx=ctx)
        )
        uow.commit()


class _DecoyHashes:
    """One hash per hasher of a random secret, to spend the same time on unknown names."""

    def __init__(self) -> None:
        self._hashes: dict[int, str] = {}

    def get(self, hasher: PasswordHasher) -> str:
        key = id(hasher)
        if key not in self._hashes:
            self._hashes[key] = hasher.hash(secrets.token_urlsafe(16))
        return self._hashes[key]


_DECOY_HASH = _DecoyHashes()


def list_facilities(*, uow_factory: UnitOfWorkFactory, principal: Principal) -> list[Facility]:
    authorize(principal, Permission.MANAGE_FACILITIES)
    with uow_factory() as uow:
        return uow.accounts.list_facilities()


def list_users(*, uow_factory: UnitOfWorkFactory, principal: Principal) -> list[User]:
    """Everyone for the Ministry's admin; a facility admin sees their own facility."""
    authorize(principal, Permission.MANAGE_ACCOUNTS)
    scope = principal.facility_code if principal.role == Role.FACILITY_ADMIN else None
    with uow_factory() as uow:
        return uow.accounts.list_users(scope)


def list_clients(*, uow_factory: UnitOfWorkFactory, principal: Principal) -> list[ApiClient]:
    authorize(principal, Permission.MANAGE_ACCOUNTS)
    scope = principal.facility_code if principal.role == Role.FACILITY_ADMIN else None
    with uow_factory() as uow:
        return uow.accounts.list_clients(scope)


def reset_password(
    *,
    uow_factory: UnitOfWorkFactory,
    hasher: PasswordHasher,
    clock: Clock,
    username: str,
    password: str,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> None:
    """Set a new password (the operator's CLI, or an admin); the policy applies."""
    name = parse_username(username)
    check_password_policy(password, username=name)
    with uow_factory() as uow:
        user = uow.accounts.get_user(name)
        if user is None:
            raise NotFoundError("user")
        _check_account_scope(principal, user.facility_code)
        uow.accounts.set_password_hash(name, hasher.hash(password))
        uow.audit.add(
            event(
                clock=clock,
                action=Action.ADMIN,
                principal=principal,
                ctx=ctx,
                detail=f"user.password {name}",
            )
        )
        uow.commit()
