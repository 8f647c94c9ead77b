"""Withdrawal, transfer and suspension requests: checked when recorded, approved by a second person."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.selectors import account_balance
from sahakorn.members.services import member_status_change
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import (
    RequestKind,
    RequestStatus,
    ShareAccount,
    ShareRequest,
    ShareTransaction,
    Suspension,
    TransactionKind,
)
from sahakorn.shares.services import share_request_approve, share_request_create, share_request_reject
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db
LEFT_ON = dt.date(2026, 6, 30)


def loan_record(member, amount: str, *, role: str = "loan_ordinary", on=LEFT_ON):
    """A member's loan contract paid out on ``on`` (the day they leave: no interest to the withdrawal)."""
    from sahakorn.loans.tests.factories import contract_create

    return contract_create(
        member=member, family=role.removeprefix("loan_"), amount=D(amount), disbursed_on=on
    )


def leave(member, by, status="resigned"):
    return member_status_change(
        member=member, to_status=status, effective_on=LEFT_ON, reason="พ้นสมาชิกภาพ", by=by
    )


# ======== Withdrawal (ถอนหุ้น) ========


def test_withdrawal_settles_the_debt_first_and_the_rest_is_pending_refund(officer, manager):
    # given: 50,000.00 in shares and an ordinary loan of 30,000.00; the member resigned
    member = member_with_shares(5000)
    loan_record(member, "30000.00")
    leave(member, officer)

    # when
    request = share_request_create(
        kind=RequestKind.WITHDRAWAL, member=member, by=officer, effective_on=LEFT_ON, reason="ลาออก"
    )
    share_request_approve(request=request, by=manager, note="ตรวจแล้ว")

    # then
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_note) == (
        RequestStatus.APPROVED,
        manager,
        "ตรวจแล้ว",
    )
    assert account_balance(account="share_refund_payable", member_id=member.pk) == D("20000.00")
    assert account_balance(account="loan_ordinary", member_id=member.pk) == D("0.00")
    assert account_balance(account="share_capital", member_id=member.pk) == D("0.00")
    account = ShareAccount.objects.get(member=member)
    assert (account.balance_shares, account.balance_amount) == (0, D("0.00"))
    row = ShareTransaction.objects.get(kind=TransactionKind.WITHDRAWAL)
    assert (row.shares, row.amount, row.request, row.date) == (-5000, D("-50000.00"), request, LEFT_ON)
    assert row.journal_entry.lines.count() == 4
    assert "หักชำระหนี้ 30,000.00 บาท คงเหลือรอจ่ายคืน 20,000.00 บาท" in [c["message"] for c in request.checks]


def test_withdrawal_with_debt_above_shares_settles_what_the_shares_cover(officer, manager):
    member = member_with_shares(1000)
    loan_record(member, "4000.00", role="loan_emergency")
    loan_record(member, "9000.00")
    leave(member, officer, status="deceased")

    request = share_request_create(
        kind=RequestKind.WITHDRAWAL, member=member, by=officer, effective_on=LEFT_ON, reason="เสียชีวิต"
    )
    share_request_approve(request=request, by=manager)

    # 10,000.00 of shares: the emergency loan 4,000.00 in full, then 6,000.00 of the ordinary one
    assert account_balance(account="loan_emergency", member_id=member.pk) == D("0.00")
    assert account_balance(account="loan_ordinary", member_id=member.pk) == D("3000.00")
    assert account_balance(account="share_refund_payable", member_id=member.pk) == D("0.00")


def test_withdrawal_without_settling_debts_when_the_rules_say_so(officer, manager):
    from sahakorn.shares.tests.factories import share_rules

    share_rules(effective_from=dt.date(2026, 1, 1), withdrawal_settles_debts=False)
    member = member_with_shares(1000, on=dt.date(2026, 1, 5))
    loan_record(member, "4000.00")
    leave(member, officer)

    request = share_request_create(
        kind=RequestKind.WITHDRAWAL, member=member, by=officer, effective_on=LEFT_ON, reason="ลาออก"
    )
    share_request_approve(request=request, by=manager)

    assert account_balance(account="share_refund_payable", member_id=member.pk) == D("10000.00")
    assert account_balance(account="loan_ordinary", member_id=member.pk) == D("4000.00")


