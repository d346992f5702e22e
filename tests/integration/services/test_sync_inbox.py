"""The sync inbox: claims and leases, archive and refused moves, idempotence, take-over."""

from __future__ import annotations

import csv
import io
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from healthid import bootstrap
from healthid.adapters.sync.files import FolderInbox
from healthid.domain.sync import ClaimState, InboxClaim, SyncRun
from healthid.services.access import operator
from healthid.services.sync import inbox as sync_inbox
from healthid.services.sync import run as sync
from healthid.services.sync.inbox import (
    ClaimLostError,
    ClaimResult,
    InboxOutcome,
    claim,
    renew,
    settle,
)
from tests.integration.services.inbox_support import (
    BAD,
    BINH,
    LAN,
    PERSONAL,
    JumpingClock,
    counted,
    extract,
    one_pass,
)

LEASE = timedelta(minutes=10)


@pytest.fixture
def clock(registry: bootstrap.Registry) -> JumpingClock:
    registry.clock = JumpingClock()
    return registry.clock


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    return tmp_path / "inbox"


def take(
    registry: bootstrap.Registry, owner: str, checksum: str = "a" * 64
) -> tuple[ClaimResult, InboxClaim | None]:
    return claim(
        uow_factory=registry.uow,
        clock=registry.clock,
        file_name="bhxh.csv",
        checksum=checksum,
        owner=owner,
        lease=LEASE,
    )


# Claims and leases


def test_the_first_claim_wins_and_the_next_finds_it_busy(
    registry: bootstrap.Registry, clock: JumpingClock
) -> None:
    assert take(registry, "a")[0] == ClaimResult.WON
    assert take(registry, "b")[0] == ClaimResult.BUSY
    # Another checksum under the same name is another delivery: its own claim.
    assert take(registry, "b", checksum="b" * 64)[0] == ClaimResult.WON


def test_an_expired_claim_is_taken_over_once_and_its_old_owner_can_no_longer_use_it(
    registry: bootstrap.Registry, clock: JumpingClock
) -> None:
    _, mine = claim(
        uow_factory=registry.uow,
        clock=clock,
        file_name="bhxh.csv",
        checksum="a" * 64,
        owner="a",
        lease=LEASE,
    )
    assert mine is not None
    clock.offset += LEASE + timedelta(seconds=1)
    won, theirs = take(registry, "b")
    assert won == ClaimResult.WON
    assert take(registry, "c")[0] == ClaimResult.BUSY  # b's lease is fresh
    with pytest.raises(ClaimLostError):
        renew(uow_factory=registry.uow, clock=clock, claim=mine, lease=LEASE)
    with pytest.raises(ClaimLostError):
        settle(uow_factory=registry.uow, clock=clock, claim=mine, state=ClaimState.IMPORTED)
    assert theirs is not None
    settle(
        uow_factory=registry.uow,
        clock=clock,
        claim=theirs,
        state=ClaimState.IMPORTED,
        run_id="r" * 32,
    )
    clock.offset += 10 * LEASE  # a settled claim never expires
    done, settled = take(registry, "d")
    assert done == ClaimResult.DONE
    assert settled is not None
    assert (settled.owner, settled.state, settled.run_id) == ("b", "imported", "r" * 32)


def test_a_renewed_claim_outlives_its_first_lease(
    registry: bootstrap.Registry, clock: JumpingClock
) -> None:
    _, mine = take(registry, "a")
    assert mine is not None
    clock.offset += timedelta(minutes=8)
    renew(uow_factory=registry.uow, clock=clock, claim=mine, lease=LEASE)
    clock.offset += timedelta(minutes=8)  # 16 minutes after the claim, 8 after the renewal
    assert take(registry, "b")[0] == ClaimResult.BUSY


def _contender(clock: JumpingClock, owner: str) -> InboxClaim:
    now = clock.now()
    return InboxClaim(
        "bhxh.csv", "a" * 64, uuid.uuid4().hex, owner, ClaimState.CLAIMED, now, now + LEASE
    )


def _take_over(registry: bootstrap.Registry, new: InboxClaim, token: str) -> bool:
    with registry.uow() as uow:
        won = uow.sync.take_over(new, token)
        uow.commit()
    return won


