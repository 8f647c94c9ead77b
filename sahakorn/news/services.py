"""Writes to the news (ข่าวประชาสัมพันธ์). Nothing else saves an ``Announcement``.

Each service checks everything first and raises ``ValidationError({field: message})`` with Thai
messages, so a form puts each beside its field and nothing is written; then it saves.
Officers draft and edit; publishing and withdrawing need ``news.publish_announcement`` (the views
check it: a service trusts its caller, as the other apps' services do).
"""

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sahakorn.members.models import MemberType, Unit
from sahakorn.news.models import Announcement, AnnouncementStatus, Audience

__all__ = [
    "PUBLISH_PERMISSION",
    "announcement_create",
    "announcement_publish",
    "announcement_sms_sent_mark",
    "announcement_update",
    "announcement_withdraw",
]

User = AbstractBaseUser
PUBLISH_PERMISSION = "news.publish_announcement"
TITLE_MAX = 200
REASON_MAX = 300
# A window ending on a date (no time given) runs to the end of that day.
END_OF_DAY = dt.time(23, 59, 59)


def as_moment(value: dt.date | dt.datetime | None, *, end_of_day: bool = False) -> dt.datetime | None:
    """A date or datetime as an aware datetime in the coop's time zone (Asia/Bangkok)."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, END_OF_DAY if end_of_day else dt.time.min)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _clean(
    *,
    title: str,
    body: str,
    publish_from: dt.date | dt.datetime | None,
    publish_until: dt.date | dt.datetime | None,
    audience: str,
    unit: Unit | None,
    member_type: str,
    is_urgent: bool,
    sms_requested: bool,
) -> dict:
    errors: dict[str, str] = {}
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        errors["title"] = "กรุณากรอกหัวข้อข่าว"
    elif len(title) > TITLE_MAX:
        errors["title"] = f"หัวข้อข่าวยาวเกิน {TITLE_MAX} ตัวอักษร (ยาว {len(title)} ตัวอักษร)"
    if not body:
        errors["body"] = "กรุณากรอกเนื้อหาข่าว"
    start = as_moment(publish_from)
    end = as_moment(publish_until, end_of_day=True)
    if start is None:
        errors["publish_from"] = "กรุณากรอกวันที่เริ่มเผยแพร่"
    elif end is not None and end <= start:
        errors["publish_until"] = "วันที่สิ้นสุดการเผยแพร่ต้องหลังวันที่เริ่มเผยแพร่"
    if audience not in Audience.values:
        errors["audience"] = "กรุณาเลือกผู้รับข่าว"
    elif audience == Audience.UNIT and unit is None:
        errors["unit"] = "กรุณาเลือกหน่วยสังกัดที่จะรับข่าว"
    elif audience == Audience.MEMBER_TYPE and member_type not in MemberType.values:
        errors["member_type"] = "กรุณาเลือกประเภทสมาชิกที่จะรับข่าว"
    if sms_requested and not is_urgent:
        # SMS costs money and members learn to ignore it: only urgent news goes out that way.
        errors["sms_requested"] = "ส่ง SMS/LINE ได้เฉพาะข่าวด่วน"
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "body": body,
        "publish_from": start,
        "publish_until": end,
        "audience": audience,
        # Only the field the audience uses is kept, so a stale choice never narrows the audience.
        "unit": unit if audience == Audience.UNIT else None,
        "member_type": member_type if audience == Audience.MEMBER_TYPE else "",
        "is_urgent": bool(is_urgent),
        "sms_requested": bool(sms_requested),
    }


@transaction.atomic
def announcement_create(
    *,
    title: str,
    body: str,
    publish_from: dt.date | dt.datetime | None,
    publish_until: dt.date | dt.datetime | None = None,
    audience: str = Audience.EVERYONE,
    unit: Unit | None = None,
    member_type: str = "",
    is_urgent: bool = False,
    sms_requested: bool = False,
    by: User | None,
) -> Announcement:
    """Draft an announcement (ร่างข่าว). A date without a time starts at 00:00, or ends at 23:59:59."""
    values = _clean(title=title, body=body, publish_from=publish_from, publish_until=publish_until,
                    audience=audience, unit=unit, member_type=member_type, is_urgent=is_urgent,
                    sms_requested=sms_requested)  # fmt: skip
    now = timezone.now()
    announcement = Announcement(
        **values,
        status=AnnouncementStatus.DRAFT,
        created_by=by,
        created_at=now,
        updated_by=by,
        updated_at=now,
    )
    announcement.save()
    return announcement


@transaction.atomic
def announcement_update(
    *,
    announcement: Announcement,
    title: str,
    body: str,
    publish_from: dt.date | dt.datetime | None,
    publish_until: dt.date | dt.datetime | None = None,
    audience: str = Audience.EVERYONE,
    unit: Unit | None = None,
    member_type: str = "",
    is_urgent: bool = False,
    sms_requested: bool = False,
    by: User | None,
) -> Announcement:
    """Edit a draft. What members may already have read is not rewritten: withdraw it and draft anew."""
    stored = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if stored.status != AnnouncementStatus.DRAFT:
        raise ValidationError(
            {"status": f"แก้ไขได้เฉพาะข่าวที่เป็นร่าง (สถานะปัจจุบัน: {AnnouncementStatus(stored.status).label})"}
        )
    values = _clean(title=title, body=body, publish_from=publish_from, publish_until=publish_until,
                    audience=audience, unit=unit, member_type=member_type, is_urgent=is_urgent,
                    sms_requested=sms_requested)  # fmt: skip
    for name, value in values.items():
        setattr(announcement, name, value)
    announcement.updated_by, announcement.updated_at = by, timezone.now()
    announcement.save()
    return announcement


@transaction.atomic
def announcement_publish(
    *, announcement: Announcement, by: User, now: dt.datetime | None = None
) -> Announcement:
    """Publish a draft (เผยแพร่ข่าว): members in its audience see it once its window opens."""
    now = now or timezone.now()
    stored = Announcement.objects.select_for_update().get(pk=announcement.pk)
    if stored.status != AnnouncementStatus.DRAFT:
        raise ValidationError(
            {"status": f"เผยแพร่ได้เฉพาะข่าวที่เป็นร่าง (สถานะปัจจุบัน: {AnnouncementStatus(stored.status).label})"}
        )
    if stored.publish_until is not None and stored.publish_until < now:
        raise ValidationError({"publish_until": "ช่วงเวลาเผยแพร่สิ้นสุดไปแล้ว กรุณาแก้วันที่สิ้นสุดก่อนเผยแพร่"})
    announcement.status = AnnouncementStatus.PUBLISHED
    announcement.published_by, announcement.published_at = by, now
    announcement.save(update_fields=["status", "published_by", "published_at"])
    return announcement


@transaction.atomic
def announcement_withdraw(
    *, announcement: Announcement, reason: str, by: User, now: dt.datetime | None = None
) -> Announcement:
    """Withdraw a published announcement (ถอนข่าว): it disappears from the portal at once."""
    reason = (reason or "").strip()
    stored = Announcement.objects.select_for_update().get(pk=announcement.pk)
    errors = {}
    if stored.status != AnnouncementStatus.PUBLISHED:
        errors["status"] = f"ถอนได้เฉพาะข่าวที่เผยแพร่แล้ว (สถานะปัจจุบัน: {AnnouncementStatus(stored.status).label})"
    if not reason:
        errors["reason"] = "กรุณากรอกเหตุผลที่ถอนข่าว"
    elif len(reason) > REASON_MAX:
        errors["reason"] = f"เหตุผลยาวเกิน {REASON_MAX} ตัวอักษร"
    if errors:
        raise ValidationError(errors)
    announcement.status = AnnouncementStatus.WITHDRAWN
    announcement.withdrawn_by, announcement.withdrawn_at = by, now or timezone.now()
    announcement.withdrawn_reason = reason
    announcement.save(update_fields=["status", "withdrawn_by", "withdrawn_at", "withdrawn_reason"])
    return announcement


@transaction.atomic
def announcement_sms_sent_mark(*, announcement: Announcement, at: dt.datetime | None = None) -> Announcement:
    """For the notifications issue: record that the urgent SMS/LINE went out, so it is sent once."""
    updated = Announcement.objects.filter(pk=announcement.pk, sms_sent_at__isnull=True).update(
        sms_sent_at=at or timezone.now()
    )
    announcement.refresh_from_db(fields=["sms_sent_at"])
    if not updated:
        raise ValidationError({"sms_sent_at": "ส่ง SMS/LINE ของข่าวนี้ไปแล้ว"})
    return announcement
