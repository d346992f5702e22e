"""The floor for the API benchmark: a bare ASGI app doing the one indexed SELECT a lookup needs.

Same driver (psycopg 3), same table and index as the registry; no framework, no
authentication, no audit. Run by bench/api_load.py under uvicorn.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

import psycopg

DSN = os.environ["FLOOR_DSN"]
POOL_SIZE = 10
QUERY = "SELECT person_id FROM identifiers WHERE system = 'si' AND scope = '' AND value_index = %s"
_pool: asyncio.Queue[psycopg.AsyncConnection[Any]] | None = None


async def _connections() -> asyncio.Queue[psycopg.AsyncConnection[Any]]:
    global _pool  # noqa: PLW0603 - one pool per worker process, built on first use
    if _pool is None:
        _pool = asyncio.Queue()
        for _ in range(POOL_SIZE):
            _pool.put_nowait(await psycopg.AsyncConnection.connect(DSN, autocommit=True))
    return _pool


Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


async def app(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["type"] != "http":
        return
    index = parse_qs(scope["query_string"].decode()).get("index", [""])[0]
    pool = await _connections()
    connection = await pool.get()
    try:
        cursor = await connection.execute(QUERY, (index,))
        row = await cursor.fetchone()
    finally:
        pool.put_nowait(connection)
    body = json.dumps({"id": row[0] if row else None}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 200 if row else 404,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})
