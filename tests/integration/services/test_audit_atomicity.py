"""Every use case that reads or writes personal data commits its work and its audit event
together: with the audit insert refused by the database, nothing of the work is kept;
with it working, each person the use case touched has exactly one event.

The refusal is a trigger on ``audit_events``, so it catches every way an event is
written (ORM, Core, the sync's bulk COPY) on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from healthid import bootstrap
from healthid.domain.accounts import Role
from healthid.domain.bhxh_row import parse_row
from healthid.services import care, dedup, exports, issuance, patients, review
from healthid.services.access import Caller, Principal, RequestContext, operator
from healthid.services.health_ids import PersonInput
from healthid.services.sync import run as sync
from healthid.synth.bhxh import write
from tests.integration.services.support import load_without_matching, small_population

STAFF = Caller(
    Principal("user", "lan.nguyen", Role.STAFF, "01001"), RequestContext(purpose="TREAT")
)
AUTHORITY = Caller(Principal("user", "thanh.tra", Role.AUTHORITY, None))
OPERATOR = operator()
AN = PersonInput(
    si_number="0123456789",
    full_name="Nguyễn Văn An",
    birth_date="1990-05-01",
    sex="male",
    birthplace="Hà Nội",
    cccd="001090012345",
)
# An uncertain duplicate of An (no CCCD; nationally a namesake in all else is likely):
# a review pair.
AN_AGAIN = PersonInput(
    si_number="0123456780",
    full_name="NGUYEN VAN AN",
    birth_date="1990-05-01",
    sex="male",
    birthplace="Hà Nội",
)
ROW = {
    "MA_HO_GD": "010000000000001",
    "MA_SO_BHXH": "0123400001",
    "SO_CCCD": "",
    "HO_TEN": "Trần Văn Bình",
    "NGAY_SINH": "19751120",
    "GIOI_TINH": "1",
    "MA_THE_BHYT": "",
    "NOI_SINH": "Hà Nội",
    "MATINH_CU_TRU": "01",
    "MAXA_CU_TRU": "00004",
    "DIA_CHI": "Số 1 Lê Lợi",
    "QUAN_HE_CHU_HO": "Chủ hộ",
    "NGAY_CAP_NHAT": "2025-01-02T08:00:00+07:00",
}
CCCD_MAI = "001192012345"
# What the registry keeps of its own runs, not of persons: a failed run stays recorded.
BOOKKEEPING = {"audit_events", "alembic_version", "sync_runs", "sync_rejects"}


def _register(registry: bootstrap.Registry, data: PersonInput = AN) -> str:
    return patients.register_person(deps=registry.deps, caller=STAFF, data=data).summary.id


def _pair(registry: bootstrap.Registry) -> tuple[str, str, str]:
    a, b = _register(registry), _register(registry, AN_AGAIN)
    [pending] = review.list_reviews(deps=registry.deps, caller=AUTHORITY)
    return pending.id, a, b


def _request(registry: bootstrap.Registry) -> str:
    made = issuance.request_issuance(
        deps=registry.deps,
        caller=STAFF,
        si_number="0123400002",
        full_name="Lê Thị Hoa",
        birth_date="1985-02-03",
        sex="female",
    )
    return made.id


def _touching_no_one(_: object) -> set[str]:
    """A listing reads no person's data: it is recorded, naming none."""
    return set()


@dataclass(frozen=True)
class UseCase:
    """A use case to try: ``prepare`` runs with audit working; ``act`` returns the persons
    it touched (the empty set for one that touches no person but is still recorded)."""

    name: str
    act: Callable[[bootstrap.Registry, object], set[str]]
    prepare: Callable[[bootstrap.Registry, Path], object] = lambda r, p: None


def _persons(registry: bootstrap.Registry) -> set[str]:
    with registry.engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT id FROM persons")).scalars())


def _new_persons(act: Callable[[bootstrap.Registry, object], object]) -> Callable[..., set[str]]:
    """``act``, touching the persons it creates."""

    def run(registry: bootstrap.Registry, state: object) -> set[str]:
        before = _persons(registry)
        act(registry, state)
        return _persons(registry) - before

    return run


def _merge(registry: bootstrap.Registry, state: object) -> set[str]:
    review_id, a, _ = state  # type: ignore[misc]
    review.merge(deps=registry.deps, caller=AUTHORITY, review_id=review_id)
    return {a}


