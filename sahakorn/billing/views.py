"""The billing screens: the months and their cycles, the preview, the freeze (with its confirmation), a bill."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sahakorn.billing import bank_debits, files, selectors, services
from sahakorn.billing import receipts as receipt_views
from sahakorn.billing.forms import (
    BankDebitAccountForm,
    BankDebitEndForm,
    BankDebitMandateForm,
    BankDebitResultForm,
    DeductionFileForm,
    MemberFilterForm,
    PeriodOpenForm,
    RefundForm,
    StandingRefundForm,
)
from sahakorn.billing.models import (
    BankDebitAccount,
    BankDebitMandate,
    Bill,
    BillingCycle,
    BillingMethod,
    BillingPeriod,
    BillLine,
    CycleStatus,
    DeductionImport,
    FileLayout,
    ImportStatus,
    OverDeduction,
    Receipt,
    StandingRefundChoice,
    UnitPosting,
)
from sahakorn.core.errors import ServiceError
from sahakorn.core.forms import error_to_form
from sahakorn.core.money import ZERO
from sahakorn.core.paging import paginate
from sahakorn.core.permissions import staff_view
from sahakorn.core.reports import pdf_response
from sahakorn.core.selectors import in_chunks
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.models import JournalEntry
from sahakorn.members.models import Member, Unit

PAGE_SIZE = 50


@staff_view("billing.view_billingperiod")
@require_http_methods(["GET", "POST"])
def periods(request: HttpRequest) -> HttpResponse:
    form = PeriodOpenForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("billing.add_billingperiod"):
            raise PermissionDenied
        if form.is_valid():
            try:
                period = services.billing_period_open(month=form.cleaned_data["month"], by=request.user)
            except ServiceError as e:
                error_to_form(form, e)
            else:
                messages.success(request, _("เปิด%(period)s แล้ว") % {"period": period})
                return redirect("billing:periods")
    page = paginate(
        request,
        BillingPeriod.objects.prefetch_related("cycles__pay_group").order_by("-month"),
        12,
    )
    return render(request, "billing/periods.html", {"page": page, "form": form})


def _cycle(pk: int) -> BillingCycle:
    return get_object_or_404(BillingCycle.objects.select_related("period", "pay_group", "frozen_by"), pk=pk)


@staff_view("billing.view_billingcycle")
def cycle(request: HttpRequest, pk: int) -> HttpResponse:
    found = _cycle(pk)
    filters = MemberFilterForm(request.GET or None)
    bills = Bill.objects.filter(cycle=found).select_related("member", "unit").order_by("member__number")
    q = filters.cleaned_data.get("q") if filters.is_valid() else ""
    if q:
        bills = bills.filter(Q(member__number=q) | Q(member__number__endswith=q.lstrip("0") or q))
    frozen = found.status != CycleStatus.OPEN
    context = {
        "cycle": found,
        "totals": selectors.cycle_item_totals(cycle=found) if frozen else [],
        "units": selectors.cycle_units(cycle=found) if frozen else [],
        "layouts": FileLayout.objects.order_by("code") if frozen else [],
        "can_run": request.user.has_perm("billing.change_billingcycle"),
        "page": paginate(request, bills, PAGE_SIZE),
        "filters": filters,
        "can_freeze": found.status == CycleStatus.OPEN
        and request.user.has_perm("billing.change_billingcycle"),
        "bank": selectors.bank_debit_summary(cycle=found) if frozen else None,
    }
    return render(request, "billing/cycle.html", context)


@staff_view("billing.view_billingcycle")
def cycle_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """What each member's bill would be if frozen now, and why it changed from last month."""
    found = _cycle(pk)
    filters = MemberFilterForm(request.GET or None)
    members = services.billed_members(found)
    q = filters.cleaned_data.get("q") if filters.is_valid() else ""
    if q:
        members = members.filter(number=q)
    # The preview asks every sub-ledger for each member on the page only: a page is quick whatever
    # the coop's size; the whole list is the command's (sahakorn billing preview).
    page = paginate(request, members, PAGE_SIZE)
    numbers = [member.pk for member in page.object_list]
    rows = selectors.billing_cycle_preview(cycle=found, members=Member.objects.filter(pk__in=numbers))
    return render(
        request, "billing/preview.html", {"cycle": found, "rows": rows, "page": page, "filters": filters}
    )


