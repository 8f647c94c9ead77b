"""The loans' part of the sub-ledger contract: the reconciliation ``sahakorn reconcile`` runs and the
monthly demands billing deducts from pay, received inside the caller's voucher.

The contract: 100,000.00 at 6% from 1 Jan 2026, 12 level installments of 8,610.00 from 1 Feb 2026
(day basis 365). Installment 1 (1 Feb) is paid at the counter: 31 days of interest,
100,000 × 6 × 31 / 36,500 = 509.59, and 8,100.41 of principal, leaving 91,899.59.
"""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sahakorn.core.subledger import reconciliations, subledger
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.selectors import account_balance, account_for_role
from sahakorn.ledger.services import Line, journal_entry_record
from sahakorn.loans.models import LoanContract, LoanTransaction, LoanTxKind, ScheduledInstallment
from sahakorn.loans.payments import loan_payment_record
from sahakorn.loans.reconcile import loans_reconcile
from sahakorn.loans.subledger import SUBLEDGER
from sahakorn.loans.tests.factories import contract_create

pytestmark = pytest.mark.django_db

FEB_1, MAR_1, APR_1 = dt.date(2026, 2, 1), dt.date(2026, 3, 1), dt.date(2026, 4, 1)


@pytest.fixture
def contract(officer):
    contract = contract_create(
        amount=D("100000.00"), annual_rate=D("6.000"), disbursed_on=dt.date(2026, 1, 1)
    )
    loan_payment_record(contract=contract, amount=D("8610.00"), on=FEB_1, channel="payroll", by=officer)
    contract.refresh_from_db()
    assert contract.principal_balance == D("91899.59")
    return contract


def _billed(demand, amount: D, on: dt.date, by):
    """What billing does with a demand: its own voucher (cash in, the demand's credit lines), then settle."""
    entry = journal_entry_record(
        date=on,
        description=f"หักเงินเดือน {demand.reference}",
        lines=[Line(account="cash", debit=amount), *demand.credit_lines(amount)],
        source=EntrySource.BILLING,
        created_by=by,
    )
    demand.settle(amount=amount, on=on, entry=entry, by=by)
    return entry


def test_the_loans_declare_their_reconciliation_and_demands():
    assert subledger("loans") is SUBLEDGER


def test_the_second_month_is_billed_principal_as_scheduled_and_interest_to_the_due_date(contract, officer):
    # when: billing asks for March (installment 2, due 1 Mar)
    [demand] = SUBLEDGER.monthly_demands(member=contract.member, period=MAR_1)

    # then: 28 days of interest on 91,899.59: 91,899.59 × 6 × 28 / 36,500 = 422.99; the schedule's
    # installment 2 is the same figure, so its principal is 8,610.00 − 422.99 = 8,187.01
    row = ScheduledInstallment.objects.get(contract=contract, number=2)
    assert (row.due_date, row.principal, row.interest) == (MAR_1, D("8187.01"), D("422.99"))
    assert demand.subledger == "loans" and demand.reference == contract.number
    assert demand.account_role == "loan_ordinary"
    assert demand.parts == {"principal": D("8187.01"), "interest": D("422.99")}
    assert demand.amount == D("8610.00")
    assert "งวดที่ 2" in demand.label

    # when: billing receives it in its own voucher
    lines = demand.credit_lines(D("8610.00"))

    # then: the credit side is the contract's: principal to the loan account, interest to income
    assert [(line.account, line.debit, line.credit, line.member_id) for line in lines] == [
        ("loan_ordinary", D("0"), D("8187.01"), contract.member_id),
        ("interest_income_ordinary", D("0"), D("422.99"), contract.member_id),
    ]
    entry = journal_entry_record(
        date=MAR_1,
        description=f"หักเงินเดือน {demand.reference}",
        lines=[Line(account="cash", debit=D("8610.00")), *lines],
        source=EntrySource.BILLING,
        created_by=officer,
    )
    demand.settle(amount=D("8610.00"), on=MAR_1, entry=entry, by=officer)

    # then: a payroll PAYMENT on the billing voucher; 91,899.59 − 8,187.01 = 83,712.58 left
    payment = LoanTransaction.objects.get(contract=contract, journal_entry=entry)
    assert (payment.kind, payment.channel, payment.date) == (LoanTxKind.PAYMENT, "payroll", MAR_1)
    assert (payment.principal, payment.interest, payment.interest_arrears) == (
        D("-8187.01"),
        D("422.99"),
        D("0.00"),
    )
    contract.refresh_from_db()
    assert (contract.principal_balance, contract.interest_paid_to) == (D("83712.58"), MAR_1)
    assert account_balance(account="loan_ordinary") == D("83712.58")
    assert account_balance(account="interest_income_ordinary") == D("932.58")  # 509.59 + 422.99
    assert loans_reconcile().ok
    result = SUBLEDGER.reconcile()
    assert result.ok and result.lines[-1] == "ตรวจลูกหนี้เงินกู้ผ่าน / loans check OK"


