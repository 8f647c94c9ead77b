"""Announcements are written through the back-office screens (their services stamp who and when);
the admin only looks."""

from django.contrib import admin

from sahakorn.core.admin import ReadOnlyAdminMixin
from sahakorn.news.models import Announcement


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("title", "status", "audience", "unit", "member_type", "is_urgent", "publish_from",
                    "publish_until")  # fmt: skip
    list_filter = ("status", "audience", "is_urgent")
    search_fields = ("title", "body")
    list_select_related = ("unit",)