@staff_view("billing.change_billingcycle")
@require_http_methods(["GET", "POST"])
def cycle_freeze(request: HttpRequest, pk: int) -> HttpResponse:
    """Freezing is irreversible: the GET shows what will be frozen, the POST (the confirm button) freezes."""
    found = _cycle(pk)
    if found.status != CycleStatus.OPEN:
        messages.info(request, _("%(cycle)s ประมวลผลไว้แล้ว") % {"cycle": found})
        return redirect("billing:cycle", found.pk)
    if request.method == "POST":
        try:
            frozen = services.billing_cycle_freeze(cycle=found, by=request.user)
        except ServiceError as e:
            messages.error(request, e.message)
        else:
            messages.success(
                request,
                _("ประมวลผล%(cycle)s แล้ว: สมาชิก %(bills)s ราย %(lines)s รายการ ยอดเรียกเก็บ %(amount)s บาท")
                % {
                    "cycle": frozen,
                    "bills": f"{frozen.bills:,}",
                    "lines": f"{frozen.lines:,}",
                    "amount": f"{frozen.total_billed:,.2f}",
                },
            )
        return redirect("billing:cycle", found.pk)
    members = services.billed_members(found).count()
    return render(request, "billing/freeze_confirm.html", {"cycle": found, "members": members})


@staff_view("billing.view_bill")
def bill(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        Bill.objects.select_related("member", "unit", "period", "cycle__pay_group"), pk=pk
    )
    lines = BillLine.objects.filter(bill=found).select_related("item").order_by("priority", "reference", "id")
    return render(request, "billing/bill.html", {"bill": found, "lines": lines})


# ======== A unit's part of a cycle: files, invoice, the returned file, posting, receipts ========


def _unit(cycle: BillingCycle, unit_id: int) -> Unit:
    """A unit billed through payroll in the cycle (its bank-paying members are the bank's file)."""
    if not Bill.objects.filter(cycle=cycle, unit_id=unit_id, method=BillingMethod.PAYROLL).exists():
        raise Http404
    return get_object_or_404(Unit, pk=unit_id)


