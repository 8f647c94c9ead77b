import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.selectors import account_balance
from sahakorn.members.services import member_status_change
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import Channel, RequestKind
from sahakorn.shares.services import share_refund_pay, share_request_approve, share_request_create
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db
LEFT_ON = dt.date(2026, 6, 30)


@pytest.fixture
def left(officer, manager):
    """A member who left with 2,500.00 in shares, approved: 2,500.00 pending refund."""
    member = member_with_shares(250)
    member_status_change(
        member=member, to_status="resigned", effective_on=LEFT_ON, reason="ลาออก", by=officer
    )
    request = share_request_create(
        kind=RequestKind.WITHDRAWAL, member=member, by=officer, effective_on=LEFT_ON, reason="ลาออก"
    )
    share_request_approve(request=request, by=manager)
    return member


def test_refund_in_two_payments(left, officer):
    # when: 1,000.00 by transfer, then the rest in cash
    first = share_refund_pay(
        member=left, amount=D("1000.00"), on=dt.date(2026, 7, 5), channel=Channel.TRANSFER, by=officer
    )
    share_refund_pay(member=left, on=dt.date(2026, 7, 6), channel=Channel.COUNTER, by=officer)

    # then
    assert first.is_posted
    assert account_balance(account="share_refund_payable", member_id=left.pk) == D("0.00")
    assert account_balance(account="bank") == D("-1000.00")


def test_refund_above_the_pending_amount_is_refused(left, officer):
    with pytest.raises(ShareError, match="ไม่เกินหุ้นรอจ่ายคืน 2,500.00 บาท") as e:
        share_refund_pay(
            member=left, amount=D("2500.01"), on=dt.date(2026, 7, 5), channel=Channel.COUNTER, by=officer
        )
    assert e.value.field == "amount"


def test_refund_before_the_withdrawal_date_is_refused(left, officer):
    with pytest.raises(ShareError, match="ไม่มีหุ้นรอจ่ายคืน"):
        share_refund_pay(member=left, on=dt.date(2026, 6, 29), channel=Channel.COUNTER, by=officer)
