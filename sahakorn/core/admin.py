from django.contrib import admin

from sahakorn.core.models import CoopProfile


@admin.register(CoopProfile)
class CoopProfileAdmin(admin.ModelAdmin):
    list_display = ("name_th", "registration_no", "fiscal_year_start_month")

    def has_add_permission(self, request):
        return not CoopProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
