"""A long run's heap kept out of the cyclic garbage collector's way.

A sync's in-memory index grows to millions of objects (2.7 GiB at a million
rows) that live until the run ends. CPython's cyclic collector walks every
object it tracks at each full collection, and starts one whenever the objects
it tracks have grown by a quarter: at 300,000 rows that walking was a quarter
of the sync's CPU. After each chunk the objects then alive are frozen: moved
out of the collector's generations, never walked again, yet still freed by
reference counting as soon as the run lets go of them. When the run ends they
are unfrozen, so that any reference cycle among them is collected after all.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def long_lived_heap() -> Iterator[Callable[[], None]]:
    """``with long_lived_heap() as settle: ...``, calling ``settle()`` after each chunk.

    ``settle``: what is alive now lives on, and the collector no longer walks it.
    """
    try:
        yield gc.freeze
    finally:
        gc.unfreeze()
