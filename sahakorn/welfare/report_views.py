"""Welfare report screens (รายงานสวัสดิการ): payments by scheme, on screen, PDF and Excel through ``core.reports``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from sahakorn.core.permissions import staff_view
from sahakorn.core.reports import (
    DATE,
    INT,
    MONEY,
    TEXT,
    Report,
    XlsxColumn,
    XlsxSheet,
    file_stamp,
    filters_of,
    report_query,
    report_response,
)
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.selectors import fiscal_year_span
from sahakorn.welfare.forms import PaymentsFilterForm
from sahakorn.welfare.reconcile import welfare_reconcile
from sahakorn.welfare.selectors import (
    welfare_payments_report,
)

# ======== Payments report (รายงานการจ่ายสวัสดิการ) ========

SCHEME_COLUMNS = [
    XlsxColumn("code", "รหัส", TEXT, 12),
    XlsxColumn("name", "สวัสดิการ", TEXT, 34),
    XlsxColumn("fund", "จ่ายจากทุน", TEXT, 24),
    XlsxColumn("paid_count", "จ่าย (ราย)", INT, 10, sum=True),
    XlsxColumn("paid_amount", "จ่าย (บาท)", MONEY, 16, sum=True),
    XlsxColumn("reversed_count", "กลับรายการ (ราย)", INT, 12, sum=True),
    XlsxColumn("reversed_amount", "กลับรายการ (บาท)", MONEY, 16, sum=True),
    XlsxColumn("net_amount", "สุทธิ (บาท)", MONEY, 16, sum=True),
]
DETAIL_COLUMNS = [
    XlsxColumn("date", "วันที่", DATE, 12),
    XlsxColumn("kind", "รายการ", TEXT, 11),
    XlsxColumn("claim_id", "คำขอเลขที่", INT, 10),
    XlsxColumn("scheme", "สวัสดิการ", TEXT, 34),
    XlsxColumn("number", "เลขทะเบียน", TEXT, 11),
    XlsxColumn("name", "ชื่อ-สกุล", TEXT, 28),
    XlsxColumn("beneficiary", "ผู้รับประโยชน์", TEXT, 24),
    XlsxColumn("method", "วิธีจ่าย", TEXT, 18),
    XlsxColumn("amount", "จำนวนเงิน (บาท)", MONEY, 16, sum=True),
    XlsxColumn("voucher", "ใบสำคัญ", TEXT, 16),
]


@staff_view("welfare.view_welfareclaim")
def report_payments(request: HttpRequest) -> HttpResponse:
    """Payments by scheme for a date range (default: this fiscal year so far): screen, PDF and XLSX."""
    start, end = fiscal_year_span(on=timezone.localdate())
    form = PaymentsFilterForm(request.GET or None, initial={"start": start, "end": end})
    filters = filters_of(form)
    start, end = filters.get("start", start), filters.get("end", end)
    report = welfare_payments_report(start=start, end=end)
    recon = welfare_reconcile()
    title = "รายงานการจ่ายสวัสดิการตามประเภท"
    subtitle = [f"วันที่จ่าย {format_be_date(start, 'long')} ถึง {format_be_date(end, 'long')}"]

    def sheets() -> list[XlsxSheet]:
        return [
            XlsxSheet(
                name="สรุปตามประเภท",
                title=title,
                subtitle=subtitle,
                columns=SCHEME_COLUMNS,
                rows=[s.as_row() for s in report.schemes],
                totals=report.totals,
                notes=[f"{label}: {figure}" for label, figure in recon.lines],
            ),
            XlsxSheet(
                name="รายการจ่าย",
                title="รายการจ่ายสวัสดิการ",
                subtitle=subtitle,
                columns=DETAIL_COLUMNS,
                rows=report.details,
                totals={"amount": report.totals["net_amount"]},
                landscape=True,
            ),
        ]

    return report_response(
        request,
        Report(
            title=title,
            filename=f"welfare-payments-{file_stamp(start)}-{file_stamp(end)}",
            screen_template="welfare/report_payments.html",
            pdf_template="welfare/report_payments_pdf.html",
            subtitle=subtitle,
            form=form,
            totals=report.totals,
            sheets=sheets,
            landscape=True,
            context={
                "report": report,
                "recon": recon,
                # The PDF and Excel buttons carry the dates shown, the default ones too.
                "query": report_query(request)
                or f"start={format_be_date(start, 'numeric')}&end={format_be_date(end, 'numeric')}",
            },
        ),
    )
