import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.selectors import account_balance
from sahakorn.ledger.services import Line, journal_entry_record
from sahakorn.members.services import member_status_change
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import Channel, RequestKind, ShareAccount, ShareTransaction, TransactionKind
from sahakorn.shares.services import (
    share_extra_purchase,
    share_refund_pay,
    share_request_approve,
    share_request_create,
    share_transaction_reverse,
)
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db
ON = dt.date(2026, 3, 5)


def test_reversing_an_extra_purchase_reverses_its_voucher(officer):
    # given
    member_with_shares(10_000)
    member = member_with_shares(100)
    bought = share_extra_purchase(member=member, shares=30, on=ON, channel=Channel.COUNTER, by=officer)

    # when
    reversal = share_transaction_reverse(
        transaction=bought, on=dt.date(2026, 3, 6), reason="บันทึกผิดคน", by=officer
    )

    # then
    assert (reversal.kind, reversal.shares, reversal.amount, reversal.reverses) == (
        TransactionKind.REVERSAL,
        -30,
        D("-300.00"),
        bought,
    )
    assert reversal.journal_entry.reverses == bought.journal_entry
    assert reversal.journal_entry.source == EntrySource.REVERSAL
    assert ShareAccount.objects.get(member=member).balance_amount == D("1000.00")
    assert account_balance(account="share_capital", member_id=member.pk) == D("1000.00")


def test_reversing_twice_is_refused(officer):
    member_with_shares(10_000)
    member = member_with_shares(100)
    bought = share_extra_purchase(member=member, shares=30, on=ON, channel=Channel.COUNTER, by=officer)
    reversal = share_transaction_reverse(transaction=bought, on=ON, reason="ผิด", by=officer)

    with pytest.raises(ShareError, match="ถูกกลับรายการไปแล้ว"):
        share_transaction_reverse(transaction=bought, on=ON, reason="ผิดอีก", by=officer)
    with pytest.raises(ShareError, match="เป็นรายการกลับรายการอยู่แล้ว"):
        share_transaction_reverse(transaction=reversal, on=ON, reason="ผิดอีก", by=officer)


def test_reversing_an_initial_purchase_takes_back_the_entrance_fee_too(officer):
    member = member_with_shares(10, on=ON)
    initial = ShareTransaction.objects.get(kind=TransactionKind.INITIAL)

    share_transaction_reverse(transaction=initial, on=ON, reason="สมัครซ้ำ", by=officer)

    assert account_balance(account="entrance_fee_income") == D("0.00")
    assert account_balance(account="cash") == D("0.00")
    assert ShareAccount.objects.get(member=member).balance_shares == 0


def test_reversal_that_would_leave_a_negative_balance_is_refused(officer, manager):
    member = member_with_shares(100)
    member_status_change(
        member=member, to_status="resigned", effective_on=dt.date(2026, 6, 30), reason="ลาออก", by=officer
    )
    request = share_request_create(
        kind=RequestKind.WITHDRAWAL,
        member=member,
        by=officer,
        effective_on=dt.date(2026, 6, 30),
        reason="ลาออก",
    )
    share_request_approve(request=request, by=manager)
    initial = ShareTransaction.objects.get(kind=TransactionKind.INITIAL)

    with pytest.raises(ShareError, match="ไม่พอให้หัก"):
        share_transaction_reverse(transaction=initial, on=dt.date(2026, 7, 1), reason="ผิด", by=officer)


def test_reversing_a_withdrawal_after_the_refund_was_paid_is_refused(officer, manager):
    member = member_with_shares(100)
    member_status_change(
        member=member, to_status="resigned", effective_on=dt.date(2026, 6, 30), reason="ลาออก", by=officer
    )
    request = share_request_create(
        kind=RequestKind.WITHDRAWAL,
        member=member,
        by=officer,
        effective_on=dt.date(2026, 6, 30),
        reason="ลาออก",
    )
    share_request_approve(request=request, by=manager)
    withdrawal = ShareTransaction.objects.get(kind=TransactionKind.WITHDRAWAL)
    share_refund_pay(
        member=member, amount=D("1.00"), on=dt.date(2026, 7, 1), channel=Channel.COUNTER, by=officer
    )

    with pytest.raises(ShareError, match="จ่ายคืนค่าหุ้นไปแล้ว"):
        share_transaction_reverse(transaction=withdrawal, on=dt.date(2026, 7, 2), reason="ผิด", by=officer)


