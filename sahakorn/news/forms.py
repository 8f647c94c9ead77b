"""Back-office forms for the news. They parse what was typed; the rules live in the services."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sahakorn.core.forms import BEDateField
from sahakorn.members.forms import UnitChoiceField
from sahakorn.members.models import MemberType, Unit
from sahakorn.news.models import Announcement, AnnouncementStatus, Audience
from sahakorn.news.services import END_OF_DAY

TIME_FORMAT = "%H:%M"


def _time_field(label, help_text):
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=[TIME_FORMAT, "%H.%M"],
        help_text=help_text,
        widget=forms.TimeInput(
            format=TIME_FORMAT,
            attrs={"placeholder": "ชช:นน", "inputmode": "numeric", "style": "max-width: 6rem"},
        ),
    )


class AnnouncementForm(forms.Form):
    """Create or edit a draft; the cleaned data are the services' arguments."""

    title = forms.CharField(
        label=_("หัวข้อข่าว"), required=False, widget=forms.TextInput(attrs={"maxlength": 200})
    )
    body = forms.CharField(
        label=_("เนื้อหา"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("ข้อความธรรมดา ขึ้นบรรทัดใหม่ได้ ไม่รับ HTML"),
    )
    publish_from = BEDateField(label=_("เผยแพร่ตั้งแต่วันที่"), required=False)
    publish_from_time = _time_field(_("เวลา"), _("เว้นว่าง = 00:00 น."))
    publish_until = BEDateField(label=_("เผยแพร่ถึงวันที่"), required=False, help_text=_("เว้นว่าง = ไม่มีกำหนด"))
    publish_until_time = _time_field(_("เวลา"), _("เว้นว่าง = สิ้นวัน"))
    audience = forms.ChoiceField(label=_("ผู้รับข่าว"), choices=Audience.choices, initial=Audience.EVERYONE)
    unit = UnitChoiceField(
        label=_("หน่วยสังกัด (รวมหน่วยย่อย)"),
        required=False,
        queryset=Unit.objects.none(),
        empty_label=_("— เลือกหน่วยสังกัด —"),
    )
    member_type = forms.ChoiceField(
        label=_("ประเภทสมาชิก"), required=False, choices=[("", "—"), *MemberType.choices]
    )
    is_urgent = forms.BooleanField(label=_("ข่าวด่วน (แสดงก่อนข่าวอื่น)"), required=False)
    sms_requested = forms.BooleanField(label=_("ส่ง SMS/LINE ถึงสมาชิก (เฉพาะข่าวด่วน)"), required=False)

    def __init__(self, *args, current_unit: Unit | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(is_active=True)
        if current_unit is not None:
            units = units | Unit.objects.filter(pk=current_unit.pk)
        self.fields["unit"].queryset = units.order_by("path")

    @classmethod
    def initial_for(cls, announcement: Announcement | None) -> dict:
        if announcement is None:
            return {"publish_from": timezone.localdate(), "audience": Audience.EVERYONE}
        start = timezone.localtime(announcement.publish_from)
        end = timezone.localtime(announcement.publish_until) if announcement.publish_until else None
        return {
            "title": announcement.title,
            "body": announcement.body,
            "publish_from": start.date(),
            "publish_from_time": start.time() if start.time() != dt.time.min else None,
            "publish_until": end.date() if end else None,
            "publish_until_time": end.time() if end and end.time() != END_OF_DAY else None,
            "audience": announcement.audience,
            "unit": announcement.unit,
            "member_type": announcement.member_type,
            "is_urgent": announcement.is_urgent,
            "sms_requested": announcement.sms_requested,
        }

    def service_values(self) -> dict:
        """The cleaned data as the services take them: a date plus an optional time make one moment."""
        data = dict(self.cleaned_data)
        start_time, end_time = data.pop("publish_from_time"), data.pop("publish_until_time")
        if data["publish_from"] and start_time:
            data["publish_from"] = dt.datetime.combine(data["publish_from"], start_time)
        if data["publish_until"] and end_time:
            data["publish_until"] = dt.datetime.combine(data["publish_until"], end_time)
        data["unit"] = data.get("unit")
        return data


class AnnouncementFilterForm(forms.Form):
    q = forms.CharField(label=_("ค้นหา"), required=False)
    status = forms.ChoiceField(
        label=_("สถานะ"), required=False, choices=[("", _("ทุกสถานะ")), *AnnouncementStatus.choices]
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("เหตุผลที่ถอนข่าว"), required=False, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300})
    )
