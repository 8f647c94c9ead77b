"""Reading and checking a member file from a legacy system (นำเข้าข้อมูลสมาชิกจากระบบเดิม).

The format is documented in docs/import-members.md. Everything here reads; the writing is
``services.members_import``. Rows are numbered as the person sees them in the file: the header
is row 1, the first member is row 2, and blank rows still count.
"""

import codecs
import csv
import datetime as dt
import io
import itertools
import pickle
import re
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
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
# Checked members are set aside and written this many at a time.
KEEP_CHUNK = 2000


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
    number: str = ""
    national_id: str = ""
    fields: dict = field(default_factory=dict)  # the Member's, with its unit as "unit_code"
    member: Member | None = None  # made only for writing
    errors: list[RowError] = field(default_factory=list)


# ======== Reading the file ========

# No member row comes near this (every column at its longest is under 2 kB); a longer line means
# the file is not a member CSV, and refusing it here keeps a line-less binary file out of memory.
MAX_ROW_BYTES = 64 * 1024
SCAN_CHUNK = 1024 * 1024
# Control characters never typed into a spreadsheet; tab, line breaks, the form feed and the
# DOS end-of-file mark (0x1A) old exports leave at the end are allowed.
_NOT_TEXT = re.compile(rb"[\x00-\x08\x0e-\x19\x1b-\x1f]")
_ZIP_MAGIC = b"PK\x03\x04"
_SAVE_AS = "กรุณาบันทึกเป็น CSV (UTF-8) หรือ Excel (.xlsx)"


def read_member_file(source: str | Path | BinaryIO) -> "MemberFile":
    """A CSV (UTF-8 with or without BOM; cp874 from older Thai systems) or XLSX member file.

    The whole file is checked here for what would stop it being read (binary data, an unknown
    encoding, an overlong row, a damaged workbook), raising ``MemberImportError``; the rows
    themselves are read when the returned ``MemberFile`` is iterated.
    """
    return MemberFile(source)


