"""Back-office loan screens (งานเงินกู้). Thin: forms parse, services write; a refused action comes back
as a ``LoanError`` whose message goes beside its field and whose checks are shown in a table."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from sahakorn.core.approval_views import DecisionForm, DecisionViews
from sahakorn.core.forms import error_to_form
from sahakorn.core.money import baht
from sahakorn.core.paging import paginate
from sahakorn.core.rules import RuleCheck
from sahakorn.core.thai import format_be_date
from sahakorn.loans import services
from sahakorn.loans.eligibility import loan_eligibility
from sahakorn.loans.errors import LoanError
from sahakorn.loans.events import loan_events_of
from sahakorn.loans.forms import (
    ApplicationForm,
    ContractFilterForm,
    DisburseForm,
    EligibilityForm,
    PaymentForm,
    PayoffForm,
    QuoteForm,
    RateChangeForm,
    RefundForm,
    ReplaceGuarantorForm,
    ReverseForm,
)
from sahakorn.loans.models import ApplicationStatus, ContractStatus, LoanApplication, LoanContract
from sahakorn.loans.payments import (
    ONE_DAY,
    loan_interest_refund,
    loan_payment_record,
    loan_payoff,
    loan_payoff_figures,
    loan_transaction_reverse,
)
from sahakorn.loans.rates import loan_rate_change
from sahakorn.loans.selectors import (
    contract_summary,
    contract_transactions,
    latest_reversible_payment,
    loan_applications,
    loan_contract_search,
)

PAGE_SIZE = 50


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
            error_to_form(form, e)
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
            error_to_form(form, e)
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


def _application_page(
    request: HttpRequest, app: LoanApplication, *, decision_form=None, error=None, status: int = 200
) -> HttpResponse:
    """The application page; after a refused decision it also shows the checks as they stand now
    (an approval re-runs every check) above the ones the maker saw."""
    return render(
        request,
        "loans/application_detail.html",
        {
            "app": app,
            "checks": app.rule_checks,
            "live_checks": error.checks if error else [],
            "guarantees": app.guarantees.select_related("guarantor").order_by("id"),
            "decision_form": decision_form or DecisionForm(),
            "can_decide": app.can_decide(request.user),
            "is_maker": app.is_maker(request.user),
            "contract": LoanContract.objects.filter(application=app).first(),
        },
        status=status,
    )


@login_required
@permission_required("loans.view_loanapplication", raise_exception=True)
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _application_page(request, _application(pk))


def _approve(app: LoanApplication, by, note: str) -> LoanApplication:
    return services.loan_application_approve(application=app, by=by, note=note)


def _reject(app: LoanApplication, by, note: str) -> LoanApplication:
    return services.loan_application_reject(application=app, by=by, note=note)


# อนุมัติ / ไม่อนุมัติคำขอกู้: the urls point at DECISIONS.approve and DECISIONS.reject.
DECISIONS = DecisionViews(
    permission=LoanApplication.approve_permission,
    load=_application,
    approve_service=_approve,
    reject_service=_reject,
    page=_application_page,
    detail_url="loans:application_detail",
    approved=_("อนุมัติคำขอกู้เลขที่ %(pk)s แล้ว"),
    rejected=_("ไม่อนุมัติคำขอกู้เลขที่ %(pk)s แล้ว"),
)


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
            error_to_form(form, e)
        else:
            messages.success(request, f"จ่ายเงินกู้ สัญญาเลขที่ {contract.number} แล้ว")
            return redirect("loans:contract", pk=contract.pk)
    return render(request, "loans/disburse.html", {"app": app, "form": form})


def _contract(pk: int) -> LoanContract:
    return get_object_or_404(LoanContract.objects.select_related("member", "product", "application"), pk=pk)


def _contract_page(request: HttpRequest, contract: LoanContract, **forms) -> HttpResponse:
    """The contract page with whichever form came back with errors; the others fresh."""
    today = timezone.localdate()
    quote_on = today
    # Always bound (today unless a day is asked for), so a quote refused for the default day too
    # (interest paid past today) shows its reason beside the date instead of failing the page.
    asked = request.GET.get("quote_on")
    quote_form = QuoteForm({"quote_on": asked if asked else today})
    if quote_form.is_valid():
        quote_on = quote_form.cleaned_data["quote_on"] or today
    quote = None
    if contract.status == ContractStatus.ACTIVE:
        try:
            principal, interest = loan_payoff_figures(contract=contract, on=quote_on)
            quote = {
                "on": quote_on,
                "principal": principal,
                "arrears": contract.interest_arrears,
                "interest": interest - contract.interest_arrears,
                "total": principal + interest,
            }
        except LoanError as e:
            quote_form.add_error("quote_on", e.message)
    context = {
        "contract": contract,
        "summary": contract_summary(contract, on=today),
        "schedule": contract.schedule.filter(superseded_at__isnull=True).order_by("number"),
        "transactions": contract_transactions(contract),
        "guarantees": contract.guarantees.select_related("guarantor").order_by("id"),
        "events": loan_events_of(contract=contract)[:50],
        "form": forms.get("form") or ReplaceGuarantorForm(contract=contract, initial={"on": today}),
        "checks": forms.get("checks", []),
        "payment_form": forms.get("payment_form") or PaymentForm(prefix="pay"),
        "payoff_form": forms.get("payoff_form") or PayoffForm(prefix="payoff", initial={"on": quote_on}),
        "reverse_form": forms.get("reverse_form") or ReverseForm(prefix="rev"),
        "rate_form": forms.get("rate_form")
        or RateChangeForm(prefix="rate", initial={"effective_from": contract.interest_paid_to + ONE_DAY}),
        "refund_form": forms.get("refund_form") or RefundForm(prefix="refund"),
        "rates": contract.rates.order_by("effective_from"),
        "quote_form": quote_form,
        "quote": quote,
        "reversible": latest_reversible_payment(contract),
    }
    return render(request, "loans/contract.html", context)


@login_required
@permission_required("loans.view_loancontract", raise_exception=True)
def contracts(request: HttpRequest) -> HttpResponse:
    """สัญญาเงินกู้: search by contract number or borrower, filter by product, status, replacement flag."""
    form = ContractFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    qs = loan_contract_search(
        q=data.get("q", ""),
        product=data.get("product"),
        status=data.get("status") or None,
        replacement_needed=bool(data.get("replacement")),
    )
    return render(request, "loans/contracts.html", {"form": form, "page": paginate(request, qs, PAGE_SIZE)})


@login_required
@permission_required("loans.view_loancontract", raise_exception=True)
@require_http_methods(["GET", "POST"])
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(pk)
    if request.method != "POST":
        return _contract_page(request, contract)
    if not request.user.has_perm("loans.change_loancontract"):
        return HttpResponse(status=403)
    form = ReplaceGuarantorForm(request.POST, contract=contract)
    checks: list[RuleCheck] = []
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.guarantor_replace(
                contract=contract, old=data["old"], new=data["new"], on=data["on"], by=request.user
            )
        except LoanError as e:
            error_to_form(form, e)
            checks = e.checks
        else:
            messages.success(request, f"เปลี่ยนผู้ค้ำของสัญญา {contract.number} แล้ว")
            return redirect("loans:contract", pk=contract.pk)
    return _contract_page(request, contract, form=form, checks=checks)


def _contract_action(request: HttpRequest, pk: int, *, form_class, prefix: str, act) -> HttpResponse:
    """A counter action posted from the contract page: ``act(contract, data)`` calls the service and
    returns the success message; a refusal goes back to the page beside the form's field."""
    contract = _contract(pk)
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            message = act(contract, form.cleaned_data)
        except LoanError as e:
            error_to_form(form, e)
        else:
            messages.success(request, message)
            return redirect("loans:contract", pk=contract.pk)
    return _contract_page(request, contract, **{form_class.form_key: form})


