"""Back-office forms for deposits. They parse what was typed; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, MoneyFormField
from sahakorn.deposits.models import Channel, DepositAccount, DepositProduct
from sahakorn.members.forms import MemberNumberField

DEPOSIT_CHANNELS = [(c.value, c.label) for c in (Channel.CASH, Channel.TRANSFER)]
WITHDRAWAL_CHANNELS = DEPOSIT_CHANNELS


def _today():
    return timezone.localdate()


class OpenForm(forms.Form):
    member = MemberNumberField(label=_("เลขทะเบียนสมาชิก"))
    product = forms.ModelChoiceField(
        label=_("ประเภทเงินฝาก"), queryset=DepositProduct.objects.filter(is_active=True)
    )
    opened_on = BEDateField(label=_("วันที่เปิดบัญชี"), initial=_today)
    initial_amount = MoneyFormField(label=_("ยอดเงินฝากแรกเข้า (บาท)"), required=False)
    channel = forms.ChoiceField(label=_("ช่องทาง"), choices=DEPOSIT_CHANNELS, initial=Channel.CASH)


class MovementForm(forms.Form):
    amount = MoneyFormField(label=_("จำนวนเงิน (บาท)"))
    channel = forms.ChoiceField(label=_("ช่องทาง"), choices=DEPOSIT_CHANNELS, initial=Channel.CASH)
    on = BEDateField(label=_("วันที่"), initial=_today)
    memo = forms.CharField(label=_("หมายเหตุ"), max_length=200, required=False)


class MonthlyDepositForm(forms.Form):
    monthly_deposit = MoneyFormField(
        label=_("ฝากรายเดือน หักจากเงินเดือน (บาท)"),
        help_text=_("เรียกเก็บทุกเดือนพร้อมรายการหักเงินเดือน ใส่ 0 เพื่อหยุด มีผลตั้งแต่รอบที่ยังไม่ได้ประมวลผล"),
    )


class CloseForm(forms.Form):
    channel = forms.ChoiceField(label=_("จ่ายเงินทาง"), choices=WITHDRAWAL_CHANNELS, initial=Channel.CASH)
    on = BEDateField(label=_("วันที่ปิดบัญชี"), initial=_today)


class TransferForm(forms.Form):
    to_account = forms.ModelChoiceField(label=_("โอนเข้าบัญชี"), queryset=DepositAccount.objects.none())
    amount = MoneyFormField(label=_("จำนวนเงิน (บาท)"))
    on = BEDateField(label=_("วันที่"), initial=_today)

    def __init__(self, *args, source: DepositAccount, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_account"].queryset = (
            DepositAccount.objects.filter(member_id=source.member_id)
            .exclude(pk=source.pk)
            .exclude(status="closed")
        )


class HoldForm(forms.Form):
    amount = MoneyFormField(label=_("จำนวนเงินที่อายัด (บาท)"))
    reason = forms.CharField(label=_("เหตุผล"), max_length=300)
    on = BEDateField(label=_("วันที่อายัด"), initial=_today)


class DateReasonForm(forms.Form):
    on = BEDateField(label=_("วันที่"), initial=_today)
    reason = forms.CharField(label=_("เหตุผล"), max_length=300, required=False)


class ReverseForm(forms.Form):
    on = BEDateField(label=_("วันที่กลับรายการ"), initial=_today)
    reason = forms.CharField(label=_("เหตุผลที่กลับรายการ"), max_length=200)


class InterestRunForm(forms.Form):
    product = forms.ModelChoiceField(label=_("ประเภทเงินฝาก"), queryset=DepositProduct.objects.all())
    period_end = BEDateField(label=_("วันสิ้นงวด"), help_text=_("วันสิ้นเดือนที่จ่ายดอกเบี้ย เช่น 30/06/2569"))
    posted_on = BEDateField(label=_("วันที่ผ่านรายการ"), required=False, help_text=_("เว้นว่าง = วันสิ้นงวด"))
