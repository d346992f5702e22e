"""How a use case runs: authorised, in exactly one unit of work, committed once.

Building blocks take the open ``uow`` and never commit; the use case adds its audit
event to the same unit of work as its work, so both are committed or neither is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from healthid.services.access import (
    AuthenticationError,
    Caller,
    Permission,
    Principal,
    authorize,
)
from healthid.services.deps import Deps
from healthid.services.ports import UniquenessError, UnitOfWork

T = TypeVar("T")


@contextmanager
def unit_of_work(
    deps: Deps, caller: Caller, permission: Permission | None, *, facility: str | None = None
) -> Iterator[UnitOfWork]:
    """The use case's one unit of work, its caller authorised and confirmed inside it.

    ``permission`` None: the use case authorises itself (it depends on what it reads).
    """
    if permission is not None:
        authorize(caller.principal, permission, facility=facility)
    with deps.uow() as uow:
        confirm(uow, caller.principal)
        yield uow


def confirm(uow: UnitOfWork, principal: Principal) -> None:
    """Refuse a token whose account was disabled or changed, or which was revoked.

    One read, in the use case's own transaction: the check and the work see one state.
    """
    if principal.confirmed:
        return
    standing = uow.accounts.standing(principal.kind, principal.name, principal.token_id)
    if (
        standing is None
        or standing.disabled
        or standing.revoked
        or standing.role != principal.role
        or standing.facility_code != principal.facility_code
    ):
        raise AuthenticationError("token no longer valid")


def retry_lost_race(work: Callable[[], T]) -> T:
    """Run a whole use case once more if it lost a race on a unique value.

    The database's unique indexes decide a race (two requests for one SI number);
    the second run reads what the winner committed and answers with it.
    """
    try:
        return work()
    except UniquenessError:
        return work()
