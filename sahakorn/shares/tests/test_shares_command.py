import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sahakorn.ledger.services import fiscal_period_close, fiscal_year_ensure
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.shares.models import MonthlyRun, ShareAccount, ShareTransaction
from sahakorn.shares.tests.factories import DEFAULT_BRACKETS, share_rules

pytestmark = pytest.mark.django_db


def _account(monthly: int, *, salary: str = "25000.00") -> ShareAccount:
    member = MemberFactory(salary=D(salary), joined_on=dt.date(2015, 1, 1))
    return ShareAccount.objects.create(member=member, opened_on=member.joined_on, monthly_shares=monthly)


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("shares", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_monthly_run_posts_the_month_and_a_second_run_posts_nothing():
    # given
    _account(70)
    _account(80)

    # when
    first, _ = _run("monthly-run", "--period", "2026-03")
    second, _ = _run("monthly-run", "--period", "2026-03", "--posted-on", "2026-03-30")

    # then
    assert "สมาชิก 2 ราย 150 หุ้น 1,500.00 บาท" in first and "monthly run done" in first
    assert "already run, nothing posted" in second
    run = MonthlyRun.objects.get()
    assert run.posted_on == dt.date(2026, 3, 31)  # the month's last day by default
    assert ShareTransaction.objects.count() == 2


def test_monthly_run_reports_the_members_the_holding_cap_left_out():
    # given: five members hold 1,000 and owe 10 a month; one holds 1,000 and owes 300
    for _ in range(5):
        ShareAccount.objects.filter(pk=_account(10).pk).update(
            balance_shares=1000, balance_amount=D("10000.00")
        )
    big = _account(300)
    ShareAccount.objects.filter(pk=big.pk).update(balance_shares=1000, balance_amount=D("10000.00"))

    # when
    out, _ = _run("monthly-run", "--period", "2026-03")

    # then
    assert "สมาชิก 5 ราย 50 หุ้น 500.00 บาท" in out
    assert "ไม่เรียกเก็บ 1 ราย เพราะเกินเพดานการถือหุ้น" in out
    assert (
        f"{big.member.number} หุ้นรายเดือน 300 หุ้น: หลังรายการถือ 1,300 หุ้น จากหุ้นทั้งหมด 6,350 หุ้น "
        "= ร้อยละ 20.47 (ถือได้ไม่เกิน 1,270 หุ้น)"
    ) in out
    assert "[5/5]" in out


def test_monthly_run_into_a_closed_period_fails_with_the_reason(accountant):
    # given
    _account(70)
    year = fiscal_year_ensure(on=dt.date(2026, 1, 1))
    fiscal_period_close(period=year.periods.get(number=1), closed_by=accountant)

    # when / then
    with pytest.raises(CommandError, match="ปิดงวดแล้ว"):
        _run("monthly-run", "--period", "2026-01")
    assert not MonthlyRun.objects.exists()


def test_check_passes_after_a_run_and_fails_when_a_cached_balance_is_off():
    # given
    account = _account(70)
    _run("monthly-run", "--period", "2026-03")

    # when
    out, _ = _run("check")

    # then
    assert "ตรวจทุนเรือนหุ้นผ่าน / shares check OK" in out and "700.00" in out

    # given: a balance changed behind the services' back
    ShareAccount.objects.filter(pk=account.pk).update(balance_shares=71, balance_amount=D("710.00"))

    # when / then
    err = StringIO()
    with pytest.raises(CommandError, match="shares check FAILED"):
        call_command("shares", "check", stdout=StringIO(), stderr=err)
    assert account.member.number in err.getvalue()


def test_below_minimum_prints_the_members_under_the_new_table():
    # given: the top bracket rises to 120 shares from June 2569
    share_rules(effective_from=dt.date(2026, 6, 1), brackets=[*DEFAULT_BRACKETS[:-1], (None, D(120))])
    low = _account(100)
    _account(120)

    # when
    out, _ = _run("below-minimum", "--on", "2026-06-01")

    # then
    assert low.member.number in out
    assert "รวม 1 ราย ขาดรวม 200.00 บาท" in out


def test_bad_period_is_refused():
    with pytest.raises(CommandError, match="2026-13"):
        _run("monthly-run", "--period", "2026-13")


def test_a_month_ahead_is_refused_with_one_line_and_a_non_zero_exit(monkeypatch):
    # given: the reproduction's --period 2027-06, kept ahead of today
    from sahakorn.core.dates import latest_batch_date
    from sahakorn.core.months import add_months, month_end, month_start
    from sahakorn.core.thai import format_be_date
    from sahakorn.shares.management.commands.shares import Command

    _account(70)
    ahead = add_months(month_start(latest_batch_date()), 1)
    # run_from_argv (what `sahakorn shares …` runs) closes the connections; the test's transaction stays open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    out, err = StringIO(), StringIO()

    # when
    with pytest.raises(SystemExit) as exited:
        Command(stdout=out, stderr=err).run_from_argv(
            ["sahakorn", "shares", "monthly-run", "--period", f"{ahead:%Y-%m}"]
        )

    # then
    assert exited.value.code == 1
    assert err.getvalue() == (
        f"CommandError: การประมวลผลหุ้นรายเดือน งวด {format_be_date(month_end(ahead))} ยังไม่ถึงกำหนด: "
        f"ประมวลผลได้ไม่เกิน 3 วันก่อนสิ้นเดือน (ถึงวันที่ {format_be_date(latest_batch_date())})\n"
    )
    assert not MonthlyRun.objects.exists() and not ShareTransaction.objects.exists()
