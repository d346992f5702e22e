"""Facilities, users and API clients, and who may manage them.

Each use case runs in one unit of work with its audit event (``use_case.unit_of_work``);
the operator at the command line is a caller like any other (``access.operator()``).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from healthid.domain.accounts import (
    ApiClient,
    Facility,
    Role,
    User,
    check_password_policy,
    check_role_facility,
    parse_role,
    parse_username,
)
from healthid.domain.audit import Action
from healthid.domain.errors import ConflictError, NotFoundError, ValidationError
from healthid.domain.identifiers import parse_facility_code
from healthid.domain.person import display_text
from healthid.services.access import Caller, ForbiddenError, Permission, authorize
from healthid.services.audit import record
from healthid.services.deps import Deps
from healthid.services.ports import PasswordHasher, UniquenessError, UnitOfWork
from healthid.services.use_case import unit_of_work


@dataclass(frozen=True)
class NewClient:
    client_id: str
    client_secret: str  # shown once, never stored


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
            if code and uow.accounts.get_facility(code) is None:
                raise NotFoundError("facility")
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
        uow.accounts.set_user_disabled(user.username, disabled)
        verb = "disable" if disabled else "enable"
        _audit(uow, deps, caller, f"user.{verb} {user.username}")
        uow.commit()


def add_client(
    *, deps: Deps, caller: Caller, hasher: PasswordHasher, facility_code: str
) -> NewClient:
    code = parse_facility_code(facility_code, field="facility")
    _check_account_scope(caller, code)
    new = NewClient(f"hid_{secrets.token_hex(8)}", secrets.token_urlsafe(32))
    secret_hash = hasher.hash(new.client_secret)  # before the unit of work opens
    with unit_of_work(deps, caller, Permission.MANAGE_ACCOUNTS) as uow:
        if uow.accounts.get_facility(code) is None:
            raise NotFoundError("facility")
        uow.accounts.add_client(ApiClient(new.client_id, code, secret_hash))
        _audit(uow, deps, caller, f"client.add {new.client_id}")
        uow.commit()
    return new


def set_client_disabled(
    *, deps: Deps, caller: Caller, client_id: str, disabled: bool = True
) -> None:
    with unit_of_work(deps, caller, Permission.MANAGE_ACCOUNTS) as uow:
        client = uow.accounts.get_client(client_id.strip())
        if client is None:
            raise NotFoundError("client")
        _check_account_scope(caller, client.facility_code)
        uow.accounts.set_client_disabled(client.client_id, disabled)
        verb = "disable" if disabled else "enable"
        _audit(uow, deps, caller, f"client.{verb} {client.client_id}")
        uow.commit()


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
