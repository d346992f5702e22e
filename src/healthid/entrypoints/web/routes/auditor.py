"""Inspection (Công văn 6827): the audit log with filters, its CSV, lookups per facility."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from healthid.domain.audit import Action, AuditFilter
from healthid.entrypoints.csv_files import write_events
from healthid.entrypoints.web.pages import SECURITY_HEADERS, query_string, render
from healthid.entrypoints.web.session import DepsDep, ViewerDep, require
from healthid.services import audit
from healthid.services.access import Permission

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
ACTIONS = tuple(str(a) for a in Action)
VIETNAM = timedelta(hours=audit.VIETNAM_UTC_OFFSET)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()) if value.strip() else None
    except ValueError:
        return None


def _filters(request: Request) -> tuple[AuditFilter, dict[str, str], dict[str, str]]:
    """The filter from the query string; bad dates are reported next to their field."""
    shown = {
        k: request.query_params.get(k, "").strip()[:64]
        for k in ("facility", "actor", "person", "action", "since", "until")
    }
    errors: dict[str, str] = {}
    days: dict[str, datetime | None] = {}
    for name in ("since", "until"):
        day = _day(shown[name])
        if shown[name] and day is None:
            errors[name] = "Ngày phải có dạng YYYY-MM-DD"
        # A day is a Vietnamese day; 'until' includes the whole of it.
        start = datetime.combine(day, time(), tzinfo=UTC) - VIETNAM if day else None
        days[name] = start + timedelta(days=1) if start and name == "until" else start
    if shown["action"] and shown["action"] not in ACTIONS:
        errors["action"] = "Hãy chọn một thao tác trong danh sách"
    where = AuditFilter(
        facility_code=shown["facility"] or None,
        actor=shown["actor"] or None,
        person_id=shown["person"] or None,
        action=shown["action"] if shown["action"] in ACTIONS else None,
        since=days["since"],
        until=days["until"],
    )
    return where, shown, errors


@router.get("/audit")
def audit_log(request: Request, deps: DepsDep, viewer: ViewerDep, page: int = 1) -> Response:
    require(viewer, Permission.READ_AUDIT)
    where, shown, errors = _filters(request)
    page = max(1, min(page, 100_000))
    events = []
    if not errors:
        events = audit.read_audit(
            deps=deps,
            caller=viewer.caller,
            where=where,
            limit=PAGE_SIZE + 1,  # one more tells whether there is a next page
            offset=(page - 1) * PAGE_SIZE,
        )
    return render(
        request,
        "audit.html",
        422 if errors else 200,
        viewer=viewer,
        events=events[:PAGE_SIZE],
        has_next=len(events) > PAGE_SIZE,
        page=page,
        form=shown,
        errors=errors,
        actions=ACTIONS,
        query=query_string(**shown),
    )


@router.get("/audit.csv")
def audit_csv(request: Request, deps: DepsDep, viewer: ViewerDep) -> Response:
    require(viewer, Permission.READ_AUDIT)
    where, _, errors = _filters(request)
    if errors:
        return render(request, "error.html", 422, viewer=viewer, kind="bad_filter")
    events = audit.export_audit(deps=deps, caller=viewer.caller, where=where)
    buffer = io.StringIO()
    write_events(events, buffer)
    headers = {
        **SECURITY_HEADERS,
        "Content-Disposition": 'attachment; filename="nhat-ky-truy-cap.csv"',
    }
    # A BOM so that spreadsheet programs read the Vietnamese text as UTF-8.
    return Response("\ufeff" + buffer.getvalue(), media_type="text/csv", headers=headers)


@router.get("/audit/lookups")
def lookups_chart(request: Request, deps: DepsDep, viewer: ViewerDep, days: int = 14) -> Response:
    require(viewer, Permission.READ_AUDIT)
    days = max(1, min(days, 92))
    table = audit.lookups_per_facility_day(deps=deps, caller=viewer.caller, days=days)
    facilities = sorted({f for counts in table.values() for f in counts})
    peak = max([sum(c.values()) for c in table.values()] + [1])
    return render(
        request,
        "lookups.html",
        viewer=viewer,
        table=table,
        facilities=facilities,
        peak=peak,
        days=days,
    )
