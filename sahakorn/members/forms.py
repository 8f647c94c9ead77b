"""Back-office forms for members. They parse what was typed; the rules live in the services."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sahakorn.core.banks import bank_choices
from sahakorn.core.forms import BEDateField, MoneyFormField, NationalIdField, PhoneField
from sahakorn.members.models import Member, MemberStatus, MemberType, Title, Unit
from sahakorn.members.validation import FieldError, clean_number


class MemberNumberField(forms.CharField):
    """A member typed by number (เลขทะเบียนสมาชิก), as officers do at the counter; cleans to the Member.

    Every sub-ledger's counter form starts with it (shares, deposits, welfare, funeral).
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "numeric")
        self.widget.attrs.setdefault("autocomplete", "off")

    def clean(self, value):
        # Thai digits and the documented character set, by the same rule as the member record.
        try:
            number = clean_number(super().clean(value))
        except FieldError as e:
            raise ValidationError(str(e), code="bad_member_number") from None
        if not number:
            return None
        member = Member.objects.filter(number=number).first()
        if member is None:
            raise ValidationError(_("ไม่พบสมาชิกเลขทะเบียน %(number)s") % {"number": number})
        return member

    def prepare_value(self, value):
        return value.number if isinstance(value, Member) else value


class UnitChoiceField(forms.ModelChoiceField):
    """A unit select indented by depth, so the hierarchy reads at a glance."""

    def label_from_instance(self, obj: Unit) -> str:
        return "\u2003" * obj.depth + str(obj)


class MemberForm(forms.Form):
    """Create or edit a member; field names are the services' argument names."""

    number = forms.CharField(
        label=_("เลขทะเบียนสมาชิก"),
        max_length=10,
        required=False,
        help_text=_("เว้นว่างไว้เพื่อให้ระบบกำหนดเลขถัดไป"),
    )
    title = forms.CharField(
        label=_("คำนำหน้า"), max_length=30, widget=forms.TextInput(attrs={"list": "titles"})
    )
    first_name = forms.CharField(label=_("ชื่อ"), max_length=100)
    last_name = forms.CharField(label=_("นามสกุล"), max_length=100)
    first_name_en = forms.CharField(label=_("ชื่อ (อังกฤษ)"), max_length=100, required=False)
    last_name_en = forms.CharField(label=_("นามสกุล (อังกฤษ)"), max_length=100, required=False)
    national_id = NationalIdField(label=_("เลขประจำตัวประชาชน"))
    birth_date = BEDateField(label=_("วันเกิด"))
    joined_on = BEDateField(label=_("วันที่เป็นสมาชิก"))
    member_type = forms.ChoiceField(label=_("ประเภทสมาชิก"), choices=MemberType.choices)
    unit = UnitChoiceField(
        label=_("หน่วยสังกัด"), queryset=Unit.objects.none(), empty_label=_("— เลือกหน่วยสังกัด —")
    )
    salary = MoneyFormField(label=_("เงินเดือน"), required=False)
    phone = PhoneField(label=_("โทรศัพท์มือถือ"), required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    email = forms.EmailField(label=_("อีเมล"), required=False)
    address = forms.CharField(label=_("ที่อยู่"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    bank_code = forms.ChoiceField(label=_("ธนาคาร"), required=False, choices=bank_choices)
    bank_account_no = forms.CharField(label=_("เลขที่บัญชีธนาคาร"), max_length=20, required=False)
    spouse_name = forms.CharField(label=_("ชื่อ-สกุลคู่สมรส"), max_length=200, required=False)
    spouse_national_id = NationalIdField(label=_("เลขประจำตัวประชาชนคู่สมรส"), required=False)

    titles = Title.values

    def __init__(self, *args, current_unit: Unit | None = None, with_number: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Closed units are not offered for new placements, but a member already in one keeps it.
        units = Unit.objects.filter(is_active=True)
        if current_unit is not None:
            units = units | Unit.objects.filter(pk=current_unit.pk)
        self.fields["unit"].queryset = units.order_by("path")
        if not with_number:
            del self.fields["number"]

    def clean(self):
        data = super().clean()
        if data.get("spouse_national_id") and data.get("spouse_national_id") == data.get("national_id"):
            self.add_error("spouse_national_id", gettext("เลขประจำตัวประชาชนคู่สมรสต้องไม่ใช่เลขของสมาชิกเอง"))
        return data

    def clean_number(self):
        try:
            return clean_number(self.cleaned_data.get("number"))
        except FieldError as e:
            raise ValidationError(str(e), code="bad_member_number") from None

    def clean_salary(self):
        return self.cleaned_data["salary"] if self.cleaned_data["salary"] is not None else 0


class MemberStatusForm(forms.Form):
    to_status = forms.ChoiceField(label=_("เปลี่ยนเป็นสถานะ"))
    effective_on = BEDateField(label=_("มีผลวันที่"))
    reason = forms.CharField(label=_("เหตุผล"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, targets: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [
            (s, _("รับกลับเข้าเป็นสมาชิก (ปกติ)") if s == MemberStatus.ACTIVE else MemberStatus(s).label)
            for s in targets
        ]


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("ค้นหา"), required=False)
    status = forms.ChoiceField(
        label=_("สถานะ"), required=False, choices=[("", _("ทุกสถานะ")), *MemberStatus.choices]
    )
    member_type = forms.ChoiceField(
        label=_("ประเภทสมาชิก"), required=False, choices=[("", _("ทุกประเภท")), *MemberType.choices]
    )
    unit = UnitChoiceField(label=_("หน่วยสังกัด"), required=False, queryset=Unit.objects.order_by("path"),
                           empty_label=_("ทุกหน่วย"))  # fmt: skip


class MemberImportForm(forms.Form):
    file = forms.FileField(label=_("ไฟล์สมาชิก (CSV หรือ Excel .xlsx)"))
    dry_run = forms.BooleanField(label=_("ตรวจสอบอย่างเดียว ยังไม่บันทึก"), required=False)

    def clean_file(self):
        # A web request importing 200,000 rows held a worker for a minute; larger files belong
        # to `sahakorn import members` on the server.
        file = self.cleaned_data["file"]
        limit_mb = settings.IMPORT_MAX_UPLOAD_MB
        if file.size > limit_mb * 1024 * 1024:
            raise ValidationError(
                gettext(
                    "ไฟล์ใหญ่เกิน %(limit)s MB ซึ่งเป็นขนาดสูงสุดที่นำเข้าทางหน้าจอได้ (ไฟล์นี้ %(size)s MB) "
                    "กรุณาแบ่งเป็นหลายไฟล์ หรือให้ผู้ดูแลระบบใช้คำสั่ง sahakorn import members"
                )
                % {"limit": limit_mb, "size": f"{file.size / 1024 / 1024:,.1f}"}
            )
        return file
