"""The member's standing refund choice (วิธีรับเงินหักเกินประจำ): recorded once, used by every refund after."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from sahakorn.billing.errors import BillingError
from sahakorn.billing.models import OverDeduction, RefundChannel, RefundChoice, StandingRefundChoice
from sahakorn.billing.services import (
    billing_cycle_freeze,
    billing_period_open,
    billing_unit_post,
    over_deduction_refund,
    over_deductions_refund_standing,
    refund_choice_clear,
    refund_choice_set,
)
from sahakorn.billing.tests.conftest import MARCH
from sahakorn.loans.models import LoanContract
from sahakorn.loans.payments import loan_payment_record
from sahakorn.members.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def over(member, officer):
    """8,678.16 over-deducted: March's ordinary installment paid at the counter after the freeze."""
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    billing_cycle_freeze(cycle=cycle, by=officer)
    loan_payment_record(contract=LoanContract.objects.get(number="สม-0123"), amount=D("8843.59"),
                        on=dt.date(2026, 3, 20), channel="cash", by=officer)  # fmt: skip
    billing_unit_post(cycle=cycle, unit=member.unit, by=officer)
    return OverDeduction.objects.get()


@pytest.fixture
def savings(member, officer):
    from sahakorn.deposits.models import DepositProduct
    from sahakorn.deposits.services import deposit_account_open

    return deposit_account_open(member=member, product=DepositProduct.objects.get(code="10"),
                                opened_on=dt.date(2026, 1, 5), initial_amount=D("100.00"), by=officer)  # fmt: skip


def test_a_refund_kept_as_the_standing_choice_pays_the_next_ones_the_same_way(over, member, savings, officer):
    # when: the officer pays it into the member's savings and keeps that as the member's way
    over_deduction_refund(over=over, on=dt.date(2026, 4, 2), channel="deposit", account=savings, remember=True,
                          by=officer)  # fmt: skip

    # then
    choice = StandingRefundChoice.objects.get(member=member)
    assert (choice.channel, choice.account_id, choice.set_by) == (RefundChannel.DEPOSIT, savings.pk, officer)
    assert str(choice) == f"เข้าบัญชีเงินฝาก {savings.number}"


def test_paying_back_by_the_standing_choices_pays_only_those_who_chose(over, member, savings, officer):
    # given: another member's over-deduction without a choice (a second held row, 50.00)
    from sahakorn.billing.tests.conftest import member_with_shares

    other = member_with_shares(10, on=dt.date(2025, 1, 15), joined_on=dt.date(2016, 1, 1))
    second = OverDeduction.objects.create(posting=over.posting, bill=over.bill, member=other, amount=D("50.00"),
                                          reason="ทดสอบ", journal_entry=over.journal_entry)  # fmt: skip
    refund_choice_set(member=member, channel=RefundChannel.DEPOSIT, account=savings, by=officer)

    # when
    done = over_deductions_refund_standing(on=dt.date(2026, 4, 2), by=officer)

    # then: the member's 8,678.16 went into savings (100.00 → 8,778.16); the other's row waits
    assert [row.pk for row in done] == [over.pk]
    over.refresh_from_db()
    savings.refresh_from_db()
    assert (over.choice, over.refunded_on, savings.balance) == (
        RefundChoice.DEPOSIT,
        dt.date(2026, 4, 2),
        D("8778.16"),
    )
    second.refresh_from_db()
    assert second.refunded_on is None
    with pytest.raises(BillingError, match="ไม่มีเงินหักเกินรอคืนของสมาชิกที่เลือกวิธีรับเงินไว้"):
        over_deductions_refund_standing(on=dt.date(2026, 4, 3), by=officer)


