"""Back-office screens for share operations (งานทุนเรือนหุ้น). Thin: forms parse, services write.

A refused operation comes back as a ``ShareError``: its message goes beside the field it names
(or above the form), and its rule checks are shown in a table, so the officer sees which rule
refused which figure.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sahakorn.core.approval_views import DecisionForm, DecisionViews, request_decided
from sahakorn.core.forms import error_to_form
from sahakorn.core.money import ZERO
from sahakorn.core.paging import paginate
from sahakorn.core.rules import RuleCheck
from sahakorn.core.subledger import member_debts
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.selectors import account_balance
from sahakorn.members.models import Member
from sahakorn.shares import services
from sahakorn.shares.errors import ShareError
from sahakorn.shares.forms import MonthlyChangeForm, PurchaseForm, RefundForm, RequestForm, ReverseForm
from sahakorn.shares.models import RequestStatus, ShareAccount, ShareRequest, ShareTransaction
from sahakorn.shares.rules import monthly_requirement, share_rules_for

PAGE_SIZE = 50


# ======== Helpers ========


def _member_from_query(request: HttpRequest) -> Member | None:
    number = (request.GET.get("member") or "").strip()
    return Member.objects.select_related("unit").filter(number=number).first() if number else None


def member_share_facts(member: Member | None) -> dict | None:
    """What an officer needs beside a share form: balances, monthly shares and the rules' requirement."""
    if member is None:
        return None
    today = timezone.localdate()
    account = ShareAccount.objects.filter(member=member).first()
    try:
        requirement = monthly_requirement(rules=share_rules_for(on=today), salary=member.salary)
    except ShareError:
        requirement = None
    debts = member_debts(member=member, on=today)
    return {
        "member": member,
        "account": account,
        "monthly_in_force": services.monthly_shares_in_force(account=account, period=today)
        if account
        else None,
        "requirement": requirement,
        "pending_refund": account_balance(account="share_refund_payable", member_id=member.pk),
        "debts": debts,
        "debts_total": sum((d.amount for d in debts), ZERO),
    }


def _back_to(member: Member, fallback: str) -> str:
    return f"{reverse(fallback)}?member={member.number}"


# ======== Purchases (ซื้อหุ้น) ========


@login_required
@permission_required("shares.add_sharetransaction", raise_exception=True)
@require_http_methods(["GET", "POST"])
def purchase(request: HttpRequest) -> HttpResponse:
    prefill = _member_from_query(request)
    form = PurchaseForm(request.POST or None, initial={"member": prefill.number} if prefill else None)
    checks: list[RuleCheck] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        member = data["member"]
        try:
            if data["kind"] == PurchaseForm.KIND_INITIAL:
                row = services.share_initial_purchase(
                    member=member,
                    shares=data["shares"],
                    on=data["on"],
                    channel=data["channel"],
                    by=request.user,
                    with_entrance_fee=data["with_entrance_fee"],
                )
            else:
                row = services.share_extra_purchase(
                    member=member,
                    shares=data["shares"],
                    amount=data["amount"],
                    on=data["on"],
                    channel=data["channel"],
                    by=request.user,
                )
        except ShareError as e:
            error_to_form(form, e)
            checks = e.checks
        else:
            messages.success(
                request,
                _("บันทึก%(kind)s %(number)s %(shares)s หุ้น %(amount)s บาท ใบสำคัญ %(voucher)s แล้ว")
                % {
                    "kind": row.get_kind_display(),
                    "number": member.number,
                    "shares": f"{row.shares:,}",
                    "amount": f"{row.amount:,.2f}",
                    "voucher": row.journal_entry.voucher_label,
                },
            )
            return redirect(_back_to(member, "shares:purchase"))
    member = form.cleaned_data.get("member") if form.is_bound and hasattr(form, "cleaned_data") else prefill
    return render(
        request,
        "shares/operations/purchase.html",
        {"form": form, "checks": checks, "facts": member_share_facts(member)},
    )


# ======== Monthly shares (เปลี่ยนหุ้นรายเดือน) ========


