"""Loan report screens (รายงานเงินกู้): the register by product, arrears, guarantor obligations, interest.

Each view builds its figures (``loans.reports``) and declares one ``core.reports.Report``;
``report_response`` serves it on screen (paged where it can be long), as ``?format=pdf`` and as
``?format=xlsx`` from the same figures. The access rule comes from ``core`` like every report's.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, IntegerFormField
from sahakorn.core.permissions import staff_view
from sahakorn.core.reports import (
    DATE,
    DECIMAL,
    INT,
    MONEY,
    TEXT,
    Report,
    XlsxColumn,
    XlsxSheet,
    file_stamp,
    filters_of,
    report_response,
)
from sahakorn.core.thai import MONTHS_TH_SHORT, be_year, ce_year, format_be_date
from sahakorn.ledger.selectors import fiscal_year_span
from sahakorn.loans import reports
from sahakorn.loans.models import ContractStatus, LoanProduct
from sahakorn.members.forms import MemberNumberField, UnitChoiceField
from sahakorn.members.models import Unit

REGISTER_PAGE_SIZE = 100
ARREARS_PAGE_SIZE = 100
GUARANTOR_PAGE_SIZE = 50


# ======== Filter forms (the screens' filter bars; dates are B.E.) ========


def _product_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("ประเภทเงินกู้"),
        required=False,
        queryset=LoanProduct.objects.order_by("code"),
        empty_label=_("ทุกประเภท"),
    )


REGISTER_STATUSES = [
    (ContractStatus.ACTIVE, _("สัญญาที่ยังไม่ปิด")),
    (ContractStatus.CLOSED, _("ปิดสัญญาแล้ว")),
    (reports.ALL, _("ทั้งหมด")),
]


class RegisterFilterForm(forms.Form):
    product = _product_field()
    status = forms.ChoiceField(label=_("สถานะสัญญา"), required=False, choices=REGISTER_STATUSES)
    as_of = BEDateField(label=_("ณ วันที่"), required=False, help_text=_("เว้นว่าง = ยอดปัจจุบัน"))
    unit = UnitChoiceField(
        label=_("หน่วยสังกัด"), required=False, queryset=Unit.objects.order_by("path"), empty_label=_("ทุกหน่วย")
    )


class ArrearsFilterForm(forms.Form):
    as_of = BEDateField(label=_("ณ วันที่"), required=False, help_text=_("เว้นว่าง = วันนี้"))
    product = _product_field()
    min_missed = IntegerFormField(
        label=_("ขาดชำระในปีบัญชีอย่างน้อย (งวด)"), required=False, min_value=0, max_value=999
    )


class GuarantorFilterForm(forms.Form):
    member = MemberNumberField(label=_("เลขทะเบียนผู้ค้ำ"), required=False, help_text=_("เว้นว่าง = ทุกคน"))
    flagged = forms.BooleanField(label=_("เฉพาะผู้ที่ค้ำครบหรือเกินเกณฑ์"), required=False)


class FiscalYearForm(forms.Form):
    year = IntegerFormField(label=_("ปีบัญชี (พ.ศ.)"), min_value=2400, max_value=2700)


# ======== (1) Loan register by product ========

REGISTER_COLUMNS = [
    XlsxColumn("number", "เลขที่สัญญา", TEXT, 16),
    XlsxColumn("member_number", "เลขทะเบียน", TEXT, 11),
    XlsxColumn("name", "ชื่อ-สกุล", TEXT, 28),
    XlsxColumn("unit_code", "หน่วย", TEXT, 9),
    XlsxColumn("disbursed_on", "วันที่จ่ายเงินกู้", DATE, 13),
    XlsxColumn("amount", "วงเงินกู้ (บาท)", MONEY, 15, sum=True),
    XlsxColumn("annual_rate", "ดอกเบี้ย (%)", DECIMAL, 10),
    XlsxColumn("installments", "จำนวนงวด", INT, 9),
    XlsxColumn("installments_paid", "ชำระแล้ว (งวด)", INT, 10),
    XlsxColumn("installments_left", "คงเหลือ (งวด)", INT, 10),
    XlsxColumn("installment_amount", "ค่างวด (บาท)", MONEY, 13),
    XlsxColumn("balance", "เงินต้นคงเหลือ (บาท)", MONEY, 16, sum=True),
    XlsxColumn("status_label", "สถานะ", TEXT, 12),
    XlsxColumn("contracts", "จำนวนสัญญา", INT, 10, sum=True),
]


def _counted(rows):
    """A contract row counts 1 in the last column, so a subtotal in Excel shows its contracts."""
    return ({**row, "contracts": 1} if "row_kind" not in row else row for row in rows)


def _register_subtitle(report: reports.LoanRegisterReport, filters: dict) -> list[str]:
    lines = [
        f"ณ วันที่ {format_be_date(report.as_of_date, 'long')}"
        + (" (ยอดปัจจุบัน)" if report.as_of is None else "")
        + f" · {dict(REGISTER_STATUSES)[report.status]}"
    ]
    parts = [str(filters[key]) for key in ("product", "unit") if filters.get(key)]
    if parts:
        lines.append("เฉพาะ: " + " · ".join(parts))
    return lines


@staff_view("loans.view_loancontract")
def report_register(request: HttpRequest) -> HttpResponse:
    """ทะเบียนเงินกู้ by product (with product and family subtotals), reconciled with the GL per family."""
    form = RegisterFilterForm(request.GET or None)
    f = filters_of(form)
    report = reports.loan_register(
        as_of=f.get("as_of"),
        status=f.get("status") or ContractStatus.ACTIVE,
        product=f.get("product"),
        unit=f.get("unit"),
    )
    return report_response(
        request,
        Report(
            title="ทะเบียนเงินกู้ตามประเภทเงินกู้",
            filename=f"loan-register-{file_stamp(report.as_of_date)}",
            screen_template="loans/reports/register.html",
            pdf_template="loans/reports/register_pdf.html",
            subtitle=_register_subtitle(report, f),
            form=form,
            rows=report.rows,
            page_size=REGISTER_PAGE_SIZE,
            page_map=lambda rows: [reports.register_row(row) for row in rows],
            totals=report.totals,
            reconciliations=report.reconciliations,
            columns=REGISTER_COLUMNS,
            sheet_name="ทะเบียนเงินกู้",
            export_rows=report.iter_grouped,
            xlsx_rows=lambda: _counted(report.iter_grouped()),
            landscape=True,
            context={"report": report},
        ),
    )


# ======== (2) Loans in arrears ========

ARREARS_COLUMNS = [
    XlsxColumn("number", "เลขที่สัญญา", TEXT, 16),
    XlsxColumn("member_number", "เลขทะเบียน", TEXT, 11),
    XlsxColumn("name", "ชื่อ-สกุล", TEXT, 28),
    XlsxColumn("unit_code", "หน่วย", TEXT, 9),
    XlsxColumn("phone_display", "โทรศัพท์", TEXT, 14),
    XlsxColumn("installment_amount", "ค่างวด (บาท)", MONEY, 13),
    XlsxColumn("missed", "ขาดชำระในปีบัญชี (งวด)", INT, 12, sum=True),
    XlsxColumn("months_overdue", "ค้างชำระ (เดือน)", INT, 10),
    XlsxColumn("overdue_since", "ค้างตั้งแต่งวด", DATE, 13),
    XlsxColumn("overdue", "เงินต้นค้างชำระ (บาท)", MONEY, 16, sum=True),
    XlsxColumn("interest_arrears", "ดอกเบี้ยค้างชำระ (บาท)", MONEY, 14, sum=True),
    XlsxColumn("balance", "เงินต้นคงเหลือ (บาท)", MONEY, 16, sum=True),
    XlsxColumn("guarantors", "ผู้ค้ำประกัน", TEXT, 24),
]


@staff_view("loans.view_loancontract")
def report_arrears(request: HttpRequest) -> HttpResponse:
    """ลูกหนี้ค้างชำระ as of a date: missed installments in the fiscal year, principal overdue, guarantors."""
    today = timezone.localdate()
    form = ArrearsFilterForm(request.GET or None, initial={"as_of": today})
    f = filters_of(form)
    as_of = f.get("as_of") or today
    data = reports.loans_in_arrears(
        as_of=as_of, product=f.get("product"), min_missed=f.get("min_missed") or 0
    )
    fy_start, fy_end = data["fiscal_year"]
    subtitle = [
        f"ณ วันที่ {format_be_date(as_of, 'long')} · ขาดชำระนับตั้งแต่ต้นปีบัญชี {be_year(fy_end.year)}"
        f" ({format_be_date(fy_start)})"
        + (f" · ผ่อนผันการชำระ {data['grace_days']} วันหลังวันครบกำหนด" if data["grace_days"] else ""),
        f"{data['totals']['contracts']:,} สัญญา"
        + (f" · ขาดชำระอย่างน้อย {data['min_missed']} งวด" if data["min_missed"] else "")
        + (f" · {f['product']}" if f.get("product") else ""),
    ]
    return report_response(
        request,
        Report(
            title="รายงานลูกหนี้เงินกู้ค้างชำระ",
            filename=f"loan-arrears-{file_stamp(as_of)}",
            screen_template="loans/reports/arrears.html",
            pdf_template="loans/reports/arrears_pdf.html",
            subtitle=subtitle,
            form=form,
            rows=data["rows"],
            page_size=ARREARS_PAGE_SIZE,
            totals=data["totals"],
            reconciliations=data["reconciliations"],
            columns=ARREARS_COLUMNS,
            sheet_name="ลูกหนี้ค้างชำระ",
            export_rows=lambda: reports.arrears_grouped(data),
            landscape=True,
            context={"data": data},
        ),
    )


# ======== (3) Guarantor obligations per member ========

GUARANTOR_COLUMNS = [
    XlsxColumn("contract_number", "เลขที่สัญญา", TEXT, 16),
    XlsxColumn("borrower_number", "ผู้กู้", TEXT, 11),
    XlsxColumn("borrower_name", "ชื่อผู้กู้", TEXT, 28),
    XlsxColumn("started_on", "ค้ำตั้งแต่", DATE, 13),
    XlsxColumn("guarantors_on_contract", "ผู้ค้ำในสัญญา (คน)", INT, 11),
    XlsxColumn("balance", "เงินต้นคงเหลือของสัญญา (บาท)", MONEY, 17, sum=True),
    XlsxColumn("share", "ภาระค้ำประกัน (บาท)", MONEY, 16, sum=True),
    XlsxColumn("contracts", "จำนวนสัญญา", INT, 10, sum=True),
    XlsxColumn("applications", "คำขอกู้ที่ค้ำ (รอจ่าย)", INT, 12),
    XlsxColumn("flag_label", "เกณฑ์การค้ำ", TEXT, 22),
]


def _guarantor_subtitle(report: reports.GuarantorReport) -> list[str]:
    rules = report.rules
    limit = (
        f"ระเบียบการค้ำประกัน (มีผล {format_be_date(rules.effective_from)}): ค้ำได้ไม่เกิน "
        f"{rules.max_contracts_per_guarantor} สัญญา (นับรวมคำขอกู้ที่ยังไม่จ่ายเงิน)"
    )
    if rules.max_amount_per_guarantor is not None:
        limit += f" และรวมไม่เกิน {rules.max_amount_per_guarantor:,.2f} บาท (เงินต้นคงเหลือเต็มสัญญา)"
    who = f"ผู้ค้ำ {report.member.number} {report.member.full_name}" if report.member else "ผู้ค้ำทุกคน"
    if report.flagged_only:
        who += " · เฉพาะผู้ที่ค้ำครบหรือเกินเกณฑ์"
    return [f"ณ วันที่ {format_be_date(timezone.localdate(), 'long')} · {who}", limit]


@staff_view("loans.view_guarantee")
def report_guarantors(request: HttpRequest) -> HttpResponse:
    """ภาระค้ำประกัน per guarantor: contracts, borrowers, balances and shares, against the guarantor limit."""
    form = GuarantorFilterForm(request.GET or None)
    f = filters_of(form)
    report = reports.guarantor_obligations(member=f.get("member"), flagged_only=bool(f.get("flagged")))

    def with_contracts(guarantors) -> list[dict]:
        # Only the page's guarantors have their contracts read.
        contracts = report.rows_for([g["guarantor_id"] for g in guarantors])
        return [{**g, "rows": contracts.get(g["guarantor_id"], [])} for g in guarantors]

    return report_response(
        request,
        Report(
            title="รายงานภาระค้ำประกันรายสมาชิก",
            filename=f"loan-guarantors-{report.member.number}" if report.member else "loan-guarantors",
            screen_template="loans/reports/guarantors.html",
            pdf_template="loans/reports/guarantors_pdf.html",
            subtitle=_guarantor_subtitle(report),
            form=form,
            rows=report.guarantors,
            page_size=GUARANTOR_PAGE_SIZE,
            page_map=with_contracts,
            totals=report.totals,
            columns=GUARANTOR_COLUMNS,
            sheet_name="ภาระค้ำประกัน",
            export_rows=report.iter_grouped,
            xlsx_rows=lambda: _counted(report.iter_grouped()),
            landscape=True,
            context={"report": report},
        ),
    )


# ======== (4) Interest received per month by product ========


def _month_heading(month) -> str:
    return f"{MONTHS_TH_SHORT[month.month - 1]} {str(be_year(month.year))[-2:]}"


def _interest_columns(data: dict) -> list[XlsxColumn]:
    months = [
        XlsxColumn(key, _month_heading(month), MONEY, 12, sum=True)
        for key, month in zip(data["month_keys"], data["months"], strict=True)
    ]
    return [
        XlsxColumn("product_code", "รหัส", TEXT, 8),
        XlsxColumn("product_name", "ประเภทเงินกู้", TEXT, 26),
        *months,
        XlsxColumn("total", "รวมทั้งปี", MONEY, 14, sum=True),
    ]


INTEREST_RECON_COLUMNS = [
    XlsxColumn("month_label", "เดือน", TEXT, 18),
    XlsxColumn("received", "ดอกเบี้ยรับชำระ", MONEY, 15),
    XlsxColumn("arrears", "บวก ดอกเบี้ยค้างชำระสุทธิ", MONEY, 15),
    XlsxColumn("settled", "หัก ส่วนที่ตั้งค้างรับไว้แล้ว", MONEY, 15),
    XlsxColumn("accrued", "บวก ดอกเบี้ยค้างรับที่ตั้งในเดือน", MONEY, 15),
    XlsxColumn("income", "รายได้ดอกเบี้ยตามทะเบียน", MONEY, 15),
    XlsxColumn("gl", "บัญชีดอกเบี้ยรับ (GL)", MONEY, 15),
    XlsxColumn("mark", "ตรงกัน", TEXT, 8),
]


@staff_view("loans.view_loantransaction")
def report_interest(request: HttpRequest) -> HttpResponse:
    """ดอกเบี้ยรับรายเดือนตามประเภทเงินกู้ for a fiscal year, tied to each family's interest income account."""
    today = timezone.localdate()
    _, current_end = fiscal_year_span(on=today)
    form = FiscalYearForm(request.GET or None, initial={"year": be_year(current_end.year)})
    fy = ce_year(form.cleaned_data["year"]) if form.is_bound and form.is_valid() else current_end.year
    data = reports.loan_interest_by_month(fy_end_year=fy)
    title = "ดอกเบี้ยเงินกู้รับรายเดือนตามประเภทเงินกู้"
    subtitle = [
        f"ปีบัญชี {data['year_be']} ({format_be_date(data['start'], 'long')} – {format_be_date(data['end'], 'long')})"
    ]
    notes = [r.as_text() for r in data["reconciliations"]]

    def sheets() -> list[XlsxSheet]:
        # The months by product, then each family's month tied to its interest income account.
        return [
            XlsxSheet(
                name="ดอกเบี้ยรับรายเดือน",
                title=title,
                subtitle=subtitle,
                columns=_interest_columns(data),
                rows=reports.interest_rows_grouped(data),
                totals=data["total"],
                notes=notes,
                landscape=True,
            ),
            XlsxSheet(
                name="กระทบยอดบัญชีแยกประเภท",
                title="กระทบยอดดอกเบี้ยรับกับบัญชีแยกประเภท",
                subtitle=[*subtitle, "รายได้ดอกเบี้ย = ดอกเบี้ยรับชำระ − ส่วนที่ตั้งค้างรับไว้แล้ว + ดอกเบี้ยค้างรับที่ตั้งในเดือน"],
                columns=INTEREST_RECON_COLUMNS,
                rows=reports.interest_recon_rows(data),
                notes=notes,
            ),
        ]

    return report_response(
        request,
        Report(
            title=title,
            filename=f"loan-interest-{data['year_be']}",
            screen_template="loans/reports/interest.html",
            pdf_template="loans/reports/interest_pdf.html",
            subtitle=subtitle,
            form=form,
            reconciliations=data["reconciliations"],
            sheets=sheets,
            landscape=True,
            context={"data": data, "month_headings": [_month_heading(m) for m in data["months"]]},
        ),
    )
