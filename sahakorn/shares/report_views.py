"""Share-capital screens that only read: a member's share record and the six reports.

Each report view builds its figures (from ``shares.reports``) and declares one ``core.reports.Report``;
``report_response`` shows it on screen (paged where it can be long) and serves the same figures as
``?format=pdf`` and ``?format=xlsx``.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, IntegerFormField
from sahakorn.core.money import ZERO
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
    report_response,
)
from sahakorn.core.thai import MONTHS_TH, be_year, ce_year, format_be_date
from sahakorn.members.models import Member, MemberStatus, MemberType, Unit
from sahakorn.shares import reports
from sahakorn.shares.batch import members_below_minimum
from sahakorn.shares.models import RequestKind, RequestStatus
from sahakorn.shares.selectors import share_record_get, share_summary_get

REGISTER_PAGE_SIZE = 100
STATUS_PAGE_SIZE = 200


def _member_or_404(pk: int) -> Member:
    try:
        return Member.objects.select_related("unit").get(pk=pk)
    except Member.DoesNotExist:
        raise Http404(_("ไม่พบสมาชิก")) from None


# ======== Filter forms (the screens' filter bars; dates are B.E.) ========

STATUS_FILTER = [("", _("ทุกสถานะ")), (reports.LEFT, _("พ้นสมาชิกภาพทั้งหมด")), *MemberStatus.choices]
TYPE_FILTER = [("", _("ทุกประเภท")), *MemberType.choices]


class RegisterFilterForm(forms.Form):
    as_of = BEDateField(label=_("ณ วันที่"), required=False, help_text=_("เว้นว่าง = ยอดปัจจุบัน"))
    order = forms.ChoiceField(
        label=_("เรียงตาม"), required=False, choices=[("number", _("เลขทะเบียน")), ("unit", _("หน่วยสังกัด"))]
    )
    status = forms.ChoiceField(label=_("สถานะสมาชิก"), required=False, choices=STATUS_FILTER)
    member_type = forms.ChoiceField(label=_("ประเภทสมาชิก"), required=False, choices=TYPE_FILTER)
    unit = forms.ModelChoiceField(
        label=_("หน่วยสังกัด"), required=False, queryset=Unit.objects.order_by("path"), empty_label=_("ทุกหน่วย")
    )
    include_zero = forms.BooleanField(label=_("รวมบัญชีที่ไม่มีหุ้น"), required=False)


class MonthForm(forms.Form):
    month = forms.TypedChoiceField(
        label=_("เดือน"), coerce=int, choices=[(n + 1, name) for n, name in enumerate(MONTHS_TH)]
    )
    year = IntegerFormField(label=_("ปี พ.ศ."), min_value=2400, max_value=2700)

    def period(self) -> dt.date:
        return dt.date(ce_year(self.cleaned_data["year"]), self.cleaned_data["month"], 1)


class StatusFilterForm(forms.Form):
    as_of = BEDateField(label=_("ณ วันที่"), required=False)
    member_type = forms.ChoiceField(label=_("ประเภทสมาชิก"), required=False, choices=TYPE_FILTER)
    order = forms.ChoiceField(
        label=_("เรียงตาม"),
        required=False,
        choices=[("type", _("ประเภทสมาชิก")), ("number", _("เลขทะเบียน"))],
    )
    state = forms.ChoiceField(
        label=_("แสดงเฉพาะ"), required=False, choices=[("", _("ทั้งหมด")), *reports.STATE_LABELS.items()]
    )


class RequestFilterForm(forms.Form):
    start = BEDateField(label=_("วันที่มีผลตั้งแต่"), required=False)
    end = BEDateField(label=_("ถึงวันที่"), required=False)
    kind = forms.ChoiceField(
        label=_("ประเภทคำขอ"),
        required=False,
        choices=[("", _("ถอนและโอน")), (RequestKind.WITHDRAWAL, RequestKind.WITHDRAWAL.label),
                 (RequestKind.TRANSFER, RequestKind.TRANSFER.label)],
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("สถานะ"), required=False, choices=[("", _("ทุกสถานะ")), *RequestStatus.choices]
    )


# ======== A member's share record ========


def _optional_url(name: str, member: Member) -> str | None:
    """The operations screen's URL for this member, when that screen exists."""
    try:
        return f"{reverse(name)}?member={member.number}"
    except NoReverseMatch:
        return None


