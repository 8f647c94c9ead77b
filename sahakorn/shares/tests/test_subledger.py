"""The share capital's part of the sub-ledger contract: its reconciliation and its monthly demand."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sahakorn.core.subledger import monthly_demands, reconciliations
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.selectors import account_balance, account_for_role
from sahakorn.ledger.services import Line, journal_entry_record
from sahakorn.members.services import member_status_change
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import Channel, ShareAccount, ShareTransaction, Suspension, TransactionKind
from sahakorn.shares.reconcile import shares_reconcile
from sahakorn.shares.services import share_monthly_contribution_record
from sahakorn.shares.subledger import SUBLEDGER
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db
PERIOD = dt.date(2026, 3, 1)
ON = dt.date(2026, 3, 25)


@pytest.fixture
def member():
    # 100 initial shares (1,000.00); salary 15,000.00 → 70 shares (700.00) a month at par 10
    return member_with_shares(100, salary=D("15000.00"), on=dt.date(2026, 1, 10))


def _receipt(demand, amount: D, *, on: dt.date = ON):
    """What a caller (billing's payroll receipt) does: one voucher of its own, then settle."""
    entry = journal_entry_record(
        date=on,
        description="รับชำระเงินเดือนหักส่งสหกรณ์",
        source=EntrySource.BILLING,
        lines=[Line("cash", debit=amount), *demand.credit_lines(amount)],
    )
    return entry


# ======== Monthly demand (เรียกเก็บรายเดือน) ========


def test_the_demand_is_the_monthly_shares_in_force_at_par(member):
    (demand,) = SUBLEDGER.monthly_demands(member=member, period=dt.date(2026, 3, 17))

    assert (demand.subledger, demand.reference, demand.account_role, demand.amount) == (
        "shares",
        member.number,
        "share_capital",
        D("700.00"),
    )
    assert demand.label == "หุ้นรายเดือน มีนาคม 2569 (70 หุ้น)"
    everyone = [(d.subledger, d.reference, d.amount) for d in monthly_demands(member=member, period=PERIOD)]
    assert ("shares", member.number, D("700.00")) in everyone


def test_a_receipt_in_the_callers_voucher_settles_the_demand(member, officer):
    # given
    (demand,) = SUBLEDGER.monthly_demands(member=member, period=PERIOD)

    # when: the caller posts Dr cash 700.00 / Cr share capital (member) 700.00, then settles
    entry = _receipt(demand, D("700.00"))
    demand.settle(amount=D("700.00"), on=ON, entry=entry, by=officer)

    # then
    (line,) = [line for line in entry.lines.all() if line.credit]
    assert (line.account, line.credit, line.member_id, line.memo) == (
        account_for_role("share_capital"),
        D("700.00"),
        member.pk,
        "หุ้นรายเดือน มีนาคม 2569",
    )
    row = ShareTransaction.objects.get(kind=TransactionKind.MONTHLY)
    assert (row.period, row.date, row.shares, row.amount, row.channel, row.journal_entry, row.created_by) == (
        PERIOD,
        ON,
        70,
        D("700.00"),
        Channel.PAYROLL,
        entry,
        officer,
    )
    account = ShareAccount.objects.get(member=member)
    assert (account.balance_shares, account.balance_amount) == (170, D("1700.00"))
    assert account_balance(account="share_capital", member_id=member.pk) == D("1700.00")
    result = shares_reconcile()
    assert result.ok
    assert result.transactions_amount == result.accounts_amount == result.ledger_amount == D("1700.00")


def test_nothing_is_demanded_twice_for_a_month(member, officer):
    (demand,) = SUBLEDGER.monthly_demands(member=member, period=PERIOD)
    demand.settle(amount=D("700.00"), on=ON, entry=_receipt(demand, D("700.00")), by=officer)

    assert SUBLEDGER.monthly_demands(member=member, period=PERIOD) == []
    # nor once the counter has recorded the month
    share_monthly_contribution_record(member=member, period=dt.date(2026, 4, 1), on=dt.date(2026, 4, 30))
    assert SUBLEDGER.monthly_demands(member=member, period=dt.date(2026, 4, 1)) == []
    assert len(SUBLEDGER.monthly_demands(member=member, period=dt.date(2026, 5, 1))) == 1


def test_a_demand_settled_meanwhile_is_refused_and_the_callers_voucher_rolls_back(member, officer):
    from django.db import transaction

    (first,) = SUBLEDGER.monthly_demands(member=member, period=PERIOD)
    (second,) = SUBLEDGER.monthly_demands(member=member, period=PERIOD)
    first.settle(amount=D("700.00"), on=ON, entry=_receipt(first, D("700.00")), by=officer)

    with pytest.raises(ShareError, match="มีหุ้นรายเดือนงวด มีนาคม 2569 แล้ว"), transaction.atomic():
        second.settle(amount=D("700.00"), on=ON, entry=_receipt(second, D("700.00")), by=officer)

    assert ShareAccount.objects.get(member=member).balance_amount == D("1700.00")
    assert shares_reconcile().ok


def test_a_short_receipt_pays_whole_shares_only(member, officer):
    (demand,) = SUBLEDGER.monthly_demands(member=member, period=PERIOD)

    with pytest.raises(ShareError, match="จำนวนเต็มหุ้น หุ้นละ 10.00 บาท ไม่เกิน 700.00 บาท"):
        demand.credit_lines(D("305.00"))
    with pytest.raises(ShareError, match="ไม่เกิน 700.00 บาท"):
        demand.credit_lines(D("710.00"))

    demand.settle(amount=D("300.00"), on=ON, entry=_receipt(demand, D("300.00")), by=officer)
    row = ShareTransaction.objects.get(kind=TransactionKind.MONTHLY)
    assert (row.shares, row.amount) == (30, D("300.00"))
    assert ShareAccount.objects.get(member=member).balance_amount == D("1300.00")
    assert shares_reconcile().ok


def test_a_suspended_member_has_no_demand_for_the_month(member):
    ShareAccount.objects.filter(member=member).update(
        suspension=Suspension.TEMPORARY, suspended_from=PERIOD, suspended_until=PERIOD
    )

    assert SUBLEDGER.monthly_demands(member=member, period=PERIOD) == []
    assert len(SUBLEDGER.monthly_demands(member=member, period=dt.date(2026, 4, 1))) == 1


def test_no_demand_without_monthly_shares_or_after_leaving(member, officer):
    ShareAccount.objects.filter(member=member).update(monthly_shares=0)
    member.share_account.monthly_changes.update(to_shares=0)
    assert SUBLEDGER.monthly_demands(member=member, period=PERIOD) == []

    other = member_with_shares(100, salary=D("15000.00"), on=dt.date(2026, 1, 10))
    left = member_status_change(
        member=other, to_status="resigned", effective_on=dt.date(2026, 2, 28), reason="ลาออก", by=officer
    )
    assert SUBLEDGER.monthly_demands(member=left, period=PERIOD) == []


# ======== Reconciliation (``sahakorn reconcile`` and ``sahakorn shares check``) ========


def test_reconcile_gives_the_lines_the_check_prints(member):
    result = SUBLEDGER.reconcile()

    assert result.ok and result.title == "ทุนเรือนหุ้น / share capital"
    assert result.lines[0].split() == ["รวมรายการเคลื่อนไหวหุ้น", "1,000.00"]
    assert result.lines[-1] == "ตรวจทุนเรือนหุ้นผ่าน / shares check OK"
    assert [r for r in reconciliations(only=["shares"])] == [result]


def test_a_broken_cache_fails_both_commands_naming_the_account(member):
    ShareAccount.objects.filter(member=member).update(balance_shares=101, balance_amount=D("1010.00"))

    result = SUBLEDGER.reconcile()
    assert not result.ok
    assert result.lines[-1] == "ตรวจทุนเรือนหุ้นไม่ผ่าน / shares check FAILED"
    assert any(
        line.startswith(f"บัญชีหุ้นสมาชิก {member.number} ยอดคงเหลือ 101 หุ้น 1,010.00 บาท") for line in result.lines
    )

    for command in (["shares", "check"], ["reconcile", "--only", "shares"]):
        err = StringIO()
        with pytest.raises(CommandError, match="FAILED"):
            call_command(*command, stdout=StringIO(), stderr=err)
        assert f"บัญชีหุ้นสมาชิก {member.number}" in err.getvalue()


def test_settling_needs_the_amount_of_the_credit_lines(member, officer):
    # given: the caller's voucher credits 700.00
    (demand,) = SUBLEDGER.monthly_demands(member=member, period=PERIOD)
    entry = _receipt(demand, D("700.00"))

    # when / then: settling 350.00 of it is refused, nothing is recorded
    with pytest.raises(ShareError, match="ด้วยจำนวนเดียวกัน"):
        demand.settle(amount=D("350.00"), on=ON, entry=entry, by=officer)
    assert not ShareTransaction.objects.filter(kind=TransactionKind.MONTHLY).exists()


def test_a_month_recorded_meanwhile_is_refused_before_the_callers_voucher(member, officer):
    # given: the demand was read, then the month was recorded at the counter
    (demand,) = SUBLEDGER.monthly_demands(member=member, period=PERIOD)
    share_monthly_contribution_record(
        member=member, period=PERIOD, on=ON, channel=Channel.COUNTER, by=officer
    )

    # when / then: the credit lines refuse it, so the caller never posts its voucher
    with pytest.raises(ShareError, match="มีหุ้นรายเดือนงวด มีนาคม 2569 แล้ว"):
        demand.credit_lines(D("700.00"))


def test_no_demand_for_a_month_before_the_member_joined():
    joined = member_with_shares(
        100, salary=D("15000.00"), on=dt.date(2026, 1, 10), joined_on=dt.date(2026, 1, 5)
    )
    assert SUBLEDGER.monthly_demands(member=joined, period=dt.date(2025, 12, 1)) == []
    assert [d.amount for d in SUBLEDGER.monthly_demands(member=joined, period=dt.date(2026, 1, 1))] == [
        D("700.00")
    ]
