"""Files the operator writes that hold personal data: readable by their owner alone."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

PRIVATE = 0o600


@contextmanager
def private_file(path: Path) -> Iterator[TextIO]:
    """Open ``path`` for writing with mode 0600, never through a symbolic link.

    An existing file is truncated and narrowed to 0600 first: an export must not
    inherit a world-readable mode from a file that was there before.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, PRIVATE)
    os.fchmod(fd, PRIVATE)
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as stream:
        yield stream
