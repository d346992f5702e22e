"""Every access leaves an audit event in the same transaction; lookups are rationed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from healthid.adapters.account_repositories import SqlAuditRepository
from healthid.domain.audit import AuditEvent
from tests.e2e.api.conftest import AN, Api


def _lookup(api: Api, who: str = "staff", **headers: str) -> Any:
    return api.client.get(
        "/api/v1/persons/by-identifier",
        params={"system": "si", "value": AN["si_number"]},
        headers={**api.headers(who), **headers},
    )


def test_an_identifiable_read_without_a_coded_purpose_is_refused(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    register()
    missing = _lookup(api, **{"X-Purpose": ""})
    free_text = _lookup(api, **{"X-Purpose": quote("chẩn đoán: lao phổi")})
    for refused in (missing, free_text):
        assert refused.status_code == 422, refused.text
        assert "X-Purpose" in refused.json()["detail"]
    events = api.client.get(
        "/api/v1/audit", params={"action": "person.lookup"}, headers=api.headers("auditor")
    ).json()
    assert events == []  # nothing read, and no free text in the log


def test_a_lookup_records_who_where_why_whom_and_how_it_ended(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    person = register()
    assert _lookup(api, **{"X-Purpose": "PATRQT"}).status_code == 200
    events = api.client.get(
        "/api/v1/audit", params={"action": "person.lookup"}, headers=api.headers("auditor")
    ).json()
    assert len(events) == 1
    event = events[0]
    assert (event["actor"], event["facility_code"], event["person_id"]) == (
        "staff",
        "01001",
        person["id"],
    )
    assert (event["purpose"], event["outcome"], event["source"]) == (
        "PATRQT",
        "success",
        "203.0.113.7",
    )
    by_person = api.client.get(
        "/api/v1/audit", params={"person_id": person["id"]}, headers=api.headers("admin")
    ).json()
    assert {e["action"] for e in by_person} == {"person.register", "person.lookup"}


def test_no_audit_event_means_no_access(
    api: Api, register: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    register()

    def broken(self: SqlAuditRepository, event: AuditEvent) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(SqlAuditRepository, "add", broken)
    with pytest.raises(RuntimeError):
        api.client.post(
            "/api/v1/persons",
            json={**AN, "si_number": "1111111111", "cccd": None, "bhyt_card": None},
            headers=api.headers("staff"),
        )
    with api.registry.engine.connect() as conn:
        linked = conn.scalar(sa.text("SELECT count(*) FROM identifiers WHERE system = 'mrn'"))
    assert linked == 0
    monkeypatch.undo()
    person_id = register()["id"]
    monkeypatch.setattr(SqlAuditRepository, "add", broken)
    with pytest.raises(RuntimeError):
        api.client.post(
            f"/api/v1/persons/{person_id}/facility-links",
            json={"mrn": "BN-1"},
            headers=api.headers("staff"),
        )
    with api.registry.engine.connect() as conn:
        linked = conn.scalar(sa.text("SELECT count(*) FROM identifiers WHERE system = 'mrn'"))
    assert linked == 0


def test_the_audit_log_refuses_changes(api: Api) -> None:
    api.token("staff")
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), api.registry.engine.begin() as c:
        c.execute(sa.text("UPDATE audit_events SET outcome = 'success'"))
    with pytest.raises(sa.exc.DatabaseError, match="append-only"), api.registry.engine.begin() as c:
        c.execute(sa.text("DELETE FROM audit_events"))


def test_lookups_over_the_hourly_quota_are_429_and_audited(
    api: Api, register: Callable[..., dict[str, Any]]
) -> None:
    register()
    api.registry.settings.lookup_quota_per_user = 3
    api.client.app.state.deps = api.registry.deps  # the app's ports, rewired with the quota
    assert [_lookup(api).status_code for _ in range(3)] == [200, 200, 200]
    refused = _lookup(api)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert refused.json()["type"] == "urn:healthid-vn:problem:quota-exceeded"
    assert _lookup(api, "other_staff").status_code == 200  # per user, not global
    events = api.client.get(
        "/api/v1/audit", params={"action": "quota.exceeded"}, headers=api.headers("auditor")
    ).json()
    assert [(e["actor"], e["outcome"]) for e in events] == [("staff", "denied")]


def test_ops_endpoints(api: Api) -> None:
    assert api.client.get("/healthz").json() == {"status": "ok"}
    assert api.client.get("/readyz").json() == {"status": "ready"}
    api.client.get("/api/v1/facility/patients", headers=api.headers("staff"))
    metrics = api.client.get("/metrics").text
    assert 'route="/api/v1/facility/patients"' in metrics
    assert "healthid_request_seconds_bucket" in metrics
    spec = api.client.get("/openapi.json").json()
    assert spec["info"]["title"] == "HealthID VN"
    assert api.client.get("/docs").status_code == 200
