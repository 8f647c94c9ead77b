import csv
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest

from sahakorn.members.imports import RowError, read_member_file
from sahakorn.members.models import Member, MemberChange, MemberStatusChange
from sahakorn.members.services import MemberImportError, members_import
from sahakorn.members.tests.factories import MemberFactory, UnitFactory, valid_national_id

pytestmark = pytest.mark.django_db

HEADER = [
    "member_no", "title", "first_name", "last_name", "first_name_en", "last_name_en", "national_id",
    "birth_date", "joined_on", "member_type", "unit_code", "salary", "phone", "email", "address",
    "bank_code", "bank_account_no", "status", "status_date", "status_reason",
]  # fmt: skip


def _row(n: int, **overrides) -> dict:
    row = {
        "member_no": f"{n:06d}",
        "title": "นาย",
        "first_name": f"สมชาย{n}",
        "last_name": "ใจดี",
        "first_name_en": "Somchai",
        "last_name_en": "Jaidee",
        "national_id": valid_national_id(n),
        "birth_date": "15/06/2535",
        "joined_on": "01/10/2560",
        "member_type": "สามัญ",
        "unit_code": "0103",
        "salary": "25,000.50",
        "phone": "081-234-5678",
        "email": "",
        "address": "",
        "bank_code": "006",
        "bank_account_no": "123-4-56789-0",
        "status": "",
        "status_date": "",
        "status_reason": "",
    }
    return {**row, **overrides}


def _write_csv(path, rows: list[dict], header=HEADER, bom=True):
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
    return path


def test_members_import_good_csv_imports_every_row_with_history(tmp_path, manager, unit):
    # given
    rows = [
        _row(1),
        _row(2, member_type="associate"),
        _row(3, status="ลาออก", status_date="31/03/2566", status_reason="ย้ายงาน"),
    ]
    path = _write_csv(tmp_path / "members.csv", rows)

    # when
    result = members_import(rows=read_member_file(path), by=manager)

    # then
    assert (result.count, result.dry_run) == (3, False)
    assert Member.objects.count() == 3
    first = Member.objects.get(number="000001")
    assert (
        first.first_name,
        first.birth_date,
        first.joined_on,
        first.salary,
        first.phone,
        first.bank_account_no,
    ) == (
        "สมชาย1",
        dt.date(1992, 6, 15),
        dt.date(2017, 10, 1),
        Decimal("25000.50"),
        "+66812345678",
        "1234567890",
    )
    assert Member.objects.get(number="000002").member_type == "associate"
    resigned = Member.objects.get(number="000003")
    assert (resigned.status, resigned.status_since, resigned.status_reason) == (
        "resigned",
        dt.date(2023, 3, 31),
        "ย้ายงาน",
    )
    assert MemberStatusChange.objects.count() == 4  # one joining row each, one resignation
    assert list(
        MemberStatusChange.objects.filter(member=resigned).values_list(
            "from_status", "to_status", "effective_on"
        )
    ) == [("", "active", dt.date(2017, 10, 1)), ("active", "resigned", dt.date(2023, 3, 31))]
    audit = MemberChange.objects.get(member=first)
    assert (audit.action, audit.changed_by, audit.note) == ("import", manager, "นำเข้าจากระบบเดิม แถวที่ 2")
    assert audit.diff["national_id"] == [None, valid_national_id(1)]


def test_members_import_good_xlsx_imports_every_row(tmp_path, manager, unit):
    # given: typed as an officer would, with a real date cell and numbers as number cells
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(list(_row(1).values()))
    row2 = _row(
        2,
        birth_date=dt.datetime(1990, 1, 31),
        salary=30000.25,
        phone=812345679,
        national_id=int(valid_national_id(2)),
    )
    sheet.append([row2[h] for h in HEADER])
    path = tmp_path / "members.xlsx"
    workbook.save(path)

    # when
    result = members_import(rows=read_member_file(path), by=manager)

    # then
    assert result.count == 2
    second = Member.objects.get(number="000002")
    assert (second.birth_date, second.salary, second.phone, second.national_id) == (
        dt.date(1990, 1, 31),
        Decimal("30000.25"),
        "+66812345679",
        valid_national_id(2),
    )
    assert MemberChange.objects.filter(action="import").count() == 2


