"""Facilities, users and API clients, and who may manage them."""

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
from healthid.services.access import (
    ForbiddenError,
    Permission,
    Principal,
    RequestContext,
    authorize,
)
from healthid.services.audit import record
from healthid.services.ports import (
    Clock,
    PasswordHasher,
    UniquenessError,
    UnitOfWorkFactory,
)


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
            record(
                uow,
                clock=clock,
                action=Action.ADMIN,
                principal=principal,
                ctx=ctx,
                detail=f"facility.add {facility.code}",
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
            record(
                uow,
                clock=clock,
                action=Action.ADMIN,
                principal=principal,
                ctx=ctx,
                detail=f"user.add {name}",
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
        record(
            uow,
            clock=clock,
            action=Action.ADMIN,
            principal=principal,
            ctx=ctx,
            detail=f"user.{verb} {user.username}",
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
        record(
            uow,
            clock=clock,
            action=Action.ADMIN,
            principal=principal,
            ctx=ctx,
            detail=f"client.add {new.client_id}",
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
        record(
            uow,
            clock=clock,
            action=Action.ADMIN,
            principal=principal,
            ctx=ctx,
            detail=f"client.{verb} {client.client_id}",
        )
        uow.commit()


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
        record(
            uow,
            clock=clock,
            action=Action.ADMIN,
            principal=principal,
            ctx=ctx,
            detail=f"user.password {name}",
        )
        uow.commit()
