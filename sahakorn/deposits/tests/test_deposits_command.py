"""``sahakorn deposits interest-run``: a period not yet ended is one line on stderr and a non-zero exit."""

import datetime as dt
from io import StringIO

import pytest

from sahakorn.core.dates import latest_batch_date
from sahakorn.core.months import add_months, month_end
from sahakorn.core.thai import format_be_date
from sahakorn.deposits.management.commands.deposits import Command
from sahakorn.deposits.models import InterestRun
from sahakorn.deposits.tests.factories import account_open

pytestmark = pytest.mark.django_db


def test_an_interest_run_ahead_exits_non_zero_with_one_line(savings, monkeypatch):
    # given: the first half-year end after the month-end allowance
    account_open(product=savings, amount="1000", on=dt.date(2025, 1, 1))
    ahead = month_end(latest_batch_date())
    while ahead <= latest_batch_date() or ahead.month not in (6, 12):
        ahead = month_end(add_months(ahead.replace(day=1), 1))
    # run_from_argv (what `sahakorn deposits …` runs) closes the connections; the test's transaction stays open.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    out, err = StringIO(), StringIO()

    # when
    with pytest.raises(SystemExit) as exited:
        Command(stdout=out, stderr=err).run_from_argv(
            ["sahakorn", "deposits", "interest-run", "--product", "10", "--period-end", ahead.isoformat()]
        )

    # then
    assert exited.value.code == 1
    assert err.getvalue() == (
        f"CommandError: การประมวลผลดอกเบี้ยเงินฝาก งวด {format_be_date(ahead)} ยังไม่ถึงกำหนด: "
        f"ประมวลผลได้ไม่เกิน 3 วันก่อนสิ้นเดือน (ถึงวันที่ {format_be_date(latest_batch_date())})\n"
    )
    assert not InterestRun.objects.exists()
