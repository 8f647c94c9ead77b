"""A leaving member's loans settled from their shares: interest to the day first, emergency before
ordinary, the contracts paid (or left with what the shares did not cover), and undone with the
withdrawal's reversal."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.selectors import account_balance
from sahakorn.loans.models import ContractStatus, LoanTransaction
from sahakorn.loans.reconcile import loans_reconcile
from sahakorn.loans.tests.factories import contract_create
from sahakorn.members.services import member_status_change
from sahakorn.shares.models import RequestKind, ShareTransaction, TransactionKind
from sahakorn.shares.services import share_request_approve, share_request_create, share_transaction_reverse
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db
LENT_ON, LEFT_ON = dt.date(2026, 6, 1), dt.date(2026, 6, 30)


def _withdraw(member, officer, manager):
    member_status_change(
        member=member, to_status="resigned", effective_on=LEFT_ON, reason="ลาออก", by=officer
    )
    request = share_request_create(kind=RequestKind.WITHDRAWAL, member=member, by=officer, effective_on=LEFT_ON,
                                   reason="ลาออก")  # fmt: skip
    share_request_approve(request=request, by=manager)
    return request


def test_shares_pay_off_both_loans_with_interest_to_the_day(officer, manager):
    # given: 50,000.00 of shares; ordinary 30,000 and emergency 4,000 at 6% lent on 1 June
    member = member_with_shares(5000)
    ordinary = contract_create(member=member, family="ordinary", amount=D("30000.00"), disbursed_on=LENT_ON)
    emergency = contract_create(member=member, family="emergency", amount=D("4000.00"), disbursed_on=LENT_ON)

    # when: the member resigns on 30 June and the shares are withdrawn that day
    request = _withdraw(member, officer, manager)

    # then: 29 days of interest: 30,000 × 6% × 29 / 365 = 143.01 and 4,000 × 6% × 29 / 365 = 19.07
    assert "หักชำระหนี้ 34,162.08 บาท คงเหลือรอจ่ายคืน 15,837.92 บาท" in [c["message"] for c in request.checks]
    for contract, principal, interest in [
        (emergency, "-4000.00", "19.07"),
        (ordinary, "-30000.00", "143.01"),
    ]:
        contract.refresh_from_db()
        assert (contract.status, contract.principal_balance, contract.interest_paid_to) == (
            ContractStatus.CLOSED, D("0.00"), LEFT_ON)  # fmt: skip
        paid = contract.transactions.get(channel="shares")
        assert (paid.principal, paid.interest, paid.date) == (D(principal), D(interest), LEFT_ON)
    withdrawal = ShareTransaction.objects.get(kind=TransactionKind.WITHDRAWAL)
    assert {t.journal_entry_id for t in LoanTransaction.objects.filter(channel="shares")} == {
        withdrawal.journal_entry_id
    }
    assert account_balance(account="share_refund_payable", member_id=member.pk) == D("15837.92")
    assert account_balance(account="interest_income_ordinary", member_id=member.pk) == D("143.01")
    assert account_balance(account="interest_income_emergency", member_id=member.pk) == D("19.07")
    assert loans_reconcile().ok


def test_shares_short_of_the_debts_leave_the_rest_on_the_ordinary_loan(officer, manager):
    # given: 10,000.00 of shares against 34,162.08 of debts
    member = member_with_shares(1000)
    ordinary = contract_create(member=member, family="ordinary", amount=D("30000.00"), disbursed_on=LENT_ON)
    emergency = contract_create(member=member, family="emergency", amount=D("4000.00"), disbursed_on=LENT_ON)

    # when
    _withdraw(member, officer, manager)

    # then: the emergency loan in full (4,019.07), 5,980.93 to the ordinary: 143.01 interest, 5,837.92 principal
    emergency.refresh_from_db()
    ordinary.refresh_from_db()
    assert emergency.status == ContractStatus.CLOSED
    assert (ordinary.status, ordinary.principal_balance, ordinary.interest_paid_to) == (
        ContractStatus.ACTIVE, D("24162.08"), LEFT_ON)  # fmt: skip
    assert account_balance(account="share_refund_payable", member_id=member.pk) == D("0.00")
    assert account_balance(account="loan_ordinary", member_id=member.pk) == D("24162.08")
    assert loans_reconcile().ok


def test_reversing_the_withdrawal_reopens_the_loans(officer, manager):
    member = member_with_shares(5000)
    ordinary = contract_create(member=member, family="ordinary", amount=D("30000.00"), disbursed_on=LENT_ON)
    _withdraw(member, officer, manager)
    withdrawal = ShareTransaction.objects.get(kind=TransactionKind.WITHDRAWAL)

    share_transaction_reverse(transaction=withdrawal, on=dt.date(2026, 7, 2), reason="อนุมัติผิดคน", by=manager)

    ordinary.refresh_from_db()
    assert (ordinary.status, ordinary.principal_balance, ordinary.interest_paid_to) == (
        ContractStatus.ACTIVE, D("30000.00"), LENT_ON)  # fmt: skip
    assert account_balance(account="loan_ordinary", member_id=member.pk) == D("30000.00")
    assert account_balance(account="interest_income_ordinary", member_id=member.pk) == D("0.00")
    assert loans_reconcile().ok


def test_a_payment_recorded_after_the_debts_were_read_refuses_the_settlement(officer):
    # given: the debts were read for 30 June, then a payment to 5 July came in at the counter
    from sahakorn.core.subledger import DebtSettlementError
    from sahakorn.loans.debts import loan_member_debts
    from sahakorn.loans.payments import loan_payment_record

    member = member_with_shares(5000)
    contract = contract_create(member=member, family="ordinary", amount=D("30000.00"), disbursed_on=LENT_ON)
    [debt] = loan_member_debts(member=member, on=LEFT_ON)
    loan_payment_record(
        contract=contract, amount=D("1000.00"), on=dt.date(2026, 7, 5), channel="cash", by=officer
    )

    # when / then: the settlement is refused with the contract named, nothing half-done
    with pytest.raises(
        DebtSettlementError, match=f"สัญญา {contract.number} มีรายการรับชำระลงวันที่ 5 ก.ค. 2569 หลังวันพ้นสมาชิกภาพ"
    ):
        debt.credit_lines(debt.amount)


def test_a_death_settled_after_two_month_end_accruals_charges_interest_to_the_exit_date(officer, manager):
    # given: 10,000.00 at 6% from 1 Sep 2026; accruals ran at 30 Sep (47.67) and 31 Oct (50.96)
    from sahakorn.loans.batch import loan_interest_accrual_run
    from sahakorn.loans.models import LoanTxKind

    member = member_with_shares(2000)
    contract = contract_create(member=member, amount=D("10000.00"), disbursed_on=dt.date(2026, 9, 1))
    loan_interest_accrual_run(period_end=dt.date(2026, 9, 30), by=officer)
    loan_interest_accrual_run(period_end=dt.date(2026, 10, 31), by=officer)
    died = dt.date(2026, 10, 15)

    # when: the member died on 15 Oct and the shares are withdrawn with effect from that day
    member_status_change(
        member=member, to_status="deceased", effective_on=died, reason="ถึงแก่กรรม", by=officer
    )
    request = share_request_create(kind=RequestKind.WITHDRAWAL, member=member, by=officer, effective_on=died,
                                   reason="ถึงแก่กรรม")  # fmt: skip
    share_request_approve(request=request, by=manager)

    # then: interest to the exit date only, 10,000 × 6% × 44 / 365 = 72.33, on a row dated 15 Oct
    paid = contract.transactions.get(channel="shares")
    assert (paid.date, paid.interest, paid.principal) == (died, D("72.33"), D("-10000.00"))
    assert paid.journal_entry.date == died
    credits = {
        ln.account.code: ln.credit
        for ln in paid.journal_entry.lines.all()
        if ln.credit and ln.account.code != "21600"
    }
    # 47.67 accrued at 30 Sep is settled; 72.33 − 47.67 = 24.66 is new income
    assert credits == {"11533": D("10000.00"), "11620": D("47.67"), "41200": D("24.66")}
    # the 31 Oct accrual (days after the death) is reversed on its own date and not posted again
    assert list(
        contract.transactions.filter(date=dt.date(2026, 10, 31))
        .order_by("id")
        .values_list("kind", "interest")
    ) == [(LoanTxKind.ACCRUAL, D("50.96")), (LoanTxKind.ACCRUAL_REVERSAL, D("-50.96"))]
    assert account_balance(account="accrued_interest_ordinary") == D("0.00")
    assert account_balance(account="interest_income_ordinary") == D("72.33")
    assert loans_reconcile(as_of=dt.date(2026, 10, 20)).ok
    assert loans_reconcile().ok


def test_a_receipt_dated_after_the_exit_date_must_be_reversed_before_settling(officer, manager):
    # given: the member died on 15 Oct, but payroll still deducted 900.00 on 31 Oct
    from sahakorn.loans.payments import loan_payment_record
    from sahakorn.shares.errors import ShareError

    member = member_with_shares(2000)
    contract = contract_create(member=member, amount=D("10000.00"), disbursed_on=dt.date(2026, 9, 1))
    late = loan_payment_record(
        contract=contract, amount=D("900.00"), on=dt.date(2026, 10, 31), channel="payroll", by=officer
    )
    died = dt.date(2026, 10, 15)
    member_status_change(
        member=member, to_status="deceased", effective_on=died, reason="ถึงแก่กรรม", by=officer
    )
    request = share_request_create(kind=RequestKind.WITHDRAWAL, member=member, by=officer, effective_on=died,
                                   reason="ถึงแก่กรรม")  # fmt: skip

    # when / then: refused, naming the receipt, and nothing changes
    with pytest.raises(ShareError, match="รับชำระลงวันที่ 31 ต.ค. 2569 หลังวันพ้นสมาชิกภาพ"):
        share_request_approve(request=request, by=manager)
    assert not contract.transactions.filter(channel="shares").exists()

    # when: the receipt is reversed (refunded to the estate), the settlement goes through to 15 Oct
    from sahakorn.loans.payments import loan_transaction_reverse

    loan_transaction_reverse(
        transaction_row=late, on=dt.date(2026, 11, 5), reason="หักหลังถึงแก่กรรม", by=officer
    )
    share_request_approve(request=request, by=manager)
    paid = contract.transactions.get(channel="shares")
    assert (paid.date, paid.interest) == (died, D("72.33"))
    assert loans_reconcile(as_of=dt.date(2026, 10, 20)).ok
    assert loans_reconcile().ok
