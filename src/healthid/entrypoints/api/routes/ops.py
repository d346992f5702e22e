"""Liveness, readiness and metrics, for the people and machines that run the registry."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from healthid.entrypoints.api.deps import RegistryDep
from healthid.entrypoints.api.problems import problem

router = APIRouter(tags=["ops"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
def readyz(wired: RegistryDep) -> dict[str, str] | Response:
    """The database answers."""
    if not wired.database_ready():
        return problem(503, "not-ready", "Database unreachable")
    return {"status": "ready"}


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )
