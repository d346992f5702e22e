"""Facilities, their people and systems, and the rules for their credentials (Điều 6)."""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from healthid.domain.errors import ConflictError, ValidationError

LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
# Enabled accounts a facility may hold unless an admin raises it (issue 14): a facility
# cannot mint accounts without bound to spread its lookup quota or hide who looked.
DEFAULT_MAX_USERS = 50
DEFAULT_MAX_CLIENTS = 5
LIMIT_CEILING = 10_000  # a typo (800000) should not lift the cap in effect altogether


class Role(StrEnum):
    ADMIN = "admin"  # the Ministry's IT department (Cục CNTT) running the system
    AUTHORITY = "authority"  # may approve issuance (Điều 3.2)
    FACILITY_ADMIN = "facility_admin"
    STAFF = "staff"
    AUDITOR = "auditor"  # inspection (Công văn 6827)
    # The operator at the registry's own command line (holds the database and the key
    # ring already): named in the access policy and the audit log, never an account.
    OPERATOR = "operator"


# The roles an account may hold: the operator is the command line, never an account.
ACCOUNT_ROLES = frozenset(r.value for r in Role if r != Role.OPERATOR)
FACILITY_ROLES = frozenset({Role.FACILITY_ADMIN, Role.STAFF})


@dataclass(frozen=True)
class Facility:
    code: str
    name: str
    province_code: str
    active: bool = True
    max_users: int = DEFAULT_MAX_USERS  # enabled users it may hold
    max_clients: int = DEFAULT_MAX_CLIENTS  # enabled API clients it may hold


@dataclass(frozen=True)
class User:
    id: str
    username: str
    role: Role
    facility_code: str | None
    password_hash: str
    disabled: bool = False


@dataclass(frozen=True)
class ApiClient:
    """A connected facility system: OAuth2 client credentials, with a secret (its hash
    here) or with assertions signed by its own key (RFC 7523; its public keys here)."""

    client_id: str
    facility_code: str
    secret_hash: str | None
    disabled: bool = False
    jwks: str | None = None  # a JSON Web Key Set of public keys only


def parse_username(raw: str, *, field: str = "username") -> str:
    text = raw.strip().lower() if isinstance(raw, str) else ""
    if not _USERNAME.match(text):
        raise ValidationError(
            field,
            "bad_format",
            "must be 3 to 32 characters: lower-case letters, digits, '.', '_' or '-'",
            "phải gồm 3 đến 32 ký tự: chữ thường, chữ số, '.', '_' hoặc '-'",
        )
    return text


def parse_role(raw: str, *, field: str = "role") -> Role:
    text = raw.strip().lower() if isinstance(raw, str) else ""
    if text not in ACCOUNT_ROLES:
        raise ValidationError(
            field,
            "unknown_role",
            "must be admin, authority, facility_admin, staff or auditor",
            "phải là admin, authority, facility_admin, staff hoặc auditor",
        )
    return Role(text)


def check_role_facility(role: Role, facility_code: str | None) -> None:
    """Facility staff belong to a facility; national roles do not."""
    if role in FACILITY_ROLES and not facility_code:
        raise ValidationError(
            "facility",
            "facility_required",
            "facility staff must belong to a facility",
            "nhân viên cơ sở phải thuộc một cơ sở khám chữa bệnh",
        )
    if role not in FACILITY_ROLES and facility_code:
        raise ValidationError(
            "facility",
            "facility_not_allowed",
            "national roles do not belong to a facility",
            "vai trò cấp quốc gia không thuộc cơ sở nào",
        )


def check_password_policy(password: str, *, username: str, field: str = "password") -> None:
    """At least 12 characters, three kinds of character, and not the username."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            field,
            "too_short",
            f"must be at least {MIN_PASSWORD_LENGTH} characters",
            f"phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự",
        )
    kinds = sum(
        any(test(ch) for ch in password)
        for test in (str.islower, str.isupper, str.isdigit, lambda ch: not ch.isalnum())
    )
    if kinds < 3:
        raise ValidationError(
            field,
            "too_simple",
            "must mix at least three of: lower case, upper case, digits, symbols",
            "phải có ít nhất ba loại: chữ thường, chữ hoa, chữ số, ký hiệu",
        )
    if username.lower() in password.lower():
        raise ValidationError(
            field,
            "contains_username",
            "must not contain the username",
            "không được chứa tên đăng nhập",
        )


def locked_until(failures: list[datetime], now: datetime) -> datetime | None:
    """When a lockout ends, if the recent failures amount to one (5 in 15 minutes)."""
    recent = sorted(t for t in failures if now - t < LOCKOUT_WINDOW)
    if len(recent) < LOCKOUT_FAILURES:
        return None
    return recent[-LOCKOUT_FAILURES] + LOCKOUT_WINDOW


def generate_password(length: int = 20) -> str:
    """A random password that meets the policy, for accounts created by an operator."""
    alphabet = string.ascii_letters + string.digits + "-_.!@#%"
    while True:
        candidate = "".join(secrets.choice(alphabet) for _ in range(length))
        try:
            check_password_policy(candidate, username="\x00")
        except ValidationError:
            continue
        return candidate


def parse_limit(raw: int, *, field: str, minimum: int) -> int:
    """A facility's cap on enabled accounts: a whole number within reason."""
    if isinstance(raw, bool) or not isinstance(raw, int) or not minimum <= raw <= LIMIT_CEILING:
        raise ValidationError(
            field,
            "out_of_range",
            f"must be a whole number from {minimum} to {LIMIT_CEILING}",
            f"phải là số nguyên từ {minimum} đến {LIMIT_CEILING}",
        )
    return raw


class AccountLimitError(ConflictError):
    """A facility already holds as many enabled accounts of a kind as it may."""

    def __init__(self, kind: str, facility_code: str, limit: int) -> None:
        self.kind, self.facility_code, self.limit = kind, facility_code, limit
        users = kind == "users"
        super().__init__(
            "facility",
            "user_limit" if users else "client_limit",
            f"facility {facility_code} already has its limit of {limit} enabled "
            f"{'users' if users else 'API clients'}; only an admin can raise it",
            f"cơ sở {facility_code} đã đạt giới hạn {limit} "
            f"{'tài khoản người dùng' if users else 'ứng dụng kết nối (API client)'} "
            "đang hoạt động; chỉ quản trị viên hệ thống (admin) mới nâng được giới hạn này",
        )


def check_room(facility: Facility, kind: str, enabled: int) -> None:
    """Raise ``AccountLimitError`` unless one more enabled account of ``kind`` fits."""
    limit = facility.max_users if kind == "users" else facility.max_clients
    if enabled >= limit:
        raise AccountLimitError(kind, facility.code, limit)