def test_a_short_receipt_pays_interest_first_and_the_rest_is_billed_next_month(contract, officer):
    # given: March's demand (8,610.00) and only 300.00 deducted
    [demand] = SUBLEDGER.monthly_demands(member=contract.member, period=MAR_1)

    # when
    entry = _billed(demand, D("300.00"), MAR_1, officer)

    # then: all 300.00 is interest; 422.99 − 300.00 = 122.99 of interest stays in arrears (Dr the
    # interest receivable), no principal is paid
    posted = {line.account_id: (line.debit, line.credit) for line in entry.lines.all()}
    assert posted == {
        account_for_role("cash").pk: (D("300.00"), D("0.00")),
        account_for_role("interest_income_ordinary").pk: (D("0.00"), D("422.99")),
        account_for_role("receivable_pending_interest").pk: (D("122.99"), D("0.00")),
    }
    payment = LoanTransaction.objects.get(contract=contract, journal_entry=entry)
    assert (payment.principal, payment.interest, payment.interest_arrears) == (
        D("0.00"),
        D("300.00"),
        D("122.99"),
    )
    contract.refresh_from_db()
    assert (contract.principal_balance, contract.interest_arrears) == (D("91899.59"), D("122.99"))
    assert loans_reconcile().ok

    # and April (installment 3, due 1 Apr) is billed with what March left: interest 31 days on
    # 91,899.59 = 91,899.59 × 6 × 31 / 36,500 = 468.31, plus 122.99 in arrears = 591.30; principal:
    # March's 8,187.01 not repaid + April's as scheduled, 8,610.00 − 426.59 (31 days on the scheduled
    # 83,712.58) = 8,183.41, together 16,370.42
    [april] = SUBLEDGER.monthly_demands(member=contract.member, period=APR_1)
    assert april.parts == {"principal": D("16370.42"), "interest": D("591.30")}
    assert april.amount == D("16961.72")
    assert april.due_on == APR_1


def test_a_month_without_an_installment_bills_only_what_is_overdue(contract):
    # January: paid out on 1 Jan, the first installment falls due on 1 Feb: nothing owed yet
    assert SUBLEDGER.monthly_demands(member=contract.member, period=dt.date(2026, 1, 1)) == []
    # January 2027 holds the last installment
    [last] = SUBLEDGER.monthly_demands(member=contract.member, period=dt.date(2027, 1, 1))
    assert last.label.endswith("งวดที่ 12")
    # February 2027 has no installment, but nothing was ever repaid: the whole balance is overdue,
    # billed with the interest to the month's end
    [overdue] = SUBLEDGER.monthly_demands(member=contract.member, period=dt.date(2027, 2, 1))
    assert overdue.label.endswith("ค้างชำระ")
    assert overdue.parts["principal"] == contract.principal_balance
    assert overdue.due_on == dt.date(2027, 2, 28)


def test_settling_needs_the_same_amount_as_the_credit_lines(contract, officer):
    from sahakorn.loans.errors import LoanError

    [demand] = SUBLEDGER.monthly_demands(member=contract.member, period=MAR_1)
    with pytest.raises(LoanError, match="ด้วยจำนวนเดียวกัน"):
        demand.settle(amount=D("8610.00"), on=MAR_1, entry=None, by=officer)


def test_reconcile_gives_the_lines_of_loans_check_and_its_verdict(contract):
    result = SUBLEDGER.reconcile()
    assert result.ok
    assert result.lines[0].startswith("  เงินกู้ฉุกเฉิน: รวมรายการเงินต้น")
    assert any("เงินกู้สามัญ: บัญชีคุมลูกหนี้ในบัญชีแยกประเภท" in line and "91,899.59" in line for line in result.lines)
    assert [r.title for r in reconciliations(only=["loans"])] == [result.title]
    out = StringIO()
    call_command("loans", "check", stdout=out)
    assert out.getvalue().splitlines() == list(result.lines)

    # a contract whose cached balance is off fails both, with the contract named
    LoanContract.objects.filter(pk=contract.pk).update(principal_balance=D("91899.60"))
    result = SUBLEDGER.reconcile()
    assert not result.ok and result.lines[-1] == "ตรวจลูกหนี้เงินกู้ไม่ผ่าน / loans check FAILED"
    assert any(line.startswith(f"สัญญา {contract.number} เงินต้นคงเหลือ 91,899.60 บาท") for line in result.lines)
    err = StringIO()
    with pytest.raises(CommandError, match="loans check FAILED"):
        call_command("loans", "check", stdout=StringIO(), stderr=err)
    assert err.getvalue().splitlines() == list(result.lines[:-1])


def test_a_month_already_received_is_not_billed_again(contract, officer):
    # given: March billed and received in full
    [march] = SUBLEDGER.monthly_demands(member=contract.member, period=MAR_1)
    _billed(march, march.amount, MAR_1, officer)

    # then: asking for March again bills nothing
    assert SUBLEDGER.monthly_demands(member=contract.member, period=MAR_1) == []


def test_a_month_paid_at_the_counter_is_not_billed(contract, officer):
    loan_payment_record(contract=contract, amount=D("8610.00"), on=MAR_1, channel="cash", by=officer)
    assert SUBLEDGER.monthly_demands(member=contract.member, period=MAR_1) == []


def test_a_receipt_dated_otherwise_than_its_demand_is_refused_and_nothing_is_recorded(contract, officer):
    from sahakorn.loans.errors import LoanError

    # given: March's demand falls due on 1 Mar (interest is charged to that day)
    [march] = SUBLEDGER.monthly_demands(member=contract.member, period=MAR_1)
    assert march.due_on == MAR_1

    # when: the caller posts its voucher on 25 Feb
    with pytest.raises(LoanError, match="รับชำระได้ลงวันที่ 1 มี.ค. 2569 เท่านั้น"):
        _billed(march, march.amount, dt.date(2026, 2, 25), officer)

    # then: the contract took no payment from it
    assert LoanTransaction.objects.filter(contract=contract, kind=LoanTxKind.PAYMENT).count() == 1
