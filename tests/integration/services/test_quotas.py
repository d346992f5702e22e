"""Lookup quotas hold under concurrency: the counter is one row a caller a minute, atomic."""

from __future__ import annotations

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import sqlalchemy as sa

from healthid import bootstrap
from healthid.domain.accounts import Role
from healthid.services import care, patients
from healthid.services.access import Caller, Principal, RequestContext, operator
from healthid.services.health_ids import PersonInput
from healthid.services.quotas import QuotaExceededError, Quotas

STAFF = Caller(
    Principal("user", "lan.nguyen", Role.STAFF, "01001"), RequestContext(purpose="TREAT")
)
QUOTA = 12


def test_fifty_concurrent_lookups_at_the_edge_succeed_exactly_the_quota(
    registry: bootstrap.Registry,
) -> None:
    patients.register_person(
        deps=registry.deps,
        caller=operator(),
        data=PersonInput("Nguyễn Văn An", "1990-05-01", "male", si_number="0123456789"),
    )
    deps = replace(registry.deps, quotas=Quotas(per_user=QUOTA, per_client=QUOTA))
    attempts = 50
    barrier = threading.Barrier(attempts)

    def look_up(_: int) -> bool:
        barrier.wait()
        try:
            care.identifier_status(deps=deps, caller=STAFF, system="si", value="0123456789")
        except QuotaExceededError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=attempts) as pool:
        answered = list(pool.map(look_up, range(attempts)))
    assert sum(answered) == QUOTA
    with registry.engine.connect() as conn:
        actions = Counter(
            conn.execute(
                sa.text("SELECT action FROM audit_events WHERE actor = :actor"),
                {"actor": STAFF.principal.name},
            ).scalars()
        )
    assert actions == {"person.lookup": QUOTA, "quota.exceeded": attempts - QUOTA}


def test_a_facility_s_quota_holds_across_its_many_accounts(registry: bootstrap.Registry) -> None:
    patients.register_person(
        deps=registry.deps,
        caller=operator(),
        data=PersonInput("Nguyễn Văn An", "1990-05-01", "male", si_number="0123456789"),
    )
    deps = replace(registry.deps, quotas=Quotas(per_user=100, per_client=100, per_facility=5))
    answered = 0
    for n in range(12):  # twelve accounts of one facility, each far below its own quota
        account = Caller(
            Principal("user", f"staff{n}", Role.STAFF, "01001"), RequestContext(purpose="TREAT")
        )
        try:
            care.identifier_status(deps=deps, caller=account, system="si", value="0123456789")
        except QuotaExceededError:
            continue
        answered += 1
    assert answered == 5
    elsewhere = Caller(
        Principal("user", "other", Role.STAFF, "79001"), RequestContext(purpose="TREAT")
    )
    care.identifier_status(deps=deps, caller=elsewhere, system="si", value="0123456789")