@staff_view("billing.view_bill")
def unit_file_download(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    found = _cycle(pk)
    unit = _unit(found, unit_id)
    if found.status == CycleStatus.OPEN:
        raise Http404
    code = request.GET.get("layout") or files.unit_layout_code(unit)
    try:
        layout = files.layout_get(code)
        data = files.unit_file(cycle=found, unit=unit, layout=layout)
    except ServiceError as e:
        messages.error(request, e.message)
        return redirect("billing:cycle", found.pk)
    response = HttpResponse(data, content_type=files.CONTENT_TYPES[layout.format])
    response["Content-Disposition"] = (
        f'attachment; filename="{files.unit_file_name(cycle=found, unit=unit, layout=layout)}"'
    )
    return response


@staff_view("billing.view_bill")
def unit_invoice(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    """The summary invoice a unit gets with its file (ใบแจ้งหนี้): totals by item, the amount in words."""
    found = _cycle(pk)
    unit = _unit(found, unit_id)
    if found.status == CycleStatus.OPEN:
        raise Http404
    totals = selectors.unit_item_totals(cycle=found, unit=unit)
    context = {
        "report_title": _("ใบแจ้งรายการเรียกเก็บเงินจากเงินเดือนสมาชิก"),
        "report_subtitle": f"{found.period.code} · {unit.code} {unit.name}",
        "cycle": found,
        "unit": unit,
        "totals": totals,
        "members": files.unit_bills(found, unit).count(),
        "total": sum((t.billed for t in totals), ZERO),
    }
    return pdf_response(
        template="billing/invoice_pdf.html",
        context=context,
        filename=f"invoice-{found.period.code}-{unit.code}.pdf",
        request=request,
    )


@staff_view("billing.change_billingcycle")
@require_http_methods(["GET", "POST"])
def unit_import(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    """Upload what the unit deducted; the whole file is checked before anything is kept."""
    found = _cycle(pk)
    unit = _unit(found, unit_id)
    files.billing_layouts_sync()
    layouts = [layout for layout in FileLayout.objects.order_by("code") if layout.spec.get("deducted")]
    form = DeductionFileForm(
        request.POST or None,
        request.FILES or None,
        layouts=layouts,
        initial_layout=files.unit_layout_code(unit),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            imported = services.deduction_import_record(
                cycle=found,
                unit=unit,
                layout_code=form.cleaned_data["layout"],
                data=upload.read(),
                file_name=upload.name,
                remittance=form.cleaned_data["remittance"],
                by=request.user,
            )
        except ServiceError as e:
            error_to_form(form, e)
        else:
            messages.success(
                request,
                _("ตรวจแฟ้ม %(name)s แล้ว: %(rows)s แถว ยอดหักได้ %(total)s บาท ตรวจสอบแล้วกดผ่านรายการ")
                % {
                    "name": imported.file_name,
                    "rows": f"{imported.rows:,}",
                    "total": f"{imported.total:,.2f}",
                },
            )
            return redirect("billing:unit_post", found.pk, unit.pk)
    return render(request, "billing/unit_import.html", {"cycle": found, "unit": unit, "form": form})


@staff_view("billing.change_billingcycle")
@require_http_methods(["GET", "POST"])
def unit_post(request: HttpRequest, pk: int, unit_id: int) -> HttpResponse:
    """Posting is irreversible: the GET shows what will be posted (from the checked file, or the bills
    in full when no file was imported), the POST posts it."""
    found = _cycle(pk)
    unit = _unit(found, unit_id)
    posting = UnitPosting.objects.filter(cycle=found, unit=unit, method=BillingMethod.PAYROLL).first()
    if posting is not None:
        return redirect("billing:posting", posting.pk)
    pending = (
        DeductionImport.objects.filter(cycle=found, unit=unit, status=ImportStatus.VALIDATED)
        .order_by("-uploaded_at")
        .first()
    )
    bills = Bill.objects.filter(cycle=found, unit=unit, method=BillingMethod.PAYROLL)
    billed = sum(bills.values_list("total_billed", flat=True), ZERO)
    if request.method == "POST":
        try:
            if pending is not None:
                posting = services.deduction_import_post(deduction_import=pending, by=request.user)
            else:
                posting = services.billing_unit_post(cycle=found, unit=unit, by=request.user)
        except ServiceError as e:
            messages.error(request, e.message)
            return redirect("billing:cycle", found.pk)
        messages.success(
            request,
            _(
                "ผ่านรายการรับชำระของ%(unit)s แล้ว: หักได้ %(received)s บาท จากยอดเรียกเก็บ %(billed)s บาท "
                "หักไม่ได้ %(short)s บาท หักเกิน %(over)s บาท ใบสำคัญ %(vouchers)s"
            )
            % {
                "unit": unit.name,
                "vouchers": _vouchers_named([posting]),
                "received": f"{posting.received:,.2f}",
                "billed": f"{posting.billed:,.2f}",
                "short": f"{posting.short:,.2f}",
                "over": f"{posting.over:,.2f}",
            },
        )
        return redirect("billing:posting", posting.pk)
    short = billed - pending.total if pending is not None else ZERO
    context = {"cycle": found, "unit": unit, "pending": pending, "members": bills.count(), "billed": billed,
               "short": short}  # fmt: skip
    return render(request, "billing/unit_post_confirm.html", context)


def _vouchers_named(postings: list[UnitPosting]) -> str:
    """The postings' voucher numbers for a success message."""
    return _labels_named(selectors.posting_vouchers(postings))


def _labels_named(labels: list[str], most: int = 5) -> str:
    """Voucher numbers for a success message: the first few and how many more."""
    if not labels:
        return _("ไม่มี (ไม่ได้รับเงิน)")
    named = ", ".join(labels[:most])
    if len(labels) > most:
        named += " " + _("และอีก %(n)s ใบ") % {"n": len(labels) - most}
    return named


@staff_view("billing.view_bill")
def posting(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        UnitPosting.objects.select_related("cycle__period", "cycle__pay_group", "unit"), pk=pk
    )
    entries = (
        JournalEntry.objects.filter(
            Q(billing_receipts__posting=found) | Q(pk__in=found.over_deductions.values("journal_entry_id"))
        )
        .distinct()
        .select_related("fiscal_year")
    )
    receipts = receipt_views.posting_receipts(found)
    context = {
        "posting": found,
        "entries": entries,
        "page": paginate(request, receipts, PAGE_SIZE),
        "overs": found.over_deductions.select_related("member").order_by("member__number"),
    }
    return render(request, "billing/posting.html", context)


@staff_view("billing.view_bill")
def posting_receipts_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Every receipt of a unit's posting, one A5 page each, for printing."""
    found = get_object_or_404(UnitPosting.objects.select_related("cycle__period", "unit"), pk=pk)
    data = receipt_views.receipts_pdf(list(receipt_views.posting_receipts(found)))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="receipts-{found.cycle.period.code}-{found.unit.code}.pdf"'
    )
    return response


@staff_view("billing.view_bill")
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Receipt.objects.select_related("member", "bill__period", "bill__unit"), pk=pk)
    response = HttpResponse(receipt_views.receipts_pdf([found]), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{found.year_be}-{found.number:06d}.pdf"'
    return response


@staff_view("billing.change_billingcycle")
@require_http_methods(["GET", "POST"])
def cycle_close(request: HttpRequest, pk: int) -> HttpResponse:
    found = _cycle(pk)
    if request.method == "POST":
        try:
            closed = services.billing_cycle_close(cycle=found, by=request.user)
        except ServiceError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("ปิด%(cycle)s แล้ว") % {"cycle": closed})
        return redirect("billing:cycle", found.pk)
    result = selectors.cycle_reconciled(cycle=found)
    return render(request, "billing/close_confirm.html", {"cycle": found, "result": result})


@staff_view("billing.view_bill")
def over_deductions(request: HttpRequest) -> HttpResponse:
    waiting = request.GET.get("show") != "all"
    rows = OverDeduction.objects.select_related(
        "member__refund_choice__account", "bill__period", "posting__unit"
    ).order_by("-id")
    if waiting:
        rows = rows.filter(refunded_on__isnull=True)
    context = {
        "page": paginate(request, rows, PAGE_SIZE),
        "waiting": waiting,
        "standing": selectors.over_deductions_standing_summary(),
    }
    return render(request, "billing/over_deductions.html", context)


@staff_view("billing.change_overdeduction")
@require_http_methods(["GET", "POST"])
def over_deductions_refund_standing(request: HttpRequest) -> HttpResponse:
    """Paying back is irreversible: the page shows how many, how much and which ways, then asks."""
    summary = selectors.over_deductions_standing_summary()
    form = StandingRefundForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            done = services.over_deductions_refund_standing(on=form.cleaned_data["on"], by=request.user)
        except ServiceError as e:
            error_to_form(form, e)
        else:
            messages.success(
                request,
                _("คืนเงินหักเกินตามวิธีที่สมาชิกเลือกไว้แล้ว %(count)s ราย รวม %(amount)s บาท ใบสำคัญ %(vouchers)s")
                % {
                    "count": len(done),
                    "amount": f"{sum((over.amount for over in done), ZERO):,.2f}",
                    "vouchers": _labels_named([over.refund_entry.voucher_label for over in done]),
                },
            )
            return redirect("billing:over_deductions")
    return render(request, "billing/refund_standing_confirm.html", {"summary": summary, "form": form})


@staff_view("billing.change_overdeduction")
@require_http_methods(["GET", "POST"])
def over_deduction_refund(request: HttpRequest, pk: int) -> HttpResponse:
    """Paying back is irreversible: the form shows the member, the amount and the accounts, then asks."""
    found = get_object_or_404(OverDeduction.objects.select_related("member", "bill__period"), pk=pk)
    standing = StandingRefundChoice.objects.filter(member=found.member).first()
    initial = {"on": timezone.localdate(), "channel": standing.channel if standing else "bank",
               "account": standing.account_id if standing else None}  # fmt: skip
    form = RefundForm(request.POST or None, member=found.member, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.over_deduction_refund(
                over=found,
                on=form.cleaned_data["on"],
                channel=form.cleaned_data["channel"],
                account=form.cleaned_data.get("account"),
                remember=form.cleaned_data.get("remember", False),
                by=request.user,
            )
        except ServiceError as e:
            error_to_form(form, e)
        else:
            messages.success(
                request,
                _("คืนเงินหักเกิน %(amount)s บาท ให้ %(member)s แล้ว ใบสำคัญ %(voucher)s")
                % {
                    "amount": f"{done.amount:,.2f}",
                    "member": done.member.number_and_name,
                    "voucher": done.refund_entry.voucher_label,
                },
            )
            return redirect("billing:over_deductions")
    return render(request, "billing/refund_confirm.html", {"over": found, "form": form})


@staff_view("billing.view_bill")
def refund_choices(request: HttpRequest) -> HttpResponse:
    """How members asked to be paid back what was deducted and no longer owed (set from a refund's
    "use this way next time"), each with who set it and when."""
    filters = MemberFilterForm(request.GET or None)
    q = filters.cleaned_data["q"].strip() if filters.is_valid() else ""
    context = {"page": paginate(request, selectors.refund_choices(q=q), PAGE_SIZE), "filters": filters}
    return render(request, "billing/refund_choices.html", context)


@staff_view("billing.change_overdeduction")
@require_http_methods(["GET", "POST"])
def refund_choice_clear(request: HttpRequest, pk: int) -> HttpResponse:
    """Forgetting a choice changes how the member's next over-deduction is paid: shown, then asked."""
    choice = get_object_or_404(
        StandingRefundChoice.objects.select_related("member", "account", "set_by"), pk=pk
    )
    if request.method == "POST":
        try:
            what = services.refund_choice_clear(member=choice.member, by=request.user)
        except ServiceError as e:
            messages.error(request, e.message)
        else:
            messages.success(
                request,
                _("ยกเลิกวิธีรับเงินหักเกินประจำ (%(choice)s) ของ %(member)s แล้ว")
                % {"choice": what, "member": choice.member.number_and_name},
            )
        return redirect("billing:refund_choices")
    return render(request, "billing/refund_choice_clear.html", {"choice": choice})


# ======== Members who pay by bank account (หักบัญชีธนาคาร) ========


@staff_view("billing.view_bankdebitmandate")
@require_http_methods(["GET", "POST"])
def bank_debit_mandates(request: HttpRequest) -> HttpResponse:
    """The mandates, a form to add one, and the coop's collecting account the bank's file names."""
    filters = MemberFilterForm(request.GET or None)
    account = BankDebitAccount.objects.order_by("pk").first()
    form = BankDebitMandateForm(request.POST if "mandate" in request.POST else None)
    account_form = BankDebitAccountForm(
        request.POST if "account" in request.POST else None,
        initial={f: getattr(account, f) for f in ("bank_code", "account_no", "company_name", "service_code")}
        if account
        else None,
    )
    if request.method == "POST":
        if "account" in request.POST:
            if not request.user.has_perm("billing.change_bankdebitaccount"):
                raise PermissionDenied
            if account_form.is_valid():
                try:
                    saved = bank_debits.bank_debit_account_set(**account_form.cleaned_data, by=request.user)
                except ServiceError as e:
                    error_to_form(account_form, e)
                else:
                    messages.success(request, _("บันทึกบัญชีรับเงินหักบัญชีแล้ว: %(account)s") % {"account": saved})
                    return redirect("billing:bank_debits")
        else:
            if not request.user.has_perm("billing.add_bankdebitmandate"):
                raise PermissionDenied
            if form.is_valid():
                data = form.cleaned_data
                try:
                    mandate = bank_debits.bank_debit_mandate_start(
                        member=data["member"], bank_code=data["bank_code"], account_no=data["account_no"],
                        starts=data["starts"], by=request.user,
                    )  # fmt: skip
                except ServiceError as e:
                    error_to_form(form, e)
                else:
                    messages.success(
                        request,
                        _("%(member)s ชำระโดยหักบัญชี %(bank)s-%(account)s ตั้งแต่งวด %(month)s")
                        % {
                            "member": mandate.member.number_and_name,
                            "bank": mandate.bank_code,
                            "account": mandate.account_no,
                            "month": format_be_date(mandate.starts, "month"),
                        },
                    )
                    return redirect("billing:bank_debits")
    q = filters.cleaned_data.get("q") if filters.is_valid() else ""
    context = {
        "page": paginate(request, selectors.bank_debit_mandates(q=q or ""), PAGE_SIZE),
        "filters": filters,
        "form": form,
        "account": account,
        "account_form": account_form,
        "can_add": request.user.has_perm("billing.add_bankdebitmandate"),
        "can_account": request.user.has_perm("billing.change_bankdebitaccount"),
    }
    return render(request, "billing/bank_debits.html", context)


@staff_view("billing.change_bankdebitmandate")
@require_http_methods(["GET", "POST"])
def bank_debit_mandate_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Back to payroll deduction: the GET asks from which month, the POST ends the mandate."""
    mandate = get_object_or_404(BankDebitMandate.objects.select_related("member"), pk=pk)
    form = BankDebitEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ended = bank_debits.bank_debit_mandate_end(
                mandate=mandate, ends=form.cleaned_data["ends"], by=request.user
            )
        except ServiceError as e:
            error_to_form(form, e)
        else:
            messages.success(
                request,
                _("%(member)s กลับไปหักเงินเดือนผ่านหน่วยตั้งแต่งวด %(month)s")
                % {"member": ended.member.number_and_name, "month": format_be_date(ended.ends, "month")},
            )
            return redirect("billing:bank_debits")
    return render(request, "billing/bank_debit_end.html", {"mandate": mandate, "form": form})


@staff_view("billing.view_bill")
def cycle_bank_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle's direct-debit file for the bank (130-character records, cp874, CRLF)."""
    found = _cycle(pk)
    if found.status == CycleStatus.OPEN:
        raise Http404
    try:
        data = files.bank_debit_file(cycle=found)
    except ServiceError as e:
        messages.error(request, e.message)
        return redirect("billing:cycle", found.pk)
    response = HttpResponse(data, content_type=files.CONTENT_TYPES["fixed"])
    response["Content-Disposition"] = f'attachment; filename="{files.bank_debit_file_name(cycle=found)}"'
    return response


@staff_view("billing.change_billingcycle")
@require_http_methods(["GET", "POST"])
def cycle_bank_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Posting the bank's debits is irreversible: the first POST checks the bank's list of debits that
    did not go through and shows the effect; the second (the confirm button, the checked list carried
    along) posts."""
    found = _cycle(pk)
    summary = selectors.bank_debit_summary(cycle=found)
    if summary.posted:
        messages.info(request, _("ผ่านรายการหักบัญชีธนาคารของ%(cycle)s แล้ว") % {"cycle": found})
        return redirect("billing:cycle", found.pk)
    if found.status != CycleStatus.FROZEN or not summary.bills:
        raise Http404
    form = BankDebitResultForm(request.POST or None, request.FILES or None)
    short: dict[int, Decimal] | None = None
    if request.method == "POST" and form.is_valid():
        try:
            short = bank_debits.bank_debit_result_read(cycle=found, data=form.result_bytes())
            if request.POST.get("confirm") == "1":
                postings = bank_debits.bank_debits_post(cycle=found, short=short, by=request.user)
            else:
                postings = []
        except ServiceError as e:
            error_to_form(form, e)
            short = None
        else:
            if postings:
                received = sum((p.received for p in postings), ZERO)
                not_debited = sum((p.short for p in postings), ZERO)
                messages.success(
                    request,
                    _(
                        "ผ่านรายการหักบัญชีธนาคารของ%(cycle)s แล้ว: สมาชิก %(units)s หน่วย หักได้ %(received)s บาท "
                        "หักไม่ได้ %(short)s บาท ใบสำคัญ %(vouchers)s"
                    )
                    % {
                        "cycle": found,
                        "units": len(postings),
                        "received": f"{received:,.2f}",
                        "short": f"{not_debited:,.2f}",
                        "vouchers": _vouchers_named(postings),
                    },  # fmt: skip
                )
                # One unit's bank posting opens like a unit's posting (its receipts to print); many are
                # listed, each linked, in the cycle page's bank section.
                if len(postings) == 1:
                    return redirect("billing:posting", postings[0].pk)
                return redirect(reverse("billing:cycle", args=[found.pk]) + "#bank")
    short_total = ZERO
    if short:
        # The list can name thousands of members: read per chunk (SQLite takes 32,766 parameters).
        billed = dict(
            in_chunks(
                Bill.objects.filter(cycle=found).values_list("member_id", "total_billed"), "member_id", short
            )
        )
        short_total = sum((billed[member_id] - amount for member_id, amount in short.items()), ZERO)
    context = {
        "cycle": found,
        "summary": summary,
        "form": form,
        "checked": short is not None,
        "short_count": len(short or {}),
        "short_total": short_total,
        "received": summary.billed - short_total,
    }
    return render(request, "billing/bank_post_confirm.html", context)


@staff_view("billing.change_billingcycle")
@require_http_methods(["GET", "POST"])
def cycle_post_all(request: HttpRequest, pk: int) -> HttpResponse:
    """Posting every waiting unit at once is irreversible: the GET shows how many units wait, with and
    without a checked file, and what posting them would receive; the POST (the confirm button) posts."""
    found = _cycle(pk)
    if found.status != CycleStatus.FROZEN:
        raise Http404
    waiting = [row for row in selectors.cycle_units(cycle=found) if row.posting is None]
    with_file = [row for row in waiting if row.pending_import is not None]
    without = [row for row in waiting if row.pending_import is None]
    if request.method == "POST":
        try:
            postings = services.cycle_units_post(
                cycle=found, in_full=request.POST.get("in_full") == "1", by=request.user
            )
        except ServiceError as e:
            messages.error(request, e.message)
            return redirect("billing:cycle_post_all", found.pk)
        messages.success(
            request,
            _(
                "ผ่านรายการรับชำระ %(units)s หน่วยแล้ว: หักได้ %(received)s บาท หักไม่ได้ %(short)s บาท หักเกิน %(over)s บาท"
            )
            % {
                "units": f"{len(postings):,}",
                "received": f"{sum((p.received for p in postings), ZERO):,.2f}",
                "short": f"{sum((p.short for p in postings), ZERO):,.2f}",
                "over": f"{sum((p.over for p in postings), ZERO):,.2f}",
            },
        )
        return redirect("billing:cycle", found.pk)
    context = {
        "cycle": found,
        "with_file": len(with_file),
        "with_file_total": sum((row.pending_import.total for row in with_file), ZERO),
        "without": without,
        "without_total": sum((row.billed for row in without), ZERO),
    }
    return render(request, "billing/post_all_confirm.html", context)
