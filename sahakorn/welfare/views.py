"""Back-office screens for welfare (งานสวัสดิการ). Thin: forms parse, services write, selectors read.

A refused claim comes back as a ``WelfareError``: its message goes beside the field it names (or
above the form) and its rule checks are shown in a table, so the officer sees which rule refused it.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sahakorn.core.approval_views import DecisionForm, DecisionViews, request_decided
from sahakorn.core.errors import ServiceError
from sahakorn.core.forms import error_to_form
from sahakorn.core.paging import paginate
from sahakorn.core.permissions import staff_view
from sahakorn.core.rules import RuleCheck
from sahakorn.ledger.selectors import fiscal_year_span
from sahakorn.members.models import Member
from sahakorn.welfare import services
from sahakorn.welfare.errors import WelfareError
from sahakorn.welfare.forms import ClaimForm, PayForm, ReverseForm
from sahakorn.welfare.models import ClaimStatus, PaymentMethod, WelfareClaim, WelfareScheme
from sahakorn.welfare.selectors import (
    claims_base,
    welfare_claims,
    welfare_history,
    welfare_payments_report,
    welfare_schemes_available,
)

PAGE_SIZE = 50
SECTION_RECENT = 5


def _member_from_query(request: HttpRequest) -> Member | None:
    number = (request.GET.get("member") or "").strip()
    return Member.objects.select_related("unit").filter(number=number).first() if number else None


# ======== The member page's card ========


def member_section_context(member: Member) -> dict:
    """What the welfare card on the member page shows (registered in ``WelfareConfig.ready``)."""
    history = welfare_history(member=member)
    return {
        "history": history,
        "recent": history.rows[:SECTION_RECENT],
        "claim_url": f"{reverse('welfare:claim_create')}?member={member.number}",
        "claims_url": f"{reverse('welfare:claims')}?status=all&member={member.number}",
    }


# ======== Schemes (ประเภทสวัสดิการ) ========


@staff_view("welfare.view_welfarescheme")
def schemes(request: HttpRequest) -> HttpResponse:
    """The schemes, and for ``?member=…`` which of them that member can claim today and why not."""
    member = _member_from_query(request)
    today = timezone.localdate()
    rows = WelfareScheme.objects.prefetch_related("levels").order_by("code")
    availability = (
        {a.scheme.pk: a for a in welfare_schemes_available(member=member, on=today)} if member else {}
    )
    return render(
        request,
        "welfare/schemes.html",
        {
            "schemes": [(s, availability.get(s.pk)) for s in rows],
            "member": member,
            "member_query": request.GET.get("member", ""),
            "today": today,
        },
    )


@staff_view("welfare.view_welfarescheme")
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scheme = get_object_or_404(WelfareScheme.objects.prefetch_related("levels"), pk=pk)
    start, end = fiscal_year_span(on=timezone.localdate())
    report = welfare_payments_report(start=start, end=end)
    paid = next((s for s in report.schemes if s.code == scheme.code), None)
    return render(
        request,
        "welfare/scheme_detail.html",
        {
            "scheme": scheme,
            "year_start": start,
            "year_end": end,
            "paid": paid,
            "budget_left": (scheme.annual_budget - (paid.net_amount if paid else 0))
            if scheme.annual_budget is not None
            else None,
        },
    )


# ======== Claims (คำขอรับสวัสดิการ) ========


@staff_view("welfare.add_welfareclaim")
@require_http_methods(["GET", "POST"])
def claim_create(request: HttpRequest) -> HttpResponse:
    """The claim form: ``check`` shows the rule checks and the amount; ``save`` applies (refused if a rule fails)."""
    prefill = _member_from_query(request)
    initial = {"member": prefill.number} if prefill else {}
    if request.GET.get("scheme"):
        initial["scheme"] = request.GET["scheme"]
    form = ClaimForm(request.POST or None, initial=initial)
    checks: list[RuleCheck] = []
    amount = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "scheme": data["scheme"],
            "member": data["member"],
            "event_date": data["event_date"],
            "beneficiary_name": data["beneficiary_name"],
            "level": data["level"],
            "days": data["days"],
            "applied_on": data["applied_on"],
        }
        if request.POST.get("action") == ClaimForm.ACTION_SAVE:
            try:
                claim = services.welfare_claim_apply(
                    **fields,
                    beneficiary_relation=data["beneficiary_relation"],
                    note=data["note"],
                    by=request.user,
                )
            except WelfareError as e:
                error_to_form(form, e)
                checks = e.checks
            else:
                messages.success(
                    request,
                    _("บันทึกคำขอ%(scheme)s เลขที่ %(pk)s จำนวน %(amount)s บาท แล้ว รอผู้อนุมัติคนที่สอง")
                    % {"scheme": claim.scheme.name, "pk": claim.pk, "amount": f"{claim.amount:,.2f}"},
                )
                return redirect("welfare:claim_detail", pk=claim.pk)
        else:
            evaluation = services.welfare_claim_evaluate(**fields)
            checks, amount = evaluation.checks, evaluation.amount
    member = form.cleaned_data.get("member") if form.is_bound and hasattr(form, "cleaned_data") else prefill
    return render(
        request,
        "welfare/claim_form.html",
        {
            "form": form,
            "checks": checks,
            "amount": amount,
            "refused": any(not c.passed for c in checks),
            "member": member,
            "history": welfare_history(member=member) if member else None,
        },
    )


@staff_view("welfare.view_welfareclaim")
def claims(request: HttpRequest) -> HttpResponse:
    """The queue: pending claims by default (approve/reject), approved ones waiting for payment, all."""
    status = request.GET.get("status", ClaimStatus.PENDING)
    if status not in ClaimStatus.values:
        status = ""
    member = _member_from_query(request)
    page = paginate(request, welfare_claims(status=status or None, member=member), PAGE_SIZE)
    for row in page.object_list:
        row.check_list = row.rule_checks
    return render(
        request,
        "welfare/claims.html",
        {
            "page": page,
            "status": status,
            "statuses": ClaimStatus.choices,
            "member": member,
            "can_approve": request.user.has_perm(services.APPROVE_PERMISSION),
            "can_pay": request.user.has_perm(services.PAY_PERMISSION),
        },
    )


@staff_view("welfare.view_welfareclaim")
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_detail_render(request, get_object_or_404(claims_base(), pk=pk))


def _claim_detail_render(
    request: HttpRequest,
    claim: WelfareClaim,
    *,
    decision_form: DecisionForm | None = None,
    error: ServiceError | None = None,
    status: int = 200,
) -> HttpResponse:
    """The claim's page; ``DecisionViews`` re-shows it with a refused decision on the form (400)."""
    live_checks = None
    if claim.status == ClaimStatus.PENDING:
        # The approver decides on today's figures, not on those of the day it was recorded.
        live_checks = services.welfare_claim_recheck(claim=claim).checks
    user = request.user
    return render(
        request,
        "welfare/claim_detail.html",
        {
            "claim": claim,
            "stored_checks": claim.rule_checks,
            "live_checks": live_checks,
            "can_decide": claim.can_decide(user),
            "is_maker": claim.is_maker(user),
            "can_pay": user.has_perm(services.PAY_PERMISSION) and claim.status == ClaimStatus.APPROVED,
            "can_reverse": user.has_perm(services.REVERSE_PERMISSION)
            and claim.status == ClaimStatus.PAID
            and claim.payment_method != PaymentMethod.DEPOSIT,
            "decision_form": decision_form or DecisionForm(),
        },
        status=status,
    )


