"""Settings screens for loan products and their rules (ประเภทเงินกู้ หลักเกณฑ์ อัตราดอกเบี้ย ระเบียบการค้ำประกัน).

Rules are versions: a change is a new version with a later ``effective_from`` (its guarantor bands
added inline with it); a saved version is never edited or deleted, and who added it is recorded.
Contracts and their transactions change only through the services; here they can be looked at.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from sahakorn.core.admin import IntegerInputAdminMixin, ReadOnlyAdminMixin
from sahakorn.core.forms import BEDateField
from sahakorn.core.thai import format_be_date
from sahakorn.loans.models import (
    GuaranteeRules,
    GuarantorBand,
    LoanContract,
    LoanEvent,
    LoanProduct,
    LoanProductRules,
)


class _AddOnly:
    """A version is added, then only looked at."""

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class BandFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        ups = [
            f.cleaned_data.get("amount_up_to")
            for f in self.forms
            if f.cleaned_data
            and not f.cleaned_data.get("DELETE")
            and f.cleaned_data.get("guarantors") is not None
        ]
        if sum(1 for u in ups if u is None) > 1:
            raise forms.ValidationError("ระบุแถว “ขึ้นไป” (วงเงินว่าง) ได้แถวเดียว")
        limits = [u for u in ups if u is not None]
        if len(limits) != len(set(limits)):
            raise forms.ValidationError("วงเงินของแต่ละแถวต้องไม่ซ้ำกัน")


class GuarantorBandInline(IntegerInputAdminMixin, admin.TabularInline):
    model = GuarantorBand
    formset = BandFormSet
    extra = 3
    fields = ["amount_up_to", "guarantors"]

    # The rows belong to the version: added with it, never edited afterwards.
    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None and request.user.has_perm("loans.add_loanproductrules")

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and request.user.has_perm("loans.add_loanproductrules")

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("loans.view_loanproductrules") or request.user.has_perm(
            "loans.add_loanproductrules"
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LoanProductRulesForm(forms.ModelForm):
    effective_from = BEDateField(label="มีผลตั้งแต่")

    class Meta:
        model = LoanProductRules
        fields = [
            "product", "effective_from", "note", "annual_rate", "max_amount", "max_installments",
            "repayment_style", "installment_rounding", "interest_rounding", "day_basis", "earns_average_return",
            "member_types", "salary_multiple", "min_share_percent", "own_funds_percent", "min_membership_months",
            "net_pay_min_percent", "net_pay_min_amount", "max_age_at_end", "max_missed_installments",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        product, start = data.get("product"), data.get("effective_from")
        if product is not None and start is not None:
            # A version dated before a contract already paid out would re-decide it after the fact.
            last = (
                LoanContract.objects.filter(product=product, disbursed_on__gte=start)
                .order_by("-disbursed_on")
                .values_list("disbursed_on", flat=True)
                .first()
            )
            if last is not None:
                self.add_error(
                    "effective_from",
                    f"มีสัญญาของประเภทนี้จ่ายเงินกู้แล้วถึงวันที่ {format_be_date(last)}: หลักเกณฑ์ใหม่ต้องมีผลหลังวันนั้น",
                )
            if LoanProductRules.objects.filter(product=product, effective_from=start).exists():
                self.add_error("effective_from", "ประเภทนี้มีหลักเกณฑ์ที่มีผลวันนี้อยู่แล้ว")
        if data.get("net_pay_min_percent") is not None and not 0 <= data["net_pay_min_percent"] <= 100:
            self.add_error("net_pay_min_percent", "ร้อยละต้องอยู่ระหว่าง 0 ถึง 100")
        return data


@admin.register(LoanProductRules)
class LoanProductRulesAdmin(_AddOnly, IntegerInputAdminMixin, admin.ModelAdmin):
    form = LoanProductRulesForm
    inlines = [GuarantorBandInline]
    list_display = ["product", "effective_from", "annual_rate", "max_amount", "max_installments",
                    "repayment_style", "interest_rounding", "earns_average_return", "created_by", "created_at"]  # fmt: skip
    list_filter = ["product"]
    fieldsets = [
        ("ประเภทและวันที่มีผล", {"fields": ["product", "effective_from", "note"]}),
        (
            "ดอกเบี้ยและการผ่อนชำระ",
            {
                "fields": [
                    "annual_rate",
                    "max_amount",
                    "max_installments",
                    "repayment_style",
                    "installment_rounding",
                    "interest_rounding",
                    "day_basis",
                    "earns_average_return",
                ]
            },
        ),  # fmt: skip
        (
            "หลักเกณฑ์การกู้",
            {
                "fields": [
                    "member_types",
                    "salary_multiple",
                    "min_share_percent",
                    "own_funds_percent",
                    "min_membership_months",
                    "net_pay_min_percent",
                    "net_pay_min_amount",
                    "max_age_at_end",
                    "max_missed_installments",
                ]
            },
        ),  # fmt: skip
    ]

    def save_model(self, request, obj, form, change) -> None:
        if obj.pk is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class GuaranteeRulesForm(forms.ModelForm):
    effective_from = BEDateField(label="มีผลตั้งแต่")

    class Meta:
        model = GuaranteeRules
        fields = [
            "effective_from", "max_contracts_per_guarantor", "max_amount_per_guarantor", "min_membership_months",
            "member_types", "forbid_spouse",
        ]  # fmt: skip

    def clean_effective_from(self):
        start = self.cleaned_data["effective_from"]
        if GuaranteeRules.objects.filter(effective_from=start).exists():
            raise forms.ValidationError("มีระเบียบการค้ำประกันที่มีผลวันนี้อยู่แล้ว")
        return start


@admin.register(GuaranteeRules)
class GuaranteeRulesAdmin(_AddOnly, IntegerInputAdminMixin, admin.ModelAdmin):
    form = GuaranteeRulesForm
    list_display = ["effective_from", "max_contracts_per_guarantor", "max_amount_per_guarantor",
                    "min_membership_months", "member_types", "forbid_spouse", "created_by", "created_at"]  # fmt: skip

    def save_model(self, request, obj, form, change) -> None:
        if obj.pk is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(LoanProduct)
class LoanProductAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "family", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        # Once contracts exist, a new family would move their balances to another control account.
        if obj is not None and obj.contracts.exists():
            return ["code", "family"]
        return []

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(LoanContract)
class LoanContractAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["number", "member", "product", "amount", "principal_balance", "status", "disbursed_on"]
    list_filter = ["product", "status", "guarantor_replacement_needed"]
    search_fields = ["number", "member__number"]


@admin.register(LoanEvent)
class LoanEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "member", "contract", "notified_at"]
    list_filter = ["kind"]
