"""The shared report plumbing: PDFs with Sarabun embedded and no network, Excel with number cells."""

import datetime as dt
import io
import re
import zlib
from decimal import Decimal as D

import openpyxl
import pytest
from django.template import engines

from sahakorn.core import reports
from sahakorn.core.models import CoopProfile
from sahakorn.core.reports import DATE, INT, MONEY, TEXT, XlsxColumn, XlsxSheet

pytestmark = pytest.mark.django_db


def pdf_text_streams(data: bytes) -> bytes:
    """The PDF with its compressed streams inflated, so font names can be searched."""
    out = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    return b"".join(out)


def xlsx_open(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), data_only=True)


@pytest.fixture
def coop(db):
    return CoopProfile.objects.create(name_th="สหกรณ์ออมทรัพย์ทดสอบ จำกัด")


TEMPLATE = (
    '{% extends "core/report_base_pdf.html" %}{% block report %}'
    '<table class="report"><tr><td>นางสาวน้ำฝน ผู้ใหญ่ยิ่ง</td><td class="num">1,234.50</td></tr></table>'
    "{% endblock %}"
)


def test_pdf_response_is_a_pdf_with_the_sarabun_font_embedded(coop, monkeypatch):
    # given: a report template extending the base
    monkeypatch.setattr(
        "sahakorn.core.reports.render_to_string",
        lambda template, context: engines["django"].from_string(TEMPLATE).render(context),
    )

    # when
    response = reports.pdf_response(
        template="x.html", context={"report_title": "ทะเบียนหุ้น"}, filename="ทะเบียน.pdf"
    )

    # then
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Sarabun" in pdf_text_streams(response.content)
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_pdf_refuses_to_fetch_anything_from_the_network():
    fetcher = reports._local_only_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/logo.png")
    assert fetcher.fetch(reports.FONT_DIR.as_uri() + "/Sarabun-Regular.ttf") is not None


def test_pdf_header_names_the_coop_and_prints_the_be_date(coop):
    context = reports.pdf_context(title="ทะเบียนหุ้น", context={})
    assert context["coop"].name_th == "สหกรณ์ออมทรัพย์ทดสอบ จำกัด"
    assert str(context["printed_at"].year + 543) in context["printed_at_text"]
    assert context["font_dir_url"].startswith("file://")


def test_xlsx_has_number_cells_a_frozen_header_totals_and_be_dates(coop):
    # given
    columns = [
        XlsxColumn("number", "เลขทะเบียน", TEXT),
        XlsxColumn("on", "วันที่", DATE),
        XlsxColumn("shares", "หุ้น", INT, sum=True),
        XlsxColumn("amount", "บาท", MONEY, sum=True),
    ]
    rows = [
        {"number": "000001", "on": dt.date(2025, 2, 28), "shares": 180, "amount": D("1800.00")},
        {"number": "000004", "on": dt.date(2025, 2, 28), "shares": 110, "amount": D("1100.10")},
    ]
    sheet = XlsxSheet(
        name="ทะเบียน",
        title="ทะเบียนหุ้น",
        columns=columns,
        rows=iter(rows),
        totals={"shares": 290, "amount": D("2900.10")},
        notes=["✔ ตรงกับบัญชีคุม"],
    )

    # when
    response = reports.xlsx_response(filename="register.xlsx", sheets=[sheet])

    # then
    assert response["Content-Type"] == reports.XLSX_CONTENT_TYPE
    ws = xlsx_open(response).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert values[0][0] == "สหกรณ์ออมทรัพย์ทดสอบ จำกัด" and values[1][0] == "ทะเบียนหุ้น"
    header = values.index(["เลขทะเบียน", "วันที่", "หุ้น", "บาท"])
    assert ws.freeze_panes == f"A{header + 2}"
    first = values[header + 1]
    assert first == ["000001", "28/02/2568", 180, 1800]
    assert isinstance(first[2], int) and isinstance(first[3], (int, float))
    totals = values[header + 3]
    assert totals[0] == "รวมทั้งสิ้น" and totals[2] == 290 and totals[3] == pytest.approx(2900.10)
    assert ws.cell(row=header + 4, column=4).number_format == "#,##0.00"
    assert "✔ ตรงกับบัญชีคุม" in [row[0] for row in values]


