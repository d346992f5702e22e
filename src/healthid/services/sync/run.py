"""Sync with the BHXH household database (Điều 5, 7.3): establish IDs from an extract.

Every row is validated; a bad row is rejected with its line, column and rule,
and the good rows of the same file are imported. Rows are applied in chunks,
each in one transaction (``sync.batch``), and every step is idempotent
(an SI number establishes one ID; a source key remembers the NGAY_CAP_NHAT it
last applied), so a run that is killed and started again resumes at the first
chunk not committed and ends where an uninterrupted run would have. A chunk the
database refuses is applied row by row, each row one unit of work. Every person
a row touches gets an audit event naming the caller (the operator, or the
registry's own scheduler) in the same transaction as the row's work.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from healthid.domain.audit import Action
from healthid.domain.bhxh_row import ExtractRow, RowRejectedError, parse_row
from healthid.domain.errors import NotFoundError, RuleError
from healthid.domain.sync import Reject, SourceState, SyncRun
from healthid.matching.model import Decision
from healthid.services import health_ids
from healthid.services.access import Caller, Permission
from healthid.services.audit import record
from healthid.services.deps import Deps
from healthid.services.health_ids import PersonInput
from healthid.services.ports import UnitOfWork, UnitOfWorkFactory
from healthid.services.sync.batch import BatchSync, row_registration
from healthid.services.sync.pipeline import Chunk, ChunkPipeline, RawRows
from healthid.services.sync.run_heap import long_lived_heap
from healthid.services.use_case import retry_lost_race, unit_of_work

Rows = Iterable[tuple[int, dict[str, str] | str]]
# Rows per transaction: big enough that the per-statement cost vanishes, small
# enough that a killed run loses little and a chunk's reads stay one query each.
CHUNK_ROWS = 2000
# Rows after which the planner's statistics are refreshed during a run (and at its end).
STATISTICS_EVERY_ROWS = 100_000
# ... and at its end, if it started on an empty registry or wrote at least this many
# rows since the last refresh: a delta of 10,000 rows into a million persons changes
# no plan (PostgreSQL's own autovacuum waits for a tenth of a table), and refreshing
# the statistics of a 1M registry costs seconds.
STATISTICS_AT_END_ROWS = 50_000


@dataclass(frozen=True)
class SyncTuning:
    """The one test seam of a run: chunk size, and a hook that hears of rows written but
    not yet committed (the crash tests kill the process there). Production uses defaults."""

    chunk_rows: int = CHUNK_ROWS
    written: Callable[[int], None] | None = None


@dataclass
class SyncResult:
    run: SyncRun
    rejects: list[Reject] = field(default_factory=list)


def _apply(row: ExtractRow, *, deps: Deps, caller: Caller) -> str:
    """Apply one valid row in one unit of work, audited; the outcome's name for the counts."""

    def work() -> str:
        with unit_of_work(deps, caller, Permission.APPLY_SYNC) as uow:
            state = uow.sync.source(row.source_key)
            if state is not None and state.updated_at >= row.updated_at:
                return "unchanged"
            outcome, person_id = _place_row(uow, deps, row, state)
            uow.sync.set_source(row.source_key, SourceState(person_id, row.updated_at))
            record(
                uow,
                clock=deps.clock,
                action=Action.SYNC_APPLY,
                caller=caller,
                person_id=person_id,
                detail=outcome,
            )
            uow.commit()
        return outcome

    return retry_lost_race(work)


