"""The FastAPI application: routes under /api/v1, OAuth at /oauth, ops at the root."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from healthid import __version__, bootstrap
from healthid.bootstrap import Registry
from healthid.entrypoints.api import observability, problems, scheduler
from healthid.entrypoints.api.routes import (
    admin,
    audit,
    issuance,
    oauth,
    ops,
    persons,
    reviews,
    sync,
)
from healthid.entrypoints.web import app as web

API_PREFIX = "/api/v1"
Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def create_app(registry: Registry, lifespan: Lifespan | None = None) -> FastAPI:
    app = FastAPI(
        title="HealthID VN",
        summary="Hệ thống mã định danh y tế quốc gia — QĐ 4376/QĐ-BYT",
        version=__version__,
        lifespan=lifespan,
    )
    app.state.registry = registry
    app.state.deps = registry.deps
    problems.install(app)
    observability.install(app)
    app.include_router(ops.router)
    app.include_router(oauth.router)
    for router in (
        persons.router,
        issuance.router,
        reviews.router,
        admin.router,
        audit.router,
        sync.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    web.install(app)  # the portal's pages share the services, the audit and the process
    return app


def from_environment() -> FastAPI:
    """An app on the registry the ``HEALTHID_*`` settings name (uvicorn's factory, per worker)."""
    # Each worker of ``--workers N`` is a fresh process: configure its logging here too.
    observability.configure_logging()
    registry = bootstrap.build()

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The periodic BHXH sync, if HEALTHID_SYNC_INBOX is set: once per process.
        periodic = scheduler.start(registry)
        try:
            yield
        finally:
            scheduler.stop(periodic)
            registry.close()

    return create_app(registry, lifespan)
