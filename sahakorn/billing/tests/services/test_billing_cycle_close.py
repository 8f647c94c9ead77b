"""Closing a month: every unit posted and the reconciliation ✔ by unit, by item and against the GL."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.billing.errors import BillingError
from sahakorn.billing.models import CycleStatus
from sahakorn.billing.selectors import cycle_reconciled
from sahakorn.billing.services import (
    billing_cycle_close,
    billing_cycle_freeze,
    billing_period_open,
    billing_unit_post,
)
from sahakorn.billing.tests.conftest import MARCH
from sahakorn.loans.models import LoanContract
from sahakorn.loans.payments import loan_payment_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(member, officer):
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    return billing_cycle_freeze(cycle=cycle, by=officer)


def test_a_unit_not_posted_keeps_the_month_open(member, cycle, officer):
    result = cycle_reconciled(cycle=cycle)

    assert not result.ok
    assert any(
        line.startswith("✘") and "ยังไม่ได้ผ่านรายการรับชำระ (เรียกเก็บ 11,965.51)" in line for line in result.lines
    )
    with pytest.raises(BillingError, match="กระทบยอดไม่ผ่าน"):
        billing_cycle_close(cycle=cycle, by=officer)


def test_a_posted_month_with_a_short_payment_and_an_over_deduction_reconciles_and_closes(
    member, cycle, officer
):
    # given: 20 Mar counter payment (8,678.16 over-deducted later) and the unit short by 100.00
    loan_payment_record(
        contract=LoanContract.objects.get(number="สม-0123"), amount=D("8843.59"), on=dt.date(2026, 3, 20),
        channel="cash", by=officer,
    )  # fmt: skip
    billing_unit_post(cycle=cycle, unit=member.unit, deducted={member.pk: D("11865.51")}, by=officer)

    # when
    result = cycle_reconciled(cycle=cycle)

    # then
    assert result.ok, result.lines
    assert result.lines[-1] == "กระทบยอดงวด 256903 หน่วยงานทั่วไปผ่าน / billing cycle reconciled"
    assert "✔ เงินฝากธนาคารตามใบสำคัญ 1 ฉบับ = ยอดหักได้ 11,865.51" in result.lines
    assert "✔ เงินรอจ่ายคืนสมาชิก (หักเกิน) = 8,678.16" in result.lines
    assert "✔ ใบเสร็จรับเงินรวม 11,865.51 = ยอดหักได้" in result.lines
    # each sub-ledger's own rows hold what billing applied: loans 165.43 + 101.92 + 2,000.00 (the
    # ordinary installment was paid at the counter), shares 920.00 (92 shares), dues 20.00
    assert "✔ เงินกู้: รายการของระบบงาน 2,267.35 = รับชำระ 2,267.35" in result.lines
    assert "✔ ทุนเรือนหุ้น: รายการของระบบงาน 920.00 = รับชำระ 920.00" in result.lines
    assert "✔ ใบสำคัญรับชำระที่ถูกกลับรายการ 0 ฉบับ" in result.lines
    closed = billing_cycle_close(cycle=cycle, by=officer)
    assert closed.status == CycleStatus.CLOSED and closed.closed_by == officer


def test_an_open_cycle_is_not_reconciled(member, officer):
    from sahakorn.billing.services import billing_period_open as open_month

    [cycle] = open_month(month=MARCH, by=officer).cycles.all()

    result = cycle_reconciled(cycle=cycle)

    assert not result.ok and result.lines[0] == f"✘ {cycle} ยังไม่ได้ประมวลผล"


def test_a_deduction_that_leaves_interest_owed_reconciles_against_the_net_of_the_voucher(
    member, cycle, officer
):
    # given: the unit deducted only 100.00 of 11,965.51, less than the emergency loan's interest
    # (101.92): the interest is charged to the receipt day, 1.92 of it stays owed (arrears), debited to
    # the interest receivable inside the same voucher that credits the interest income
    from sahakorn.ledger.models import EntrySource, JournalEntry

    billing_unit_post(cycle=cycle, unit=member.unit, deducted={member.pk: D("100.00")}, by=officer)
    voucher = JournalEntry.objects.get(source=EntrySource.BILLING)
    debits = sorted((line.account.code, line.debit) for line in voucher.lines.all() if line.debit)

    # when
    result = cycle_reconciled(cycle=cycle)

    # then: the bank 100.00 and the interest receivable 1.92 are debited; the sub-ledgers took 100.00
    assert debits == [("11131", D("100.00")), ("11420", D("1.92"))]
    assert "✔ รับชำระเข้าระบบงาน = 100.00" in result.lines, result.lines
    assert result.ok
