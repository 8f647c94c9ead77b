import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.selectors import account_balance
from sahakorn.loans import calc
from sahakorn.loans.errors import LoanError
from sahakorn.loans.models import (
    ContractStatus,
    LoanEvent,
    LoanEventKind,
    LoanTransaction,
    LoanTxKind,
)
from sahakorn.loans.payments import (
    contract_interest_received,
    loan_interest_refund,
    loan_payment_record,
    loan_payoff,
    loan_payoff_figures,
    loan_prepay,
    loan_transaction_reverse,
)
from sahakorn.loans.reconcile import loans_reconcile
from sahakorn.loans.tests.factories import contract_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    """100,000.00 at 6% from 1 Jan 2026, 12 equal installments from 1 Feb 2026."""
    return contract_create(amount=D("100000.00"), annual_rate=D("6.000"), disbursed_on=dt.date(2026, 1, 1))


def test_payment_pays_interest_first_then_principal(contract, officer):
    row = loan_payment_record(
        contract=contract, amount=D("5000.00"), on=dt.date(2026, 2, 1), channel="cash", by=officer
    )

    # 100,000 × 6% × 31 / 365 = 509.589… → 509.59
    assert (row.kind, row.interest, row.principal) == (LoanTxKind.PAYMENT, D("509.59"), D("-4490.41"))
    assert (row.interest_from, row.interest_to) == (dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    contract.refresh_from_db()
    assert contract.principal_balance == D("95509.59")
    assert contract.interest_paid_to == dt.date(2026, 2, 1)
    lines = {(ln.account.code, ln.debit, ln.credit, ln.member_id) for ln in row.journal_entry.lines.all()}
    assert lines == {
        ("11110", D("5000.00"), D("0.00"), contract.member_id),
        ("11533", D("0.00"), D("4490.41"), contract.member_id),
        ("41200", D("0.00"), D("509.59"), contract.member_id),
    }
    assert account_balance(account="loan_ordinary") == D("95509.59")
    assert account_balance(account="interest_income_ordinary") == D("509.59")


def test_interest_across_a_leap_february_to_the_day(officer):
    # 2024 is the last leap year before today (a payment is never dated ahead)
    contract = contract_create(disbursed_on=dt.date(2024, 2, 1), first_due=dt.date(2024, 3, 1))

    row = loan_payment_record(
        contract=contract, amount=D("1000.00"), on=dt.date(2024, 3, 1), channel="bank", by=officer
    )

    # 29 days (29 February counts like any day), divided by 365: 100,000 × 6% × 29 / 365 = 476.71
    assert row.interest == D("476.71")
    assert row.principal == D("-523.29")


def test_payoff_to_the_day_closes_the_contract(contract, officer):
    loan_payment_record(
        contract=contract, amount=D("5000.00"), on=dt.date(2026, 2, 1), channel="bank", by=officer
    )

    row = loan_payoff(contract=contract, on=dt.date(2026, 2, 15), channel="cash", by=officer)

    # 95,509.59 × 6% × 14 / 365 = 219.80
    assert (row.principal, row.interest) == (D("-95509.59"), D("219.80"))
    contract.refresh_from_db()
    assert contract.principal_balance == D("0.00")
    assert (contract.status, contract.closed_on) == (ContractStatus.CLOSED, dt.date(2026, 2, 15))
    assert account_balance(account="loan_ordinary") == D("0.00")
    with pytest.raises(LoanError, match="ปิดแล้ว"):
        loan_payment_record(
            contract=contract, amount=D("1.00"), on=dt.date(2026, 3, 1), channel="cash", by=officer
        )


def test_partial_prepayment_lowers_the_balance(contract, officer):
    row = loan_prepay(
        contract=contract, amount=D("50000.00"), on=dt.date(2026, 2, 1), channel="bank", by=officer
    )

    assert (row.interest, row.principal) == (D("509.59"), D("-49490.41"))
    contract.refresh_from_db()
    assert contract.principal_balance == D("50509.59")
    assert contract.status == ContractStatus.ACTIVE


def test_overpayment_is_refused_with_the_payoff(contract, officer):
    with pytest.raises(LoanError, match="ชำระเกินยอดหนี้.*100,509.59"):
        loan_payment_record(
            contract=contract, amount=D("100509.60"), on=dt.date(2026, 2, 1), channel="bank", by=officer
        )
    assert not LoanTransaction.objects.filter(kind=LoanTxKind.PAYMENT).exists()


def test_a_receipt_below_the_interest_is_posted_and_the_rest_of_the_interest_stays_due(contract, officer):
    # given: 509.59 of interest due on 1 Feb (100,000 × 6% × 31 / 365); payroll deducted only 300.00
    # when
    short = loan_payment_record(
        contract=contract, amount=D("300.00"), on=dt.date(2026, 2, 1), channel="payroll", by=officer
    )

    # then: interest first, nothing to principal, 209.59 stays due (ลูกหนี้รอเรียกเก็บ-ดอกเบี้ย 11420)
    assert (short.principal, short.interest, short.interest_arrears) == (D("0.00"), D("300.00"), D("209.59"))
    lines = {(ln.account.code, ln.debit, ln.credit) for ln in short.journal_entry.lines.all()}
    assert lines == {
        ("11131", D("300.00"), D("0.00")),
        ("41200", D("0.00"), D("509.59")),
        ("11420", D("209.59"), D("0.00")),
    }
    contract.refresh_from_db()
    assert (contract.principal_balance, contract.interest_arrears) == (D("100000.00"), D("209.59"))
    assert contract.interest_paid_to == dt.date(2026, 2, 1)

    # when: next month's 9,000.00 collects the 209.59 first, then 28 days of interest, then principal
    nxt = loan_payment_record(
        contract=contract, amount=D("9000.00"), on=dt.date(2026, 3, 1), channel="payroll", by=officer
    )

    # then: 100,000 × 6% × 28 / 365 = 460.27; 9,000 − 209.59 − 460.27 = 8,330.14 principal
    assert (nxt.interest, nxt.interest_arrears, nxt.principal) == (D("669.86"), D("-209.59"), D("-8330.14"))
    credits = {ln.account.code: ln.credit for ln in nxt.journal_entry.lines.all() if ln.credit}
    assert credits == {"11533": D("8330.14"), "41200": D("460.27"), "11420": D("209.59")}
    contract.refresh_from_db()
    assert (contract.principal_balance, contract.interest_arrears) == (D("91669.86"), D("0.00"))
    assert account_balance(account="receivable_pending_interest") == D("0.00")
    assert account_balance(account="interest_income_ordinary") == D("509.59") + D("460.27")
    assert loans_reconcile().ok


def test_a_payoff_collects_the_interest_in_arrears_and_a_reversal_restores_it(contract, officer):
    # given: 100.00 received against 509.59 due on 1 Feb: 409.59 in arrears
    short = loan_payment_record(
        contract=contract, amount=D("100.00"), on=dt.date(2026, 2, 1), channel="cash", by=officer
    )
    contract.refresh_from_db()

    # when: the payoff quote on 11 Feb: 409.59 + 100,000 × 6% × 10 / 365 (164.38)
    principal, interest = loan_payoff_figures(contract=contract, on=dt.date(2026, 2, 11))

    # then
    assert (principal, interest) == (D("100000.00"), D("573.97"))
    closing = loan_payoff(contract=contract, on=dt.date(2026, 2, 11), channel="cash", by=officer)
    contract.refresh_from_db()
    assert (contract.status, contract.interest_arrears, closing.interest_arrears) == (
        ContractStatus.CLOSED,
        D("0.00"),
        D("-409.59"),
    )
    # and reversing the payoff brings the arrears back with the balance
    loan_transaction_reverse(transaction_row=closing, on=dt.date(2026, 2, 12), reason="ผิดสัญญา", by=officer)
    contract.refresh_from_db()
    assert (contract.status, contract.principal_balance, contract.interest_arrears) == (
        ContractStatus.ACTIVE,
        D("100000.00"),
        D("409.59"),
    )
    assert short.interest_arrears == D("409.59")
    assert loans_reconcile().ok


def test_paying_an_equal_installment_schedule_to_the_end_closes_at_zero(officer):
    # a year wholly in the past: every installment is paid on its due date
    contract = contract_create(
        amount=D("50000.00"), annual_rate=D("6.500"), installments=12, disbursed_on=dt.date(2025, 1, 1)
    )
    rows = calc.schedule_equal_installment(
        amount=D("50000.00"),
        annual_rate=D("6.500"),
        first_due=dt.date(2025, 2, 1),
        installments=12,
        disbursed_on=dt.date(2025, 1, 1),
    )

    for row in rows:
        paid = loan_payment_record(
            contract=contract, amount=row.payment, on=row.due_date, channel="payroll", by=officer
        )
        assert (paid.interest, -paid.principal) == (row.interest, row.principal)

    contract.refresh_from_db()
    assert contract.principal_balance == D("0.00")
    assert contract.status == ContractStatus.CLOSED
    assert account_balance(account="loan_ordinary") == D("0.00")
    assert account_balance(account="interest_income_ordinary") == sum(r.interest for r in rows)


def test_reversal_restores_the_balance_and_refuses_twice(contract, officer):
    row = loan_payment_record(
        contract=contract, amount=D("5000.00"), on=dt.date(2026, 2, 1), channel="cash", by=officer
    )

    back = loan_transaction_reverse(transaction_row=row, on=dt.date(2026, 2, 2), reason="บันทึกผิด", by=officer)

    assert (back.kind, back.principal, back.interest, back.reverses_id) == (
        LoanTxKind.REVERSAL,
        D("4490.41"),
        D("-509.59"),
        row.pk,
    )
    contract.refresh_from_db()
    assert contract.principal_balance == D("100000.00")
    assert contract.interest_paid_to == dt.date(2026, 1, 1)
    assert account_balance(account="loan_ordinary") == D("100000.00")
    assert account_balance(account="interest_income_ordinary") == D("0.00")
    with pytest.raises(LoanError, match="กลับรายการแล้ว"):
        loan_transaction_reverse(transaction_row=row, on=dt.date(2026, 2, 2), reason="ซ้ำ", by=officer)
    # Paying again after the reversal charges the same interest.
    again = loan_payment_record(
        contract=contract, amount=D("5000.00"), on=dt.date(2026, 2, 1), channel="cash", by=officer
    )
    assert again.interest == D("509.59")


def test_a_payment_followed_by_a_month_end_accrual_can_be_reversed(contract, officer):
    # given: 5,000.00 received by mistake on 20 Jan, then the 31 Jan accrual
    from sahakorn.loans.batch import loan_interest_accrual_run

    wrong = loan_payment_record(
        contract=contract, amount=D("5000.00"), on=dt.date(2026, 1, 20), channel="cash", by=officer
    )
    loan_interest_accrual_run(period_end=dt.date(2026, 1, 31), by=officer)
    # 100,000 × 6% × 19 / 365 = 312.33; then 95,312.33 × 6% × 11 / 365 = 172.35 accrued
    assert wrong.interest == D("312.33")
    assert contract.transactions.get(kind=LoanTxKind.ACCRUAL).interest == D("172.35")

    # and January has been closed
    from sahakorn.ledger.models import FiscalPeriod
    from sahakorn.ledger.services import fiscal_period_close

    fiscal_period_close(
        period=FiscalPeriod.objects.get(fiscal_year__year_be=2569, number=1), closed_by=officer
    )

    # when: corrected on 2 Feb
    back = loan_transaction_reverse(
        transaction_row=wrong, on=dt.date(2026, 2, 2), reason="รับผิดสัญญา", by=officer
    )

    # then: the balance and interest-paid-to go back, and January's accrual is recomputed on 100,000
    # for 30 days (493.15): reversed and posted again on the day the correction is booked (2 Feb), so
    # January stays as it was reported
    contract.refresh_from_db()
    assert (back.principal, back.interest) == (D("4687.67"), D("-312.33"))
    assert (contract.principal_balance, contract.interest_paid_to) == (D("100000.00"), dt.date(2026, 1, 1))
    assert list(
        contract.transactions.filter(interest_to=dt.date(2026, 1, 31), kind__startswith="accrual")
        .order_by("id")
        .values_list("kind", "interest", "date")
    ) == [
        (LoanTxKind.ACCRUAL, D("172.35"), dt.date(2026, 1, 31)),
        (LoanTxKind.ACCRUAL_REVERSAL, D("-172.35"), dt.date(2026, 2, 2)),
        (LoanTxKind.ACCRUAL, D("493.15"), dt.date(2026, 2, 2)),
    ]
    # January as reported: the receipt's 312.33 and the accrual on the lower balance (172.35)
    assert account_balance(account="interest_income_ordinary", as_of=dt.date(2026, 1, 31)) == D("484.68")
    assert account_balance(account="accrued_interest_ordinary") == D("493.15")
    assert account_balance(account="interest_income_ordinary") == D("493.15")
    assert account_balance(account="loan_ordinary") == D("100000.00")
    assert loans_reconcile().ok
    # and the February payment settles the recomputed accrual as if the mistake never happened
    feb = loan_payment_record(
        contract=contract, amount=D("5000.00"), on=dt.date(2026, 2, 1), channel="bank", by=officer
    )
    credits = {ln.account.code: ln.credit for ln in feb.journal_entry.lines.all() if ln.credit}
    assert credits == {"11533": D("4490.41"), "11620": D("493.15"), "41200": D("16.44")}
    assert loans_reconcile().ok


def test_an_interest_refund_posts_against_income_and_can_be_reversed(contract, officer):
    # given: the contract paid off on 20 Feb, and 40.00 of interest billed past that day to give back
    loan_payment_record(
        contract=contract, amount=D("5000.00"), on=dt.date(2026, 2, 1), channel="cash", by=officer
    )
    loan_payoff(contract=contract, on=dt.date(2026, 2, 20), channel="cash", by=officer)

    # when
    refund = loan_interest_refund(
        contract=contract, amount=D("40.00"), on=dt.date(2026, 2, 28), channel="bank",
        reason="ดอกเบี้ยเรียกเก็บถึงสิ้นเดือนหลังปิดบัญชี", by=officer,
    )  # fmt: skip

    # then
    assert (refund.kind, refund.interest, refund.principal) == (LoanTxKind.REFUND, D("-40.00"), D("0.00"))
    lines = {(ln.account.code, ln.debit, ln.credit) for ln in refund.journal_entry.lines.all()}
    assert lines == {("41200", D("40.00"), D("0.00")), ("11131", D("0.00"), D("40.00"))}
    # interest received: 509.59 on 1 Feb + 95,509.59 × 6% × 19 / 365 = 298.30 on 20 Feb, less 40.00
    assert contract_interest_received(contract) == D("767.89")
    assert LoanEvent.objects.filter(kind=LoanEventKind.INTEREST_REFUNDED, contract=contract).count() == 1
    with pytest.raises(LoanError, match="เกินดอกเบี้ยที่รับ"):
        loan_interest_refund(
            contract=contract,
            amount=D("767.90"),
            on=dt.date(2026, 2, 28),
            channel="bank",
            reason="x",
            by=officer,
        )
    back = loan_transaction_reverse(transaction_row=refund, on=dt.date(2026, 3, 1), reason="คืนผิด", by=officer)
    assert (back.interest, contract_interest_received(contract)) == (D("40.00"), D("807.89"))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.CLOSED
    assert loans_reconcile().ok


def test_interest_paid_in_a_year_is_payments_and_netting_less_refunds_and_reversals(officer):
    # given: a 2025 contract paid in December 2025 and January 2026; the December payment reversed
    # in January and paid again; an interest refund in 2026
    from sahakorn.loans.selectors import member_interest_paid, members_interest_paid

    contract = contract_create(
        amount=D("10000.00"), annual_rate=D("6.000"), disbursed_on=dt.date(2025, 11, 30)
    )
    dec = loan_payment_record(
        contract=contract, amount=D("1000.00"), on=dt.date(2025, 12, 31), channel="payroll", by=officer
    )
    loan_transaction_reverse(transaction_row=dec, on=dt.date(2026, 1, 5), reason="หักซ้ำ", by=officer)
    again = loan_payment_record(
        contract=contract, amount=D("1000.00"), on=dt.date(2026, 1, 5), channel="cash", by=officer
    )
    loan_interest_refund(
        contract=contract,
        amount=D("2.00"),
        on=dt.date(2026, 3, 1),
        channel="cash",
        reason="ปัดเศษเกิน",
        by=officer,
    )

    # then: 2025 — 10,000 × 6% × 31 / 365 = 50.96 paid, reversed (counts against 2025): 0.00
    # 2026 — 10,000 × 6% × 36 / 365 = 59.18 on 5 Jan, less the 2.00 refund: 57.18
    assert dec.interest == D("50.96") and again.interest == D("59.18")
    member = contract.member
    # members with nothing left to count are not listed
    assert (
        members_interest_paid(fiscal_year_start=dt.date(2025, 1, 1), fiscal_year_end=dt.date(2025, 12, 31))
        == {}
    )
    assert members_interest_paid(
        fiscal_year_start=dt.date(2026, 1, 1), fiscal_year_end=dt.date(2026, 12, 31)
    ) == {member.pk: D("57.18")}
    assert member_interest_paid(member=member, fiscal_year=2569) == D("57.18")
    assert member_interest_paid(member=member, fiscal_year=2568) == D("0.00")
    assert member_interest_paid(member=member, fiscal_year=2569, product_ids=[contract.product_id + 1]) == D(
        "0.00"
    )


def test_payment_dated_a_year_ahead_is_refused_and_the_contract_stays_as_it_was(officer):
    # given: a contract paid out two months ago (issue 11: a payment a year ahead froze the contract)
    from sahakorn.core.dates import today
    from sahakorn.core.thai import format_be_date

    now = today()
    contract = contract_create(disbursed_on=now - dt.timedelta(days=60))
    ahead = calc.add_months(now, 12)

    # when / then
    with pytest.raises(LoanError) as e:
        loan_payment_record(contract=contract, amount=D("5000.00"), on=ahead, channel="cash", by=officer)
    assert e.value.field == "on"
    assert e.value.message == (
        f"การรับชำระเงินกู้ ลงวันที่ {format_be_date(ahead)} ซึ่งเป็นวันในอนาคตไม่ได้ (วันนี้ {format_be_date(now)})"
    )
    contract.refresh_from_db()
    assert contract.principal_balance == D("100000.00")
    assert contract.interest_paid_to == now - dt.timedelta(days=60)
    assert LoanTransaction.objects.filter(contract=contract).count() == 1  # the disbursement only
    # and a payment dated today is still received
    row = loan_payment_record(contract=contract, amount=D("5000.00"), on=now, channel="cash", by=officer)
    assert row.date == now
