"""Settings screens for deposit products and their rate tiers (ประเภทเงินฝาก อัตราดอกเบี้ย).

A rate change is a new schedule with a later ``effective_from`` (its tiers added inline); who added
each tier is recorded. Accounts, holds and transactions are read-only here: they change only
through the services.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from sahakorn.core.admin import IntegerInputAdminMixin
from sahakorn.core.forms import BEDateField
from sahakorn.deposits.calc import credit_months_parse
from sahakorn.deposits.models import DepositAccount, DepositProduct, DepositRate, InterestRun


class DepositRateForm(forms.ModelForm):
    effective_from = BEDateField(label="มีผลตั้งแต่")

    class Meta:
        model = DepositRate
        fields = ["effective_from", "balance_from", "annual_rate"]

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None and self.has_changed():
            raise forms.ValidationError("แก้ไขอัตราที่บันทึกแล้วไม่ได้ ให้เพิ่มตารางอัตราที่มีผลวันใหม่แทน")
        return data


class DepositRateInline(admin.TabularInline):
    model = DepositRate
    form = DepositRateForm
    extra = 1
    fields = ["effective_from", "balance_from", "annual_rate", "created_by", "created_at"]
    readonly_fields = ["created_by", "created_at"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the history of rates stays: a change is a new, later schedule


class DepositProductForm(forms.ModelForm):
    class Meta:
        model = DepositProduct
        fields = [
            "code",
            "name",
            "kind",
            "gl_role",
            "credit_months",
            "interest_rounding",
            "day_basis",
            "min_opening",
            "min_balance",
            "max_withdrawals_per_month",
            "term_months",
            "early_withdrawal",
            "dormant_after_months",
            "is_active",
        ]

    def clean_credit_months(self) -> str:
        try:
            return ",".join(str(m) for m in credit_months_parse(self.cleaned_data["credit_months"]))
        except ValueError as e:
            raise forms.ValidationError(str(e)) from None

    def clean(self):
        data = super().clean()
        if data.get("kind") == "fixed_term" and not data.get("term_months"):
            self.add_error("term_months", "เงินฝากประจำต้องระบุระยะเวลาฝาก")
        return data


@admin.register(DepositProduct)
class DepositProductAdmin(IntegerInputAdminMixin, admin.ModelAdmin):
    form = DepositProductForm
    list_display = ["code", "name", "kind", "gl_role", "credit_months", "min_balance", "is_active"]
    inlines = [DepositRateInline]

    def get_readonly_fields(self, request, obj=None):
        # Once accounts exist, re-pointing the GL role would split the control account's history.
        if obj is not None and obj.accounts.exists():
            return ["code", "kind", "gl_role"]
        return []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_formset(self, request, form, formset, change):
        rates = formset.save(commit=False)
        for rate in rates:
            if rate.pk is None:
                rate.created_by = request.user
            rate.save()
        formset.save_m2m()


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DepositAccount)
class DepositAccountAdmin(_ReadOnly):
    list_display = ["number", "member", "product", "status", "balance", "last_movement_on"]
    list_filter = ["product", "status"]
    search_fields = ["number", "member__number"]


@admin.register(InterestRun)
class InterestRunAdmin(_ReadOnly):
    list_display = ["product", "period_start", "period_end", "posted_on", "accounts", "amount", "run_by"]