def member_section_context(member: Member) -> dict:
    """What the shares card on the member page shows (the card ``shares.subledger`` declares)."""
    return {
        "record": share_summary_get(member=member),
        "purchase_url": _optional_url("shares:purchase", member),
        "request_url": _optional_url("shares:request_create", member),
    }


@staff_view("shares.view_shareaccount")
def account(request: HttpRequest, pk: int) -> HttpResponse:
    """ข้อมูลหุ้นของสมาชิก: the figures, each fiscal year, this month's purchases, every transaction."""
    member = _member_or_404(pk)
    record = share_record_get(member=member)
    return render(
        request,
        "shares/account.html",
        {
            "member": member,
            "record": record,
            "purchase_url": _optional_url("shares:purchase", member),
            "request_url": _optional_url("shares:request_create", member),
        },
    )


# ======== (1) Share register ========

REGISTER_COLUMNS = [
    XlsxColumn("number", "เลขทะเบียน", TEXT, 11),
    XlsxColumn("name", "ชื่อ-สกุล", TEXT, 30),
    XlsxColumn("unit_code", "รหัสหน่วย", TEXT, 10),
    XlsxColumn("unit_name", "หน่วยสังกัด", TEXT, 26),
    XlsxColumn("member_type_label", "ประเภท", TEXT, 13),
    XlsxColumn("status_label", "สถานะ", TEXT, 10),
    XlsxColumn("shares", "หุ้นสะสม (หุ้น)", INT, 14, sum=True),
    XlsxColumn("amount", "ทุนเรือนหุ้น (บาท)", MONEY, 18, sum=True),
    XlsxColumn("monthly", "หุ้นรายเดือน (หุ้น)", INT, 14, sum=True),
]


def _register_subtitle(report: reports.RegisterReport, filters: dict) -> list[str]:
    lines = [
        f"ณ วันที่ {format_be_date(report.as_of_date, 'long')}"
        + (" (ยอดปัจจุบัน)" if report.as_of is None else "")
        + (" · เรียงตามหน่วยสังกัด" if report.order == "unit" else " · เรียงตามเลขทะเบียน")
    ]
    parts = []
    if filters.get("status"):
        parts.append(dict(STATUS_FILTER).get(filters["status"], filters["status"]))
    if filters.get("member_type"):
        parts.append(MemberType(filters["member_type"]).label)
    if filters.get("unit"):
        parts.append(str(filters["unit"]))
    if parts:
        lines.append("เฉพาะ: " + " · ".join(str(p) for p in parts))
    return lines


@staff_view("shares.view_shareaccount")
def report_register(request: HttpRequest) -> HttpResponse:
    """ทะเบียนหุ้น by member number or by unit (with unit subtotals), reconciled with the GL."""
    form = RegisterFilterForm(request.GET or None)
    f = filters_of(form)
    report = reports.share_register(
        as_of=f.get("as_of"),
        order=f.get("order") or "number",
        status=f.get("status") or None,
        member_type=f.get("member_type") or None,
        unit=f.get("unit"),
        include_zero=bool(f.get("include_zero")),
    )
    return report_response(
        request,
        Report(
            title="ทะเบียนหุ้น",
            filename=f"share-register-{file_stamp(report.as_of_date)}",
            screen_template="shares/reports/register.html",
            pdf_template="shares/reports/register_pdf.html",
            subtitle=_register_subtitle(report, f),
            form=form,
            rows=report.rows,
            page_size=REGISTER_PAGE_SIZE,
            page_map=lambda rows: [reports.register_row(row, as_of=report.as_of) for row in rows],
            totals=report.totals,
            reconciliations=report.reconciliations,
            columns=REGISTER_COLUMNS,
            sheet_name="ทะเบียนหุ้น",
            export_rows=report.iter_grouped if report.order == "unit" else report.iter_rows,
            landscape=True,
            context={"report": report},
        ),
    )


# ======== (2) Monthly contributions ========

SUMMARY_COLUMNS = [
    XlsxColumn("member_type_label", "ประเภทสมาชิก", TEXT, 24),
    XlsxColumn("members", "จำนวนสมาชิก (ราย)", INT, 16, sum=True),
    XlsxColumn("shares", "จำนวนหุ้น", INT, 14, sum=True),
    XlsxColumn("amount", "จำนวนเงิน (บาท)", MONEY, 18, sum=True),
]
MOVEMENT_COLUMNS = [
    XlsxColumn("label", "รายการ", TEXT, 34),
    XlsxColumn("count", "จำนวนรายการ", INT, 14),
    XlsxColumn("shares", "จำนวนหุ้น", INT, 14),
    XlsxColumn("amount", "จำนวนเงิน (บาท)", MONEY, 18),
]


