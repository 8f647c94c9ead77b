"""The coop's billing rules in the settings screens: pay groups and their units, the item table
(names, codes and the order of deduction), and the net-pay floor per member type. The frozen bills
are not here: they are read on the billing screens and never edited."""

from __future__ import annotations

from django.contrib import admin

from sahakorn.billing.models import BillingItem, FileLayout, NetPayFloor, PayGroup, UnitBilling
from sahakorn.core.admin import IntegerInputAdminMixin


class UnitBillingInline(admin.TabularInline):
    model = UnitBilling
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(PayGroup)
class PayGroupAdmin(IntegerInputAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "processing_day", "send_day", "pay_day", "posting_day", "is_default"]
    inlines = [UnitBillingInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A group with cycles is history; the database refuses it anyway (PROTECT).
        return obj is not None and not obj.cycles.exists() and super().has_delete_permission(request, obj)


@admin.register(BillingItem)
class BillingItemAdmin(IntegerInputAdminMixin, admin.ModelAdmin):
    list_display = ["priority", "code", "name", "subledger", "kind", "whole_only", "is_active"]
    list_editable = ["code", "name", "is_active"]
    readonly_fields = ["subledger", "kind"]
    ordering = ["priority", "code"]

    def has_add_permission(self, request) -> bool:
        # Items come from what the sub-ledgers bill (billing_items_sync); an item no sub-ledger
        # fills would bill nothing.
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NetPayFloor)
class NetPayFloorAdmin(admin.ModelAdmin):
    list_display = ["member_type", "percent_left"]


@admin.register(FileLayout)
class FileLayoutAdmin(admin.ModelAdmin):
    """A unit's own file layout, as JSON (docs/billing.md, ``billing.layouts``): checked when saved."""

    list_display = ["code", "name", "is_builtin"]
    readonly_fields = ["is_builtin"]

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is not None and not obj.is_builtin and super().has_delete_permission(request, obj)
