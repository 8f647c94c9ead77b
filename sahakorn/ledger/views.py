"""Back-office screens of the general ledger. Thin: forms in, services and selectors do the work."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sahakorn.core.money import ZERO
from sahakorn.core.months import month_start
from sahakorn.core.paging import paginate
from sahakorn.core.permissions import StaffRequest, staff_view
from sahakorn.ledger import selectors, services
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.forms import (
    EntryForm,
    JournalFilterForm,
    LineFormSet,
    ReverseForm,
    StatementForm,
    TrialBalanceForm,
)
from sahakorn.ledger.models import FiscalPeriod, JournalEntry

JOURNAL_PAGE_SIZE = 50


@staff_view("ledger.view_journalentry")
def journal(request: HttpRequest) -> HttpResponse:
    """สมุดรายวันทั่วไป: vouchers by B.E. date range, source and voucher number."""
    today = timezone.localdate()
    form = JournalFilterForm(request.GET or None, initial={"start": month_start(today), "end": today})
    filters: dict[str, Any] = {
        "start": month_start(today),
        "end": today,
        "source": "",
        "status": "posted",
        "voucher": "",
    }
    if form.is_bound and form.is_valid():
        filters.update({k: v for k, v in form.cleaned_data.items() if k in filters})
        filters["status"] = filters["status"] or "posted"
    entries = selectors.general_journal(
        start=filters["start"],
        end=filters["end"],
        source=filters["source"] or None,
        status=None if filters["status"] == "all" else filters["status"],
        voucher=filters["voucher"] or None,
    )
    page = paginate(request, entries, JOURNAL_PAGE_SIZE)
    return render(
        request,
        "ledger/journal.html",
        {"form": form, "page": page, "filters": filters},
    )


def _entry_context(entry: JournalEntry, reverse_form: ReverseForm | None = None, user: Any = None) -> dict:
    lines = list(entry.lines.all())
    total_debit = sum((line.debit for line in lines), ZERO)
    awaits_approval = services.manual_voucher_awaits_approval(entry, total_debit=total_debit)
    return {
        "entry": entry,
        "lines": lines,
        "total_debit": total_debit,
        "total_credit": sum((line.credit for line in lines), ZERO),
        "awaits_approval": awaits_approval,
        "approval_limit": services.manual_voucher_approval_limit() if awaits_approval else None,
        "can_approve": awaits_approval and _may_approve(user, entry),
        "reversal": selectors.journal_entry_reversal(entry=entry) if entry.is_posted else None,
        "reverse_form": reverse_form or ReverseForm(initial={"date": timezone.localdate()}),
    }


def _may_approve(user: Any, entry: JournalEntry) -> bool:
    """The approve button: an approver who did not record the voucher (the service checks again)."""
    return bool(user and user.has_perm("ledger.approve_journalentry") and user.pk != entry.created_by_id)


def _entry_or_404(pk: int) -> JournalEntry:
    try:
        return selectors.journal_entry_get(pk=pk)
    except JournalEntry.DoesNotExist:
        raise Http404 from None


@staff_view("ledger.view_journalentry")
def entry(request: HttpRequest, pk: int) -> HttpResponse:
    """ใบสำคัญ: one voucher with its lines, who made and posted it, and its reversal."""
    return render(request, "ledger/entry.html", _entry_context(_entry_or_404(pk), user=request.user))


@require_POST
@staff_view("ledger.post_journalentry")
def entry_post(request: StaffRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(JournalEntry, pk=pk)
    try:
        posted = services.journal_entry_post(entry=draft, posted_by=request.user)
    except LedgerError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("ผ่านรายการแล้ว เลขที่ใบสำคัญ %(label)s") % {"label": posted.voucher_label})
    return redirect("ledger:entry", pk=pk)


@require_POST
@staff_view("ledger.reverse_journalentry")
def entry_reverse(request: StaffRequest, pk: int) -> HttpResponse:
    original = _entry_or_404(pk)
    form = ReverseForm(request.POST)
    if form.is_valid():
        try:
            reversal = services.ledger_voucher_reverse(
                entry=original,
                date=form.cleaned_data["date"],
                reason=form.cleaned_data["reason"],
                reversed_by=request.user,
            )
        except LedgerError as e:
            form.add_error(None, str(e))
        else:
            messages.success(
                request,
                _("กลับรายการ %(original)s แล้ว ด้วยใบสำคัญ %(label)s")
                % {"original": original.voucher_label, "label": reversal.voucher_label},
            )
            return redirect("ledger:entry", pk=reversal.pk)
    return render(
        request, "ledger/entry.html", _entry_context(original, reverse_form=form, user=request.user)
    )


@require_POST
@staff_view("ledger.add_journalentry")
def entry_delete(request: HttpRequest, pk: int) -> HttpResponse:
    draft = get_object_or_404(JournalEntry, pk=pk)
    try:
        services.journal_entry_delete(entry=draft)
    except LedgerError as e:
        messages.error(request, str(e))
        return redirect("ledger:entry", pk=pk)
    messages.success(request, _("ลบใบสำคัญร่างแล้ว"))
    return redirect(f"{reverse('ledger:journal')}?status=draft")


@staff_view("ledger.add_journalentry")
def entry_create(request: StaffRequest) -> HttpResponse:
    """บันทึกใบสำคัญ: a manual voucher, saved as a draft or posted at once."""
    can_post = request.user.has_perm("ledger.post_journalentry")
    if request.method == "POST":
        form = EntryForm(request.POST)
        formset = LineFormSet(request.POST, prefix="lines")
        post_now = request.POST.get("action") == "post"
        if post_now and not can_post:
            raise PermissionDenied
        if form.is_valid() and formset.is_valid():
            args = {
                "date": form.cleaned_data["date"],
                "description": form.cleaned_data["description"],
                "lines": formset.lines(),
            }
            try:
                if post_now:
                    saved = services.manual_voucher_record(**args, by=request.user)
                else:
                    saved = services.journal_entry_create(**args, created_by=request.user)
            except LedgerError as e:
                form.add_error(None, str(e))
            else:
                if post_now and saved.is_posted:
                    messages.success(
                        request, _("บันทึกและผ่านรายการแล้ว เลขที่ %(label)s") % {"label": saved.voucher_label}
                    )
                elif post_now:
                    messages.warning(
                        request,
                        _(
                            "บันทึกใบสำคัญแล้ว รออนุมัติ: ยอดเดบิตรวมเกิน %(limit)s บาท "
                            "ต้องให้สมุห์บัญชีหรือผู้จัดการอีกคนอนุมัติจึงจะผ่านรายการ"
                        )
                        % {"limit": f"{services.manual_voucher_approval_limit():,.2f}"},
                    )
                else:
                    messages.success(request, _("บันทึกใบสำคัญร่างแล้ว"))
                return redirect("ledger:entry", pk=saved.pk)
    else:
        form = EntryForm(initial={"date": timezone.localdate()})
        formset = LineFormSet(prefix="lines")
    return render(request, "ledger/entry_form.html", {"form": form, "formset": formset, "can_post": can_post})


@staff_view("ledger.approve_journalentry")
def approvals(request: StaffRequest) -> HttpResponse:
    """ใบสำคัญรออนุมัติ: manual vouchers above the coop's limit, waiting for a second person."""
    limit = services.manual_voucher_approval_limit()
    entries = selectors.manual_vouchers_awaiting_approval(limit=limit)
    for waiting in entries:
        waiting.own = waiting.created_by_id == request.user.pk  # type: ignore[attr-defined]  # template only
    return render(request, "ledger/approvals.html", {"entries": entries, "limit": limit})


