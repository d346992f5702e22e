"""The registry store on SQLite and PostgreSQL: persistence, encryption at rest, uniqueness."""

from __future__ import annotations

import shutil
import subprocess
import threading
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from healthid import bootstrap
from healthid.domain.errors import ConflictError
from healthid.domain.identifiers import Identifier, IdentifierSystem
from healthid.domain.issuance import Verification
from healthid.services import health_ids, keys, patients
from healthid.services.access import operator
from tests.integration.services.support import establish, lookup

PEOPLE = [
    {
        "si_number": "0123456789",
        "full_name": "Nguyễn Văn Quỳnh",
        "birth_date": "1990-05-01",
        "sex": "male",
        "birthplace": "Hà Nội",
        "cccd": "001090012345",
        "bhyt_card": "DN4010123456789",
        "address": "12 Phố Huế, Hai Bà Trưng",
        "phone": "0912345678",
    },
    {
        "si_number": "7912345678",
        "full_name": "Trần Thị Thuỷ Tiên",
        "birth_date": "19650000",
        "sex": "female",
        "birthplace": "Long An",
        "cccd": "080165004321",
        "address": "Ấp Bình Hoà, Tân An",
        "phone": "+84987654321",
    },
    {
        "si_number": "3112345670",
        "full_name": "Lê Hoàng Khải",
        "birth_date": "200311",
        "sex": "male",
        "cccd": "031203000123",
    },
]


def test_init_is_safe_to_run_twice(registry: bootstrap.Registry) -> None:
    first = establish(registry, **PEOPLE[0])
    again, created = bootstrap.init_registry(registry.settings)
    try:
        assert not created
        view = lookup(again, "si", "0123456789")
        assert view.person.id == first.person_id
    finally:
        again.engine.dispose()


def test_persons_round_trip_through_the_store(registry: bootstrap.Registry) -> None:
    ids = [establish(registry, **p) for p in PEOPLE]
    for person, result in zip(PEOPLE, ids, strict=True):
        view = lookup(registry, "si", person["si_number"])
        d = view.person.demographics
        assert d.full_name == person["full_name"]
        assert d.birth_date.compact().startswith(person["birth_date"].replace("-", "")[:4])
        assert view.masked_health_id == f"{person['si_number']}.**********"
        assert (
            patients.verify(deps=registry.deps, caller=operator(), health_id=str(result.health_id))
            == Verification.VALID
        )
    by_cccd = lookup(registry, "cccd", "080165004321")
    assert by_cccd.person.demographics.phone == "0987654321"


def test_rotating_keys_keeps_old_ids_valid_and_old_rows_readable(
    registry: bootstrap.Registry,
) -> None:
    old = establish(registry, **PEOPLE[0])
    keys.rotate_keys(deps=registry.deps, caller=operator())
    registry.reload_keys()
    new = establish(registry, **PEOPLE[1])
    for result in (old, new):
        assert (
            patients.verify(deps=registry.deps, caller=operator(), health_id=str(result.health_id))
            == Verification.VALID
        )
    view = lookup(registry, "si", "0123456789")
    assert view.person.demographics.full_name == "Nguyễn Văn Quỳnh"


def test_health_ids_cannot_be_deleted(registry: bootstrap.Registry) -> None:
    establish(registry, **PEOPLE[0])
    with (
        pytest.raises(sa.exc.DatabaseError, match="never deleted"),
        registry.engine.begin() as conn,
    ):
        conn.execute(sa.text("DELETE FROM health_ids"))
    with registry.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM health_ids")) == 1


def test_a_failed_establishment_writes_nothing(registry: bootstrap.Registry) -> None:
    establish(registry, **PEOPLE[0])
    clash = {**PEOPLE[2], "cccd": PEOPLE[0]["cccd"], "birth_date": "1990", "sex": "male"}
    with pytest.raises(ConflictError):
        establish(registry, **clash)
    with registry.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM persons")) == 1
        assert conn.scalar(sa.text("SELECT count(*) FROM identifiers")) == 3


