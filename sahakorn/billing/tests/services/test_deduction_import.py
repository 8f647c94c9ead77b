"""Importing what a unit deducted: the whole file is checked first; a bad one is refused with every reason."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.billing.errors import BillingError
from sahakorn.billing.models import DeductionImport, ImportStatus, LineReceipt, UnitPosting
from sahakorn.billing.services import (
    billing_cycle_freeze,
    billing_period_open,
    deduction_import_post,
    deduction_import_record,
)
from sahakorn.billing.tests.conftest import MARCH
from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db

HEADING = "ลำดับที่,เลขทะเบียนสมาชิก,เลขประจำตัวประชาชน,ชื่อ-สกุล,ยอดเรียกเก็บ,ยอดที่หักได้\r\n"


@pytest.fixture
def cycle(member, officer):
    # a second member of the same unit, billed shares only (1,000.00)
    member_with_shares(100, on=dt.date(2025, 1, 15), unit=member.unit, number="000777")
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    return billing_cycle_freeze(cycle=cycle, by=officer)


def _csv(*rows: str) -> bytes:
    return (HEADING + "".join(f"{row}\r\n" for row in rows)).encode("utf-8-sig")


def _record(cycle, member, data, remittance, officer):
    return deduction_import_record(
        cycle=cycle, unit=member.unit, layout_code="SAHAKORN-CSV", data=data, file_name="march.csv",
        remittance=D(remittance), by=officer,
    )  # fmt: skip


def test_a_good_file_is_kept_then_posted_and_an_unlisted_member_paid_nothing(member, cycle, officer):
    # given: the unit deducted 3,000.00 from the member and did not list 000777
    data = _csv(f"1,{member.number},,,11965.51,3000.00")

    # when
    imported = _record(cycle, member, data, "3000.00", officer)
    posting = deduction_import_post(deduction_import=imported, by=officer)

    # then
    imported.refresh_from_db()
    assert (imported.rows, imported.total, imported.status) == (1, D("3000.00"), ImportStatus.POSTED)
    assert (posting.members, posting.billed, posting.received, posting.short) == (
        2, D("12965.51"), D("3000.00"), D("9965.51"),
    )  # fmt: skip
    assert LineReceipt.objects.filter(line__bill__member__number="000777").get().received == D("0.00")
    # and: posting the same file again posts nothing twice
    assert deduction_import_post(deduction_import=imported, by=officer).pk == posting.pk
    assert JournalEntry.objects.filter(source=EntrySource.BILLING).count() == 1


def test_a_bad_file_is_refused_whole_with_every_row_and_nothing_is_kept(member, cycle, officer):
    # given: an unknown member, a member of another unit, the same member twice, more than billed
    stranger = MemberFactory()
    data = _csv(
        f"1,{member.number},,,11965.51,3000.00",
        "2,999999,,,0,10.00",
        f"3,{stranger.number},,,0,10.00",
        f"4,{member.number},,,11965.51,1.00",
        "5,000777,,,1000.00,1500.00",
    )

    # when / then
    with pytest.raises(BillingError) as refused:
        _record(cycle, member, data, "4521.00", officer)
    message = refused.value.message
    assert message.startswith("แฟ้ม march.csv ไม่ผ่านการตรวจ 4 รายการ ไม่ได้นำเข้า:")
    assert "แถวที่ 3 เลขทะเบียน 999999: ไม่พบสมาชิก" in message
    assert f"แถวที่ 4 เลขทะเบียน {stranger.number}: {stranger.full_name} ไม่ได้สังกัดหน่วยนี้" in message
    assert f"แถวที่ 5 เลขทะเบียน {member.number}: ซ้ำกับแถวที่ 2" in message
    assert "แถวที่ 6 เลขทะเบียน 000777: หักได้ 1,500.00 บาท เกินยอดเรียกเก็บ 1,000.00 บาท" in message
    assert refused.value.row == 3
    assert not DeductionImport.objects.exists() and not UnitPosting.objects.exists()


@pytest.mark.parametrize(
    ("row", "remittance", "message"),
    [
        (
            "1,{n},,,11965.51,3000.005",
            "3000.00",
            "แถวที่ 2 ช่อง ยอดที่หักได้: “3000.005” ต้องเป็นจำนวนเงินทศนิยมไม่เกิน 2 ตำแหน่ง",
        ),
        ("1,{n},,,11965.51,abc", "3000.00", "แถวที่ 2 ช่อง ยอดที่หักได้: “abc”"),
        (
            "1,{n},,,11965.51,3000.00",
            "2999.99",
            "ยอดหักได้รวมตามแฟ้ม 3,000.00 บาท ไม่เท่ากับยอดเงินที่หน่วยโอน 2,999.99 บาท",
        ),
    ],
)
def test_malformed_amounts_and_a_remittance_that_differs_are_refused(
    member, cycle, officer, row, remittance, message
):
    with pytest.raises(BillingError, match=message):
        _record(cycle, member, _csv(row.format(n=member.number)), remittance, officer)
    assert not DeductionImport.objects.exists()


def test_a_binary_file_is_one_clear_message(member, cycle, officer):
    with pytest.raises(BillingError, match="แฟ้มไม่ใช่ข้อความ utf-8-sig"):
        _record(cycle, member, b"\x89PNG\r\n\x1a\n\xff\xfe\x00", "0.00", officer)
