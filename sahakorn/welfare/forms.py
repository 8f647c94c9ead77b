"""Back-office forms for welfare. They parse what was typed; the rules live in ``rules.py`` and the services."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, IntegerFormField
from sahakorn.members.forms import MemberNumberField
from sahakorn.welfare.models import PaymentMethod, Relation, SchemeAmount, WelfareScheme


def _today():
    return timezone.localdate()


class ClaimForm(forms.Form):
    ACTION_CHECK, ACTION_SAVE = "check", "save"

    member = MemberNumberField(label=_("เลขทะเบียนสมาชิก"))
    scheme = forms.ModelChoiceField(
        label=_("สวัสดิการ"), queryset=WelfareScheme.objects.filter(is_active=True).order_by("code")
    )
    event_date = BEDateField(label=_("วันที่เกิดเหตุ"), help_text=_("เช่น วันเกิดบุตร วันเข้าโรงพยาบาล วันเปิดภาคเรียน"))
    beneficiary_name = forms.CharField(label=_("ชื่อผู้รับประโยชน์"), max_length=200, required=False)
    beneficiary_relation = forms.ChoiceField(
        label=_("ความเกี่ยวพัน"), choices=Relation.choices, initial=Relation.SELF
    )
    level = forms.ChoiceField(label=_("ระดับ"), required=False, help_text=_("ทุนการศึกษา: ระดับการศึกษาของบุตร"))
    days = IntegerFormField(label=_("จำนวนวัน"), min_value=1, max_value=366, required=False)
    applied_on = BEDateField(label=_("วันที่ยื่นคำขอ"), initial=_today)
    note = forms.CharField(label=_("หมายเหตุ"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        levels: dict[str, str] = {}
        for level, label in SchemeAmount.objects.order_by("position", "id").values_list("level", "label"):
            levels.setdefault(level, label)
        self.fields["level"].choices = [("", "—"), *levels.items()]


class PayForm(forms.Form):
    method = forms.ChoiceField(label=_("วิธีจ่าย"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK)
    deposit_account = forms.CharField(
        label=_("เลขที่บัญชีเงินฝาก"), max_length=20, required=False, help_text=_("เฉพาะจ่ายเข้าบัญชีเงินฝากของสมาชิก")
    )
    on = BEDateField(label=_("วันที่จ่าย"), initial=_today)

    def clean(self):
        data = super().clean()
        if data.get("method") == PaymentMethod.DEPOSIT and not data.get("deposit_account"):
            self.add_error("deposit_account", _("กรุณาระบุบัญชีเงินฝากที่จะโอนเข้า"))
        return data


class ReverseForm(forms.Form):
    on = BEDateField(label=_("วันที่กลับรายการ"), initial=_today)
    reason = forms.CharField(label=_("เหตุผล"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class PaymentsFilterForm(forms.Form):
    start = BEDateField(label=_("จ่ายตั้งแต่วันที่"))
    end = BEDateField(label=_("ถึงวันที่"))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("วันที่สิ้นสุดต้องไม่ก่อนวันที่เริ่ม"))
        return data
