from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from healthid.adapters.keyring_file import FileKeyRing, KeyRingError


def test_create_writes_a_0600_file_with_every_kind_of_key(tmp_path: Path) -> None:
    path = tmp_path / "ring" / "keys.json"
    ring = FileKeyRing.create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ring.versions() == {"issuing": 1, "data": 1, "signing": 1, "index": 1}
    content = json.loads(path.read_text())
    assert set(content) == {"format", "issuing", "data", "signing", "index"}


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    FileKeyRing.create(path)
    with pytest.raises(KeyRingError):
        FileKeyRing.create(path)


def test_rotate_keeps_old_versions_and_survives_reload(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    ring = FileKeyRing.create(path)
    _, issuing_v1 = ring.issuing_key()
    assert ring.rotate() == {"issuing": 2, "data": 2, "signing": 2, "index": 1}
    reloaded = FileKeyRing.load(path)
    assert reloaded.issuing_key(1) == (1, issuing_v1)
    assert reloaded.issuing_key()[0] == 2
    assert reloaded.issuing_key()[1] != issuing_v1
    assert sorted(reloaded.data_keys()[0]) == [1, 2]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_key_ring_readable_by_others_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    FileKeyRing.create(path)
    path.chmod(0o644)
    with pytest.raises(KeyRingError, match="chmod 600"):
        FileKeyRing.load(path)


@pytest.mark.parametrize(
    "text", ["not json", "{}", '{"format": 1, "issuing": {"current": 3, "keys": {}}}']
)
def test_a_malformed_key_ring_is_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "keys.json"
    path.write_text(text)
    path.chmod(0o600)
    with pytest.raises(KeyRingError):
        FileKeyRing.load(path)


def test_a_missing_key_ring_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(KeyRingError, match="healthid init"):
        FileKeyRing.load(tmp_path / "absent.json")


def test_unknown_version_is_a_clear_error(tmp_path: Path) -> None:
    ring = FileKeyRing.create(tmp_path / "keys.json")
    with pytest.raises(KeyRingError, match="version 7"):
        ring.issuing_key(7)