class MemberFile:
    """The rows of a member file, read from the file as they are iterated (from the start each time).

    Nothing holds the whole file: a 200,000-row file held as rows, members and audit rows took
    1.5 GB. Each row is a dict keyed by the lower-cased header; values are strings, except date
    cells of a spreadsheet, which stay dates. Blank rows are kept so that row numbers match the file.
    """

    def __init__(self, source: str | Path | BinaryIO):
        self._source = source
        with self._opened() as f:
            self._is_xlsx = f.read(len(_ZIP_MAGIC)) == _ZIP_MAGIC
        if self._is_xlsx:
            self._check_xlsx()
        else:
            self._encoding = self._check_csv()
        self.header = self._header()

    def __iter__(self) -> Iterator[dict]:
        rows = self._xlsx_rows() if self._is_xlsx else self._csv_rows()
        next(rows, None)  # the header, checked once in __init__
        width = len(self.header)
        for values in rows:
            row = {name: values[i] if i < len(values) else "" for i, name in enumerate(self.header)}
            extra = [v for v in values[width:] if v not in ("", None)]
            if extra:
                row[EXTRA_KEY] = extra
            yield row

    @contextmanager
    def _opened(self) -> Iterator[BinaryIO]:
        if isinstance(self._source, (str, Path)):
            with open(self._source, "rb") as f:
                yield f
        else:
            # An upload: Django's file object, or the temporary/in-memory file inside it.
            self._source.seek(0)
            yield getattr(self._source, "file", self._source)

    def _header(self) -> list[str]:
        with closing(self._xlsx_rows() if self._is_xlsx else self._csv_rows()) as rows:
            first = next(rows, [])
        while first and first[-1] in ("", None):
            first = first[:-1]
        names = [str(h).replace("\ufeff", "").strip().lower() for h in first]
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
        return names

    # ---- CSV ----

    def _check_csv(self) -> str:
        """The file's encoding, after one pass over its bytes; refuses what is not a text file."""
        with self._opened() as f:
            bom = f.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
        bad_rows = []
        for encoding in ["utf-8-sig"] if bom else ["utf-8", "cp874"]:
            # Thai legacy systems export TIS-620/cp874; almost every byte decodes in that code page,
            # so binary data is found by its control characters, not by the decoder.
            bad_row = self._scan(encoding)
            if bad_row is None:
                return encoding
            bad_rows.append(bad_row)
        # The encoding that read furthest is most likely the file's: its first bad row is the one to fix.
        bad_row = max(bad_rows)
        raise MemberImportError(
            [RowError(bad_row, "", f"อ่านแถวที่ {bad_row} ไม่ได้: มีอักขระที่ไม่ใช่ UTF-8 หรือ TIS-620 {_SAVE_AS}")]
        )

    def _scan(self, encoding: str) -> int | None:
        """The first line that does not decode (None: all do); refuses binary data and long lines."""
        decoder = codecs.getincrementaldecoder(encoding)()
        line, line_bytes = 1, 0
        with self._opened() as f:
            while chunk := f.read(SCAN_CHUNK):
                if (control := _NOT_TEXT.search(chunk)) is not None:
                    row = line + chunk.count(b"\n", 0, control.start())
                    raise MemberImportError(
                        [RowError(row, "", f"ไฟล์นี้ไม่ใช่ไฟล์ข้อความ (พบข้อมูลไบนารีในแถวที่ {row}) {_SAVE_AS}")]
                    )
                pieces = chunk.split(b"\n")
                for i, piece in enumerate(pieces):
                    line_bytes = line_bytes + len(piece) if i == 0 else len(piece)
                    if line_bytes > MAX_ROW_BYTES:
                        row = line + i
                        raise MemberImportError(
                            [
                                RowError(
                                    row,
                                    "",
                                    f"แถวที่ {row} ยาวเกิน {MAX_ROW_BYTES:,} ไบต์ จึงไม่ใช่แถวข้อมูลสมาชิก "
                                    "กรุณาตรวจว่าเป็นไฟล์ CSV ที่ถูกต้อง",
                                )
                            ]
                        )
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as e:
                    return line + chunk.count(b"\n", 0, e.start)
                line += len(pieces) - 1
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return line
        return None

    def _csv_rows(self) -> Iterator[list]:
        with self._opened() as f:
            text = io.TextIOWrapper(f, encoding=self._encoding, newline="")
            row = 1  # the row being read, as the person sees it
            try:
                for values in csv.reader(text):
                    yield values
                    row += 1
            except csv.Error:
                # The scan bounds every line, so this is a quoted field that never closes.
                raise MemberImportError(
                    [
                        RowError(
                            row,
                            "",
                            f"อ่านแถวที่ {row} ไม่ได้: ข้อมูลในช่องยาวเกิน {csv.field_size_limit():,} ตัวอักษร "
                            'หรือเครื่องหมายคำพูด (") ไม่ครบคู่ กรุณาตรวจว่าเป็นไฟล์ CSV ที่ถูกต้อง',
                        )
                    ]
                ) from None
            finally:
                text.detach()  # leave the file to its owner (an upload is read again)

    # ---- XLSX ----

    def _check_xlsx(self) -> None:
        with self._opened() as f:
            self._load_workbook(f).close()

    @staticmethod
    def _load_workbook(f: BinaryIO):
        import openpyxl

        try:
            return openpyxl.load_workbook(f, read_only=True, data_only=True)
        except Exception:  # openpyxl raises a zoo of zip/XML errors for a damaged or foreign file
            raise MemberImportError([RowError(1, "", "อ่านไฟล์ Excel ไม่ได้ กรุณาบันทึกเป็น .xlsx")]) from None

    def _xlsx_rows(self) -> Iterator[list]:
        with self._opened() as f:
            workbook = self._load_workbook(f)
            try:
                for row in workbook.worksheets[0].iter_rows(values_only=True):
                    yield [_cell_value(v) for v in row]
            finally:
                workbook.close()


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


# ======== Checking the rows ========


