"""Facilities, users and API clients, and who may manage them.

Each use case runs in one unit of work with its audit event (``use_case.unit_of_work``);
the operator at the command line is a caller like any other (``access.operator()``).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from healthid.domain.accounts import (
    FACILITY_ROLES,
    AccountLimitError,
    ApiClient,
    Facility,
    Role,
    User,
    check_password_policy,
    check_role_facility,
    check_room,
    parse_limit,
    parse_role,
    parse_username,
)
from healthid.domain.audit import Action, Outcome
from healthid.domain.errors import ConflictError, NotFoundError, ValidationError
from healthid.domain.identifiers import parse_facility_code
from healthid.domain.person import display_text
from healthid.services.access import Caller, ForbiddenError, Permission, authorize
from healthid.services.audit import record
from healthid.services.deps import Deps
from healthid.services.ports import ClientKeys, PasswordHasher, UniquenessError, UnitOfWork
from healthid.services.use_case import unit_of_work


@dataclass(frozen=True)
class NewClient:
    client_id: str
    # Shown once, never stored; None for a client that signs assertions with its own key.
    client_secret: str | None


def add_facility(*, deps: Deps, caller: Caller, code: str, name: str, province: str) -> Facility:
    authorize(caller.principal, Permission.MANAGE_FACILITIES)
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
        with unit_of_work(deps, caller, Permission.MANAGE_FACILITIES) as uow:
            if uow.accounts.get_facility(facility.code):
                raise _facility_exists()
            uow.accounts.add_facility(facility)
            _audit(uow, deps, caller, f"facility.add {facility.code}")
            uow.commit()
    except UniquenessError:
        raise _facility_exists() from None
    return facility


def add_user(
    *,
    deps: Deps,
    caller: Caller,
    hasher: PasswordHasher,
    username: str,
    role: str,
    facility_code: str | None,
    password: str,
) -> User:
    name = parse_username(username)
    kind = parse_role(role)
    code = parse_facility_code(facility_code, field="facility") if facility_code else None
    check_role_facility(kind, code)
    _check_account_scope(caller, code, kind)
    check_password_policy(password, username=name)
    # Hashed before the unit of work opens: argon2 takes tens of milliseconds.
    user = User(uuid.uuid4().hex, name, kind, code, hasher.hash(password))
    try:
        with unit_of_work(deps, caller, Permission.MANAGE_ACCOUNTS) as uow:
            if code:
                with _refusal_kept(uow):
                    _ensure_room(
                        uow, deps, caller, code=code, kind="users", attempt=f"user.add {name}"
                    )
            if uow.accounts.get_user(name):
                raise _username_taken()
            uow.accounts.add_user(user)
            _audit(uow, deps, caller, f"user.add {name}")
            uow.commit()
    except UniquenessError:
        raise _username_taken() from None
    return user


def set_user_disabled(*, deps: Deps, caller: Caller, username: str, disabled: bool = True) -> None:
    with unit_of_work(deps, caller, Permission.MANAGE_ACCOUNTS) as uow:
        user = uow.accounts.get_user(username.strip().lower())
        if user is None:
            raise NotFoundError("user")
        _check_account_scope(caller, user.facility_code)
        code = user.facility_code
        if not disabled and user.disabled and code and user.role in FACILITY_ROLES:
            with _refusal_kept(uow):
                _ensure_room(
                    uow,
                    deps,
                    caller,
                    code=code,
                    kind="users",
                    attempt=f"user.enable {user.username}",
                )
        uow.accounts.set_user_disabled(user.username, disabled)
        verb = "disable" if disabled else "enable"
        _audit(uow, deps, caller, f"user.{verb} {user.username}")
        uow.commit()


def add_client(
    *, deps: Deps, caller: Caller, hasher: PasswordHasher, facility_code: str
) -> NewClient:
    """A client that authenticates with a secret (shown once, stored only as a hash)."""
    code = parse_facility_code(facility_code, field="facility")
    _check_account_scope(caller, code)
    client_id, secret = f"hid_{secrets.token_hex(8)}", secrets.token_urlsafe(32)
    secret_hash = hasher.hash(secret)  # before the unit of work opens
    _add_client(deps, caller, ApiClient(client_id, code, secret_hash))
    return NewClient(client_id, secret)


def add_keyed_client(
    *, deps: Deps, caller: Caller, client_keys: ClientKeys, facility_code: str, jwks: str
) -> NewClient:
    """A client that authenticates with assertions signed by its own key (private_key_jwt).

    ``jwks`` holds its public keys; it has no secret, so there is nothing to leak here.
    """
    code = parse_facility_code(facility_code, field="facility")
    _check_account_scope(caller, code)
    public = client_keys.public_jwks(jwks)
    client = ApiClient(f"hid_{secrets.token_hex(8)}", code, None, jwks=public)
    _add_client(deps, caller, client)
    return NewClient(client.client_id, None)


def _add_client(deps: Deps, caller: Caller, client: ApiClient) -> None:
    code = client.facility_code
    detail = f"client.add {client.client_id}" + (" (keys)" if client.jwks else "")
    with unit_of_work(deps, caller, Permission.MANAGE_ACCOUNTS) as uow:
        with _refusal_kept(uow):
            _ensure_room(uow, deps, caller, code=code, kind="clients", attempt=detail)
        uow.accounts.add_client(client)
        _audit(uow, deps, caller, detail)
        uow.commit()


def set_client_disabled(
    *, deps: Deps, caller: Caller, client_id: str, disabled: bool = True
) -> None:
    with unit_of_work(deps, caller, Permission.MANAGE_ACCOUNTS) as uow:
        client = uow.accounts.get_client(client_id.strip())
        if client is None:
            raise NotFoundError("client")
        _check_account_scope(caller, client.facility_code)
        if not disabled and client.disabled:
            detail = f"client.enable {client.client_id}"
            with _refusal_kept(uow):
                _ensure_room(
                    uow, deps, caller, code=client.facility_code, kind="clients", attempt=detail
                )
        uow.accounts.set_client_disabled(client.client_id, disabled)
        verb = "disable" if disabled else "enable"
        _audit(uow, deps, caller, f"client.{verb} {client.client_id}")
        uow.commit()


def set_facility_limits(
    *,
    deps: Deps,
    caller: Caller,
    code: str,
    max_users: int | None = None,
    max_clients: int | None = None,
) -> Facility:
    """Change how many enabled users and API clients a facility may hold (admin only).

    Lowering a limit below what the facility holds disables nobody: it only stops
    further accounts until enough are disabled.
    """
    authorize(caller.principal, Permission.SET_ACCOUNT_LIMITS)
    facility_code = parse_facility_code(code, field="code")
    if max_users is None and max_clients is None:
        raise ValidationError(
            "limits",
            "required",
            "give max_users, max_clients or both",
            "cần max_users, max_clients hoặc cả hai",
        )
    users = None if max_users is None else parse_limit(max_users, field="max_users", minimum=1)
    clients = (
        None if max_clients is None else parse_limit(max_clients, field="max_clients", minimum=0)
    )
    with unit_of_work(deps, caller, Permission.SET_ACCOUNT_LIMITS) as uow:
        facility = uow.accounts.lock_facility(facility_code)
        if facility is None:
            raise NotFoundError("facility")
        changed = replace(
            facility,
            max_users=facility.max_users if users is None else users,
            max_clients=facility.max_clients if clients is None else clients,
        )
        uow.accounts.set_facility_limits(facility_code, changed.max_users, changed.max_clients)
        _audit(
            uow,
            deps,
            caller,
            f"facility.limits {facility_code} users {facility.max_users}->{changed.max_users} "
            f"clients {facility.max_clients}->{changed.max_clients}",
        )
        uow.commit()
    return changed


def list_facilities(*, deps: Deps, caller: Caller) -> list[Facility]:
    with unit_of_work(deps, caller, Permission.MANAGE_FACILITIES) as uow:
        facilities = uow.accounts.list_facilities()
        uow.commit()
    return facilities


def list_users(*, deps: Deps, caller: Caller) -> list[User]:
    """Everyone for the Ministry's admin; a facility admin sees their own facility."""
    with unit_of_work(deps, caller, Permission.MANAGE_ACCOUNTS) as uow:
        users = uow.accounts.list_users(_own_facility(caller))
        uow.commit()
    return users


