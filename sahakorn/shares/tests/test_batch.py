import datetime as dt
from decimal import Decimal as D

import pytest
from django.db.models import Sum

from sahakorn.ledger.models import JournalEntry, JournalLine
from sahakorn.ledger.services import fiscal_period_close, fiscal_year_ensure
from sahakorn.ledger.tests.factories import voucher_record
from sahakorn.members.models import Member, MemberStatus
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.shares.batch import members_below_minimum, monthly_contributions_run
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import (
    Channel,
    MonthlyChangeReason,
    MonthlyContributionChange,
    MonthlyRun,
    ShareAccount,
    ShareTransaction,
    Suspension,
    TransactionKind,
)
from sahakorn.shares.tests.factories import DEFAULT_BRACKETS, share_rules

pytestmark = pytest.mark.django_db
PERIOD = dt.date(2026, 3, 1)
POSTED_ON = dt.date(2026, 3, 31)


def _account(monthly: int, *, balance: int = 0, salary: str = "25000.00", **fields) -> ShareAccount:
    """A member with a share account (test set-up written straight to the tables)."""
    member = MemberFactory(salary=D(salary), joined_on=fields.pop("joined_on", dt.date(2015, 1, 1)))
    return ShareAccount.objects.create(
        member=member,
        opened_on=member.joined_on,
        monthly_shares=monthly,
        balance_shares=balance,
        balance_amount=balance * D("10.00"),
        **fields,
    )


def _balances() -> dict[int, tuple[int, D]]:
    return {a.pk: (a.balance_shares, a.balance_amount) for a in ShareAccount.objects.all()}


def test_monthly_run_posts_each_due_member_and_one_summary_voucher(officer):
    # given: three members at 70, 80 and 100 shares a month, par 10 baht
    accounts = [_account(70, balance=500), _account(80), _account(100, balance=1200)]

    # when
    run = monthly_contributions_run(period=dt.date(2026, 3, 15), posted_on=POSTED_ON, by=officer)

    # then: 250 shares = 2,500.00 baht in one voucher
    assert (run.period, run.members, run.shares, run.amount) == (PERIOD, 3, 250, D("2500.00"))
    assert run.run_by == officer and run.finished_at is not None and run.seconds is not None
    entry = JournalEntry.objects.get()
    assert entry == run.journal_entry and entry.is_posted and entry.date == POSTED_ON
    assert entry.description == "รับชำระค่าหุ้นรายเดือน มีนาคม 2569"
    lines = {(line.account.code, line.debit, line.credit) for line in entry.lines.select_related("account")}
    assert lines == {("11131", D("2500.00"), D("0.00")), ("31000", D("0.00"), D("2500.00"))}
    rows = ShareTransaction.objects.order_by("account_id")
    assert [(t.account_id, t.shares, t.amount) for t in rows] == [
        (accounts[0].pk, 70, D("700.00")),
        (accounts[1].pk, 80, D("800.00")),
        (accounts[2].pk, 100, D("1000.00")),
    ]
    assert {(t.kind, t.channel, t.period, t.date, t.journal_entry_id) for t in rows} == {
        (TransactionKind.MONTHLY, Channel.PAYROLL, PERIOD, POSTED_ON, entry.pk)
    }
    assert _balances() == {
        accounts[0].pk: (570, D("5700.00")),
        accounts[1].pk: (80, D("800.00")),
        accounts[2].pk: (1300, D("13000.00")),
    }


