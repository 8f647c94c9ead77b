"""A posted voucher survives TRUNCATE (PostgreSQL) and INSERT OR REPLACE (SQLite): both go round the
row triggers of migration 0003, and migration 0005 refuses them."""

import datetime as dt

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from sahakorn.ledger.models import EntrySource, EntryStatus, JournalEntry, JournalLine
from sahakorn.ledger.tests.factories import voucher_record

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="INSERT OR REPLACE: SQLite")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE triggers: PostgreSQL")


def insert_or_replace(table: str, row_id: int, **changes) -> None:
    """Raw SQL: write the row back with ``changes`` through INSERT OR REPLACE."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [row_id])  # noqa: S608
        columns = [c[0] for c in cursor.description]
        row = dict(zip(columns, cursor.fetchone(), strict=True)) | changes
        cursor.execute(
            f"INSERT OR REPLACE INTO {table} ({', '.join(row)}) VALUES ({', '.join(['%s'] * len(row))})",  # noqa: S608
            list(row.values()),
        )


@pytest.fixture
def posted(accountant):
    return voucher_record(dt.date(2026, 3, 1), "250.00", credit="entrance_fee_income")


@on_sqlite
def test_sqlite_insert_or_replace_cannot_change_a_posted_line(posted):
    # given
    line = posted.lines.order_by("id").first()

    # when / then
    with pytest.raises(IntegrityError, match="ledger_journalline row exists"), transaction.atomic():
        insert_or_replace("ledger_journalline", line.pk, debit="999.00")
    line.refresh_from_db()
    assert str(line.debit) == "250.00"


@on_sqlite
def test_sqlite_insert_or_replace_cannot_flip_a_posted_entry_back_to_draft(posted):
    # when / then
    with pytest.raises(IntegrityError, match="ledger_journalentry row exists"), transaction.atomic():
        insert_or_replace("ledger_journalentry", posted.pk, status=EntryStatus.DRAFT)
    posted.refresh_from_db()
    assert posted.status == EntryStatus.POSTED and posted.voucher_no == 1


@on_sqlite
def test_sqlite_insert_or_replace_cannot_push_out_a_posted_entry_by_its_voucher_number(posted):
    # given: a new row (new id) taking the posted voucher's number, which REPLACE would delete
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) + 1 FROM ledger_journalentry")
        (new_id,) = cursor.fetchone()

    # when / then
    with pytest.raises(IntegrityError, match="ledger_journalentry row exists"), transaction.atomic():
        insert_or_replace("ledger_journalentry", posted.pk, id=new_id, status=EntryStatus.DRAFT)
    assert JournalEntry.objects.filter(pk=posted.pk, status=EntryStatus.POSTED).exists()


@on_sqlite
def test_sqlite_new_vouchers_and_lines_still_go_in(accountant):
    # when: the services insert new rows only
    entry = voucher_record(dt.date(2026, 3, 1), "100.00", credit="entrance_fee_income")

    # then
    assert entry.source == EntrySource.MANUAL and JournalLine.objects.filter(entry=entry).count() == 2


@on_postgresql
@pytest.mark.parametrize("table", ["ledger_journalline", "ledger_journalentry"])
def test_pg_truncate_of_vouchers_is_refused(posted, immediate_constraints, table):
    # when / then: (the posting's deferred balance check has fired: TRUNCATE refuses pending trigger events)
    with pytest.raises(
        DatabaseError, match=rf"ใบสำคัญที่ผ่านรายการแล้วแก้ไขหรือลบไม่ได้ .*\({table} cannot be truncated\)"
    ):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert JournalLine.objects.filter(entry=posted).count() == 2
