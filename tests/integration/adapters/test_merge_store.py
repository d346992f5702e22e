"""The set-at-a-time reads and writes the batch deduplication merges with, on both stores.

Each answers, for many persons at once, what its one-person counterpart answers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from healthid import bootstrap
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.issuance import HealthIdStatus, IssuedHealthId
from healthid.domain.person import Person, parse_demographics
from healthid.domain.review import ReviewPair, ReviewStatus

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
PEOPLE = [
    ("Lê Văn Hùng", "1980", "Hà Nội", ["001080012345", "001080054321"]),
    ("Lê Thị Lan", "19810502", None, []),
    ("Trần Hùng", "198003", "Huế", ["046080011111"]),
    ("Lê Hùng", "1980", "Hà Nội", ["001080099999"]),
]


def pid(n: int) -> str:
    return f"{n:032d}"


def stored(registry: bootstrap.Registry) -> None:
    """The persons above: an SI number, their CCCDs linked one after the other, keys, IDs."""
    with registry.uow() as uow:
        for n, (name, born, place, cards) in enumerate(PEOPLE):
            demographics = parse_demographics(
                full_name=name,
                birth_date=born,
                sex="female" if "Thị" in name else "male",
                birthplace=place,
            )
            si = f"79000000{n:02d}"
            cccds = [Identifier(IdentifierSystem.CCCD, card) for card in cards]
            uow.persons.add(
                Person(pid(n), demographics, NOW, NOW, [Identifier(IdentifierSystem.SI, si)])
            )
            for card in cccds:
                uow.persons.add_identifier(pid(n), card)
            uow.persons.set_blocking_keys(pid(n), {f"k{n}"})
            # Two IDs each (as if under two SI numbers), issued out of id order.
            for k, (number, at) in enumerate(((si, NOW), (f"78{si[2:]}", NOW - timedelta(1)))):
                canonical = f"HID1|{number}|{name}"
                uow.health_ids.add(
                    IssuedHealthId(
                        f"{n:030d}h{k}", pid(n), number, canonical, 1, HealthIdStatus.ACTIVE, at
                    )
                )
        uow.commit()


def test_known_pairs_are_found_in_either_order_whatever_their_status(
    registry: bootstrap.Registry,
) -> None:
    stored(registry)
    with registry.uow() as uow:
        for n, (a, b) in enumerate([(0, 1), (2, 3)]):
            uow.reviews.add(ReviewPair(f"{n:032d}", pid(a), pid(b), 0.9, {}, NOW))
        uow.reviews.decide(f"{1:032d}", ReviewStatus.NOT_DUPLICATE, "cli", NOW)
        uow.commit()
    with registry.uow() as uow:
        asked = [(pid(1), pid(0)), (pid(2), pid(3)), (pid(0), pid(2)), (pid(1), pid(3))]
        assert uow.reviews.known(asked) == {
            frozenset((pid(0), pid(1))),
            frozenset((pid(2), pid(3))),
        }
        assert uow.reviews.known([]) == set()


def test_reads_for_many_persons_answer_as_the_reads_for_one(registry: bootstrap.Registry) -> None:
    stored(registry)
    ids = [pid(n) for n in range(len(PEOPLE))]
    with registry.uow() as uow:
        uow.persons.set_merged_into(pid(3), pid(2))
        uow.commit()
    with registry.uow() as uow:
        assert uow.persons.merge_states([*ids, pid(99)]) == {
            **dict.fromkeys(ids[:3]),
            pid(3): pid(2),
        }
        assert uow.health_ids.for_persons([*ids, pid(99)]) == {
            i: uow.health_ids.for_person(i) for i in ids
        }
        assert uow.health_ids.for_persons(ids)[pid(0)][0].id.endswith("h1")  # issued first
        held = uow.persons.identifier_rows(ids)
        assert [len(held[i]) for i in ids] == [3, 1, 2, 2]  # the SI number and the CCCDs
        lean = {i.person_id: i for i in uow.persons.candidate_inputs({"k0", "k1", "k2"}, limit=9)}
        assert {i.person_id: i for i in uow.persons.match_inputs(ids[:3])} == lean


def test_writes_for_many_persons_do_what_the_writes_for_one_do(
    registry: bootstrap.Registry,
) -> None:
    stored(registry)
    with registry.uow() as uow:
        held = uow.persons.identifier_rows([pid(0), pid(3)])
        # Person 3's rows to person 0, whose first CCCD stays its own (linked earlier).
        uow.persons.assign_identifier_rows(dict.fromkeys(held[pid(3)], pid(0)))
        uow.persons.set_merged_into_each({pid(3): pid(0)})
        uow.health_ids.mark_replaced({f"{3:030d}h0": f"{0:030d}h1"}, NOW)
        uow.persons.replace_blocking_keys({pid(3): set(), pid(0): {"k0", "new"}})
        uow.commit()
    with registry.uow() as uow:
        person = uow.persons.get(pid(0))
        assert person is not None
        assert [i.value for i in person.identifiers if i.system == IdentifierSystem.CCCD] == [
            "001080012345",
            "001080054321",
            "001080099999",
        ]
        assert uow.persons.match_inputs([pid(0)])[0].cccd == "001080012345"
        assert uow.persons.identifier_rows([pid(3)]) == {}
        assert uow.persons.merged_into(pid(3)) == pid(0)
        replaced = {i.id: (i.status, i.replaced_by) for i in uow.health_ids.for_person(pid(3))}
        assert replaced == {
            f"{3:030d}h0": (HealthIdStatus.REPLACED, f"{0:030d}h1"),
            f"{3:030d}h1": (HealthIdStatus.ACTIVE, None),
        }
        assert [i.person_id for i in uow.persons.candidate_inputs({"k3"}, limit=9)] == []
        assert [i.person_id for i in uow.persons.candidate_inputs({"new"}, limit=9)] == [pid(0)]
