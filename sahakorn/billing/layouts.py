"""File layouts for the units' deduction files (รูปแบบแฟ้มรายการหักเงินเดือน), as data.

No Thai employer publishes one standard (BANKFILES.md §10): each unit's payroll system has its own
file, so a layout is data the coop can add without code — a JSON spec (``FileLayout.spec``) that says
the file's format and, for each record, its fields:

    {"format": "fixed", "encoding": "cp874", "line_end": "crlf",
     "header": [{"source": "const", "value": "H"}, {"source": "unit_code", "width": 8}, …],
     "detail": [{"source": "member_number", "width": 8}, {"source": "amount", "width": 10,
                 "amount": "point"}, …],
     "trailer": [{"source": "const", "value": "T"}, {"source": "count", "width": 5}, …],
     "deducted": {"source": "deducted", "width": 10, "amount": "point"}}

- ``format``: ``fixed`` (fixed width), ``csv`` or ``xlsx``; fixed-width files are ``cp874`` with CRLF by
  default and every record is checked against its declared length, byte for byte (one Thai character
  is one byte in cp874; a character outside cp874 is refused by name, never dropped).
- a field's ``source`` comes from a fixed vocabulary (``SOURCES``), never an expression; ``width`` is in
  bytes; text is left-aligned and space-padded, numbers right-aligned and zero-padded (``align`` and
  ``pad`` override); a value longer than its width is refused (a name is cut only with ``"cut": true``).
- amounts: ``"amount": "satang"`` (an integer of satang, the default for fixed width), ``"point"``
  (with a decimal point, e.g. ``0001000.00``) or ``"baht"`` (csv/xlsx: ``1000.00``).
- dates: ``"date": "%d%m%Y"`` (any strftime pattern over the C.E. date) with ``"era": "be"`` to write the
  Buddhist-era year (``%Y`` → 2569, ``%y`` → 69).
- ``deducted``: the field the unit fills in when it sends the file back (the round trip of BANKFILES.md
  §10.2: the same detail record followed by the amount actually deducted). csv/xlsx name it by
  ``"column"``.

``render`` writes a unit's file from its rows; ``parse`` reads the returned file into
(row number, member number, deducted) with a message naming the row and field for anything malformed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sahakorn.billing.errors import BillingError

SOURCES = {
    # header and trailer
    "const": "ค่าคงที่ (value)",
    "unit_code": "รหัสหน่วย",
    "unit_name": "ชื่อหน่วย",
    "coop_name": "ชื่อสหกรณ์",
    "period": "งวด (วันที่ 1 ของเดือน ใช้กับ date)",
    "processing_date": "วันประมวลผล",
    "send_date": "วันส่งรายการ",
    "pay_date": "วันจ่ายเงินเดือน",
    "count": "จำนวนรายการ",
    "total": "ยอดรวม",
    "filler": "ช่องว่าง",
    "record_no": "ลำดับระเบียนในแฟ้ม (ส่วนหัว = 1)",
    # the coop's collecting account, for a bank's direct-debit file (BankDebitAccount)
    "coop_bank_code": "รหัสธนาคารของสหกรณ์",
    "coop_account": "เลขที่บัญชีของสหกรณ์",
    "company_name": "ชื่อบริษัทในแฟ้มธนาคาร",
    "service_code": "รหัสบริการของธนาคาร",
    # detail
    "seq": "ลำดับที่",
    "member_number": "เลขทะเบียนสมาชิก",
    "national_id": "เลขประจำตัวประชาชน",
    "title": "คำนำหน้า",
    "first_name": "ชื่อ",
    "last_name": "นามสกุล",
    "title_first_name": "คำนำหน้าและชื่อ",
    "full_name": "ชื่อ-สกุล",
    "amount": "ยอดเรียกเก็บ",
    "deducted": "ยอดที่หักได้ (หน่วยกรอกส่งคืน)",
    "bank_code": "รหัสธนาคาร",
    "bank_account": "เลขที่บัญชีธนาคาร",
    "member_reference": "เลขทะเบียนสมาชิก ชื่อ-สกุล (อ้างอิงในแฟ้มธนาคาร)",
}
RECORDS = ("header", "detail", "trailer")
NUMERIC = {"seq", "count", "total", "amount", "deducted", "record_no"}
LINE_ENDS = {"crlf": "\r\n", "lf": "\n"}


@dataclass(frozen=True)
class FieldSpec:
    source: str
    width: int | None = None
    value: str = ""
    column: str = ""
    amount: str = ""
    date: str = ""
    era: str = "ce"
    align: str = ""
    pad: str = ""
    cut: bool = False

    @property
    def title(self) -> str:
        return self.column or SOURCES.get(self.source, self.source)


@dataclass(frozen=True)
class Layout:
    """A parsed, checked layout; build it with ``layout_from_spec``."""

    code: str
    format: str
    encoding: str
    line_end: str
    header: tuple[FieldSpec, ...]
    detail: tuple[FieldSpec, ...]
    trailer: tuple[FieldSpec, ...]
    deducted: FieldSpec | None

    def record_length(self, record: str) -> int:
        return sum(field.width or 0 for field in getattr(self, record))


def _field(raw: Any, *, where: str, fixed: bool) -> FieldSpec:
    if not isinstance(raw, dict):
        raise BillingError(f"{where}: ต้องเป็น object")
    unknown = set(raw) - set(FieldSpec.__dataclass_fields__)
    if unknown:
        raise BillingError(f"{where}: ไม่รู้จัก {', '.join(sorted(unknown))}")
    source = raw.get("source")
    if source not in SOURCES:
        raise BillingError(f"{where}: ไม่รู้จักแหล่งข้อมูล “{source}” (ใช้ได้: {', '.join(SOURCES)})")
    field = FieldSpec(**raw)
    if source == "const" and not isinstance(field.value, str):
        raise BillingError(f"{where}: value ต้องเป็นข้อความ")
    width = field.width
    if source == "const" and width is None:
        field = FieldSpec(**{**raw, "width": len(field.value.encode("cp874", errors="replace"))})
        width = field.width
    if fixed and (not isinstance(width, int) or isinstance(width, bool) or width <= 0):
        raise BillingError(f"{where}: แฟ้มความกว้างคงที่ต้องกำหนด width เป็นจำนวนเต็มบวก")
    if field.amount not in ("", "satang", "point", "baht"):
        raise BillingError(f"{where}: amount ต้องเป็น satang, point หรือ baht")
    if field.era not in ("ce", "be"):
        raise BillingError(f"{where}: era ต้องเป็น ce หรือ be")
    if field.align not in ("", "left", "right"):
        raise BillingError(f"{where}: align ต้องเป็น left หรือ right")
    if len(field.pad) > 1:
        raise BillingError(f"{where}: pad ต้องเป็นอักขระเดียว")
    return field


def layout_from_spec(code: str, spec: Any) -> Layout:
    """Check a layout spec (a parsed JSON object) and build it; a message names what is wrong."""
    if not isinstance(spec, dict):
        raise BillingError(f"รูปแบบแฟ้ม {code}: ต้องเป็น JSON object")
    fmt = spec.get("format")
    if fmt not in ("fixed", "csv", "xlsx"):
        raise BillingError(f"รูปแบบแฟ้ม {code}: format ต้องเป็น fixed, csv หรือ xlsx")
    fixed = fmt == "fixed"
    encoding = spec.get("encoding", "cp874" if fixed else "utf-8-sig")
    try:
        "ก".encode(encoding)
    except (LookupError, UnicodeEncodeError, TypeError):
        raise BillingError(f"รูปแบบแฟ้ม {code}: encoding “{encoding}” ใช้ไม่ได้ (เช่น cp874, utf-8-sig)") from None
    line_end = spec.get("line_end", "crlf")
    if line_end not in LINE_ENDS:
        raise BillingError(f"รูปแบบแฟ้ม {code}: line_end ต้องเป็น crlf หรือ lf")
    records = {}
    for record in RECORDS:
        raw = spec.get(record, [])
        if not isinstance(raw, list):
            raise BillingError(f"รูปแบบแฟ้ม {code}: {record} ต้องเป็นรายการของช่องข้อมูล")
        records[record] = tuple(
            _field(item, where=f"รูปแบบแฟ้ม {code} {record} ช่องที่ {n}", fixed=fixed)
            for n, item in enumerate(raw, 1)
        )
    if not records["detail"]:
        raise BillingError(f"รูปแบบแฟ้ม {code}: ต้องมี detail อย่างน้อยหนึ่งช่อง")
    deducted = spec.get("deducted")
    deducted_field = (
        _field(deducted, where=f"รูปแบบแฟ้ม {code} deducted", fixed=fixed) if deducted is not None else None
    )
    sources = {field.source for field in records["detail"]}
    # A file the unit sends back is matched by member number; a bank's file names the member in a
    # reference (number and name) and is never read back in its own layout.
    if "member_number" not in sources and (deducted_field is not None or "member_reference" not in sources):
        raise BillingError(f"รูปแบบแฟ้ม {code}: detail ต้องมีช่อง member_number")
    if fixed and (records["header"] or records["trailer"]):
        # With a header or trailer, each record starts with a constant that tells them apart.
        for record in RECORDS:
            fields = records[record]
            if fields and fields[0].source != "const":
                raise BillingError(f"รูปแบบแฟ้ม {code}: {record} ต้องขึ้นต้นด้วยค่าคงที่ (เช่น H, D, T)")
    return Layout(
        code=code,
        format=fmt,
        encoding=encoding,
        line_end=LINE_ENDS[line_end],
        header=records["header"],
        detail=records["detail"],
        trailer=records["trailer"],
        deducted=deducted_field,
    )


# ======== Writing ========


def _amount_text(value: Decimal, field: FieldSpec, *, fixed: bool) -> str:
    style = field.amount or ("satang" if fixed else "baht")
    if style == "satang":
        return str(int((value * 100).to_integral_value()))
    return f"{value:.2f}"


def _date_text(value: dt.date, field: FieldSpec) -> str:
    pattern = field.date or "%Y-%m-%d"
    if field.era == "be":
        pattern = pattern.replace("%Y", str(value.year + 543)).replace(
            "%y", f"{(value.year + 543) % 100:02d}"
        )
    return value.strftime(pattern)


def _text(value: Any, field: FieldSpec, *, fixed: bool) -> str:
    if field.source == "const":
        return field.value
    if field.source == "filler" or value is None:
        return ""
    if isinstance(value, Decimal):
        return _amount_text(value, field, fixed=fixed)
    if isinstance(value, dt.date):
        return _date_text(value, field)
    return str(value)


def _fixed_cell(text: str, field: FieldSpec, *, encoding: str, where: str) -> bytes:
    width = field.width or 0
    try:
        raw = text.encode(encoding)
    except UnicodeEncodeError as e:
        bad = text[e.start : e.end]
        raise BillingError(
            f"{where} ช่อง {field.title}: อักขระ “{bad}” ใช้ใน {encoding} ไม่ได้ ({text})"
        ) from None
    if len(raw) > width:
        if not field.cut:
            raise BillingError(f"{where} ช่อง {field.title}: “{text}” ยาว {len(raw)} ไบต์ เกินความกว้าง {width}")
        raw = raw[:width]
    numeric = field.source in NUMERIC
    align = field.align or ("right" if numeric else "left")
    pad = (field.pad or ("0" if numeric else " ")).encode(encoding)
    return raw.rjust(width, pad) if align == "right" else raw.ljust(width, pad)


def render(layout: Layout, *, header: dict, rows: Sequence[dict], trailer: dict) -> bytes:
    """The unit's file: the header, one detail record per row, the trailer (values by source name)."""
    if layout.format == "xlsx":
        return _render_xlsx(layout, rows)
    if layout.format == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator=layout.line_end)
        writer.writerow([field.title for field in layout.detail])
        for row in rows:
            writer.writerow([_text(row.get(field.source), field, fixed=False) for field in layout.detail])
        return out.getvalue().encode(layout.encoding)
    lines: list[bytes] = []
    plan = [("header", header)] if layout.header else []
    plan += [("detail", row) for row in rows]
    plan += [("trailer", trailer)] if layout.trailer else []
    for n, (record, values) in enumerate(plan, 1):
        where = f"แฟ้ม {layout.code} บรรทัดที่ {n} ({record})"
        values = {"record_no": n, **values}
        fields = getattr(layout, record)
        line = b"".join(
            _fixed_cell(_text(values.get(f.source), f, fixed=True), f, encoding=layout.encoding, where=where)
            for f in fields
        )
        if len(line) != layout.record_length(record):  # pragma: no cover - each cell is padded to its width
            raise BillingError(f"{where}: ยาว {len(line)} ไบต์ ไม่เท่ากับ {layout.record_length(record)}")
        lines.append(line)
    end = layout.line_end.encode("ascii")
    return b"".join(line + end for line in lines)


