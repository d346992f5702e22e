"""The sync inbox: extracts dropped in a folder, each imported once whichever server runs it.

One pass (``process_inbox``) takes the waiting files in name order. For each it
claims the file, imports it through the same ``sync_rows`` as ``healthid sync
bhxh``, moves it to the archive with its report and rejects, and settles the
claim. A file that is not an extract goes to ``refused/`` with the reason
beside it; so does a copy of a file already imported or refused, so nothing is
retried for ever. The scheduler in ``healthid serve`` only decides *when*.

The lock is a row in the database, not a file lock: the inbox may be a network
share several servers see, where file locks are unreliable, and the database
is the one thing every server already shares. ``sync_inbox_claims`` is keyed by
file name and checksum:

- the first server to insert the row owns the file (the primary key refuses the
  second, on SQLite and PostgreSQL alike);
- the claim holds a *lease*: the owner renews it while importing, and a claim
  whose lease has run out — its server crashed or was killed — can be taken over
  by one conditional UPDATE on the claim's token, which only one server can win;
- a claim settled ``imported`` or ``refused`` keeps the file from being imported
  again, even if the same file (same name and checksum) is copied back.

A PostgreSQL advisory lock would free itself when a server dies, but it needs a
SQLite equivalent, lasts only as long as one connection, and leaves no record;
the claims table works the same on both and says which run imported which file.
Lease times come from each server's clock: keep them in sync (NTP) — a lease of
minutes tolerates seconds of drift. A server that has lost its claim notices at
its next renewal and stops; the rows it applied are idempotent, so the server
that took over ends where one uninterrupted import would have.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import StrEnum

from healthid.domain.errors import ValidationError
from healthid.domain.sync import ClaimState, InboxClaim
from healthid.services.access import Caller
from healthid.services.deps import Deps
from healthid.services.ports import (
    Clock,
    Inbox,
    UniquenessError,
    UnitOfWorkFactory,
)
from healthid.services.sync.run import sync_rows

DEFAULT_LEASE = timedelta(minutes=10)


class InboxOutcome(StrEnum):
    IMPORTED = "imported"
    REFUSED = "refused"  # not an extract: moved to refused/ with the reason
    DUPLICATE = "duplicate"  # already imported or refused: moved to refused/
    BUSY = "busy"  # another server holds a live claim on it
    GONE = "gone"  # moved away (by another server) while this one looked at it
    LOST = "lost"  # this server's claim was taken over mid-import


@dataclass(frozen=True)
class FileOutcome:
    """What one pass did with one file; no personal data (names, counts, rules)."""

    file_name: str
    outcome: InboxOutcome
    run_id: str | None = None
    moved_to: str | None = None
    rule: str | None = None
    counts: dict[str, int] = field(default_factory=dict)


class ClaimLostError(Exception):
    """Another server took over this claim (its lease had run out)."""


class ClaimResult(StrEnum):
    WON = "won"
    BUSY = "busy"
    DONE = "done"


def claim(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    file_name: str,
    checksum: str,
    owner: str,
    lease: timedelta = DEFAULT_LEASE,
) -> tuple[ClaimResult, InboxClaim | None]:
    """Try to own a file: (WON, our claim), (BUSY, theirs) or (DONE, the settled claim)."""
    now = clock.now()
    mine = InboxClaim(
        file_name, checksum, uuid.uuid4().hex, owner[:128], ClaimState.CLAIMED, now, now + lease
    )
    try:
        with uow_factory() as uow:
            existing = uow.sync.claim(file_name, checksum)
            if existing is None:
                uow.sync.add_claim(mine)
                uow.commit()
                return ClaimResult.WON, mine
            if existing.state != ClaimState.CLAIMED:
                return ClaimResult.DONE, existing
            if existing.expires_at > now or not uow.sync.take_over(mine, existing.token):
                return ClaimResult.BUSY, existing
            # The crashed server's run will never finish: say so instead of "running".
            for run in uow.sync.runs_for_file(file_name, checksum):
                if run.status == "running" and run.started_at < existing.expires_at:
                    run.status, run.finished_at = "interrupted", now
                    uow.sync.finish_run(run)
            uow.commit()
            return ClaimResult.WON, mine
    except UniquenessError:
        return ClaimResult.BUSY, None  # another server inserted its claim first


def renew(
    *, uow_factory: UnitOfWorkFactory, clock: Clock, claim: InboxClaim, lease: timedelta
) -> InboxClaim:
    """Extend the lease; ``ClaimLostError`` if another server has taken the file over."""
    expires_at = clock.now() + lease
    with uow_factory() as uow:
        if not uow.sync.renew_claim(claim, expires_at):
            raise ClaimLostError(claim.file_name)
        uow.commit()
    return replace(claim, expires_at=expires_at)


def settle(
    *,
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    claim: InboxClaim,
    state: ClaimState,
    run_id: str | None = None,
) -> None:
    with uow_factory() as uow:
        if not uow.sync.settle_claim(claim, state, run_id, clock.now()):
            raise ClaimLostError(claim.file_name)
        uow.commit()


class _Lease:
    """The claim held while importing; as a progress callback it renews each third of the lease."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, clock: Clock, held: InboxClaim, lease: timedelta
    ) -> None:
        self._uow_factory, self._clock, self._lease = uow_factory, clock, lease
        self.claim = held
        self._renewed = clock.now()

    def renew(self) -> None:
        self.claim = renew(
            uow_factory=self._uow_factory, clock=self._clock, claim=self.claim, lease=self._lease
        )
        self._renewed = self._clock.now()

    def __call__(self, _done: int) -> None:
        if self._clock.now() - self._renewed >= self._lease / 3:
            self.renew()