def _place_row(
    uow: UnitOfWork, deps: Deps, row: ExtractRow, state: SourceState | None
) -> tuple[str, str]:
    """What the row does to the registry, as registration would do it: (outcome, person)."""
    if state is not None:
        person = uow.persons.get(state.person_id)
        if person is None:
            raise NotFoundError("person")
        data = PersonInput(
            full_name=row.full_name,
            birth_date=row.birth_date.compact(),
            sex=str(row.sex),
            birthplace=row.birthplace,
            address=row.address,
        )
        health_ids.correct(uow, deps, person, data)
        return "updated", state.person_id
    if row.si_number:
        registration = row_registration(deps.places, row, uow.persons.home_indexes)
        result = health_ids.establish(uow, deps, registration)
        outcome = {Decision.MATCH: "linked", Decision.REVIEW: "queued"}.get(result.decision, "new")
        if result.created and result.decision == Decision.MATCH:
            outcome = "new"  # the person was known by CCCD alone: their ID is new
        return outcome, result.person_id
    person_id, created = health_ids.record_by_cccd(uow, deps, str(row.cccd), row.demographics())
    return ("new" if created else "linked"), person_id


def _parse(raw: RawRows, done: int, written: Callable[[int], None] | None) -> Chunk:
    """The chunk's rows validated: those to apply, and those rejected already."""
    rejects: list[Reject] = []
    valid: list[tuple[int, ExtractRow]] = []
    for line, row in raw:
        if isinstance(row, str):
            rejects.append(Reject(line, "", "unreadable_line", row))
            continue
        try:
            valid.append((line, parse_row(row)))
        except RowRejectedError as exc:
            rejects.append(Reject(line, exc.column, exc.rule, exc.message_en))
    chunk = Chunk(raw, valid, rejects, done)
    if written is not None:
        hook = written

        def report_written() -> None:
            # Written, not yet committed: a kill now (the tests' crash hook) loses the chunk.
            for offset in range(1, len(raw) + 1):
                hook(done + offset)

        chunk.before_commit = report_written
    return chunk


def _count_committed(
    chunk: Chunk,
    *,
    result: SyncResult,
    counts: dict[str, int],
    progress: Callable[[int], None] | None,
) -> None:
    """Count a committed chunk's outcomes and rejects, and report its rows."""
    # Progress only once the chunk is committed and nothing is in flight: a caller's own
    # transaction (the inbox renewing its claim) must not wait on a chunk's write lock
    # (SQLite has one).
    if progress is not None:
        for offset in range(1, len(chunk.raw) + 1):
            progress(chunk.done + offset)
    rejects = list(chunk.rejects)
    for (line, _), outcome in zip(chunk.valid, chunk.outcomes or [], strict=True):
        if isinstance(outcome, RuleError):
            rejects.append(Reject(line, outcome.field, outcome.rule, outcome.message_en))
        else:
            counts[outcome] += 1
    counts["rejected"] += len(rejects)
    result.rejects.extend(sorted(rejects, key=lambda r: r.line))


def _apply_one(
    *,
    line: int,
    raw: dict[str, str] | str,
    result: SyncResult,
    counts: dict[str, int],
    deps: Deps,
    caller: Caller,
) -> None:
    """One row in its own transactions, as the sync did before chunks."""
    try:
        if isinstance(raw, str):
            result.rejects.append(Reject(line, "", "unreadable_line", raw))
            counts["rejected"] += 1
            return
        row = parse_row(raw)
        counts[_apply(row, deps=deps, caller=caller)] += 1
    except RowRejectedError as exc:
        result.rejects.append(Reject(line, exc.column, exc.rule, exc.message_en))
        counts["rejected"] += 1
    except RuleError as exc:  # the row contradicts what the registry holds (or a conflict)
        result.rejects.append(Reject(line, exc.field, exc.rule, exc.message_en))
        counts["rejected"] += 1