def test_withdrawal_while_still_a_member_is_refused_and_not_recorded(officer):
    member = member_with_shares(100)

    with pytest.raises(ShareError, match="ยังไม่พ้นสมาชิกภาพ") as e:
        share_request_create(
            kind=RequestKind.WITHDRAWAL, member=member, by=officer, effective_on=LEFT_ON, reason="ขอถอน"
        )
    assert e.value.failed_checks[0].rule == "ถอนหุ้นได้เมื่อพ้นสมาชิกภาพเท่านั้น"
    assert not ShareRequest.objects.exists()


def test_partial_withdrawal_is_refused(officer):
    member = member_with_shares(100)
    leave(member, officer)

    with pytest.raises(ShareError, match="ต้องถอนทั้งหมด 100 หุ้น"):
        share_request_create(
            kind=RequestKind.WITHDRAWAL,
            member=member,
            by=officer,
            effective_on=LEFT_ON,
            reason="ลาออก",
            shares=50,
        )


# ======== Maker-checker ========


@pytest.fixture
def pending(officer, manager):
    member = member_with_shares(100)
    leave(member, officer)
    return share_request_create(
        kind=RequestKind.WITHDRAWAL, member=member, by=manager, effective_on=LEFT_ON, reason="ลาออก"
    )


def test_the_maker_cannot_approve_their_own_request(pending, manager):
    with pytest.raises(ShareError, match="ผู้อนุมัติต้องไม่ใช่ผู้บันทึกคำขอ"):
        share_request_approve(request=pending, by=manager)
    pending.refresh_from_db()
    assert pending.status == RequestStatus.PENDING
    assert not ShareTransaction.objects.filter(kind=TransactionKind.WITHDRAWAL).exists()


def test_the_maker_cannot_reject_their_own_request_either(pending, manager):
    # a manager who recorded a request may not decide it either way: a second person decides
    with pytest.raises(ShareError, match="ผู้ไม่อนุมัติต้องไม่ใช่ผู้บันทึกคำขอ"):
        share_request_reject(request=pending, by=manager, note="บันทึกผิด")

    pending.refresh_from_db()
    assert (pending.status, pending.decided_by, pending.decision_note) == (RequestStatus.PENDING, None, "")


def test_an_officer_cannot_approve(pending, officer):
    with pytest.raises(ShareError, match="ไม่มีสิทธิ์อนุมัติ"):
        share_request_approve(request=pending, by=officer)


def test_a_second_manager_approves_once(pending, manager2):
    share_request_approve(request=pending, by=manager2)

    with pytest.raises(ShareError, match="อนุมัติและผ่านรายการแล้วแล้ว|แล้ว"):
        share_request_approve(request=pending, by=manager2)
    assert ShareTransaction.objects.filter(kind=TransactionKind.WITHDRAWAL).count() == 1


def test_reject_needs_a_reason_and_posts_nothing(pending, manager2):
    with pytest.raises(ShareError, match="เหตุผล"):
        share_request_reject(request=pending, by=manager2, note="")

    share_request_reject(request=pending, by=manager2, note="เอกสารไม่ครบ")

    pending.refresh_from_db()
    assert (pending.status, pending.decision_note) == (RequestStatus.REJECTED, "เอกสารไม่ครบ")
    assert not ShareTransaction.objects.filter(kind=TransactionKind.WITHDRAWAL).exists()


def test_a_second_pending_request_of_the_same_kind_is_refused(pending, officer):
    with pytest.raises(ShareError, match="รออนุมัติอยู่แล้ว"):
        share_request_create(
            kind=RequestKind.WITHDRAWAL, member=pending.member, by=officer, effective_on=LEFT_ON, reason="ซ้ำ"
        )


def test_approval_rechecks_the_rules(pending, officer, manager2):
    # given: the member was re-admitted after the request was recorded
    member_status_change(
        member=pending.member,
        to_status="active",
        effective_on=dt.date(2026, 7, 1),
        reason="กลับเข้า",
        by=officer,
    )

    with pytest.raises(ShareError, match="ยังไม่พ้นสมาชิกภาพ"):
        share_request_approve(request=pending, by=manager2)