@staff_view("ledger.approve_journalentry")
def entry_approve(request: StaffRequest, pk: int) -> HttpResponse:
    """Approve a manual voucher: its lines to read first (GET), then the approval posts it (POST)."""
    draft = _entry_or_404(pk)
    context = _entry_context(draft, user=request.user)
    if request.method == "POST":
        try:
            posted = services.manual_voucher_approve(entry=draft, by=request.user)
        except LedgerError as e:
            context["error"] = str(e)
            return render(request, "ledger/entry_approve.html", context, status=400)
        messages.success(
            request, _("อนุมัติและผ่านรายการแล้ว เลขที่ใบสำคัญ %(label)s") % {"label": posted.voucher_label}
        )
        return redirect("ledger:entry", pk=pk)
    if not context["awaits_approval"]:
        messages.error(request, _("ใบสำคัญนี้ไม่ได้รออนุมัติ"))
        return redirect("ledger:entry", pk=pk)
    return render(request, "ledger/entry_approve.html", context)


@staff_view("ledger.view_journalentry")
def trial_balance(request: HttpRequest) -> HttpResponse:
    """งบทดลอง as of a B.E. date."""
    form = TrialBalanceForm(request.GET or None)
    as_of, fiscal_year = timezone.localdate(), None
    if form.is_bound and form.is_valid():
        as_of = form.cleaned_data["as_of"] or as_of
        fiscal_year = form.cleaned_data["fiscal_year"]
    if not form.is_bound:
        form = TrialBalanceForm(initial={"as_of": as_of})
    report = selectors.trial_balance(as_of=as_of, fiscal_year=fiscal_year)
    # An account code links to its ledger card for the fiscal year up to the same date.
    year = fiscal_year or selectors.fiscal_year_for(on=as_of)
    statement_start = year.start_date if year else month_start(as_of)
    return render(
        request,
        "ledger/trial_balance.html",
        {"form": form, "report": report, "statement_start": statement_start},
    )


