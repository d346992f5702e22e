"""Row identifiers that sort in the order they were made (the UUIDv7 layout of RFC 9562).

Persons, their identifiers, Health IDs, review pairs and merges are keyed by
these. Random keys (UUIDv4) scatter every insert across each B-tree that holds
them: at a million persons the sync spent a third of its time in such inserts.
Time-ordered keys go to the right-hand edge of those indexes instead, and a
list of persons appended in the order they were made is also sorted by id —
the order the database returns them in.

An id reveals the millisecond it was made, nothing else; 74 bits are random.
"""

from __future__ import annotations

import os
import threading
import time

_POOL_BYTES = 10 * 512  # random bytes drawn at once: one system call per 512 ids
_lock = threading.Lock()
_state = {"last": 0}
_pool = bytearray()


def _reset_after_fork() -> None:
    # A forked child must not hand out the random bits its parent holds.
    _pool.clear()
    _state["last"] = 0


os.register_at_fork(after_in_child=_reset_after_fork)


def new_id() -> str:
    """32 lowercase hex digits; each later than the one before in this process."""
    with _lock:
        if len(_pool) < 10:
            _pool.extend(os.urandom(_POOL_BYTES))
        random = int.from_bytes(_pool[-10:], "big") >> 6  # 74 bits
        del _pool[-10:]
        millis = time.time_ns() // 1_000_000
        value = (
            (millis & (1 << 48) - 1) << 80
            | 0x7 << 76  # version 7
            | (random >> 62) << 64  # 12 random bits
            | 0b10 << 62  # the RFC 9562 variant
            | random & (1 << 62) - 1  # 62 random bits
        )
        if value <= _state["last"]:  # the same millisecond, or the clock went back
            value = _state["last"] + 1
        _state["last"] = value
    return f"{value:032x}"
