"""The deposit sub-ledger reconciles with the GL, and the database refuses to rewrite its rows."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from sahakorn.deposits.models import Channel, DepositAccount, DepositTransaction
from sahakorn.deposits.reconcile import deposits_reconcile
from sahakorn.deposits.services import deposit_interest_run, deposit_transfer, deposit_withdraw
from sahakorn.deposits.tests.factories import account_open
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import Line, journal_entry_record

pytestmark = pytest.mark.django_db


def _some_history(savings, special, fixed) -> None:
    a = account_open(product=savings, amount="12345.67", on=dt.date(2025, 1, 3))
    b = account_open(product=special, amount="600000", on=dt.date(2025, 2, 1), member=a.member)
    account_open(product=fixed, amount="50000", on=dt.date(2025, 1, 1))
    deposit_transfer(from_account=b, to_account=a, amount=D("100000"), on=dt.date(2025, 3, 1), by=None)
    deposit_withdraw(account=a, amount=D("345.67"), on=dt.date(2025, 4, 1), channel=Channel.TRANSFER, by=None)
    for product in (savings, special, fixed):
        deposit_interest_run(product=product, period_end=dt.date(2025, 6, 30), by=None)


def test_each_control_account_equals_its_products_transactions(savings, special, fixed):
    # given
    _some_history(savings, special, fixed)

    # when
    result = deposits_reconcile()

    # then
    assert result.ok
    figures = {r.role: r.transactions_amount for r in result.roles}
    assert figures["deposit_savings"] == sum(
        DepositTransaction.objects.filter(account__product=savings).values_list("amount", flat=True), D(0)
    )
    assert figures["deposit_savings"] > D("112000") and figures["deposit_special_savings"] > D("500000")
    out = StringIO()
    call_command("deposits", "check", stdout=out)
    assert "deposits check OK" in out.getvalue()


def test_a_gl_posting_outside_the_sub_ledger_fails_the_check(savings, special, fixed):
    # given: a deposits voucher on the savings control account without its transaction (a bug: a
    # manual voucher there is refused by the ledger)
    _some_history(savings, special, fixed)
    journal_entry_record(date=dt.date(2025, 7, 1), description="ปรับปรุงด้วยมือ", source=EntrySource.DEPOSITS,
                         lines=[Line("cash", debit=D("0.01")), Line("deposit_savings", credit=D("0.01"))])  # fmt: skip

    # when
    result = deposits_reconcile()

    # then
    savings_row = next(r for r in result.roles if r.role == "deposit_savings")
    assert not result.ok and savings_row.ledger_amount - savings_row.transactions_amount == D("0.01")
    with pytest.raises(CommandError):
        call_command("deposits", "check", stdout=StringIO(), stderr=StringIO())
    # as of before the hand posting it still agrees
    assert deposits_reconcile(as_of=dt.date(2025, 6, 30)).ok


def test_a_cache_that_differs_from_the_transactions_is_listed(savings):
    # given
    account = account_open(product=savings, amount="100")
    DepositAccount.objects.filter(pk=account.pk).update(balance=D("101.00"))

    # when
    result = deposits_reconcile()

    # then
    assert not result.ok and [m.number for m in result.mismatches] == [account.number]


def _refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError:
        return True
    return False


def test_deposit_transactions_cannot_be_updated_or_deleted(savings):
    # given
    account_open(product=savings, amount="100")
    row = DepositTransaction.objects.get()

    # when / then
    assert _refused(lambda: DepositTransaction.objects.filter(pk=row.pk).update(amount=D("1")))
    assert _refused(lambda: DepositTransaction.objects.filter(pk=row.pk).delete())
    row.refresh_from_db()
    assert row.amount == D("100.00")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="INSERT OR REPLACE: SQLite")
def test_sqlite_insert_or_replace_cannot_change_a_deposit_amount(savings):
    # given
    account_open(product=savings, amount="100")
    row = DepositTransaction.objects.get()

    # when / then
    with pytest.raises(IntegrityError, match="deposits_deposittransaction row exists"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM deposits_deposittransaction WHERE id = %s", [row.pk])
            columns = [c[0] for c in cursor.description]
            values = dict(zip(columns, cursor.fetchone(), strict=True)) | {"amount": "1000000.00"}
            cursor.execute(
                f"INSERT OR REPLACE INTO deposits_deposittransaction ({', '.join(values)}) "  # noqa: S608
                f"VALUES ({', '.join(['%s'] * len(values))})",
                list(values.values()),
            )
    row.refresh_from_db()
    assert row.amount == D("100.00")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE triggers: PostgreSQL")
def test_pg_truncate_of_deposit_transactions_is_refused(savings):
    # given
    account_open(product=savings, amount="100")

    # when / then: the deferred balance checks fire first (TRUNCATE refuses pending trigger events)
    with pytest.raises(DatabaseError, match=r"รายการเงินฝากแก้ไขหรือลบไม่ได้ .*cannot be truncated"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE deposits_deposittransaction CASCADE")
    assert DepositTransaction.objects.get().amount == D("100.00")