def _refusal_reason(exc: ValidationError) -> str:
    return (
        f"{exc.field}: {exc.rule}\n"
        f"en: refused, the file {exc.message_en}\n"
        f"vi: bị từ chối, tệp {exc.message_vi}"
    )


def _duplicate_reason(done: InboxClaim) -> str:
    when = f"{done.settled_at:%Y-%m-%d %H:%M} UTC" if done.settled_at else "earlier"
    if done.state == ClaimState.IMPORTED:
        en = f"already imported (run {done.run_id}, {when}); not imported again"
        vi = f"đã được nhập (lần chạy {done.run_id}, {when}); không nhập lại"
    else:
        en = f"already refused ({when}); not retried"
        vi = f"đã bị từ chối ({when}); không thử lại"
    return f"file: already_{done.state}\nen: {en}\nvi: {vi}"


def process_inbox(
    *,
    deps: Deps,
    caller: Caller,
    inbox: Inbox,
    owner: str,
    lease: timedelta = DEFAULT_LEASE,
) -> list[FileOutcome]:
    """One pass over the inbox: what happened to each waiting file, in name order.

    The pass stops at a file another server is importing (busy, or taken over
    from this one): the later files wait for it, so deltas apply in name order,
    and the caller tries again once a lease has run. An unexpected error (the
    database gone) stops the pass too; the file's claim lapses and the next pass
    takes it up.
    """
    outcomes = []
    for name in inbox.pending():
        outcome = _process_file(
            name,
            deps=deps,
            caller=caller,
            inbox=inbox,
            owner=owner,
            lease=lease,
        )
        outcomes.append(outcome)
        if outcome.outcome in (InboxOutcome.BUSY, InboxOutcome.LOST):
            break
    return outcomes


def _process_file(
    name: str,
    *,
    deps: Deps,
    caller: Caller,
    inbox: Inbox,
    owner: str,
    lease: timedelta,
) -> FileOutcome:
    uow_factory, clock = deps.uow, deps.clock
    try:
        checksum, content = inbox.load(name)
    except FileNotFoundError:
        return FileOutcome(name, InboxOutcome.GONE)
    result, held = claim(
        uow_factory=uow_factory,
        clock=clock,
        file_name=name,
        checksum=checksum,
        owner=owner,
        lease=lease,
    )
    if result == ClaimResult.BUSY or held is None:
        return FileOutcome(name, InboxOutcome.BUSY)
    try:
        if result == ClaimResult.DONE:
            moved = inbox.refuse(name, _duplicate_reason(held))
            return FileOutcome(name, InboxOutcome.DUPLICATE, held.run_id, moved)
        return _import(
            name,
            checksum,
            content,
            _Lease(uow_factory, clock, held, lease),
            deps=deps,
            caller=caller,
            inbox=inbox,
        )
    except ClaimLostError:
        return FileOutcome(name, InboxOutcome.LOST)
    except FileNotFoundError:
        return FileOutcome(name, InboxOutcome.GONE)


def _import(
    name: str,
    checksum: str,
    content: bytes,
    held: _Lease,
    *,
    deps: Deps,
    caller: Caller,
    inbox: Inbox,
) -> FileOutcome:
    """Import a claimed file, or refuse it whole; then move it and settle the claim."""
    uow_factory, clock = deps.uow, deps.clock
    try:
        rows = list(inbox.parse(content))
    except ValidationError as exc:
        moved = inbox.refuse(name, _refusal_reason(exc))
        settle(uow_factory=uow_factory, clock=clock, claim=held.claim, state=ClaimState.REFUSED)
        return FileOutcome(name, InboxOutcome.REFUSED, None, moved, exc.rule)
    done = sync_rows(
        deps=deps,
        caller=caller,
        file_name=name,
        checksum=checksum,
        rows=rows,
        progress=held,
    )
    # Still ours? Then move the file before settling: a file still in the inbox is
    # never marked imported, so no other server takes it for a copy of one.
    held.renew()
    moved = inbox.archive(name, done.run, done.rejects)
    settle(
        uow_factory=uow_factory,
        clock=clock,
        claim=held.claim,
        state=ClaimState.IMPORTED,
        run_id=done.run.id,
    )
    return FileOutcome(name, InboxOutcome.IMPORTED, done.run.id, moved, counts=done.run.counts)
