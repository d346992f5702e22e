from __future__ import annotations

from typing import Any

import pytest

from healthid.domain.errors import ConflictError, NotFoundError, ValidationError
from healthid.domain.health_id import HealthId
from healthid.domain.issuance import HealthIdStatus, Verification
from healthid.matching.blocking import CANDIDATE_LIMIT
from healthid.services import health_ids as services
from healthid.services.ports import MatchInput
from tests.unit.services.fakes import (
    FakeKeyRing,
    FakePersons,
    FakePlaces,
    FakeUnitOfWork,
    FixedClock,
    Store,
)

AN = {
    "si_number": "0123456789",
    "full_name": "Nguyễn Văn An",
    "birth_date": "1990-05-01",
    "sex": "male",
    "birthplace": "Hà Nội",
    "cccd": "001090012345",
    "bhyt_card": "DN4010123456789",
}


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def keys() -> FakeKeyRing:
    return FakeKeyRing()


@pytest.fixture
def env(store: Store, keys: FakeKeyRing) -> dict[str, Any]:
    return {
        "uow_factory": lambda: FakeUnitOfWork(store),
        "keys": keys,
        "places": FakePlaces(),
        "clock": FixedClock(),
    }


def establish(env: dict[str, Any], **overrides: str | None) -> services.Established:
    return services.establish_health_id(**env, **{**AN, **overrides})


def test_establish_issues_an_id_whose_si_part_is_the_si_number(env: dict[str, Any]) -> None:
    result = establish(env)
    assert result.created
    assert result.health_id.si_number == "0123456789"
    assert (
        services.verify_health_id(
            uow_factory=env["uow_factory"], keys=env["keys"], health_id=str(result.health_id)
        )
        == Verification.VALID
    )


def test_the_same_si_number_twice_returns_the_existing_id(
    env: dict[str, Any], store: Store
) -> None:
    first = establish(env)
    second = establish(env, full_name="Nguyen Van An", birthplace=None, cccd=None, bhyt_card=None)
    assert not second.created
    assert second.health_id == first.health_id
    assert len(store.persons) == 1
    assert len(store.health_ids) == 1


def test_birthplace_written_differently_but_resolving_alike_gives_the_same_id(
    env: dict[str, Any], store: Store
) -> None:
    one = establish(env, birthplace="Hà Nội")
    store.persons.clear(), store.owners.clear(), store.health_ids.clear()
    other = establish(env, birthplace="HA NOI")
    assert one.health_id == other.health_id


def test_cccd_that_disagrees_with_sex_is_refused_and_nothing_is_written(
    env: dict[str, Any], store: Store
) -> None:
    with pytest.raises(ValidationError) as info:
        establish(env, sex="female")
    assert info.value.field == "cccd"
    assert store.persons == {}
    assert store.health_ids == {}


