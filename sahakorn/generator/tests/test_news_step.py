import datetime as dt

import pytest
from django.utils import timezone

from sahakorn.generator.coop import coop_generate
from sahakorn.generator.news_step import news_step
from sahakorn.members.models import Member
from sahakorn.news.models import Announcement, AnnouncementStatus, Audience
from sahakorn.news.selectors import announcements_for_member, urgent_announcements_to_send

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 22)


def _snapshot() -> list[tuple]:
    return list(
        Announcement.objects.order_by("publish_from", "title").values_list(
            "title", "body", "publish_from", "publish_until", "audience", "unit__code", "member_type",
            "is_urgent", "sms_requested", "status", "created_at",
        )
    )  # fmt: skip


@pytest.fixture
def coop():
    coop = coop_generate(members=80, years=3, seed=11, as_of=AS_OF)
    # The lead registers the step in STEPS; start from no news either way.
    Announcement.objects.all().delete()
    return coop


def test_news_step_writes_about_ten_announcements_of_every_kind(coop):
    # when
    news_step(coop)

    # then
    rows = list(Announcement.objects.all())
    assert 9 <= len(rows) <= 12 and coop.counts["news"] == len(rows)
    assert {a.audience for a in rows} == set(Audience.values)
    assert {a.status for a in rows} == set(AnnouncementStatus.values)
    assert any(a.is_urgent and a.sms_requested for a in rows)
    start = timezone.make_aware(dt.datetime.combine(coop.history_start, dt.time.min))
    for a in rows:
        assert a.publish_from >= start
        assert a.publish_until is None or a.publish_until > a.publish_from
        assert a.created_at <= a.publish_from or a.is_draft
        if a.status != AnnouncementStatus.DRAFT:
            assert a.publish_from.date() <= AS_OF


def test_news_step_leaves_something_to_read_now_and_nothing_to_resend(coop):
    # given
    news_step(coop)
    now = timezone.make_aware(dt.datetime.combine(AS_OF, dt.time(12, 0)))
    member = Member.objects.order_by("number").first()

    # when / then: a current notice for everyone, and history's SMS all marked sent
    assert announcements_for_member(member=member, now=now).exists()
    assert not urgent_announcements_to_send(now=now).exists()


def test_news_step_is_deterministic(coop):
    # when
    news_step(coop)
    first = _snapshot()
    Announcement.objects.all().delete()
    news_step(coop)
    second = _snapshot()
    Announcement.objects.all().delete()
    coop.seed += 1
    news_step(coop)
    other = _snapshot()

    # then
    assert first == second
    assert first != other
