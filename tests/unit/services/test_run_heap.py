"""A run's heap frozen between chunks: not walked by the collector, still freed when let go."""

from __future__ import annotations

import gc
import weakref

import pytest

from healthid.services.sync.run_heap import long_lived_heap


class Node:
    def __init__(self) -> None:
        self.partner: Node | None = None


def test_objects_alive_after_a_chunk_are_left_alone_until_the_run_ends() -> None:
    with long_lived_heap() as settle:
        a, b = Node(), Node()
        a.partner, b.partner = b, a  # a reference cycle: only the collector frees it
        cycle = weakref.ref(a)
        settle()
        assert gc.get_freeze_count() > 0
        del a, b
        gc.collect()
        assert cycle() is not None  # frozen: the collector did not walk it
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert cycle() is None  # unfrozen with the run's end, and collected


def test_a_frozen_object_is_freed_as_soon_as_nothing_refers_to_it() -> None:
    with long_lived_heap() as settle:
        leaf = Node()
        gone = weakref.ref(leaf)
        settle()
        del leaf
        assert gone() is None  # reference counting needs no collector


def failing_run() -> None:
    with long_lived_heap() as settle:
        settle()
        raise RuntimeError("the database went away")


def test_the_heap_is_unfrozen_when_the_run_fails() -> None:
    with pytest.raises(RuntimeError, match="went away"):
        failing_run()
    assert gc.get_freeze_count() == 0
