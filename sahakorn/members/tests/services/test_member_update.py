import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sahakorn.members.models import MemberChange, MemberStatusChange
from sahakorn.members.services import member_status_change, member_update
from sahakorn.members.tests.factories import MemberFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_member_update_audits_only_changed_fields_with_before_and_after(officer, unit):
    # given
    member = MemberFactory(unit=unit, phone="0812345678", salary=Decimal("25000.00"), first_name="สมชาย")
    other_unit = UnitFactory(code="0104", name="กองพัสดุ")

    # when
    member_update(
        member=member,
        by=officer,
        first_name="สมชาย",  # unchanged: not in the diff
        phone="089-999-8888",
        salary=Decimal("26500.5"),
        unit=other_unit,
    )

    # then
    audit = MemberChange.objects.filter(member=member, action=MemberChange.Action.UPDATE).get()
    assert audit.changed_by == officer
    assert audit.diff == {
        "phone": ["+66812345678", "+66899998888"],
        "salary": ["25000.00", "26500.50"],
        "unit": ["0103 กองคลัง", "0104 กองพัสดุ"],
    }
    member.refresh_from_db()
    assert (member.phone, member.salary, member.unit) == ("+66899998888", Decimal("26500.50"), other_unit)


def test_member_update_with_nothing_changed_writes_no_audit_row(officer, unit):
    # given
    member = MemberFactory(unit=unit, phone="+66812345678", birth_date=dt.date(1985, 5, 10))

    # when
    member_update(
        member=member,
        by=officer,
        phone="081 234 5678",
        national_id=member.national_id[:1] + "-" + member.national_id[1:],
        birth_date=dt.date(1985, 5, 10),
        salary=Decimal("25000"),
    )

    # then
    assert MemberChange.objects.filter(member=member, action=MemberChange.Action.UPDATE).count() == 0


def test_member_update_cannot_change_status(officer, unit):
    # given
    member = MemberFactory(unit=unit)

    # when / then
    with pytest.raises(ValidationError) as exc:
        member_update(member=member, by=officer, status="resigned")
    assert exc.value.message_dict == {"status": ["เปลี่ยนสถานะสมาชิกได้ที่หน้าเปลี่ยนสถานะเท่านั้น"]}


def test_member_update_cannot_take_another_members_national_id(officer, unit):
    # given
    first = MemberFactory(unit=unit, number="000001")
    second = MemberFactory(unit=unit)

    # when
    with pytest.raises(ValidationError) as exc:
        member_update(member=second, by=officer, national_id=first.national_id)

    # then
    assert exc.value.message_dict == {"national_id": ["เลขประจำตัวประชาชนนี้เป็นของสมาชิกเลขทะเบียน 000001 อยู่แล้ว"]}
    second.refresh_from_db()
    assert second.national_id != first.national_id


def test_member_update_cannot_blank_a_required_field(officer, unit):
    # given
    member = MemberFactory(unit=unit)

    # when / then
    with pytest.raises(ValidationError) as exc:
        member_update(member=member, by=officer, last_name="")
    assert exc.value.message_dict == {"last_name": ["กรุณากรอกนามสกุล"]}


def test_member_update_correcting_joined_on_moves_the_start_of_membership(officer, unit):
    # given
    member = MemberFactory(unit=unit, joined_on=dt.date(2015, 1, 1))

    # when
    member_update(member=member, by=officer, joined_on=dt.date(2014, 12, 1))

    # then
    member.refresh_from_db()
    assert member.status_since == dt.date(2014, 12, 1)
    assert MemberStatusChange.objects.get(member=member).effective_on == dt.date(2014, 12, 1)
    assert MemberChange.objects.get(member=member, action=MemberChange.Action.UPDATE).diff == {
        "joined_on": ["2015-01-01", "2014-12-01"],
        "status_since": ["2015-01-01", "2014-12-01"],
    }


def test_member_update_cannot_move_joined_on_past_a_later_status_change(officer, manager, unit):
    # given
    member = MemberFactory(unit=unit, joined_on=dt.date(2015, 1, 1))
    member_status_change(
        member=member, to_status="resigned", effective_on=dt.date(2020, 3, 31), reason="ลาออก", by=manager
    )
    member.refresh_from_db()

    # when / then
    with pytest.raises(ValidationError) as exc:
        member_update(member=member, by=officer, joined_on=dt.date(2021, 1, 1))
    assert exc.value.message_dict == {"joined_on": ["วันที่เป็นสมาชิกต้องไม่หลังวันที่สถานะปัจจุบันมีผล"]}