def _render_xlsx(layout: Layout, rows: Sequence[dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("รายการหักเงินเดือน")
    sheet.append([field.title for field in layout.detail])
    for row in rows:
        cells = []
        for field in layout.detail:
            value = field.value if field.source == "const" else row.get(field.source)
            if isinstance(value, Decimal):
                value = float(value) if field.amount == "baht" or not field.amount else _amount_text(value, field,
                                                                                                    fixed=False)  # fmt: skip
            cells.append(value)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ======== Reading what the unit sends back ========


@dataclass(frozen=True)
class Deduction:
    """One detail record of a returned file: its row (1-based, as the officer counts lines), the
    member number, and what the unit deducted."""

    row: int
    member_number: str
    deducted: Decimal


_POINT_RE = re.compile(r"^\d{1,13}(\.\d{1,2})?$")
# A member number Excel turned into a number (000123 → 123) is padded back to this width.
MEMBER_NUMBER_WIDTH = 6


def _amount(value: Any, field: FieldSpec, *, fixed: bool, row: int, title: str) -> Decimal:
    """An amount cell: fixed width in satang or with a point (exactly as the layout says); csv/xlsx as
    a person or Excel writes it, read by the one money parser (``1,000.50`` yes, ``1,00,0`` no)."""
    from sahakorn.core.money import MoneyInputError, parse_money_text

    def refuse(reason: str) -> BillingError:
        return BillingError(f"แถวที่ {row} ช่อง {title}: “{value}” {reason}", row=row, field=title)

    if isinstance(value, float | int) and not isinstance(value, bool):
        # Excel keeps numbers as binary floats: 0.8 may come back as 0.7999999999999999.
        exact = Decimal(repr(value))
        rounded = exact.quantize(Decimal("0.01"))
        if abs(exact - rounded) > Decimal("0.000000001") or rounded < 0:
            raise refuse("ต้องเป็นจำนวนเงินทศนิยมไม่เกิน 2 ตำแหน่ง")
        return rounded
    text = str(value or "").strip()
    style = field.amount or ("satang" if fixed else "baht")
    if style == "satang":
        if not text.isdigit():
            raise refuse("ต้องเป็นตัวเลขจำนวนสตางค์")
        return (Decimal(int(text)) / 100).quantize(Decimal("0.01"))
    if fixed:
        if not _POINT_RE.match(text):
            raise refuse("ต้องเป็นจำนวนเงินทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 1000.00")
        return Decimal(text).quantize(Decimal("0.01"))
    try:
        return parse_money_text(text)
    except MoneyInputError as e:
        raise refuse(f"ต้องเป็นจำนวนเงินทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 1000.00 ({e})") from None


def _member_number(value: Any) -> str:
    if isinstance(value, float | int) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value)).zfill(MEMBER_NUMBER_WIDTH)
    return str(value or "").strip()


