"""The bill preview (what will be deducted and why it changed) and the reads the portal uses."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.billing.selectors import billing_cycle_preview, cycle_item_totals, member_bill_latest
from sahakorn.billing.services import billing_cycle_freeze, billing_period_open
from sahakorn.billing.tests.conftest import MARCH
from sahakorn.shares.models import MonthlyContributionChange, ShareAccount

pytestmark = pytest.mark.django_db

FEBRUARY = dt.date(2026, 2, 1)


def test_the_preview_names_each_change_from_last_month_with_its_reason(member, officer):
    # given: February frozen (the loans start in March, no levy yet: shares only), then monthly
    # shares raised from 100 to 150 from March
    [february] = billing_period_open(month=FEBRUARY, by=officer).cycles.all()
    billing_cycle_freeze(cycle=february, by=officer)
    assert member_bill_latest(member=member).total_billed == D("1000.00")
    account = ShareAccount.objects.get(member=member)
    # Written straight: the service takes only this month or later, and March 2569 is past.
    MonthlyContributionChange.objects.create(
        account=account, effective_month=MARCH, from_shares=100, to_shares=150, reason="member"
    )
    [march] = billing_period_open(month=MARCH, by=officer).cycles.all()

    # when
    [row] = billing_cycle_preview(cycle=march)

    # then
    assert (row.last_total, row.total, row.difference) == (D("1000.00"), D("12465.51"), D("11465.51"))
    new = "สัญญาใหม่ จ่ายเงินกู้เมื่อ 28 ก.พ. 2569"
    assert [change.text for change in row.changes] == [
        f"ดอกเบี้ยเงินกู้ฉุกเฉิน ทดสอบ emergency สัญญา ฉฉ-0456 งวดที่ 1: {new} → +101.92",
        f"ดอกเบี้ยเงินกู้สามัญ ทดสอบ ordinary สัญญา สม-0123 งวดที่ 1: {new} → +509.59",
        f"เงินต้นเงินกู้ฉุกเฉิน ทดสอบ emergency สัญญา ฉฉ-0456 งวดที่ 1: {new} → +2,000.00",
        f"เงินต้นเงินกู้สามัญ ทดสอบ ordinary สัญญา สม-0123 งวดที่ 1: {new} → +8,334.00",
        "หุ้นรายเดือน มีนาคม 2569 (150 หุ้น): ค่าหุ้นรายเดือนเปลี่ยนจาก 1,000.00 เป็น 1,500.00 บาท → +500.00",
        f"{row.changes[5].label}: รายการใหม่ → +20.00",
    ]


def test_a_frozen_cycles_totals_by_item(member, officer):
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    billing_cycle_freeze(cycle=cycle, by=officer)

    totals = [(t.code, t.lines, t.billed) for t in cycle_item_totals(cycle=cycle)]

    assert totals == [
        ("LIE", 1, D("101.92")),
        ("LIO", 1, D("509.59")),
        ("LPE", 1, D("2000.00")),
        ("LPO", 1, D("8334.00")),
        ("SHR", 1, D("1000.00")),
        ("FUN", 1, D("20.00")),
    ]