def _merged(registry: bootstrap.Registry, _: Path) -> tuple[str, str]:
    review_id, a, _ = _pair(registry)
    done = review.merge(deps=registry.deps, caller=AUTHORITY, review_id=review_id)
    return done.id, a


def _sync_extract(registry: bootstrap.Registry, folder: Path) -> set[str]:
    rows = list(enumerate([ROW, {**ROW, "MA_SO_BHXH": "0123400003", "HO_TEN": "Lê Văn Cường"}], 2))
    before = _persons(registry)
    sync.sync_rows(
        deps=registry.deps, caller=OPERATOR, file_name="x.csv", checksum="0" * 64, rows=rows
    )
    return _persons(registry) - before


def _dedup(registry: bootstrap.Registry, state: object) -> set[str]:
    # Merges to record: sure pairs on name, date and birthplace, as a small registry has.
    deps = small_population(registry).deps
    report = dedup.deduplicate(deps=deps, caller=OPERATOR, finder=registry.pair_finder)
    assert report.merged > 0
    with registry.engine.connect() as conn:
        return set(conn.execute(sa.text("SELECT survivor_id FROM merges")).scalars())


def _load_duplicates(registry: bootstrap.Registry, folder: Path) -> None:
    """Persons as an old system stored them, duplicates and all: work for ``dedup``."""
    write(folder, persons=60, dup_rate=0.3, seed=4)
    load_without_matching(registry, folder)


USE_CASES = [
    UseCase("register a new person", _new_persons(lambda r, s: _register(r))),
    UseCase(
        "register an SI number already known",
        lambda r, s: {_register(r)},
        prepare=lambda r, p: _register(r),
    ),
    UseCase(
        "register by CCCD alone",
        _new_persons(
            lambda r, s: _register(r, PersonInput("Phạm Thị Mai", "1992", "female", cccd=CCCD_MAI))
        ),
    ),
    UseCase(
        "is an identifier known",
        lambda r, s: (
            care.identifier_status(deps=r.deps, caller=STAFF, system="si", value="0123456789")
            and {str(s)}
        ),
        prepare=lambda r, p: _register(r),
    ),
    UseCase(
        "match what a patient states",
        lambda r, s: {
            care.match_person(
                deps=r.deps,
                caller=STAFF,
                system="si",
                value="0123456789",
                full_name="Nguyen Van An",
                birth_date="1990",
                sex="male",
            ).id
        },
        prepare=lambda r, p: _register(r),
    ),
    UseCase(
        "read a person within a care relationship",
        lambda r, s: {patients.read_person(deps=r.deps, caller=STAFF, person_id=str(s)).id},
        prepare=lambda r, p: _register(r),
    ),
    UseCase(
        "break the glass",
        lambda r, s: {
            care.break_glass(
                deps=r.deps,
                caller=STAFF,
                person_id=str(s),
                reason="ETREAT",
                justification="unconscious, no papers, history needed",
            ).person_id
        },
        prepare=lambda r, p: _register(r),
    ),
    UseCase(
        "verify",
        lambda r, s: (
            patients.verify(deps=r.deps, caller=STAFF, health_id=f"0123456789.{'A' * 10}") and set()
        ),
        prepare=lambda r, p: _register(r),
    ),
    UseCase(
        "record the facility's MRN",
        lambda r, s: {
            patients.link_facility_mrn(
                deps=r.deps, caller=STAFF, person_id=str(s), mrn="BN-0001"
            ).id
        },
        prepare=lambda r, p: _register(r),
    ),
    UseCase(
        "the facility's patient list",
        lambda r, s: (
            patients.facility_patients(deps=r.deps, caller=STAFF, limit=10, offset=0) and set()
        ),
        prepare=lambda r, p: patients.link_facility_mrn(
            deps=r.deps, caller=STAFF, person_id=_register(r), mrn="BN-0001"
        ),
    ),
    UseCase(
        "show a person (operator)",
        lambda r, s: {
            patients.show_person(deps=r.deps, caller=OPERATOR, system="si", value="0123456789")[
                0
            ].id
        },
        prepare=lambda r, p: _register(r),
    ),
    UseCase(
        "correct a person (operator)",
        lambda r, s: {
            patients.correct_person(
                deps=r.deps,
                caller=OPERATOR,
                person_id=str(s),
                data=PersonInput("Nguyễn Văn Ân", "", ""),
            ).id
        },
        prepare=lambda r, p: _register(r),
    ),
    UseCase("request issuance", lambda r, s: _request(r) and set()),
    UseCase(
        "approve issuance",
        _new_persons(
            lambda r, s: issuance.approve(deps=r.deps, caller=AUTHORITY, request_id=str(s))
        ),
        prepare=lambda r, p: _request(r),
    ),
    UseCase(
        "show a review pair",
        lambda r, s: (
            review.show_review(deps=r.deps, caller=AUTHORITY, review_id=s[0])  # type: ignore[index]
            and {s[1], s[2]}  # type: ignore[index]
        ),
        prepare=lambda r, p: _pair(r),
    ),
    UseCase("merge", _merge, prepare=lambda r, p: _pair(r)),
    UseCase(
        "unmerge",
        lambda r, s: (
            review.unmerge(deps=r.deps, caller=AUTHORITY, merge_id=s[0])  # type: ignore[index]
            and {s[1]}  # type: ignore[index]
        ),
        prepare=_merged,
    ),
    UseCase(
        "list automatic merges",
        lambda r, s: _touching_no_one(review.list_automatic_merges(deps=r.deps, caller=AUTHORITY)),
        prepare=_merged,
    ),
    UseCase("sync an extract", lambda r, s: _sync_extract(r, Path())),
    UseCase(
        "sync one row (the row-by-row path)",
        _new_persons(lambda r, s: sync._apply(parse_row(ROW), deps=r.deps, caller=OPERATOR)),
    ),
    UseCase("deduplicate the registry", _dedup, prepare=_load_duplicates),
    UseCase(
        "export persons",
        lambda r, s: exports.export_persons(deps=r.deps, caller=OPERATOR) and set(),
        prepare=lambda r, p: _register(r),
    ),
]


