"""Back-office screens of the funeral association (สมาคมฌาปนกิจสงเคราะห์). Thin: forms parse, services write.

A refused operation comes back as a ``FuneralError``; its messages go beside the fields they name
(a beneficiary's field in the formset row it came from), or above the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from sahakorn.core.approval_views import DecisionForm, DecisionViews
from sahakorn.core.errors import ServiceError
from sahakorn.core.forms import error_to_form
from sahakorn.core.paging import paginate
from sahakorn.core.permissions import staff_view
from sahakorn.core.reports import DATE, INT, TEXT, Report, XlsxColumn, file_stamp, report_response
from sahakorn.funeral import selectors, services
from sahakorn.funeral.errors import FuneralError
from sahakorn.funeral.forms import BeneficiaryFormSet, ClaimForm, CollectForm, EnrolForm, LevyForm, PayForm
from sahakorn.funeral.models import (
    ClaimStatus,
    DeathClaim,
    FuneralLevy,
    FuneralMembership,
    LevyKind,
    LevyStatus,
)
from sahakorn.members.models import Member

PAGE_SIZE = 50


def _used_forms(formset) -> list[int]:
    return [i for i, f in enumerate(formset.forms) if f.cleaned_data and not f.cleaned_data.get("DELETE")]


# ======== The member card (registered in FuneralConfig.ready) ========


def member_section_context(member: Member) -> dict:
    return {"record": selectors.funeral_membership_of(member=member)}


# ======== Association members (ทะเบียนสมาชิกสมาคม) ========

MEMBER_COLUMNS = [
    XlsxColumn("number", "เลขทะเบียนสมาคม", TEXT, 12),
    XlsxColumn("member_number", "เลขทะเบียนสมาชิก", TEXT, 12),
    XlsxColumn("name", "ชื่อ-สกุล", TEXT, 30),
    XlsxColumn("unit", "หน่วยสังกัด", TEXT, 30),
    XlsxColumn("joined_on", "วันที่เป็นสมาชิกสมาคม", DATE, 14),
    XlsxColumn("beneficiaries", "ผู้รับผลประโยชน์ (คน)", INT, 12),
]


@staff_view("funeral.view_funeralmembership")
def members(request: HttpRequest) -> HttpResponse:
    """ทะเบียนสมาชิกสมาคม: the screen (paged, searchable) and its Excel download, as every report."""
    q = (request.GET.get("q") or "").strip()
    rows = selectors.association_members(q=q)

    def xlsx_rows():
        return (
            {"number": m.number, "member_number": m.member.number, "name": m.member.full_name,
             "unit": str(m.member.unit), "joined_on": m.joined_on, "beneficiaries": m.beneficiaries_count}
            for m in rows.iterator(chunk_size=2000)
        )  # fmt: skip

    return report_response(
        request,
        Report(
            title="ทะเบียนสมาชิกสมาคมฌาปนกิจสงเคราะห์",
            filename=f"funeral-members-{file_stamp()}",
            screen_template="funeral/members.html",
            subtitle=[f"ค้นหา: {q}"] if q else [],
            rows=rows,
            page_size=PAGE_SIZE,
            columns=MEMBER_COLUMNS,
            sheet_name="สมาชิกสมาคม",
            xlsx_rows=xlsx_rows,
            context={"q": q},
        ),
    )


@staff_view("funeral.view_funeralmembership")
def membership(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(FuneralMembership.objects.select_related("member__unit"), pk=pk)
    record = selectors.funeral_membership_of(member=found.member, with_history=True)
    return render(request, "funeral/membership.html", {"record": record, "member": found.member})


@staff_view("funeral.add_funeralmembership")
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    initial = {"member": request.GET.get("member", "")}
    form = EnrolForm(request.POST or None, initial=initial)
    formset = BeneficiaryFormSet(request.POST or None, prefix="beneficiaries")
    list_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        try:
            created = services.funeral_membership_enrol(
                member=data["member"], joined_on=data["joined_on"], beneficiaries=formset.inputs(),
                by=request.user, with_entrance_fee=data["with_entrance_fee"], channel=data["channel"],
            )  # fmt: skip
        except FuneralError as e:
            list_errors = error_to_form(
                form, e, formset=formset, formset_prefix="beneficiaries", used=_used_forms(formset)
            )
        else:
            messages.success(
                request,
                _("รับ %(name)s เป็นสมาชิกสมาคม เลขทะเบียน %(number)s แล้ว")
                % {"name": created.member.full_name, "number": created.number},
            )
            return redirect("funeral:membership", created.pk)
    return render(
        request, "funeral/enrol.html", {"form": form, "formset": formset, "list_errors": list_errors}
    )


@staff_view("funeral.change_funeralmembership")
@require_http_methods(["GET", "POST"])
def beneficiaries(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(FuneralMembership.objects.select_related("member"), pk=pk)
    current = selectors.beneficiaries_current(membership=found)
    initial = [{"name": b.name, "relation": b.relation, "national_id": b.national_id, "phone": b.phone,
                "share_percent": b.share_percent} for b in current]  # fmt: skip
    formset = BeneficiaryFormSet(request.POST or None, prefix="beneficiaries", initial=initial)
    list_errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        try:
            services.funeral_beneficiaries_replace(
                membership=found, beneficiaries=formset.inputs(), by=request.user
            )
        except FuneralError as e:
            list_errors = error_to_form(
                None, e, formset=formset, formset_prefix="beneficiaries", used=_used_forms(formset)
            )
        else:
            messages.success(
                request, _("บันทึกผู้รับผลประโยชน์ของสมาชิกสมาคม %(number)s แล้ว") % {"number": found.number}
            )
            return redirect("funeral:membership", found.pk)
    return render(
        request,
        "funeral/beneficiaries.html",
        {"membership": found, "formset": formset, "list_errors": list_errors},
    )


# ======== Levies and collection (การเรียกเก็บเงินสงเคราะห์) ========


@staff_view("funeral.view_funerallevy")
def levies(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.levies_with_figures(), PAGE_SIZE)
    return render(request, "funeral/levies.html", {"page": page})


@staff_view("funeral.add_funerallevy")
@require_http_methods(["GET", "POST"])
def levy_create(request: HttpRequest) -> HttpResponse:
    form = LevyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.funeral_levy_create(
                kind=LevyKind.ANNUAL, levied_on=form.cleaned_data["levied_on"], by=request.user
            )
        except FuneralError as e:
            form.add_error("levied_on" if e.field in (None, "kind", "levied_on") else None, e.message)
        else:
            messages.success(
                request,
                _("เรียกเก็บ%(levy)s จากสมาชิก %(n)s ราย") % {"levy": created, "n": f"{created.members:,}"},
            )
            return redirect("funeral:levy", created.pk)
    return render(request, "funeral/levy_form.html", {"form": form})


@staff_view("funeral.view_funerallevy")
@require_http_methods(["GET", "POST"])
def levy(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(FuneralLevy.objects.select_related("claim__membership__member"), pk=pk)
    form = CollectForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("funeral.add_funeraldue"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.funeral_dues_collect(
                    levy=found, membership_ids=data["numbers"], on=data["on"], channel=data["channel"],
                    by=request.user,
                )  # fmt: skip
            except FuneralError as e:
                form.add_error("numbers" if e.field == "membership_ids" else (e.field if e.field in form.fields else None),
                               e.message)  # fmt: skip
            else:
                messages.success(
                    request,
                    _("รับเงินสงเคราะห์ %(n)s ราย %(amount)s บาท ใบสำคัญ %(voucher)s แล้ว")
                    % {"n": f"{result.count:,}", "amount": f"{result.amount:,.2f}",
                       "voucher": result.journal_entry.voucher_label},
                )  # fmt: skip
                return redirect("funeral:levy", found.pk)
    outstanding_only = request.GET.get("show") != "all"
    page = paginate(request, selectors.levy_dues(levy=found, outstanding_only=outstanding_only), 100)
    return render(
        request,
        "funeral/levy.html",
        {"levy": found, "row": selectors.levy_row(levy=found), "form": form, "page": page,
         "outstanding_only": outstanding_only, "can_collect": found.status == LevyStatus.OPEN
         and request.user.has_perm("funeral.add_funeraldue")},
    )  # fmt: skip


# ======== Death claims (การขอรับเงินสงเคราะห์ศพ) ========


@staff_view("funeral.view_deathclaim")
def claims(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    page = paginate(request, selectors.death_claims(status=status), PAGE_SIZE)
    return render(
        request, "funeral/claims.html", {"page": page, "status": status, "statuses": ClaimStatus.choices}
    )


@staff_view("funeral.add_deathclaim")
@require_http_methods(["GET", "POST"])
def claim_create(request: HttpRequest) -> HttpResponse:
    form = ClaimForm(request.POST or None, initial={"membership": request.GET.get("membership", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = services.death_claim_create(
                membership=data["membership"], death_date=data["death_date"], reported_on=data["reported_on"],
                note=data["note"], by=request.user,
            )  # fmt: skip
        except FuneralError as e:
            error_to_form(form, e)
        else:
            messages.success(request, _("บันทึกการขอรับเงินสงเคราะห์ศพแล้ว รอผู้อนุมัติ"))
            return redirect("funeral:claim", created.pk)
    return render(request, "funeral/claim_form.html", {"form": form})


def _claim(pk: int) -> DeathClaim:
    return get_object_or_404(
        DeathClaim.objects.select_related("membership__member", "requested_by", "decided_by"), pk=pk
    )


def _claim_page(
    request: HttpRequest,
    claim: DeathClaim,
    *,
    decision_form: DecisionForm | None = None,
    error: ServiceError | None = None,
    pay_form: PayForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The claim's page; ``DecisionViews`` re-shows it with a refused decision on the form (400)."""
    plan = None
    if claim.status == ClaimStatus.APPROVED:
        plan = selectors.death_claim_payout_plan(claim=claim)
    levy = FuneralLevy.objects.filter(claim=claim).first()
    return render(
        request,
        "funeral/claim.html",
        {
            "claim": claim,
            "plan": plan,
            "levy_row": selectors.levy_row(levy=levy) if levy else None,
            "payouts": claim.payouts.select_related("beneficiary", "journal_entry__fiscal_year"),
            "beneficiaries": selectors.beneficiaries_current(membership=claim.membership),
            "can_decide": claim.can_decide(request.user),
            "is_maker": claim.is_maker(request.user),
            "can_pay": claim.status == ClaimStatus.APPROVED
            and request.user.has_perm("funeral.add_funeralpayout"),
            "decision_form": decision_form or DecisionForm(),
            "pay_form": pay_form or PayForm(),
        },
        status=status,
    )