@login_required
@permission_required("loans.add_loantransaction", raise_exception=True)
@require_POST
def contract_pay(request: HttpRequest, pk: int) -> HttpResponse:
    """รับชำระ: interest to the day first, the rest to principal (a prepayment when above the installment)."""

    def act(contract: LoanContract, data: dict) -> str:
        row = loan_payment_record(contract=contract, amount=data["amount"], on=data["on"], channel=data["channel"],
                                  by=request.user, memo=data["memo"])  # fmt: skip
        contract.refresh_from_db()
        message = gettext(
            "รับชำระสัญญา %(number)s %(amount)s บาท: ดอกเบี้ย %(interest)s เงินต้น %(principal)s บาท "
            "เงินต้นคงเหลือ %(balance)s บาท ใบสำคัญ %(voucher)s"
        ) % {
            "number": contract.number, "amount": baht(data["amount"]), "interest": baht(row.interest),
            "principal": baht(-row.principal), "balance": baht(contract.principal_balance),
            "voucher": row.journal_entry.voucher_label,
        }  # fmt: skip
        if contract.interest_arrears:
            message += gettext(" ดอกเบี้ยค้างชำระ %(arrears)s บาท (เก็บก่อนในครั้งถัดไป)") % {
                "arrears": baht(contract.interest_arrears)
            }
        return message

    return _contract_action(request, pk, form_class=PaymentForm, prefix="pay", act=act)


