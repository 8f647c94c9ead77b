"""Reading and checking a member file from a legacy system (นำเข้าข้อมูลสมาชิกจากระบบเดิม).

The format is documented in docs/import-members.md. Everything here reads; the writing is
``services.members_import``. Rows are numbered as the person sees them in the file: the header
is row 1, the first member is row 2, and blank rows still count.
"""

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.utils import timezone

from sahakorn.core.thai import BEDateError, parse_be_date, thai_digits_to_arabic
from sahakorn.members.models import Member, MemberChange, MemberStatus, MemberStatusChange, Unit
from sahakorn.members.validation import (
    FieldError,
    check_dates,
    clean_bank_account_no,
    clean_bank_code,
    clean_email,
    clean_member_type,
    clean_national_id,
    clean_number,
    clean_phone,
    clean_salary,
    clean_status,
    clean_text,
    member_dump,
)


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    label_th: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column("member_no", True, "เลขทะเบียนสมาชิก", "000123"),
    Column("title", True, "คำนำหน้า", "นาย"),
    Column("first_name", True, "ชื่อ", "สมชาย"),
    Column("last_name", True, "นามสกุล", "ใจดี"),
    Column("first_name_en", False, "ชื่อ (อังกฤษ)", "Somchai"),
    Column("last_name_en", False, "นามสกุล (อังกฤษ)", "Jaidee"),
    Column("national_id", True, "เลขประจำตัวประชาชน", "1-1017-00230-70-8"),
    Column("birth_date", True, "วันเกิด", "15/06/2535"),
    Column("joined_on", True, "วันที่เป็นสมาชิก", "01/10/2560"),
    Column("member_type", False, "ประเภทสมาชิก", "สามัญ"),
    Column("unit_code", True, "รหัสหน่วยสังกัด", "0103"),
    Column("salary", False, "เงินเดือน", "25,000.00"),
    Column("phone", False, "โทรศัพท์มือถือ", "081-234-5678"),
    Column("email", False, "อีเมล", "somchai@example.com"),
    Column("address", False, "ที่อยู่", "99 ถ.พหลโยธิน แขวงสามเสนใน เขตพญาไท กรุงเทพฯ 10400"),
    Column("bank_code", False, "รหัสธนาคาร", "006"),
    Column("bank_account_no", False, "เลขที่บัญชีธนาคาร", "123-4-56789-0"),
    Column("status", False, "สถานะ", "ปกติ"),
    Column("status_date", False, "วันที่สถานะมีผล", ""),
    Column("status_reason", False, "เหตุผลของสถานะ", ""),
)
COLUMNS_BY_NAME = {c.name: c for c in COLUMNS}
COLUMN_ORDER = {c.name: i for i, c in enumerate(COLUMNS)}
EXTRA_KEY = "__extra__"
# SQLite allows 32,766 parameters per statement (999 before 3.32); stay far below either.
LOOKUP_CHUNK = 900


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in the file: the row as the person sees it (header = 1), the column, why (Thai)."""

    row: int
    column: str
    message: str


class MemberImportError(Exception):
    """The file was refused as a whole; ``errors`` lists every problem found."""

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda e: (e.row, COLUMN_ORDER.get(e.column, -1), e.message))
        super().__init__(f"{len(self.errors)} ข้อผิดพลาดในไฟล์นำเข้า")


@dataclass(frozen=True)
class ImportResult:
    count: int
    dry_run: bool


@dataclass
class ParsedRow:
    row: int
    member: Member
    status_date: dt.date | None = None
    errors: list[RowError] = field(default_factory=list)


# ======== Reading the file ========


def read_member_file(source: str | Path | BinaryIO) -> list[dict]:
    """Rows of a CSV (UTF-8 with or without BOM; cp874 from older Thai systems) or XLSX file.

    Each row is a dict keyed by the lower-cased header; values are strings, except date cells
    of a spreadsheet, which stay dates. Blank rows are kept so that row numbers match the file.
    """
    data = Path(source).read_bytes() if isinstance(source, (str, Path)) else source.read()
    if data[:4] == b"PK\x03\x04":
        header, rows = _read_xlsx(data)
    else:
        header, rows = _read_csv(data)
    return _to_dicts(header, rows)


def _read_csv(data: bytes) -> tuple[list, list[list]]:
    if data.startswith(codecs.BOM_UTF8):
        text = data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Thai legacy systems export TIS-620/cp874; in that code page every byte decodes.
            try:
                text = data.decode("cp874")
            except UnicodeDecodeError:
                raise MemberImportError(
                    [RowError(1, "", "อ่านไฟล์ไม่ได้ กรุณาบันทึกเป็น CSV (UTF-8) หรือ Excel (.xlsx)")]
                ) from None
    all_rows = list(csv.reader(io.StringIO(text, newline="")))
    if not all_rows:
        return [], []
    return all_rows[0], all_rows[1:]


def _read_xlsx(data: bytes) -> tuple[list, list[list]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises a zoo of zip/XML errors for a damaged or foreign file
        raise MemberImportError([RowError(1, "", "อ่านไฟล์ Excel ไม่ได้ กรุณาบันทึกเป็น .xlsx")]) from None
    try:
        sheet = workbook.worksheets[0]
        values = [[_cell_value(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    if not values:
        return [], []
    header = values[0]
    while header and header[-1] in ("", None):
        header = header[:-1]
    return header, values[1:]


def _cell_value(value) -> str | dt.date:
    # A date cell holds a real date (Excel stores it C.E. whatever the display), so it is taken
    # as is; numbers come back without the ".0" a float would print.
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _to_dicts(header: list, rows: list[list]) -> list[dict]:
    names = [str(h).replace("\ufeff", "").strip().lower() for h in header]
    if not names:
        raise MemberImportError([RowError(1, "", "ไฟล์ว่าง ไม่มีแถวหัวคอลัมน์")])
    seen = set()
    errors = []
    for name in names:
        if name in seen:
            errors.append(RowError(1, name, f"คอลัมน์ {name} ซ้ำกันในแถวหัวคอลัมน์"))
        seen.add(name)
    if errors:
        raise MemberImportError(errors)
    out = []
    for values in rows:
        row = {name: values[i] if i < len(values) else "" for i, name in enumerate(names)}
        extra = [v for v in values[len(names) :] if v not in ("", None)]
        if extra:
            row[EXTRA_KEY] = extra
        out.append(row)
    return out


# ======== Checking the rows ========


def validate_import_rows(rows: list[dict]) -> list[ParsedRow]:
    """Check every row and return unsaved members; raise ``MemberImportError`` listing all problems."""
    if not rows:
        raise MemberImportError([RowError(1, "", "ไฟล์ไม่มีข้อมูลสมาชิก")])
    header = [k for k in rows[0] if k != EXTRA_KEY]
    header_errors = [
        RowError(1, name, f"ไม่รู้จักคอลัมน์ {name}") for name in header if name not in COLUMNS_BY_NAME
    ] + [
        RowError(1, c.name, f"ไม่มีคอลัมน์ {c.name} ({c.label_th}) ซึ่งต้องมี")
        for c in COLUMNS
        if c.required and c.name not in header
    ]
    if header_errors:
        # Row by row checks of a file with the wrong columns would only repeat the same mistake.
        raise MemberImportError(header_errors)

    units = {u.code: u for u in Unit.objects.all()}
    today = timezone.localdate()
    parsed: list[ParsedRow] = []
    for index, row in enumerate(rows):
        if _is_blank(row):
            continue
        parsed.append(_parse_row(row, row_number=index + 2, units=units, today=today))

    errors = [e for p in parsed for e in p.errors]
    errors += _duplicates_in_file(parsed) + _duplicates_in_database(parsed)
    if not parsed:
        errors.append(RowError(1, "", "ไฟล์ไม่มีข้อมูลสมาชิก"))
    if errors:
        raise MemberImportError(errors)
    return parsed


def _is_blank(row: dict) -> bool:
    return all(
        v in ("", None) or (isinstance(v, str) and not v.strip()) for k, v in row.items() if k != EXTRA_KEY
    )


def _parse_row(row: dict, *, row_number: int, units: dict[str, Unit], today: dt.date) -> ParsedRow:
    errors: list[RowError] = []
    values: dict = {}

    def take(column: str, clean, target: str | None = None) -> None:
        raw = row.get(column, "")
        spec = COLUMNS_BY_NAME[column]
        if spec.required and (raw is None or (isinstance(raw, str) and not raw.strip())):
            errors.append(RowError(row_number, column, f"กรุณากรอก{spec.label_th}"))
            return
        try:
            values[target or column] = clean(raw)
        except (FieldError, BEDateError) as e:
            errors.append(RowError(row_number, column, str(e)))

    take("member_no", clean_number, "number")
    for name in ("title", "first_name", "last_name", "first_name_en", "last_name_en", "address"):
        take(name, lambda v, name=name: clean_text(name, v))
    take("national_id", clean_national_id)
    take("birth_date", _date)
    take("joined_on", _date)
    take("member_type", clean_member_type)
    take("unit_code", lambda v: _unit(v, units))
    take("salary", clean_salary)
    take("phone", clean_phone)
    take("email", clean_email)
    take("bank_code", clean_bank_code)
    take("bank_account_no", clean_bank_account_no)
    take("status", clean_status)
    take("status_date", _optional_date)
    take("status_reason", lambda v: _status_reason(v))
    if row.get(EXTRA_KEY):
        errors.append(RowError(row_number, "", "แถวนี้มีข้อมูลเกินจำนวนคอลัมน์ในแถวหัวคอลัมน์"))

    birth_date, joined_on = values.get("birth_date"), values.get("joined_on")
    if birth_date and joined_on:
        for name, message in check_dates(birth_date=birth_date, joined_on=joined_on).items():
            errors.append(RowError(row_number, name, message))
        if joined_on > today:
            errors.append(RowError(row_number, "joined_on", "วันที่เป็นสมาชิกต้องไม่เกินวันนี้"))

    status, status_date = values.get("status", MemberStatus.ACTIVE), values.get("status_date")
    if (
        "status" in values
        and status != MemberStatus.ACTIVE
        and status_date is None
        and "status_date" in values
    ):
        errors.append(RowError(row_number, "status_date", f"กรุณากรอกวันที่สถานะ{MemberStatus(status).label}มีผล"))
    if status_date is not None:
        if joined_on and status_date < joined_on:
            errors.append(RowError(row_number, "status_date", "วันที่สถานะมีผลต้องไม่ก่อนวันที่เป็นสมาชิก"))
        if status_date > today:
            errors.append(RowError(row_number, "status_date", "วันที่สถานะมีผลต้องไม่เกินวันนี้"))

    if errors:
        return ParsedRow(row=row_number, member=Member(), errors=errors)
    member = Member(
        number=values["number"],
        title=values["title"],
        first_name=values["first_name"],
        last_name=values["last_name"],
        first_name_en=values["first_name_en"],
        last_name_en=values["last_name_en"],
        national_id=values["national_id"],
        birth_date=birth_date,
        joined_on=joined_on,
        member_type=values["member_type"],
        unit=values["unit_code"],
        salary=values["salary"],
        phone=values["phone"],
        email=values["email"],
        address=values["address"],
        bank_code=values["bank_code"],
        bank_account_no=values["bank_account_no"],
        status=status,
        status_since=status_date or joined_on,
        status_reason=values.get("status_reason", ""),
    )
    return ParsedRow(row=row_number, member=member, status_date=status_date)


def _date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return parse_be_date(str(value))


def _optional_date(value) -> dt.date | None:
    if value in ("", None) or (isinstance(value, str) and not value.strip()):
        return None
    return _date(value)


def _unit(value: str, units: dict[str, Unit]) -> Unit:
    code = thai_digits_to_arabic(str(value)).strip()
    if code not in units:
        raise FieldError(f"ไม่พบหน่วยสังกัดรหัส {code} (ต้องสร้างหน่วยสังกัดก่อนนำเข้าสมาชิก)")
    return units[code]


def _status_reason(value) -> str:
    value = str(value or "").strip()
    if len(value) > 300:
        raise FieldError("เหตุผลของสถานะยาวเกิน 300 ตัวอักษร")
    return value


def _duplicates_in_file(parsed: list[ParsedRow]) -> list[RowError]:
    errors = []
    first_row: dict[tuple[str, str], int] = {}
    for p in parsed:
        if p.errors:
            continue
        for column, value in (("member_no", p.member.number), ("national_id", p.member.national_id)):
            key = (column, value)
            if key in first_row:
                label = COLUMNS_BY_NAME[column].label_th
                errors.append(RowError(p.row, column, f"{label} {value} ซ้ำกับแถวที่ {first_row[key]} ในไฟล์"))
            else:
                first_row[key] = p.row
    return errors


def _duplicates_in_database(parsed: list[ParsedRow]) -> list[RowError]:
    good = [p for p in parsed if not p.errors]
    taken_numbers: dict[str, str] = {}
    taken_ids: dict[str, str] = {}
    for start in range(0, len(good), LOOKUP_CHUNK):
        chunk = good[start : start + LOOKUP_CHUNK]
        taken_numbers |= dict(
            Member.objects.filter(number__in=[p.member.number for p in chunk]).values_list("number", "number")
        )
        taken_ids |= dict(
            Member.objects.filter(national_id__in=[p.member.national_id for p in chunk]).values_list(
                "national_id", "number"
            )
        )
    errors = []
    for p in good:
        if p.member.number in taken_numbers:
            errors.append(RowError(p.row, "member_no", f"เลขทะเบียนสมาชิก {p.member.number} มีอยู่แล้วในระบบ"))
        if p.member.national_id in taken_ids:
            errors.append(
                RowError(
                    p.row,
                    "national_id",
                    f"เลขประจำตัวประชาชนนี้เป็นของสมาชิกเลขทะเบียน {taken_ids[p.member.national_id]} ในระบบอยู่แล้ว",
                )
            )
    return errors


def build_import_records(
    parsed: list[ParsedRow], *, by, reason: str
) -> tuple[list[MemberStatusChange], list[MemberChange]]:
    """The status history and audit rows of members just inserted (their pks are set)."""
    by_id = by.pk if by is not None else None
    status_changes, audit_rows = [], []
    # Plain ids rather than related objects: at 30,000 rows the descriptors' checks add seconds.
    for p in parsed:
        m = p.member
        status_changes.append(
            MemberStatusChange(
                member_id=m.pk, from_status="", to_status=MemberStatus.ACTIVE, effective_on=m.joined_on,
                reason=reason, recorded_by_id=by_id,
            )
        )  # fmt: skip
        if m.status != MemberStatus.ACTIVE:
            status_changes.append(
                MemberStatusChange(
                    member_id=m.pk, from_status=MemberStatus.ACTIVE, to_status=m.status, effective_on=m.status_since,
                    reason=m.status_reason or reason, recorded_by_id=by_id,
                )
            )  # fmt: skip
        audit_rows.append(
            MemberChange(
                member_id=m.pk, action=MemberChange.Action.IMPORT, changed_by_id=by_id, diff=member_dump(m),
                note=f"{reason} แถวที่ {p.row}",
            )
        )  # fmt: skip
    return status_changes, audit_rows


def template_csv() -> str:
    """The downloadable template: the header row and one example member."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in COLUMNS])
    writer.writerow([c.example for c in COLUMNS])
    return out.getvalue()