@staff_view("funeral.view_deathclaim")
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    return _claim_page(request, _claim(pk))


DECISIONS = DecisionViews(
    permission=DeathClaim.approve_permission,
    load=_claim,
    approve_service=lambda claim, by, note: services.death_claim_approve(claim=claim, by=by, note=note),
    reject_service=lambda claim, by, note: services.death_claim_reject(claim=claim, by=by, note=note),
    page=_claim_page,
    detail_url="funeral:claim",
    approved=gettext_lazy("อนุมัติแล้ว สมาชิกสมาคมสิ้นสภาพ และเรียกเก็บเงินสงเคราะห์ศพนี้แล้ว"),
    rejected=gettext_lazy("บันทึกไม่อนุมัติแล้ว"),
)


@staff_view("funeral.add_funeralpayout")
@require_POST
def claim_pay(request: HttpRequest, pk: int) -> HttpResponse:
    found = _claim(pk)
    form = PayForm(request.POST)
    if form.is_valid():
        try:
            payouts = services.death_claim_pay(
                claim=found, on=form.cleaned_data["on"], method=form.cleaned_data["method"], by=request.user
            )
        except FuneralError as e:
            error_to_form(form, e)
        else:
            total = sum(p.amount for p in payouts)
            messages.success(
                request,
                _("จ่ายเงินสงเคราะห์ %(amount)s บาท ให้ผู้รับผลประโยชน์ %(n)s คน ใบสำคัญ %(voucher)s แล้ว")
                % {
                    "amount": f"{total:,.2f}",
                    "n": len(payouts),
                    "voucher": payouts[0].journal_entry.voucher_label,
                },
            )
            return redirect("funeral:claim", found.pk)
    return _claim_page(request, found, pay_form=form, status=400)
