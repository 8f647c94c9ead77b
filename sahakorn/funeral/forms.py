"""Back-office forms of the funeral association. They parse what was typed; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, NationalIdField, PhoneField
from sahakorn.funeral.models import Channel, FuneralMembership, PayoutMethod
from sahakorn.funeral.services import BeneficiaryInput
from sahakorn.members.forms import MemberNumberField


def _today():
    return timezone.localdate()


class EnrolForm(forms.Form):
    member = MemberNumberField(label=_("เลขทะเบียนสมาชิกสหกรณ์"), max_length=10)
    joined_on = BEDateField(label=_("วันที่เป็นสมาชิกสมาคม"), initial=_today)
    with_entrance_fee = forms.BooleanField(label=_("รับค่าสมัครสมาคม"), required=False, initial=True)
    channel = forms.ChoiceField(
        label=_("ช่องทางรับค่าสมัคร"),
        choices=[(c.value, c.label) for c in (Channel.COUNTER, Channel.TRANSFER)],
        initial=Channel.COUNTER,
    )


class BeneficiaryForm(forms.Form):
    name = forms.CharField(label=_("ชื่อ-สกุล"), max_length=200)
    relation = forms.CharField(label=_("ความเกี่ยวพัน"), max_length=50)
    national_id = NationalIdField(label=_("เลขประจำตัวประชาชน"), required=False)
    phone = PhoneField(label=_("โทรศัพท์"), required=False)
    share_percent = forms.DecimalField(
        label=_("สัดส่วน (ร้อยละ)"), max_digits=5, decimal_places=2, min_value=0, max_value=100,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "share-percent"}),
    )  # fmt: skip


class BaseBeneficiaryFormSet(forms.BaseFormSet):
    def inputs(self) -> list[BeneficiaryInput]:
        return [
            BeneficiaryInput(
                name=f.cleaned_data["name"],
                relation=f.cleaned_data["relation"],
                share_percent=f.cleaned_data["share_percent"],
                national_id=f.cleaned_data.get("national_id") or "",
                phone=f.cleaned_data.get("phone") or "",
            )
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]


BeneficiaryFormSet = forms.formset_factory(
    BeneficiaryForm, formset=BaseBeneficiaryFormSet, extra=3, max_num=10, can_delete=True
)


class LevyForm(forms.Form):
    levied_on = BEDateField(label=_("วันที่เรียกเก็บเงินสงเคราะห์รายปี"), initial=_today)


class CollectForm(forms.Form):
    numbers = forms.CharField(
        label=_("เลขทะเบียนสมาคมที่ชำระ"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("เว้นว่าง = รับชำระทุกรายที่ค้าง; คั่นหลายเลขด้วยช่องว่างหรือจุลภาค"),
    )
    on = BEDateField(label=_("วันที่รับเงิน"), initial=_today)
    channel = forms.ChoiceField(label=_("ช่องทาง"), choices=Channel.choices, initial=Channel.PAYROLL)

    def clean_numbers(self):
        text = self.cleaned_data["numbers"].replace(",", " ")
        numbers = text.split()
        if not numbers:
            return None
        found = dict(FuneralMembership.objects.filter(number__in=numbers).values_list("number", "id"))
        missing = [n for n in numbers if n not in found]
        if missing:
            raise ValidationError(_("ไม่พบสมาชิกสมาคมเลขทะเบียน %(numbers)s") % {"numbers": ", ".join(missing)})
        return [found[n] for n in numbers]


class ClaimForm(forms.Form):
    membership = forms.CharField(label=_("เลขทะเบียนสมาคม"), max_length=10)
    death_date = BEDateField(label=_("วันที่ถึงแก่กรรม"))
    reported_on = BEDateField(label=_("วันที่แจ้ง"), initial=_today)
    note = forms.CharField(label=_("หมายเหตุ"), max_length=300, required=False)

    def clean_membership(self):
        number = self.cleaned_data["membership"].strip()
        membership = FuneralMembership.objects.filter(number=number).first()
        if membership is None:
            raise ValidationError(_("ไม่พบสมาชิกสมาคมเลขทะเบียน %(number)s") % {"number": number})
        return membership


class PayForm(forms.Form):
    on = BEDateField(label=_("วันที่จ่าย"), initial=_today)
    method = forms.ChoiceField(label=_("วิธีจ่าย"), choices=PayoutMethod.choices, initial=PayoutMethod.BANK)
