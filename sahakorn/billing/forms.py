from django import forms
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, MoneyFormField
from sahakorn.members.forms import MemberNumberField

# A returned file of 100,000 members in the widest layout (164 bytes a record) is about 17 MB.
MAX_DEDUCTION_FILE = 40 * 1024 * 1024


class PeriodOpenForm(forms.Form):
    month = BEDateField(label=_("เดือนที่เรียกเก็บ"), help_text=_("วันที่ใดก็ได้ในเดือนนั้น"))

    def clean_month(self):
        month = self.cleaned_data["month"]
        return month.replace(day=1) if month else month


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("เลขทะเบียนสมาชิก"), required=False, max_length=20)


class DeductionFileForm(forms.Form):
    """The file a unit sent back with what it deducted, and what it remitted."""

    layout = forms.ChoiceField(label=_("รูปแบบแฟ้ม"))
    file = forms.FileField(label=_("แฟ้มผลการหักเงินเดือน"))
    remittance = MoneyFormField(label=_("ยอดเงินที่หน่วยโอนให้สหกรณ์ (บาท)"))

    def __init__(self, *args, layouts=(), initial_layout: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["layout"].choices = [(layout.code, str(layout)) for layout in layouts]
        if initial_layout:
            self.fields["layout"].initial = initial_layout

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_DEDUCTION_FILE:
            raise forms.ValidationError(
                _("แฟ้มใหญ่เกิน %(limit)s MB") % {"limit": MAX_DEDUCTION_FILE // (1024 * 1024)}
            )
        return upload


class RefundForm(forms.Form):
    on = BEDateField(label=_("วันที่คืน"))
    channel = forms.ChoiceField(
        label=_("คืนโดย"),
        choices=[("bank", _("โอนเข้าบัญชีธนาคาร")), ("cash", _("เงินสด")), ("deposit", _("เข้าบัญชีเงินฝาก"))],
    )
    account = forms.ModelChoiceField(label=_("บัญชีเงินฝาก"), queryset=None, required=False)
    remember = forms.BooleanField(label=_("ใช้วิธีนี้กับเงินหักเกินครั้งต่อไปของสมาชิกด้วย (วิธีรับเงินประจำ)"), required=False)

    def __init__(self, *args, member=None, **kwargs) -> None:
        from sahakorn.deposits.models import AccountStatus, DepositAccount

        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = DepositAccount.objects.filter(
            member=member, status__in=[AccountStatus.ACTIVE, AccountStatus.DORMANT]
        ).select_related("product")


class StandingRefundForm(forms.Form):
    on = BEDateField(label=_("วันที่คืน"))


# ======== Members who pay by bank account ========

# The bank's list of debits that did not go through is one short line a member.
MAX_BANK_RESULT = 5 * 1024 * 1024


class BankDebitMandateForm(forms.Form):
    """A member's mandate to pay the monthly bill from a bank account (หนังสือยินยอมให้หักบัญชี)."""

    mandate = forms.CharField(widget=forms.HiddenInput, initial="1", required=False)
    member = MemberNumberField(label=_("เลขทะเบียนสมาชิก"))
    bank_code = forms.CharField(label=_("รหัสธนาคาร (3 หลัก)"), max_length=3, help_text=_("เช่น 006 กรุงไทย"))
    account_no = forms.CharField(label=_("เลขที่บัญชี (10 หลัก)"), max_length=13)
    starts = BEDateField(label=_("เริ่มหักบัญชีตั้งแต่งวด"), help_text=_("วันที่ใดก็ได้ในเดือนนั้น"))


class BankDebitEndForm(forms.Form):
    ends = BEDateField(label=_("กลับไปหักเงินเดือนตั้งแต่งวด"), help_text=_("วันที่ใดก็ได้ในเดือนนั้น"))


class BankDebitAccountForm(forms.Form):
    """The coop's collecting account, as the bank's direct-debit file names it."""

    account = forms.CharField(widget=forms.HiddenInput, initial="1", required=False)
    bank_code = forms.CharField(label=_("รหัสธนาคาร (3 หลัก)"), max_length=3)
    account_no = forms.CharField(label=_("เลขที่บัญชีของสหกรณ์ (10 หลัก)"), max_length=13)
    company_name = forms.CharField(label=_("ชื่อบริษัทในแฟ้ม (ไม่เกิน 25 ตัวอักษร)"), max_length=25)
    service_code = forms.CharField(label=_("รหัสบริการ (2 ตัวอักษร)"), max_length=2)

    def clean(self):
        data = super().clean()
        data.pop("account", None)
        return data


class BankDebitResultForm(forms.Form):
    """The bank's list of debits that did not go through: a CSV file (member number, amount the bank
    did debit — 0 or empty when nothing); none when every debit went through."""

    file = forms.FileField(label=_("แฟ้มรายการที่หักบัญชีไม่ได้ (CSV)"), required=False)
    # The checked list, carried from the check to the confirmation.
    carried = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > MAX_BANK_RESULT:
            raise forms.ValidationError(
                _("แฟ้มใหญ่เกิน %(limit)s MB") % {"limit": MAX_BANK_RESULT // (1024 * 1024)}
            )
        return upload

    def result_bytes(self) -> bytes:
        import base64

        upload = self.cleaned_data.get("file")
        if upload:
            data = upload.read()
            self.carried_value = base64.b64encode(data).decode("ascii")
            return data
        carried = self.cleaned_data.get("carried") or ""
        self.carried_value = carried
        try:
            return base64.b64decode(carried.encode("ascii"), validate=True)
        except ValueError:
            return b""
