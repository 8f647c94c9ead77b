import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.selectors import account_balance
from sahakorn.loans.accrual import loan_interest_accrual_run, loan_interest_accrual_run_naive
from sahakorn.loans.errors import LoanError
from sahakorn.loans.models import AccrualRun, LoanTransaction, LoanTxKind
from sahakorn.loans.payments import loan_payment_record
from sahakorn.loans.reconcile import loans_reconcile
from sahakorn.loans.tests.factories import contract_create

pytestmark = pytest.mark.django_db

JAN_31 = dt.date(2026, 1, 31)


@pytest.fixture
def book():
    """Ordinary 100,000 @ 6% and 50,000 @ 6.5% from 1 Jan; emergency 20,000 @ 6% from 10 Jan."""
    return [
        contract_create(amount=D("100000.00"), annual_rate=D("6.000")),
        contract_create(amount=D("50000.00"), annual_rate=D("6.500")),
        contract_create(
            family="emergency",
            amount=D("20000.00"),
            annual_rate=D("6.000"),
            disbursed_on=dt.date(2026, 1, 10),
        ),
    ]


def _accruals(contract):
    return list(
        LoanTransaction.objects.filter(contract=contract, kind=LoanTxKind.ACCRUAL)
        .order_by("interest_to")
        .values_list("interest", "interest_from", "interest_to")
    )


def test_accrual_is_exact_with_one_voucher_per_family(book, officer):
    run = loan_interest_accrual_run(period_end=JAN_31, by=officer)

    big, small, emergency = book
    # 100,000 × 6% × 30/365 = 493.15; 50,000 × 6.5% × 30/365 = 267.12; 20,000 × 6% × 21/365 = 69.04
    assert _accruals(big) == [(D("493.15"), dt.date(2026, 1, 1), JAN_31)]
    assert _accruals(small) == [(D("267.12"), dt.date(2026, 1, 1), JAN_31)]
    assert _accruals(emergency) == [(D("69.04"), dt.date(2026, 1, 10), JAN_31)]
    assert (run.contracts, run.amount) == (3, D("829.31"))
    entries = {t.journal_entry_id for t in LoanTransaction.objects.filter(kind=LoanTxKind.ACCRUAL)}
    assert len(entries) == 2
    assert account_balance(account="accrued_interest_ordinary") == D("760.27")
    assert account_balance(account="interest_income_ordinary") == D("760.27")
    assert account_balance(account="accrued_interest_emergency") == D("69.04")
    assert account_balance(account="interest_income_emergency") == D("69.04")
    assert loans_reconcile().ok


def test_running_the_accrual_twice_posts_once(book, officer):
    first = loan_interest_accrual_run(period_end=JAN_31, by=officer)
    second = loan_interest_accrual_run(period_end=JAN_31, by=officer)

    assert second.pk == first.pk
    assert AccrualRun.objects.count() == 1
    assert LoanTransaction.objects.filter(kind=LoanTxKind.ACCRUAL).count() == 3
    assert account_balance(account="accrued_interest_ordinary") == D("760.27")


def test_a_payment_after_an_accrual_credits_accrued_interest_first(book, officer):
    big, small, _ = book
    loan_interest_accrual_run(period_end=JAN_31, by=officer)

    row = loan_payment_record(
        contract=big, amount=D("5000.00"), on=dt.date(2026, 2, 1), channel="bank", by=officer
    )

    assert row.interest == D("509.59")
    credits = {ln.account.code: ln.credit for ln in row.journal_entry.lines.all() if ln.credit}
    # 493.15 was accrued on 31 Jan; only the 1 February day (16.44) is new income.
    assert credits == {"11533": D("4490.41"), "11620": D("493.15"), "41200": D("16.44")}
    assert account_balance(account="accrued_interest_ordinary") == D("267.12")
    assert account_balance(account="interest_income_ordinary") == D("509.59") + D("267.12")
    assert loans_reconcile().ok

    # February's accrual starts from the payment for the paid contract, from 31 Jan for the other.
    loan_interest_accrual_run(period_end=dt.date(2026, 2, 28), by=officer)
    big.refresh_from_db()
    assert _accruals(big)[-1] == (D("423.91"), dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert _accruals(small)[-1] == (D("249.32"), JAN_31, dt.date(2026, 2, 28))
    assert loans_reconcile().ok

    with pytest.raises(LoanError, match="ดอกเบี้ยค้างรับ"):
        loan_payment_record(
            contract=small, amount=D("5000.00"), on=dt.date(2026, 2, 20), channel="bank", by=officer
        )


def test_the_naive_run_gives_the_same_figures(book, officer):
    assert loan_interest_accrual_run_naive(period_end=JAN_31, by=officer) == 3

    assert sorted(
        LoanTransaction.objects.filter(kind=LoanTxKind.ACCRUAL).values_list("interest", flat=True)
    ) == [
        D("69.04"),
        D("267.12"),
        D("493.15"),
    ]
    assert loans_reconcile().ok