def test_a_choice_that_cannot_work_is_refused_by_name(member, savings, officer):
    Member.objects.filter(pk=member.pk).update(bank_account_no="")
    member.refresh_from_db()

    with pytest.raises(BillingError, match="ไม่มีเลขที่บัญชีธนาคารในทะเบียนสมาชิก"):
        refund_choice_set(member=member, channel=RefundChannel.BANK, by=officer)
    with pytest.raises(BillingError, match="เลือกบัญชีเงินฝากของสมาชิกรายนี้ที่ยังไม่ปิด"):
        refund_choice_set(member=member, channel=RefundChannel.DEPOSIT, account=None, by=officer)
    with pytest.raises(BillingError, match="วิธีรับเงิน “cheque” ใช้ไม่ได้"):
        refund_choice_set(member=member, channel="cheque", by=officer)
    assert not StandingRefundChoice.objects.exists()
    # and: cash needs nothing on record, and a later choice replaces it
    refund_choice_set(member=member, channel=RefundChannel.CASH, by=officer)
    refund_choice_set(member=member, channel=RefundChannel.DEPOSIT, account=savings, by=officer)
    assert list(StandingRefundChoice.objects.values_list("channel", "account_id")) == [
        ("deposit", savings.pk)
    ]


def test_the_screen_shows_the_effect_then_pays_back_by_the_choices(
    client, over, member, savings, officer, manager
):
    # given: the choice recorded; paying back is the manager's (an officer sees the list only)
    refund_choice_set(member=member, channel=RefundChannel.DEPOSIT, account=savings, by=officer)
    client.force_login(officer)
    assert client.get(reverse("billing:over_deductions_refund_standing")).status_code == 403
    client.force_login(manager)
    url = reverse("billing:over_deductions_refund_standing")

    listed = client.get(reverse("billing:over_deductions")).content.decode()
    confirm = client.get(url).content.decode()
    done = client.post(url, {"on": "02/04/2569"}, follow=True).content.decode()

    assert url in listed and f"เข้าบัญชีเงินฝาก {savings.number}" in listed
    assert "ยืนยัน คืนเงิน 1 ราย 8,678.16 บาท" in confirm and "เข้าบัญชีเงินฝาก" in confirm
    over.refresh_from_db()
    assert (
        f"คืนเงินหักเกินตามวิธีที่สมาชิกเลือกไว้แล้ว 1 ราย รวม 8,678.16 บาท ใบสำคัญ {over.refund_entry.voucher_label}"
        in done
    )


def test_the_choices_are_listed_and_one_is_forgotten_after_a_confirmation(
    client, over, member, savings, officer, manager
):
    # given: the member chose their savings account
    choice = refund_choice_set(member=member, channel="deposit", account=savings, by=officer)
    url = reverse("billing:refund_choice_clear", args=[choice.pk])

    # then: the list names the member, the way and who set it; an officer cannot forget it
    client.force_login(officer)
    listed = client.get(reverse("billing:refund_choices")).content.decode()
    assert member.number_and_name in listed and f"เข้าบัญชีเงินฝาก {savings.number}" in listed
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    client.cookies["django_language"] = "en"
    english = client.get(reverse("billing:refund_choices")).content.decode()
    assert "Members' standing refund choices" in english and "No member has" not in english
    client.cookies["django_language"] = "th"

    # when: the manager looks, then confirms
    client.force_login(manager)
    confirm = client.get(url).content.decode()
    assert "ยืนยัน ยกเลิกวิธีรับเงินประจำ" in confirm and f"เข้าบัญชีเงินฝาก {savings.number}" in confirm
    assert StandingRefundChoice.objects.filter(pk=choice.pk).exists()  # looking changes nothing
    done = client.post(url, follow=True).content.decode()

    # then: gone, the message names the way and the member, and the held row waits for the officer
    assert not StandingRefundChoice.objects.filter(member=member).exists()
    assert f"ยกเลิกวิธีรับเงินหักเกินประจำ (เข้าบัญชีเงินฝาก {savings.number}) ของ {member.number_and_name} แล้ว" in done
    with pytest.raises(BillingError, match="ไม่มีเงินหักเกินรอคืนของสมาชิกที่เลือกวิธีรับเงินไว้"):
        over_deductions_refund_standing(on=dt.date(2026, 4, 2), by=manager)
    over.refresh_from_db()
    assert over.refunded_on is None


def test_forgetting_a_choice_there_is_not_is_refused(member, manager):
    with pytest.raises(BillingError, match="ไม่มีวิธีรับเงินหักเกินประจำ"):
        refund_choice_clear(member=member, by=manager)
