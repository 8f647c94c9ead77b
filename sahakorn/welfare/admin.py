"""Settings screens for welfare schemes (ประเภทสวัสดิการ), with the amount table inline.

Claims are read-only here: they are written only by the services (the claim screens), and a paid
claim is never edited.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin

from sahakorn.core.admin import IntegerInputAdminMixin
from sahakorn.core.forms import BEDateField
from sahakorn.members.models import MemberType
from sahakorn.welfare.models import AmountRule, SchemeAmount, WelfareClaim, WelfareScheme


class WelfareSchemeForm(forms.ModelForm):
    member_types = forms.MultipleChoiceField(
        label="ประเภทสมาชิกที่มีสิทธิ์",
        choices=MemberType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="ไม่เลือก = ทุกประเภท",
    )
    valid_from = BEDateField(label="มีผลตั้งแต่")
    valid_until = BEDateField(label="สิ้นสุด", required=False)

    class Meta:
        model = WelfareScheme
        fields = [
            "code", "name", "kind", "fund_role", "amount_rule", "amount", "max_days_per_year",
            "max_amount_per_claim", "min_membership_months", "min_age_years", "member_types", "max_per_year",
            "max_lifetime", "per_beneficiary", "requires_beneficiary", "event_within_days", "valid_from",
            "valid_until", "annual_budget", "requires_documents", "is_active",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        rule = data.get("amount_rule")
        amount = data.get("amount")
        if rule in (AmountRule.FIXED, AmountRule.PER_DAY) and (amount is None or amount <= 0):
            self.add_error("amount", "กรุณากรอกจำนวนเงิน (มากกว่า 0) สำหรับแบบคงที่หรือต่อวัน")
        if rule != AmountRule.PER_DAY and data.get("max_days_per_year"):
            self.add_error("max_days_per_year", "จำนวนวันสูงสุดใช้กับแบบต่อวันเท่านั้น")
        return data


class SchemeAmountInline(IntegerInputAdminMixin, admin.TabularInline):
    model = SchemeAmount
    extra = 1
    fields = ["position", "level", "label", "amount"]


@admin.register(WelfareScheme)
class WelfareSchemeAdmin(IntegerInputAdminMixin, admin.ModelAdmin):
    form = WelfareSchemeForm
    inlines = [SchemeAmountInline]
    list_display = [
        "code",
        "name",
        "kind",
        "fund_role",
        "amount_rule",
        "amount",
        "valid_from",
        "valid_until",
        "is_active",
    ]
    list_filter = ["kind", "fund_role", "is_active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A scheme with claims is history; close it with valid_until or is_active instead.
        return False


@admin.register(WelfareClaim)
class WelfareClaimAdmin(admin.ModelAdmin):
    list_display = ["pk", "scheme", "member", "applied_on", "amount", "status", "paid_on"]
    list_filter = ["status", "scheme"]
    search_fields = ["member__number", "beneficiary_name"]
    list_select_related = ["scheme", "member"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
