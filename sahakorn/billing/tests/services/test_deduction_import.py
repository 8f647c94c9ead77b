"""Importing what a unit deducted: the whole file is checked first; a bad one is refused with every reason."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.billing.errors import BillingError
from sahakorn.billing.models import DeductionImport, ImportStatus, LineReceipt, UnitPosting
from sahakorn.billing.services import (
    ReturnedFile,
    billing_cycle_freeze,
    billing_period_open,
    deduction_import_post,
    deduction_import_record,
    deduction_imports_record,
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


def test_every_unit_s_file_at_once_is_kept_whole_or_refused_naming_the_file(officer):
    # given: two units, a member of each billed monthly shares only (1,000.00 each), frozen for March
    first = member_with_shares(100, on=dt.date(2025, 1, 15), number="000101")
    second = member_with_shares(50, on=dt.date(2025, 1, 15), number="000202")
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    billing_cycle_freeze(cycle=cycle, by=officer)

    def files(second_row: str) -> list[ReturnedFile]:
        return [
            ReturnedFile(
                first.unit, "SAHAKORN-CSV", _csv("1,000101,,,1000.00,1000.00"), "u1.csv", D("1000.00")
            ),
            ReturnedFile(second.unit, "SAHAKORN-CSV", _csv(second_row), "u2.csv", D("400.00")),
        ]

    # when: the second unit's file lists a member of the first unit → both refused, the file named
    with pytest.raises(BillingError) as refused:
        deduction_imports_record(cycle=cycle, files=files("1,000101,,,1000.00,400.00"), by=officer)
    assert refused.value.message == (
        "แฟ้ม u1.csv, u2.csv ไม่ผ่านการตรวจ 1 รายการ ไม่ได้นำเข้า:\n"
        f"u2.csv แถวที่ 2 เลขทะเบียน 000101: {first.full_name} ไม่ได้สังกัดหน่วยนี้"
    )
    assert not DeductionImport.objects.exists()

    # when: both right (400.00 of the second's 1,000.00) → one import a unit, ready to post
    kept = deduction_imports_record(cycle=cycle, files=files("1,000202,,,1000.00,400.00"), by=officer)
    assert [(i.unit_id, i.file_name, i.rows, i.total, i.status) for i in kept] == [
        (first.unit_id, "u1.csv", 1, D("1000.00"), ImportStatus.VALIDATED),
        (second.unit_id, "u2.csv", 1, D("400.00"), ImportStatus.VALIDATED),
    ]
    assert [list(i.lines.values_list("row", "member_id", "deducted")) for i in kept] == [
        [(2, first.pk, D("1000.00"))], [(2, second.pk, D("400.00"))]
    ]  # fmt: skip
    posting = deduction_import_post(deduction_import=kept[1], by=officer)
    assert (posting.billed, posting.received, posting.short) == (D("1000.00"), D("400.00"), D("600.00"))


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


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (HEADING + '1,{n},,,11965.51,"1,00,0"\r\n', "“1,00,0” ต้องเป็นจำนวนเงิน"),
        (HEADING + '1,{n},,,11965.51,"' + "9" * 200_000 + '"\r\n', "อ่านเป็น CSV ไม่ได้"),
        (HEADING, "แฟ้มไม่มีรายการสมาชิกเลย"),
    ],
)
def test_amounts_go_through_the_one_money_parser_and_a_broken_file_is_one_message(member, cycle, officer, data,
                                                                                 message):  # fmt: skip
    with pytest.raises(BillingError, match=message):
        _record(cycle, member, data.format(n=member.number).encode("utf-8-sig"), "1000.00", officer)
    assert not DeductionImport.objects.exists()


def test_the_same_file_is_not_imported_twice(member, cycle, officer):
    data = _csv(f"1,{member.number},,,11965.51,11965.51")
    _record(cycle, member, data, "11965.51", officer)

    with pytest.raises(BillingError, match="แฟ้มนี้นำเข้าแล้ว"):
        _record(cycle, member, data, "11965.51", officer)


def test_a_fixed_width_file_of_another_month_or_with_stray_lines_is_refused(member, cycle, officer):
    from sahakorn.billing.files import layout_get, unit_file

    sent = unit_file(cycle=cycle, unit=member.unit, layout=layout_get("ROUNDTRIP164"))
    lines = sent.split(b"\r\n")
    lines[1] += b"0011965.51"
    other_month = [lines[0].replace(b"202603", b"202602"), *lines[1:]]
    stray = [lines[0], b"garbage line", *lines[1:]]

    for data, message in ((other_month, "แฟ้มของงวด “202602” ไม่ใช่งวด 202603"), (stray, "แถวที่ 2: ไม่ใช่รายการ")):
        with pytest.raises(BillingError, match=message):
            deduction_import_record(cycle=cycle, unit=member.unit, layout_code="ROUNDTRIP164",
                                    data=b"\r\n".join(data), file_name="x.txt", remittance=D("11965.51"), by=officer)  # fmt: skip
    assert not DeductionImport.objects.exists()


def test_an_excel_file_with_numbers_where_excel_put_them_is_read(member, cycle, officer):
    # given: Excel turned the member number 000001 into 1 and the amount into a float
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["เลขทะเบียนสมาชิก", "ยอดที่หักได้"])
    sheet.append([int(member.number), 11965.51])
    out = io.BytesIO()
    book.save(out)

    imported = deduction_import_record(cycle=cycle, unit=member.unit, layout_code="SAHAKORN-XLSX",
                                       data=out.getvalue(), file_name="m.xlsx", remittance=D("11965.51"),
                                       by=officer)  # fmt: skip

    assert imported.total == D("11965.51") and imported.lines.get().member_id == member.pk
