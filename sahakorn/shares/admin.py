"""Settings screens for share rules (ระเบียบหุ้น): versions are added, never changed or deleted.

Saving a new version goes through ``share_rules_create``, so the admin enforces exactly what the
service does (no back-dating once transactions exist, a complete salary table, audit of who).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet

from sahakorn.core.admin import IntegerInputAdminMixin
from sahakorn.core.forms import BEDateField
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import MonthlyMethod, ShareBracket, ShareRules
from sahakorn.shares.rules import RULE_FIELDS
from sahakorn.shares.services import brackets_problem, problems_of_new_rules, share_rules_create


def _brackets_from(formset) -> list:
    return [
        (f.cleaned_data.get("salary_up_to"), f.cleaned_data["value"])
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE") and f.cleaned_data.get("value") is not None
    ]


class BracketFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        # The main form's method decides whether a table is required (same POST data).
        required = self.data.get("monthly_method", MonthlyMethod.TABLE) == MonthlyMethod.TABLE
        problem = brackets_problem(_brackets_from(self), required=required)
        if problem:
            raise forms.ValidationError(problem)


class ShareBracketInline(admin.TabularInline):
    model = ShareBracket
    formset = BracketFormSet
    extra = 3
    fields = ["salary_up_to", "value"]

    # The rows belong to the version: whoever may add a version may add its rows, and no one edits them.
    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None and request.user.has_perm("shares.add_sharerules")

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and request.user.has_perm("shares.add_sharerules")

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("shares.view_sharerules") or request.user.has_perm(
            "shares.add_sharerules"
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ShareRulesForm(forms.ModelForm):
    # Typed in B.E. like every other date; the admin's own date widget is C.E.
    effective_from = BEDateField(label="มีผลตั้งแต่")

    class Meta:
        model = ShareRules
        fields = ["effective_from", *RULE_FIELDS, "note"]

    def clean(self):
        data = super().clean()
        fields = {name: data.get(name) for name in RULE_FIELDS if name in data}
        problems = problems_of_new_rules(
            effective_from=data.get("effective_from"), brackets=[], note=data.get("note", ""), **fields
        )
        problems.pop("brackets", None)  # the bracket inline checks its own rows
        for name, message in problems.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return data


@admin.register(ShareRules)
class ShareRulesAdmin(IntegerInputAdminMixin, admin.ModelAdmin):
    form = ShareRulesForm
    inlines = [ShareBracketInline]
    list_display = [
        "effective_from",
        "par_value",
        "min_initial_shares",
        "entrance_fee",
        "monthly_method",
        "note",
        "created_by",
        "created_at",
    ]
    fieldsets = [
        ("มีผลตั้งแต่", {"fields": ["effective_from", "note"]}),
        (
            "หุ้น",
            {
                "fields": [
                    "par_value",
                    "min_initial_shares",
                    "entrance_fee",
                    "max_extra_purchase",
                    "holding_cap_ratio",
                    "holding_cap_min_holders",
                ]
            },
        ),
        (
            "หุ้นรายเดือน",
            {
                "fields": [
                    "monthly_method",
                    "table_unit",
                    "monthly_min_percent",
                    "monthly_percent_rounding",
                    "monthly_max_percent",
                    "monthly_floor_no_salary",
                ]
            },
        ),
        ("การผิดนัดส่งค่าหุ้น", {"fields": ["default_consecutive_months", "default_months_per_year"]}),
        (
            "การงดส่งค่าหุ้น",
            {
                "fields": [
                    "suspension_min_months",
                    "suspension_min_balance",
                    "suspension_requires_debt_below_shares",
                    "suspension_allow_temporary",
                    "suspension_allow_permanent",
                ]
            },
        ),
        ("ถอนและโอนหุ้น", {"fields": ["withdrawal_settles_debts", "transfer_allowed"]}),
    ]

    def has_change_permission(self, request, obj=None) -> bool:
        # Saved versions are read-only (view permission still shows them).
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        # The version is written with its brackets in save_related, through the service.
        pass

    def save_related(self, request, form, formsets, change) -> None:
        brackets_formset = next(fs for fs in formsets if fs.model is ShareBracket)
        data = form.cleaned_data
        try:
            rules = share_rules_create(
                by=request.user,
                effective_from=data["effective_from"],
                brackets=_brackets_from(brackets_formset),
                note=data["note"],
                **{name: data[name] for name in RULE_FIELDS if name in data},
            )
        except ShareError as e:  # a race with another version on the same date; the form checked the rest
            raise forms.ValidationError(e.message) from e
        form.instance.pk = rules.pk
        form.instance.created_at = rules.created_at
        form.instance.created_by = rules.created_by
        # The admin's change message reads what the formsets "saved"; the service saved them.
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
