"""Settings screen for the association's rules: versions are added through the service, never changed."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError

from sahakorn.funeral.errors import FuneralError
from sahakorn.funeral.models import FuneralSettings
from sahakorn.funeral.services import SETTINGS_FIELDS, funeral_settings_create


@admin.register(FuneralSettings)
class FuneralSettingsAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "dues_mode", "per_death_amount", "annual_amount", "entrance_fee",
                    "payout_basis", "admin_fee_percent", "max_payout"]  # fmt: skip
    fields = ["effective_from", *SETTINGS_FIELDS, "note"]

    def has_change_permission(self, request, obj=None) -> bool:
        # A version is never edited: a change is a new version with its own date.
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        values = {name: form.cleaned_data.get(name) for name in SETTINGS_FIELDS}
        try:
            created = funeral_settings_create(
                effective_from=form.cleaned_data["effective_from"], by=request.user,
                note=form.cleaned_data.get("note") or "", **values,
            )  # fmt: skip
        except FuneralError as e:
            raise ValidationError(e.message) from e
        obj.pk = created.pk
