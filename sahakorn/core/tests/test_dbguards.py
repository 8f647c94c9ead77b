"""TRUNCATE (PostgreSQL) and INSERT OR REPLACE (SQLite) go round row triggers; every table whose rows
are immutable refuses both (``core.dbguards.no_truncate_or_replace``)."""

import pytest
from django.db import DatabaseError, connection, transaction

from sahakorn.core.dbguards import WIPE_SETTING

GUARDED = [
    "ledger_journalentry",
    "ledger_journalline",
    "shares_sharetransaction",
    "deposits_deposittransaction",
    "loans_loantransaction",
    "loans_loancontractrate",
    "welfare_welfareclaim",
    "funeral_funeralpayout",
    "funeral_funeralremittance",
    "funeral_funeraldue",
]

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE triggers: PostgreSQL")
on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="INSERT OR REPLACE: SQLite")


@on_postgresql
@pytest.mark.parametrize("table", GUARDED)
def test_pg_truncate_is_refused(db, table):
    # when / then: CASCADE, or a referenced table stops at its foreign keys before any trigger fires
    with pytest.raises(DatabaseError, match=r"cannot be truncated"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")


@on_postgresql
def test_pg_truncate_goes_through_in_a_session_that_says_it_wipes_a_disposable_database(db):
    # given: what a test runner's flush would run first
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL {WIPE_SETTING} = 'on'")

        # when
        cursor.execute("TRUNCATE ledger_journalline")

        # then
        cursor.execute("SELECT count(*) FROM ledger_journalline")
        assert cursor.fetchone() == (0,)
        transaction.set_rollback(True)


@on_sqlite
@pytest.mark.parametrize("table", GUARDED)
def test_sqlite_every_immutable_table_refuses_insert_or_replace(db, table):
    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [f"{table}_no_replace"]
        )
        row = cursor.fetchone()

    # then
    assert row is not None
    assert row[0].startswith(
        f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} FOR EACH ROW WHEN EXISTS"
    )
