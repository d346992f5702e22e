"""Registration, verification, lookup and correction as use cases, on in-memory fakes."""

from __future__ import annotations

from typing import Any

import pytest

from healthid.domain.errors import ConflictError, NotFoundError, ValidationError
from healthid.domain.health_id import HealthId
from healthid.domain.issuance import HealthIdStatus, Verification
from healthid.matching.blocking import CANDIDATE_LIMIT
from healthid.services import health_ids, keys, patients
from healthid.services.access import operator
from healthid.services.deps import Deps
from healthid.services.health_ids import PersonInput
from healthid.services.ports import MatchInput
from tests.unit.services.fakes import (
    FakeAudit,
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
CALLER = operator()


@pytest.fixture
def store() -> Store:
    return Store()


@pytest.fixture
def ring() -> FakeKeyRing:
    return FakeKeyRing()


@pytest.fixture
def deps(store: Store, ring: FakeKeyRing) -> Deps:
    return Deps(
        uow=lambda: FakeUnitOfWork(store), keys=ring, places=FakePlaces(), clock=FixedClock()
    )


def establish(deps: Deps, **overrides: str | None) -> health_ids.Established:
    done = patients.register_person(
        deps=deps,
        caller=CALLER,
        data=PersonInput(**{**AN, **overrides}),  # type: ignore[arg-type]
    )
    assert done.health_id is not None  # an SI number was given: the operator sees it whole
    return health_ids.Established(done.summary.id, done.health_id, done.created)


def verify(deps: Deps, health_id: object) -> str:
    return patients.verify(deps=deps, caller=CALLER, health_id=str(health_id))


def show(deps: Deps, system: str, value: str) -> tuple[Any, str | None, str | None]:
    return patients.show_person(deps=deps, caller=CALLER, system=system, value=value)


def test_establish_issues_an_id_whose_si_part_is_the_si_number(deps: Deps) -> None:
    result = establish(deps)
    assert result.created
    assert result.health_id.si_number == "0123456789"
    assert verify(deps, result.health_id) == Verification.VALID


def test_the_same_si_number_twice_returns_the_existing_id(deps: Deps, store: Store) -> None:
    first = establish(deps)
    second = establish(deps, full_name="Nguyen Van An", birthplace=None, cccd=None, bhyt_card=None)
    assert not second.created
    assert second.health_id == first.health_id
    assert len(store.persons) == 1
    assert len(store.health_ids) == 1


def test_birthplace_written_differently_but_resolving_alike_gives_the_same_id(
    deps: Deps, store: Store
) -> None:
    one = establish(deps, birthplace="Hà Nội")
    store.persons.clear(), store.owners.clear(), store.health_ids.clear()
    other = establish(deps, birthplace="HA NOI")
    assert one.health_id == other.health_id


def test_cccd_that_disagrees_with_sex_is_refused_and_nothing_is_written(
    deps: Deps, store: Store
) -> None:
    with pytest.raises(ValidationError) as info:
        establish(deps, sex="female")
    assert info.value.field == "cccd"
    assert store.persons == {}
    assert store.health_ids == {}


def test_bhyt_card_for_another_si_number_is_refused(deps: Deps) -> None:
    with pytest.raises(ValidationError) as info:
        establish(deps, bhyt_card="DN4010123456780")
    assert info.value.field == "bhyt_card"


def test_cccd_of_a_person_with_another_si_number_links_the_same_human(
    deps: Deps,
) -> None:
    first = establish(deps)
    second = establish(deps, si_number="0123456780", bhyt_card=None, full_name="Nguyen Van An")
    assert (second.person_id, second.health_id) == (first.person_id, first.health_id)


def test_cccd_of_someone_else_under_another_si_number_is_a_conflict(deps: Deps) -> None:
    establish(deps)
    with pytest.raises(ConflictError) as info:
        establish(deps, si_number="0123456780", bhyt_card=None, full_name="Trần Văn Bình")
    assert info.value.field == "cccd"


def test_verify_rejects_a_changed_check_character_and_an_unknown_si(deps: Deps) -> None:
    hid = establish(deps).health_id
    tampered = HealthId(hid.si_number, ("0" if hid.check[0] != "0" else "1") + hid.check[1:])
    unknown = HealthId("9999999999", hid.check)
    for candidate in (tampered, unknown):
        assert verify(deps, candidate) == Verification.INVALID


def test_verify_reports_revoked_and_replaced(deps: Deps, store: Store) -> None:
    hid = establish(deps).health_id
    for status, answer in [
        (HealthIdStatus.REVOKED, Verification.REVOKED),
        (HealthIdStatus.REPLACED, Verification.REPLACED),
    ]:
        store.health_ids[hid.si_number].status = status
        assert verify(deps, hid) == answer


def test_verify_malformed_input_is_a_validation_error(deps: Deps) -> None:
    with pytest.raises(ValidationError):
        verify(deps, "x")


def test_rotating_keys_keeps_old_ids_valid_and_new_ids_use_the_new_key(
    deps: Deps, ring: FakeKeyRing, store: Store
) -> None:
    old = establish(deps).health_id
    keys.rotate_keys(deps=deps, caller=CALLER)
    new = establish(
        deps,
        si_number="1111111111",
        cccd=None,
        bhyt_card=None,
        full_name="Trần Văn Bình",
        birth_date="1971",
    )
    assert store.health_ids["1111111111"].key_version == 2
    for hid in (old, new.health_id):
        assert verify(deps, hid) == Verification.VALID


@pytest.mark.parametrize(
    ("system", "value"),
    [
        ("si", "0123456789"),
        ("cccd", "001090012345"),
        ("bhyt", "DN4010123456789"),
        ("bhyt", "HC2790123456789"),
    ],
)
def test_lookup_by_each_identifier_masks_the_id(deps: Deps, system: str, value: str) -> None:
    establish(deps)
    person, masked, status = show(deps, system, value)
    assert (masked, status) == ("0123456789.**********", "active")
    assert person.demographics.full_name == "Nguyễn Văn An"


def test_lookup_of_an_unknown_person_is_not_found(deps: Deps) -> None:
    with pytest.raises(NotFoundError):
        show(deps, "si", "9999999999")


def test_correcting_demographics_keeps_the_id(deps: Deps) -> None:
    result = establish(deps)
    patients.correct_person(
        deps=deps,
        caller=CALLER,
        person_id=result.person_id,
        data=PersonInput(full_name="Nguyễn Văn Ân", birth_date="", sex="", address="12 Phố Huế"),
    )
    person, _, _ = show(deps, "si", "0123456789")
    assert person.demographics.full_name == "Nguyễn Văn Ân"
    assert person.demographics.address == "12 Phố Huế"
    again = establish(deps)
    assert again.health_id == result.health_id
    assert verify(deps, result.health_id) == Verification.VALID


def test_correction_that_breaks_the_cccd_rule_is_refused(deps: Deps) -> None:
    result = establish(deps)
    with pytest.raises(ValidationError) as info:
        patients.correct_person(
            deps=deps,
            caller=CALLER,
            person_id=result.person_id,
            data=PersonInput(full_name="", birth_date="1991", sex=""),
        )
    assert info.value.rule == "birth_year_mismatch"


def test_registration_compares_a_record_with_at_most_the_candidate_limit(
    deps: Deps, store: Store
) -> None:
    # Namesakes sharing a block with the newcomer: more of them than the limit.
    for n in range(CANDIDATE_LIMIT + 20):
        establish(
            deps,
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
        establish(deps, **{**AN, "si_number": "0299999999", "cccd": None, "bhyt_card": None})
    finally:
        FakePersons.candidate_inputs = read  # type: ignore[method-assign]
    assert asked == [CANDIDATE_LIMIT]


def test_each_use_case_records_one_event_with_its_work(deps: Deps, store: Store) -> None:
    result = establish(deps)
    assert [(e.action, e.person_id, e.actor) for e in store.events] == [
        ("person.register", result.person_id, CALLER.principal.name)
    ]
    verify(deps, result.health_id)
    show(deps, "si", "0123456789")
    assert [str(e.action) for e in store.events] == [
        "person.register",
        "health_id.verify",
        "person.read",
    ]


def test_when_the_audit_event_cannot_be_written_the_work_is_not_kept(
    deps: Deps, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(self: FakeAudit, event: object) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(FakeAudit, "add", refuse)
    with pytest.raises(RuntimeError):
        establish(deps)
    assert (store.persons, store.health_ids, store.events) == ({}, {}, [])
