"""A run's rejects are stored with it; runs and rejects are read back, authorised and audited."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from healthid import bootstrap
from healthid.domain.accounts import Role
from healthid.domain.audit import Action, AuditFilter
from healthid.domain.errors import NotFoundError
from healthid.services import audit
from healthid.services.access import Caller, ForbiddenError, Principal, operator
from healthid.services.sync import run as sync

GOOD = {
    "MA_HO_GD": "010000000000001",
    "MA_SO_BHXH": "0123456789",
    "SO_CCCD": "001190012345",
    "HO_TEN": "Nguyễn Thị Lan",
    "NGAY_SINH": "19900312",
    "GIOI_TINH": "2",
    "MA_THE_BHYT": "GD4010123456789",
    "NOI_SINH": "Hà Nội",
    "DIA_CHI": "Số 1 Lê Lợi",
    "NGAY_CAP_NHAT": "2025-01-02T08:00:00+07:00",
}
# Each bad row carries personal data the rejects must not repeat.
BAD = [
    {**GOOD, "MA_SO_BHXH": "7900000001", "SO_CCCD": "", "MA_THE_BHYT": "", "NGAY_SINH": "19900230"},
    {**GOOD, "MA_SO_BHXH": "12345", "HO_TEN": "Phạm Văn Khải"},
    {**GOOD, "MA_SO_BHXH": "7900000002", "GIOI_TINH": "1", "HO_TEN": "Lê Hoàng Vũ"},
]
PERSONAL = ["Nguyễn", "Lan", "Phạm", "Khải", "Hoàng", "0123456789", "7900000001", "12345",
            "001190012345", "19900230", "1990", "Lê Lợi", "GD4010123456789"]  # fmt: skip

ADMIN = Principal("user", "admin1", Role.ADMIN, None)
AUDITOR = Principal("user", "auditor1", Role.AUDITOR, None)


def import_rows(registry: bootstrap.Registry, name: str = "bhxh.csv") -> sync.SyncResult:
    rows: list[tuple[int, dict[str, str] | str]] = [(2, GOOD)]
    rows += [(n, row) for n, row in enumerate(BAD, start=3)]
    rows.append((6, "3 fields where the header has 13"))
    return sync.sync_rows(
        deps=registry.deps,
        caller=operator(),
        file_name=name,
        checksum="ab" * 32,
        rows=rows,
    )


def test_rejects_are_stored_with_the_run_and_read_back_in_file_order(
    registry: bootstrap.Registry,
) -> None:
    result = import_rows(registry)
    stored = sync.rejects(deps=registry.deps, caller=operator(), run_id=result.run.id)
    assert stored == result.rejects
    assert [(r.line, r.column, r.rule) for r in stored] == [
        (3, "NGAY_SINH", "day_out_of_range"),
        (4, "MA_SO_BHXH", "bad_format"),
        (5, "SO_CCCD", "sex_mismatch"),
        (6, "", "unreadable_line"),
    ]
    assert (
        sync.rejects(deps=registry.deps, caller=operator(), run_id=result.run.id, limit=2, offset=1)
        == (stored[1:3])
    )
    run = sync.run(deps=registry.deps, caller=operator(), run_id=result.run.id)
    assert (run.status, run.counts["new"], run.counts["rejected"]) == ("finished", 1, 4)


def test_stored_rejects_hold_no_personal_data(registry: bootstrap.Registry) -> None:
    import_rows(registry)
    with registry.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM sync_rejects")).all()
    assert len(rows) == 4
    text = " ".join(str(value) for row in rows for value in row)
    assert [p for p in PERSONAL if p in text] == []


def test_an_unknown_run_is_not_found(registry: bootstrap.Registry) -> None:
    with pytest.raises(NotFoundError):
        sync.run(deps=registry.deps, caller=operator(), run_id="0" * 32)
    with pytest.raises(NotFoundError):
        sync.rejects(deps=registry.deps, caller=operator(), run_id="0" * 32)


def test_runs_are_paged_latest_first(registry: bootstrap.Registry) -> None:
    ids = [import_rows(registry, f"f{n}.csv").run.id for n in range(3)]
    first = sync.runs(deps=registry.deps, caller=operator(), limit=2)
    rest = sync.runs(deps=registry.deps, caller=operator(), limit=2, offset=2)
    assert [r.id for r in first + rest] == ids[::-1]


@pytest.mark.parametrize("who", [ADMIN, AUDITOR])
def test_admin_and_auditor_reads_are_audited(registry: bootstrap.Registry, who: Principal) -> None:
    run_id = import_rows(registry).run.id
    reads = {"deps": registry.deps, "caller": Caller(who)}
    sync.runs(**reads)
    sync.run(run_id=run_id, **reads)
    sync.rejects(run_id=run_id, **reads)
    events = audit.read_audit(
        deps=registry.deps,
        caller=Caller(ADMIN),
        where=AuditFilter(action=str(Action.SYNC_READ)),
    )
    assert sorted((e.actor, e.detail) for e in events) == sorted(
        [(who.name, "runs"), (who.name, f"run {run_id}"), (who.name, f"rejects {run_id}")]
    )


@pytest.mark.parametrize("role", [Role.STAFF, Role.FACILITY_ADMIN, Role.AUTHORITY])
def test_other_roles_may_not_read_runs(registry: bootstrap.Registry, role: Role) -> None:
    caller = Principal("user", "someone", role, "01001" if role != Role.AUTHORITY else None)
    run_id = import_rows(registry).run.id
    with pytest.raises(ForbiddenError):
        sync.runs(deps=registry.deps, caller=Caller(caller))
    with pytest.raises(ForbiddenError):
        sync.rejects(deps=registry.deps, caller=Caller(caller), run_id=run_id)
