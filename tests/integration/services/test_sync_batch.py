"""The sync in chunks decides as registration does: duplicates in a chunk, across chunks,
against persons registered through the API, and row by row when the database refuses a chunk."""

from __future__ import annotations

import csv
import io
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from healthid import bootstrap
from healthid.adapters.sync.bulk import SqlSyncBulkRepository
from healthid.config import Settings
from healthid.domain.bhxh_row import parse_row
from healthid.domain.identifiers import Identifier
from healthid.services import health_ids
from healthid.services.access import operator
from healthid.services.sync import run as sync
from healthid.services.sync.batch import BatchSync, RowByRowError
from healthid.synth.bhxh import write
from tests.integration.services.support import establish, lookup, small_population

THUY = {
    "MA_HO_GD": "010000000000001",
    "MA_SO_BHXH": "0123456789",
    "SO_CCCD": "001190012345",
    "HO_TEN": "Nguyễn Thị Thuỷ",
    "NGAY_SINH": "19900312",
    "GIOI_TINH": "2",
    "MA_THE_BHYT": "GD4010123456789",
    "NOI_SINH": "Hà Nội",
    "MATINH_CU_TRU": "01",
    "MAXA_CU_TRU": "00004",
    "DIA_CHI": "Số 1 Lê Lợi",
    "QUAN_HE_CHU_HO": "Chủ hộ",
    "NGAY_CAP_NHAT": "2025-01-02T08:00:00+07:00",
}
# The same woman under a second SI number, written without marks and without her CCCD.
THUY_AGAIN = {
    **THUY,
    "MA_HO_GD": "790000000000002",
    "MA_SO_BHXH": "7912345678",
    "SO_CCCD": "",
    "MA_THE_BHYT": "",
    "HO_TEN": "NGUYEN THI THUY",
}
BINH = {
    **THUY,
    "MA_SO_BHXH": "0123400001",
    "SO_CCCD": "",
    "MA_THE_BHYT": "",
    "HO_TEN": "Trần Văn Bình",
    "NGAY_SINH": "19751120",
    "GIOI_TINH": "1",
}


@pytest.fixture
def registry(registry: bootstrap.Registry, database_url: str) -> bootstrap.Registry:
    """The tests here are about chunks and the run's index, not how much evidence a link
    needs: THUY_AGAIN is linked to Thuỷ on name, date and birthplace, as in a small
    registry (``small_population``). At national scale that pair is for a reviewer
    (tests/integration/services/test_matching_on_registration.py). ``database_url`` is
    named again: an overriding fixture loses the backend's parameters otherwise."""
    return small_population(registry)


def run(
    registry: bootstrap.Registry, rows: list[dict[str, str]], chunk_rows: int = 2000
) -> sync.SyncResult:
    return sync.sync_rows(
        deps=registry.deps,
        caller=operator(),
        file_name="bhxh.csv",
        checksum="0" * 64,
        rows=list(enumerate(rows, start=2)),
        tuning=sync.SyncTuning(chunk_rows=chunk_rows),
    )


def register_her(
    registry: bootstrap.Registry, *, si_number: str = "0123456789", birthplace: str = "Hà Nội"
) -> health_ids.Established:
    """Thuỷ (THUY's data and CCCD) registered through the API, as a facility would.

    With her birthplace: without it, her unmarked second record is only probably
    her even in a small registry, and a reviewer's."""
    return establish(
        registry,
        si_number=si_number,
        full_name="Nguyễn Thị Thuỷ",
        birth_date="1990-03-12",
        sex="female",
        birthplace=birthplace,
        cccd=THUY["SO_CCCD"],
    )


def person_of(registry: bootstrap.Registry, si: str) -> str:
    view = lookup(registry, "si", si)
    return view.person.id


@pytest.mark.parametrize("chunk_rows", [2000, 1], ids=["one chunk", "a chunk per row"])
def test_a_duplicate_is_linked_within_a_chunk_and_across_chunks(
    registry: bootstrap.Registry, chunk_rows: int
) -> None:
    result = run(registry, [THUY, BINH, THUY_AGAIN], chunk_rows)
    assert result.run.counts["new"] == 2
    assert result.run.counts["linked"] == 1
    assert person_of(registry, "7912345678") == person_of(registry, "0123456789")
    assert person_of(registry, "0123400001") != person_of(registry, "0123456789")


