"""Migrations 0015 and 0016 on a registry that holds persons and merges: up, down, up."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from healthid.adapters.database import MIGRATIONS, make_engine, migrate


def test_automatic_merges_and_homes_migrate_up_and_down_with_persons_in_place(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    person = (
        "INSERT INTO persons (id, sex, full_name_ct, birth_date_ct, created_at, updated_at) "
        "VALUES ('{}', 'male', '\\x00', '\\x00', '2026-01-01', '2026-01-01')"
    )
    try:
        migrate(engine, "0014")
        with engine.begin() as c:
            for pid in ("p1", "p2"):
                c.exec_driver_sql(person.format(pid))
            c.exec_driver_sql(
                "INSERT INTO merges (id, survivor_id, absorbed_id, moved_identifiers,"
                " replaced_health_ids, merged_by, merged_at) "
                "VALUES ('m1', 'p1', 'p2', '[]', '[]', 'registry', '2026-01-02')"
            )
        migrate(engine)
        with engine.begin() as c:
            # Merges made before were a person's or cannot be told apart: not automatic.
            assert not c.exec_driver_sql("SELECT automatic FROM merges").scalar_one()
            homes = c.exec_driver_sql("SELECT household_index, ward_index FROM persons").all()
            assert [tuple(h) for h in homes] == [(None, None), (None, None)]
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as c:
            config.attributes["connection"] = c
            command.downgrade(config, "0014")
        with engine.connect() as c:
            assert c.exec_driver_sql("SELECT count(*) FROM persons").scalar_one() == 2
            assert c.exec_driver_sql("SELECT count(*) FROM merges").scalar_one() == 1
        migrate(engine)
    finally:
        engine.dispose()
