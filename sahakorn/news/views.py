"""Back-office screens of the news (ข่าวประชาสัมพันธ์). Thin: forms parse, services write.

Officers draft and edit; a manager (``news.publish_announcement``) publishes and withdraws.
The detail page previews the announcement as a member sees it and how many members it reaches.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sahakorn.core.forms import error_to_form
from sahakorn.core.paging import paginate
from sahakorn.news import selectors, services
from sahakorn.news.forms import AnnouncementFilterForm, AnnouncementForm, WithdrawForm
from sahakorn.news.models import Announcement

PAGE_SIZE = 50


def _announcement_or_404(pk: int) -> Announcement:
    try:
        return selectors.announcement_get(pk=pk)
    except Announcement.DoesNotExist:
        raise Http404(_("ไม่พบข่าว")) from None


@login_required
@permission_required("news.view_announcement", raise_exception=True)
def announcement_list(request: HttpRequest) -> HttpResponse:
    form = AnnouncementFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.announcements_list(status=filters.get("status") or None, q=filters.get("q") or None)
    return render(
        request,
        "news/announcement_list.html",
        {"form": form, "page": paginate(request, rows, PAGE_SIZE), "now": timezone.now()},
    )


@login_required
@permission_required("news.add_announcement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def announcement_create(request: HttpRequest) -> HttpResponse:
    form = AnnouncementForm(request.POST or None, initial=AnnouncementForm.initial_for(None))
    if request.method == "POST" and form.is_valid():
        try:
            announcement = services.announcement_create(by=request.user, **form.service_values())
        except ValidationError as e:
            error_to_form(form, e)
        else:
            messages.success(request, _("บันทึกร่างข่าวแล้ว"))
            return redirect("news:detail", pk=announcement.pk)
    return render(request, "news/announcement_form.html", {"form": form, "announcement": None})


@login_required
@permission_required("news.change_announcement", raise_exception=True)
@require_http_methods(["GET", "POST"])
def announcement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = _announcement_or_404(pk)
    if not announcement.is_draft:
        messages.warning(request, _("แก้ไขได้เฉพาะข่าวที่เป็นร่าง"))
        return redirect("news:detail", pk=announcement.pk)
    form = AnnouncementForm(
        request.POST or None,
        initial=AnnouncementForm.initial_for(announcement),
        current_unit=announcement.unit,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.announcement_update(announcement=announcement, by=request.user, **form.service_values())
        except ValidationError as e:
            error_to_form(form, e)
        else:
            messages.success(request, _("บันทึกการแก้ไขแล้ว"))
            return redirect("news:detail", pk=announcement.pk)
    return render(request, "news/announcement_form.html", {"form": form, "announcement": announcement})


def _detail_render(
    request: HttpRequest,
    announcement: Announcement,
    *,
    withdraw_form: WithdrawForm | None = None,
    publish_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "news/announcement_detail.html",
        {
            "a": announcement,
            "window_state": announcement.window_state(now),
            "audience_count": selectors.announcement_audience_count(announcement=announcement),
            "can_publish": request.user.has_perm(services.PUBLISH_PERMISSION),
            "withdraw_form": withdraw_form or WithdrawForm(),
            "publish_errors": publish_errors,
        },
        status=status,
    )


@login_required
@permission_required("news.view_announcement", raise_exception=True)
def announcement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_render(request, _announcement_or_404(pk))


@login_required
@permission_required(services.PUBLISH_PERMISSION, raise_exception=True)
@require_POST
def announcement_publish(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = _announcement_or_404(pk)
    try:
        services.announcement_publish(announcement=announcement, by=request.user)
    except ValidationError as e:
        errors = [m for ms in e.message_dict.values() for m in ms]
        return _detail_render(request, _announcement_or_404(pk), publish_errors=errors, status=400)
    messages.success(request, _("เผยแพร่ข่าวแล้ว"))
    return redirect("news:detail", pk=announcement.pk)


@login_required
@permission_required(services.PUBLISH_PERMISSION, raise_exception=True)
@require_POST
def announcement_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    announcement = _announcement_or_404(pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.announcement_withdraw(
                announcement=announcement, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as e:
            error_to_form(form, e)
        else:
            messages.success(request, _("ถอนข่าวแล้ว สมาชิกจะไม่เห็นข่าวนี้อีก"))
            return redirect("news:detail", pk=announcement.pk)
    return _detail_render(request, _announcement_or_404(pk), withdraw_form=form, status=400)
