"""Admin: the chart and its roles are edited here; fiscal years and vouchers are read-only,
because they change only through the ledger services (posting, reversal, period close)."""

from django.contrib import admin

from sahakorn.core.admin import IntegerInputAdminMixin, ReadOnlyAdminMixin
from sahakorn.ledger.models import Account, AccountRole, FiscalPeriod, FiscalYear, JournalEntry, JournalLine


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("code", "name_th", "category", "parent", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("code", "name_th", "name_en")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)

    def has_delete_permission(self, request, obj=None):
        # An account with postings is protected by the database anyway; deactivate instead.
        return False


@admin.register(AccountRole)
class AccountRoleAdmin(admin.ModelAdmin):
    """Re-pointing a role is how a coop with its own chart tells the system where to post."""

    list_display = ("key", "account", "description")
    search_fields = ("key", "description", "account__code", "account__name_th")
    list_select_related = ("account",)
    autocomplete_fields = ("account",)

    def get_readonly_fields(self, request, obj=None):
        # Once its account has postings, the role stays on it (``AccountRole.is_locked``).
        if obj is not None and obj.is_locked:
            return ("key", "account")
        return ()

    def has_delete_permission(self, request, obj=None):
        # The code posts to every role: a missing one would stop the screens that post there.
        return False


class FiscalPeriodInline(IntegerInputAdminMixin, admin.TabularInline):
    model = FiscalPeriod
    fields = ("number", "start_date", "end_date", "closed_at", "closed_by")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(FiscalYear)
class FiscalYearAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("year_be", "start_date", "end_date", "last_voucher_no", "closed_at")
    inlines = [FiscalPeriodInline]


@admin.register(FiscalPeriod)
class FiscalPeriodAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("__str__", "fiscal_year", "number", "start_date", "end_date", "closed_at")
    list_filter = ("fiscal_year",)
    list_select_related = ("fiscal_year",)


class JournalLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = JournalLine
    fields = ("account", "member", "debit", "credit", "memo")
    readonly_fields = fields
    extra = 0


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("voucher_label", "date", "description", "source", "status", "posted_at")
    list_filter = ("status", "source", "fiscal_year")
    search_fields = ("description",)
    date_hierarchy = "date"
    list_select_related = ("fiscal_year",)
    inlines = [JournalLineInline]
    show_full_result_count = False