def test_members_import_file_with_errors_lists_each_and_writes_nothing(tmp_path, manager, unit):
    # given
    MemberFactory(number="000050", national_id=valid_national_id(50), unit=unit)
    members_before = Member.objects.count()
    rows = [
        _row(1),
        _row(2, birth_date="15/06/1992"),  # C.E. year
        _row(3, national_id="1101700230709"),  # bad check digit
        _row(4, unit_code="9999"),  # unknown unit
        _row(5, member_no="000001", national_id=valid_national_id(1)),  # duplicates row 2
        _row(6, salary="1,000.005", phone="12345"),
        _row(7, member_no="000050"),  # taken in the database
        _row(8, first_name="", member_type="พิเศษ", status="ย้าย"),
    ]
    path = _write_csv(tmp_path / "members.csv", rows)

    # when
    with pytest.raises(MemberImportError) as exc:
        members_import(rows=read_member_file(path), by=manager)

    # then
    assert exc.value.errors == [
        RowError(3, "birth_date", "ปี 1992 เป็นปี ค.ศ. กรุณากรอกปี พ.ศ. (ค.ศ. 1992 = พ.ศ. 2535)"),
        RowError(
            4,
            "national_id",
            "เลขประจำตัวประชาชนไม่ถูกต้อง: 1101700230709 (ต้องเป็นตัวเลข 13 หลักและหลักสุดท้ายตรวจสอบผ่าน)",
        ),
        RowError(5, "unit_code", "ไม่พบหน่วยสังกัดรหัส 9999 (ต้องสร้างหน่วยสังกัดก่อนนำเข้าสมาชิก)"),
        RowError(6, "member_no", "เลขทะเบียนสมาชิก 000001 ซ้ำกับแถวที่ 2 ในไฟล์"),
        RowError(6, "national_id", f"เลขประจำตัวประชาชน {valid_national_id(1)} ซ้ำกับแถวที่ 2 ในไฟล์"),
        RowError(7, "salary", "เงินเดือนมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง: 1000.005"),
        RowError(7, "phone", "เบอร์โทรศัพท์ไม่ถูกต้อง: 12345"),
        RowError(8, "member_no", "เลขทะเบียนสมาชิก 000050 มีอยู่แล้วในระบบ"),
        RowError(9, "first_name", "กรุณากรอกชื่อ"),
        RowError(9, "member_type", "ไม่รู้จักประเภทสมาชิก: พิเศษ (ใช้ ordinary/associate หรือ สามัญ/สมทบ)"),
        RowError(
            9,
            "status",
            "ไม่รู้จักสถานะสมาชิก: ย้าย (ใช้ active/resigned/deceased/expelled หรือ ปกติ/ลาออก/เสียชีวิต/ให้ออก)",
        ),
    ]
    assert Member.objects.count() == members_before
    assert MemberChange.objects.filter(action="import").count() == 0


def test_members_import_refuses_unknown_and_missing_header_columns(tmp_path, manager, unit):
    # given
    header = [h for h in HEADER if h != "national_id"] + ["nickname"]
    path = _write_csv(tmp_path / "members.csv", [_row(1)], header=header)

    # when
    with pytest.raises(MemberImportError) as exc:
        members_import(rows=read_member_file(path), by=manager)

    # then
    assert exc.value.errors == [
        RowError(1, "nickname", "ไม่รู้จักคอลัมน์ nickname"),
        RowError(1, "national_id", "ไม่มีคอลัมน์ national_id (เลขประจำตัวประชาชน) ซึ่งต้องมี"),
    ]


def test_members_import_counts_blank_rows_so_row_numbers_match_the_file(tmp_path, manager, unit):
    # given
    path = tmp_path / "members.csv"
    path.write_text(
        ",".join(HEADER)
        + "\n"
        + ",".join(_row(1, salary="25000").values())
        + "\n\n"
        + ",".join(_row(2, salary="25000", joined_on="1/1/2560x").values())
        + "\n",
        encoding="utf-8",
    )

    # when
    with pytest.raises(MemberImportError) as exc:
        members_import(rows=read_member_file(path), by=manager)

    # then
    assert exc.value.errors == [RowError(4, "joined_on", "กรุณากรอกวันที่เป็น วว/ดด/ปปปป (ปี พ.ศ.) เช่น 22/11/2569")]


def test_members_import_needs_status_date_for_a_member_who_left(tmp_path, manager, unit):
    # given
    path = _write_csv(tmp_path / "members.csv", [_row(1, status="deceased")])

    # when
    with pytest.raises(MemberImportError) as exc:
        members_import(rows=read_member_file(path), by=manager)

    # then
    assert exc.value.errors == [RowError(2, "status_date", "กรุณากรอกวันที่สถานะเสียชีวิตมีผล")]


