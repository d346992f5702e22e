"""The key ring's rotation, as a use case: authorised and audited like any other."""

from __future__ import annotations

from healthid.domain.audit import Action
from healthid.services.access import Caller, Permission
from healthid.services.audit import record
from healthid.services.deps import Deps
from healthid.services.use_case import unit_of_work


def rotate_keys(*, deps: Deps, caller: Caller) -> dict[str, int]:
    """Start new versions of the issuing, data and signing keys; old IDs stay valid.

    The key ring is a file, not a table: its rotation is recorded in the audit
    log once it is written (a rotation that fails to be recorded is reported).
    """
    with unit_of_work(deps, caller, Permission.MANAGE_FACILITIES) as uow:
        versions = deps.keys.rotate()
        detail = "keys rotate: " + ", ".join(f"{k} v{v}" for k, v in sorted(versions.items()))
        record(uow, clock=deps.clock, action=Action.ADMIN, caller=caller, detail=detail)
        uow.commit()
    return versions
