import io

import pytest
from django.core.management import CommandError, call_command

from sahakorn.members.imports import template_csv
from sahakorn.members.models import Member, MemberChange

pytestmark = pytest.mark.django_db

HEADER = (
    "member_no,title,first_name,last_name,national_id,birth_date,joined_on,member_type,unit_code,salary\n"
)


def test_import_members_command_imports_a_good_file(tmp_path, unit, manager):
    # given
    path = tmp_path / "members.csv"
    path.write_text(
        HEADER
        + '000001,นาย,สมชาย,ใจดี,1101700230708,15/06/2535,01/10/2560,สามัญ,0103,"25,000.00"\n'
        + "000002,นาง,สมศรี,ใจงาม,3100500123458,01/01/2520,01/10/2545,สมทบ,0103,0\n",
        encoding="utf-8-sig",
    )
    out = io.StringIO()

    # when
    call_command("import", "members", str(path), "--user", "manager1", stdout=out)

    # then
    assert Member.objects.count() == 2
    assert MemberChange.objects.filter(action="import", changed_by=manager).count() == 2
    assert "นำเข้าสมาชิก 2 รายการ" in out.getvalue()


def test_import_members_command_prints_every_error_and_fails_without_writing(tmp_path, unit):
    # given
    path = tmp_path / "members.csv"
    path.write_text(
        HEADER
        + "000001,นาย,สมชาย,ใจดี,1101700230708,15/06/1992,01/10/2560,สามัญ,0103,0\n"
        + "000002,นาง,สมศรี,ใจงาม,3100500123458,01/01/2520,01/10/2545,สมทบ,0999,0\n",
        encoding="utf-8",
    )
    err = io.StringIO()

    # when
    with pytest.raises(CommandError) as exc:
        call_command("import", "members", str(path), stderr=err)

    # then
    assert str(exc.value) == f"ไฟล์ {path} มีข้อผิดพลาด 2 รายการ ไม่ได้นำเข้าข้อมูลใดเลย"
    assert err.getvalue().splitlines() == [
        "แถวที่\tคอลัมน์\tสาเหตุ",
        "2\tbirth_date\tปี 1992 เป็นปี ค.ศ. กรุณากรอกปี พ.ศ. (ค.ศ. 1992 = พ.ศ. 2535)",
        "3\tunit_code\tไม่พบหน่วยสังกัดรหัส 0999 (ต้องสร้างหน่วยสังกัดก่อนนำเข้าสมาชิก)",
    ]
    assert Member.objects.count() == 0


def test_import_members_command_dry_run_writes_nothing(tmp_path, unit):
    # given: the downloadable template, as is
    path = tmp_path / "template.csv"
    path.write_text(template_csv(), encoding="utf-8")
    out = io.StringIO()

    # when
    call_command("import", "members", str(path), "--dry-run", stdout=out)

    # then
    assert "ไฟล์ถูกต้อง พร้อมนำเข้า 1 รายการ" in out.getvalue()
    assert Member.objects.count() == 0


def test_import_command_reports_a_missing_file(tmp_path):
    # when / then
    with pytest.raises(CommandError, match="ไม่พบไฟล์"):
        call_command("import", "members", str(tmp_path / "nope.csv"))


def test_import_command_refuses_a_binary_file_without_a_traceback(tmp_path, unit):
    # given: a zip-less binary (an old .xls) named .csv
    path = tmp_path / "members.csv"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    err = io.StringIO()

    # when
    with pytest.raises(CommandError) as exc:
        call_command("import", "members", str(path), stderr=err)

    # then
    assert str(exc.value) == f"ไฟล์ {path} มีข้อผิดพลาด 1 รายการ ไม่ได้นำเข้าข้อมูลใดเลย"
    assert err.getvalue().splitlines() == [
        "แถวที่\tคอลัมน์\tสาเหตุ",
        "1\t-\tไฟล์นี้ไม่ใช่ไฟล์ข้อความ (พบข้อมูลไบนารีในแถวที่ 1) กรุณาบันทึกเป็น CSV (UTF-8) หรือ Excel (.xlsx)",
    ]
    assert Member.objects.count() == 0


def test_import_command_refuses_a_field_larger_than_the_csv_limit_naming_the_row(tmp_path, unit):
    # given: printed `_csv.Error: field larger than field limit (131072)` with a traceback
    path = tmp_path / "members.csv"
    path.write_text(HEADER + "000001," + "ก" * 150_000 + "\n", encoding="utf-8")
    err = io.StringIO()

    # when
    with pytest.raises(CommandError):
        call_command("import", "members", str(path), stderr=err)

    # then
    assert err.getvalue().splitlines()[1] == (
        "2\t-\tแถวที่ 2 ยาวเกิน 65,536 ไบต์ จึงไม่ใช่แถวข้อมูลสมาชิก กรุณาตรวจว่าเป็นไฟล์ CSV ที่ถูกต้อง"
    )
    assert Member.objects.count() == 0


def test_import_command_has_no_upload_limit_and_reads_a_larger_file(tmp_path, unit, settings):
    # given: a file over the import screen's limit (the command reads it row by row, in bounded
    # memory, so the server's command takes what the screen refuses)
    settings.IMPORT_MAX_UPLOAD_MB = 0
    path = tmp_path / "members.csv"
    path.write_text(template_csv(), encoding="utf-8")
    out = io.StringIO()

    # when
    call_command("import", "members", str(path), stdout=out)

    # then
    assert Member.objects.count() == 1
