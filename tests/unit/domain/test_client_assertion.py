"""What a client assertion must claim: who, for whom, until when, and once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from healthid.domain.client_assertion import AssertionRefusedError, check_claims

NOW = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
T = int(NOW.timestamp())
URL = "https://healthid.example/oauth/token"


def _claims(**overrides: object) -> dict[str, object]:
    claims: dict[str, object] = {
        "iss": "hid_1",
        "sub": "hid_1",
        "aud": URL,
        "iat": T,
        "exp": T + 300,
        "jti": "a-unique-id",
    }
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _reason(**overrides: object) -> str:
    with pytest.raises(AssertionRefusedError) as refused:
        check_claims(_claims(**overrides), client_id="hid_1", audiences=[URL], now=NOW)
    return refused.value.reason


def test_a_good_assertion_gives_its_id_and_expiry() -> None:
    accepted = check_claims(_claims(), client_id="hid_1", audiences=[URL + "/"], now=NOW)
    assert accepted.jti == "a-unique-id"
    assert accepted.expires_at == datetime.fromtimestamp(T + 300, tz=UTC)
    # No iat: five minutes from now is the limit; a clock 60 s ahead is tolerated.
    check_claims(_claims(iat=None), client_id="hid_1", audiences=[URL], now=NOW)
    check_claims(_claims(iat=T + 60, exp=T + 120), client_id="hid_1", audiences=[URL], now=NOW)


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"iss": "hid_2"}, "issuer"),
        ({"sub": "hid_2"}, "subject"),
        ({"aud": None}, "audience"),
        ({"aud": "https://elsewhere/oauth/token"}, "audience"),
        ({"aud": [1, {"x": URL}]}, "audience"),
        ({"exp": None}, "exp_missing"),
        ({"exp": "tomorrow"}, "exp_malformed"),
        ({"exp": True}, "exp_malformed"),
        ({"exp": 10**20}, "exp_malformed"),
        ({"exp": T}, "expired"),
        ({"exp": T + 301}, "lifetime"),
        ({"iat": T - 10, "exp": T + 291}, "lifetime"),
        ({"iat": T + 61, "exp": T + 120}, "issued_in_future"),
        ({"nbf": T + 61}, "not_yet_valid"),
        ({"jti": None}, "jti"),
        ({"jti": ""}, "jti"),
        ({"jti": "x" * 257}, "jti"),
        ({"jti": 7}, "jti"),
    ],
)
def test_each_rule_refuses_with_its_reason(overrides: dict[str, object], reason: str) -> None:
    assert _reason(**overrides) == reason
