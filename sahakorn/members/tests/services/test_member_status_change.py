import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sahakorn.core.thai import format_be_date
from sahakorn.members.models import MemberChange, MemberStatus, MemberStatusChange
from sahakorn.members.services import member_status_change
from sahakorn.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

JOINED = dt.date(2015, 1, 1)


def _member_in(status: str, *, by):
    member = MemberFactory(joined_on=JOINED)
    if status != MemberStatus.ACTIVE:
        member = member_status_change(
            member=member, to_status=status, effective_on=dt.date(2020, 1, 31), reason="ตั้งต้น", by=by
        )
    return member


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (MemberStatus.ACTIVE, MemberStatus.RESIGNED),
        (MemberStatus.ACTIVE, MemberStatus.DECEASED),
        (MemberStatus.ACTIVE, MemberStatus.EXPELLED),
        (MemberStatus.RESIGNED, MemberStatus.ACTIVE),
        (MemberStatus.EXPELLED, MemberStatus.ACTIVE),
    ],
)
def test_member_status_change_allowed_transition_updates_member_and_writes_history(
    manager, from_status, to_status
):
    # given
    member = _member_in(from_status, by=manager)
    since_before = member.status_since

    # when
    member = member_status_change(
        member=member, to_status=to_status, effective_on=dt.date(2021, 6, 30), reason="ตามคำร้อง", by=manager
    )

    # then
    member.refresh_from_db()
    assert (member.status, member.status_since, member.status_reason) == (
        to_status,
        dt.date(2021, 6, 30),
        "ตามคำร้อง",
    )
    last = MemberStatusChange.objects.filter(member=member).order_by("-id").first()
    assert (last.from_status, last.to_status, last.effective_on, last.reason, last.recorded_by) == (
        from_status,
        to_status,
        dt.date(2021, 6, 30),
        "ตามคำร้อง",
        manager,
    )
    audit = MemberChange.objects.filter(member=member, action=MemberChange.Action.STATUS).first()
    assert audit.diff == {
        "status": [from_status, to_status],
        "status_since": [since_before.isoformat(), "2021-06-30"],
        "status_reason": ["" if from_status == MemberStatus.ACTIVE else "ตั้งต้น", "ตามคำร้อง"],
    }
    assert (audit.note, audit.changed_by) == ("ตามคำร้อง", manager)


@pytest.mark.parametrize(
    ("from_status", "to_status", "message"),
    [
        (MemberStatus.ACTIVE, MemberStatus.ACTIVE, "สมาชิกมีสถานะปกติอยู่แล้ว"),
        (MemberStatus.RESIGNED, MemberStatus.RESIGNED, "สมาชิกมีสถานะลาออกอยู่แล้ว"),
        (MemberStatus.DECEASED, MemberStatus.ACTIVE, "สมาชิกที่เสียชีวิตแล้วเปลี่ยนสถานะไม่ได้"),
        (MemberStatus.DECEASED, MemberStatus.RESIGNED, "สมาชิกที่เสียชีวิตแล้วเปลี่ยนสถานะไม่ได้"),
        (
            MemberStatus.RESIGNED,
            MemberStatus.EXPELLED,
            "เปลี่ยนสถานะจากลาออกเป็นให้ออกไม่ได้ ต้องรับกลับเข้าเป็นสมาชิกก่อน",
        ),
        (
            MemberStatus.RESIGNED,
            MemberStatus.DECEASED,
            "เปลี่ยนสถานะจากลาออกเป็นเสียชีวิตไม่ได้ ต้องรับกลับเข้าเป็นสมาชิกก่อน",
        ),
        (
            MemberStatus.EXPELLED,
            MemberStatus.RESIGNED,
            "เปลี่ยนสถานะจากให้ออกเป็นลาออกไม่ได้ ต้องรับกลับเข้าเป็นสมาชิกก่อน",
        ),
    ],
)
def test_member_status_change_refused_transition_changes_nothing(manager, from_status, to_status, message):
    # given
    member = _member_in(from_status, by=manager)
    rows_before = MemberStatusChange.objects.count(), MemberChange.objects.count()

    # when
    with pytest.raises(ValidationError) as exc:
        member_status_change(
            member=member, to_status=to_status, effective_on=dt.date(2021, 6, 30), reason="ทดสอบ", by=manager
        )

    # then
    assert exc.value.message_dict == {"to_status": [message]}
    member.refresh_from_db()
    assert member.status == from_status
    assert (MemberStatusChange.objects.count(), MemberChange.objects.count()) == rows_before


def test_member_status_change_effective_before_joining_is_refused(manager):
    # given
    member = _member_in(MemberStatus.ACTIVE, by=manager)

    # when / then
    with pytest.raises(ValidationError) as exc:
        member_status_change(
            member=member,
            to_status="resigned",
            effective_on=dt.date(2014, 12, 31),
            reason="ลาออก",
            by=manager,
        )
    assert exc.value.message_dict == {"effective_on": ["วันที่มีผลต้องไม่ก่อนวันที่เป็นสมาชิก"]}


def test_member_status_change_effective_before_current_status_is_refused(manager):
    # given: resigned on 31 Jan 2020
    member = _member_in(MemberStatus.RESIGNED, by=manager)

    # when / then
    with pytest.raises(ValidationError) as exc:
        member_status_change(
            member=member, to_status="active", effective_on=dt.date(2019, 12, 1), reason="รับกลับ", by=manager
        )
    assert exc.value.message_dict == {"effective_on": ["วันที่มีผลต้องไม่ก่อนวันที่สถานะปัจจุบันมีผล"]}


def test_member_status_change_in_the_future_is_refused(manager):
    # given
    member = _member_in(MemberStatus.ACTIVE, by=manager)

    today = timezone.localdate()
    ahead = today + dt.timedelta(days=1)

    # when / then: the one date policy's message (core.dates.refuse_future)
    with pytest.raises(ValidationError) as exc:
        member_status_change(
            member=member, to_status="resigned", effective_on=ahead, reason="ลาออก", by=manager
        )
    assert exc.value.message_dict == {
        "effective_on": [
            f"การเปลี่ยนสถานะสมาชิก ลงวันที่ {format_be_date(ahead)} ซึ่งเป็นวันในอนาคตไม่ได้ "
            f"(วันนี้ {format_be_date(today)})"
        ]
    }
    assert MemberStatusChange.objects.filter(member=member).count() == 1


def test_member_status_change_without_reason_is_refused(manager):
    # given
    member = _member_in(MemberStatus.ACTIVE, by=manager)

    # when / then
    with pytest.raises(ValidationError) as exc:
        member_status_change(
            member=member, to_status="deceased", effective_on=dt.date(2021, 1, 1), reason="  ", by=manager
        )
    assert exc.value.message_dict == {"reason": ["กรุณากรอกเหตุผล"]}
