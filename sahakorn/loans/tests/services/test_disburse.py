"""Disbursement: contract, schedule, the voucher to the satang; netting of a refinanced contract."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.deposits.models import DepositProduct
from sahakorn.deposits.tests.factories import account_open
from sahakorn.loans.errors import LoanError
from sahakorn.loans.models import ContractStatus, LoanTxKind
from sahakorn.loans.services import loan_application_create, loan_disburse
from sahakorn.loans.tests.conftest import borrower, disbursed, guarantor


def _lines(entry):
    return sorted(
        (line.account.code, line.debit, line.credit, line.member_id)
        for line in entry.lines.select_related("account")
    )


def test_cash_disbursement(emergency, officer, manager):
    member = borrower()
    c = disbursed(product=emergency, member=member, amount="30000.00", installments=12, guarantors=[],
                  maker=officer, checker=manager)  # fmt: skip
    assert c.number == "10-2568-000001"
    assert c.principal_balance == D("30000.00") and c.annual_rate == D("6.000")
    assert c.schedule.count() == 12 and c.schedule.last().closing_balance == 0
    assert c.installment_amount == D("2590.00")  # level payment 2,581.99 up to 10 baht
    [tx] = c.transactions.all()
    assert (tx.kind, tx.principal, tx.interest) == (LoanTxKind.DISBURSEMENT, D("30000.00"), D("0.00"))
    assert _lines(tx.journal_entry) == [
        ("11110", D("0.00"), D("30000.00"), None),
        ("11531", D("30000.00"), D("0.00"), member.pk),
    ]
    c2 = disbursed(product=emergency, member=borrower(), amount="1000.00", installments=12, guarantors=[],
                   maker=officer, checker=manager)  # fmt: skip
    assert c2.number == "10-2568-000002"


def test_deposit_channel(emergency, officer, manager):
    member = borrower()
    account = account_open(product=DepositProduct.objects.get(code="10"), amount="100.00", member=member)
    app = loan_application_create(member=member, product=emergency, amount=D("20000.00"), installments=12,
                                  guarantors=[], applied_on=dt.date(2025, 3, 1), by=officer)  # fmt: skip
    from sahakorn.loans.services import loan_application_approve

    loan_application_approve(application=app, by=manager)
    with pytest.raises(LoanError):
        loan_disburse(application=app, on=dt.date(2025, 3, 5), channel="deposit", first_due=dt.date(2025, 4, 30),
                      by=officer)  # fmt: skip
    c = loan_disburse(application=app, on=dt.date(2025, 3, 5), channel="deposit", deposit_account=account,
                      first_due=dt.date(2025, 4, 30), by=officer)  # fmt: skip
    account.refresh_from_db()
    assert account.balance == D("20100.00")
    assert _lines(c.transactions.get().journal_entry) == [
        ("11531", D("20000.00"), D("0.00"), member.pk),
        ("21410", D("0.00"), D("20000.00"), member.pk),
    ]


def test_netting_exact(ordinary, officer, manager):
    member, g = borrower(shares=2000), guarantor()
    old = disbursed(product=ordinary, member=member, amount="150000.00", installments=120, guarantors=[g],
                    maker=officer, checker=manager)  # fmt: skip
    new = disbursed(product=ordinary, member=member, amount="200000.00", installments=120, guarantors=[g],
                    maker=officer, checker=manager, applied_on=dt.date(2025, 3, 20), on=dt.date(2025, 3, 25),
                    refinance=old)  # fmt: skip
    old.refresh_from_db()
    # 150,000 × 6.5% × 20 days (6–25 March) / 365 = 534.2466 → 534.25
    assert old.status == ContractStatus.CLOSED and old.refinanced_by == new and old.principal_balance == 0
    net = old.transactions.get(kind=LoanTxKind.NETTING)
    assert (net.principal, net.interest) == (D("-150000.00"), D("534.25"))
    assert net.journal_entry_id == new.transactions.get().journal_entry_id
    assert _lines(net.journal_entry) == [
        ("11110", D("0.00"), D("49465.75"), None),
        ("11533", D("0.00"), D("150000.00"), member.pk),
        ("11533", D("200000.00"), D("0.00"), member.pk),
        ("41200", D("0.00"), D("534.25"), member.pk),  # member-linked, as at the counter (average return)
    ]
    assert not old.guarantees.filter(ended_on__isnull=True).exists()


def test_netting_after_a_month_end_accrual_settles_the_accrued_interest(ordinary, officer, manager):
    # given: the old loan accrued 26 days at 31 March (150,000 × 6.5% × 26 / 365 = 694.52)
    from sahakorn.ledger.selectors import account_balance
    from sahakorn.loans.batch import loan_interest_accrual_run
    from sahakorn.loans.reconcile import loans_reconcile

    member, g = borrower(shares=2000), guarantor()
    old = disbursed(product=ordinary, member=member, amount="150000.00", installments=120, guarantors=[g],
                    maker=officer, checker=manager)  # fmt: skip
    assert loan_interest_accrual_run(period_end=dt.date(2025, 3, 31)).amount == D("694.52")

    # when: a new loan nets it off on 10 April (36 days: 961.64 of interest, 694.52 of it accrued)
    new = disbursed(product=ordinary, member=member, amount="200000.00", installments=120, guarantors=[g],
                    maker=officer, checker=manager, applied_on=dt.date(2025, 4, 8), on=dt.date(2025, 4, 10),
                    first_due=dt.date(2025, 5, 31), refinance=old)  # fmt: skip

    # then: accrued interest is credited first, only the 10 days of April are new income
    net = old.transactions.get(kind=LoanTxKind.NETTING)
    assert (net.principal, net.interest) == (D("-150000.00"), D("961.64"))
    assert _lines(net.journal_entry) == [
        ("11110", D("0.00"), D("49038.36"), None),
        ("11533", D("0.00"), D("150000.00"), member.pk),
        ("11533", D("200000.00"), D("0.00"), member.pk),
        ("11620", D("0.00"), D("694.52"), member.pk),
        ("41200", D("0.00"), D("267.12"), member.pk),
    ]
    assert account_balance(account="accrued_interest_ordinary") == D("0.00")
    assert new.principal_balance == D("200000.00")
    assert loans_reconcile().ok
