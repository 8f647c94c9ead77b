import datetime as dt

import pytest
from django.utils import timezone

from sahakorn.members.models import MemberStatus, MemberType
from sahakorn.members.services import member_status_change
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.news.models import AnnouncementStatus, Audience
from sahakorn.news.selectors import (
    announcement_audience_count,
    announcements_for_member,
    announcements_list,
    urgent_announcements_to_send,
)
from sahakorn.news.services import announcement_sms_sent_mark, announcement_withdraw
from sahakorn.news.tests.factories import announcement_draft, announcement_published

pytestmark = pytest.mark.django_db

START = timezone.make_aware(dt.datetime(2026, 6, 1, 8, 30))
END = timezone.make_aware(dt.datetime(2026, 6, 30, 23, 59, 59))
SECOND = dt.timedelta(seconds=1)


def _titles(member, now=None) -> list[str]:
    return [a.title for a in announcements_for_member(member=member, now=now)]


# ======== audience ========


def test_member_in_a_child_unit_sees_news_for_the_parent_unit(manager, area, district, school):
    # given
    member = MemberFactory(unit=school)
    announcement_published(by=manager, title="ถึงทั้งเขต", audience=Audience.UNIT, unit=area)
    announcement_published(by=manager, title="ถึงกลุ่มโรงเรียน", audience=Audience.UNIT, unit=district)
    announcement_published(by=manager, title="ถึงโรงเรียน", audience=Audience.UNIT, unit=school)

    # when / then
    assert sorted(_titles(member)) == ["ถึงกลุ่มโรงเรียน", "ถึงทั้งเขต", "ถึงโรงเรียน"]


def test_member_in_a_parent_unit_does_not_see_news_for_a_child_unit(manager, area, school):
    # given: the area office's own staff are not in the school
    member = MemberFactory(unit=area)
    announcement_published(by=manager, title="ถึงโรงเรียน", audience=Audience.UNIT, unit=school)

    # when / then
    assert _titles(member) == []


def test_member_of_another_branch_does_not_see_the_unit_news(manager, area, other_area):
    # given
    member = MemberFactory(unit=other_area)
    announcement_published(by=manager, title="ถึงเขต 1", audience=Audience.UNIT, unit=area)

    # when / then
    assert _titles(member) == []


def test_unit_codes_that_share_a_prefix_are_different_branches(manager, area):
    # given: unit "011" is not inside unit "01", though its code starts the same
    from sahakorn.members.tests.factories import UnitFactory

    lookalike = UnitFactory(code="011", name="หน่วยรหัสคล้าย")
    member = MemberFactory(unit=lookalike)
    announcement_published(by=manager, title="ถึงเขต 1", audience=Audience.UNIT, unit=area)

    # when / then
    assert _titles(member) == []


def test_member_sees_news_for_their_member_type_only(manager, school):
    # given
    ordinary = MemberFactory(unit=school, member_type=MemberType.ORDINARY)
    associate = MemberFactory(unit=school, member_type=MemberType.ASSOCIATE)
    announcement_published(
        by=manager, title="ถึงสมาชิกสมทบ", audience=Audience.MEMBER_TYPE, member_type=MemberType.ASSOCIATE
    )

    # when / then
    assert _titles(associate) == ["ถึงสมาชิกสมทบ"]
    assert _titles(ordinary) == []


def test_news_for_everyone_reaches_every_branch_and_type(manager, school, other_area):
    # given
    members = [
        MemberFactory(unit=school),
        MemberFactory(unit=other_area, member_type=MemberType.ASSOCIATE),
    ]
    announcement_published(by=manager, title="ถึงทุกคน")

    # when / then
    for member in members:
        assert _titles(member) == ["ถึงทุกคน"]


# ======== window and status ========


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        (START - SECOND, False),
        (START, True),
        (END, True),
        (END + SECOND, False),
    ],
    ids=["before-start", "at-start", "at-end", "after-end"],
)
def test_window_edges(manager, school, now, shown):
    # given
    member = MemberFactory(unit=school)
    announcement_published(by=manager, title="ข่าว", publish_from=START, publish_until=END)

    # when / then
    assert _titles(member, now=now) == (["ข่าว"] if shown else [])


def test_news_without_an_end_stays_until_withdrawn(manager, school):
    # given
    member = MemberFactory(unit=school)
    announcement_published(by=manager, title="ไม่มีกำหนด", publish_from=START, publish_until=None)

    # when / then
    assert _titles(member, now=START + dt.timedelta(days=3650)) == ["ไม่มีกำหนด"]


