"""The periodic BHXH sync in ``healthid serve``: decides *when*; ``process_inbox`` does the rest.

A background thread, started with the app's lifespan when ``HEALTHID_SYNC_INBOX``
is set, at most one per process. With ``--workers N`` every worker runs one:
the claims in the database (services/sync/inbox.py) let only one server import
a file, so the others find it busy or gone.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import datetime, timedelta

from healthid import bootstrap
from healthid.services.access import registry_itself
from healthid.services.ports import Inbox
from healthid.services.sync import inbox as sync_inbox

log = logging.getLogger("healthid.sync")

# Wake at least this often while waiting, so a wall clock that jumps (an NTP
# step, a suspended VM) delays a pass by a minute at most.
POLL_SECONDS = 60.0
_started: dict[int, InboxScheduler] = {}
_started_lock = threading.Lock()


def owner() -> str:
    """Who holds a claim, for the operator reading sync_inbox_claims: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def describe(outcome: sync_inbox.FileOutcome) -> str:
    """One plain log line: the file name, what happened, counts or the rule — no personal data."""
    line = f"sync inbox: {outcome.file_name} {outcome.outcome}"
    if outcome.run_id:
        line += f", run {outcome.run_id[:8]}"
    if outcome.counts:
        line += ", " + ", ".join(f"{k} {v}" for k, v in outcome.counts.items())
    if outcome.rule:
        line += f", rule {outcome.rule}"
    if outcome.moved_to:
        folder = "archive" if outcome.outcome == sync_inbox.InboxOutcome.IMPORTED else "refused"
        line += f" ({folder}: {outcome.moved_to})"
    return line


class InboxScheduler:
    def __init__(
        self,
        registry: bootstrap.Registry,
        inbox: Inbox,
        schedule: bootstrap.CronSchedule,
        *,
        poll: float = POLL_SECONDS,
    ) -> None:
        self.registry, self.inbox, self.schedule = registry, inbox, schedule
        self.lease = timedelta(seconds=registry.settings.sync_lease_seconds)
        self.poll = poll
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="healthid-sync-inbox", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop waiting; a pass under way is abandoned with the process (its claim lapses)."""
        self._stop.set()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def run_once(self) -> datetime | None:
        """One pass, logged; when to try again before the schedule says (a file was busy)."""
        clock = self.registry.clock
        try:
            outcomes = sync_inbox.process_inbox(
                deps=self.registry.deps,
                caller=registry_itself("sync-inbox"),
                inbox=self.inbox,
                owner=owner(),
                lease=self.lease,
            )
        except Exception as exc:
            # The type only: a driver's message may quote the values it was given.
            # (The thread must live on to the next pass, whatever went wrong.)
            log.error("sync inbox: pass failed (%s); retrying after the lease", type(exc).__name__)
            return clock.now() + self.lease
        for outcome in outcomes:
            log.info(describe(outcome))
        if not outcomes:
            log.info("sync inbox: nothing to import")
        waiting = {sync_inbox.InboxOutcome.BUSY, sync_inbox.InboxOutcome.LOST}
        if any(o.outcome in waiting for o in outcomes):
            return clock.now() + self.lease
        return None

    def _loop(self) -> None:
        retry_at: datetime | None = None
        while not self._stop.is_set():
            now = self.registry.clock.now()
            due = self.schedule.next_after(now)
            if retry_at is not None:
                due = min(due, retry_at)
            log.info(
                "sync inbox: next pass at %s",
                due.astimezone(self.schedule.zone).strftime("%Y-%m-%d %H:%M %z"),
            )
            while (remaining := (due - self.registry.clock.now()).total_seconds()) > 0:
                if self._stop.wait(min(remaining, self.poll)):
                    return
            retry_at = self.run_once()


def running() -> InboxScheduler | None:
    """This process's scheduler, if one is running."""
    with _started_lock:
        found = _started.get(os.getpid())
    return found if found is not None and found.alive else None


def start(registry: bootstrap.Registry) -> InboxScheduler | None:
    """Start this process's scheduler if an inbox is configured and none runs yet."""
    inbox = registry.inbox()
    if inbox is None:
        return None
    schedule = bootstrap.sync_schedule(registry.settings)
    folder = registry.settings.sync_inbox
    if folder is not None and not folder.is_dir():
        log.warning("sync inbox: the folder %s does not exist (yet); passes find nothing", folder)
    with _started_lock:
        running = _started.get(os.getpid())
        if running is not None and running.alive:
            return None
        log.info("sync inbox: passes on '%s', Asia/Ho_Chi_Minh time", schedule.expression)
        scheduler = InboxScheduler(registry, inbox, schedule)
        scheduler.start()
        _started[os.getpid()] = scheduler
    return scheduler


def stop(scheduler: InboxScheduler | None) -> None:
    if scheduler is None:
        return
    scheduler.stop()
    with _started_lock:
        if _started.get(os.getpid()) is scheduler:
            del _started[os.getpid()]
