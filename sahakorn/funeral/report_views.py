"""Funeral association report screens (รายงานสมาคม): the dues called, collected and outstanding per levy."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from sahakorn.core.permissions import staff_view
from sahakorn.core.reports import (
    DATE,
    INT,
    MONEY,
    TEXT,
    Report,
    XlsxColumn,
    file_stamp,
    report_response,
)
from sahakorn.core.thai import format_be_date
from sahakorn.funeral import selectors
from sahakorn.funeral.models import FuneralLevy

# ======== Dues report (รายงานการเรียกเก็บเงินสงเคราะห์) ========

DUES_COLUMNS = [
    XlsxColumn("levied_on", "วันที่เรียกเก็บ", DATE, 13),
    XlsxColumn("kind", "ประเภท", TEXT, 18),
    XlsxColumn("deceased", "ศพ", TEXT, 30),
    XlsxColumn("amount_per_member", "ต่อคน (บาท)", MONEY, 11),
    XlsxColumn("members_called", "เรียกเก็บ (ราย)", INT, 11, sum=True),
    XlsxColumn("called_amount", "ยอดเรียกเก็บ", MONEY, 14, sum=True),
    XlsxColumn("collected_count", "ชำระแล้ว (ราย)", INT, 11, sum=True),
    XlsxColumn("collected_amount", "ยอดชำระแล้ว", MONEY, 14, sum=True),
    XlsxColumn("outstanding_count", "ค้างชำระ (ราย)", INT, 11, sum=True),
    XlsxColumn("outstanding_amount", "ยอดค้างชำระ", MONEY, 14, sum=True),
]


def _deceased(levy: FuneralLevy) -> str:
    if levy.claim_id is None:
        return ""
    member = levy.claim.membership.member
    return f"{levy.claim.membership.number} {member.full_name}"


@staff_view("funeral.view_funerallevy")
def report_dues(request: HttpRequest) -> HttpResponse:
    """Every levy with members called, collected and outstanding: screen, PDF and XLSX."""
    report = selectors.dues_report()

    def xlsx_rows():
        return (
            {"levied_on": r.levy.levied_on, "kind": r.levy.get_kind_display(), "deceased": _deceased(r.levy),
             "amount_per_member": r.levy.amount_per_member, "members_called": r.members_called,
             "called_amount": r.called_amount, "collected_count": r.collected_count,
             "collected_amount": r.collected_amount, "outstanding_count": r.outstanding_count,
             "outstanding_amount": r.outstanding_amount}
            for r in report.rows
        )  # fmt: skip

    return report_response(
        request,
        Report(
            title="รายงานการเรียกเก็บเงินสงเคราะห์ศพ",
            filename=f"funeral-dues-{file_stamp()}",
            screen_template="funeral/report_dues.html",
            pdf_template="funeral/report_dues_pdf.html",
            subtitle=[f"ณ วันที่ {format_be_date(timezone.localdate())}"],
            rows=report.rows,
            totals=report.totals,
            columns=DUES_COLUMNS,
            sheet_name="เงินสงเคราะห์",
            xlsx_rows=xlsx_rows,
            landscape=True,
            context={"report": report, "back": reverse("funeral:levies")},
        ),
    )