def test_drafts_and_withdrawn_news_are_never_shown(officer, manager, school):
    # given
    member = MemberFactory(unit=school)
    announcement_draft(by=officer, title="ร่าง")
    withdrawn = announcement_published(by=manager, title="ถอนแล้ว")
    announcement_withdraw(announcement=withdrawn, reason="ประกาศผิด", by=manager)

    # when / then
    assert _titles(member) == []


def test_urgent_news_comes_first_then_the_newest(manager, school):
    # given
    member = MemberFactory(unit=school)
    now = timezone.now()
    announcement_published(by=manager, title="เก่า", publish_from=now - dt.timedelta(days=9))
    announcement_published(
        by=manager, title="ด่วนเก่า", publish_from=now - dt.timedelta(days=8), is_urgent=True
    )
    announcement_published(by=manager, title="ใหม่", publish_from=now - dt.timedelta(days=1))

    # when / then
    assert _titles(member) == ["ด่วนเก่า", "ใหม่", "เก่า"]


def test_announcements_for_member_takes_two_queries_whatever_the_news(
    manager, school, django_assert_num_queries
):
    # given
    member = MemberFactory(unit=school)
    for n in range(5):
        announcement_published(by=manager, title=f"ข่าว {n}")

    # when / then: the member's unit path, then the news
    with django_assert_num_queries(2):
        assert len(list(announcements_for_member(member=member))) == 5


# ======== back office ========


def test_announcements_list_filters_by_status_and_text(officer, manager):
    # given
    announcement_draft(by=officer, title="ร่างประกาศวันหยุด")
    announcement_published(by=manager, title="ประกาศเงินปันผล", body="ร้อยละ 6.25")

    # when / then
    assert [a.title for a in announcements_list(status=AnnouncementStatus.DRAFT)] == ["ร่างประกาศวันหยุด"]
    assert [a.title for a in announcements_list(q="6.25")] == ["ประกาศเงินปันผล"]
    assert [a.title for a in announcements_list(q="ประกาศ", status=AnnouncementStatus.PUBLISHED)] == [
        "ประกาศเงินปันผล"
    ]
    assert announcements_list().count() == 2


def test_audience_count_counts_active_members_of_the_branch_in_one_query(
    manager, area, school, other_area, django_assert_num_queries
):
    # given
    MemberFactory(unit=area)
    MemberFactory(unit=school)
    left = MemberFactory(unit=school)
    member_status_change(
        member=left,
        to_status=MemberStatus.RESIGNED,
        effective_on=timezone.localdate(),
        reason="ลาออก",
        by=manager,
    )
    MemberFactory(unit=other_area, member_type=MemberType.ASSOCIATE)
    to_area = announcement_draft(audience=Audience.UNIT, unit=area)
    to_school = announcement_draft(audience=Audience.UNIT, unit=school)
    to_associates = announcement_draft(audience=Audience.MEMBER_TYPE, member_type=MemberType.ASSOCIATE)
    to_everyone = announcement_draft()

    # when / then
    with django_assert_num_queries(1):
        assert announcement_audience_count(announcement=to_area) == 2
    assert announcement_audience_count(announcement=to_school) == 1
    assert announcement_audience_count(announcement=to_associates) == 1
    assert announcement_audience_count(announcement=to_everyone) == 3


# ======== for the notifications issue ========


def test_urgent_announcements_to_send_are_live_urgent_requested_and_unsent(officer, manager):
    # given
    now = timezone.now()
    wanted = announcement_published(by=manager, title="ด่วน ส่ง", is_urgent=True, sms_requested=True)
    announcement_published(by=manager, title="ด่วน ไม่ขอส่ง", is_urgent=True)
    announcement_published(by=manager, title="ไม่ด่วน")
    announcement_draft(by=officer, title="ร่างด่วน", is_urgent=True, sms_requested=True)
    announcement_published(
        by=manager,
        title="ยังไม่ถึงเวลา",
        is_urgent=True,
        sms_requested=True,
        publish_from=now + dt.timedelta(days=1),
    )
    sent = announcement_published(by=manager, title="ส่งแล้ว", is_urgent=True, sms_requested=True)
    announcement_sms_sent_mark(announcement=sent)

    # when / then
    assert list(urgent_announcements_to_send()) == [wanted]