def parse(layout: Layout, data: bytes, *, expect: dict | None = None) -> list[Deduction]:
    """The deductions a returned file reports; the whole file is refused on the first bad row.

    ``expect``: what the header and trailer must say (unit code, period; the trailer's count and
    total are checked against the details read) for a fixed-width file that carries them.
    """
    if layout.deducted is None:
        raise BillingError(f"รูปแบบแฟ้ม {layout.code} ไม่มีช่องยอดที่หักได้ (deducted) นำเข้าไม่ได้")
    if layout.format == "fixed":
        found = _parse_fixed(layout, data, expect=expect or {})
    else:
        table = _csv_rows(layout, data) if layout.format == "csv" else _xlsx_rows(data)
        found = _parse_table(layout, table)
    if not found:
        raise BillingError("แฟ้มไม่มีรายการสมาชิกเลย: ตรวจว่าเลือกแฟ้มและรูปแบบแฟ้มถูกต้อง")
    return found


def _csv_rows(layout: Layout, data: bytes) -> list[list[str]]:
    # Thai Excel saves "CSV" in cp874: tried after the layout's own encoding.
    for encoding in dict.fromkeys((layout.encoding, "cp874")):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BillingError(f"แฟ้มไม่ใช่ข้อความ {layout.encoding}: ตรวจว่าเลือกแฟ้มและรูปแบบแฟ้มถูกต้อง")
    if "\x00" in text:
        raise BillingError("แฟ้มมีข้อมูลไบนารี (NUL) ไม่ใช่แฟ้ม CSV")
    rows: list[list[str]] = []
    reader = csv.reader(io.StringIO(text))
    try:
        for cells in reader:
            rows.append(cells)
    except csv.Error as e:
        raise BillingError(f"แถวที่ {reader.line_num}: อ่านเป็น CSV ไม่ได้ ({e})", row=reader.line_num) from None
    return rows


