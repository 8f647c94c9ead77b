import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from sahakorn.news.models import Announcement, Audience
from sahakorn.news.services import announcement_update
from sahakorn.news.tests.factories import announcement_draft, announcement_published

pytestmark = pytest.mark.django_db


def _values(**overrides) -> dict:
    return {
        "title": "ปรับอัตราดอกเบี้ยเงินกู้สามัญ",
        "body": "ร้อยละ 6.00 ต่อปี",
        "publish_from": dt.date(2026, 5, 1),
        "publish_until": None,
        "audience": Audience.UNIT,
        **overrides,
    }


def test_announcement_update_rewrites_a_draft_and_stamps_who(officer, manager, district):
    # given
    draft = announcement_draft(by=officer)

    # when
    announcement_update(announcement=draft, by=manager, **_values(unit=district))

    # then
    draft.refresh_from_db()
    assert draft.title == "ปรับอัตราดอกเบี้ยเงินกู้สามัญ"
    assert draft.audience == Audience.UNIT and draft.unit == district
    assert draft.created_by == officer and draft.updated_by == manager
    assert draft.is_draft


def test_announcement_update_refuses_a_published_announcement(officer, manager, district):
    # given
    published = announcement_published(by=manager)
    before = Announcement.objects.values().get(pk=published.pk)

    # when
    with pytest.raises(ValidationError) as e:
        announcement_update(announcement=published, by=officer, **_values(unit=district))

    # then
    assert e.value.message_dict == {"status": ["แก้ไขได้เฉพาะข่าวที่เป็นร่าง (สถานะปัจจุบัน: เผยแพร่แล้ว)"]}
    assert Announcement.objects.values().get(pk=published.pk) == before


def test_announcement_update_with_a_bad_field_changes_nothing(officer):
    # given
    draft = announcement_draft(by=officer)
    before = Announcement.objects.values().get(pk=draft.pk)

    # when
    with pytest.raises(ValidationError) as e:
        announcement_update(announcement=draft, by=officer, **_values(unit=None))

    # then
    assert e.value.message_dict == {"unit": ["กรุณาเลือกหน่วยสังกัดที่จะรับข่าว"]}
    assert Announcement.objects.values().get(pk=draft.pk) == before
