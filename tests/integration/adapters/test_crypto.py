from __future__ import annotations

import hashlib
import hmac

import pytest

from healthid.adapters.crypto import BlindIndex, DecryptionError, FieldCipher

KEYS = {1: b"a" * 32, 2: b"b" * 32}


def test_round_trip_and_key_version_header() -> None:
    cipher = FieldCipher(KEYS, current=2)
    blob = cipher.encrypt("Nguyễn Văn An", aad="persons/1/full_name")
    assert FieldCipher.key_version(blob) == 2
    assert "Nguyễn".encode() not in blob
    assert cipher.decrypt(blob, aad="persons/1/full_name") == "Nguyễn Văn An"


def test_same_plaintext_encrypts_differently_each_time() -> None:
    cipher = FieldCipher(KEYS, current=1)
    assert cipher.encrypt("x", aad="a") != cipher.encrypt("x", aad="a")


def test_a_ciphertext_moved_to_another_row_fails() -> None:
    cipher = FieldCipher(KEYS, current=1)
    blob = cipher.encrypt("Nguyễn Văn An", aad="persons/1/full_name")
    with pytest.raises(DecryptionError):
        cipher.decrypt(blob, aad="persons/2/full_name")


def test_old_versions_stay_readable_after_rotation_and_tampering_is_detected() -> None:
    old = FieldCipher({1: KEYS[1]}, current=1).encrypt("An", aad="r")
    assert FieldCipher(KEYS, current=2).decrypt(old, aad="r") == "An"
    tampered = old[:-1] + bytes([old[-1] ^ 1])
    with pytest.raises(DecryptionError):
        FieldCipher(KEYS, current=2).decrypt(tampered, aad="r")
    with pytest.raises(DecryptionError):
        FieldCipher({2: KEYS[2]}, current=2).decrypt(old, aad="r")


def test_blind_index_is_keyed_truncated_and_purpose_separated() -> None:
    index = BlindIndex(b"k" * 32)
    value = index("identifier/cccd/", "001090012345")
    assert len(value) == 32
    assert value == index("identifier/cccd/", "001090012345")
    assert value != index("identifier/si/", "001090012345")
    assert value != BlindIndex(b"j" * 32)("identifier/cccd/", "001090012345")


def test_the_blind_index_is_the_truncated_hmac_of_purpose_and_value_every_time() -> None:
    # Stored indexes must stay findable: the value is fixed by this formula, and
    # each call starts from the key alone (no state carried from the previous value).
    key = bytes(range(32))
    index = BlindIndex(key)
    first = index("block", "gys|HUNG|1980|NGUYEN")
    assert index("block", "c|001190012345") != first
    assert index("block", "gys|HUNG|1980|NGUYEN") == first
    expected = hmac.new(key, b"block\x1fgys|HUNG|1980|NGUYEN", hashlib.sha256).digest()[:16]
    assert first == expected.hex()