@pytest.mark.parametrize("chunk_rows", [2000, 1], ids=["one chunk", "a chunk per row"])
def test_an_initial_load_reads_nothing_back_from_the_database(
    registry: bootstrap.Registry, monkeypatch: pytest.MonkeyPatch, chunk_rows: int
) -> None:
    asked: list[str] = []
    for name in ("block_members", "owners", "sources", "health_ids_by_si"):
        read = getattr(SqlSyncBulkRepository, name)

        def counted(self: SqlSyncBulkRepository, wanted: Any, _read: Any = read) -> Any:
            asked.append(_read.__name__)
            return _read(self, wanted)

        monkeypatch.setattr(SqlSyncBulkRepository, name, counted)
    newer = {**THUY, "DIA_CHI": "Số 9 Hùng Vương", "NGAY_CAP_NHAT": "2026-01-02T08:00:00+07:00"}
    third_si = {**THUY_AGAIN, "MA_SO_BHXH": "7912345670", "SO_CCCD": THUY["SO_CCCD"]}
    result = run(registry, [THUY, BINH, THUY_AGAIN, third_si, newer], chunk_rows)
    counts = result.run.counts
    # Found in what the run wrote itself: her second SI number (by her keys), her third
    # (by her CCCD), her newer row (by its source state).
    assert (counts["new"], counts["linked"], counts["updated"]) == (2, 2, 1)
    assert asked == []
    run(registry, [{**BINH, "MA_SO_BHXH": "0123400002"}])  # the registry is not empty now
    assert set(asked) == {"block_members", "owners", "sources", "health_ids_by_si"}


