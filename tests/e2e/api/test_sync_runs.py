"""GET /api/v1/sync/runs…: runs and their rejects, JSON or CSV, for admin and auditor only."""

from __future__ import annotations

import csv
import io

import pytest
from httpx2 import Response

from healthid.services.access import operator
from healthid.services.sync import run as sync
from tests.e2e.api.conftest import Api

ROWS: list[tuple[int, dict[str, str] | str]] = [
    (
        2,
        {
            "MA_HO_GD": "010000000000001",
            "MA_SO_BHXH": "12345",
            "HO_TEN": "Nguyễn Thị Lan",
            "NGAY_SINH": "19900312",
            "GIOI_TINH": "2",
            "NGAY_CAP_NHAT": "2025-01-02T08:00:00+07:00",
        },
    ),
    (3, "2 fields where the header has 13"),
]


def run_id(api: Api, name: str = "bhxh-2026-01-01.csv") -> str:
    return sync.sync_rows(
        deps=api.registry.deps,
        caller=operator(),
        file_name=name,
        checksum="c" * 64,
        rows=ROWS,
    ).run.id


def get(api: Api, url: str, who: str = "admin", **kwargs: object) -> Response:
    response = api.call("GET", url, who, **kwargs)
    assert isinstance(response, Response)
    return response


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_runs_are_listed_latest_first_and_paged(api: Api, who: str) -> None:
    first, second = run_id(api, "a.csv"), run_id(api, "b.csv")
    listed = get(api, "/api/v1/sync/runs", who)
    assert listed.status_code == 200
    assert [r["id"] for r in listed.json()] == [second, first]
    assert listed.json()[0]["counts"]["rejected"] == 2
    page = get(api, "/api/v1/sync/runs", who, params={"limit": 1, "offset": 1}).json()
    assert [r["id"] for r in page] == [first]


def test_one_run_and_its_rejects_as_json(api: Api) -> None:
    rid = run_id(api)
    shown = get(api, f"/api/v1/sync/runs/{rid}").json()
    assert (shown["file_name"], shown["status"]) == ("bhxh-2026-01-01.csv", "finished")
    rejects = get(api, f"/api/v1/sync/runs/{rid}/rejects").json()
    assert [(r["line"], r["column"], r["rule"]) for r in rejects] == [
        (2, "MA_SO_BHXH", "bad_format"),
        (3, "", "unreadable_line"),
    ]
    assert "Nguyễn" not in str(rejects)
    assert "12345" not in str(rejects)


@pytest.mark.parametrize(
    "how", [{"headers": {"Accept": "text/csv"}}, {"params": {"format": "csv"}}]
)
def test_rejects_as_csv_by_accept_header_or_format_parameter(
    api: Api, how: dict[str, object]
) -> None:
    rid = run_id(api)
    response = get(api, f"/api/v1/sync/runs/{rid}/rejects", "auditor", **how)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["LINE"], r["COLUMN"], r["RULE"]) for r in rows] == [
        ("2", "MA_SO_BHXH", "bad_format"),
        ("3", "", "unreadable_line"),
    ]


def test_an_unknown_run_is_a_404_problem(api: Api) -> None:
    for url in ("/api/v1/sync/runs/" + "0" * 32, "/api/v1/sync/runs/" + "0" * 32 + "/rejects"):
        response = get(api, url)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["resource"] == "sync_run"


@pytest.mark.parametrize("who", ["staff", "facility_admin", "authority", "client"])
def test_other_callers_are_refused(api: Api, who: str) -> None:
    rid = run_id(api)
    for url in (
        "/api/v1/sync/runs",
        f"/api/v1/sync/runs/{rid}",
        f"/api/v1/sync/runs/{rid}/rejects",
    ):
        assert get(api, url, who).status_code == 403


def test_reads_are_audited_with_the_caller(api: Api) -> None:
    rid = run_id(api)
    get(api, f"/api/v1/sync/runs/{rid}/rejects", "auditor")
    events = get(api, "/api/v1/audit", params={"action": "sync.read"}).json()
    assert [(e["actor"], e["detail"], e["source"]) for e in events] == [
        ("auditor", f"rejects {rid}", "203.0.113.7")
    ]