def test_concurrent_establishment_of_one_si_number_yields_exactly_one_id(
    registry: bootstrap.Registry,
) -> None:
    threads = 50
    barrier = threading.Barrier(threads)

    def attempt(_: int) -> health_ids.Established:
        barrier.wait()
        return establish(registry, **PEOPLE[0])

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(attempt, range(threads)))
    assert len({str(r.health_id) for r in results}) == 1
    assert len({r.person_id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    with registry.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM health_ids")) == 1
        assert conn.scalar(sa.text("SELECT count(*) FROM persons")) == 1


def _raw_dump(registry: bootstrap.Registry, tmp_path: Path) -> bytes:
    url = make_url(registry.settings.database_url)
    registry.engine.dispose()  # checkpoints SQLite's WAL into the file
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        files = [Path(url.database), *Path(url.database).parent.glob("*.db-wal")]
        return b"".join(f.read_bytes() for f in files if f.exists())
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is needed for the PostgreSQL dump test")
    options = dict(url.query).get("options", "")
    schema = str(options).removeprefix("-csearch_path=")
    out = subprocess.run(  # noqa: S603 - fixed argv from the test's own URL, no shell
        [
            pg_dump,
            "-h",
            url.host or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            "-n",
            schema,
            "--inserts",
            url.database or "test",
        ],
        check=True,
        capture_output=True,
    )
    return out.stdout


def test_a_raw_dump_contains_no_name_cccd_si_number_address_or_phone(
    registry: bootstrap.Registry, tmp_path: Path
) -> None:
    for person in PEOPLE:
        establish(registry, **person)
    dump = _raw_dump(registry, tmp_path)
    assert len(dump) > 1000
    secrets: list[str] = []
    for person in PEOPLE:
        for field in ("full_name", "cccd", "si_number", "address", "phone", "bhyt_card"):
            if person.get(field):
                secrets.append(person[field])
        secrets.extend(person["full_name"].split()[1:])  # middle and given names alone
    for secret in secrets:
        for form in {secret, secret.upper(), unicodedata.normalize("NFD", secret)}:
            assert form.encode("utf-8") not in dump, (
                f"plaintext personal data in dump ({len(form)} chars)"
            )


def test_init_refuses_a_new_key_ring_for_a_database_that_holds_persons(
    registry: bootstrap.Registry,
) -> None:
    establish(registry, **PEOPLE[0])
    registry.keys.path.unlink()
    with pytest.raises(bootstrap.KeyRingError, match="restore it from backup"):
        bootstrap.init_registry(registry.settings)
    assert not registry.keys.path.exists()


def test_candidates_sharing_the_most_blocking_keys_come_first(
    registry: bootstrap.Registry,
) -> None:
    from datetime import UTC, datetime  # noqa: PLC0415 - only this test builds persons by hand

    from healthid.domain.person import Person, parse_demographics  # noqa: PLC0415

    now = datetime.now(UTC)
    demographics = parse_demographics(full_name="Lê Văn Hùng", birth_date="1980", sex="male")
    with registry.uow() as uow:
        for n, keys in enumerate([{"weak"}, {"weak"}, {"weak", "strong", "stronger"}, {"weak"}]):
            uow.persons.add(Person(f"{n:032d}", demographics, now, now))
            uow.persons.set_blocking_keys(f"{n:032d}", keys)
        uow.commit()
    with registry.uow() as uow:
        found = uow.persons.candidate_inputs({"weak", "strong", "stronger"}, limit=2)
    assert len(found) == 2
    assert found[0].person_id == f"{2:032d}"


def test_candidate_inputs_are_the_candidates_as_matching_reads_them(
    registry: bootstrap.Registry,
) -> None:
    from datetime import UTC, datetime  # noqa: PLC0415 - only these tests build persons by hand

    from healthid.domain.identifiers import Identifier, IdentifierSystem  # noqa: PLC0415
    from healthid.domain.person import Person, parse_demographics  # noqa: PLC0415

    now = datetime.now(UTC)
    people = [
        ("Lê Văn Hùng", "1980", "Hà Nội", ["001080012345", "001080054321"]),
        ("Lê Thị Lan", "19810502", None, []),
        ("Trần Hùng", "198003", "Huế", ["046080011111"]),
    ]
    with registry.uow() as uow:
        for n, (name, born, place, cards) in enumerate(people):
            demographics = parse_demographics(
                full_name=name,
                birth_date=born,
                sex="female" if "Thị" in name else "male",
                birthplace=place,
                address="Số 1 Lê Lợi",
                phone="0912345678",
            )
            identifiers = [Identifier(IdentifierSystem.CCCD, card) for card in cards]
            uow.persons.add(Person(f"{n:032d}", demographics, now, now, identifiers[:1]))
            for later in identifiers[1:]:  # a second CCCD, added after the first
                uow.persons.add_identifier(f"{n:032d}", later)
            uow.persons.set_blocking_keys(f"{n:032d}", {"k"} if n != 1 else {"k", "k2"})
        uow.commit()
    with registry.uow() as uow:
        lean = uow.persons.candidate_inputs({"k", "k2"}, limit=100)
        whole = [uow.persons.get(i.person_id) for i in lean]
    assert [i.person_id for i in lean] == [f"{n:032d}" for n in (1, 0, 2)]
    for item, person in zip(lean, whole, strict=True):
        assert person is not None
        d = person.demographics
        first_cccd = next(
            (i.value for i in person.identifiers if i.system == IdentifierSystem.CCCD), None
        )
        assert (item.full_name, item.birth_date, item.sex, item.birthplace, item.cccd) == (
            d.full_name,
            d.birth_date,
            str(d.sex),
            d.birthplace,
            first_cccd,
        )
    assert lean[1].cccd == "001080012345"


def test_the_lookup_card_reads_what_the_whole_person_path_reads(
    registry: bootstrap.Registry,
) -> None:
    """The hot lookup's one-statement card agrees with the person and current ID read apart,
    for a person with one ID, one whose ID was revoked, and a merged pair."""
    results = [establish(registry, **p) for p in PEOPLE]
    with registry.uow() as uow:
        issued = uow.health_ids.get_by_si(PEOPLE[1]["si_number"])
        assert issued is not None
        uow.health_ids.set_status(issued.id, "revoked", None, registry.clock.now())
        uow.commit()
    for person, result in zip(PEOPLE, results, strict=True):
        identifier = Identifier(IdentifierSystem.SI, person["si_number"])
        with registry.uow() as uow:
            card = uow.persons.card_by_identifier(identifier)
            whole = uow.persons.find_by_identifier(identifier)
            assert whole is not None
            current = health_ids.current_health_id(uow, whole.id)
        assert card is not None
        assert (card.person_id, card.full_name, card.birth_date, card.sex) == (
            result.person_id,
            whole.demographics.full_name,
            whole.demographics.birth_date,
            str(whole.demographics.sex),
        )
        assert card.health_id == current
    with registry.uow() as uow:
        assert uow.persons.card_by_identifier(Identifier(IdentifierSystem.SI, "9999999999")) is None