@login_required
@permission_required("shares.change_shareaccount", raise_exception=True)
@require_http_methods(["GET", "POST"])
def monthly_change(request: HttpRequest) -> HttpResponse:
    prefill = _member_from_query(request)
    today = timezone.localdate()
    initial = {"effective_month": today.replace(day=1)}
    if prefill:
        initial["member"] = prefill.number
    form = MonthlyChangeForm(request.POST or None, initial=initial)
    checks: list[RuleCheck] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            change = services.share_monthly_change(
                member=data["member"],
                to_shares=data["to_shares"],
                effective_month=data["effective_month"],
                reason=data["reason"],
                note=data["note"],
                by=request.user,
            )
        except ShareError as e:
            error_to_form(form, e)
            checks = e.checks
        else:
            messages.success(
                request,
                _("เปลี่ยนหุ้นรายเดือนจาก %(old)s เป็น %(new)s หุ้น มีผลตั้งแต่ %(month)s แล้ว")
                % {
                    "old": f"{change.from_shares:,}",
                    "new": f"{change.to_shares:,}",
                    "month": format_be_date(change.effective_month, "month"),
                },
            )
            return redirect(_back_to(data["member"], "shares:monthly_change"))
    member = form.cleaned_data.get("member") if form.is_bound and hasattr(form, "cleaned_data") else prefill
    facts = member_share_facts(member)
    changes = (
        member.share_account.monthly_changes.select_related("created_by").order_by("-effective_month", "-id")[
            :12
        ]
        if facts and facts["account"]
        else []
    )
    return render(
        request,
        "shares/operations/monthly_change.html",
        {"form": form, "checks": checks, "facts": facts, "changes": changes},
    )


# ======== Requests (คำขอถอน โอน งดส่ง) ========


