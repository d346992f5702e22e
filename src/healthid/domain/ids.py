"""Row identifiers that sort by the millisecond they were made (the UUIDv7 layout of RFC 9562).

Persons, their identifiers, Health IDs, review pairs and merges are keyed by
these. Random keys (UUIDv4) scatter every insert across each B-tree that holds
them: at a million persons the sync spent a third of its time in such inserts.
Time-ordered keys go to the right-hand edge of those indexes instead.

Ids sort by time to the millisecond only. Within one millisecond their order is
random: every id carries 74 fresh random bits, so no id can be derived from a
neighbour (issue 14, "search, don't reveal": an id seen in one answer must not
lead to the next person registered). An earlier version made an id in the same
millisecond as the one before it that id + 1, which handed out the next person's
id to anyone who saw one. What relies on order needs no more than this: the
sync's index sorts by id explicitly (services/sync/index.py), the way the
database does, and right-hand-edge inserts only need ids to grow by millisecond.

An id reveals the millisecond it was made, nothing else.
"""

from __future__ import annotations

import os
import threading
import time

RANDOM_BITS = 74  # 12 after the version, 62 after the variant
_POOL_BYTES = 10 * 512  # random bytes drawn at once: one system call per 512 ids
_lock = threading.Lock()
_state = {"last_millis": 0}
_pool = bytearray()


def _reset_after_fork() -> None:
    # A forked child must not hand out the random bits its parent holds.
    _pool.clear()
    _state["last_millis"] = 0


os.register_at_fork(after_in_child=_reset_after_fork)


def new_id() -> str:
    """32 lowercase hex digits; never in an earlier millisecond than the one before it."""
    with _lock:
        if len(_pool) < 10:
            _pool.extend(os.urandom(_POOL_BYTES))
        random = int.from_bytes(_pool[-10:], "big") >> (80 - RANDOM_BITS)
        del _pool[-10:]
        # A clock that went back does not take the ids with it: they stay in the last
        # millisecond seen (still with fresh random bits) until the clock catches up.
        millis = max(time.time_ns() // 1_000_000, _state["last_millis"])
        _state["last_millis"] = millis
    value = (
        (millis & (1 << 48) - 1) << 80
        | 0x7 << 76  # version 7
        | (random >> 62) << 64  # 12 random bits
        | 0b10 << 62  # the RFC 9562 variant
        | random & (1 << 62) - 1  # 62 random bits
    )
    return f"{value:032x}"