def test_members_import_dry_run_checks_but_writes_nothing(tmp_path, manager, unit):
    # given
    path = _write_csv(tmp_path / "members.csv", [_row(1), _row(2)], bom=False)

    # when
    result = members_import(rows=read_member_file(path), by=manager, dry_run=True)

    # then
    assert (result.count, result.dry_run) == (2, True)
    assert Member.objects.count() == 0


def test_members_import_reads_cp874_csv_from_older_thai_systems(tmp_path, manager, unit):
    # given
    path = tmp_path / "legacy.csv"
    text = ",".join(HEADER) + "\r\n" + ",".join(_row(1, salary="25000").values()) + "\r\n"
    path.write_bytes(text.encode("cp874"))

    # when
    result = members_import(rows=read_member_file(path), by=None)

    # then
    assert result.count == 1
    assert Member.objects.get().first_name == "สมชาย1"


def test_members_import_resolves_units_anywhere_in_the_tree(tmp_path, manager):
    # given
    root = UnitFactory(code="01", name="สำนักงาน")
    UnitFactory(code="010301", name="งานการเงิน", parent=UnitFactory(code="0103", name="กองคลัง", parent=root))
    path = _write_csv(tmp_path / "members.csv", [_row(1, unit_code="010301")])

    # when
    members_import(rows=read_member_file(path), by=manager)

    # then
    assert Member.objects.get().unit.path == "01/0103/010301/"


def test_members_import_of_a_large_file_is_one_bulk_transaction(
    tmp_path, manager, unit, django_assert_max_num_queries
):
    # given
    path = _write_csv(tmp_path / "members.csv", [_row(n) for n in range(1, 2001)])
    rows = read_member_file(path)

    # when: the query count does not grow with the rows (bulk inserts in batches of 2,000)
    with django_assert_max_num_queries(20):
        result = members_import(rows=rows, by=manager)

    # then
    assert result.count == 2000
    assert (Member.objects.count(), MemberStatusChange.objects.count(), MemberChange.objects.count()) == (
        2000,
        2000,
        2000,
    )


def test_members_import_salary_1e30_is_a_row_error_not_a_traceback(tmp_path, manager, unit):
    # given: the import printed decimal.InvalidOperation's traceback
    path = _write_csv(tmp_path / "m.csv", [_row(1, salary="1e30"), _row(2, salary="1,00,0")])

    # when
    with pytest.raises(MemberImportError) as exc:
        members_import(rows=read_member_file(path), by=manager)

    # then
    assert exc.value.errors == [
        RowError(2, "salary", "เงินเดือนต้องไม่เกิน 9,999,999,999,999.99 บาท: 1e30"),
        RowError(3, "salary", "เงินเดือนต้องเป็นตัวเลข เช่น 25000 หรือ 25,000.00: 1,00,0"),
    ]
    assert Member.objects.count() == 0


def test_members_import_refuses_quotes_and_html_in_member_no_and_reads_thai_digits(tmp_path, manager, unit):
    # given
    bad = _write_csv(tmp_path / "bad.csv", [_row(1, member_no='00"1'), _row(2, member_no="<b>2</b>")])
    thai = _write_csv(
        tmp_path / "thai.csv",
        [
            _row(
                3,
                member_no="๐๐๐๐๐๓",
                national_id="๑๑๐๑๗๐๐๒๓๐๗๐๘",
                salary="๒๕,๐๐๐.๕๐",
                birth_date="๑๕/๐๖/๒๕๓๕",
                unit_code="๐๑๐๓",
            )
        ],
    )

    # when
    with pytest.raises(MemberImportError) as exc:
        members_import(rows=read_member_file(bad), by=manager)
    members_import(rows=read_member_file(thai), by=manager)

    # then
    message = "เลขทะเบียนสมาชิกต้องเป็นตัวอักษรอังกฤษหรือตัวเลขเท่านั้น (A-Z, a-z, 0-9)"
    assert exc.value.errors == [RowError(2, "member_no", message), RowError(3, "member_no", message)]
    member = Member.objects.get()
    assert (member.number, member.national_id, member.salary) == (
        "000003",
        "1101700230708",
        Decimal("25000.50"),
    )
