"""Back-office forms for share operations. They parse what was typed; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, IntegerFormField, MoneyFormField
from sahakorn.members.forms import MemberNumberField
from sahakorn.shares.models import Channel, MonthlyChangeReason, RequestKind, Suspension

COUNTER_CHANNELS = [(c.value, c.label) for c in (Channel.COUNTER, Channel.TRANSFER)]


def _today():
    return timezone.localdate()


class PurchaseForm(forms.Form):
    KIND_INITIAL, KIND_EXTRA = "initial", "extra"

    member = MemberNumberField(label=_("เลขทะเบียนสมาชิก"))
    kind = forms.ChoiceField(
        label=_("รายการ"),
        choices=[(KIND_INITIAL, _("ซื้อหุ้นแรกเข้า")), (KIND_EXTRA, _("ซื้อหุ้นเพิ่ม"))],
        initial=KIND_EXTRA,
    )
    shares = IntegerFormField(label=_("จำนวนหุ้น"), min_value=1, required=False)
    amount = MoneyFormField(
        label=_("หรือจำนวนเงิน (บาท)"), required=False, help_text=_("ซื้อหุ้นเพิ่มระบุเป็นจำนวนเงินได้")
    )
    channel = forms.ChoiceField(label=_("ช่องทางชำระ"), choices=COUNTER_CHANNELS, initial=Channel.COUNTER)
    on = BEDateField(label=_("วันที่"), initial=_today)
    with_entrance_fee = forms.BooleanField(
        label=_("เก็บค่าธรรมเนียมแรกเข้า"), required=False, initial=True, help_text=_("ใช้กับหุ้นแรกเข้าเท่านั้น")
    )

    def clean(self):
        data = super().clean()
        shares, amount, kind = data.get("shares"), data.get("amount"), data.get("kind")
        if kind == self.KIND_INITIAL:
            if amount is not None:
                self.add_error("amount", _("หุ้นแรกเข้าให้ระบุเป็นจำนวนหุ้น"))
            elif shares is None and "shares" not in self.errors:
                self.add_error("shares", _("กรุณากรอกจำนวนหุ้น"))
        elif kind == self.KIND_EXTRA and "shares" not in self.errors and "amount" not in self.errors:
            if (shares is None) == (amount is None):
                self.add_error("shares", _("กรอกจำนวนหุ้นหรือจำนวนเงินอย่างใดอย่างหนึ่ง"))
        return data


class MonthlyChangeForm(forms.Form):
    member = MemberNumberField(label=_("เลขทะเบียนสมาชิก"))
    to_shares = IntegerFormField(label=_("หุ้นรายเดือนใหม่ (หุ้น)"), min_value=0)
    effective_month = BEDateField(label=_("มีผลตั้งแต่เดือน"), help_text=_("วันที่ใดก็ได้ในเดือนนั้น ระบบใช้วันที่ 1 ของเดือน"))
    reason = forms.ChoiceField(
        label=_("เหตุผล"),
        choices=[
            (r.value, r.label)
            for r in (
                MonthlyChangeReason.MEMBER_REQUEST,
                MonthlyChangeReason.SALARY_CHANGE,
                MonthlyChangeReason.RULE_CHANGE,
            )
        ],
    )
    note = forms.CharField(label=_("หมายเหตุ"), max_length=300, required=False)

    def clean_effective_month(self):
        month = self.cleaned_data["effective_month"]
        return month.replace(day=1) if month else month


class RequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("ประเภทคำขอ"), choices=RequestKind.choices)
    member = MemberNumberField(label=_("เลขทะเบียนสมาชิก"))
    effective_on = BEDateField(label=_("วันที่มีผล"), initial=_today, help_text=_("งดส่งค่าหุ้น: มีผลทั้งเดือนของวันที่นี้"))
    to_member = MemberNumberField(label=_("โอนให้สมาชิกเลขทะเบียน"), required=False)
    shares = IntegerFormField(
        label=_("จำนวนหุ้นที่โอน"), min_value=1, required=False, help_text=_("เว้นว่าง = ทั้งหมด")
    )
    suspension = forms.ChoiceField(
        label=_("แบบการงดส่ง"),
        required=False,
        choices=[
            ("", "—"),
            (Suspension.TEMPORARY.value, Suspension.TEMPORARY.label),
            (Suspension.PERMANENT.value, Suspension.PERMANENT.label),
        ],
    )
    reason = forms.CharField(label=_("เหตุผล"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == RequestKind.TRANSFER and not data.get("to_member") and "to_member" not in self.errors:
            self.add_error("to_member", _("กรุณากรอกเลขทะเบียนผู้รับโอน"))
        if kind == RequestKind.SUSPENSION and not data.get("suspension"):
            self.add_error("suspension", _("เลือกแบบการงดส่ง"))
        return data


class RefundForm(forms.Form):
    member = MemberNumberField(label=_("เลขทะเบียนสมาชิก"))
    amount = MoneyFormField(label=_("จำนวนเงิน (บาท)"), required=False, help_text=_("เว้นว่าง = จ่ายคืนทั้งหมด"))
    channel = forms.ChoiceField(label=_("ช่องทางจ่าย"), choices=COUNTER_CHANNELS, initial=Channel.TRANSFER)
    on = BEDateField(label=_("วันที่จ่าย"), initial=_today)


class ReverseForm(forms.Form):
    on = BEDateField(label=_("วันที่กลับรายการ"), initial=_today)
    reason = forms.CharField(label=_("เหตุผล"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))
