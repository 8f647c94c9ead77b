import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from sahakorn.loans.models import LoanContract
from sahakorn.loans.payments import loan_payment_record
from sahakorn.loans.reconcile import loans_reconcile
from sahakorn.loans.tests.factories import contract_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def book(officer):
    ordinary = contract_create(amount=D("100000.00"))
    contract_create(family="special", amount=D("300000.00"), installments=120)
    loan_payment_record(
        contract=ordinary, amount=D("5000.00"), on=dt.date(2026, 2, 1), channel="bank", by=officer
    )
    return ordinary


def test_sub_ledger_caches_and_gl_agree(book):
    result = loans_reconcile()

    assert result.ok
    figures = {f.family: (f.transactions, f.contracts, f.ledger) for f in result.families}
    assert figures["ordinary"] == (D("95509.59"),) * 3
    assert figures["special"] == (D("300000.00"),) * 3
    assert figures["emergency"] == (D("0.00"),) * 3


def test_a_broken_cache_is_detected(book, capsys):
    LoanContract.objects.filter(pk=book.pk).update(principal_balance=D("95509.60"))

    result = loans_reconcile()

    assert not result.ok
    assert [(m.number, m.cached, m.transactions) for m in result.mismatches] == [
        (book.number, D("95509.60"), D("95509.59"))
    ]
    with pytest.raises(CommandError, match="FAILED"):
        call_command("loans", "check")


def test_command_check_and_accrual_run(book, capsys):
    call_command("loans", "check")
    call_command("loans", "accrual-run", "--period-end", "2026-02-28")
    call_command("loans", "accrual-run", "--period-end", "2026-02-28")

    out = capsys.readouterr().out
    assert "loans check OK" in out
    assert "already run" in out
    assert loans_reconcile().ok


def test_loan_transactions_are_immutable(book):
    from django.db import DatabaseError, transaction

    from sahakorn.loans.models import LoanTransaction

    for attempt in (
        lambda: LoanTransaction.objects.filter(contract=book).update(memo="แก้"),
        lambda: LoanTransaction.objects.filter(contract=book).delete(),
    ):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            attempt()