def test_reversing_a_withdrawal_restores_shares_and_the_settled_loan(officer, manager):
    from sahakorn.loans.models import ContractStatus
    from sahakorn.loans.tests.factories import contract_create

    member = member_with_shares(500)
    loan = contract_create(member=member, amount=D("3000.00"), disbursed_on=dt.date(2026, 6, 30))
    member_status_change(
        member=member, to_status="resigned", effective_on=dt.date(2026, 6, 30), reason="ลาออก", by=officer
    )
    request = share_request_create(
        kind=RequestKind.WITHDRAWAL,
        member=member,
        by=officer,
        effective_on=dt.date(2026, 6, 30),
        reason="ลาออก",
    )
    share_request_approve(request=request, by=manager)
    withdrawal = ShareTransaction.objects.get(kind=TransactionKind.WITHDRAWAL)

    share_transaction_reverse(transaction=withdrawal, on=dt.date(2026, 7, 2), reason="อนุมัติผิดคน", by=manager)

    assert ShareAccount.objects.get(member=member).balance_amount == D("5000.00")
    assert account_balance(account="loan_ordinary", member_id=member.pk) == D("3000.00")
    loan.refresh_from_db()  # the contract the withdrawal had paid off is open again
    assert (loan.status, loan.principal_balance) == (ContractStatus.ACTIVE, D("3000.00"))
    assert account_balance(account="share_refund_payable", member_id=member.pk) == D("0.00")


def test_reversing_one_row_of_a_shared_voucher_posts_only_its_lines(officer):
    # given: a batch-style voucher, Dr bank 1,500.00 / Cr share capital 700.00 (A) + 800.00 (B)
    a, b = member_with_shares(10), member_with_shares(10)
    entry = journal_entry_record(
        date=dt.date(2026, 3, 31),
        description="หุ้นรายเดือน มีนาคม 2569",
        source=EntrySource.SHARES,
        lines=[
            Line("bank", debit=D("1500.00")),
            Line("share_capital", credit=D("700.00"), member_id=a.pk),
            Line("share_capital", credit=D("800.00"), member_id=b.pk),
        ],
    )
    rows = []
    for member, shares in ((a, 70), (b, 80)):
        account = ShareAccount.objects.get(member=member)
        rows.append(
            ShareTransaction.objects.create(
                account=account,
                date=entry.date,
                kind=TransactionKind.MONTHLY,
                channel=Channel.PAYROLL,
                period=dt.date(2026, 3, 1),
                shares=shares,
                amount=shares * D("10.00"),
                journal_entry=entry,
            )  # fmt: skip
        )
        ShareAccount.objects.filter(pk=account.pk).update(
            balance_shares=10 + shares, balance_amount=(10 + shares) * D("10")
        )

    # when
    reversal = share_transaction_reverse(
        transaction=rows[0], on=dt.date(2026, 4, 2), reason="หักซ้ำ", by=officer
    )

    # then: only A's 700.00 comes back; B keeps its contribution
    lines = list(reversal.journal_entry.lines.order_by("id").values_list("debit", "credit", "member_id"))
    assert lines == [(D("700.00"), D("0.00"), a.pk), (D("0.00"), D("700.00"), None)]
    assert reversal.journal_entry.reverses is None
    assert account_balance(account="share_capital", member_id=a.pk) == D("100.00")
    assert account_balance(account="share_capital", member_id=b.pk) == D("900.00")
    assert account_balance(account="bank") == D("800.00")
