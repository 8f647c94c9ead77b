"""Back-office deposit screens (งานเงินฝาก). Thin: forms parse, services write, selectors read.

A refused operation comes back as a ``DepositError``: its message goes beside the field it names
(or above the form) and nothing was written.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sahakorn.core.forms import error_to_form
from sahakorn.core.interest import DayBasis, coop_day_basis
from sahakorn.core.paging import paginate
from sahakorn.core.permissions import staff_view
from sahakorn.deposits import services
from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.forms import (
    CloseForm,
    DateReasonForm,
    HoldForm,
    InterestRunForm,
    MonthlyDepositForm,
    MovementForm,
    OpenForm,
    ReverseForm,
    TransferForm,
)
from sahakorn.deposits.models import (
    AccountStatus,
    DepositAccount,
    DepositHold,
    DepositProduct,
    DepositTransaction,
    InterestRun,
)
from sahakorn.deposits.selectors import (
    deposit_available_balance,
    deposit_holds_total,
    deposit_member_summary,
    deposit_products_with_rates,
    deposit_statement,
)
from sahakorn.members.models import Member

PAGE_SIZE = 50


def _account_or_404(pk: int) -> DepositAccount:
    return get_object_or_404(DepositAccount.objects.select_related("product", "member__unit"), pk=pk)


def member_section_context(member: Member) -> dict:
    """What the deposits card on the member page shows (the card is declared in ``deposits/subledger.py``)."""
    return {"summary": deposit_member_summary(member=member)}


# ======== Reading ========


@staff_view("deposits.view_depositaccount")
def accounts(request: HttpRequest) -> HttpResponse:
    """บัญชีเงินฝาก: search by account number, member number or name; filter by product and status."""
    q = (request.GET.get("q") or "").strip()
    rows = DepositAccount.objects.select_related("product", "member")
    if q:
        rows = rows.filter(
            Q(number__startswith=q) | Q(member__number=q) | Q(member__first_name__startswith=q)
            | Q(member__last_name__startswith=q)
        )  # fmt: skip
    product = request.GET.get("product") or ""
    if product:
        rows = rows.filter(product__code=product)
    status = request.GET.get("status") or ""
    if status in AccountStatus.values:
        rows = rows.filter(status=status)
    page = paginate(request, rows.order_by("number"), PAGE_SIZE)
    return render(
        request,
        "deposits/accounts.html",
        {"page": page, "q": q, "product": product, "status": status, "products": DepositProduct.objects.all(),
         "statuses": AccountStatus.choices},
    )  # fmt: skip


@staff_view("deposits.view_depositaccount")
def account(request: HttpRequest, pk: int) -> HttpResponse:
    """บัญชีเงินฝาก: the passbook with running balance, holds, available balance and the actions."""
    acc = _account_or_404(pk)
    holds = acc.holds.select_related("placed_by", "released_by").order_by("-placed_on", "-id")
    rows = deposit_statement(account=acc)
    page = paginate(request, list(reversed(rows)), PAGE_SIZE)
    return render(
        request,
        "deposits/account.html",
        {
            "account": acc,
            "member": acc.member,
            "page": page,
            "holds": holds,
            "held": deposit_holds_total(account=acc),
            "available": deposit_available_balance(account=acc),
            "hold_form": HoldForm(),
            "release_form": DateReasonForm(),
        },
    )


@staff_view("deposits.view_depositproduct")
def products(request: HttpRequest) -> HttpResponse:
    """ประเภทเงินฝาก: the products' rules and their rate tiers by effective date (edited in the admin)."""
    items = []
    for product in deposit_products_with_rates():
        schedules: dict = {}
        for rate in product.rates.all():
            schedules.setdefault(rate.effective_from, []).append(rate)
        open_accounts = product.accounts.exclude(status=AccountStatus.CLOSED)
        items.append({"product": product, "schedules": sorted(schedules.items(), reverse=True),
                      "open_accounts": open_accounts.count(),
                      "total": open_accounts.aggregate(t=Sum("balance"))["t"] or 0})  # fmt: skip
    coop_basis = DayBasis(coop_day_basis()).label  # what a product with an empty day basis earns on
    return render(request, "deposits/products.html", {"items": items, "coop_day_basis_label": coop_basis})


