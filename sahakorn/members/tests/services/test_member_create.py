import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from sahakorn.members.models import Member, MemberChange, MemberStatus, MemberStatusChange
from sahakorn.members.services import member_create
from sahakorn.members.tests.factories import MemberFactory, UnitFactory, valid_national_id

pytestmark = pytest.mark.django_db


def _fields(unit, **overrides) -> dict:
    return {
        "title": "นาง",
        "first_name": "สมศรี",
        "last_name": "ใจดี",
        "national_id": "1-1017-00230-70-8",
        "birth_date": dt.date(1992, 6, 15),
        "joined_on": dt.date(2017, 10, 1),
        "unit": unit,
        "salary": Decimal("25000.50"),
        "phone": "081-234-5678",
        **overrides,
    }


def test_member_create_assigns_next_number_and_normalises_id_and_phone(officer, unit):
    # given
    MemberFactory(number="000122", unit=unit)

    # when
    member = member_create(by=officer, **_fields(unit))

    # then
    member.refresh_from_db()
    assert member.number == "000123"
    assert member.national_id == "1101700230708"
    assert member.phone == "+66812345678"
    assert member.salary == Decimal("25000.50")
    assert member.status == MemberStatus.ACTIVE
    assert member.status_since == dt.date(2017, 10, 1)


def test_member_create_numbers_first_member_000001_and_skips_legacy_numbers_with_letters(officer, unit):
    # given
    MemberFactory(number="A00999", unit=unit)

    # when
    member = member_create(by=officer, **_fields(unit))

    # then
    assert member.number == "000001"


def test_member_create_keeps_the_number_given(officer, unit):
    # when
    member = member_create(by=officer, number="045678", **_fields(unit))

    # then
    assert member.number == "045678"


def test_member_create_writes_status_row_and_full_audit_dump(officer, unit):
    # when
    member = member_create(by=officer, **_fields(unit, email="somsri@example.com"))

    # then
    status_row = MemberStatusChange.objects.get(member=member)
    assert (status_row.from_status, status_row.to_status, status_row.effective_on, status_row.reason) == (
        "",
        "active",
        dt.date(2017, 10, 1),
        "สมัครเป็นสมาชิก",
    )
    assert status_row.recorded_by == officer
    audit = MemberChange.objects.get(member=member)
    assert audit.action == MemberChange.Action.CREATE
    assert audit.changed_by == officer
    assert audit.diff == {
        "number": [None, "000001"],
        "title": [None, "นาง"],
        "first_name": [None, "สมศรี"],
        "last_name": [None, "ใจดี"],
        "first_name_en": [None, ""],
        "last_name_en": [None, ""],
        "national_id": [None, "1101700230708"],
        "birth_date": [None, "1992-06-15"],
        "joined_on": [None, "2017-10-01"],
        "member_type": [None, "ordinary"],
        "unit": [None, "0103 กองคลัง"],
        "salary": [None, "25000.50"],
        "phone": [None, "+66812345678"],
        "email": [None, "somsri@example.com"],
        "address": [None, ""],
        "bank_code": [None, ""],
        "bank_account_no": [None, ""],
        "spouse_name": [None, ""],
        "spouse_national_id": [None, ""],
        "status": [None, "active"],
        "status_since": [None, "2017-10-01"],
        "status_reason": [None, ""],
    }


def test_member_with_bad_national_id_checksum_cannot_be_created(officer, unit):
    # when
    with pytest.raises(ValidationError) as exc:
        member_create(by=officer, **_fields(unit, national_id="1101700230709"))

    # then
    assert exc.value.message_dict == {
        "national_id": ["เลขประจำตัวประชาชนไม่ถูกต้อง: 1101700230709 (ต้องเป็นตัวเลข 13 หลักและหลักสุดท้ายตรวจสอบผ่าน)"]
    }
    assert Member.objects.count() == 0


def test_member_with_national_id_of_another_member_cannot_be_created(officer, unit):
    # given
    MemberFactory(number="000007", national_id="1101700230708", unit=unit)

    # when
    with pytest.raises(ValidationError) as exc:
        member_create(by=officer, **_fields(unit))

    # then
    assert exc.value.message_dict == {"national_id": ["เลขประจำตัวประชาชนนี้เป็นของสมาชิกเลขทะเบียน 000007 อยู่แล้ว"]}
    assert Member.objects.count() == 1


def test_member_with_taken_number_cannot_be_created(officer, unit):
    # given
    existing = MemberFactory(number="000007", unit=unit)

    # when
    with pytest.raises(ValidationError) as exc:
        member_create(by=officer, number="000007", **_fields(unit))

    # then
    assert exc.value.message_dict == {"number": [f"เลขทะเบียนสมาชิก 000007 มีอยู่แล้ว ({existing.full_name})"]}


