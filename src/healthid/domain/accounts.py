"""Facilities, their people and systems, and the rules for their credentials (Điều 6)."""

from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from healthid.domain.errors import ValidationError

LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")


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
    """A connected facility system, authenticated with OAuth2 client credentials."""

    client_id: str
    facility_code: str
    secret_hash: str
    disabled: bool = False


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