def _movement_rows(movement: dict) -> list[dict]:
    return [
        {"label": "ยอดยกมาต้นเดือน", **movement["opening"]},
        *movement["lines"],
        {"label": "ยอดคงเหลือสิ้นเดือน", **movement["closing"]},
    ]


@staff_view("shares.view_sharetransaction")
def report_monthly_summary(request: HttpRequest) -> HttpResponse:
    """สรุปหุ้นรายเดือน: a month's contributions by member type, and the month's share-capital movement."""
    today = timezone.localdate()
    form = MonthForm(request.GET or None, initial={"month": today.month, "year": be_year(today.year)})
    period = form.period() if form.is_bound and form.is_valid() else today.replace(day=1)
    summary = reports.monthly_contribution_summary(period=period)
    title = "สรุปหุ้นรายเดือน"
    subtitle = [f"งวดเดือน{format_be_date(period, 'month')}"]
    return report_response(
        request,
        Report(
            title=title,
            filename=f"share-monthly-{be_year(period.year)}{period.month:02d}",
            screen_template="shares/reports/monthly_summary.html",
            pdf_template="shares/reports/monthly_summary_pdf.html",
            subtitle=subtitle,
            form=form,
            totals=summary["total"],
            reconciliations=summary["reconciliations"],
            sheets=lambda: [
                XlsxSheet(
                    name="สรุปตามประเภท",
                    title=title,
                    subtitle=subtitle,
                    columns=SUMMARY_COLUMNS,
                    rows=summary["rows"],
                    totals=summary["total"],
                    notes=[r.as_text() for r in summary["reconciliations"]],
                ),
                XlsxSheet(
                    name="ความเคลื่อนไหวทั้งเดือน",
                    title="ความเคลื่อนไหวทุนเรือนหุ้นระหว่างเดือน",
                    subtitle=subtitle,
                    columns=MOVEMENT_COLUMNS,
                    rows=_movement_rows(summary["movement"]),
                    notes=[r.as_text() for r in summary["movement"]["reconciliations"]],
                ),
            ],
            context={"summary": summary},
        ),
    )


# ======== (3) One member's history by fiscal year ========

HISTORY_XLSX_COLUMNS = [
    XlsxColumn("year_be", "ปีบัญชี", TEXT, 9),
    XlsxColumn("start", "ตั้งแต่", DATE),
    XlsxColumn("end", "ถึง", DATE),
    XlsxColumn("opening_amount", "ยกมา", MONEY),
    XlsxColumn("opening_kind", "ยอดยกมาจากระบบเดิม", MONEY, sum=True),
    XlsxColumn("initial", "หุ้นแรกเข้า", MONEY, sum=True),
    XlsxColumn("monthly", "หุ้นรายเดือน", MONEY, sum=True),
    XlsxColumn("extra", "ซื้อหุ้นเพิ่ม", MONEY, sum=True),
    XlsxColumn("transfer_in", "รับโอน", MONEY, sum=True),
    XlsxColumn("withdrawal", "ถอนหุ้น", MONEY, sum=True),
    XlsxColumn("transfer_out", "โอนออก", MONEY, sum=True),
    XlsxColumn("reversal", "กลับรายการ", MONEY, sum=True),
    XlsxColumn("closing_amount", "คงเหลือ (บาท)", MONEY),
    XlsxColumn("closing_shares", "คงเหลือ (หุ้น)", INT),
    XlsxColumn("gl_closing", "บัญชีคุม (GL)", MONEY),
]


@staff_view("shares.view_sharetransaction")
def report_member_history(request: HttpRequest, pk: int) -> HttpResponse:
    """ประวัติหุ้นรายปีบัญชี of one member: per fiscal year opening, each kind, closing and the GL."""
    member = _member_or_404(pk)
    history = reports.member_share_history(member=member)
    return report_response(
        request,
        Report(
            title="ประวัติทุนเรือนหุ้นรายปีบัญชี",
            filename=f"share-history-{member.number}",
            screen_template="shares/reports/member_history.html",
            pdf_template="shares/reports/member_history_pdf.html",
            subtitle=[f"สมาชิกเลขทะเบียน {member.number} {member.full_name} · {member.unit}"],
            rows=history["rows"],
            totals={**history["totals"], "closing_amount": history["closing_amount"],
                    "closing_shares": history["closing_shares"]},
            reconciliations=history["reconciliations"],
            columns=HISTORY_XLSX_COLUMNS,
            sheet_name="ประวัติหุ้น",
            landscape=True,
            context={"member": member, "history": history},
        ),
    )  # fmt: skip