@staff_view("ledger.view_journalentry")
def account_statement(request: HttpRequest) -> HttpResponse:
    """บัญชีแยกประเภท: one account's postings with a running balance."""
    today = timezone.localdate()
    statement = None
    if "account" in request.GET:
        form = StatementForm(request.GET)
        if form.is_valid():
            statement = selectors.account_statement(
                account=form.cleaned_data["account"],
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
            )
    else:
        form = StatementForm(initial={"start": month_start(today), "end": today})
    return render(request, "ledger/account_statement.html", {"form": form, "statement": statement})


@staff_view("ledger.view_account")
def chart(request: HttpRequest) -> HttpResponse:
    """ผังบัญชี as a tree, with the roles the code posts to."""
    return render(request, "ledger/chart.html", {"nodes": selectors.chart_tree()})


@staff_view("ledger.view_fiscalyear")
def periods(request: HttpRequest) -> HttpResponse:
    """ปีบัญชีและงวดบัญชี: status of each period, closing in order, opening the next year."""
    years = selectors.fiscal_years_with_periods()
    for year in years:
        # Periods close in order, so only the earliest open one offers a close button.
        year.next_to_close_id = next(  # type: ignore[attr-defined]  # read by the template only
            (p.pk for p in year.periods.all() if not p.is_closed), None
        )
    return render(request, "ledger/periods.html", {"years": years})


@require_POST
@staff_view("ledger.close_fiscalperiod")
def period_close(request: StaffRequest, pk: int) -> HttpResponse:
    period = get_object_or_404(FiscalPeriod.objects.select_related("fiscal_year"), pk=pk)
    try:
        services.fiscal_period_close(period=period, closed_by=request.user)
    except LedgerError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("ปิด%(period)s แล้ว") % {"period": period})
    return redirect("ledger:periods")


@require_POST
@staff_view("ledger.close_fiscalperiod")
def fiscal_year_open(request: HttpRequest) -> HttpResponse:
    try:
        year = services.fiscal_year_open_next()
    except LedgerError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("เปิด%(year)s แล้ว") % {"year": year})
    return redirect("ledger:periods")
