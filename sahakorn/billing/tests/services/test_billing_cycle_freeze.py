"""Freezing a month's bills (ประมวลผลเรียกเก็บ): every sub-ledger's demand as lines, capped by the floor."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.billing.models import Bill, BillingItem, BillLine, CycleStatus, NetPayFloor
from sahakorn.billing.services import billing_cycle_freeze, billing_period_open
from sahakorn.billing.tests.conftest import MARCH

pytestmark = pytest.mark.django_db


def _lines(bill):
    return [
        (line.item.code, line.reference, line.demanded, line.billed, line.cut_reason)
        for line in bill.lines.select_related("item").order_by("priority", "reference")
    ]


def test_a_full_month_bills_shares_each_loans_interest_and_principal_and_the_dues(member, officer):
    # given
    period = billing_period_open(month=MARCH, by=officer)
    [cycle] = period.cycles.all()

    # when
    cycle = billing_cycle_freeze(cycle=cycle, by=officer)

    # then: interest before principal, emergency before ordinary; shares; dues
    bill = Bill.objects.get(member=member, period=period)
    due = bill.lines.get(item__code="FUN").reference
    assert _lines(bill) == [
        ("LIE", "ฉฉ-0456", D("101.92"), D("101.92"), ""),
        ("LIO", "สม-0123", D("509.59"), D("509.59"), ""),
        ("LPE", "ฉฉ-0456", D("2000.00"), D("2000.00"), ""),
        ("LPO", "สม-0123", D("8334.00"), D("8334.00"), ""),
        ("SHR", member.number, D("1000.00"), D("1000.00"), ""),
        ("FUN", due, D("20.00"), D("20.00"), ""),
    ]
    assert (bill.total_demanded, bill.total_billed, bill.cap) == (D("11965.51"), D("11965.51"), None)
    assert period.code == "256903"
    assert (cycle.status, cycle.processing_date, cycle.posting_date) == (
        CycleStatus.FROZEN,
        dt.date(2026, 3, 5),
        dt.date(2026, 3, 31),
    )


def test_the_net_pay_floor_cuts_the_bill_from_its_last_item(member, officer):
    # given: a floor of 60% leaves 10,000.00 of 25,000 to deduct: interest 101.92 + 509.59, the
    # emergency principal 2,000.00 and 7,388.49 of the ordinary principal; shares (whole only) and
    # dues 20.00 are cut to nothing.
    NetPayFloor.objects.create(member_type="ordinary", percent_left=D("60"))
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()

    # when
    billing_cycle_freeze(cycle=cycle, by=officer)

    # then
    bill = Bill.objects.get(member=member)
    assert bill.cap == D("10000.00")
    rows = _lines(bill)
    assert [row[:4] for row in rows] == [
        ("LIE", "ฉฉ-0456", D("101.92"), D("101.92")),
        ("LIO", "สม-0123", D("509.59"), D("509.59")),
        ("LPE", "ฉฉ-0456", D("2000.00"), D("2000.00")),
        ("LPO", "สม-0123", D("8334.00"), D("7388.49")),
        ("SHR", member.number, D("1000.00"), D("0.00")),
        ("FUN", rows[5][1], D("20.00"), D("0.00")),
    ]
    assert rows[3][4] == "เกินเพดานหักเงินเดือน เรียกเก็บได้ 7,388.49 จาก 8,334.00 บาท"
    assert rows[4][4] == "เกินเพดานหักเงินเดือน (หักได้อีก 0.00 บาท)"
    assert (bill.total_demanded, bill.total_billed) == (D("11965.51"), D("10000.00"))


def test_a_second_freeze_writes_nothing(member, officer):
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    billing_cycle_freeze(cycle=cycle, by=officer)
    counts = (Bill.objects.count(), BillLine.objects.count())

    billing_cycle_freeze(cycle=cycle, by=officer)

    assert (Bill.objects.count(), BillLine.objects.count()) == counts == (1, 6)


def test_the_items_are_seeded_once_and_the_coops_order_is_kept(member, officer):
    billing_period_open(month=MARCH, by=officer)
    BillingItem.objects.filter(code="SHR").update(priority=5)
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()

    billing_cycle_freeze(cycle=cycle, by=officer)

    assert BillingItem.objects.count() == 9
    first = Bill.objects.get(member=member).lines.order_by("priority").first()
    assert (first.item.code, first.priority) == ("SHR", 5)


@pytest.mark.parametrize("whole_book", [False, True], ids=["by 5,000 ids", "the whole book at once"])
def test_every_sub_ledger_asked_at_once_answers_as_member_by_member(member, officer, monkeypatch, whole_book):
    # given: the member of the fixture, a second with shares only, a third with a loan in arrears
    # (nothing received for February: its March demand carries February's principal), and a fourth,
    # with a loan too, who is not asked about
    from sahakorn.core import selectors
    from sahakorn.core.subledger import demand_rows, monthly_demands, subledgers
    from sahakorn.loans.tests.factories import contract_create
    from sahakorn.shares.tests.factories import member_with_shares

    if whole_book:  # the freeze of a big month reads every row with a join instead of lists of ids
        monkeypatch.setattr(selectors, "WHOLE_BOOK", 1)
    others = [member_with_shares(50, on=dt.date(2025, 2, 1)), member_with_shares(80, on=dt.date(2025, 2, 1))]
    for borrower in (others[1], member_with_shares(90, on=dt.date(2025, 2, 1))):
        contract_create(member=borrower, family="special", amount=D("60000.00"), installments=24,
                        disbursed_on=dt.date(2026, 1, 15), first_due=dt.date(2026, 2, 28))  # fmt: skip
    members = [member, *others]

    # when
    at_once = sorted(
        (row for item in subledgers() for row in item.billing_demand_rows(period=MARCH, members=members)),
        key=lambda row: (row.member_id, row.kind, row.reference),
    )
    one_by_one = sorted(
        (
            row
            for m in members
            for d in monthly_demands(member=m, period=MARCH)
            for row in demand_rows(d, member_id=m.pk)
        ),
        key=lambda row: (row.member_id, row.kind, row.reference),
    )

    # then
    assert at_once == one_by_one
    assert len(at_once) == 6 + 1 + 1 + 2
    special = [row for row in at_once if row.kind == "loans.special:principal"]
    assert special[0].arrears > D("0.00")


def test_a_billed_month_refuses_the_shares_monthly_batch(member, officer):
    from sahakorn.shares.batch import monthly_contributions_run
    from sahakorn.shares.errors import ShareError

    billing_period_open(month=MARCH, by=officer)

    with pytest.raises(ShareError, match="เรียกเก็บหุ้นรายเดือนผ่านงานเรียกเก็บรายเดือนแล้ว"):
        monthly_contributions_run(period=MARCH, posted_on=dt.date(2026, 3, 31), by=officer)


def test_a_month_waits_for_the_previous_month_to_be_posted(member, officer):
    # given: March frozen, not yet posted
    from sahakorn.billing.errors import BillingError

    [march] = billing_period_open(month=MARCH, by=officer).cycles.all()
    billing_cycle_freeze(cycle=march, by=officer)
    [april] = billing_period_open(month=dt.date(2026, 4, 1), by=officer).cycles.all()

    # when / then: April would bill March's installments again
    with pytest.raises(BillingError, match="ยังไม่ได้ผ่านรายการรับชำระอีก 1 หน่วย"):
        billing_cycle_freeze(cycle=april, by=officer)
    assert not Bill.objects.filter(period__month=dt.date(2026, 4, 1)).exists()


def test_a_month_is_opened_at_most_one_month_ahead(officer):
    from sahakorn.billing.errors import BillingError
    from sahakorn.core.dates import today
    from sahakorn.core.months import add_months

    ahead = add_months(today().replace(day=1), 2)
    with pytest.raises(BillingError, match="เปิดงวดล่วงหน้าได้ถึงเดือนถัดไป"):
        billing_period_open(month=ahead, by=officer)