def test_of_two_servers_taking_over_one_expired_claim_only_the_first_wins(
    registry: bootstrap.Registry, clock: JumpingClock
) -> None:
    _, old = take(registry, "a")
    assert old is not None
    clock.offset += LEASE + timedelta(seconds=1)
    # Both read the expired claim; the database applies one update, then the token differs.
    assert _take_over(registry, _contender(clock, "b"), old.token)
    assert not _take_over(registry, _contender(clock, "c"), old.token)


def test_a_live_claim_cannot_be_taken_over_even_with_its_token(
    registry: bootstrap.Registry, clock: JumpingClock
) -> None:
    _, live = take(registry, "a")
    assert live is not None
    assert not _take_over(registry, _contender(clock, "b"), live.token)


# One pass over the inbox


def test_files_are_imported_in_name_order_archived_with_reports_and_non_extracts_refused(
    registry: bootstrap.Registry, inbox: Path
) -> None:
    extract(inbox / "2026-01-02.csv", [{**LAN, "NGAY_CAP_NHAT": "2026-01-02T08:00:00+07:00"}])
    extract(inbox / "2026-01-01.csv", [LAN, BAD, BINH])
    (inbox / "junk.csv").write_bytes(b"\x00\x01binary")
    (inbox / "notes.txt").write_text("not a csv", encoding="utf-8")
    extract(inbox / ".arriving.csv", [LAN])  # still being written under a hidden name

    outcomes = one_pass(registry, inbox)

    assert [(o.file_name, o.outcome) for o in outcomes] == [
        ("2026-01-01.csv", InboxOutcome.IMPORTED),
        ("2026-01-02.csv", InboxOutcome.IMPORTED),
        ("junk.csv", InboxOutcome.REFUSED),
    ]
    assert outcomes[0].counts == {**dict.fromkeys(outcomes[0].counts, 0), "new": 2, "rejected": 1}
    assert outcomes[1].counts["updated"] == 1
    assert outcomes[2].rule == "binary"
    assert sorted(p.name for p in inbox.iterdir() if p.is_file()) == [".arriving.csv", "notes.txt"]

    archive = inbox / "archive"
    first = outcomes[0].run_id
    assert first is not None
    assert (
        sorted(p.name for p in archive.iterdir())
        == sorted(
            [
                "2026-01-01.csv",
                f"2026-01-01.csv.{first[:8]}.rejects.csv",
                f"2026-01-01.csv.{first[:8]}.report.json",
                "2026-01-02.csv",
                f"2026-01-02.csv.{outcomes[1].run_id[:8]}.rejects.csv",  # type: ignore[index]
                f"2026-01-02.csv.{outcomes[1].run_id[:8]}.report.json",  # type: ignore[index]
            ]
        )
    )
    rejects_file = (archive / f"2026-01-01.csv.{first[:8]}.rejects.csv").read_text("utf-8")
    assert [r["RULE"] for r in csv.DictReader(io.StringIO(rejects_file))] == ["bad_format"]
    assert [r.rule for r in sync.rejects(deps=registry.deps, caller=operator(), run_id=first)] == [
        "bad_format"
    ]
    assert [p for p in PERSONAL if p in rejects_file] == []

    refused = inbox / "refused"
    assert sorted(p.name for p in refused.iterdir()) == ["junk.csv", "junk.csv.reason.txt"]
    reason = (refused / "junk.csv.reason.txt").read_text("utf-8")
    assert "binary" in reason
    assert "vi:" in reason
    assert counted(registry)["sync_runs"] == 2  # a refused file starts no run


def test_a_file_copied_back_is_not_imported_again(
    registry: bootstrap.Registry, inbox: Path
) -> None:
    extract(inbox / "bhxh.csv", [LAN, BINH])
    (inbox / "junk.csv").write_bytes(b"\x00binary")
    [imported, _] = one_pass(registry, inbox)
    before = counted(registry)

    shutil.copy(inbox / "archive" / "bhxh.csv", inbox / "bhxh.csv")
    shutil.copy(inbox / "refused" / "junk.csv", inbox / "junk.csv")
    outcomes = one_pass(registry, inbox, owner="server-b")

    assert [(o.file_name, o.outcome) for o in outcomes] == [
        ("bhxh.csv", InboxOutcome.DUPLICATE),
        ("junk.csv", InboxOutcome.DUPLICATE),
    ]
    assert counted(registry) == before  # no new run, no new person
    assert list(inbox.glob("*.csv")) == []
    reasons = sorted((inbox / "refused").glob("*.reason.txt"))
    texts = {p.name: p.read_text("utf-8") for p in reasons}
    duplicate = next(t for n, t in texts.items() if n.startswith("bhxh"))
    assert "already_imported" in duplicate
    assert str(imported.run_id) in duplicate
    assert any("already_refused" in t for t in texts.values())


