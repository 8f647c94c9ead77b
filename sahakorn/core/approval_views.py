"""The one set of approve/reject views for every maker-checker request (``core.approvals``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from sahakorn.core.approvals import NOTE_MAX
from sahakorn.core.errors import ServiceError
from sahakorn.core.forms import error_to_form
from sahakorn.core.permissions import staff_view


def request_decided(done) -> Callable[[Any], str]:
    """The message "<done>คำขอเลขที่ N แล้ว" (shares' and welfare's requests), in the request's language."""
    return lambda record: gettext("%(done)sคำขอเลขที่ %(pk)s แล้ว") % {"done": done, "pk": record.pk}


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("หมายเหตุ/เหตุผล"), max_length=NOTE_MAX, required=False)


@dataclass(frozen=True)
class DecisionViews:
    """The approve and reject views of one kind of request; the app's urls point at ``approve``/``reject``.

    - ``load(pk)``: the record (404 when missing), with what its page needs;
    - ``approve_service(record, by, note)`` / ``reject_service(record, by, note)``: the app's services;
    - ``page(request, record, decision_form=, error=, status=)``: the record's page, re-shown with
      the refusal beside the note or above the buttons (status 400);
    - ``detail_url``: the URL name of the record's page (takes ``pk``), where a decision returns;
    - ``approved`` / ``rejected``: the success messages: a (lazy) string formatted with ``pk``, or a
      function of the record returning the message (translated when called, in the request's language).
    """

    permission: str
    load: Callable[[int], Any]
    approve_service: Callable[..., Any]
    reject_service: Callable[..., Any]
    page: Callable[..., HttpResponse]
    detail_url: str
    approved: Any = _("อนุมัติเลขที่ %(pk)s แล้ว")
    rejected: Any = _("บันทึกไม่อนุมัติเลขที่ %(pk)s แล้ว")

    def _decide(self, request: HttpRequest, pk: int, *, approve: bool) -> HttpResponse:
        record = self.load(pk)
        form = DecisionForm(request.POST)
        error: ServiceError | None = None
        if form.is_valid():
            service = self.approve_service if approve else self.reject_service
            try:
                service(record, request.user, form.cleaned_data["note"])
            except ServiceError as e:
                error = e
                error_to_form(form, e)
            else:
                done = self.approved if approve else self.rejected
                messages.success(request, done(record) if callable(done) else done % {"pk": record.pk})
                return redirect(self.detail_url, pk=record.pk)
        return self.page(request, self.load(pk), decision_form=form, error=error, status=400)

    @property
    def approve(self) -> Callable[..., HttpResponse]:
        @staff_view(self.permission)
        @require_POST
        def approve(request: HttpRequest, pk: int) -> HttpResponse:
            return self._decide(request, pk, approve=True)

        return approve

    @property
    def reject(self) -> Callable[..., HttpResponse]:
        @staff_view(self.permission)
        @require_POST
        def reject(request: HttpRequest, pk: int) -> HttpResponse:
            return self._decide(request, pk, approve=False)

        return reject
