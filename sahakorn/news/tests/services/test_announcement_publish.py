import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sahakorn.news.models import Announcement, AnnouncementStatus
from sahakorn.news.services import announcement_publish, announcement_withdraw
from sahakorn.news.tests.factories import announcement_draft, announcement_published

pytestmark = pytest.mark.django_db


def test_announcement_publish_moves_a_draft_to_published_and_stamps_who(officer, manager):
    # given
    draft = announcement_draft(by=officer)

    # when
    announcement_publish(announcement=draft, by=manager)

    # then
    draft.refresh_from_db()
    assert draft.status == AnnouncementStatus.PUBLISHED
    assert draft.published_by == manager and draft.published_at is not None


@pytest.mark.parametrize("state", ["published", "withdrawn"])
def test_announcement_publish_refuses_what_is_not_a_draft(manager, state):
    # given
    a = announcement_published(by=manager)
    if state == "withdrawn":
        announcement_withdraw(announcement=a, reason="ข้อมูลผิด", by=manager)
    before = Announcement.objects.values().get(pk=a.pk)

    # when
    with pytest.raises(ValidationError) as e:
        announcement_publish(announcement=a, by=manager)

    # then
    assert list(e.value.message_dict) == ["status"]
    assert Announcement.objects.values().get(pk=a.pk) == before


def test_announcement_publish_refuses_a_window_that_has_ended(officer, manager):
    # given
    draft = announcement_draft(
        by=officer,
        publish_from=timezone.now() - dt.timedelta(days=10),
        publish_until=timezone.now() - dt.timedelta(days=1),
    )

    # when
    with pytest.raises(ValidationError) as e:
        announcement_publish(announcement=draft, by=manager)

    # then
    assert e.value.message_dict == {"publish_until": ["ช่วงเวลาเผยแพร่สิ้นสุดไปแล้ว กรุณาแก้วันที่สิ้นสุดก่อนเผยแพร่"]}
    draft.refresh_from_db()
    assert draft.is_draft


def test_announcement_publish_accepts_a_window_that_opens_later(officer, manager):
    # given
    draft = announcement_draft(by=officer, publish_from=timezone.now() + dt.timedelta(days=7))

    # when
    announcement_publish(announcement=draft, by=manager)

    # then
    draft.refresh_from_db()
    assert draft.is_published and draft.window_state() == "upcoming"