# ======== Transfer (โอนหุ้น) ========


def test_transfer_to_an_heir(officer, manager):
    # given: a big holder so the cap does not bite; a deceased member with 500 shares; the heir with 100
    member_with_shares(10_000)
    deceased = member_with_shares(500)
    heir = member_with_shares(100)
    leave(deceased, officer, status="deceased")

    # when
    request = share_request_create(
        kind=RequestKind.TRANSFER,
        member=deceased,
        to_member=heir,
        by=officer,
        effective_on=LEFT_ON,
        reason="โอนให้ทายาท",
    )
    share_request_approve(request=request, by=manager)

    # then
    assert ShareAccount.objects.get(member=deceased).balance_shares == 0
    assert ShareAccount.objects.get(member=heir).balance_amount == D("6000.00")
    assert account_balance(account="share_capital", member_id=deceased.pk) == D("0.00")
    assert account_balance(account="share_capital", member_id=heir.pk) == D("6000.00")
    out, into = ShareTransaction.objects.filter(request=request).order_by("id")
    assert (out.kind, out.shares, out.amount) == (TransactionKind.TRANSFER_OUT, -500, D("-5000.00"))
    assert (into.kind, into.shares, into.amount) == (TransactionKind.TRANSFER_IN, 500, D("5000.00"))
    assert out.journal_entry == into.journal_entry


def test_transfer_that_breaks_the_receivers_cap_is_refused(officer):
    # given: 1,000 shares in all, six holders; after the transfer five hold shares and the heir
    # would hold 600 of 1,000 (60%; 1/5 is 200)
    deceased = member_with_shares(500)
    heir = member_with_shares(100)
    for _ in range(4):
        member_with_shares(100)
    leave(deceased, officer, status="deceased")

    # when / then
    with pytest.raises(ShareError, match="เกินเพดานการถือหุ้น") as e:
        share_request_create(
            kind=RequestKind.TRANSFER,
            member=deceased,
            to_member=heir,
            by=officer,
            effective_on=LEFT_ON,
            reason="ทายาท",
        )
    (failed,) = e.value.failed_checks
    assert failed.figure == "หลังรายการถือ 600 หุ้น จากหุ้นทั้งหมด 1,000 หุ้น = ร้อยละ 60.00 (ถือได้ไม่เกิน 200 หุ้น)"
    assert not ShareRequest.objects.exists()


def test_transfer_in_a_founding_coop_is_not_capped(officer, manager):
    # given: two holders; after the transfer only the heir holds shares (1 holder, below the rules' 5)
    deceased = member_with_shares(500)
    heir = member_with_shares(100)
    leave(deceased, officer, status="deceased")

    # when
    request = share_request_create(
        kind=RequestKind.TRANSFER,
        member=deceased,
        to_member=heir,
        by=officer,
        effective_on=LEFT_ON,
        reason="ทายาท",
    )
    share_request_approve(request=request, by=manager)

    # then: the check passed and said why
    assert ShareAccount.objects.get(member=heir).balance_shares == 600
    [cap] = [c for c in request.checks if "33(3)" in c["rule"]]
    assert cap["passed"] and cap["message"] == (
        "ผ่าน: ยังไม่ใช้เพดาน หลังรายการมีสมาชิกถือหุ้น 1 คน น้อยกว่า 5 คนตามระเบียบ (สหกรณ์ตั้งใหม่)"
    )


def test_transfer_needs_the_shares_left_to_cover_the_debt(officer):
    member_with_shares(10_000)
    deceased = member_with_shares(500)
    heir = member_with_shares(100)
    loan_record(deceased, "1000.00")
    leave(deceased, officer, status="deceased")

    with pytest.raises(ShareError, match="ต้องหักชำระหนี้จากหุ้นก่อนโอน"):
        share_request_create(
            kind=RequestKind.TRANSFER,
            member=deceased,
            to_member=heir,
            by=officer,
            effective_on=LEFT_ON,
            reason="ทายาท",
        )
    # 400 shares leave 1,000.00 to settle the loan
    request = share_request_create(
        kind=RequestKind.TRANSFER,
        member=deceased,
        to_member=heir,
        shares=400,
        by=officer,
        effective_on=LEFT_ON,
        reason="ทายาท",
    )
    assert request.shares == 400


