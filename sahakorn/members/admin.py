"""Admin for the member registry: units are edited here; members are only looked at.

Member records change through the back-office screens, whose services write the audit trail;
an admin form saving the model directly would bypass it, so member admin is read-only.
"""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from sahakorn.core.admin import ReadOnlyAdminMixin
from sahakorn.members import services
from sahakorn.members.models import Member, MemberChange, MemberStatusChange, Unit


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ("code", "name", "parent", "is_active")

    def clean(self):
        cleaned = super().clean()
        parent = cleaned.get("parent")
        if self.instance.pk and parent is not None and parent.path.startswith(self.instance.path):
            self.add_error("parent", "หน่วยสังกัดภายใต้ต้องไม่ใช่ตัวเองหรือหน่วยย่อยของตัวเอง")
        if "/" in (cleaned.get("code") or ""):
            self.add_error("code", "รหัสหน่วยต้องไม่มีเครื่องหมาย /")
        return cleaned


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    form = UnitAdminForm
    list_display = ("code", "name", "parent", "path", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name")
    fields = ("code", "name", "parent", "is_active", "path")
    readonly_fields = ("path",)
    ordering = ("path",)

    def save_model(self, request, obj: Unit, form, change: bool) -> None:
        # The path of the unit and its whole branch is kept by the services.
        data = form.cleaned_data
        kwargs = {
            "code": data["code"],
            "name": data["name"],
            "parent": data["parent"],
            "is_active": data["is_active"],
        }
        if change:
            services.unit_update(unit=obj, **kwargs)
        else:
            saved = services.unit_create(**kwargs)
            obj.pk, obj.path = saved.pk, saved.path


class MemberStatusChangeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MemberStatusChange
    extra = 0
    fields = ("effective_on", "from_status", "to_status", "reason", "recorded_by", "recorded_at")
    readonly_fields = fields


@admin.register(Member)
class MemberAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("number", "full_name", "unit", "member_type", "status", "joined_on", "back_office")
    list_filter = ("status", "member_type")
    search_fields = (
        "number",
        "national_id",
        "first_name",
        "last_name",
        "first_name_en",
        "last_name_en",
        "phone",
    )
    list_select_related = ("unit",)
    inlines = [MemberStatusChangeInline]

    @admin.display(description="ในระบบงาน")
    def back_office(self, obj: Member) -> str:
        return format_html('<a href="{}">เปิด</a>', reverse("members:detail", args=[obj.pk]))


@admin.register(MemberChange)
class MemberChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("changed_at", "member", "action", "changed_by", "note")
    list_filter = ("action",)
    search_fields = ("member__number", "member__first_name", "member__last_name")
    list_select_related = ("member", "changed_by")


@admin.register(MemberStatusChange)
class MemberStatusChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("effective_on", "member", "from_status", "to_status", "reason", "recorded_by")
    list_filter = ("to_status",)
    search_fields = ("member__number", "member__first_name", "member__last_name")
    list_select_related = ("member", "recorded_by")