def test_a_corrected_delivery_under_the_same_name_is_imported_beside_the_first(
    registry: bootstrap.Registry, inbox: Path
) -> None:
    extract(inbox / "bhxh.csv", [LAN])
    one_pass(registry, inbox)
    extract(inbox / "bhxh.csv", [LAN, BINH])  # same name, new content, new checksum
    [again] = one_pass(registry, inbox)
    assert (again.outcome, again.counts["new"], again.counts["unchanged"]) == (
        InboxOutcome.IMPORTED,
        1,
        1,
    )
    assert again.moved_to == f"bhxh.{str(again.run_id)[:8]}.csv"
    assert (inbox / "archive" / "bhxh.csv").exists()


def test_a_crashed_servers_claim_holds_until_its_lease_runs_out_then_is_taken_over(
    registry: bootstrap.Registry, clock: JumpingClock, inbox: Path
) -> None:
    path = extract(inbox / "a.csv", [LAN, BINH])
    extract(inbox / "b.csv", [BINH])
    checksum = bootstrap.file_checksum(path)
    # A server claimed a.csv, started its run, and died.
    _, crashed = claim(
        uow_factory=registry.uow,
        clock=clock,
        file_name="a.csv",
        checksum=checksum,
        owner="crashed",
        lease=LEASE,
    )
    dead = SyncRun(uuid.uuid4().hex, "a.csv", checksum, clock.now(), "running")
    with registry.uow() as uow:
        uow.sync.add_run(dead)
        uow.commit()

    # Within its lease: busy, and the pass waits rather than import b.csv first.
    assert [(o.file_name, o.outcome) for o in one_pass(registry, inbox)] == [
        ("a.csv", InboxOutcome.BUSY)
    ]
    assert (inbox / "a.csv").exists()
    assert (inbox / "b.csv").exists()

    clock.offset += LEASE + timedelta(seconds=1)
    outcomes = one_pass(registry, inbox)
    assert [(o.file_name, o.outcome) for o in outcomes] == [
        ("a.csv", InboxOutcome.IMPORTED),
        ("b.csv", InboxOutcome.IMPORTED),
    ]
    assert sync.run(deps=registry.deps, caller=operator(), run_id=dead.id).status == "interrupted"
    assert crashed is not None


def test_a_server_that_loses_its_claim_mid_import_stops_and_leaves_the_file(
    registry: bootstrap.Registry, clock: JumpingClock, inbox: Path
) -> None:
    extract(inbox / "a.csv", [LAN, BINH])

    class Stalling(FolderInbox):
        """Parsing 'takes' longer than the lease, and another server takes the file over."""

        def parse(self, content: bytes) -> Iterator[tuple[int, dict[str, str] | str]]:
            rows = list(super().parse(content))
            clock.offset += LEASE + timedelta(seconds=1)
            checksum = bootstrap.file_checksum(inbox / "a.csv")
            won, _ = claim(
                uow_factory=registry.uow,
                clock=clock,
                file_name="a.csv",
                checksum=checksum,
                owner="b",
                lease=LEASE,
            )
            assert won == ClaimResult.WON
            return iter(rows)

    outcomes = sync_inbox.process_inbox(
        deps=replace(registry.deps, clock=clock),
        caller=operator(),
        inbox=Stalling(inbox, min_age=0),
        owner="a",
        lease=LEASE,
    )
    assert [(o.file_name, o.outcome) for o in outcomes] == [("a.csv", InboxOutcome.LOST)]
    assert (inbox / "a.csv").exists()  # left for b, which owns it now
    assert not (inbox / "archive").exists()
