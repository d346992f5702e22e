"""Sync with the BHXH household database (Điều 5, 7.3): establish IDs from an extract.

Every row is validated; a bad row is rejected with its line, column and rule,
and the good rows of the same file are imported. Each row is applied in its
own transactions, and every step is idempotent (an SI number establishes one
ID; a source key remembers the NGAY_CAP_NHAT it last applied), so a run that
is killed and started again ends where an uninterrupted run would have.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from healthid.domain.bhxh_row import ExtractRow, RowRejectedError, parse_row
from healthid.domain.errors import ConflictError
from healthid.domain.person import Demographics
from healthid.domain.sync import SourceState, SyncRun
from healthid.matching.model import Decision
from healthid.services import registry
from healthid.services.ports import AdminUnits, Clock, KeyRing, UnitOfWorkFactory

Rows = Iterable[tuple[int, dict[str, str] | str]]


@dataclass(frozen=True)
class Reject:
    line: int
    column: str
    rule: str
    reason: str


@dataclass
class SyncResult:
    run: SyncRun
    rejects: list[Reject] = field(default_factory=list)


def _demographics(row: ExtractRow) -> Demographics:
    return Demographics(row.full_name, row.birth_date, row.sex, row.birthplace, row.address)


def _apply(
    row: ExtractRow,
    *,
    uow_factory: UnitOfWorkFactory,
    keys: KeyRing,
    places: AdminUnits,
    clock: Clock,
) -> str:
    """Apply one valid row; the outcome's name for the run's counts."""
    with uow_factory() as uow:
        state = uow.sync.source(row.source_key)
    if state is not None and state.updated_at >= row.updated_at:
        return "unchanged"
    if state is not None:
        registry.correct_demographics(
            uow_factory=uow_factory,
            clock=clock,
            places=places,
            person_id=state.person_id,
            full_name=row.full_name,
            birth_date=row.birth_date.compact(),
            sex=str(row.sex),
            birthplace=row.birthplace,
            address=row.address,
        )
        outcome, person_id = "updated", state.person_id
    elif row.si_number:
        result = registry.establish_health_id(
            uow_factory=uow_factory,
            keys=keys,
            places=places,
            clock=clock,
            si_number=row.si_number,
            full_name=row.full_name,
            birth_date=row.birth_date.compact(),
            sex=str(row.sex),
            birthplace=row.birthplace,
            cccd=row.cccd,
            bhyt_card=row.bhyt_card,
            address=row.address,
        )
        person_id = result.person_id
        outcome = {Decision.MATCH: "linked", Decision.REVIEW: "queued"}.get(result.decision, "new")
        if result.created and result.decision == Decision.MATCH:
            outcome = "new"  # the person was known by CCCD alone: their ID is new
    else:
        person_id, created = registry.register_by_cccd(
            uow_factory, places, clock, str(row.cccd), _demographics(row)
        )
        outcome = "new" if created else "linked"
    with uow_factory() as uow:
        uow.sync.set_source(row.source_key, SourceState(person_id, row.updated_at))
        uow.commit()
    return outcome


def sync_rows(
    *,
    uow_factory: UnitOfWorkFactory,
    keys: KeyRing,
    places: AdminUnits,
    clock: Clock,
    file_name: str,
    checksum: str,
    rows: Rows,
    progress: Callable[[int], None] | None = None,
) -> SyncResult:
    """Import the rows of one extract, recording the run and its counts."""
    run = SyncRun(uuid.uuid4().hex, file_name, checksum, clock.now(), "running")
    with uow_factory() as uow:
        uow.sync.add_run(run)
        uow.commit()
    result = SyncResult(run)
    counts = dict.fromkeys(("new", "updated", "unchanged", "linked", "queued", "rejected"), 0)
    for done, (line, raw) in enumerate(rows, start=1):
        try:
            if isinstance(raw, str):
                result.rejects.append(Reject(line, "", "unreadable_line", raw))
                counts["rejected"] += 1
                continue
            row = parse_row(raw)
            counts[_apply(row, uow_factory=uow_factory, keys=keys, places=places, clock=clock)] += 1
        except RowRejectedError as exc:
            result.rejects.append(Reject(line, exc.column, exc.rule, exc.message_en))
            counts["rejected"] += 1
        except ConflictError as exc:
            result.rejects.append(Reject(line, exc.field, exc.rule, exc.message_en))
            counts["rejected"] += 1
        if progress is not None:
            progress(done)
    run.counts, run.status, run.finished_at = counts, "finished", clock.now()
    with uow_factory() as uow:
        uow.sync.finish_run(run)
        uow.commit()
    return result


def runs(*, uow_factory: UnitOfWorkFactory, limit: int = 50) -> list[SyncRun]:
    with uow_factory() as uow:
        return uow.sync.runs(limit)
