"""Row ids: unique, ordered by the millisecond, in the UUIDv7 layout, and unguessable."""

from __future__ import annotations

import itertools
import os
import uuid
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from healthid.domain import ids
from healthid.domain.ids import RANDOM_BITS, new_id

FROZEN_NS = 1_767_225_600_000_000_000  # 2026-01-01: every id made in one millisecond


def _random_bits(id_: str) -> int:
    """The 74 random bits: 12 after the version nibble, 62 after the variant."""
    value = int(id_, 16)
    return (value >> 64 & (1 << 12) - 1) << 62 | value & (1 << 62) - 1


def _millis(id_: str) -> int:
    return int(id_, 16) >> 80


def test_ids_are_unique_and_sort_by_the_millisecond_they_were_made() -> None:
    made = [new_id() for _ in range(20_000)]  # many within one millisecond
    assert [_millis(i) for i in made] == sorted(_millis(i) for i in made)
    assert len(set(made)) == len(made)


def test_an_id_is_a_version_7_uuid_with_random_bits() -> None:
    a, b = uuid.UUID(new_id()), uuid.UUID(new_id())
    assert (a.version, a.variant) == (7, uuid.RFC_4122)
    assert len(new_id()) == 32
    assert a.int >> 80 <= b.int >> 80  # the millisecond leads
    assert a.int & (1 << 62) - 1 != b.int & (1 << 62) - 1


def test_ids_made_in_a_tight_loop_differ_in_every_random_bit_position() -> None:
    """Each of the 74 random positions flips between neighbours half the time.

    Ids of one millisecond that counted up from the one before (the old layout) share
    their high random bits with their neighbours: those positions would almost never
    differ. 4,000 pairs put a fair bit within 0.45..0.55 with probability 1 - 1e-9.
    """
    with mock.patch.object(ids.time, "time_ns", return_value=FROZEN_NS):
        made = [_random_bits(new_id()) for _ in range(4_001)]
    pairs = list(itertools.pairwise(made))
    fair = [
        position
        for position in range(RANDOM_BITS)
        if 0.45 <= sum((a ^ b) >> position & 1 for a, b in pairs) / len(pairs) <= 0.55
    ]
    assert len(fair) >= 64
    assert len(fair) == RANDOM_BITS


@settings(max_examples=200, deadline=None)
@given(burst=st.integers(min_value=1, max_value=40), clock_back_ms=st.integers(0, 5_000))
def test_knowing_one_id_does_not_give_the_next(burst: int, clock_back_ms: int) -> None:
    """Whatever came before (a burst in one millisecond, a clock set back), the next id's
    random bits are fresh: far from the last id's, never last + small step."""
    with mock.patch.object(ids.time, "time_ns", return_value=FROZEN_NS):
        made = [new_id() for _ in range(burst)]
    earlier = FROZEN_NS - clock_back_ms * 1_000_000
    with mock.patch.object(ids.time, "time_ns", return_value=earlier):
        following = new_id()
    last = made[-1]
    assert _millis(following) == _millis(last)  # the clock went back, the ids did not
    distance = bin(_random_bits(following) ^ _random_bits(last)).count("1")
    # Binomial(74, 1/2): 12 or fewer differing bits has probability below 1e-9.
    assert distance > 12
    assert not 0 < int(following, 16) - int(last, 16) < 1 << 32


def test_ids_stay_in_their_millisecond_when_the_clock_goes_back() -> None:
    first = new_id()
    with mock.patch.object(ids.time, "time_ns", return_value=0):
        later = new_id()
    assert _millis(later) >= _millis(first)


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
