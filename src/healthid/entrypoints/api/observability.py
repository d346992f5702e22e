"""Request metrics for Prometheus and one JSON log line per request — never personal data."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

from fastapi import FastAPI, Request
from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("healthid.api")


class Metrics:
    """Counts and latencies by route template (never the URL: it may hold an identifier)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "healthid_requests",
            "HTTP requests",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "healthid_request_seconds",
            "HTTP request latency",
            ["method", "route"],
            registry=self.registry,
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("healthid")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def route_template(request: Request) -> str:
    """The matched route with its parameters as names: ``/api/v1/persons/{person_id}/…``."""
    if request.scope.get("route") is None:
        return "unmatched"
    template = str(request.scope["path"])
    for name, value in request.scope.get("path_params", {}).items():
        template = template.replace(f"/{value}", f"/{{{name}}}", 1)
    return template


class Observe:
    """Pure ASGI middleware: counts, times and logs each HTTP request.

    Not ``@app.middleware("http")``: Starlette's BaseHTTPMiddleware runs every request
    through a task group and memory streams, which cost more than a lookup here.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # if the app fails before it answers

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self._record(Request(scope), status, time.perf_counter() - started)

    def _record(self, request: Request, status: int, elapsed: float) -> None:
        route = route_template(request)
        self.metrics.requests.labels(request.method, route, str(status)).inc()
        self.metrics.latency.labels(request.method, route).observe(elapsed)
        log.info(
            "request",
            extra={
                "fields": {
                    "method": request.method,
                    "route": route,
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                }
            },
        )


def install(app: FastAPI) -> None:
    metrics = Metrics()
    app.state.metrics = metrics
    app.add_middleware(Observe, metrics=metrics)
