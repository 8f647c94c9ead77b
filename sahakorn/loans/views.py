"""Back-office loan screens (งานเงินกู้). Thin: forms parse, services write; a refused action comes back
as a ``LoanError`` whose message goes beside its field and whose checks are shown in a table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from sahakorn.core.paging import paginate
from sahakorn.loans import services
from sahakorn.loans.eligibility import loan_eligibility
from sahakorn.loans.errors import LoanError
from sahakorn.loans.forms import (
    ApplicationForm,
    DecisionForm,
    DisburseForm,
    EligibilityForm,
    ReplaceGuarantorForm,
)
from sahakorn.loans.models import ApplicationStatus, LoanApplication, LoanContract
from sahakorn.loans.rules import RuleCheck
from sahakorn.loans.selectors import contract_transactions, loan_applications

PAGE_SIZE = 50


def _error_to_form(form, error: LoanError) -> None:
    if error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)


@login_required
@permission_required("loans.view_loanapplication", raise_exception=True)
def eligibility(request: HttpRequest) -> HttpResponse:
    # A link with only ?member=… (from the member page) opens the form for that member, unchecked.
    if "product" in request.GET:
        form = EligibilityForm(request.GET)
    else:
        form = EligibilityForm(initial={"member": request.GET.get("member", "")})
    result = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            result = loan_eligibility(
                member=data["member"],
                product=data["product"],
                amount=data["amount"],
                installments=data["installments"],
                on=data["on"],
            )
        except LoanError as e:
            _error_to_form(form, e)
    return render(request, "loans/eligibility.html", {"form": form, "result": result})


@login_required
@permission_required("loans.add_loanapplication", raise_exception=True)
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest) -> HttpResponse:
    initial = {"member": request.GET.get("member", "")}
    form = ApplicationForm(request.POST or None, initial=initial)
    checks: list[RuleCheck] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app = services.loan_application_create(
                member=data["member"],
                product=data["product"],
                amount=data["amount"],
                installments=data["installments"],
                guarantors=data["guarantors"],
                applied_on=data["applied_on"],
                by=request.user,
                purpose=data["purpose"],
                refinance=data["refinance"],
            )
        except LoanError as e:
            _error_to_form(form, e)
            checks = e.checks
        else:
            messages.success(request, f"บันทึกคำขอกู้เลขที่ {app.pk} แล้ว รออนุมัติ")
            return redirect("loans:application_detail", pk=app.pk)
    return render(request, "loans/application_form.html", {"form": form, "checks": checks})


@login_required
@permission_required("loans.view_loanapplication", raise_exception=True)
def applications(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ApplicationStatus.PENDING)
    if status not in ApplicationStatus.values:
        status = ""
    page = paginate(request, loan_applications(status=status or None), PAGE_SIZE)
    return render(
        request,
        "loans/applications.html",
        {"page": page, "status": status, "statuses": ApplicationStatus.choices},
    )


def _application(pk: int) -> LoanApplication:
    return get_object_or_404(
        LoanApplication.objects.select_related(
            "member", "product", "refinance", "requested_by", "decided_by"
        ),
        pk=pk,
    )


@login_required
@permission_required("loans.view_loanapplication", raise_exception=True)
def application_detail(request: HttpRequest, pk: int, decision_form=None, error=None) -> HttpResponse:
    app = _application(pk)
    return render(
        request,
        "loans/application_detail.html",
        {
            "app": app,
            "checks": [RuleCheck.from_json(c) for c in app.checks],
            "live_checks": error.checks if error else [],
            "guarantees": app.guarantees.select_related("guarantor").order_by("id"),
            "decision_form": decision_form or DecisionForm(),
            "can_decide": app.status == ApplicationStatus.PENDING
            and request.user.has_perm("loans.approve_loanapplication"),
            "is_maker": app.requested_by_id == request.user.pk,
            "contract": LoanContract.objects.filter(application=app).first(),
        },
    )


def _decide(request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
    app = _application(pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            if approve:
                services.loan_application_approve(
                    application=app, by=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, f"อนุมัติคำขอกู้เลขที่ {app.pk} แล้ว")
            else:
                services.loan_application_reject(
                    application=app, by=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, f"ไม่อนุมัติคำขอกู้เลขที่ {app.pk} แล้ว")
        except LoanError as e:
            _error_to_form(form, e)
            return application_detail(request, pk, decision_form=form, error=e)
        return redirect("loans:application_detail", pk=app.pk)
    return application_detail(request, pk, decision_form=form)


@login_required
@permission_required("loans.approve_loanapplication", raise_exception=True)
@require_POST
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=True)


@login_required
@permission_required("loans.approve_loanapplication", raise_exception=True)
@require_POST
def application_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, approve=False)


@login_required
@permission_required("loans.add_loantransaction", raise_exception=True)
@require_http_methods(["GET", "POST"])
def disburse(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application(pk)
    form = DisburseForm(request.POST or None, member=app.member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.loan_disburse(
                application=app,
                on=data["on"],
                channel=data["channel"],
                deposit_account=data["deposit_account"],
                first_due=data["first_due"],
                by=request.user,
            )
        except LoanError as e:
            _error_to_form(form, e)
        else:
            messages.success(request, f"จ่ายเงินกู้ สัญญาเลขที่ {contract.number} แล้ว")
            return redirect("loans:contract", pk=contract.pk)
    return render(request, "loans/disburse.html", {"app": app, "form": form})


@login_required
@permission_required("loans.view_loancontract", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = get_object_or_404(
        LoanContract.objects.select_related("member", "product", "application"), pk=pk
    )
    form = ReplaceGuarantorForm(request.POST or None, contract=contract, initial={"on": timezone.localdate()})
    checks: list[RuleCheck] = []
    if request.method == "POST":
        if not request.user.has_perm("loans.change_loancontract"):
            return HttpResponse(status=403)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.guarantor_replace(
                    contract=contract, old=data["old"], new=data["new"], on=data["on"], by=request.user
                )
            except LoanError as e:
                _error_to_form(form, e)
                checks = e.checks
            else:
                messages.success(request, f"เปลี่ยนผู้ค้ำของสัญญา {contract.number} แล้ว")
                return redirect("loans:contract", pk=contract.pk)
    return render(
        request,
        "loans/contract.html",
        {
            "contract": contract,
            "schedule": contract.schedule.filter(superseded_at__isnull=True).order_by("number"),
            "transactions": contract_transactions(contract),
            "guarantees": contract.guarantees.select_related("guarantor").order_by("id"),
            "form": form,
            "checks": checks,
        },
    )