def test_monthly_run_skips_members_who_owe_nothing_this_month(officer):
    # given: one member who owes, and one of each kind who does not
    due = _account(70)
    _account(90, suspension=Suspension.TEMPORARY, suspended_from=PERIOD, suspended_until=PERIOD)
    _account(90, suspension=Suspension.PERMANENT, suspended_from=dt.date(2025, 1, 1))
    resigned = _account(90)
    Member.objects.filter(pk=resigned.member_id).update(status=MemberStatus.RESIGNED)
    _account(90, joined_on=dt.date(2026, 4, 1))  # joins after the month
    _account(0)  # no monthly shares
    paid = _account(90)
    entry = voucher_record(dt.date(2026, 3, 10), "900.00", debit="cash")
    ShareTransaction.objects.create(account=paid, date=dt.date(2026, 3, 10), kind=TransactionKind.MONTHLY,
                                    period=PERIOD, shares=90, amount=D("900.00"), journal_entry=entry)  # fmt: skip
    # a temporary suspension of another month, and one starting later, do not excuse this month
    other_month = _account(10, suspension=Suspension.TEMPORARY, suspended_from=dt.date(2026, 2, 1),
                           suspended_until=dt.date(2026, 2, 1))  # fmt: skip
    later = _account(10, suspension=Suspension.PERMANENT, suspended_from=dt.date(2026, 4, 1))

    # when
    run = monthly_contributions_run(period=PERIOD, posted_on=POSTED_ON, by=officer)

    # then
    assert (run.members, run.shares, run.amount) == (3, 90, D("900.00"))
    posted = ShareTransaction.objects.filter(journal_entry=run.journal_entry)
    assert set(posted.values_list("account_id", flat=True)) == {due.pk, other_month.pk, later.pk}
    assert ShareTransaction.objects.filter(account=paid).count() == 1


def test_monthly_run_uses_a_change_in_force_from_the_month_and_not_a_later_one(officer):
    # given: the account already shows 120, recorded from this month (pending until now)
    raised = _account(120)
    MonthlyContributionChange.objects.create(account=raised, effective_month=PERIOD, from_shares=70, to_shares=120,
                                             reason=MonthlyChangeReason.MEMBER_REQUEST)  # fmt: skip
    # and one whose raise starts next month pays the old figure this month
    raising_later = _account(150)
    MonthlyContributionChange.objects.create(account=raising_later, effective_month=dt.date(2026, 4, 1),
                                             from_shares=60, to_shares=150, reason=MonthlyChangeReason.MEMBER_REQUEST)  # fmt: skip

    # when
    run = monthly_contributions_run(period=PERIOD, posted_on=POSTED_ON, by=officer)

    # then
    paid = dict(ShareTransaction.objects.values_list("account_id", "shares"))
    assert paid == {raised.pk: 120, raising_later.pk: 60}
    assert run.amount == D("1800.00")


def test_running_the_same_month_twice_posts_once(officer):
    # given
    _account(70)
    first = monthly_contributions_run(period=PERIOD, posted_on=POSTED_ON, by=officer)
    _account(80)  # joins the coop's records after the run: next month's run takes them

    # when
    second = monthly_contributions_run(period=PERIOD, posted_on=dt.date(2026, 3, 30), by=officer)

    # then
    assert second.pk == first.pk and second.amount == D("700.00")
    assert MonthlyRun.objects.count() == 1
    assert JournalEntry.objects.count() == 1
    assert ShareTransaction.objects.count() == 1
    assert ShareAccount.objects.aggregate(s=Sum("balance_shares"))["s"] == 70


def test_a_closed_period_is_refused_and_nothing_is_written(officer, accountant):
    # given: March 2569 closed (periods close in order)
    _account(70, balance=100)
    year = fiscal_year_ensure(on=PERIOD)
    for period in year.periods.order_by("number")[:3]:
        fiscal_period_close(period=period, closed_by=accountant)
    before = _balances()

    # when / then
    with pytest.raises(ShareError, match="ปิดงวดแล้ว"):
        monthly_contributions_run(period=PERIOD, posted_on=POSTED_ON, by=officer)
    assert not MonthlyRun.objects.exists()
    assert not ShareTransaction.objects.exists()
    assert not JournalEntry.objects.exists()
    assert _balances() == before


def test_a_month_with_nobody_due_leaves_a_run_record_without_voucher(officer):
    # when
    run = monthly_contributions_run(period=PERIOD, posted_on=POSTED_ON, by=officer)

    # then
    assert (run.members, run.shares, run.amount, run.journal_entry) == (0, 0, D("0.00"), None)
    assert not JournalLine.objects.exists()


# ======== The 1/5 holding cap (s.33(3)) in the monthly run ========


