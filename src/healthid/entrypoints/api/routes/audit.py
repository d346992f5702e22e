"""The audit log, for inspection (auditor, admin)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from healthid.domain.audit import AuditFilter
from healthid.entrypoints.api.deps import CallerDep, DepsDep
from healthid.entrypoints.api.schemas import AuditEventOut
from healthid.services import audit

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=list[AuditEventOut])
def read_audit(
    deps: DepsDep,
    caller: CallerDep,
    facility: Annotated[str | None, Query(max_length=5)] = None,
    actor: Annotated[str | None, Query(max_length=64)] = None,
    person_id: Annotated[str | None, Query(max_length=32)] = None,
    action: Annotated[str | None, Query(max_length=32)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[AuditEventOut]:
    where = AuditFilter(
        facility_code=facility,
        actor=actor,
        person_id=person_id,
        action=action,
        since=since,
        until=until,
    )
    events = audit.read_audit(deps=deps, caller=caller, where=where, limit=limit, offset=offset)
    return [AuditEventOut(**asdict(e)) for e in events]
