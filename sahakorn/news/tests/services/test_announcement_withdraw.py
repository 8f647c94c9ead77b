import pytest
from django.core.exceptions import ValidationError

from sahakorn.members.tests.factories import MemberFactory
from sahakorn.news.models import Announcement, AnnouncementStatus
from sahakorn.news.selectors import announcements_for_member
from sahakorn.news.services import announcement_sms_sent_mark, announcement_withdraw
from sahakorn.news.tests.factories import announcement_draft, announcement_published

pytestmark = pytest.mark.django_db


def test_announcement_withdraw_hides_it_from_members_and_keeps_why(manager, school):
    # given
    member = MemberFactory(unit=school)
    a = announcement_published(by=manager)
    assert list(announcements_for_member(member=member)) == [a]

    # when
    announcement_withdraw(announcement=a, reason="  ประกาศผิดวันที่  ", by=manager)

    # then
    a.refresh_from_db()
    assert a.status == AnnouncementStatus.WITHDRAWN
    assert (a.withdrawn_by, a.withdrawn_reason) == (manager, "ประกาศผิดวันที่")
    assert a.withdrawn_at is not None
    assert not announcements_for_member(member=member).exists()


@pytest.mark.parametrize(
    ("reason", "message"), [("", "กรุณากรอกเหตุผลที่ถอนข่าว"), ("ก" * 301, "เหตุผลยาวเกิน 300 ตัวอักษร")]
)
def test_announcement_withdraw_needs_a_reason(manager, reason, message):
    # given
    a = announcement_published(by=manager)

    # when
    with pytest.raises(ValidationError) as e:
        announcement_withdraw(announcement=a, reason=reason, by=manager)

    # then
    assert e.value.message_dict == {"reason": [message]}
    a.refresh_from_db()
    assert a.is_published


def test_announcement_withdraw_refuses_a_draft(officer, manager):
    # given
    draft = announcement_draft(by=officer)

    # when
    with pytest.raises(ValidationError) as e:
        announcement_withdraw(announcement=draft, reason="ไม่ใช้แล้ว", by=manager)

    # then
    assert e.value.message_dict == {"status": ["ถอนได้เฉพาะข่าวที่เผยแพร่แล้ว (สถานะปัจจุบัน: ร่าง)"]}
    assert Announcement.objects.get(pk=draft.pk).is_draft


def test_announcement_sms_sent_mark_stamps_once(manager):
    # given
    a = announcement_published(by=manager, is_urgent=True, sms_requested=True)

    # when
    announcement_sms_sent_mark(announcement=a)

    # then
    assert a.sms_sent_at is not None
    with pytest.raises(ValidationError):
        announcement_sms_sent_mark(announcement=a)