@login_required
@permission_required("loans.add_loantransaction", raise_exception=True)
@require_POST
def contract_payoff(request: HttpRequest, pk: int) -> HttpResponse:
    """ปิดบัญชี: principal and interest to the chosen day, in one receipt."""

    def act(contract: LoanContract, data: dict) -> str:
        row = loan_payoff(contract=contract, on=data["on"], channel=data["channel"], by=request.user)
        return (
            f"ปิดบัญชีสัญญา {contract.number} แล้ว: เงินต้น {baht(-row.principal)} ดอกเบี้ย {baht(row.interest)} บาท"
        )

    return _contract_action(request, pk, form_class=PayoffForm, prefix="payoff", act=act)


@login_required
@permission_required("loans.add_loantransaction", raise_exception=True)
@require_POST
def contract_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    """กลับรายการ the latest payment or interest refund (the service refuses any other); month-end
    accruals posted after it are recomputed by the service."""

    def act(contract: LoanContract, data: dict) -> str:
        last = latest_reversible_payment(contract)
        if last is None:
            raise LoanError("ไม่มีรายการรับชำระล่าสุดที่กลับรายการได้")
        loan_transaction_reverse(transaction_row=last, on=data["on"], reason=data["reason"], by=request.user)
        return gettext("กลับรายการ%(kind)sวันที่ %(date)s ของสัญญา %(number)s แล้ว") % {
            "kind": last.get_kind_display(), "date": format_be_date(last.date), "number": contract.number,
        }  # fmt: skip

    return _contract_action(request, pk, form_class=ReverseForm, prefix="rev", act=act)


@login_required
@permission_required("loans.add_loanproductrules", raise_exception=True)
@require_POST
def contract_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """เปลี่ยนอัตราดอกเบี้ย of one contract (a manager): a rate from a day on, the installment kept or
    recomputed, the schedule re-stored, the member told."""

    def act(contract: LoanContract, data: dict) -> str:
        change = loan_rate_change(
            contract=contract, annual_rate=data["annual_rate"], effective_from=data["effective_from"],
            by=request.user, installment_policy=data["installment_policy"], reason=data["reason"],
        )  # fmt: skip
        return gettext("เปลี่ยนอัตราดอกเบี้ยสัญญา %(number)s เป็นร้อยละ %(rate)s ตั้งแต่ %(date)s ค่างวด %(installment)s บาท แล้ว") % {
            "number": contract.number, "rate": data["annual_rate"], "date": format_be_date(data["effective_from"]),
            "installment": baht(change.installment),
        }  # fmt: skip

    return _contract_action(request, pk, form_class=RateChangeForm, prefix="rate", act=act)


@login_required
@permission_required("loans.add_loantransaction", raise_exception=True)
@require_POST
def contract_refund(request: HttpRequest, pk: int) -> HttpResponse:
    """คืนดอกเบี้ย: give back interest received (a voucher against interest income)."""

    def act(contract: LoanContract, data: dict) -> str:
        row = loan_interest_refund(contract=contract, amount=data["amount"], on=data["on"], channel=data["channel"],
                                   reason=data["reason"], by=request.user)  # fmt: skip
        return gettext("คืนดอกเบี้ยสัญญา %(number)s %(amount)s บาท ใบสำคัญ %(voucher)s") % {
            "number": contract.number, "amount": baht(data["amount"]), "voucher": row.journal_entry.voucher_label,
        }  # fmt: skip

    return _contract_action(request, pk, form_class=RefundForm, prefix="refund", act=act)