# ======== (4) Monthly contribution status ========

STATUS_COLUMNS = [
    XlsxColumn("number", "เลขทะเบียน", TEXT, 11),
    XlsxColumn("name", "ชื่อ-สกุล", TEXT, 30),
    XlsxColumn("unit_code", "หน่วย", TEXT, 9),
    XlsxColumn("member_type_label", "ประเภท", TEXT, 13),
    XlsxColumn("monthly_shares", "หุ้นรายเดือน", INT, 12),
    XlsxColumn("amount_this_month", "ส่งเดือนนี้ (บาท)", MONEY, 16, sum=True),
    XlsxColumn("consecutive", "ขาดส่งติดต่อกัน (เดือน)", INT, 14),
    XlsxColumn("missed_in_year", "ขาดส่งในปีบัญชี (เดือน)", INT, 14),
    XlsxColumn("state_label", "สถานะ", TEXT, 24),
    XlsxColumn("last_paid", "ส่งล่าสุดงวด", DATE, 13),
]
STATUS_SUMMARY_COLUMNS = [
    XlsxColumn("member_type_label", "ประเภทสมาชิก", TEXT, 24),
    XlsxColumn("members", "สมาชิก", INT, sum=True),
    *[XlsxColumn(state, label, INT, 14, sum=True) for state, label in reports.STATE_LABELS.items()],
    XlsxColumn("amount_this_month", "ส่งเดือนนี้ (บาท)", MONEY, 16, sum=True),
]


@staff_view("shares.view_sharetransaction")
def report_monthly_status(request: HttpRequest) -> HttpResponse:
    """สถานะการส่งหุ้นรายเดือน as of a date: paid, behind (flagged against the default rule), suspended."""
    today = timezone.localdate()
    form = StatusFilterForm(request.GET or None, initial={"as_of": today})
    f = filters_of(form)
    as_of = f.get("as_of") or today
    status = reports.monthly_contribution_status(
        as_of=as_of, member_type=f.get("member_type") or None, order=f.get("order") or "type"
    )
    rows = status["rows"]
    if f.get("state"):
        rows = [row for row in rows if row["state"] == f["state"]]
    rules = status["rules"]
    title = "สถานะการส่งหุ้นรายเดือน"
    subtitle = [
        f"ณ วันที่ {format_be_date(as_of, 'long')} · งวดเดือน{format_be_date(status['month'], 'month')}"
        f" · นับขาดส่งถึงงวด{format_be_date(status['due_until'], 'month')}",
        f"เกณฑ์ผิดนัดตามระเบียบ: ขาดส่งติดต่อกัน {rules.default_consecutive_months} เดือน"
        f" หรือรวม {rules.default_months_per_year} เดือนในปีบัญชี",
    ]
    return report_response(
        request,
        Report(
            title=title,
            filename=f"share-status-{file_stamp(as_of)}",
            screen_template="shares/reports/monthly_status.html",
            pdf_template="shares/reports/monthly_status_pdf.html",
            subtitle=subtitle,
            form=form,
            rows=rows,
            page_size=STATUS_PAGE_SIZE,
            totals=status["total"],
            reconciliations=status["reconciliations"],
            sheets=lambda: [
                XlsxSheet(
                    name="สรุปตามประเภท",
                    title=title,
                    subtitle=subtitle,
                    columns=STATUS_SUMMARY_COLUMNS,
                    rows=status["by_type"],
                    totals=status["total"],
                    notes=[r.as_text() for r in status["reconciliations"]],
                ),
                XlsxSheet(
                    name="รายสมาชิก",
                    title=title,
                    subtitle=subtitle,
                    columns=STATUS_COLUMNS,
                    rows=rows,
                    totals={"amount_this_month": sum(r["amount_this_month"] for r in rows)},
                    landscape=True,
                ),
            ],
            landscape=True,
            context={"status": status},
        ),
    )


# ======== (5) Withdrawal and transfer requests ========