def test_monthly_run_leaves_out_a_member_the_cap_refuses_and_lists_them(officer):
    # given: five members hold 1,000 shares and owe 10 a month; one more holds 1,000 and owes 300
    others = [_account(10, balance=1000) for _ in range(5)]
    big = _account(300, balance=1000)

    # when: after the run 6,350 shares would be paid up; the big one would hold 1,300 (20.47%)
    run = monthly_contributions_run(period=PERIOD, posted_on=POSTED_ON, by=officer)

    # then: the others post (50 shares); the big one is not collected, and is listed with the figures
    assert (run.members, run.shares, run.amount) == (5, 50, D("500.00"))
    assert set(ShareTransaction.objects.values_list("account_id", flat=True)) == {a.pk for a in others}
    assert _balances()[big.pk] == (1000, D("10000.00"))
    [row] = run.over_cap
    assert (row["member_id"], row["number"], row["shares"]) == (big.member_id, big.member.number, 300)
    assert row["check"]["passed"] is False
    assert row["check"]["message"] == "เกินเพดานการถือหุ้นของสมาชิกหนึ่งคน"
    assert row["check"]["figure"] == (
        "หลังรายการถือ 1,300 หุ้น จากหุ้นทั้งหมด 6,350 หุ้น = ร้อยละ 20.47 (ถือได้ไม่เกิน 1,270 หุ้น)"
    )
    assert MonthlyRun.objects.get(pk=run.pk).over_cap == run.over_cap


def test_monthly_run_checks_again_when_leaving_one_out_pushes_another_over(officer):
    # given: four holders of 1,000 (one owes 10 a month); A holds 1,000 and owes 500; B holds 1,200 and owes 100
    small = _account(10, balance=1000)
    for _ in range(3):
        _account(0, balance=1000)
    a = _account(500, balance=1000)
    b = _account(100, balance=1200)

    # when
    run = monthly_contributions_run(period=PERIOD, posted_on=POSTED_ON, by=officer)

    # then: with everyone, 6,810 shares: A's 1,500 is over (B's 1,300 is 19.09%); without A, 6,310
    # shares: B's 1,300 is over; without both, 6,010: the small one's 1,010 is within
    assert (run.members, run.shares) == (1, 10)
    assert list(ShareTransaction.objects.values_list("account_id", flat=True)) == [small.pk]
    assert sorted((r["member_id"], r["check"]["figure"]) for r in run.over_cap) == sorted(
        [
            (a.member_id, "หลังรายการถือ 1,500 หุ้น จากหุ้นทั้งหมด 6,810 หุ้น = ร้อยละ 22.03 (ถือได้ไม่เกิน 1,362 หุ้น)"),
            (b.member_id, "หลังรายการถือ 1,300 หุ้น จากหุ้นทั้งหมด 6,310 หุ้น = ร้อยละ 20.60 (ถือได้ไม่เกิน 1,262 หุ้น)"),
        ]
    )
    assert [r["number"] for r in run.over_cap] == sorted(r["number"] for r in run.over_cap)


@pytest.mark.parametrize(("min_holders", "posted", "left_out"), [(5, 130, 0), (4, 30, 1)])
def test_monthly_run_caps_from_the_rules_number_of_holders(officer, min_holders, posted, left_out):
    # given: one member holds 1,000 and owes 100; three without shares yet owe 10 each, so four
    # hold shares after the run (1,130 shares: the first would hold 1,100, 97.35%)
    share_rules(effective_from=dt.date(2020, 1, 1), holding_cap_min_holders=min_holders)
    first = _account(100, balance=1000)
    for _ in range(3):
        _account(10)

    # when
    run = monthly_contributions_run(period=PERIOD, posted_on=POSTED_ON, by=officer)

    # then: 4 holders is below 5 (not capped) and at 4 (capped)
    assert (run.shares, len(run.over_cap)) == (posted, left_out)
    if left_out:
        assert run.over_cap[0]["member_id"] == first.member_id
        assert run.over_cap[0]["check"]["figure"] == (
            "หลังรายการถือ 1,100 หุ้น จากหุ้นทั้งหมด 1,130 หุ้น = ร้อยละ 97.35 (ถือได้ไม่เกิน 226 หุ้น)"
        )


