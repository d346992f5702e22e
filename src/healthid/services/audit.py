"""Recording and reading audit events: every use case adds one to its own unit of work."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from healthid.domain.audit import Action, AuditEvent, AuditFilter, Outcome
from healthid.services.access import Caller, Permission
from healthid.services.deps import Deps
from healthid.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from healthid.services.use_case import unit_of_work


def event(
    *,
    clock: Clock,
    action: Action,
    caller: Caller | None,
    outcome: Outcome = Outcome.SUCCESS,
    person_id: str | None = None,
    detail: str | None = None,
    actor: str | None = None,
) -> AuditEvent:
    """An event naming the caller; ``caller`` None only before anyone is authenticated
    (a failed sign-in), when ``actor`` is the name that was tried."""
    principal = caller.principal if caller else None
    ctx = caller.ctx if caller else None
    return AuditEvent(
        at=clock.now(),
        action=action,
        outcome=outcome,
        actor=principal.name if principal else (actor or "-")[:64],
        facility_code=principal.facility_code if principal else None,
        client_id=principal.client_id if principal else None,
        person_id=person_id,
        purpose=ctx.purpose if ctx else None,
        source=ctx.source if ctx else None,
        detail=detail,
    )


def record(
    uow: UnitOfWork,
    *,
    clock: Clock,
    action: Action,
    caller: Caller | None,
    outcome: Outcome = Outcome.SUCCESS,
    person_id: str | None = None,
    detail: str | None = None,
    actor: str | None = None,
) -> None:
    """Add an audit event to ``uow``: it commits, or fails, with the work it records."""
    uow.audit.add(
        event(
            clock=clock,
            action=action,
            caller=caller,
            outcome=outcome,
            person_id=person_id,
            detail=detail,
            actor=actor,
        )
    )


def record_alone(uow_factory: UnitOfWorkFactory, audit_event: AuditEvent) -> None:
    """Record an event in a transaction of its own: a refusal, which has no work to join."""
    with uow_factory() as uow:
        uow.audit.add(audit_event)
        uow.commit()


def read_audit(
    *, deps: Deps, caller: Caller, where: AuditFilter, limit: int = 100, offset: int = 0
) -> list[AuditEvent]:
    """Audit events for inspection; reading the log is itself recorded."""
    with unit_of_work(deps, caller, Permission.READ_AUDIT) as uow:
        events = uow.audit.query(where, limit=limit, offset=offset)
        record(uow, clock=deps.clock, action=Action.AUDIT_READ, caller=caller)
        uow.commit()
    return events


def export_audit(*, deps: Deps, caller: Caller, where: AuditFilter) -> list[AuditEvent]:
    """Every matching event, oldest first, for a CSV export (itself recorded)."""
    with unit_of_work(deps, caller, Permission.READ_AUDIT) as uow:
        events = uow.audit.query(where, limit=None, oldest_first=True)
        record(uow, clock=deps.clock, action=Action.AUDIT_READ, caller=caller, detail="export")
        uow.commit()
    return events


# Vietnam has kept UTC+7 all year since 1975: days are counted in that zone.
VIETNAM_UTC_OFFSET = 7


def lookups_per_facility_day(
    *, deps: Deps, caller: Caller, days: int = 14
) -> dict[str, dict[str, int]]:
    """Patient lookups per facility per local day over the last ``days`` days.

    Returns ``{day: {facility: count}}`` with every day present, oldest first, so a
    quiet day shows as a gap rather than disappearing. Reading it is recorded.
    """
    now = deps.clock.now()
    local_today = (now + timedelta(hours=VIETNAM_UTC_OFFSET)).date()
    first = local_today - timedelta(days=days - 1)
    since = datetime.combine(first, time(), tzinfo=UTC) - timedelta(hours=VIETNAM_UTC_OFFSET)
    table: dict[str, dict[str, int]] = {
        (first + timedelta(days=i)).isoformat(): {} for i in range(days)
    }
    with unit_of_work(deps, caller, Permission.READ_AUDIT) as uow:
        # A facility finds a person by matching what they state, or asks whether an
        # identifier is known: both are lookups to an inspector.
        rows = [
            row
            for action in (Action.PERSON_MATCH, Action.PERSON_LOOKUP)
            for row in uow.audit.daily_counts(
                str(action), since, now + timedelta(seconds=1), VIETNAM_UTC_OFFSET
            )
        ]
        record(uow, clock=deps.clock, action=Action.AUDIT_READ, caller=caller, detail="chart")
        uow.commit()
    for facility, day, count in rows:
        if day in table:
            table[day][facility or "-"] = table[day].get(facility or "-", 0) + count
    return table