DECISIONS = DecisionViews(
    permission=WelfareClaim.approve_permission,
    load=lambda pk: get_object_or_404(claims_base(), pk=pk),
    approve_service=lambda claim, by, note: services.welfare_claim_approve(claim=claim, by=by, note=note),
    reject_service=lambda claim, by, note: services.welfare_claim_reject(claim=claim, by=by, note=note),
    page=_claim_detail_render,
    detail_url="welfare:claim_detail",
    approved=request_decided(gettext_lazy("อนุมัติ")),
    rejected=request_decided(gettext_lazy("ไม่อนุมัติ")),
)


def _deposit_account(member: Member, number: str):
    """The member's deposit account by its number, or a ``WelfareError`` naming the field."""
    try:
        from sahakorn.deposits.models import DepositAccount
    except ImportError:
        raise WelfareError("ยังจ่ายเข้าบัญชีเงินฝากไม่ได้: ระบบเงินฝากยังไม่เปิดใช้", field="deposit_account") from None
    account = DepositAccount.objects.filter(number=number.strip(), member_id=member.pk).first()
    if account is None:
        raise WelfareError(
            f"ไม่พบบัญชีเงินฝากเลขที่ {number.strip()} ของสมาชิก {member.number}", field="deposit_account"
        )
    return account


@staff_view("welfare.pay_welfareclaim")
@require_http_methods(["GET", "POST"])
def claim_pay(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(claims_base(), pk=pk)
    form = PayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = (
                _deposit_account(claim.member, data["deposit_account"])
                if data["method"] == PaymentMethod.DEPOSIT
                else None
            )
            claim = services.welfare_claim_pay(
                claim=claim, method=data["method"], on=data["on"], by=request.user, deposit_account=account
            )
        except WelfareError as e:
            error_to_form(form, e)
        else:
            messages.success(
                request,
                _("จ่าย%(scheme)s %(amount)s บาท ใบสำคัญ %(voucher)s แล้ว")
                % {
                    "scheme": claim.scheme.name,
                    "amount": f"{claim.amount:,.2f}",
                    "voucher": claim.journal_entry.voucher_label,
                },
            )
            return redirect("welfare:claim_detail", pk=claim.pk)
    return render(request, "welfare/claim_pay.html", {"form": form, "claim": claim})


@staff_view("welfare.reverse_welfareclaim")
@require_http_methods(["GET", "POST"])
def claim_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(claims_base(), pk=pk)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.welfare_claim_reverse(
                claim=claim, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"], by=request.user
            )
        except WelfareError as e:
            error_to_form(form, e)
        else:
            messages.success(
                request,
                _("กลับรายการแล้ว ใบสำคัญ %(voucher)s") % {"voucher": claim.reversal_entry.voucher_label},
            )
            return redirect("welfare:claim_detail", pk=claim.pk)
    return render(request, "welfare/claim_reverse.html", {"form": form, "claim": claim})
