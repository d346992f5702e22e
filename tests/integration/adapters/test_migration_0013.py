"""Migration 0013 on a registry that holds accounts: up keeps them, down and up again too."""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from healthid.adapters.database import MIGRATIONS, make_engine, migrate


def test_caps_and_client_keys_migrate_up_and_down_with_accounts_in_place(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    try:
        migrate(engine, "0012")
        with engine.begin() as c:
            c.exec_driver_sql(
                "INSERT INTO facilities (code, name, province_code, province_version, active) "
                "VALUES ('01001', 'BV', '01', '2025', true)"
            )
            c.exec_driver_sql(
                "INSERT INTO users (id, username, role, facility_code, password_hash, disabled) "
                "VALUES ('u1', 'lan', 'staff', '01001', 'h', false)"
            )
            c.exec_driver_sql(
                "INSERT INTO api_clients (client_id, facility_code, secret_hash, disabled) "
                "VALUES ('hid_s', '01001', 'h', false)"
            )
        migrate(engine)  # facilities is referenced by users and clients: altered in place
        with engine.begin() as c:
            limits = c.exec_driver_sql("SELECT max_users, max_clients FROM facilities").one()
            assert tuple(limits) == (50, 5)
            c.exec_driver_sql(
                "INSERT INTO api_clients (client_id, facility_code, secret_hash, disabled, jwks) "
                "VALUES ('hid_k', '01001', NULL, false, '{\"keys\": []}')"
            )
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with engine.begin() as c:
            config.attributes["connection"] = c
            command.downgrade(config, "0012")
        with engine.connect() as c:
            kept = [r[0] for r in c.exec_driver_sql("SELECT client_id FROM api_clients")]
            assert kept == ["hid_s"]  # a client without a secret cannot exist at 0012
            assert c.exec_driver_sql("SELECT count(*) FROM users").scalar_one() == 1
        migrate(engine)
    finally:
        engine.dispose()