@pytest.fixture
def refusing_audit(registry: bootstrap.Registry) -> Iterator[Callable[[bool], None]]:
    """A switch: while on, the database refuses every insert into the audit log."""
    postgres = registry.engine.dialect.name == "postgresql"

    def switch(on: bool) -> None:
        with registry.engine.begin() as conn:
            if not on:
                on_table = " ON audit_events" if postgres else ""
                conn.execute(sa.text(f"DROP TRIGGER IF EXISTS refuse_audit{on_table}"))
            elif postgres:
                conn.execute(
                    sa.text(
                        "CREATE OR REPLACE FUNCTION refuse_audit() RETURNS trigger AS "
                        "$$ BEGIN RAISE EXCEPTION 'audit refused'; END $$ LANGUAGE plpgsql"
                    )
                )
                conn.execute(
                    sa.text(
                        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
                        "FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
                    )
                )
            else:
                conn.execute(
                    sa.text(
                        "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_events "
                        "BEGIN SELECT RAISE(ABORT, 'audit refused'); END"
                    )
                )

    yield switch
    switch(False)


def _snapshot(registry: bootstrap.Registry) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows but the audit log's and the runs' bookkeeping, sorted."""
    tables = sa.inspect(registry.engine).get_table_names()
    with registry.engine.connect() as conn:
        return {
            t: sorted(conn.execute(sa.text(f"SELECT * FROM {t}")).all(), key=repr)  # noqa: S608 - table names from the schema itself
            for t in tables
            if t not in BOOKKEEPING
        }


def _events(registry: bootstrap.Registry) -> list[tuple[str, str | None]]:
    with registry.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT action, person_id FROM audit_events ORDER BY id"))
        return [(r[0], r[1]) for r in rows]


@pytest.mark.parametrize("case", USE_CASES, ids=[c.name for c in USE_CASES])
def test_without_its_audit_event_nothing_of_the_work_is_kept(
    registry: bootstrap.Registry,
    refusing_audit: Callable[[bool], None],
    case: UseCase,
    tmp_path: Path,
) -> None:
    state = case.prepare(registry, tmp_path)
    before = _snapshot(registry)
    refusing_audit(True)
    with pytest.raises(Exception, match="audit refused"):
        case.act(registry, state)
    assert _snapshot(registry) == before


@pytest.mark.parametrize("case", USE_CASES, ids=[c.name for c in USE_CASES])
def test_with_its_audit_event_each_person_touched_is_recorded_once(
    registry: bootstrap.Registry, case: UseCase, tmp_path: Path
) -> None:
    state = case.prepare(registry, tmp_path)
    seen = len(_events(registry))
    touched = case.act(registry, state)
    new = _events(registry)[seen:]
    assert new, "the use case left no audit event"
    per_person = Counter(person for _, person in new if person is not None)
    assert set(per_person) == touched
    assert set(per_person.values()) <= {1}
