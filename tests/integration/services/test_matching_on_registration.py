"""Registration finds the person a record already is: link, review, or new — on both stores."""

from __future__ import annotations

from healthid import bootstrap
from healthid.domain.person import parse_demographics
from healthid.domain.review import ReviewStatus
from healthid.matching.model import Decision
from healthid.services import dedup, health_ids
from healthid.services import matcher as matching
from healthid.services.access import operator
from tests.integration.services.support import establish, lookup, small_population

THUY = {
    "si_number": "0123456789",
    "full_name": "Nguyễn Thị Thuỷ",
    "birth_date": "1990-03-12",
    "sex": "female",
    "birthplace": "Hà Nội",
    "cccd": "001190012345",
}


def test_a_second_si_number_for_the_same_human_gets_the_same_health_id(
    registry: bootstrap.Registry,
) -> None:
    first = establish(registry, **THUY)
    # Written without marks, under another SI number, with her CCCD: an identifier says
    # who she is (without it she is only probably herself: the next test).
    second = establish(
        registry, **{**THUY, "si_number": "0123456780", "full_name": "NGUYEN THI THUY"}
    )
    assert second.decision == Decision.MATCH
    assert (second.person_id, second.health_id) == (first.person_id, first.health_id)
    again = establish(registry, **{**THUY, "si_number": "0123456780", "cccd": None})
    assert again.health_id == first.health_id
    view = lookup(registry, "si", "0123456780")
    assert view.person.id == first.person_id


def test_the_same_cccd_under_another_si_number_links_when_the_rest_agrees(
    registry: bootstrap.Registry,
) -> None:
    first = establish(registry, **THUY)
    second = establish(registry, **{**THUY, "si_number": "7700000001", "full_name": "Nguyễn Thuỷ"})
    assert second.person_id == first.person_id


def test_an_uncertain_pair_becomes_a_new_person_and_a_review(registry: bootstrap.Registry) -> None:
    first = establish(registry, **THUY)
    # The same name, date and birthplace, without marks and without a CCCD: in 100
    # million people about half a namesake is expected to share all of it, so only
    # a person may link them.
    other = establish(
        registry,
        **{**THUY, "si_number": "0123456780", "full_name": "NGUYEN THI THUY", "cccd": None},
    )
    assert other.decision == Decision.REVIEW
    assert other.person_id != first.person_id
    with registry.uow() as uow:
        pending = uow.reviews.list(str(ReviewStatus.PENDING))
    assert [{p.person_a, p.person_b} for p in pending] == [{first.person_id, other.person_id}]
    assert pending[0].weights["given"][0] == "folded"  # the same name without its marks


def test_a_namesake_born_in_another_province_is_a_new_person(
    registry: bootstrap.Registry,
) -> None:
    # Name and date alike, birthplaces apart (no old/new province mapping joins Hà Nội
    # and Hải Phòng): at national scale, two people, not worth a reviewer's look.
    first = establish(registry, **{**THUY, "cccd": None})
    other = establish(
        registry, **{**THUY, "si_number": "0123456780", "cccd": None, "birthplace": "Hải Phòng"}
    )
    assert other.decision == Decision.NEW
    assert other.person_id != first.person_id
    with registry.uow() as uow:
        assert uow.reviews.list(str(ReviewStatus.PENDING)) == []


def test_twins_are_never_linked(registry: bootstrap.Registry) -> None:
    first = establish(registry, **{**THUY, "cccd": None})
    twin = establish(
        registry, **{**THUY, "si_number": "0123456780", "cccd": None, "full_name": "Nguyễn Thị Thu"}
    )
    assert twin.person_id != first.person_id
    assert twin.decision != Decision.MATCH


def test_a_different_person_is_new(registry: bootstrap.Registry) -> None:
    establish(registry, **THUY)
    other = establish(
        registry, si_number="7900000002", full_name="Lê Văn Nam", birth_date="1975", sex="male"
    )
    assert other.decision == Decision.NEW


def test_reindex_makes_persons_stored_under_other_keys_findable(
    registry: bootstrap.Registry,
) -> None:
    first = establish(registry, **THUY)
    with registry.uow() as uow:
        uow.persons.set_blocking_keys(first.person_id, {"an|old|key"})
        uow.commit()
    twin_record = {**THUY, "si_number": "0123456780", "full_name": "NGUYEN THI THUY", "cccd": None}
    with registry.uow() as uow:
        record = matching.record_of(
            key="new",
            demographics=parse_demographics(
                full_name=twin_record["full_name"],
                birth_date=THUY["birth_date"],
                sex=THUY["sex"],
                birthplace=THUY["birthplace"],
            ),
            identifiers=[],
            places=registry.places,
        )
        assert health_ids.best_candidate(uow, registry.deps, record) is None
    assert dedup.reindex(deps=registry.deps, caller=operator()) == 1
    with registry.uow() as uow:
        found = health_ids.best_candidate(uow, registry.deps, record)
    assert found is not None
    assert found.a == first.person_id


def test_a_record_matching_two_persons_goes_to_review_not_to_either(
    registry: bootstrap.Registry,
) -> None:
    # Two people the registry holds apart (different CCCDs), and a record that
    # matches both equally well: no automatic choice.
    one = establish(registry, **THUY)
    two = establish(registry, **{**THUY, "si_number": "0123456780", "cccd": "001190054321"})
    assert one.person_id != two.person_id
    third = establish(registry, **{**THUY, "si_number": "0123456781", "cccd": None})
    assert third.decision == Decision.REVIEW
    assert third.person_id not in {one.person_id, two.person_id}


def test_a_match_known_by_cccd_alone_gets_the_id_and_keeps_being_found(
    registry: bootstrap.Registry,
) -> None:
    # How the ID and the keys follow a link by demographics alone: only a small
    # registry links her records on name, date and birthplace (nationally: review).
    registry = small_population(registry)
    demographics = parse_demographics(
        full_name=THUY["full_name"],
        birth_date=THUY["birth_date"],
        sex=THUY["sex"],
        birthplace=THUY["birthplace"],
    )
    with registry.uow() as uow:
        person_id, created = health_ids.record_by_cccd(
            uow, registry.deps, THUY["cccd"], demographics
        )
        uow.commit()
    assert created
    # Their second record carries no CCCD: found by name, birth date and birthplace.
    result = establish(registry, **{**THUY, "cccd": None})
    assert (result.person_id, result.decision, result.created) == (
        person_id,
        Decision.MATCH,
        True,
    )
    with registry.uow() as uow:
        person = uow.persons.get(person_id)
        assert person is not None
        assert {i.system for i in person.identifiers} == {"cccd", "si"}
        # Their keys were rewritten with the ID: a third record finds them again.
        record = matching.person_record(person, registry.places)
        found = health_ids.best_candidate(uow, registry.deps, record)
    assert found is not None
    assert found.a == person_id
    again = establish(registry, **{**THUY, "si_number": "0123456780", "cccd": None})
    assert (again.person_id, again.decision) == (person_id, Decision.MATCH)
