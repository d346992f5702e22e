"""Recording and reading audit events, and the lookup quotas they feed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from healthid.domain.audit import IDENTIFIABLE_READS, Action, AuditEvent, AuditFilter, Outcome
from healthid.domain.errors import DomainError
from healthid.services.access import Permission, Principal, RequestContext, authorize
from healthid.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

QUOTA_WINDOW = timedelta(hours=1)


class QuotaExceededError(DomainError):
    """Too many identifiable lookups in the last hour."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(f"lookup quota exceeded; retry after {retry_after} s")


@dataclass(frozen=True)
class Quotas:
    per_user: int = 300
    per_client: int = 3000


def event(
    *,
    clock: Clock,
    action: Action,
    outcome: Outcome = Outcome.SUCCESS,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
    person_id: str | None = None,
    detail: str | None = None,
    actor: str | None = None,
) -> AuditEvent:
    ctx = ctx or RequestContext()
    return AuditEvent(
        at=clock.now(),
        action=action,
        outcome=outcome,
        # No principal and no actor named: the operator's command line.
        actor=principal.name if principal else (actor or "cli"),
        facility_code=principal.facility_code if principal else None,
        client_id=principal.client_id if principal else None,
        person_id=person_id,
        purpose=ctx.purpose,
        source=ctx.source,
        detail=detail,
    )


def record(
    uow: UnitOfWork,
    *,
    clock: Clock,
    action: Action,
    outcome: Outcome = Outcome.SUCCESS,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
    person_id: str | None = None,
    detail: str | None = None,
    actor: str | None = None,
) -> None:
    """Add an audit event to ``uow``: it commits, or fails, with the work it records."""
    uow.audit.add(
        event(
            clock=clock,
            action=action,
            outcome=outcome,
            principal=principal,
            ctx=ctx,
            person_id=person_id,
            detail=detail,
            actor=actor,
        )
    )


def record_alone(uow_factory: UnitOfWorkFactory, audit_event: AuditEvent) -> None:
    """Record an event in a transaction of its own (a refusal: no other work to join)."""
    with uow_factory() as uow:
        uow.audit.add(audit_event)
        uow.commit()


def check_quota(uow: UnitOfWork, *, principal: Principal, clock: Clock, quotas: Quotas) -> None:
    """Raise ``QuotaExceededError`` when the caller has used up the hour's lookups."""
    limit = quotas.per_client if principal.kind == "client" else quotas.per_user
    now = clock.now()
    used = uow.audit.count_by_actor(
        principal.name, frozenset(str(a) for a in IDENTIFIABLE_READS), now - QUOTA_WINDOW
    )
    if used >= limit:
        # Conservative: the window frees a slot at the latest an hour from now.
        oldest = uow.audit.query(
            AuditFilter(
                actor=principal.name, action=str(Action.PERSON_LOOKUP), since=now - QUOTA_WINDOW
            ),
            limit=1,
            offset=max(used - limit, 0),
            oldest_first=True,
        )
        frees_at = (oldest[0].at + QUOTA_WINDOW) if oldest else now + QUOTA_WINDOW
        raise QuotaExceededError(max(1, math.ceil((frees_at - now).total_seconds())))


def read_audit(
    *,
    uow_factory: UnitOfWorkFactory,
    principal: Principal,
    clock: Clock,
    where: AuditFilter,
    ctx: RequestContext | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEvent]:
    """Audit events for inspection; reading the log is itself recorded."""
    authorize(principal, Permission.READ_AUDIT)
    with uow_factory() as uow:
        events = uow.audit.query(where, limit=limit, offset=offset)
        record(uow, clock=clock, action=Action.AUDIT_READ, principal=principal, ctx=ctx)
        uow.commit()
    return events


def export_audit(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    where: AuditFilter,
    principal: Principal | None = None,
    ctx: RequestContext | None = None,
) -> list[AuditEvent]:
    """Every matching event, oldest first, for a CSV export (itself recorded).

    Without a principal the caller is the operator's command line.
    """
    if principal is not None:
        authorize(principal, Permission.READ_AUDIT)
    with uow_factory() as uow:
        events = uow.audit.query(where, limit=None, oldest_first=True)
        record(
            uow,
            clock=clock,
            action=Action.AUDIT_READ,
            principal=principal,
            ctx=ctx,
            detail="export",
        )
        uow.commit()
    return events


# Vietnam has kept UTC+7 all year since 1975: days are counted in that zone.
VIETNAM_UTC_OFFSET = 7


def lookups_per_facility_day(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    principal: Principal,
    days: int = 14,
    ctx: RequestContext | None = None,
) -> dict[str, dict[str, int]]:
    """Patient lookups per facility per local day over the last ``days`` days.

    Returns ``{day: {facility: count}}`` with every day present, oldest first, so a
    quiet day shows as a gap rather than disappearing. Reading it is recorded.
    """
    authorize(principal, Permission.READ_AUDIT)
    now = clock.now()
    local_today = (now + timedelta(hours=VIETNAM_UTC_OFFSET)).date()
    first = local_today - timedelta(days=days - 1)
    since = datetime.combine(first, time(), tzinfo=UTC) - timedelta(hours=VIETNAM_UTC_OFFSET)
    table: dict[str, dict[str, int]] = {
        (first + timedelta(days=i)).isoformat(): {} for i in range(days)
    }
    with uow_factory() as uow:
        rows = uow.audit.daily_counts(
            str(Action.PERSON_LOOKUP), since, now + timedelta(seconds=1), VIETNAM_UTC_OFFSET
        )
        record(
            uow, clock=clock, action=Action.AUDIT_READ, principal=principal, ctx=ctx, detail="chart"
        )
        uow.commit()
    for facility, day, count in rows:
        if day in table:
            table[day][facility or "-"] = table[day].get(facility or "-", 0) + count
    return table
