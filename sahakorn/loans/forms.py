"""Back-office loan forms. They parse what was typed; the rules live in the services."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, IntegerFormField, MoneyFormField
from sahakorn.deposits.models import AccountStatus, DepositAccount
from sahakorn.loans.models import ContractStatus, InstallmentPolicy, LoanContract, LoanProduct
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
    installments = IntegerFormField(label=_("จำนวนงวด"), min_value=1, required=False)
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
                raise ValidationError(gettext("ไม่พบสมาชิกเลขทะเบียน %(number)s") % {"number": number})
            members.append(member)
        return members


class ApplicationForm(forms.Form):
    member = MemberNumberField(label=_("เลขทะเบียนสมาชิกผู้กู้"))
    product = forms.ModelChoiceField(label=_("ประเภทเงินกู้"), queryset=LoanProduct.objects.none())
    amount = MoneyFormField(label=_("จำนวนเงินขอกู้ (บาท)"))
    installments = IntegerFormField(label=_("จำนวนงวด"), min_value=1)
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
            raise ValidationError(gettext("ไม่พบสัญญาเงินกู้ที่ยังไม่ปิดเลขที่ %(number)s") % {"number": number})
        return contract


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
    old = forms.ModelChoiceField(
        label=_("ผู้ค้ำเดิม"), queryset=Member.objects.none(), empty_label=_("— เลือกผู้ค้ำที่จะเปลี่ยน —")
    )
    new = MemberNumberField(label=_("เลขทะเบียนผู้ค้ำใหม่"))
    on = BEDateField(label=_("วันที่"), initial=_today)

    def __init__(self, *args, contract: LoanContract, **kwargs):
        super().__init__(*args, **kwargs)
        ids = contract.guarantees.filter(ended_on__isnull=True).values("guarantor_id")
        self.fields["old"].queryset = Member.objects.filter(pk__in=ids)


PAYMENT_CHANNELS = [("cash", _("เงินสด")), ("bank", _("โอนเข้าบัญชีธนาคารของสหกรณ์"))]


class PaymentForm(forms.Form):
    """รับชำระเงินกู้ที่เคาน์เตอร์ (an installment, or more: a partial prepayment)."""

    form_key = "payment_form"  # its name in the contract page's context

    amount = MoneyFormField(label=_("จำนวนเงินที่รับ (บาท)"), min_value=0.01)
    on = BEDateField(label=_("วันที่รับชำระ"), initial=_today)
    channel = forms.ChoiceField(label=_("ช่องทาง"), choices=PAYMENT_CHANNELS, initial="cash")
    memo = forms.CharField(label=_("หมายเหตุ"), max_length=200, required=False)


class PayoffForm(forms.Form):
    """ปิดบัญชีเงินกู้: principal and interest to the day, quoted on the screen first."""

    form_key = "payoff_form"  # its name in the contract page's context

    on = BEDateField(label=_("วันที่ปิดบัญชี"), initial=_today)
    channel = forms.ChoiceField(label=_("ช่องทาง"), choices=PAYMENT_CHANNELS, initial="cash")


class ReverseForm(forms.Form):
    form_key = "reverse_form"  # its name in the contract page's context
    on = BEDateField(label=_("วันที่กลับรายการ"), initial=_today)
    reason = forms.CharField(label=_("เหตุผลที่กลับรายการ"), max_length=200)


class RateChangeForm(forms.Form):
    form_key = "rate_form"  # its name in the contract page's context
    annual_rate = forms.DecimalField(
        label=_("อัตราดอกเบี้ยใหม่ (% ต่อปี)"), min_value=0, max_value=30, max_digits=6, decimal_places=3
    )
    effective_from = BEDateField(label=_("มีผลตั้งแต่"))
    installment_policy = forms.ChoiceField(
        label=_("ค่างวด"),
        choices=[
            (InstallmentPolicy.KEEP, _("คงค่างวดเดิม (เงินต้นต่องวดเปลี่ยน)")),
            (InstallmentPolicy.RECOMPUTE, _("คำนวณค่างวดใหม่ตามงวดที่เหลือ")),
        ],
        initial=InstallmentPolicy.KEEP,
    )
    reason = forms.CharField(label=_("เหตุผล/มติที่"), max_length=300, required=False)


class RefundForm(forms.Form):
    """คืนดอกเบี้ย: interest received and to be given back (e.g. billed to the month-end after a payoff)."""

    form_key = "refund_form"  # its name in the contract page's context
    amount = MoneyFormField(label=_("จำนวนเงินที่คืน (บาท)"), min_value=0.01)
    on = BEDateField(label=_("วันที่คืน"), initial=_today)
    channel = forms.ChoiceField(
        label=_("ช่องทาง"), choices=[("cash", _("เงินสด")), ("bank", _("โอนเข้าบัญชีธนาคาร"))], initial="bank"
    )
    reason = forms.CharField(label=_("เหตุผลที่คืนดอกเบี้ย"), max_length=200)


class ContractFilterForm(forms.Form):
    q = forms.CharField(
        label=_("ค้นหา"), required=False, help_text=_("เลขที่สัญญา เลขทะเบียน หรือชื่อผู้กู้"), max_length=100
    )
    product = forms.ModelChoiceField(
        label=_("ประเภทเงินกู้"), queryset=LoanProduct.objects.order_by("code"), required=False,
        empty_label=_("ทุกประเภท"),
    )  # fmt: skip
    status = forms.ChoiceField(
        label=_("สถานะ"), required=False, choices=[("", _("ทุกสถานะ")), *ContractStatus.choices]
    )
    replacement = forms.BooleanField(label=_("เฉพาะที่ต้องเปลี่ยนผู้ค้ำ"), required=False)


class QuoteForm(forms.Form):
    quote_on = BEDateField(label=_("ยอดปิดบัญชี ณ วันที่"), required=False)
