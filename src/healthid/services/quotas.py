"""Hourly limits on identifiable reads, counted atomically in the database.

A read is counted before it is answered, in the same transaction as the read and
its audit event: concurrent requests queue on the counter's row, so exactly the
quota succeeds however many arrive at once, and every server process (``--workers
N``, several machines) shares one count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from healthid.domain.accounts import Role
from healthid.domain.errors import DomainError
from healthid.services.access import Principal
from healthid.services.ports import UnitOfWork

QUOTA_WINDOW = timedelta(hours=1)
# The window slides a minute at a time: one counter row per caller per minute.
BUCKET = timedelta(minutes=1)


class QuotaExceededError(DomainError):
    """Too many identifiable reads in the last hour."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"lookup quota exceeded; retry after {retry_after} s")


@dataclass(frozen=True)
class Quotas:
    per_user: int = 300
    per_client: int = 3000
    per_facility: int = 20_000  # all of one facility's accounts and systems together


def bucket_of(at: datetime) -> datetime:
    return at.replace(second=0, microsecond=0)


def count_read(
    uow: UnitOfWork, *, principal: Principal, quotas: Quotas, at: datetime, reads: int = 1
) -> None:
    """Count ``reads`` identifiable reads (a list page counts the persons it shows) against
    the caller's quota and their facility's; ``QuotaExceededError`` if over either.

    The caller rolls back on the error, so a refused read is not counted. The
    facility's quota holds however many accounts and systems a facility makes.
    """
    if principal.role == Role.OPERATOR or reads <= 0:
        return  # the command line holds the database already: nothing to limit
    limit = quotas.per_client if principal.kind == "client" else quotas.per_user
    limits = {f"{principal.kind}:{principal.name}": limit}
    if principal.facility_code:
        limits[f"facility:{principal.facility_code}"] = quotas.per_facility
    bucket = bucket_of(at)
    since = bucket - QUOTA_WINDOW + BUCKET
    for subject, allowed in limits.items():
        if uow.quotas.increment(subject, bucket, since, reads) > allowed:
            oldest = uow.quotas.oldest(subject, since) or bucket
            frees_at = oldest + QUOTA_WINDOW
            raise QuotaExceededError(max(1, math.ceil((frees_at - at).total_seconds())))
