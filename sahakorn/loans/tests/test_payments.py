import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.selectors import account_balance
from sahakorn.loans import calc
from sahakorn.loans.errors import LoanError
from sahakorn.loans.models import ContractStatus, LoanTransaction, LoanTxKind, ScheduledInstallment
from sahakorn.loans.payments import (
    loan_arrears,
    loan_payment_record,
    loan_payoff,
    loan_prepay,
    loan_rate_change,
    loan_transaction_reverse,
    members_missed_installments,
)
from sahakorn.loans.selectors import loan_contracts_of
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
    contract = contract_create(disbursed_on=dt.date(2028, 2, 1), first_due=dt.date(2028, 3, 1))

    row = loan_payment_record(
        contract=contract, amount=D("1000.00"), on=dt.date(2028, 3, 1), channel="bank", by=officer
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


def test_overpayment_and_underpayment_are_refused(contract, officer):
    with pytest.raises(LoanError, match="ชำระเกินยอดหนี้.*100,509.59"):
        loan_payment_record(
            contract=contract, amount=D("100509.60"), on=dt.date(2026, 2, 1), channel="bank", by=officer
        )
    with pytest.raises(LoanError, match="น้อยกว่าดอกเบี้ย"):
        loan_payment_record(
            contract=contract, amount=D("509.58"), on=dt.date(2026, 2, 1), channel="bank", by=officer
        )
    assert not LoanTransaction.objects.filter(kind=LoanTxKind.PAYMENT).exists()


def test_paying_an_equal_installment_schedule_to_the_end_closes_at_zero(officer):
    contract = contract_create(amount=D("50000.00"), annual_rate=D("6.500"), installments=12)
    rows = calc.schedule_equal_installment(
        amount=D("50000.00"),
        annual_rate=D("6.500"),
        first_due=dt.date(2026, 2, 1),
        installments=12,
        disbursed_on=dt.date(2026, 1, 1),
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


def test_rate_change_keeps_the_installment(contract, officer):
    first = ScheduledInstallment.objects.get(contract=contract, number=1)
    loan_payment_record(
        contract=contract, amount=first.payment, on=first.due_date, channel="payroll", by=officer
    )
    contract.refresh_from_db()
    balance = contract.principal_balance

    new = loan_rate_change(
        contract=contract, annual_rate=D("5.000"), effective_from=dt.date(2026, 2, 2), by=officer
    )

    assert ScheduledInstallment.objects.filter(contract=contract, superseded_at__isnull=False).count() == 11
    assert [r.number for r in new] == list(range(2, 2 + len(new)))
    # Installment 2: 28 days at 5% on the balance; the installment stays, the principal part moves.
    expected_interest = calc.round_money(balance * 5 * 28 / 36500)
    assert new[0].interest == expected_interest
    assert new[0].payment == contract.installment_amount
    assert new[0].principal == contract.installment_amount - expected_interest
    assert all(r.payment == contract.installment_amount for r in new[:-1])
    assert sum(r.principal for r in new) == balance
    contract.refresh_from_db()
    assert contract.annual_rate == D("5.000")
    row = loan_payment_record(
        contract=contract, amount=new[0].payment, on=new[0].due_date, channel="payroll", by=officer
    )
    assert row.interest == expected_interest


def test_rate_change_must_start_after_the_interest_paid(contract, officer):
    with pytest.raises(LoanError, match="วันถัดจาก"):
        loan_rate_change(
            contract=contract, annual_rate=D("5.000"), effective_from=dt.date(2026, 1, 15), by=officer
        )


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


def test_arrears_count_missed_installments(officer):
    contract = contract_create(disbursed_on=dt.date(2026, 9, 1), first_due=dt.date(2026, 10, 1))
    rows = list(ScheduledInstallment.objects.filter(contract=contract).order_by("number"))
    loan_payment_record(
        contract=contract, amount=rows[0].payment, on=rows[0].due_date, channel="payroll", by=officer
    )

    missed, overdue = loan_arrears(contract=contract, as_of=dt.date(2026, 12, 15))

    assert missed == 2
    assert overdue == rows[1].principal + rows[2].principal
    by_member = members_missed_installments(
        fiscal_year_start=dt.date(2026, 1, 1), fiscal_year_end=dt.date(2026, 12, 15)
    )
    assert by_member == {contract.member_id: 2}


def test_installments_paid_and_left_follow_the_principal_repaid(officer):
    # given: 12 installments, two scheduled payments made
    contract = contract_create(amount=D("50000.00"), annual_rate=D("6.500"), installments=12)
    for number in (1, 2):
        row = ScheduledInstallment.objects.get(contract=contract, number=number)
        loan_payment_record(
            contract=contract, amount=row.payment, on=row.due_date, channel="payroll", by=officer
        )

    # when
    (summary,) = loan_contracts_of(member=contract.member, on=dt.date(2026, 3, 15))

    # then
    assert (summary.installments_paid, summary.installments_left) == (2, 10)


def test_a_product_rate_change_applies_to_contracts_paid_up_and_lists_the_others(officer, capsys):
    # given: two 12-month contracts from 1 January 2026 at 6%; only the first paid its January installment
    from django.core.management import call_command

    from sahakorn.loans.models import LoanProductRules

    paid, unpaid = contract_create(), contract_create()
    first = ScheduledInstallment.objects.get(contract=paid, number=1)
    loan_payment_record(contract=paid, amount=first.payment, on=first.due_date, channel="payroll", by=officer)
    product = paid.product
    LoanProductRules.objects.create(
        product=product, effective_from=dt.date(2026, 2, 2), annual_rate=D("5.000"), max_amount=D("5000000.00"),
        max_installments=360, repayment_style=paid.repayment_style,
    )  # fmt: skip

    # when
    call_command("loans", "rate-change", "--product", product.code, "--effective-from", "2026-02-02")

    # then
    paid.refresh_from_db()
    unpaid.refresh_from_db()
    assert (paid.annual_rate, unpaid.annual_rate) == (D("5.000"), D("6.000"))
    out = capsys.readouterr()
    assert "เปลี่ยน 1 สัญญา ข้าม 1 สัญญา" in out.out
    assert f"ข้ามสัญญา {unpaid.number}: คิดดอกเบี้ยถึง 1 ม.ค. 2569 ยังไม่ถึงวันก่อนวันมีผล" in out.err
    with pytest.raises(LoanError, match="ไม่มีหลักเกณฑ์ที่มีผลวันที่ 3 ก.พ. 2569"):
        from sahakorn.loans.payments import loan_product_rate_apply

        loan_product_rate_apply(product=product, effective_from=dt.date(2026, 2, 3), by=officer)


def test_a_schedule_brought_forward_from_row_five_counts_four_installments_paid(officer):
    # given: a contract migrated with its schedule from installment 5 on (rows 1–4 were paid in the old system)
    contract = contract_create(amount=D("100000.00"), installments=12)
    ScheduledInstallment.objects.filter(contract=contract, number__lte=4).delete()
    fifth = ScheduledInstallment.objects.get(contract=contract, number=5)
    contract.principal_balance = fifth.closing_balance + fifth.principal
    contract.save(update_fields=["principal_balance"])

    # when / then: nothing paid since the migration: 4 paid, 8 left
    [summary] = loan_contracts_of(member=contract.member)
    assert (summary.installments_paid, summary.installments_left) == (4, 8)
