"""Rate changes (เปลี่ยนอัตราดอกเบี้ย): one contract's rate from a day on, a product's new rate to every
active contract, the installment kept or recomputed, interest across a change computed piece by piece."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.loans import calc
from sahakorn.loans.errors import LoanError
from sahakorn.loans.models import LoanEvent, LoanEventKind, ScheduledInstallment
from sahakorn.loans.payments import loan_payment_record
from sahakorn.loans.rates import loan_rate_change
from sahakorn.loans.tests.factories import contract_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def contract():
    """100,000.00 at 6% from 1 Jan 2026, 12 equal installments from 1 Feb 2026."""
    return contract_create(amount=D("100000.00"), annual_rate=D("6.000"), disbursed_on=dt.date(2026, 1, 1))


def test_rate_change_keeps_the_installment(contract, officer):
    first = ScheduledInstallment.objects.get(contract=contract, number=1)
    loan_payment_record(
        contract=contract, amount=first.payment, on=first.due_date, channel="payroll", by=officer
    )
    contract.refresh_from_db()
    balance = contract.principal_balance

    new = loan_rate_change(
        contract=contract, annual_rate=D("5.000"), effective_from=dt.date(2026, 2, 2), by=officer
    ).rows

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


def test_interest_over_a_rate_change_is_computed_piece_by_piece(officer):
    # given: 10,000.00 at 6% from 1 Jan; the rate goes to 5% from 12 Jan, with nothing paid yet
    contract = contract_create(amount=D("10000.00"), annual_rate=D("6.000"), disbursed_on=dt.date(2026, 1, 1))
    loan_rate_change(
        contract=contract, annual_rate=D("5.000"), effective_from=dt.date(2026, 1, 12), by=officer
    )

    # when: paid on 1 Feb (2–11 Jan: 10 days at 6%, then 12 Jan–1 Feb: 21 days at 5%)
    row = loan_payment_record(
        contract=contract, amount=D("1000.00"), on=dt.date(2026, 2, 1), channel="cash", by=officer
    )

    # then: (10,000 × 6 × 10 + 10,000 × 5 × 21) / 36,500 = 1,650,000 / 36,500 = 45.205… → 45.21
    assert row.interest == D("45.21")
    assert list(contract.rates.values_list("effective_from", "annual_rate")) == [
        (dt.date(2026, 1, 1), D("6.000")),
        (dt.date(2026, 1, 12), D("5.000")),
    ]


def test_a_rate_must_start_after_the_latest_one(contract, officer):
    loan_rate_change(
        contract=contract, annual_rate=D("5.000"), effective_from=dt.date(2026, 3, 1), by=officer
    )

    with pytest.raises(LoanError, match="มีผลตั้งแต่ 1 มี.ค. 2569 แล้ว"):
        loan_rate_change(
            contract=contract, annual_rate=D("4.000"), effective_from=dt.date(2026, 2, 15), by=officer
        )


def test_a_product_rate_change_reaches_every_active_contract_and_a_rerun_changes_nothing(officer, capsys):
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

    # then: both move to 5% from 2 Feb, the one in arrears too, and each member is told
    paid.refresh_from_db()
    unpaid.refresh_from_db()
    assert (paid.annual_rate, unpaid.annual_rate) == (D("5.000"), D("5.000"))
    assert "เปลี่ยน 2 สัญญา ข้าม 0 สัญญา" in capsys.readouterr().out
    assert LoanEvent.objects.filter(kind=LoanEventKind.RATE_CHANGED).count() == 2
    # the unpaid contract's interest to 1 Mar: 100,000 × (6 × 31 + 5 × 28) / 36,500 = 893.15
    row = loan_payment_record(
        contract=unpaid, amount=D("10000.00"), on=dt.date(2026, 3, 1), channel="cash", by=officer
    )
    assert row.interest == D("893.15")

    # when: run again
    call_command("loans", "rate-change", "--product", product.code, "--effective-from", "2026-02-02")

    # then: nothing changes
    out = capsys.readouterr()
    assert "เปลี่ยน 0 สัญญา ข้าม 2 สัญญา" in out.out
    assert f"ข้ามสัญญา {paid.number}: มีอัตราที่มีผลตั้งแต่ 2 ก.พ. 2569 แล้ว" in out.err
    with pytest.raises(LoanError, match="ไม่มีหลักเกณฑ์ที่มีผลวันที่ 3 ก.พ. 2569"):
        from sahakorn.loans.rates import loan_product_rate_apply

        loan_product_rate_apply(product=product, effective_from=dt.date(2026, 2, 3), by=officer)


def test_a_rate_resolution_may_recompute_the_installment(contract, officer):
    # given: 100,000 at 6%, 12 level installments of 8,610.00; the first paid on 1 Feb (509.59 interest),
    # leaving 91,899.59 on the schedule
    from sahakorn.loans.models import InstallmentPolicy

    first = ScheduledInstallment.objects.get(contract=contract, number=1)
    loan_payment_record(
        contract=contract, amount=first.payment, on=first.due_date, channel="payroll", by=officer
    )
    assert (first.payment, first.closing_balance) == (D("8610.00"), D("91899.59"))

    # when: 5% from 2 Feb, the installment recomputed over the 11 left
    change = loan_rate_change(
        contract=contract, annual_rate=D("5.000"), effective_from=dt.date(2026, 2, 2), by=officer,
        installment_policy=InstallmentPolicy.RECOMPUTE, reason="มติที่ประชุมกรรมการ 3/2569",
    )  # fmt: skip

    # then: 91,899.59 × r / (1 − (1 + r)^−11), r = 5/1,200 → 8,564.9… → 8,570.00 up to 10 baht
    assert change.installment == D("8570.00")
    contract.refresh_from_db()
    assert contract.installment_amount == D("8570.00")
    assert [r.payment for r in change.rows[:-1]] == [D("8570.00")] * 10
    assert sum(r.principal for r in change.rows) == D("91899.59")
    # the first new row: 28 days at 5% on 91,899.59 = 352.49
    assert change.rows[0].interest == D("352.49")
    assert contract.rates.get(effective_from=dt.date(2026, 2, 2)).reason == "มติที่ประชุมกรรมการ 3/2569"


def test_an_equal_principal_contract_keeps_its_principal_parts_or_recomputes_them(officer):
    # given: 12,000 at 6%, equal principal of 1,000 a month from 1 Feb; nothing paid yet
    from sahakorn.loans.models import InstallmentPolicy, RepaymentStyle

    kept = contract_create(amount=D("12000.00"), repayment_style=RepaymentStyle.EQUAL_PRINCIPAL)
    redone = contract_create(amount=D("12000.00"), repayment_style=RepaymentStyle.EQUAL_PRINCIPAL)

    # when: 4% from 1 Mar 2026 (the 2nd installment, due 1 Mar, spans 2 Feb–1 Mar)
    keep = loan_rate_change(
        contract=kept, annual_rate=D("4.000"), effective_from=dt.date(2026, 3, 1), by=officer
    )
    again = loan_rate_change(
        contract=redone, annual_rate=D("4.000"), effective_from=dt.date(2026, 3, 1), by=officer,
        installment_policy=InstallmentPolicy.RECOMPUTE,
    )  # fmt: skip

    # then: rows 2–12 re-stored; row 2 on 11,000: 27 days at 6% + 1 day at 4% = (11,000×6×27 + 11,000×4×1)/36,500
    # = 1,826,000 / 36,500 = 50.03; the principal stays 1,000 a month either way (11,000 / 11 = 1,000)
    assert [r.number for r in keep.rows] == list(range(2, 13))
    assert keep.rows[0].interest == again.rows[0].interest == D("50.03")
    assert {r.principal for r in keep.rows} == {D("1000.00")} == {r.principal for r in again.rows}
    assert keep.installment == again.installment == D("1000.00")