def test_transfer_refused_when_the_rules_forbid_it(officer):
    from sahakorn.shares.tests.factories import share_rules

    share_rules(effective_from=dt.date(2026, 1, 1), transfer_allowed=False)
    member_with_shares(10_000)
    deceased = member_with_shares(500)
    heir = member_with_shares(100)
    leave(deceased, officer, status="deceased")

    with pytest.raises(ShareError, match="ระเบียบไม่อนุญาตให้โอนหุ้น"):
        share_request_create(
            kind=RequestKind.TRANSFER,
            member=deceased,
            to_member=heir,
            by=officer,
            effective_on=LEFT_ON,
            reason="ทายาท",
        )


# ======== Suspension (งดส่งค่าหุ้น) ========

JULY = dt.date(2026, 7, 1)


def test_suspension_refused_for_a_member_too_new_with_too_few_shares(officer):
    # given: joined 1 Jan 2015 (138 months by July 2026, rule 240) with 10,000.00 of shares (rule 300,000.00)
    member = member_with_shares(1000, joined_on=dt.date(2015, 1, 1))

    with pytest.raises(ShareError, match="ยังไม่ถึงเกณฑ์งดส่ง") as e:
        share_request_create(
            kind=RequestKind.SUSPENSION, member=member, by=officer, effective_on=JULY, reason="ขอลดภาระ",
            suspension=Suspension.TEMPORARY,
        )  # fmt: skip
    assert e.value.failed_checks[0].figure == "เป็นสมาชิก 138 เดือน ทุนเรือนหุ้น 10,000.00 บาท"
    assert not ShareRequest.objects.exists()


def test_suspension_refused_when_debt_is_above_shares(officer):
    # given: a member of 26 years with 10,000.00 of shares and a loan of 30,000.00
    member = member_with_shares(1000, joined_on=dt.date(2000, 1, 1), birth_date=dt.date(1970, 1, 1))
    loan_record(member, "30000.00")

    with pytest.raises(ShareError, match="หนี้ไม่น้อยกว่าทุนเรือนหุ้น"):
        share_request_create(
            kind=RequestKind.SUSPENSION, member=member, by=officer, effective_on=JULY, reason="ขอลดภาระ",
            suspension=Suspension.PERMANENT,
        )  # fmt: skip


def test_temporary_suspension_allowed_and_approved_covers_one_month(officer, manager):
    # given: a member since 2000 (more than 240 months) with 10,000.00 in shares, a 5,000.00 loan
    member = member_with_shares(1000, joined_on=dt.date(2000, 1, 1), birth_date=dt.date(1970, 1, 1))
    loan_record(member, "5000.00")

    # when
    request = share_request_create(
        kind=RequestKind.SUSPENSION, member=member, by=officer, effective_on=dt.date(2026, 7, 15), reason="ขอลดภาระ",
        suspension=Suspension.TEMPORARY,
    )  # fmt: skip
    share_request_approve(request=request, by=manager)

    # then
    account = ShareAccount.objects.get(member=member)
    assert (account.suspension, account.suspended_from, account.suspended_until) == (
        Suspension.TEMPORARY,
        JULY,
        JULY,
    )
    assert request.effective_on == JULY
    assert not ShareTransaction.objects.filter(request=request).exists()


def test_permanent_suspension_has_no_end(officer, manager):
    member = member_with_shares(30_000, joined_on=dt.date(2020, 1, 1))  # 300,000.00 baht

    request = share_request_create(
        kind=RequestKind.SUSPENSION, member=member, by=officer, effective_on=JULY, reason="ถึงเกณฑ์",
        suspension=Suspension.PERMANENT,
    )  # fmt: skip
    share_request_approve(request=request, by=manager)

    account = ShareAccount.objects.get(member=member)
    assert (account.suspension, account.suspended_from, account.suspended_until) == (
        Suspension.PERMANENT,
        JULY,
        None,
    )