def list_clients(*, deps: Deps, caller: Caller) -> list[ApiClient]:
    with unit_of_work(deps, caller, Permission.MANAGE_ACCOUNTS) as uow:
        clients = uow.accounts.list_clients(_own_facility(caller))
        uow.commit()
    return clients


def reset_password(
    *, deps: Deps, caller: Caller, hasher: PasswordHasher, username: str, password: str
) -> None:
    """Set a new password (the operator's CLI, or an admin); the policy applies."""
    authorize(caller.principal, Permission.MANAGE_ACCOUNTS)
    name = parse_username(username)
    check_password_policy(password, username=name)
    password_hash = hasher.hash(password)  # before the unit of work opens
    with unit_of_work(deps, caller, Permission.MANAGE_ACCOUNTS) as uow:
        user = uow.accounts.get_user(name)
        if user is None:
            raise NotFoundError("user")
        _check_account_scope(caller, user.facility_code)
        uow.accounts.set_password_hash(name, password_hash)
        _audit(uow, deps, caller, f"user.password {name}")
        uow.commit()


def _check_account_scope(
    caller: Caller, facility_code: str | None, role: Role | None = None
) -> None:
    """A facility admin manages only their own facility's staff; admin manages everyone."""
    principal = caller.principal
    authorize(principal, Permission.MANAGE_ACCOUNTS)
    if principal.role == Role.FACILITY_ADMIN and (
        facility_code != principal.facility_code
        or (role is not None and role not in {Role.STAFF, Role.FACILITY_ADMIN})
    ):
        raise ForbiddenError(Permission.MANAGE_ACCOUNTS.value)


