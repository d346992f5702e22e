"""BHXH sync runs and their rejects, for inspection (admin, auditor). Audited reads."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request, Response

from healthid.domain.sync import SyncRun
from healthid.entrypoints.api.deps import CallerDep, DepsDep
from healthid.entrypoints.api.schemas import RejectOut, SyncRunOut
from healthid.entrypoints.csv_files import rejects_csv
from healthid.services.sync import run as sync

router = APIRouter(prefix="/sync", tags=["sync"])

RunId = Annotated[str, Path(max_length=32)]
CSV = "text/csv"


def _out(run: SyncRun) -> SyncRunOut:
    return SyncRunOut(
        id=run.id,
        file_name=run.file_name,
        checksum=run.checksum,
        status=run.status,
        started_at=run.started_at,
        finished_at=run.finished_at,
        counts=run.counts,
    )


def _wants_csv(request: Request, fmt: str | None) -> bool:
    if fmt is not None:
        return fmt == "csv"
    return CSV in request.headers.get("accept", "")


@router.get("/runs", response_model=list[SyncRunOut])
def list_runs(
    wired: DepsDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[SyncRunOut]:
    """The latest runs first."""
    runs = sync.runs(
        deps=wired,
        limit=limit,
        offset=offset,
        caller=caller,
    )
    return [_out(r) for r in runs]


@router.get("/runs/{run_id}", response_model=SyncRunOut)
def show_run(run_id: RunId, wired: DepsDep, caller: CallerDep) -> SyncRunOut:
    run = sync.run(deps=wired, run_id=run_id, caller=caller)
    return _out(run)


@router.get(
    "/runs/{run_id}/rejects",
    response_model=list[RejectOut],
    responses={200: {"content": {CSV: {"example": "LINE,COLUMN,RULE,REASON\n"}}}},
)
def list_rejects(
    run_id: RunId,
    request: Request,
    wired: DepsDep,
    caller: CallerDep,
    fmt: Annotated[
        Literal["json", "csv"] | None,
        Query(alias="format", description="csv, or send Accept: text/csv"),
    ] = None,
    limit: Annotated[int | None, Query(ge=1)] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[RejectOut] | Response:
    """The run's rejects in file order: line, column, rule, reason — never a row's values."""
    rejects = sync.rejects(
        deps=wired,
        run_id=run_id,
        limit=limit,
        offset=offset,
        caller=caller,
    )
    if not _wants_csv(request, fmt):
        return [
            RejectOut(line=r.line, column=r.column, rule=r.rule, reason=r.reason) for r in rejects
        ]
    return Response(
        rejects_csv(rejects),
        media_type=f"{CSV}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="rejects-{run_id[:8]}.csv"'},
    )
