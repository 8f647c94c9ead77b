import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sahakorn.members.models import MemberType
from sahakorn.news.models import Announcement, AnnouncementStatus, Audience
from sahakorn.news.services import announcement_create

pytestmark = pytest.mark.django_db


def _values(**overrides) -> dict:
    return {
        "title": "เชิญประชุมใหญ่สามัญประจำปี 2569",
        "body": "ประชุมวันเสาร์ที่ 21 มีนาคม 2569\nณ หอประชุมโรงเรียน",
        "publish_from": dt.date(2026, 3, 1),
        "publish_until": dt.date(2026, 3, 21),
        "audience": Audience.EVERYONE,
        **overrides,
    }


def test_announcement_create_makes_a_draft_stamped_with_who_drafted_it(officer):
    # when
    a = announcement_create(by=officer, **_values())

    # then
    assert a.status == AnnouncementStatus.DRAFT
    assert a.created_by == officer and a.created_at is not None
    assert a.published_at is None and a.published_by is None


def test_announcement_create_reads_dates_as_whole_days_in_bangkok(officer):
    # when
    a = announcement_create(by=officer, **_values())

    # then: from the start of the first day to the end of the last, local time
    start, end = timezone.localtime(a.publish_from), timezone.localtime(a.publish_until)
    assert (start.date(), start.time()) == (dt.date(2026, 3, 1), dt.time(0, 0))
    assert (end.date(), end.time()) == (dt.date(2026, 3, 21), dt.time(23, 59, 59))
    assert str(start.tzinfo) == "Asia/Bangkok"


def test_announcement_create_keeps_a_datetime_as_given(officer):
    # given
    at = timezone.make_aware(dt.datetime(2026, 3, 1, 8, 30))

    # when
    a = announcement_create(by=officer, **_values(publish_from=at, publish_until=None))

    # then
    assert a.publish_from == at and a.publish_until is None


def test_announcement_create_keeps_only_the_field_the_audience_uses(officer, school):
    # when: an officer picked a unit, then switched the audience to a member type
    a = announcement_create(
        by=officer, **_values(audience=Audience.MEMBER_TYPE, unit=school, member_type=MemberType.ASSOCIATE)
    )

    # then
    assert a.unit is None and a.member_type == MemberType.ASSOCIATE


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": "  "}, "title", "กรุณากรอกหัวข้อข่าว"),
        ({"title": "ก" * 201}, "title", "หัวข้อข่าวยาวเกิน 200 ตัวอักษร (ยาว 201 ตัวอักษร)"),
        ({"body": ""}, "body", "กรุณากรอกเนื้อหาข่าว"),
        ({"publish_from": None}, "publish_from", "กรุณากรอกวันที่เริ่มเผยแพร่"),
        (
            {"publish_until": dt.date(2026, 2, 28)},
            "publish_until",
            "วันที่สิ้นสุดการเผยแพร่ต้องหลังวันที่เริ่มเผยแพร่",
        ),
        ({"audience": "all"}, "audience", "กรุณาเลือกผู้รับข่าว"),
        ({"audience": Audience.UNIT}, "unit", "กรุณาเลือกหน่วยสังกัดที่จะรับข่าว"),
        ({"audience": Audience.MEMBER_TYPE}, "member_type", "กรุณาเลือกประเภทสมาชิกที่จะรับข่าว"),
        ({"sms_requested": True}, "sms_requested", "ส่ง SMS/LINE ได้เฉพาะข่าวด่วน"),
    ],
)
def test_announcement_create_names_the_field_and_writes_nothing(officer, overrides, field, message):
    # when
    with pytest.raises(ValidationError) as e:
        announcement_create(by=officer, **_values(**overrides))

    # then
    assert e.value.message_dict == {field: [message]}
    assert not Announcement.objects.exists()


def test_announcement_create_refuses_a_window_that_ends_when_it_starts(officer):
    # given
    at = timezone.make_aware(dt.datetime(2026, 3, 1, 8, 30))

    # when / then
    with pytest.raises(ValidationError) as e:
        announcement_create(by=officer, **_values(publish_from=at, publish_until=at))
    assert "publish_until" in e.value.message_dict


def test_announcement_create_accepts_a_200_character_title(officer):
    # when
    a = announcement_create(by=officer, **_values(title="ข" * 200))

    # then
    assert len(a.title) == 200
