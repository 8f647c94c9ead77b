"""Back-office loan forms. They parse what was typed; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, MoneyFormField
from sahakorn.deposits.models import AccountStatus, DepositAccount
from sahakorn.loans.models import ContractStatus, LoanContract, LoanProduct
from sahakorn.members.forms import MemberNumberField
from sahakorn.members.models import Member

CHANNELS = [("cash", _("เงินสด")), ("bank", _("โอนเข้าบัญชีธนาคาร")), ("deposit", _("เข้าบัญชีเงินฝากสหกรณ์"))]


def _today():
    return timezone.localdate()


def _products():
    return LoanProduct.objects.filter(is_active=True).order_by("code")


class EligibilityForm(forms.Form):
    member = MemberNumberField(label=_("เลขทะเบียนสมาชิก"))
    product = forms.ModelChoiceField(
        label=_("ประเภทเงินกู้"), queryset=LoanProduct.objects.none(), empty_label=_("— เลือกประเภทเงินกู้ —")
    )
    amount = MoneyFormField(label=_("จำนวนเงินขอกู้ (บาท)"), required=False, help_text=_("เว้นว่าง = ดูวงเงินสูงสุด"))
    installments = forms.IntegerField(label=_("จำนวนงวด"), min_value=1, required=False)
    on = BEDateField(label=_("ณ วันที่"), initial=_today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = _products()


class GuarantorNumbersField(forms.CharField):
    """Member numbers separated by spaces or commas; cleans to a list of Members (in order, as typed)."""

    def clean(self, value):
        text = (super().clean(value) or "").replace(",", " ")
        members = []
        for number in text.split():
            member = Member.objects.filter(number=number).first()
            if member is None:
                raise ValidationError(_t("ไม่พบสมาชิกเลขทะเบียน %(number)s") % {"number": number})
            members.append(member)
        return members


class ApplicationForm(forms.Form):
    member = MemberNumberField(label=_("เลขทะเบียนสมาชิกผู้กู้"))
    product = forms.ModelChoiceField(label=_("ประเภทเงินกู้"), queryset=LoanProduct.objects.none())
    amount = MoneyFormField(label=_("จำนวนเงินขอกู้ (บาท)"))
    installments = forms.IntegerField(label=_("จำนวนงวด"), min_value=1)
    guarantors = GuarantorNumbersField(
        label=_("เลขทะเบียนผู้ค้ำ"), required=False, help_text=_("คั่นด้วยช่องว่างหรือจุลภาค")
    )
    refinance = forms.CharField(label=_("หักกลบสัญญาเดิม (เลขที่สัญญา)"), required=False, max_length=20)
    purpose = forms.CharField(label=_("วัตถุประสงค์"), required=False, max_length=300)
    applied_on = BEDateField(label=_("วันที่ยื่นคำขอ"), initial=_today)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = _products()

    def clean_refinance(self):
        number = (self.cleaned_data.get("refinance") or "").strip()
        if not number:
            return None
        contract = LoanContract.objects.filter(number=number, status=ContractStatus.ACTIVE).first()
        if contract is None:
            raise ValidationError(_t("ไม่พบสัญญาเงินกู้ที่ยังไม่ปิดเลขที่ %(number)s") % {"number": number})
        return contract


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("หมายเหตุ/เหตุผล"), max_length=300, required=False)


class DisburseForm(forms.Form):
    on = BEDateField(label=_("วันที่จ่ายเงินกู้"), initial=_today)
    first_due = BEDateField(label=_("งวดแรกครบกำหนด"))
    channel = forms.ChoiceField(label=_("ช่องทางจ่าย"), choices=CHANNELS, initial="bank")
    deposit_account = forms.ModelChoiceField(
        label=_("บัญชีเงินฝาก"), queryset=DepositAccount.objects.none(), required=False
    )

    def __init__(self, *args, member: Member, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deposit_account"].queryset = DepositAccount.objects.filter(member=member).exclude(
            status=AccountStatus.CLOSED
        )


class ReplaceGuarantorForm(forms.Form):
    old = forms.ModelChoiceField(label=_("ผู้ค้ำเดิม"), queryset=Member.objects.none())
    new = MemberNumberField(label=_("เลขทะเบียนผู้ค้ำใหม่"))
    on = BEDateField(label=_("วันที่"), initial=_today)

    def __init__(self, *args, contract: LoanContract, **kwargs):
        super().__init__(*args, **kwargs)
        ids = contract.guarantees.filter(ended_on__isnull=True).values("guarantor_id")
        self.fields["old"].queryset = Member.objects.filter(pk__in=ids)