REQUEST_COLUMNS = [
    XlsxColumn("effective_on", "วันที่มีผล", DATE),
    XlsxColumn("kind_label", "ประเภท", TEXT, 22),
    XlsxColumn("number", "เลขทะเบียน", TEXT, 11),
    XlsxColumn("name", "ชื่อ-สกุล", TEXT, 28),
    XlsxColumn("to_number", "โอนให้", TEXT, 11),
    XlsxColumn("status_label", "สถานะ", TEXT, 22),
    XlsxColumn("posted_shares", "หุ้น", INT, 12, sum=True),
    XlsxColumn("posted_amount", "จำนวนเงิน (บาท)", MONEY, 16, sum=True),
    XlsxColumn("reason", "เหตุผล", TEXT, 30),
]


@staff_view("shares.view_sharerequest")
def report_requests(request: HttpRequest) -> HttpResponse:
    """คำขอถอน/โอนหุ้น by status and effective-date range, with what each moved out and the GL."""
    form = RequestFilterForm(request.GET or None)
    f = filters_of(form)
    data = reports.share_requests_report(
        start=f.get("start"), end=f.get("end"), status=f.get("status") or None, kind=f.get("kind") or None
    )
    span = (
        f"วันที่มีผล {format_be_date(f['start']) if f.get('start') else 'ตั้งแต่แรก'}"
        f" ถึง {format_be_date(f['end']) if f.get('end') else 'ปัจจุบัน'}"
    )
    return report_response(
        request,
        Report(
            title="รายงานคำขอถอนหุ้นและโอนหุ้น",
            filename="share-requests",
            screen_template="shares/reports/requests.html",
            pdf_template="shares/reports/requests_pdf.html",
            subtitle=[span + (f" · {RequestStatus(f['status']).label}" if f.get("status") else "")],
            form=form,
            rows=data["rows"],
            totals={"posted_shares": data["total"]["shares"], "posted_amount": data["total"]["amount"]},
            reconciliations=data["reconciliations"],
            columns=REQUEST_COLUMNS,
            sheet_name="คำขอถอนโอนหุ้น",
            landscape=True,
            context={"data": data},
        ),
    )


# ======== Members below the minimum after a salary-table change ========


class BelowMinimumFilterForm(forms.Form):
    on = BEDateField(label=_("ตามระเบียบที่มีผล ณ วันที่"), required=False, help_text=_("เว้นว่าง = วันนี้"))


BELOW_MINIMUM_COLUMNS = [
    XlsxColumn("number", "เลขทะเบียน", TEXT, 11),
    XlsxColumn("name", "ชื่อ-สกุล", TEXT, 28),
    XlsxColumn("unit_code", "รหัสหน่วย", TEXT, 12),
    XlsxColumn("unit_name", "หน่วยสังกัด", TEXT, 30),
    XlsxColumn("salary", "เงินเดือน (บาท)", MONEY, 14),
    XlsxColumn("monthly_shares", "หุ้นรายเดือนปัจจุบัน", INT, 12),
    XlsxColumn("min_shares", "ขั้นต่ำตามระเบียบ", INT, 12),
    XlsxColumn("shortfall_shares", "ขาด (หุ้น)", INT, 12, sum=True),
    XlsxColumn("shortfall_amount", "ขาด (บาท/เดือน)", MONEY, 14, sum=True),
]


@staff_view("shares.view_shareaccount")
def report_below_minimum(request: HttpRequest) -> HttpResponse:
    """สมาชิกที่ส่งหุ้นรายเดือนต่ำกว่าขั้นต่ำ: the work list after the salary table (or a salary) changes."""
    form = BelowMinimumFilterForm(request.GET or None)
    on = filters_of(form).get("on") or timezone.localdate()
    rows = members_below_minimum(on=on)
    return report_response(
        request,
        Report(
            title="สมาชิกที่ส่งหุ้นรายเดือนต่ำกว่าขั้นต่ำตามระเบียบ",
            filename=f"shares-below-minimum-{file_stamp(on)}",
            screen_template="shares/reports/below_minimum.html",
            subtitle=[f"ตามระเบียบหุ้นที่มีผล ณ วันที่ {format_be_date(on, 'long')} · {len(rows):,} ราย"],
            form=form,
            rows=rows,
            totals={
                "shortfall_shares": sum(r["shortfall_shares"] for r in rows),
                "shortfall_amount": sum((r["shortfall_amount"] for r in rows), ZERO),
            },
            columns=BELOW_MINIMUM_COLUMNS,
            sheet_name="ต่ำกว่าขั้นต่ำ",
            landscape=True,
            # The work list has no PDF: the screen is where each row's "ปรับ" is done.
            context={"rows": rows},
        ),
    )