@contextmanager
def _refusal_kept(uow: UnitOfWork) -> Iterator[None]:
    """Commit the refusal ``_ensure_room`` audited in ``uow``, then let its error through."""
    try:
        yield
    except AccountLimitError:
        uow.commit()
        raise


def _ensure_room(
    uow: UnitOfWork, deps: Deps, caller: Caller, *, code: str, kind: str, attempt: str
) -> None:
    """Raise ``AccountLimitError`` unless ``code`` may hold one more enabled account of
    ``kind`` ("users" or "clients"); the refusal is recorded in ``uow`` first, and the use
    case commits it before letting the error through (``_refusal_kept``).

    The facility's row is locked before counting, so concurrent additions to one facility
    count in turn and the cap holds exactly.
    """
    facility = uow.accounts.lock_facility(code)
    if facility is None:
        raise NotFoundError("facility")
    users, clients = uow.accounts.count_enabled(code)
    try:
        check_room(facility, kind, users if kind == "users" else clients)
    except AccountLimitError as full:
        record(
            uow,
            clock=deps.clock,
            action=Action.ADMIN,
            caller=caller,
            outcome=Outcome.DENIED,
            detail=f"{attempt}: {full.rule} {full.limit}",
        )
        raise


def _own_facility(caller: Caller) -> str | None:
    """The facility a caller's lists are limited to: a facility admin's own."""
    principal = caller.principal
    return principal.facility_code if principal.role == Role.FACILITY_ADMIN else None


def _audit(uow: UnitOfWork, deps: Deps, caller: Caller, detail: str) -> None:
    record(uow, clock=deps.clock, action=Action.ADMIN, caller=caller, detail=detail)


def _facility_exists() -> ConflictError:
    return ConflictError("code", "exists", "facility already exists", "cơ sở đã tồn tại")


def _username_taken() -> ConflictError:
    return ConflictError("username", "exists", "username is taken", "tên đăng nhập đã có")