def _fixed_fields(line: bytes, fields: tuple[FieldSpec, ...], encoding: str, *, row: int) -> dict[str, str]:
    cells, at = {}, 0
    try:
        for field in fields:
            cells[field.source] = line[at : at + (field.width or 0)].decode(encoding)
            at += field.width or 0
    except UnicodeDecodeError:
        raise BillingError(f"แถวที่ {row}: มีอักขระที่ไม่ใช่ {encoding}", row=row) from None
    return cells


def _parse_fixed(layout: Layout, data: bytes, *, expect: dict) -> list[Deduction]:
    end = layout.line_end.encode("ascii")
    lines = data.split(end)
    if lines and lines[-1] == b"":
        lines.pop()

    def tag(record: str) -> bytes | None:
        fields = getattr(layout, record)
        return fields[0].value.encode(layout.encoding) if fields and fields[0].source == "const" else None

    header_tag, detail_tag, trailer_tag = tag("header"), tag("detail"), tag("trailer")
    expected = layout.record_length("detail") + (layout.deducted.width or 0)
    found: list[Deduction] = []
    trailer: dict[str, str] | None = None
    for n, line in enumerate(lines, 1):
        if header_tag is not None and n == 1 and line.startswith(header_tag):
            header = _fixed_fields(line, layout.header, layout.encoding, row=n)
            _check_header(layout, header, expect, row=n)
            continue
        if (
            trailer_tag is not None
            and line.startswith(trailer_tag)
            and not line.startswith(detail_tag or b"\0")
        ):
            trailer = _fixed_fields(line, layout.trailer, layout.encoding, row=n)
            continue
        if detail_tag is not None and not line.startswith(detail_tag):
            raise BillingError(f"แถวที่ {n}: ไม่ใช่รายการของรูปแบบแฟ้ม {layout.code} ({line[:20]!r})", row=n)
        if len(line) != expected:
            raise BillingError(
                f"แถวที่ {n}: ยาว {len(line)} ไบต์ ต้องยาว {expected} ไบต์ (รายการ {layout.record_length('detail')} "
                f"+ ยอดที่หักได้ {layout.deducted.width})",
                row=n,
            )
        cells = _fixed_fields(line, layout.detail, layout.encoding, row=n)
        try:
            deducted_text = line[layout.record_length("detail") :].decode(layout.encoding)
        except UnicodeDecodeError:
            raise BillingError(f"แถวที่ {n}: มีอักขระที่ไม่ใช่ {layout.encoding}", row=n) from None
        number = cells["member_number"].strip()
        if not number:
            raise BillingError(f"แถวที่ {n} ช่อง เลขทะเบียนสมาชิก: ว่าง", row=n, field="member_number")
        found.append(
            Deduction(n, number, _amount(deducted_text, layout.deducted, fixed=True, row=n, title="ยอดที่หักได้"))
        )
    if trailer is not None:
        _check_trailer(layout, trailer, found, row=len(lines))
    return found


