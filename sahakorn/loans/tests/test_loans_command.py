"""``sahakorn loans accrual-run``: a refused period is one line on stderr and a non-zero exit."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sahakorn.core.dates import latest_batch_date
from sahakorn.core.months import add_months, month_end
from sahakorn.core.thai import format_be_date
from sahakorn.loans.management.commands.loans import Command
from sahakorn.loans.models import AccrualRun

pytestmark = pytest.mark.django_db


def _month_end_ahead() -> dt.date:
    end = month_end(latest_batch_date())
    return end if end > latest_batch_date() else month_end(add_months(end.replace(day=1), 1))


def _from_command_line(monkeypatch, *args) -> tuple[int, str, str]:
    """Run as ``sahakorn loans …`` does (``run_from_argv``): exit status, stdout, stderr."""
    # run_from_argv closes every connection at the end; the test's transaction must stay open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exited:
        Command(stdout=out, stderr=err).run_from_argv(["sahakorn", "loans", *args])
    return exited.value.code, out.getvalue(), err.getvalue()


def test_an_accrual_run_ahead_exits_non_zero_with_one_line_and_no_traceback(monkeypatch):
    # given: the reproduction's --period-end 2027-06-30, kept ahead of today
    ahead = _month_end_ahead()

    # when
    status, out, err = _from_command_line(monkeypatch, "accrual-run", "--period-end", ahead.isoformat())

    # then
    assert status == 1 and out == ""
    assert err == (
        f"CommandError: การตั้งดอกเบี้ยเงินกู้ค้างรับ งวด {format_be_date(ahead)} ยังไม่ถึงกำหนด: "
        f"ประมวลผลได้ไม่เกิน 3 วันก่อนสิ้นเดือน (ถึงวันที่ {format_be_date(latest_batch_date())})\n"
    )
    assert not AccrualRun.objects.exists()


def test_an_accrual_run_on_a_day_that_is_not_a_month_end_is_refused():
    with pytest.raises(CommandError) as refused:
        call_command("loans", "accrual-run", "--period-end", "2026-01-15", stdout=StringIO())
    assert str(refused.value) == (
        "การตั้งดอกเบี้ยเงินกู้ค้างรับ ต้องลงวันสิ้นเดือน (15 ม.ค. 2569 ไม่ใช่วันสิ้นเดือน เช่น 31 ม.ค. 2569)"
    )
    assert not AccrualRun.objects.exists()