def validate_import_rows(rows: Iterable[dict], *, keep: BinaryIO | None = None) -> int:
    """Check every row; return how many members the file holds, or raise ``MemberImportError``.

    The error lists every problem in the file. Rows are checked as they are read, keeping in
    memory only each member's number and national ID (to find duplicates), so a file of any size
    fits. With ``keep`` (a temporary file), the checked members are written there, ``KEEP_CHUNK``
    at a time, for ``kept_member_chunks``: the rows are then not parsed a second time.
    """
    errors: list[RowError] = []
    first_row: dict[tuple[str, str], int] = {}
    unlooked: list[ParsedRow] = []
    kept: list[tuple[int, dict]] = []
    count = 0
    for parsed in _parsed_rows(rows):
        count += 1
        if parsed.errors:
            errors += parsed.errors
            continue
        errors += _duplicates_in_file(parsed, first_row)
        unlooked.append(parsed)
        if len(unlooked) == LOOKUP_CHUNK:
            errors += _duplicates_in_database(unlooked)
            unlooked = []
        if keep is not None and not errors:  # after an error nothing will be written
            kept.append((parsed.row, parsed.fields))
            if len(kept) == KEEP_CHUNK:
                pickle.dump(kept, keep, protocol=pickle.HIGHEST_PROTOCOL)
                kept = []
    errors += _duplicates_in_database(unlooked)
    if not count:
        errors.append(RowError(1, "", "ไฟล์ไม่มีข้อมูลสมาชิก"))
    if errors:
        raise MemberImportError(errors)
    if keep is not None and kept:
        pickle.dump(kept, keep, protocol=pickle.HIGHEST_PROTOCOL)
    return count


def kept_member_chunks(keep: BinaryIO) -> Iterator[list[ParsedRow]]:
    """The unsaved members ``validate_import_rows`` kept in ``keep``, ``KEEP_CHUNK`` at a time."""
    units = {u.code: u for u in Unit.objects.all()}
    keep.seek(0)
    while True:
        try:
            chunk = pickle.load(keep)  # written by validate_import_rows just before, never by anyone else
        except EOFError:
            return
        yield [
            ParsedRow(row=row, member=Member(unit=units[fields.pop("unit_code")], **fields))
            for row, fields in chunk
        ]


def _parsed_rows(rows: Iterable[dict]) -> Iterator[ParsedRow]:
    """Each member row checked; blank rows are skipped."""
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        raise MemberImportError([RowError(1, "", "ไฟล์ไม่มีข้อมูลสมาชิก")])
    header = [k for k in first if k != EXTRA_KEY]
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
    for index, row in enumerate(itertools.chain([first], rows)):
        if not _is_blank(row):
            yield _parse_row(row, row_number=index + 2, units=units, today=today)


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
        return ParsedRow(row=row_number, errors=errors)
    fields = {
        "number": values["number"],
        "title": values["title"],
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "first_name_en": values["first_name_en"],
        "last_name_en": values["last_name_en"],
        "national_id": values["national_id"],
        "birth_date": birth_date,
        "joined_on": joined_on,
        "member_type": values["member_type"],
        "unit_code": values["unit_code"].code,
        "salary": values["salary"],
        "phone": values["phone"],
        "email": values["email"],
        "address": values["address"],
        "bank_code": values["bank_code"],
        "bank_account_no": values["bank_account_no"],
        "status": status,
        "status_since": status_date or joined_on,
        "status_reason": values.get("status_reason", ""),
    }
    return ParsedRow(
        row=row_number, number=values["number"], national_id=values["national_id"], fields=fields
    )


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


def _duplicates_in_file(parsed: ParsedRow, first_row: dict[tuple[str, str], int]) -> list[RowError]:
    """The row's member number or national ID seen in an earlier row (which ``first_row`` records)."""
    errors = []
    for column, value in (("member_no", parsed.number), ("national_id", parsed.national_id)):
        key = (column, value)
        if key in first_row:
            label = COLUMNS_BY_NAME[column].label_th
            errors.append(RowError(parsed.row, column, f"{label} {value} ซ้ำกับแถวที่ {first_row[key]} ในไฟล์"))
        else:
            first_row[key] = parsed.row
    return errors


def _duplicates_in_database(parsed: list[ParsedRow]) -> list[RowError]:
    """The rows (at most ``LOOKUP_CHUNK``, all without errors) whose member is already in the system."""
    if not parsed:
        return []
    taken_numbers = set(
        Member.objects.filter(number__in=[p.number for p in parsed]).values_list("number", flat=True)
    )
    taken_ids = dict(
        Member.objects.filter(national_id__in=[p.national_id for p in parsed]).values_list(
            "national_id", "number"
        )
    )
    errors = []
    for p in parsed:
        if p.number in taken_numbers:
            errors.append(RowError(p.row, "member_no", f"เลขทะเบียนสมาชิก {p.number} มีอยู่แล้วในระบบ"))
        if p.national_id in taken_ids:
            errors.append(
                RowError(
                    p.row,
                    "national_id",
                    f"เลขประจำตัวประชาชนนี้เป็นของสมาชิกเลขทะเบียน {taken_ids[p.national_id]} ในระบบอยู่แล้ว",
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