def test_an_initial_load_meets_what_another_writer_registered_meanwhile(
    registry: bootstrap.Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    decide = BatchSync.decide
    decided: list[int] = []

    def then_the_api_registers(self: BatchSync, *args: Any, **kwargs: Any) -> Any:
        found = decide(self, *args, **kwargs)
        if not decided:  # after the first chunk, the API registers her CCCD
            register_her(registry, si_number="0123456780")
        decided.append(1)
        return found

    monkeypatch.setattr(BatchSync, "decide", then_the_api_registers)
    # The run reads nothing back, so it places her as new; the database refuses her
    # CCCD, the chunk goes row by row, and she is linked to the API's person.
    result = run(registry, [BINH, THUY, THUY_AGAIN], chunk_rows=1)
    assert (result.run.counts["new"], result.run.counts["linked"]) == (1, 2)
    assert person_of(registry, "0123456789") == person_of(registry, "0123456780")
    assert person_of(registry, "7912345678") == person_of(registry, "0123456780")


@pytest.mark.parametrize("path", ["chunked", "row by row"])
def test_a_newer_row_that_contradicts_the_persons_cccd_is_rejected_not_fatal(
    registry: bootstrap.Registry, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    run(registry, [THUY, BINH])
    if path == "row by row":

        def refuse(self: BatchSync, *args: Any, **kwargs: Any) -> Any:
            raise RowByRowError("as if the database had refused the chunk")

        monkeypatch.setattr(BatchSync, "decide", refuse)
    # Her CCCD says born in (19)90; a newer row of her SI number, without the CCCD,
    # says 1991: the registry keeps her data and rejects the row, and the file's
    # other rows go in.
    contradicting = {
        **THUY,
        "SO_CCCD": "",
        "NGAY_SINH": "19910312",
        "NGAY_CAP_NHAT": "2026-01-02T08:00:00+07:00",
    }
    newer_binh = {
        **BINH,
        "DIA_CHI": "Số 9 Hùng Vương",
        "NGAY_CAP_NHAT": "2026-01-02T08:00:00+07:00",
    }
    result = run(registry, [contradicting, newer_binh])
    assert (result.run.counts["rejected"], result.run.counts["updated"]) == (1, 1)
    [reject] = result.rejects
    assert (reject.line, reject.rule) == (2, "birth_year_mismatch")
    her = lookup(registry, "si", "0123456789")
    assert her.person.demographics.birth_date.year == 1990


def test_a_row_links_to_a_person_registered_through_the_api(
    registry: bootstrap.Registry,
) -> None:
    first = register_her(registry)
    result = run(registry, [BINH, THUY_AGAIN])
    assert (result.run.counts["new"], result.run.counts["linked"]) == (1, 1)
    assert person_of(registry, "7912345678") == first.person_id


@pytest.mark.parametrize("chunk_rows", [2000, 1], ids=["one chunk", "a chunk per row"])
def test_a_row_matching_two_people_links_to_neither(
    registry: bootstrap.Registry, chunk_rows: int
) -> None:
    # Two women the registry holds apart (different CCCDs) and a row, without
    # CCCD, that is either of them as far as the data can tell.
    other = {**THUY, "MA_SO_BHXH": "0123456780", "SO_CCCD": "001190054321", "MA_THE_BHYT": ""}
    result = run(registry, [THUY, other, THUY_AGAIN], chunk_rows)
    # Her namesake is queued against her (different CCCDs: never automatic), and
    # the third row against the likelier of the two.
    assert (result.run.counts["new"], result.run.counts["queued"]) == (1, 2)
    assert result.run.counts["linked"] == 0
    persons = {person_of(registry, si) for si in ("0123456789", "0123456780", "7912345678")}
    assert len(persons) == 3


@pytest.mark.parametrize("chunk_rows", [2000, 1], ids=["one chunk", "a chunk per row"])
def test_a_chunk_the_database_refuses_is_applied_row_by_row(
    registry: bootstrap.Registry, monkeypatch: pytest.MonkeyPatch, chunk_rows: int
) -> None:
    register_her(registry)

    # As if the API registered her CCCD after the chunk read who holds what: the
    # chunk's insert of that CCCD then clashes with the unique index.
    def blind(self: SqlSyncBulkRepository, identifiers: object) -> dict[Identifier, str]:
        return {}

    monkeypatch.setattr(SqlSyncBulkRepository, "owners", blind)
    second_si = {**THUY, "MA_SO_BHXH": "0123456780", "MA_THE_BHYT": ""}
    # A chunk per row: the third row is decided while the second is being written, as
    # if the second's new person existed; when the second is refused, the third is
    # decided again and links to her, not to a person never committed.
    result = run(registry, [BINH, second_si, THUY_AGAIN], chunk_rows)
    assert result.run.counts["new"] == 1  # Bình, row by row
    assert result.run.counts["linked"] == 2  # her second SI number, found by her CCCD
    assert person_of(registry, "0123456780") == person_of(registry, "0123456789")
    assert person_of(registry, "7912345678") == person_of(registry, "0123456789")


def test_a_chunk_decided_while_the_previous_is_written_reads_that_chunks_writes(
    registry: bootstrap.Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(registry, [BINH])  # a registry in use: blocking keys are read from the database
    write_now = BatchSync.write

    def slow_write(self: BatchSync, *args: Any, **kwargs: Any) -> None:
        time.sleep(0.3)  # the next chunk is decided meanwhile, before this one commits
        write_now(self, *args, **kwargs)

    by_row: list[object] = []
    apply_now = sync._apply

    def counted(*args: Any, **kwargs: Any) -> str:
        by_row.append(args)
        return apply_now(*args, **kwargs)

    monkeypatch.setattr(BatchSync, "write", slow_write)
    monkeypatch.setattr(sync, "_apply", counted)
    # Known by CCCD alone: her blocking keys are written, never asked for by her chunk.
    by_cccd = {**THUY, "MA_SO_BHXH": "", "MA_THE_BHYT": ""}
    newer = {
        **THUY_AGAIN,
        "DIA_CHI": "Số 9 Hùng Vương",
        "NGAY_CAP_NHAT": "2026-01-02T08:00:00+07:00",
    }
    result = run(registry, [by_cccd, THUY_AGAIN, newer], chunk_rows=1)
    counts = result.run.counts
    # She is found through her keys while her chunk is in flight, and gets her ID then;
    # the newer row of her SI number finds the source state that chunk wrote.
    assert (counts["new"], counts["linked"], counts["updated"]) == (2, 0, 1)
    her = lookup(registry, "cccd", THUY["SO_CCCD"])
    assert person_of(registry, "7912345678") == her.person.id
    assert by_row == []  # no chunk refused: each read the one in flight as written


# Twins: one household, one birth date, one of them written without the middle name. In
# a small registry the two records would be one boy; the household says two.
AN = {
    **THUY,
    "MA_SO_BHXH": "0123400011",
    "SO_CCCD": "",
    "MA_THE_BHYT": "",
    "HO_TEN": "Nguyễn Văn An",
    "NGAY_SINH": "20150601",
    "GIOI_TINH": "1",
}
AN_TWIN = {**AN, "MA_SO_BHXH": "0123400012", "HO_TEN": "Nguyễn An"}


@pytest.mark.parametrize("path", ["one chunk", "a chunk per row", "row by row", "a later run"])
def test_twins_of_one_household_are_never_linked(
    registry: bootstrap.Registry, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    if path == "a later run":  # the household and ward read back from the database
        run(registry, [AN])
        result = run(registry, [AN_TWIN])
    else:
        if path == "row by row":

            def refuse(self: BatchSync, *args: Any, **kwargs: Any) -> Any:
                raise RowByRowError("as if the database had refused the chunk")

            monkeypatch.setattr(BatchSync, "decide", refuse)
        result = run(registry, [AN, AN_TWIN], chunk_rows=1 if path == "a chunk per row" else 2000)
    assert result.run.counts["linked"] == 0
    assert result.run.counts["queued"] == 1  # a person may still say they are one
    assert person_of(registry, "0123400011") != person_of(registry, "0123400012")
    with registry.uow() as uow:
        [pair] = uow.reviews.list()
    assert pair.weights["ward"][0] == "equal"  # the ward was compared too


def test_the_same_two_records_in_two_households_are_one_child(
    registry: bootstrap.Registry,
) -> None:
    # The twins rule, not the data, kept them apart above.
    result = run(registry, [AN, {**AN_TWIN, "MA_HO_GD": "010000000000002"}])
    assert result.run.counts["linked"] == 1
    assert person_of(registry, "0123400011") == person_of(registry, "0123400012")


def _groups(registry: bootstrap.Registry, rows: list[dict[str, str]]) -> set[frozenset[str]]:
    persons: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        key = parse_row(row).source_key
        with registry.uow() as uow:
            state = uow.sync.source(key)
        assert state is not None
        persons[state.person_id].add(key)
    return {frozenset(keys) for keys in persons.values()}


def _count(registry: bootstrap.Registry, table: str) -> int:
    with registry.engine.connect() as conn:
        return int(conn.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0)  # noqa: S608


@pytest.mark.parametrize("seeded", [False, True], ids=["empty registry", "registry in use"])
@pytest.mark.parametrize("chunk_rows", [37, 1])
def test_chunks_decide_as_the_row_by_row_path_does(
    tmp_path: Path, chunk_rows: int, seeded: bool
) -> None:
    # Each chunk is decided while the one before is written; in a registry in use
    # its blocking keys come from the database, as the previous chunk leaves them.
    write(tmp_path / "x", persons=150, dup_rate=0.2, seed=8)
    text = (tmp_path / "x" / "bhxh.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    if seeded:
        rows = [{**THUY, "MA_SO_BHXH": "0199999999", "SO_CCCD": "", "MA_THE_BHYT": ""}, *rows]

    def registry_at(name: str) -> bootstrap.Registry:
        return bootstrap.init_registry(
            Settings(database_url=f"sqlite:///{tmp_path / name}", keys=tmp_path / "keys.json")
        )[0]

    chunked, by_row = registry_at("chunked.db"), registry_at("by_row.db")
    if seeded:
        run(chunked, rows[:1])
    counts = run(chunked, rows[seeded:], chunk_rows=chunk_rows).run.counts
    if seeded:
        counts["new"] += 1
    expected = dict.fromkeys(counts, 0)
    for row in rows:
        outcome = sync._apply(parse_row(row), deps=by_row.deps, caller=operator())
        expected[outcome] += 1
    assert counts == expected
    assert counts["linked"] + counts["queued"] > 0  # the file has duplicates to find
    assert _groups(chunked, rows) == _groups(by_row, rows)
    for table in ("health_ids", "identifiers", "blocking_keys", "review_pairs"):
        assert _count(chunked, table) == _count(by_row, table), table
    chunked.close()
    by_row.close()


def test_a_run_leaves_the_planner_statistics_of_what_it_wrote(
    registry: bootstrap.Registry,
) -> None:
    run(registry, [THUY, BINH])
    with registry.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # Analysed, and vacuumed: pages marked all-visible allow index-only scans.
            analysed = conn.scalar(
                sa.text(
                    "SELECT s.last_analyze IS NOT NULL AND s.last_vacuum IS NOT NULL "
                    "AND c.relallvisible > 0 "
                    "FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid "
                    "WHERE s.relname = 'blocking_keys' AND s.schemaname = current_schema()"
                )
            )
        else:
            analysed = conn.scalar(
                sa.text("SELECT count(*) > 0 FROM sqlite_stat1 WHERE tbl = 'blocking_keys'")
            )
    assert analysed


def test_a_small_delta_into_a_registry_in_use_leaves_the_statistics_alone(
    registry: bootstrap.Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    refreshed: list[object] = []
    refresh = SqlSyncBulkRepository.refresh_statistics

    def counted(self: SqlSyncBulkRepository) -> None:
        refreshed.append(self)
        refresh(self)

    monkeypatch.setattr(SqlSyncBulkRepository, "refresh_statistics", counted)
    run(registry, [THUY])
    assert len(refreshed) == 1  # an initial load, however small, ends with a refresh
    run(registry, [BINH])
    assert len(refreshed) == 1  # one row into a registry in use changes no plan
