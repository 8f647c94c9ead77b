"""News for members (ข่าวประชาสัมพันธ์): announcements with a publish window and an audience."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from sahakorn.members.models import MemberType, Unit


class Audience(models.TextChoices):
    EVERYONE = "everyone", "สมาชิกทุกคน"
    UNIT = "unit", "หน่วยสังกัด"
    MEMBER_TYPE = "member_type", "ประเภทสมาชิก"


class AnnouncementStatus(models.TextChoices):
    DRAFT = "draft", "ร่าง"
    PUBLISHED = "published", "เผยแพร่แล้ว"
    WITHDRAWN = "withdrawn", "ถอนแล้ว"


class Announcement(models.Model):
    """An announcement (ประกาศ/ข่าว) shown in the member portal. Written only by ``news.services``.

    It is shown while published and ``publish_from <= now <= publish_until`` (no end: until
    withdrawn). A unit audience includes the unit's whole branch (its path is a prefix of the
    member's unit path).
    """

    title = models.CharField("หัวข้อข่าว", max_length=200)
    # Plain text; screens render it with ``linebreaks``, which escapes it, so no HTML reaches a member.
    body = models.TextField("เนื้อหา")
    publish_from = models.DateTimeField("เผยแพร่ตั้งแต่")
    publish_until = models.DateTimeField("เผยแพร่ถึง", null=True, blank=True)
    audience = models.CharField("ผู้รับข่าว", max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="announcements",
        verbose_name="หน่วยสังกัด",
    )
    member_type = models.CharField("ประเภทสมาชิก", max_length=20, choices=MemberType.choices, blank=True)
    is_urgent = models.BooleanField("ข่าวด่วน", default=False)
    # The notifications issue sends these by SMS/LINE and then stamps sms_sent_at.
    sms_requested = models.BooleanField("ส่ง SMS/LINE", default=False)
    sms_sent_at = models.DateTimeField("ส่ง SMS/LINE เมื่อ", null=True, blank=True)
    status = models.CharField(
        "สถานะ", max_length=20, choices=AnnouncementStatus.choices, default=AnnouncementStatus.DRAFT
    )
    # default rather than auto_now_add, so the generator can date its history.
    created_at = models.DateTimeField("สร้างเมื่อ", default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("แก้ไขล่าสุด", default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField("เผยแพร่เมื่อ", null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField("ถอนเมื่อ", null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_reason = models.CharField("เหตุผลที่ถอน", max_length=300, blank=True)

    class Meta:
        ordering = ["-publish_from", "-id"]
        verbose_name = "ข่าวประชาสัมพันธ์"
        verbose_name_plural = "ข่าวประชาสัมพันธ์"
        permissions = [("publish_announcement", "เผยแพร่และถอนข่าวประชาสัมพันธ์")]
        indexes = [models.Index(fields=["status", "publish_from"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(publish_until__isnull=True)
                | models.Q(publish_until__gt=models.F("publish_from")),
                name="news_window_end_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(audience="unit") | models.Q(unit__isnull=False),
                name="news_unit_audience_has_unit",
            ),
            models.CheckConstraint(
                condition=~models.Q(audience="member_type") | ~models.Q(member_type=""),
                name="news_type_audience_has_type",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == AnnouncementStatus.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == AnnouncementStatus.PUBLISHED

    def window_state(self, now: dt.datetime | None = None) -> str:
        """``upcoming``, ``open`` or ``ended``: where ``now`` lies against the publish window."""
        now = now or timezone.now()
        if now < self.publish_from:
            return "upcoming"
        if self.publish_until is not None and now > self.publish_until:
            return "ended"
        return "open"

    @property
    def audience_label(self) -> str:
        if self.audience == Audience.UNIT and self.unit_id:
            return f"{self.unit} (รวมหน่วยย่อย)"
        if self.audience == Audience.MEMBER_TYPE and self.member_type:
            return MemberType(self.member_type).label
        return Audience.EVERYONE.label