def test_xlsx_group_subtotals_use_subtotal_formulas_that_the_grand_total_skips(coop, tmp_path):
    columns = [XlsxColumn("name", "ชื่อ"), XlsxColumn("amount", "บาท", MONEY, sum=True)]
    rows = [
        {"row_kind": "group", "row_label": "01 กองคลัง"},
        {"name": "ก", "amount": D("10.00")},
        {"row_kind": "subtotal", "row_label": "รวมหน่วย 01", "amount": D("10.00")},
        {"row_kind": "group", "row_label": "02 กองช่าง"},
        {"name": "ข", "amount": D("5.50")},
        {"row_kind": "subtotal", "row_label": "รวมหน่วย 02", "amount": D("5.50")},
    ]
    path = str(tmp_path / "g.xlsx")
    reports.xlsx_bytes_to_file(
        sheets=[XlsxSheet(name="s", title="t", columns=columns, rows=rows, totals={"amount": D("15.50")})],
        path=path,
    )
    ws = openpyxl.load_workbook(path).active
    formulas = [c.value for c in ws["B"] if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas[0].startswith("=SUBTOTAL(9,") and len(formulas) == 3
    cached = openpyxl.load_workbook(path, data_only=True).active
    assert [c.value for c in cached["B"] if isinstance(c.value, (int, float))][-1] == pytest.approx(15.5)


def test_one_report_object_serves_excel_with_its_totals_and_its_reconciliation(coop, rf):
    # given: a report declared once
    report = reports.Report(
        title="ทะเบียนหุ้น",
        filename="share-register-25691207",
        screen_template="unused.html",
        subtitle=["ณ วันที่ 7 ธันวาคม 2569"],
        rows=[{"number": "000001", "amount": D("1800.00")}, {"number": "000004", "amount": D("1100.10")}],
        totals={"amount": D("2900.10")},
        reconciliations=[reports.Reconciliation("ทุนเรือนหุ้นรวม", D("2900.10"), D("2900.10"))],
        columns=[XlsxColumn("number", "เลขทะเบียน", TEXT), XlsxColumn("amount", "บาท", MONEY, sum=True)],
        sheet_name="ทะเบียน",
    )

    # when
    response = reports.report_response(rf.get("/r", {"format": "xlsx"}), report)

    # then
    assert 'filename="share-register-25691207.xlsx"' in response["Content-Disposition"]
    ws = xlsx_open(response)["ทะเบียน"]
    values = [row for row in ws.iter_rows(values_only=True)]
    assert values[1][0] == "ทะเบียนหุ้น" and values[2][0] == "ณ วันที่ 7 ธันวาคม 2569"
    header = values.index(("เลขทะเบียน", "บาท"))
    assert values[header + 1] == ("000001", 1800) and values[header + 3][1] == pytest.approx(2900.10)
    assert "✔ ทุนเรือนหุ้นรวม 2,900.10 · บัญชีคุมในบัญชีแยกประเภท 2,900.10" in [row[0] for row in values]


def test_one_report_object_serves_the_pdf_with_its_export_rows(coop, rf, monkeypatch):
    seen = {}

    def render(template, context):
        seen.update(context)
        return engines["django"].from_string(TEMPLATE).render(context)

    monkeypatch.setattr("sahakorn.core.reports.render_to_string", render)
    report = reports.Report(
        title="ทะเบียนหุ้น",
        filename="share-register",
        screen_template="unused.html",
        pdf_template="shares/reports/register_pdf.html",
        rows=[{"number": "000001"}],
        export_rows=lambda: [{"row_kind": "group", "row_label": "สามัญ"}, {"number": "000001"}],
        context={"as_of": dt.date(2026, 12, 7)},
    )

    response = reports.report_response(rf.get("/r", {"format": "pdf"}), report)

    assert response.content.startswith(b"%PDF")
    assert 'filename="share-register.pdf"' in response["Content-Disposition"]
    assert list(seen["rows"]) == [{"row_kind": "group", "row_label": "สามัญ"}, {"number": "000001"}]
    assert seen["report_title"] == "ทะเบียนหุ้น" and seen["as_of"] == dt.date(2026, 12, 7)