@login_required
@permission_required("shares.add_sharerequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def request_create(request: HttpRequest) -> HttpResponse:
    prefill = _member_from_query(request)
    initial = {"member": prefill.number} if prefill else {}
    if request.GET.get("kind"):
        initial["kind"] = request.GET["kind"]
    form = RequestForm(request.POST or None, initial=initial)
    checks: list[RuleCheck] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            share_request = services.share_request_create(
                kind=data["kind"],
                member=data["member"],
                to_member=data["to_member"],
                shares=data["shares"],
                suspension=data["suspension"],
                effective_on=data["effective_on"],
                reason=data["reason"],
                by=request.user,
            )
        except ShareError as e:
            error_to_form(form, e)
            checks = e.checks
        else:
            messages.success(
                request,
                _("บันทึกคำขอ%(kind)s เลขที่ %(pk)s แล้ว รอผู้อนุมัติคนที่สอง")
                % {"kind": share_request.get_kind_display(), "pk": share_request.pk},
            )
            return redirect("shares:request_detail", pk=share_request.pk)
    member = form.cleaned_data.get("member") if form.is_bound and hasattr(form, "cleaned_data") else prefill
    return render(
        request,
        "shares/operations/request_form.html",
        {"form": form, "checks": checks, "facts": member_share_facts(member)},
    )


def _requests_base():
    return ShareRequest.objects.select_related("member", "to_member", "requested_by", "decided_by")


@login_required
@permission_required("shares.view_sharerequest", raise_exception=True)
def requests(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", RequestStatus.PENDING)
    rows = _requests_base()
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    else:
        status = ""
    rows = rows.order_by("requested_at", "id") if status == RequestStatus.PENDING else rows
    page = paginate(request, rows, PAGE_SIZE)
    return render(
        request,
        "shares/operations/requests.html",
        {
            "page": page,
            "status": status,
            "statuses": RequestStatus.choices,
            "can_approve": request.user.has_perm(ShareRequest.approve_permission),
            "decision_form": DecisionForm(),
        },
    )


@login_required
@permission_required("shares.view_sharerequest", raise_exception=True)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    share_request = get_object_or_404(
        _requests_base().prefetch_related(
            Prefetch(
                "transactions",
                queryset=ShareTransaction.objects.select_related(
                    "account__member", "journal_entry__fiscal_year"
                ),
            )
        ),
        pk=pk,
    )
    return _request_detail_render(request, share_request)


def _request_detail_render(
    request: HttpRequest,
    share_request: ShareRequest,
    *,
    decision_form: DecisionForm | None = None,
    error: ShareError | None = None,
    status: int = 200,
) -> HttpResponse:
    """The request's page; after a refused decision (status 400) the refusal is already on
    ``decision_form`` (``DecisionViews`` put it there), so ``error`` needs nothing more here."""
    live_checks: list[RuleCheck] | None = None
    live_error = ""
    if share_request.status == RequestStatus.PENDING:
        # The approver decides on today's figures, not on those of the day it was recorded.
        try:
            live_checks = services.share_request_checks(
                kind=share_request.kind,
                member=share_request.member,
                effective_on=share_request.effective_on,
                to_member=share_request.to_member,
                shares=share_request.shares,
                suspension=share_request.suspension,
            )
        except ShareError as e:
            live_error = e.message
    return render(
        request,
        "shares/operations/request_detail.html",
        {
            "req": share_request,
            "stored_checks": share_request.rule_checks,
            "live_checks": live_checks,
            "live_error": live_error,
            "can_decide": share_request.can_decide(request.user),
            "is_maker": share_request.is_maker(request.user),
            "decision_form": decision_form or DecisionForm(),
            "facts": member_share_facts(share_request.member),
        },
        status=status,
    )


DECISIONS = DecisionViews(
    permission=ShareRequest.approve_permission,
    load=lambda pk: get_object_or_404(_requests_base(), pk=pk),
    approve_service=lambda record, by, note: services.share_request_approve(request=record, by=by, note=note),
    reject_service=lambda record, by, note: services.share_request_reject(request=record, by=by, note=note),
    page=_request_detail_render,
    detail_url="shares:request_detail",
    approved=request_decided(gettext_lazy("อนุมัติและผ่านรายการ")),
    rejected=request_decided(gettext_lazy("ไม่อนุมัติ")),
)


# ======== Refund (จ่ายคืนค่าหุ้น) ========


@login_required
@permission_required("shares.add_sharetransaction", raise_exception=True)
@require_http_methods(["GET", "POST"])
def refund_pay(request: HttpRequest) -> HttpResponse:
    prefill = _member_from_query(request)
    form = RefundForm(request.POST or None, initial={"member": prefill.number} if prefill else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.share_refund_pay(
                member=data["member"],
                amount=data["amount"],
                on=data["on"],
                channel=data["channel"],
                by=request.user,
            )
        except ShareError as e:
            error_to_form(form, e)
        else:
            amount = sum((line.credit for line in entry.lines.all()), ZERO)
            messages.success(
                request,
                _("จ่ายคืนค่าหุ้น %(number)s %(amount)s บาท ใบสำคัญ %(voucher)s แล้ว")
                % {
                    "number": data["member"].number,
                    "amount": f"{amount:,.2f}",
                    "voucher": entry.voucher_label,
                },
            )
            return redirect(_back_to(data["member"], "shares:refund_pay"))
    member = form.cleaned_data.get("member") if form.is_bound and hasattr(form, "cleaned_data") else prefill
    return render(
        request, "shares/operations/refund_pay.html", {"form": form, "facts": member_share_facts(member)}
    )


# ======== Reversal (กลับรายการ) ========


@login_required
@permission_required("shares.add_sharetransaction", raise_exception=True)
@require_http_methods(["GET", "POST"])
def reverse_transaction(request: HttpRequest, pk: int) -> HttpResponse:
    row = (
        ShareTransaction.objects.select_related("account__member", "journal_entry__fiscal_year", "created_by")
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404(_("ไม่พบรายการหุ้น"))
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reversal = services.share_transaction_reverse(
                transaction=row,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ShareError as e:
            error_to_form(form, e)
        else:
            messages.success(
                request,
                _("กลับรายการแล้ว ใบสำคัญ %(voucher)s") % {"voucher": reversal.journal_entry.voucher_label},
            )
            return redirect("shares:account", pk=row.account.member_id)
    reversed_by = (
        ShareTransaction.objects.filter(reverses=row).select_related("journal_entry__fiscal_year").first()
    )
    siblings = ShareTransaction.objects.filter(journal_entry=row.journal_entry).exclude(pk=row.pk).count()
    return render(
        request,
        "shares/operations/reverse.html",
        {
            "form": form,
            "row": row,
            "reversed_by": reversed_by,
            "siblings": siblings,
            "member": row.account.member,
        },
    )
