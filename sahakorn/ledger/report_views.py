"""The ledger's report screens, each a ``core.reports.Report`` served by ``report_response`` (screen
paged, ``?format=pdf``, ``?format=xlsx``); the figures are in ``ledger.reports``.
"""

from __future__ import annotations

from django import forms
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, DateRangeMixin
from sahakorn.core.permissions import staff_view
from sahakorn.core.reports import DATE, INT, TEXT, Report, XlsxColumn, file_stamp, filters_of, report_response
from sahakorn.core.thai import format_be_date
from sahakorn.ledger import reports
from sahakorn.ledger.models import EntrySource, FiscalYear

BACKDATED_PAGE_SIZE = 100


class BackdatedFilterForm(DateRangeMixin, forms.Form):
    fiscal_year = forms.ModelChoiceField(
        label=_("ปีบัญชี"), required=False, queryset=FiscalYear.objects.order_by("-year_be"),
        empty_label=_("ทุกปีบัญชี"),
    )  # fmt: skip
    start = BEDateField(label=_("ลงวันที่ตั้งแต่"), required=False)
    end = BEDateField(label=_("ถึงวันที่"), required=False)
    source = forms.ChoiceField(
        label=_("ที่มา"), required=False, choices=[("", _("ทุกสมุด")), *EntrySource.choices]
    )


BACKDATED_COLUMNS = [
    XlsxColumn("voucher", "เลขที่ใบสำคัญ", TEXT, 16),
    XlsxColumn("date", "ลงวันที่", DATE, 12),
    XlsxColumn("posted_on", "ผ่านรายการเมื่อ", DATE, 12),
    XlsxColumn("days_back", "ย้อนหลัง (วัน)", INT, 10),
    XlsxColumn("source", "ที่มา", TEXT, 18),
    XlsxColumn("description", "คำอธิบาย", TEXT, 50),
    XlsxColumn("posted_by", "ผู้ผ่านรายการ", TEXT, 20),
]


def _backdated_subtitle(f: dict, count: int) -> list[str]:
    span = (
        f"ลงวันที่ {format_be_date(f['start']) if f.get('start') else 'ตั้งแต่แรก'}"
        f" ถึง {format_be_date(f['end']) if f.get('end') else 'ปัจจุบัน'}"
    )
    parts = [str(f["fiscal_year"])] if f.get("fiscal_year") else []
    parts.append(span)
    if f.get("source"):
        parts.append(str(EntrySource(f["source"]).label))
    parts.append(f"{count:,} ฉบับ")
    return [" · ".join(parts)]


@staff_view("ledger.view_journalentry")
def report_backdated(request: HttpRequest) -> HttpResponse | FileResponse:
    """ใบสำคัญลงวันที่ย้อนหลัง: every posted voucher dated before the day it was posted (the audit of back-dating)."""
    form = BackdatedFilterForm(request.GET or None)
    f = filters_of(form)
    entries = reports.backdated_vouchers(
        fiscal_year=f.get("fiscal_year"),
        start=f.get("start"),
        end=f.get("end"),
        source=f.get("source") or None,
    )
    count = entries.count()
    return report_response(
        request,
        Report(
            title="รายงานใบสำคัญลงวันที่ย้อนหลัง",
            filename=f"backdated-vouchers-{file_stamp()}",
            screen_template="ledger/reports/backdated.html",
            pdf_template="ledger/reports/backdated_pdf.html",
            subtitle=_backdated_subtitle(f, count),
            form=form,
            rows=entries,
            page_size=BACKDATED_PAGE_SIZE,
            page_map=lambda page: list(reports.backdated_rows(page)),
            columns=BACKDATED_COLUMNS,
            sheet_name="ใบสำคัญย้อนหลัง",
            export_rows=lambda: reports.backdated_rows(entries.iterator(chunk_size=2000)),
            landscape=True,
            context={"count": count},
        ),
    )
