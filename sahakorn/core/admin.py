from django import forms
from django.apps import apps
from django.contrib import admin

from sahakorn.core.models import CoopProfile


class ReadOnlyAdminMixin:
    """For records only services write (audit trails, posted vouchers): the admin may look, not touch."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CoopProfileForm(forms.ModelForm):
    class Meta:
        model = CoopProfile
        fields = [
            "name_th", "name_en", "short_name", "registration_no", "tax_id", "address", "phone",
            "fiscal_year_start_month", "day_basis", "installment_grace_days", "month_end_days_ahead",
        ]  # fmt: skip

    def clean_fiscal_year_start_month(self) -> int:
        month = self.cleaned_data["fiscal_year_start_month"]
        changed = self.instance.pk and month != self.instance.fiscal_year_start_month
        # Years already opened keep their dates; a new start month would leave a gap or an overlap.
        if changed and apps.get_model("ledger", "FiscalYear").objects.exists():
            raise forms.ValidationError("เปลี่ยนเดือนเริ่มต้นปีบัญชีไม่ได้ เพราะเปิดปีบัญชีไปแล้ว")
        return month


@admin.register(CoopProfile)
class CoopProfileAdmin(admin.ModelAdmin):
    form = CoopProfileForm
    list_display = ("name_th", "registration_no", "fiscal_year_start_month")

    def has_add_permission(self, request):
        return not CoopProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
