"""``sahakorn billing open/preview/freeze``."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sahakorn.billing.models import Bill

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("billing", *args, stdout=out)
    return out.getvalue()


def test_open_preview_and_freeze_a_month(member):
    assert "งวด 256903 MAIN: ประมวลผล 2026-03-05" in _run("open", "--period", "2026-03")

    preview = _run("preview", "--period", "2026-03", "--member", member.number)
    assert f"{member.number_and_name}: 0.00 → 11,965.51 (+11,965.51)" in preview

    frozen = _run("freeze", "--period", "2026-03")
    assert "ประมวลผลแล้ว สมาชิก 1 ราย 6 รายการ ยอดเรียกเก็บ 11,965.51 บาท" in frozen
    assert "SHR" in frozen

    again = _run("freeze", "--period", "2026-03")
    assert "ประมวลผลไว้แล้ว ไม่มีการเปลี่ยนแปลง" in again
    assert Bill.objects.count() == 1


def test_a_month_not_opened_is_a_clear_error():
    with pytest.raises(CommandError, match="ยังไม่ได้เปิดงวด 2026-04"):
        _run("freeze", "--period", "2026-04")


def test_files_import_post_and_close_from_the_command_line(member, tmp_path):
    # given: March open and frozen
    _run("open", "--period", "2026-03")
    _run("freeze", "--period", "2026-03")

    # when: the files are written, the unit's returned file is imported and posted
    written = _run("files", "--period", "2026-03", "--out", str(tmp_path), "--layout", "SAHAKORN-CSV")
    assert "1 ราย 11,965.51 บาท" in written
    [sent] = tmp_path.glob("*.csv")
    returned = sent.read_bytes().replace(b"11965.51,\r\n", b"11965.51,11965.51\r\n")
    back = tmp_path / "returned.csv"
    back.write_bytes(returned)
    code = member.unit.code
    imported = _run("import", "--period", "2026-03", "--unit", code, "--layout", "SAHAKORN-CSV", "--file", str(back),
                    "--remittance", "11,965.51")  # fmt: skip
    assert "ตรวจแฟ้ม returned.csv แล้ว: 1 แถว ยอดหักได้ 11,965.51 บาท" in imported
    assert "หักได้ 11,965.51 จาก 11,965.51 บาท หักไม่ได้ 0.00 หักเกิน 0.00" in _run(
        "post", "--period", "2026-03", "--unit", code
    )

    # then: the month reconciles and closes
    closed = _run("close", "--period", "2026-03")
    assert "billing cycle reconciled" in closed and "ปิดงวด 256903 หน่วยงานทั่วไปแล้ว" in closed


def test_a_bad_returned_file_prints_every_row_and_keeps_nothing(member, tmp_path):
    _run("open", "--period", "2026-03")
    _run("freeze", "--period", "2026-03")
    bad = tmp_path / "bad.csv"
    bad.write_text("เลขทะเบียนสมาชิก,ยอดที่หักได้\r\n999999,1.00\r\n", encoding="utf-8-sig")

    with pytest.raises(CommandError, match="แถวที่ 2 เลขทะเบียน 999999: ไม่พบสมาชิก"):
        _run("import", "--period", "2026-03", "--unit", member.unit.code, "--layout", "SAHAKORN-CSV",
             "--file", str(bad), "--remittance", "1.00")  # fmt: skip


def test_post_all_takes_each_units_file_and_refuses_a_unit_without_one_by_name(member, tmp_path):
    _run("open", "--period", "2026-03")
    _run("freeze", "--period", "2026-03")

    with pytest.raises(CommandError, match=f"1 หน่วยยังไม่มีแฟ้มผลการหัก \\({member.unit.code}\\)"):
        _run("post", "--period", "2026-03", "--all")

    posted = _run("post", "--period", "2026-03", "--all", "--in-full")
    assert "ผ่านรายการ 1 หน่วย หักได้รวม 11,965.51 บาท" in posted
    assert "ผ่านรายการ 0 หน่วย" in _run("post", "--period", "2026-03", "--all")


def test_the_bank_file_and_the_banks_short_list_from_the_command_line(member, manager, tmp_path):
    from sahakorn.billing.bank_debits import bank_debit_account_set, bank_debit_mandate_start
    from sahakorn.billing.tests.conftest import MARCH

    bank_debit_account_set(bank_code="006", account_no="9876543210", company_name="COOP", service_code="01")
    bank_debit_mandate_start(member=member, bank_code="006", account_no="1234567890", starts=MARCH)
    _run("open", "--period", "2026-03")
    _run("freeze", "--period", "2026-03")

    written = _run("bank-file", "--period", "2026-03", "--out", str(tmp_path))
    short = tmp_path / "short.csv"
    short.write_text(f"{member.number},1000.00\n")
    posted = _run("bank-post", "--period", "2026-03", "--short", str(short))

    assert "1 ราย (396 ไบต์)" in written
    assert "หักบัญชีธนาคาร 1 หน่วย หักได้ 1,000.00 บาท หักไม่ได้ 10,965.51 บาท" in posted
    assert "ผ่านรายการ 0 หน่วย" in _run("post", "--period", "2026-03", "--all")
