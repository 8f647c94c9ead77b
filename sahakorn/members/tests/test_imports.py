"""Reading a member file: what is not a member CSV/XLSX is refused with one message naming the row."""

import csv
import io
import tracemalloc
import zipfile

import openpyxl
import pytest

from sahakorn.members.imports import MAX_ROW_BYTES, MemberImportError, RowError, read_member_file
from sahakorn.members.models import Member, MemberChange, MemberStatusChange
from sahakorn.members.services import members_import
from sahakorn.members.tests.factories import valid_national_id

pytestmark = pytest.mark.django_db

HEADER = "member_no,title,first_name,last_name,national_id,birth_date,joined_on,unit_code\r\n"
GOOD_ROW = "000001,นาย,สมชาย,ใจดี,1101700230708,15/06/2535,01/10/2560,0103\r\n"
NOT_TEXT = "ไฟล์นี้ไม่ใช่ไฟล์ข้อความ (พบข้อมูลไบนารีในแถวที่ {row}) กรุณาบันทึกเป็น CSV (UTF-8) หรือ Excel (.xlsx)"


def _refusal(content: bytes) -> list[RowError]:
    with pytest.raises(MemberImportError) as exc:
        members_import(rows=read_member_file(io.BytesIO(content)), by=None)
    assert Member.objects.count() == 0
    return exc.value.errors


def test_a_binary_file_is_refused_with_one_message(unit):
    # given: a PNG header and some binary data, as when the wrong file is picked
    content = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4

    # when / then: the NUL after the header's second line break
    assert _refusal(content) == [RowError(3, "", NOT_TEXT.format(row=3))]


def test_nul_bytes_in_a_csv_are_refused_naming_the_row(unit):
    # given: a text file with a NUL in its third row (csv raised "line contains NUL" or read garbage)
    content = (HEADER + GOOD_ROW).encode() + b"000002,\x00\x00,x\r\n"

    # when / then
    assert _refusal(content) == [RowError(3, "", NOT_TEXT.format(row=3))]


def test_an_old_excel_xls_file_is_refused_as_not_text(unit):
    # given: the OLE2 signature of a .xls workbook saved as members.csv
    content = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512

    # when / then
    assert _refusal(content) == [RowError(1, "", NOT_TEXT.format(row=1))]


def test_a_field_larger_than_the_csv_limit_is_refused_naming_the_row(unit):
    # given: one row of 200,000 characters (answered `_csv.Error: field larger than field limit`)
    content = (HEADER + GOOD_ROW + "000002," + "ก" * 200_000 + "\r\n").encode()

    # when / then
    assert _refusal(content) == [
        RowError(
            3,
            "",
            f"แถวที่ 3 ยาวเกิน {MAX_ROW_BYTES:,} ไบต์ จึงไม่ใช่แถวข้อมูลสมาชิก กรุณาตรวจว่าเป็นไฟล์ CSV ที่ถูกต้อง",
        )
    ]


def test_a_quoted_field_running_over_many_lines_past_the_csv_limit_is_refused_naming_the_row(unit):
    # given: an unclosed quote in row 3 swallows the rest of the file into one field
    content = (HEADER + GOOD_ROW + '000002,"นาย\r\n' + "สมชาย,ใจดี\r\n" * 20_000).encode()

    # when / then
    limit = csv.field_size_limit()
    assert _refusal(content) == [
        RowError(
            3,
            "",
            f'อ่านแถวที่ 3 ไม่ได้: ข้อมูลในช่องยาวเกิน {limit:,} ตัวอักษร หรือเครื่องหมายคำพูด (") '
            "ไม่ครบคู่ กรุณาตรวจว่าเป็นไฟล์ CSV ที่ถูกต้อง",
        )
    ]


def test_a_file_in_neither_utf8_nor_thai_cp874_is_refused_naming_the_row(unit):
    # given: a Latin-1 "ÿ" (0xFF is not a character in cp874 either) in row 3
    content = (HEADER + GOOD_ROW).encode() + "000002,Ä,ÿ\r\n".encode("latin-1")

    # when / then
    assert _refusal(content) == [
        RowError(
            3,
            "",
            "อ่านแถวที่ 3 ไม่ได้: มีอักขระที่ไม่ใช่ UTF-8 หรือ TIS-620 กรุณาบันทึกเป็น CSV (UTF-8) หรือ Excel (.xlsx)",
        )
    ]


def test_an_xlsx_renamed_csv_is_read_as_a_workbook(unit, tmp_path):
    # given
    workbook = openpyxl.Workbook()
    for line in (HEADER + GOOD_ROW).splitlines():
        workbook.active.append(line.split(","))
    path = tmp_path / "members.csv"
    workbook.save(path)

    # when
    result = members_import(rows=read_member_file(path), by=None)

    # then
    assert result.count == 1
    assert Member.objects.get().national_id == "1101700230708"


def test_another_zip_file_renamed_csv_is_refused(unit):
    # given: a zip that is not a workbook (a .docx, a photo archive)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    # when / then
    assert _refusal(buffer.getvalue()) == [RowError(1, "", "อ่านไฟล์ Excel ไม่ได้ กรุณาบันทึกเป็น .xlsx")]


def _member_line(n: int) -> str:
    return f"{n:06d},นาย,สมชาย{n},ใจดี,{valid_national_id(n)},15/06/2535,01/10/2560,0103\r\n"


def _peak_memory_of_import(path) -> int:
    tracemalloc.start()
    try:
        members_import(rows=read_member_file(path), by=None)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_large_file_is_imported_in_memory_that_does_not_grow_with_the_rows(unit, tmp_path):
    # given: 2,000 members, then 6,000 more (holding every row, member, status change and audit
    # row at once grew with the file: 579 MB for 200,000 rows)
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    for path, numbers in ((small, range(1, 2001)), (large, range(2001, 8001))):
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(HEADER)
            f.writelines(_member_line(n) for n in numbers)

    # when
    small_peak = _peak_memory_of_import(small)
    large_peak = _peak_memory_of_import(large)

    # then: three times the rows, not three times the memory (a few thousand rows are held at a time)
    assert (Member.objects.count(), MemberStatusChange.objects.count(), MemberChange.objects.count()) == (
        8000,
        8000,
        8000,
    )
    assert large_peak < 1.5 * small_peak, f"{small_peak / 2**20:.1f} MB, then {large_peak / 2**20:.1f} MB"