# ======== Counter operations ========


@staff_view("deposits.add_depositaccount")
@require_http_methods(["GET", "POST"])
def account_open(request: HttpRequest) -> HttpResponse:
    number = (request.GET.get("member") or "").strip()
    form = OpenForm(request.POST or None, initial={"member": number} if number else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            acc = services.deposit_account_open(
                member=data["member"], product=data["product"], opened_on=data["opened_on"],
                initial_amount=data["initial_amount"] or 0, channel=data["channel"], by=request.user,
            )  # fmt: skip
        except DepositError as e:
            error_to_form(form, e)
        else:
            messages.success(request, _("เปิดบัญชีเงินฝาก %(number)s แล้ว") % {"number": acc.number})
            return redirect("deposits:account", pk=acc.pk)
    return render(request, "deposits/form.html", {"form": form, "title": _("เปิดบัญชีเงินฝาก"),
                                                  "submit": _("เปิดบัญชี")})  # fmt: skip


def _account_form(request, pk, *, form_class, title: str, submit: str, action, done: str, form_kwargs=None):
    acc = _account_or_404(pk)
    form = form_class(request.POST or None, **(form_kwargs(acc) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        try:
            action(acc, form.cleaned_data)
        except DepositError as e:
            error_to_form(form, e)
        else:
            messages.success(request, done)
            return redirect("deposits:account", pk=acc.pk)
    return render(
        request,
        "deposits/form.html",
        {"form": form, "account": acc, "member": acc.member, "title": title, "submit": submit,
         "available": deposit_available_balance(account=acc)},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@staff_view("deposits.add_deposittransaction")
@require_http_methods(["GET", "POST"])
def deposit(request: HttpRequest, pk: int) -> HttpResponse:
    def act(acc, d):
        services.deposit_make(account=acc, amount=d["amount"], on=d["on"], channel=d["channel"], by=request.user,
                              memo=d["memo"])  # fmt: skip

    return _account_form(request, pk, form_class=MovementForm, title=_("ฝากเงิน"), submit=_("บันทึกฝากเงิน"),
                         action=act, done=_("บันทึกฝากเงินแล้ว"))  # fmt: skip


@staff_view("deposits.add_deposittransaction")
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    def act(acc, d):
        services.deposit_withdraw(account=acc, amount=d["amount"], on=d["on"], channel=d["channel"],
                                  by=request.user, memo=d["memo"])  # fmt: skip

    return _account_form(request, pk, form_class=MovementForm, title=_("ถอนเงิน"), submit=_("บันทึกถอนเงิน"),
                         action=act, done=_("บันทึกถอนเงินแล้ว"))  # fmt: skip


@staff_view("deposits.add_deposittransaction")
@require_http_methods(["GET", "POST"])
def transfer(request: HttpRequest, pk: int) -> HttpResponse:
    def act(acc, d):
        services.deposit_transfer(from_account=acc, to_account=d["to_account"], amount=d["amount"], on=d["on"],
                                  by=request.user)  # fmt: skip

    return _account_form(request, pk, form_class=TransferForm, title=_("โอนเงินระหว่างบัญชีของสมาชิก"),
                         submit=_("บันทึกโอนเงิน"), action=act, done=_("บันทึกโอนเงินแล้ว"),
                         form_kwargs=lambda acc: {"source": acc})  # fmt: skip


@staff_view("deposits.change_depositaccount")
@require_http_methods(["GET", "POST"])
def monthly_deposit(request: HttpRequest, pk: int) -> HttpResponse:
    def act(acc, d):
        services.deposit_monthly_set(account=acc, amount=d["monthly_deposit"], by=request.user)

    return _account_form(request, pk, form_class=MonthlyDepositForm, title=_("ฝากรายเดือนจากเงินเดือน"),
                         submit=_("บันทึก"), action=act, done=_("บันทึกยอดฝากรายเดือนแล้ว"),
                         form_kwargs=lambda acc: {"initial": {"monthly_deposit": acc.monthly_deposit}})  # fmt: skip


@staff_view("deposits.change_depositaccount")
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, pk: int) -> HttpResponse:
    def act(acc, d):
        services.deposit_account_close(account=acc, on=d["on"], channel=d["channel"], by=request.user)

    return _account_form(request, pk, form_class=CloseForm, title=_("ปิดบัญชีเงินฝาก"), submit=_("ปิดบัญชี"),
                         action=act, done=_("ปิดบัญชีแล้ว (ดอกเบี้ยถึงวันปิดบัญชีเข้าบัญชีก่อนจ่าย)"))  # fmt: skip


@staff_view("deposits.add_deposithold")
@require_http_methods(["GET", "POST"])
def hold_place(request: HttpRequest, pk: int) -> HttpResponse:
    def act(acc, d):
        services.deposit_hold_place(
            account=acc, amount=d["amount"], reason=d["reason"], on=d["on"], by=request.user
        )

    return _account_form(request, pk, form_class=HoldForm, title=_("อายัดเงินฝาก"), submit=_("บันทึกอายัด"),
                         action=act, done=_("บันทึกอายัดแล้ว"))  # fmt: skip


@staff_view("deposits.change_depositaccount")
@require_http_methods(["GET", "POST"])
def reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    def act(acc, d):
        services.deposit_account_reactivate(account=acc, on=d["on"], by=request.user, reason=d["reason"])

    return _account_form(request, pk, form_class=DateReasonForm, title=_("เปิดใช้บัญชีพักการเคลื่อนไหว"),
                         submit=_("เปิดใช้บัญชี"), action=act, done=_("เปิดใช้บัญชีแล้ว"))  # fmt: skip


@staff_view("deposits.change_deposithold")
@require_POST
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(DepositHold, pk=pk)
    form = DateReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("กรุณากรอกวันที่ถอนอายัดเป็น พ.ศ."))
    else:
        try:
            services.deposit_hold_release(hold=hold, on=form.cleaned_data["on"], by=request.user)
        except DepositError as e:
            messages.error(request, e.message)
        else:
            messages.success(request, _("ถอนอายัดแล้ว"))
    return redirect("deposits:account", pk=hold.account_id)


@staff_view("deposits.add_deposittransaction")
@require_http_methods(["GET", "POST"])
def reverse_transaction(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(
        DepositTransaction.objects.select_related("account__member", "account__product"), pk=pk
    )
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deposit_transaction_reverse(transaction=row, on=form.cleaned_data["on"],
                                                 reason=form.cleaned_data["reason"], by=request.user)  # fmt: skip
        except DepositError as e:
            error_to_form(form, e)
        else:
            messages.success(request, _("กลับรายการแล้ว"))
            return redirect("deposits:account", pk=row.account_id)
    return render(request, "deposits/form.html", {"form": form, "account": row.account, "member": row.account.member,
                                                  "row": row, "title": _("กลับรายการเงินฝาก"),
                                                  "submit": _("กลับรายการ")})  # fmt: skip


# ======== Interest (ดอกเบี้ย) ========


@staff_view("deposits.view_interestrun")
@require_http_methods(["GET", "POST"])
def interest_runs(request: HttpRequest) -> HttpResponse:
    """ประมวลผลดอกเบี้ยเงินฝาก: the run form (manager) and the run records."""
    can_run = request.user.has_perm("deposits.add_interestrun")
    form = InterestRunForm(request.POST or None)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied(_("ประมวลผลดอกเบี้ยได้เฉพาะผู้จัดการ"))
        if form.is_valid():
            d = form.cleaned_data
            try:
                run = services.deposit_interest_run(product=d["product"], period_end=d["period_end"],
                                                    posted_on=d["posted_on"] or d["period_end"], by=request.user)  # fmt: skip
            except DepositError as e:
                error_to_form(form, e)
            else:
                messages.success(request, _("ประมวลผลดอกเบี้ยแล้ว: %(n)s บัญชี %(amount)s บาท")
                                 % {"n": f"{run.accounts:,}", "amount": f"{run.amount:,.2f}"})  # fmt: skip
                return redirect(reverse("deposits:interest_runs"))
    runs = InterestRun.objects.select_related("product", "run_by", "journal_entry__fiscal_year")
    page = paginate(request, runs.order_by("-period_end", "product__code"), PAGE_SIZE)
    return render(request, "deposits/interest_runs.html", {"form": form, "page": page, "can_run": can_run,
                                                           "today": timezone.localdate()})  # fmt: skip