def _check_header(layout: Layout, header: dict[str, str], expect: dict, *, row: int) -> None:
    fields = {field.source: field for field in layout.header}
    if (
        "unit_code" in header
        and expect.get("unit_code")
        and header["unit_code"].strip() != expect["unit_code"]
    ):
        raise BillingError(
            f"แถวที่ {row} (ส่วนหัว): แฟ้มของหน่วย “{header['unit_code'].strip()}” ไม่ใช่หน่วย {expect['unit_code']}",
            row=row,
        )
    if "period" in header and expect.get("period"):
        wanted = _date_text(expect["period"], fields["period"])
        if header["period"].strip() != wanted:
            raise BillingError(
                f"แถวที่ {row} (ส่วนหัว): แฟ้มของงวด “{header['period'].strip()}” ไม่ใช่งวด {wanted}", row=row
            )


def _check_trailer(layout: Layout, trailer: dict[str, str], found: list[Deduction], *, row: int) -> None:
    fields = {field.source: field for field in layout.trailer}
    if "count" in trailer and trailer["count"].strip().isdigit() and int(trailer["count"]) != len(found):
        raise BillingError(
            f"แถวที่ {row} (ส่วนท้าย): จำนวนรายการ {int(trailer['count'])} ไม่เท่ากับรายการในแฟ้ม {len(found)}",
            row=row,
        )
    if "total" in trailer:
        # The trailer totals what was billed (the file as sent); the deducted amounts are checked
        # against the unit's remittance instead.
        _amount(trailer["total"], fields["total"], fixed=True, row=row, title="ยอดรวม")


