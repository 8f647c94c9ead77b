"""Back-office forms of the ledger: filters, the manual voucher, reversal. Dates are B.E."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, DateRangeMixin, MoneyFormField
from sahakorn.core.money import ZERO
from sahakorn.ledger.models import Account, EntrySource, FiscalYear
from sahakorn.ledger.selectors import accounts_postable
from sahakorn.ledger.services import Line


class AccountChoiceField(forms.ModelChoiceField):
    """An account shown as "11110 เงินสด", the way accountants name them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", _("— เลือกบัญชี —"))
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Account) -> str:
        return f"{obj.code} {obj.name_th}"


class JournalFilterForm(DateRangeMixin, forms.Form):
    STATUS_CHOICES = [("posted", _("ผ่านรายการแล้ว")), ("draft", _("ร่าง")), ("all", _("ทั้งหมด"))]

    start = BEDateField(label=_("ตั้งแต่วันที่"), required=False)
    end = BEDateField(label=_("ถึงวันที่"), required=False)
    source = forms.ChoiceField(
        label=_("ที่มา"), required=False, choices=[("", _("ทุกสมุด")), *EntrySource.choices]
    )
    status = forms.ChoiceField(label=_("สถานะ"), required=False, choices=STATUS_CHOICES)
    voucher = forms.CharField(
        label=_("เลขที่ใบสำคัญ"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": "JV2569-000123"}),
    )


class EntryForm(forms.Form):
    date = BEDateField(label=_("วันที่"))
    description = forms.CharField(label=_("คำอธิบาย"), max_length=300)


class LineForm(forms.Form):
    account = AccountChoiceField(label=_("บัญชี"), queryset=Account.objects.none(), required=False)
    debit = MoneyFormField(label=_("เดบิต"), required=False)
    credit = MoneyFormField(label=_("เครดิต"), required=False)
    memo = forms.CharField(label=_("รายละเอียด"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only active leaf accounts take postings; headers are sums of their children.
        account = cast(AccountChoiceField, self.fields["account"])
        account.queryset = accounts_postable().order_by("code")

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(name) for name in ("account", "debit", "credit", "memo"))

    def clean(self):
        cleaned = cast(dict[str, Any], super().clean())  # Django's returns cleaned_data, never None
        if self.is_blank():
            return cleaned
        debit, credit = cleaned.get("debit") or 0, cleaned.get("credit") or 0
        if not cleaned.get("account") and "account" not in self.errors:
            self.add_error("account", _("กรุณาเลือกบัญชี"))
        if debit < 0 or credit < 0:
            raise forms.ValidationError(_("จำนวนเงินติดลบไม่ได้"))
        if (debit > 0) == (credit > 0):
            raise forms.ValidationError(_("กรอกจำนวนเงินด้านเดบิตหรือด้านเครดิตด้านเดียว"))
        return cleaned

    def to_line(self) -> Line:
        data = self.cleaned_data
        return Line(
            account=data["account"],
            debit=data.get("debit") or ZERO,
            credit=data.get("credit") or ZERO,
            memo=data.get("memo") or "",
        )


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if len(self.lines()) < 2:
            raise forms.ValidationError(_("ใบสำคัญต้องมีอย่างน้อย 2 รายการ (เดบิตและเครดิต)"))

    def lines(self) -> list[Line]:
        return [form.to_line() for form in self.forms if form.is_valid() and not form.is_blank()]


# formset_factory's stubs return type[BaseFormSet]; the class it makes is a BaseLineFormSet.
LineFormSet = cast(
    type[BaseLineFormSet], forms.formset_factory(LineForm, formset=BaseLineFormSet, extra=4, max_num=200)
)


class ReverseForm(forms.Form):
    date = BEDateField(label=_("วันที่กลับรายการ"))
    reason = forms.CharField(label=_("เหตุผล"), max_length=200)


class TrialBalanceForm(forms.Form):
    as_of = BEDateField(label=_("ณ วันที่"), required=False)
    fiscal_year = forms.ModelChoiceField(
        label=_("เฉพาะปีบัญชี"),
        queryset=FiscalYear.objects.order_by("-year_be"),
        required=False,
        empty_label=_("ทุกปี (ยอดสะสม)"),
    )


class StatementForm(DateRangeMixin, forms.Form):
    account = AccountChoiceField(label=_("บัญชี"), queryset=Account.objects.order_by("code"))
    start = BEDateField(label=_("ตั้งแต่วันที่"))
    end = BEDateField(label=_("ถึงวันที่"))
