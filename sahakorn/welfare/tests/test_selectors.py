"""A member's history, which schemes a member can claim now, the payments report."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.members.tests.factories import MemberFactory
from sahakorn.welfare.models import ClaimStatus
from sahakorn.welfare.selectors import welfare_history, welfare_payments_report, welfare_schemes_available
from sahakorn.welfare.services import welfare_claim_apply, welfare_claim_reverse
from sahakorn.welfare.tests.factories import claim_paid

pytestmark = pytest.mark.django_db


def test_history_lists_every_claim_with_be_dates_and_the_total_received(
    birth, hospital, pension, officer, manager
):
    # given: a birth gift paid, a hospital claim pending, a pension paid then reversed
    member = MemberFactory(birth_date=dt.date(1960, 1, 1))
    other = MemberFactory()
    claim_paid(scheme=birth, member=member, maker=officer, checker=manager, event_date=dt.date(2026, 3, 1),
               beneficiary_name="ด.ช. ใหม่", paid_on=dt.date(2026, 3, 9))  # fmt: skip
    welfare_claim_apply(scheme=hospital, member=member, event_date=dt.date(2026, 4, 1), days=2,
                        applied_on=dt.date(2026, 4, 3), by=officer)  # fmt: skip
    wrong = claim_paid(
        scheme=pension, member=member, maker=officer, checker=manager, event_date=dt.date(2026, 2, 1)
    )
    welfare_claim_reverse(claim=wrong, on=dt.date(2026, 2, 2), reason="ผิด", by=manager)
    claim_paid(scheme=birth, member=other, maker=officer, checker=manager, event_date=dt.date(2026, 3, 1),
               beneficiary_name="ลูกคนอื่น")  # fmt: skip

    # when
    history = welfare_history(member=member)

    # then: newest first, only the member's own claims; received = the paid birth gift only
    assert [(r.scheme_code, r.status, r.amount) for r in history.rows] == [
        ("WF-HOSP", ClaimStatus.PENDING, D("600.00")),
        ("WF-BIRTH", ClaimStatus.PAID, D("2000.00")),
        ("WF-PENSION", ClaimStatus.REVERSED, D("1200.00")),
    ]
    assert history.total_received == D("2000.00") and history.paid_count == 1 and history.pending_count == 1
    birth_row = history.rows[1]
    assert (birth_row.event_date_text, birth_row.paid_on_text) == ("1 มี.ค. 2569", "9 มี.ค. 2569")
    assert birth_row.voucher.startswith("JV2569-")


def test_schemes_available_say_which_the_member_can_claim_and_why_not(pension, senior, officer):
    # given: 61 years old, a member for 10 years, this year's pension already claimed
    member = MemberFactory(birth_date=dt.date(1965, 1, 1), joined_on=dt.date(2016, 1, 1))
    welfare_claim_apply(scheme=pension, member=member, event_date=dt.date(2026, 1, 5),
                        applied_on=dt.date(2026, 1, 5), by=officer)  # fmt: skip

    # when
    rows = {a.scheme.code: a for a in welfare_schemes_available(member=member, on=dt.date(2026, 3, 1))}

    # then
    assert set(rows) == {"SCH-CHILD", "WF-BIRTH", "WF-HOSP", "WF-SENIOR", "WF-PENSION"}
    assert rows["SCH-CHILD"].available and rows["WF-BIRTH"].available and rows["WF-HOSP"].available
    assert rows["WF-SENIOR"].reasons == [
        "อายุการเป็นสมาชิกยังไม่ครบ 25 ปี (เป็นสมาชิกตั้งแต่ 1 ม.ค. 2559 (10 ปี 2 เดือน))"
    ]
    assert rows["WF-PENSION"].reasons == [
        "ขอครบ 1 ครั้งในปีบัญชีนี้แล้ว (ปีบัญชี 1 ม.ค. 2569 – 31 ธ.ค. 2569 ขอแล้ว 1 ครั้ง)"
    ]
    assert rows["SCH-CHILD"].amount_text == "ประถมศึกษา 1,000.00 / มัธยมศึกษา 1,500.00 / ปริญญาตรี 3,000.00"
    assert rows["WF-HOSP"].amount_text == "วันละ 300.00 ไม่เกิน 10 วันต่อปี"


def test_payments_report_by_scheme_nets_reversals_in_the_range(scholarship, birth, officer, manager):
    # given: two scholarships and a birth gift paid in June, the birth gift reversed in July
    a, b = MemberFactory(), MemberFactory()
    claim_paid(scheme=scholarship, member=a, maker=officer, checker=manager, event_date=dt.date(2026, 6, 1),
               beneficiary_name="ลูก ก", level="primary", paid_on=dt.date(2026, 6, 15))  # fmt: skip
    claim_paid(scheme=scholarship, member=b, maker=officer, checker=manager, event_date=dt.date(2026, 6, 1),
               beneficiary_name="ลูก ข", level="bachelor", paid_on=dt.date(2026, 6, 30))  # fmt: skip
    gift = claim_paid(scheme=birth, member=a, maker=officer, checker=manager, event_date=dt.date(2026, 6, 1),
                      beneficiary_name="ลูก ค", paid_on=dt.date(2026, 6, 20))  # fmt: skip
    welfare_claim_reverse(claim=gift, on=dt.date(2026, 7, 2), reason="ซ้ำ", by=manager)

    # when
    june = welfare_payments_report(start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 30))
    summer = welfare_payments_report(start=dt.date(2026, 6, 1), end=dt.date(2026, 7, 31))

    # then
    assert [(s.code, s.paid_count, s.paid_amount, s.net_amount) for s in june.schemes] == [
        ("SCH-CHILD", 2, D("4000.00"), D("4000.00")),
        ("WF-BIRTH", 1, D("2000.00"), D("2000.00")),
    ]
    assert june.totals["net_amount"] == D("6000.00")
    assert summer.totals == {"paid_count": 3, "paid_amount": D("6000.00"), "reversed_count": 1,
                             "reversed_amount": D("2000.00"), "net_amount": D("4000.00")}  # fmt: skip
    assert summer.by_fund == {"scholarship_fund": D("4000.00"), "welfare_fund": D("0.00")}
    assert [d["kind"] for d in summer.details if d["claim_id"] == gift.pk] == ["จ่าย", "กลับรายการ"]
