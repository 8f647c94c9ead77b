"""Announcements built through the services, so they carry who drafted and published them."""

import datetime as dt

from django.utils import timezone

from sahakorn.news.models import Announcement, Audience
from sahakorn.news.services import announcement_create, announcement_publish


def announcement_draft(**overrides) -> Announcement:
    values = {
        "title": "ประกาศจ่ายเงินปันผล ประจำปี 2568",
        "body": "สหกรณ์จ่ายเงินปันผลร้อยละ 5.50\nโอนเข้าบัญชีภายใน 7 วัน",
        "publish_from": timezone.now() - dt.timedelta(days=1),
        "publish_until": None,
        "audience": Audience.EVERYONE,
        "by": None,
        **overrides,
    }
    return announcement_create(**values)


def announcement_published(*, by, **overrides) -> Announcement:
    announcement = announcement_draft(**overrides)
    # Published at the window's start, so a window that has already ended can still be set up.
    return announcement_publish(announcement=announcement, by=by, now=announcement.publish_from)
