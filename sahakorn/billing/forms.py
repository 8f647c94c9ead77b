from django import forms
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField, MoneyFormField

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

    def __init__(self, *args, member=None, **kwargs) -> None:
        from sahakorn.deposits.models import AccountStatus, DepositAccount

        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = DepositAccount.objects.filter(
            member=member, status__in=[AccountStatus.ACTIVE, AccountStatus.DORMANT]
        ).select_related("product")