def sync_rows(
    *,
    deps: Deps,
    caller: Caller,
    file_name: str,
    checksum: str,
    rows: Rows,
    progress: Callable[[int], None] | None = None,
    tuning: SyncTuning | None = None,
) -> SyncResult:
    """Import the rows of one extract, recording the run and its counts.

    ``progress`` hears of rows once they are committed. The run is recorded in a
    transaction of its own (so a killed run is seen), then each chunk is one unit
    of work with the audit events of the persons it touched.
    """
    tuning = tuning or SyncTuning()
    chunk_rows, written = tuning.chunk_rows, tuning.written
    uow_factory, clock = deps.uow, deps.clock
    run = SyncRun(uuid.uuid4().hex, file_name, checksum, clock.now(), "running")
    with unit_of_work(deps, caller, Permission.APPLY_SYNC) as uow:
        uow.sync.add_run(run)
        uow.commit()
    result = SyncResult(run)
    counts = dict.fromkeys(("new", "updated", "unchanged", "linked", "queued", "rejected"), 0)
    batch = BatchSync(deps=deps, caller=caller)

    def settle(chunks: Iterable[Chunk]) -> None:
        for chunk in chunks:
            if chunk.outcomes is not None:
                _count_committed(chunk, result=result, counts=counts, progress=progress)
                continue
            # Another writer took one of the chunk's unique values (or the chunk holds
            # a case only the row-by-row path decides): the database decides, row by row.
            for offset, (line, raw) in enumerate(chunk.raw, start=1):
                _apply_one(
                    line=line,
                    raw=raw,
                    result=result,
                    counts=counts,
                    deps=deps,
                    caller=caller,
                )
                if written is not None:
                    written(chunk.done + offset)
                if progress is not None:
                    progress(chunk.done + offset)

    done = 0
    iterator = iter(rows)
    with long_lived_heap() as settle_heap, ChunkPipeline(batch) as pipeline:
        while raw := list(itertools.islice(iterator, max(chunk_rows, 1))):
            settle(pipeline.push(_parse(raw, done, written)))
            settle_heap()
            done += len(raw)
            if done % STATISTICS_EVERY_ROWS < len(raw):
                settle(pipeline.drain())
                _refresh_statistics(uow_factory)
        settle(pipeline.drain())
    since_refresh = done % STATISTICS_EVERY_ROWS
    if since_refresh and (batch.initial_load or since_refresh >= STATISTICS_AT_END_ROWS):
        _refresh_statistics(uow_factory)
    run.counts, run.status, run.finished_at = counts, "finished", clock.now()
    with uow_factory() as uow:
        uow.sync.finish_run(run)
        # With the run's end, in one transaction: a finished run always has its rejects.
        uow.sync.add_rejects(run.id, result.rejects)
        uow.commit()
    return result


def _refresh_statistics(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        uow.bulk.refresh_statistics()
        uow.commit()


def _audit_read(uow: UnitOfWork, deps: Deps, caller: Caller, detail: str) -> None:
    record(uow, clock=deps.clock, action=Action.SYNC_READ, caller=caller, detail=detail)
    uow.commit()


def runs(*, deps: Deps, caller: Caller, limit: int = 50, offset: int = 0) -> list[SyncRun]:
    """The latest runs first, with their counts; the read is audited."""
    with unit_of_work(deps, caller, Permission.READ_SYNC_RUNS) as uow:
        found = uow.sync.runs(limit, offset)
        _audit_read(uow, deps, caller, "runs")
    return found


def run(*, deps: Deps, caller: Caller, run_id: str) -> SyncRun:
    """One run; ``NotFoundError`` if there is none by that id."""
    with unit_of_work(deps, caller, Permission.READ_SYNC_RUNS) as uow:
        found = uow.sync.run(run_id)
        if found is None:
            raise NotFoundError("sync_run")
        _audit_read(uow, deps, caller, f"run {run_id}")
    return found


def rejects(
    *, deps: Deps, caller: Caller, run_id: str, limit: int | None = None, offset: int = 0
) -> list[Reject]:
    """A run's rejects in file order (line, column, rule, reason — no personal data)."""
    with unit_of_work(deps, caller, Permission.READ_SYNC_RUNS) as uow:
        if uow.sync.run(run_id) is None:
            raise NotFoundError("sync_run")
        found = uow.sync.rejects(run_id, limit, offset)
        _audit_read(uow, deps, caller, f"rejects {run_id}")
    return found
