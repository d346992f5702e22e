"""The sync's chunks in a pipeline: one is written and committed while the next is decided.

Deciding a chunk is Python's work, writing it is mostly the database's; on two
cores they can overlap. A chunk is sealed (encrypted, blind-indexed) where it is
decided, so the writer thread only sends rows and waits for the database, and
does not compete with the next decision for the interpreter. The next chunk
reads the registry while the previous one may not be committed yet, so it
reads that chunk's writes as if they were
(``BatchSync.decide``'s ``inflight``). If the database then refuses the
previous chunk, the next one's decisions rest on writes that never happened:
they are thrown away and made again once the refused chunk has gone row by row.

A chunk is never reported before it is committed, so a kill at any moment
loses at most the chunk in flight, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from healthid.domain.bhxh_row import ExtractRow
from healthid.domain.sync import Reject
from healthid.services.ports import ChunkWrites, SealedWrites
from healthid.services.sync.batch import BatchSync, RowByRowError, RowOutcome

RawRows = list[tuple[int, dict[str, str] | str]]


@dataclass
class Chunk:
    """A chunk of the file: its rows, those that parsed, and those rejected on parsing."""

    raw: RawRows
    valid: list[tuple[int, ExtractRow]]
    rejects: list[Reject]
    done: int  # rows of the file before this chunk
    before_commit: Callable[[], None] | None = None
    # Once decided: each valid row's outcome, committed when the chunk comes back.
    # None when it comes back refused: the caller applies it row by row.
    outcomes: list[RowOutcome] | None = None
    writes: ChunkWrites = field(default_factory=ChunkWrites)
    sealed: SealedWrites | None = None  # the writes as the writer thread sends them


class ChunkPipeline:
    """Feeds chunks to ``BatchSync``, at most one in flight; hands each back once settled."""

    def __init__(self, batch: BatchSync) -> None:
        self._batch = batch
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-writer")
        self._inflight: tuple[Chunk, Future[None]] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # On an error the chunk in flight still commits or rolls back whole; never half.
        self._executor.shutdown(wait=True)

    def push(self, chunk: Chunk) -> Iterator[Chunk]:
        """Decide ``chunk`` and start writing it; yields the chunks settled meanwhile.

        A chunk yielded refused must be applied row by row before iteration goes on.
        """
        self._decide(chunk)
        if self._inflight is not None:
            previous = self._settle()
            yield previous
            if previous.outcomes is None:  # decided on writes that never happened
                self._decide(chunk)
        if chunk.outcomes is None or chunk.sealed is None:  # decided: both, or neither
            yield chunk
            return
        future = self._executor.submit(self._batch.write, chunk.sealed, chunk.before_commit)
        self._inflight = (chunk, future)

    def drain(self) -> Iterator[Chunk]:
        """The chunk in flight, once settled (nothing is in flight afterwards)."""
        if self._inflight is not None:
            yield self._settle()

    def _decide(self, chunk: Chunk) -> None:
        inflight = self._inflight[0].writes if self._inflight is not None else None
        try:
            decided = self._batch.decide([r for _, r in chunk.valid], inflight)
            chunk.writes, chunk.sealed, outcomes = decided
        except RowByRowError:
            chunk.outcomes = None
        else:
            chunk.outcomes = outcomes

    def _settle(self) -> Chunk:
        if self._inflight is None:
            raise RuntimeError("no chunk in flight")
        chunk, future = self._inflight
        self._inflight = None
        try:
            future.result()
        except RowByRowError:
            self._batch.index.clear()  # it holds the refused chunk's decisions
            chunk.outcomes = None
        return chunk