def test_member_create_lists_every_problem_at_once(officer, unit):
    # when
    with pytest.raises(ValidationError) as exc:
        member_create(
            by=officer,
            **_fields(unit, first_name=" ", phone="12345", salary=Decimal("100.005"), bank_code="6"),
        )

    # then
    assert exc.value.message_dict == {
        "first_name": ["กรุณากรอกชื่อ"],
        "phone": ["เบอร์โทรศัพท์ไม่ถูกต้อง: 12345"],
        "salary": ["เงินเดือนมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง: 100.005"],
        "bank_code": ["รหัสธนาคารต้องเป็นตัวเลข 3 หลัก เช่น 006: 6"],
    }


def test_member_cannot_join_before_birth(officer, unit):
    # when
    with pytest.raises(ValidationError) as exc:
        member_create(by=officer, **_fields(unit, joined_on=dt.date(1990, 1, 1)))

    # then
    assert exc.value.message_dict == {"joined_on": ["วันที่เป็นสมาชิกต้องไม่ก่อนวันเกิด"]}


def test_member_younger_than_15_on_joining_cannot_be_created(officer, unit):
    # when
    with pytest.raises(ValidationError) as exc:
        member_create(
            by=officer, **_fields(unit, birth_date=dt.date(2005, 6, 15), joined_on=dt.date(2020, 6, 14))
        )

    # then
    assert exc.value.message_dict == {"joined_on": ["ผู้สมัครต้องมีอายุอย่างน้อย 15 ปีในวันที่เป็นสมาชิก"]}


def test_member_turning_15_on_the_day_of_joining_can_be_created(officer, unit):
    # when
    member = member_create(
        by=officer, **_fields(unit, birth_date=dt.date(2005, 6, 15), joined_on=dt.date(2020, 6, 15))
    )

    # then
    assert member.pk is not None


def test_member_with_negative_salary_cannot_be_created(officer, unit):
    # when
    with pytest.raises(ValidationError) as exc:
        member_create(by=officer, **_fields(unit, salary=Decimal("-1.00")))

    # then
    assert exc.value.message_dict == {"salary": ["เงินเดือนต้องไม่ติดลบ"]}


def test_member_create_refuses_status_fields(officer, unit):
    # when / then
    with pytest.raises(ValidationError) as exc:
        member_create(by=officer, status="resigned", **_fields(unit))
    assert exc.value.message_dict == {"status": ["เปลี่ยนสถานะสมาชิกได้ที่หน้าเปลี่ยนสถานะเท่านั้น"]}


def test_member_create_by_system_job_records_no_user(unit):
    # when
    member = member_create(by=None, **_fields(unit, national_id=valid_national_id(42)))

    # then
    assert MemberChange.objects.get(member=member).changed_by is None


def test_unit_create_builds_path_from_parent():
    # given
    root = UnitFactory(code="01", name="สำนักงาน")

    # when
    child = UnitFactory(code="0103", name="กองคลัง", parent=root)

    # then
    assert (root.path, child.path, child.depth) == ("01/", "01/0103/", 1)


def test_member_with_an_unknown_bank_code_cannot_be_created(officer, unit):
    with pytest.raises(ValidationError) as exc:
        member_create(by=officer, **_fields(unit, bank_code="999", bank_account_no="123-4-56789-0"))
    assert exc.value.message_dict == {"bank_code": ["ไม่รู้จักรหัสธนาคาร 999"]}
    assert not Member.objects.exists()


def test_member_bank_account_is_kept_as_digits(officer, unit):
    member = member_create(by=officer, **_fields(unit, bank_code="006", bank_account_no="123-4-56789-0"))
    assert (member.bank_code, member.bank_account_no) == ("006", "1234567890")


def test_member_joining_ahead_is_refused_and_nothing_is_written(officer, unit):
    # given (issue 11: a member's join date in the future was accepted)
    from sahakorn.core.dates import today
    from sahakorn.core.thai import format_be_date

    now = today()
    ahead = now + dt.timedelta(days=1)

    # when / then
    with pytest.raises(ValidationError) as e:
        member_create(by=officer, **_fields(unit, joined_on=ahead))
    assert e.value.message_dict == {
        "joined_on": [
            f"การรับสมาชิก ลงวันที่ {format_be_date(ahead)} ซึ่งเป็นวันในอนาคตไม่ได้ (วันนี้ {format_be_date(now)})"
        ]
    }
    assert [Member.objects.count(), MemberStatusChange.objects.count(), MemberChange.objects.count()] == [
        0,
        0,
        0,
    ]
