"""The units' files: rendered from the frozen bills in a layout that is data, read back when returned."""

import io
import json
from decimal import Decimal as D

import pytest

from sahakorn.billing.errors import BillingError
from sahakorn.billing.files import layout_get, unit_file
from sahakorn.billing.layouts import Deduction, layout_from_spec, parse
from sahakorn.billing.services import billing_cycle_freeze, billing_period_open
from sahakorn.billing.tests.conftest import MARCH
from sahakorn.members.models import Member, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def cycle(member, officer):
    # Names and numbers fixed so the expected file can be written by hand.
    Member.objects.filter(pk=member.pk).update(
        number="000123", first_name="สมชาย", last_name="ใจดี", national_id="3100100123456"
    )
    Unit.objects.filter(pk=member.unit_id).update(code="EGAT01")
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    return billing_cycle_freeze(cycle=cycle, by=officer)


def test_the_round_trip_file_is_byte_exact_cp874_with_crlf(member, cycle):
    # when
    data = unit_file(cycle=cycle, unit=Unit.objects.get(code="EGAT01"), layout=layout_get("ROUNDTRIP164"))

    # then: header 24 bytes, detail 154, trailer 21; Thai is one byte a character in cp874
    expected = (
        "H" + "EGAT01  " + "20260305" + "202603" + "1" + "\r\n"
        + "D" + "000123  " + "3100100123456  " + "นายสมชาย".ljust(60) + "ใจดี".ljust(60) + "0011965.51" + "\r\n"
        + "T" + "00001" + "000000011965.51" + "\r\n"
    ).encode("cp874")  # fmt: skip
    assert data == expected
    assert [len(line) for line in data.split(b"\r\n")[:-1]] == [24, 154, 21]


def test_the_returned_file_is_read_with_the_deducted_amount_per_member(member, cycle):
    layout = layout_get("ROUNDTRIP164")
    sent = unit_file(cycle=cycle, unit=Unit.objects.get(code="EGAT01"), layout=layout)
    lines = sent.split(b"\r\n")
    lines[1] += b"0003000.00"  # the unit appends what it deducted (positions 155-164)

    assert parse(layout, b"\r\n".join(lines)) == [
        Deduction(row=2, member_number="000123", deducted=D("3000.00"))
    ]


@pytest.mark.parametrize(
    ("detail", "message"),
    [
        (b"D000123  " + b" " * 135 + b"0011965.51" + b"0003000.0", "แถวที่ 2: ยาว 163 ไบต์ ต้องยาว 164 ไบต์"),
        (b"D000123  " + b" " * 135 + b"0011965.51" + b"00030x0.00", "แถวที่ 2 ช่อง ยอดที่หักได้: “00030x0.00”"),
        (b"D        " + b" " * 135 + b"0011965.51" + b"0003000.00", "แถวที่ 2 ช่อง เลขทะเบียนสมาชิก: ว่าง"),
    ],
)
def test_a_malformed_returned_record_names_its_row_and_field(detail, message):
    layout = layout_from_spec("ROUNDTRIP164", json.loads(_builtin("ROUNDTRIP164")))
    data = b"H" + b" " * 23 + b"\r\n" + detail + b"\r\nT" + b"0" * 20 + b"\r\n"

    with pytest.raises(BillingError, match=message):
        parse(layout, data)


def test_a_name_outside_cp874_is_refused_by_name_not_dropped(member, cycle):
    Member.objects.filter(pk=member.pk).update(last_name="ใจดี😀")
    # the bill is frozen, the names are read when the file is written
    with pytest.raises(BillingError, match="อักขระ “😀” ใช้ใน cp874 ไม่ได้"):
        unit_file(cycle=cycle, unit=Unit.objects.get(code="EGAT01"), layout=layout_get("ROUNDTRIP164"))


def test_the_csv_and_excel_files_carry_the_same_rows(member, cycle):
    from openpyxl import load_workbook

    unit = Unit.objects.get(code="EGAT01")
    text = unit_file(cycle=cycle, unit=unit, layout=layout_get("SAHAKORN-CSV")).decode("utf-8-sig")
    assert text.splitlines() == [
        "ลำดับที่,เลขทะเบียนสมาชิก,เลขประจำตัวประชาชน,ชื่อ-สกุล,ยอดเรียกเก็บ,ยอดที่หักได้",
        "1,000123,3100100123456,นายสมชาย ใจดี,11965.51,",
    ]
    book = load_workbook(io.BytesIO(unit_file(cycle=cycle, unit=unit, layout=layout_get("SAHAKORN-XLSX"))))
    rows = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    assert rows[1][:5] == [1, "000123", "3100100123456", "นายสมชาย ใจดี", 11965.51]


def test_a_layout_spec_with_an_unknown_source_is_refused_with_its_place():
    with pytest.raises(BillingError, match="รูปแบบแฟ้ม X detail ช่องที่ 2: ไม่รู้จักแหล่งข้อมูล “salary”"):
        layout_from_spec(
            "X", {"format": "csv", "detail": [{"source": "member_number"}, {"source": "salary"}]}
        )


def _builtin(code: str) -> str:
    from sahakorn.billing.files import BUILTIN_DIR

    return (BUILTIN_DIR / f"{code}.json").read_text(encoding="utf-8")
