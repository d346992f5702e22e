"""Row ids: unique, in the order they were made, in the UUIDv7 layout."""

from __future__ import annotations

import os
import uuid
from unittest import mock

from healthid.domain import ids
from healthid.domain.ids import new_id


def test_ids_are_unique_and_sort_in_the_order_they_were_made() -> None:
    made = [new_id() for _ in range(20_000)]  # many within one millisecond
    assert made == sorted(made)
    assert len(set(made)) == len(made)


def test_an_id_is_a_version_7_uuid_with_random_bits() -> None:
    a, b = uuid.UUID(new_id()), uuid.UUID(new_id())
    assert (a.version, a.variant) == (7, uuid.RFC_4122)
    assert len(new_id()) == 32
    assert a.int >> 80 <= b.int >> 80  # the millisecond leads
    assert a.int & (1 << 62) - 1 != b.int & (1 << 62) - 1


def test_ids_stay_in_order_when_the_clock_goes_back() -> None:
    first = new_id()
    with mock.patch.object(ids.time, "time_ns", return_value=0):
        later = new_id()
    assert later > first


def test_a_forked_child_draws_its_own_random_bits() -> None:
    new_id()  # the parent's pool holds unused random bytes now
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.write(write, new_id().encode())
        os._exit(0)
    os.waitpid(child, 0)
    from_child = os.read(read, 64).decode()
    from_parent = new_id()
    # The same pool would give the same random tail in both.
    assert from_child[-15:] != from_parent[-15:]