def _parse_table(layout: Layout, table: list[list[Any]]) -> list[Deduction]:
    if not table:
        raise BillingError("แฟ้มว่าง")
    heading = [str(cell or "").strip() for cell in table[0]]
    member_title = next(field.title for field in layout.detail if field.source == "member_number")
    deducted_title = layout.deducted.title if layout.deducted else ""
    for title in (member_title, deducted_title):
        if title not in heading:
            raise BillingError(f"แถวที่ 1: ไม่พบคอลัมน์ “{title}” (หัวคอลัมน์: {', '.join(heading)})", row=1)
    member_at, deducted_at = heading.index(member_title), heading.index(deducted_title)
    found = []
    for n, cells in enumerate(table[1:], 2):
        if not any(str(cell if cell is not None else "").strip() for cell in cells):
            continue
        number = _member_number(cells[member_at] if member_at < len(cells) else "")
        if not number:
            raise BillingError(f"แถวที่ {n} ช่อง {member_title}: ว่าง", row=n, field="member_number")
        value = cells[deducted_at] if deducted_at < len(cells) else ""
        found.append(
            Deduction(n, number, _amount(value, layout.deducted, fixed=False, row=n, title=deducted_title))
        )
    return found


def _xlsx_rows(data: bytes) -> list[list[Any]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        # Read-only workbooks parse rows lazily: a damaged sheet fails here, not at load.
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    except (BadZipFile, KeyError, ValueError, OSError, IndexError, SyntaxError):
        # xml ParseError is a SyntaxError
        raise BillingError("แฟ้มไม่ใช่ Excel (.xlsx) ที่อ่านได้") from None
