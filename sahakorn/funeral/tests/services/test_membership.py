import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.funeral.errors import FuneralError
from sahakorn.funeral.models import EndReason, FuneralBeneficiary, FuneralMembership, MembershipStatus
from sahakorn.funeral.services import (
    BeneficiaryInput,
    funeral_beneficiaries_replace,
    funeral_membership_end,
    funeral_membership_enrol,
)
from sahakorn.funeral.tests.factories import enrolled, heirs
from sahakorn.ledger.models import JournalEntry
from sahakorn.ledger.selectors import account_balance
from sahakorn.members.models import MemberStatus
from sahakorn.members.services import member_status_change
from sahakorn.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_enrol_receives_the_entrance_fee_for_the_association_and_numbers_the_membership(officer):
    # given
    member = MemberFactory()

    # when
    membership = funeral_membership_enrol(
        member=member, joined_on=dt.date(2025, 1, 10), beneficiaries=heirs("60.00", "40.00"), by=officer
    )
    second = enrolled()

    # then
    assert (membership.number, second.number) == ("000001", "000002")
    assert membership.entrance_fee == D("50.00") and membership.status == MembershipStatus.ACTIVE
    entry = membership.entrance_fee_entry
    lines = sorted((line.account.code, line.debit, line.credit, line.member_id) for line in entry.lines.all())
    assert lines == [("11110", D("50.00"), D("0.00"), member.pk), ("21850", D("0.00"), D("50.00"), member.pk)]
    assert account_balance(account="funeral_dues_collected") == D("100.00")
    shares = list(membership.beneficiaries.values_list("position", "name", "share_percent"))
    assert shares == [(1, "ทายาท 1", D("60.00")), (2, "ทายาท 2", D("40.00"))]


def test_enrol_without_entrance_fee_posts_nothing(officer):
    # when
    membership = enrolled(with_entrance_fee=False, by=officer)

    # then
    assert membership.entrance_fee == D("0.00") and membership.entrance_fee_entry is None
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize(
    ("beneficiaries", "field", "message"),
    [
        (heirs("60.00", "30.00"), "beneficiaries", "ต้องรวมเป็นร้อยละ 100.00 (ขณะนี้รวม 90.00)"),
        (heirs("60.005", "39.995"), "beneficiaries-0-share_percent", "ทศนิยมได้ไม่เกิน 2 ตำแหน่ง"),
        (heirs("100.00", "0.00"), "beneficiaries-1-share_percent", "ต้องมากกว่า 0"),
        ([], "beneficiaries", "อย่างน้อย 1 คน"),
        (
            [
                BeneficiaryInput(
                    name="นายก ข", relation="บุตร", share_percent=D("100"), national_id="1234567890123"
                )
            ],
            "beneficiaries-0-national_id",
            "ผู้รับผลประโยชน์คนที่ 1: เลขประจำตัวประชาชนไม่ถูกต้อง",
        ),
        (
            [BeneficiaryInput(name="", relation="บุตร", share_percent=D("100"))],
            "beneficiaries-0-name",
            "กรุณากรอกชื่อ-สกุล",
        ),
    ],
)
def test_a_bad_beneficiary_list_is_refused_naming_the_field_and_writes_nothing(
    officer, beneficiaries, field, message
):
    # given
    member = MemberFactory()

    # when
    with pytest.raises(FuneralError) as caught:
        funeral_membership_enrol(
            member=member, joined_on=dt.date(2025, 1, 10), beneficiaries=beneficiaries, by=officer
        )

    # then
    assert message in caught.value.errors[field]
    assert not FuneralMembership.objects.exists() and not JournalEntry.objects.exists()


def test_enrol_refuses_a_member_who_left_one_already_enrolled_and_a_date_before_joining_the_coop(officer):
    # given
    member = MemberFactory(joined_on=dt.date(2020, 6, 1))
    enrolled(member)
    gone = MemberFactory()
    member_status_change(member=gone, to_status=MemberStatus.RESIGNED, effective_on=dt.date(2025, 2, 1),
                         reason="ลาออก", by=officer)  # fmt: skip
    fresh = MemberFactory(joined_on=dt.date(2020, 6, 1))

    # when / then
    with pytest.raises(FuneralError) as again:
        enrolled(member)
    assert "เป็นสมาชิกสมาคมฌาปนกิจอยู่แล้ว" in again.value.errors["member"]
    with pytest.raises(FuneralError) as left:
        enrolled(gone)
    assert "มีสถานะลาออก" in left.value.errors["member"]
    with pytest.raises(FuneralError) as early:
        enrolled(fresh, joined_on=dt.date(2020, 5, 31))
    assert "ต้องไม่ก่อนวันที่เป็นสมาชิกสหกรณ์ (1 มิ.ย. 2563)" in early.value.errors["joined_on"]
    assert FuneralMembership.objects.count() == 1


def test_replacing_beneficiaries_keeps_the_old_list_marked_replaced(officer):
    # given
    membership = enrolled(beneficiaries=heirs("100.00"))

    # when
    current = funeral_beneficiaries_replace(
        membership=membership, beneficiaries=heirs("50.00", "50.00"), by=officer
    )

    # then
    assert [(b.position, b.share_percent) for b in current] == [(1, D("50.00")), (2, D("50.00"))]
    assert FuneralBeneficiary.objects.filter(membership=membership).count() == 3
    assert FuneralBeneficiary.objects.filter(membership=membership, replaced_at__isnull=False).count() == 1


def test_replacing_with_a_bad_list_keeps_the_old_one(officer):
    # given
    membership = enrolled(beneficiaries=heirs("100.00"))

    # when
    with pytest.raises(FuneralError):
        funeral_beneficiaries_replace(
            membership=membership, beneficiaries=heirs("50.00", "49.99"), by=officer
        )

    # then
    assert list(membership.beneficiaries.values_list("share_percent", "replaced_at")) == [(D("100.00"), None)]


def test_resignation_ends_the_membership_but_death_goes_through_a_claim(officer):
    # given
    membership = enrolled()

    # when / then
    with pytest.raises(FuneralError) as death:
        funeral_membership_end(
            membership=membership, on=dt.date(2025, 6, 1), reason=EndReason.DEATH, by=officer
        )
    assert "reason" in death.value.errors
    ended = funeral_membership_end(membership=membership, on=dt.date(2025, 6, 1), reason=EndReason.RESIGNATION,
                                   by=officer)  # fmt: skip
    assert (ended.status, ended.ended_on, ended.end_reason) == ("ended", dt.date(2025, 6, 1), "resignation")
