"""Back-office screens of the member registry (ทะเบียนสมาชิก). Thin: forms parse, services write."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sahakorn.core.forms import error_to_form
from sahakorn.core.paging import paginate
from sahakorn.members import selectors, services
from sahakorn.members.forms import MemberForm, MemberImportForm, MemberSearchForm, MemberStatusForm
from sahakorn.members.imports import COLUMNS, read_member_file, template_csv
from sahakorn.members.models import Member, MemberStatus
from sahakorn.members.sections import member_sections
from sahakorn.members.validation import EDITABLE_FIELDS, age_on

PAGE_SIZE = 50
# Thousands of errors help nobody on one page; the first ones show what is wrong with the file.
IMPORT_ERRORS_SHOWN = 500


def _member_or_404(pk: int) -> Member:
    try:
        return selectors.member_get(pk=pk)
    except Member.DoesNotExist:
        raise Http404(_("ไม่พบสมาชิก")) from None


@login_required
@permission_required("members.view_member", raise_exception=True)
def member_list(request: HttpRequest) -> HttpResponse:
    form = MemberSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    q = filters.get("q", "")
    has_filters = any(filters.get(k) for k in ("status", "member_type", "unit"))
    if q and not has_filters and "page" not in request.GET:
        # An officer who types a number or an ID card wants that member, not a one-row list.
        exact = selectors.member_find_exact(q=q)
        if exact is not None:
            return redirect("members:detail", pk=exact.pk)
    members = selectors.member_search(
        q=q,
        status=filters.get("status") or None,
        member_type=filters.get("member_type") or None,
        unit=filters.get("unit"),
    )
    page = paginate(request, members, PAGE_SIZE)
    return render(
        request,
        "members/member_list.html",
        {"form": form, "page": page, "q": q},
    )


@login_required
@permission_required("members.view_member", raise_exception=True)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(pk)
    today = timezone.localdate()
    # Age and membership stop counting at death or when membership ended.
    until = today if member.status == MemberStatus.ACTIVE else member.status_since
    years, months = selectors.years_months_between(member.joined_on, until)
    history = selectors.member_history(member=member)
    return render(
        request,
        "members/member_detail.html",
        {
            "member": member,
            "age": age_on(
                member.birth_date, member.status_since if member.status == MemberStatus.DECEASED else today
            ),
            "membership_years": years,
            "membership_months": months,
            "unit_chain": selectors.unit_chain(unit=member.unit),
            "sections": member_sections(member=member, user=request.user),
            "history": history,
        },
    )


@login_required
@permission_required("members.add_member", raise_exception=True)
@require_http_methods(["GET", "POST"])
def member_create(request: HttpRequest) -> HttpResponse:
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("number") or None
        try:
            member = services.member_create(by=request.user, number=number, **data)
        except ValidationError as e:
            error_to_form(form, e)
        else:
            messages.success(request, _("บันทึกสมาชิกใหม่ เลขทะเบียน %(number)s แล้ว") % {"number": member.number})
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": None})


@login_required
@permission_required("members.change_member", raise_exception=True)
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(pk)
    initial = {name: getattr(member, name) for name in EDITABLE_FIELDS}
    form = MemberForm(request.POST or None, initial=initial, current_unit=member.unit, with_number=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            error_to_form(form, e)
        else:
            messages.success(request, _("บันทึกการแก้ไขแล้ว"))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "member": member})


@login_required
@permission_required("members.change_member_status", raise_exception=True)
@require_http_methods(["GET", "POST"])
def member_status(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(pk)
    targets = services.status_targets(member.status)
    form = MemberStatusForm(request.POST or None, targets=targets)
    if request.method == "POST" and targets and form.is_valid():
        try:
            services.member_status_change(member=member, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            error_to_form(form, e)
        else:
            messages.success(request, _("เปลี่ยนสถานะสมาชิกแล้ว"))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_status.html", {"form": form, "member": member, "targets": targets})


@login_required
@permission_required("members.import_members", raise_exception=True)
@require_http_methods(["GET", "POST"])
def member_import(request: HttpRequest) -> HttpResponse:
    form = MemberImportForm(request.POST or None, request.FILES or None)
    errors, result = None, None
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_member_file(form.cleaned_data["file"])
            result = services.members_import(rows=rows, by=request.user, dry_run=form.cleaned_data["dry_run"])
        except services.MemberImportError as e:
            errors = e.errors
    return render(
        request,
        "members/member_import.html",
        {
            "form": form,
            "errors": errors[:IMPORT_ERRORS_SHOWN] if errors else errors,
            "error_count": len(errors or ()),
            "result": result,
            "columns": COLUMNS,
        },
    )


@login_required
@permission_required("members.import_members", raise_exception=True)
def member_import_template(request: HttpRequest) -> HttpResponse:
    # The BOM makes Excel open the file as UTF-8, so the Thai example reads right.
    response = HttpResponse("\ufeff" + template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="sahakorn-members-template.csv"'
    return response
