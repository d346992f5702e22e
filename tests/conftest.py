"""Fixtures shared by the layers of the suite: settings and registries on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from healthid import bootstrap
from healthid.config import Settings

POSTGRES_URL_ENV = "HEALTHID_TEST_POSTGRES_URL"


def _postgres_base_url() -> str | None:
    url = os.environ.get(POSTGRES_URL_ENV)
    if url:
        return url
    if os.environ.get("HEALTHID_REQUIRE_POSTGRES") or os.environ.get("CI"):
        pytest.fail(f"{POSTGRES_URL_ENV} is not set: PostgreSQL tests must run in CI")
    pytest.skip(f"{POSTGRES_URL_ENV} is not set")
    return None  # pragma: no cover - pytest.skip raises


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    base = _postgres_base_url()
    assert base is not None
    with _fresh_schema(base) as url:
        yield url


@contextmanager
def _fresh_schema(base: str) -> Iterator[str]:
    schema = f"hid_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    except sa.exc.OperationalError as exc:
        pytest.fail(f"PostgreSQL at {POSTGRES_URL_ENV} is unreachable: {exc.orig}")
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The same tests on the embedded default and on production's database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=database_url, keys=tmp_path / "keys" / "healthid-keys.json")


@pytest.fixture
def registry(settings: Settings) -> Iterator[bootstrap.Registry]:
    """An initialised registry (schema migrated, key ring created)."""
    reg, _ = bootstrap.init_registry(settings)
    try:
        yield reg
    finally:
        reg.engine.dispose()


@pytest.fixture
def twin_registry(settings: Settings, tmp_path: Path) -> Iterator[bootstrap.Registry]:
    """A second registry beside ``registry``: the same backend and key ring, its own database.

    The same key ring makes the same blind indexes, so what one run leaves in
    ``registry`` can be compared row by row with what another leaves here.
    """
    with ExitStack() as stack:
        if settings.database_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / 'twin.db'}"
        else:
            base = _postgres_base_url()
            assert base is not None
            url = stack.enter_context(_fresh_schema(base))
        reg, _ = bootstrap.init_registry(Settings(database_url=url, keys=settings.keys))
        stack.callback(reg.engine.dispose)  # before its schema is dropped
        yield reg