def test_members_below_minimum_lists_exactly_those_under_a_raised_bracket():
    # given: from June 2569 the 15,001–16,000 bracket rises from 75 to 90 shares and the top from 100 to 120
    raised = [(edge, D(90) if edge == D(16000) else value) for edge, value in DEFAULT_BRACKETS[:-1]]
    share_rules(effective_from=dt.date(2026, 6, 1), brackets=[*raised, (None, D(120))])
    at_75 = _account(75, salary="15500.00")
    _account(95, salary="15500.00")  # already above the new minimum
    at_100 = _account(100, salary="30000.00")
    _account(70, salary="15000.00")  # bracket ≤ 15,000 unchanged at 70
    resigned = _account(10, salary="30000.00")
    Member.objects.filter(pk=resigned.member_id).update(status=MemberStatus.RESIGNED)
    _account(0, salary="30000.00", suspension=Suspension.PERMANENT, suspended_from=dt.date(2025, 1, 1))
    # a raise already recorded from July counts from July, not in June
    pending = _account(120, salary="30000.00")
    MonthlyContributionChange.objects.create(account=pending, effective_month=dt.date(2026, 7, 1), from_shares=100,
                                             to_shares=120, reason=MonthlyChangeReason.RULE_CHANGE)  # fmt: skip

    # when
    before = members_below_minimum(on=dt.date(2026, 5, 31))
    after = members_below_minimum(on=dt.date(2026, 6, 1))

    # then: nobody is below under the old table, three under the new one
    assert before == []
    assert [(r["member_id"], r["monthly_shares"], r["min_shares"], r["shortfall_shares"]) for r in after] == [
        (at_75.member_id, 75, 90, 15),
        (at_100.member_id, 100, 120, 20),
        (pending.member_id, 100, 120, 20),
    ]
    row = after[0]
    assert row["salary"] == D("15500.00") and row["shortfall_amount"] == D("150.00")
    assert row["number"] == at_75.member.number and row["name"] == at_75.member.full_name
    assert row["unit_code"] == at_75.member.unit.code


# ======== Month by month, never ahead (issue 11) ========


def test_a_month_not_yet_ended_is_refused_and_nothing_is_written(officer):
    # given: the reproduction's `shares monthly-run --period 2027-06`, kept ahead of today
    from sahakorn.core.dates import latest_batch_date
    from sahakorn.core.months import add_months, month_end, month_start
    from sahakorn.core.thai import format_be_date

    _account(70)
    ahead = add_months(month_start(latest_batch_date()), 1)

    # when / then
    with pytest.raises(ShareError) as refused:
        monthly_contributions_run(period=ahead, posted_on=month_end(ahead), by=officer)
    assert refused.value.message == (
        f"การประมวลผลหุ้นรายเดือน งวด {format_be_date(month_end(ahead))} ยังไม่ถึงกำหนด: "
        f"ประมวลผลได้ไม่เกิน 3 วันก่อนสิ้นเดือน (ถึงวันที่ {format_be_date(latest_batch_date())})"
    )
    assert refused.value.field == "period"
    assert not MonthlyRun.objects.exists() and not JournalEntry.objects.exists()
    assert not ShareTransaction.objects.exists()


def test_months_run_in_order_without_gaps(officer):
    # given: March run
    _account(70)
    march = monthly_contributions_run(period=PERIOD, posted_on=POSTED_ON, by=officer)

    # when / then: May before April, and February after March, are refused; March again is the run
    with pytest.raises(ShareError) as gap:
        monthly_contributions_run(period=dt.date(2026, 5, 1), posted_on=dt.date(2026, 5, 31), by=officer)
    assert gap.value.message == (
        "การประมวลผลหุ้นรายเดือน งวด 31 พ.ค. 2569 ไม่ได้: ต้องประมวลผลงวด 30 เม.ย. 2569 ก่อน (งวดต้องต่อเนื่องไม่เว้นเดือน)"
    )
    with pytest.raises(ShareError, match="ประมวลผลงวด 31 มี.ค. 2569 ไปแล้ว งวดต้องประมวลผลตามลำดับ"):
        monthly_contributions_run(period=dt.date(2026, 2, 1), posted_on=dt.date(2026, 3, 31), by=officer)
    assert monthly_contributions_run(period=PERIOD, posted_on=POSTED_ON, by=officer) == march
    assert (
        monthly_contributions_run(
            period=dt.date(2026, 4, 1), posted_on=dt.date(2026, 4, 30), by=officer
        ).members
        == 1
    )
