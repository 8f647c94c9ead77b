"""Reads of the news (ข่าวประชาสัมพันธ์), for the back office, the member portal and notifications.

A member-facing selector takes the member object (the portal passes ``request.user.member``) and
filters in the database by that member's unit chain and type, so no other audience's news can
reach the page.
"""

import datetime as dt

from django.db.models import Q, QuerySet, Subquery
from django.utils import timezone

from sahakorn.members.models import Member, MemberStatus, Unit
from sahakorn.news.models import Announcement, AnnouncementStatus, Audience


def _live(now: dt.datetime) -> Q:
    """Published and inside its window (both ends inclusive)."""
    return (
        Q(status=AnnouncementStatus.PUBLISHED)
        & Q(publish_from__lte=now)
        & (Q(publish_until__isnull=True) | Q(publish_until__gte=now))
    )


def _unit_chain_paths(path: str) -> list[str]:
    """ "01/0103/010305/" → ["01/", "01/0103/", "01/0103/010305/"]: the unit and its ancestors."""
    codes = [c for c in path.split("/") if c]
    return ["".join(f"{c}/" for c in codes[: i + 1]) for i in range(len(codes))]


def announcements_for_member(*, member: Member, now: dt.datetime | None = None) -> QuerySet[Announcement]:
    """What a member sees in the portal: live news for everyone, for their unit or any unit above
    it, or for their member type; urgent first, then newest."""
    now = now or timezone.now()
    # member.unit is read for its path only; the announcements are filtered in SQL.
    unit_path = Unit.objects.filter(pk=member.unit_id).values_list("path", flat=True).first() or ""
    audience = (
        Q(audience=Audience.EVERYONE)
        | Q(audience=Audience.UNIT, unit__path__in=_unit_chain_paths(unit_path))
        | Q(audience=Audience.MEMBER_TYPE, member_type=member.member_type)
    )
    return Announcement.objects.filter(_live(now) & audience).order_by("-is_urgent", "-publish_from", "-id")


def announcements_list(*, status: str | None = None, q: str | None = None) -> QuerySet[Announcement]:
    """The back office's list: newest window first; ``q`` looks in the title and the body."""
    qs = Announcement.objects.select_related("unit", "created_by", "published_by")
    if status:
        qs = qs.filter(status=status)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(body__icontains=q))
    return qs.order_by("-publish_from", "-id")


def announcement_get(*, pk: int) -> Announcement:
    """One announcement with who did what; raises ``Announcement.DoesNotExist``."""
    return Announcement.objects.select_related(
        "unit", "created_by", "updated_by", "published_by", "withdrawn_by"
    ).get(pk=pk)


def announcement_audience_members(*, announcement: Announcement) -> QuerySet[Member]:
    """The active members an announcement reaches (the notifications issue sends to these)."""
    members = Member.objects.filter(status=MemberStatus.ACTIVE)
    if announcement.audience == Audience.UNIT:
        # The unit's path as a subquery, so the count stays one query even if the unit is not loaded.
        branch = Subquery(Unit.objects.filter(pk=announcement.unit_id).values("path")[:1])
        members = members.filter(unit__path__startswith=branch)
    elif announcement.audience == Audience.MEMBER_TYPE:
        members = members.filter(member_type=announcement.member_type)
    return members


def announcement_audience_count(*, announcement: Announcement) -> int:
    """How many active members the announcement reaches: one COUNT query."""
    return announcement_audience_members(announcement=announcement).count()


def urgent_announcements_to_send(*, now: dt.datetime | None = None) -> QuerySet[Announcement]:
    """Urgent news asked to go out by SMS/LINE and not sent yet, oldest first.

    Only live ones: a message sent before the window opens would tell members news they
    cannot yet read in the portal, and one after it ends is stale.
    """
    now = now or timezone.now()
    return (
        Announcement.objects.filter(_live(now), is_urgent=True, sms_requested=True, sms_sent_at__isnull=True)
        .select_related("unit")
        .order_by("publish_from", "id")
    )