def test_bhyt_card_for_another_si_number_is_refused(env: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        establish(env, bhyt_card="DN4010123456780")
    assert info.value.field == "bhyt_card"


def test_cccd_of_a_person_with_another_si_number_links_the_same_human(
    env: dict[str, Any],
) -> None:
    first = establish(env)
    second = establish(env, si_number="0123456780", bhyt_card=None, full_name="Nguyen Van An")
    assert (second.person_id, second.health_id) == (first.person_id, first.health_id)


def test_cccd_of_someone_else_under_another_si_number_is_a_conflict(env: dict[str, Any]) -> None:
    establish(env)
    with pytest.raises(ConflictError) as info:
        establish(env, si_number="0123456780", bhyt_card=None, full_name="Trần Văn Bình")
    assert info.value.field == "cccd"


def test_verify_rejects_a_changed_check_character_and_an_unknown_si(env: dict[str, Any]) -> None:
    hid = establish(env).health_id
    tampered = HealthId(hid.si_number, ("0" if hid.check[0] != "0" else "1") + hid.check[1:])
    unknown = HealthId("9999999999", hid.check)
    for candidate in (tampered, unknown):
        assert (
            services.verify_health_id(
                uow_factory=env["uow_factory"], keys=env["keys"], health_id=str(candidate)
            )
            == Verification.INVALID
        )


def test_verify_reports_revoked_and_replaced(env: dict[str, Any], store: Store) -> None:
    hid = establish(env).health_id
    for status, answer in [
        (HealthIdStatus.REVOKED, Verification.REVOKED),
        (HealthIdStatus.REPLACED, Verification.REPLACED),
    ]:
        store.health_ids[hid.si_number].status = status
        assert (
            services.verify_health_id(
                uow_factory=env["uow_factory"], keys=env["keys"], health_id=str(hid)
            )
            == answer
        )


def test_verify_malformed_input_is_a_validation_error(env: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        services.verify_health_id(uow_factory=env["uow_factory"], keys=env["keys"], health_id="x")


def test_rotating_keys_keeps_old_ids_valid_and_new_ids_use_the_new_key(
    env: dict[str, Any], keys: FakeKeyRing, store: Store
) -> None:
    old = establish(env).health_id
    services.rotate_keys(keys=keys)
    new = establish(
        env,
        si_number="1111111111",
        cccd=None,
        bhyt_card=None,
        full_name="Trần Văn Bình",
        birth_date="1971",
    )
    assert store.health_ids["1111111111"].key_version == 2
    for hid in (old, new.health_id):
        assert (
            services.verify_health_id(uow_factory=env["uow_factory"], keys=keys, health_id=str(hid))
            == Verification.VALID
        )


@pytest.mark.parametrize(
    ("system", "value"),
    [
        ("si", "0123456789"),
        ("cccd", "001090012345"),
        ("bhyt", "DN4010123456789"),
        ("bhyt", "HC2790123456789"),
    ],
)
def test_lookup_by_each_identifier_masks_the_id(
    env: dict[str, Any], system: str, value: str
) -> None:
    establish(env)
    view = services.lookup(uow_factory=env["uow_factory"], system=system, value=value)
    assert view.masked_health_id == "0123456789.**********"
    assert view.person.demographics.full_name == "Nguyễn Văn An"


def test_lookup_of_an_unknown_person_is_not_found(env: dict[str, Any]) -> None:
    with pytest.raises(NotFoundError):
        services.lookup(uow_factory=env["uow_factory"], system="si", value="9999999999")


def test_correcting_demographics_keeps_the_id(env: dict[str, Any]) -> None:
    result = establish(env)
    services.correct_demographics(
        uow_factory=env["uow_factory"],
        clock=env["clock"],
        places=env["places"],
        person_id=result.person_id,
        full_name="Nguyễn Văn Ân",
        address="12 Phố Huế, Hà Nội",
    )
    view = services.lookup(uow_factory=env["uow_factory"], system="si", value="0123456789")
    assert view.person.demographics.full_name == "Nguyễn Văn Ân"
    assert view.person.demographics.address == "12 Phố Huế, Hà Nội"
    again = establish(env)
    assert again.health_id == result.health_id
    assert (
        services.verify_health_id(
            uow_factory=env["uow_factory"], keys=env["keys"], health_id=str(result.health_id)
        )
        == Verification.VALID
    )


def test_correction_that_breaks_the_cccd_rule_is_refused(env: dict[str, Any]) -> None:
    result = establish(env)
    with pytest.raises(ValidationError) as info:
        services.correct_demographics(
            uow_factory=env["uow_factory"],
            clock=env["clock"],
            places=env["places"],
            person_id=result.person_id,
            birth_date="1991",
        )
    assert info.value.rule == "birth_year_mismatch"


def test_registration_compares_a_record_with_at_most_the_candidate_limit(
    env: dict[str, Any], store: Store
) -> None:
    # Namesakes sharing a block with the newcomer: more of them than the limit.
    for n in range(CANDIDATE_LIMIT + 20):
        services.establish_health_id(
            **env,
            **{
                **AN,
                "si_number": f"01{n:08d}",
                "cccd": None,
                "bhyt_card": None,
                "birth_date": f"1990-{1 + n % 12:02d}-{1 + n // 12:02d}",
            },
        )
    asked: list[int] = []
    read = FakePersons.candidate_inputs

    def spy(self: FakePersons, keys: set[str], *, limit: int) -> list[MatchInput]:
        asked.append(limit)
        found = read(self, keys, limit=limit)
        assert len(found) <= limit
        return found

    FakePersons.candidate_inputs = spy  # type: ignore[method-assign]
    try:
        services.establish_health_id(
            **env, **{**AN, "si_number": "0299999999", "cccd": None, "bhyt_card": None}
        )
    finally:
        FakePersons.candidate_inputs = read  # type: ignore[method-assign]
    assert asked == [CANDIDATE_LIMIT]
