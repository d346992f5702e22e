"""A signed-in browser on the web portal: idle and absolute limits, second factor."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from healthid.domain.accounts import Role

IDLE_TIMEOUT = timedelta(minutes=15)
# Even an active session signs in again after a working day.
ABSOLUTE_LIFETIME = timedelta(hours=10)
# Roles that can see across facilities or change the registry need a second factor.
SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.AUTHORITY, Role.AUDITOR})


@dataclass(frozen=True)
class WebSession:
    """The server's record of a session; it holds only a hash of the cookie's token."""

    token_hash: str
    username: str
    created_at: datetime
    last_seen_at: datetime
    second_factor_done: bool = False

    def expired(self, now: datetime, idle_timeout: timedelta = IDLE_TIMEOUT) -> bool:
        idle = min(idle_timeout, IDLE_TIMEOUT)  # a setting may shorten it, never lengthen it
        return now - self.last_seen_at > idle or now - self.created_at > ABSOLUTE_LIFETIME


def needs_second_factor(role: Role) -> bool:
    return role in SECOND_FACTOR_ROLES
