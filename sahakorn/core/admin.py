from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.apps import apps
from django.contrib import admin
from django.db import models

from sahakorn.core.forms import IntegerFormField
from sahakorn.core.models import CoopProfile


class IntegerInputAdminMixin:
    """For every admin (and inline) with whole-number fields: read them as every other form does.

    Django's form would take ``1_000`` and ``+5`` (whatever ``int()`` takes) in a number box;
    ``core.forms.IntegerFormField`` takes digits (Thai digits too) and refuses the rest with a message.
    """

    formfield_overrides: Mapping[type[models.Field[Any, Any]], Mapping[str, Any]] = {
        models.IntegerField: {"form_class": IntegerFormField}
    }


class ReadOnlyAdminMixin:
    """For records only services write (audit trails, posted vouchers): the admin may look, not touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CoopProfileForm(forms.ModelForm):
    class Meta:
        model = CoopProfile
        fields = [
            "name_th", "name_en", "short_name", "registration_no", "tax_id", "address", "phone",
            "fiscal_year_start_month", "day_basis", "installment_grace_days", "month_end_days_ahead",
            "manual_voucher_approval_above",
        ]  # fmt: skip

    def clean_fiscal_year_start_month(self) -> int:
        month = self.cleaned_data["fiscal_year_start_month"]
        changed = self.instance.pk and month != self.instance.fiscal_year_start_month
        # Years already opened keep their dates; a new start month would leave a gap or an overlap.
        if changed and apps.get_model("ledger", "FiscalYear").objects.exists():
            raise forms.ValidationError("เปลี่ยนเดือนเริ่มต้นปีบัญชีไม่ได้ เพราะเปิดปีบัญชีไปแล้ว")
        return month


@admin.register(CoopProfile)
class CoopProfileAdmin(IntegerInputAdminMixin, admin.ModelAdmin):
    form = CoopProfileForm
    list_display = ("name_th", "registration_no", "fiscal_year_start_month")

    def has_add_permission(self, request):
        return not CoopProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
