import datetime as dt

import pytest

from sahakorn.core.models import CoopProfile
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import FiscalYear
from sahakorn.ledger.services import fiscal_year_ensure, fiscal_year_open_next
from sahakorn.ledger.tests.factories import voucher_record


def test_calendar_fiscal_year_is_named_by_its_be_year_with_twelve_periods(db):
    # when
    year = fiscal_year_ensure(on=dt.date(2026, 11, 22))

    # then
    assert (year.year_be, year.start_date, year.end_date) == (
        2569,
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
    )
    periods = list(year.periods.order_by("number"))
    assert [p.number for p in periods] == list(range(1, 13))
    assert (periods[1].start_date, periods[1].end_date) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert periods[-1].end_date == dt.date(2026, 12, 31)


def test_ensure_is_idempotent(db):
    # when
    first = fiscal_year_ensure(on=dt.date(2026, 1, 1))
    again = fiscal_year_ensure(on=dt.date(2026, 12, 31))

    # then
    assert first.pk == again.pk and FiscalYear.objects.count() == 1


def test_october_start_puts_1_october_2026_in_fiscal_year_2570(coop_october):
    # when
    year = fiscal_year_ensure(on=dt.date(2026, 10, 1))
    previous = fiscal_year_ensure(on=dt.date(2026, 9, 30))

    # then: named by the B.E. year of its end date, 30 Sep 2027
    assert (year.year_be, year.start_date, year.end_date) == (
        2570,
        dt.date(2026, 10, 1),
        dt.date(2027, 9, 30),
    )
    assert (previous.year_be, previous.start_date, previous.end_date) == (
        2569,
        dt.date(2025, 10, 1),
        dt.date(2026, 9, 30),
    )
    first, last = year.periods.order_by("number")[0], year.periods.order_by("number")[11]
    assert (first.number, first.start_date, last.end_date) == (1, dt.date(2026, 10, 1), dt.date(2027, 9, 30))


def test_october_start_vouchers_restart_numbering_on_1_october(coop_october):
    # when
    september = voucher_record(dt.date(2026, 9, 30), "10.00")
    october = voucher_record(dt.date(2026, 10, 1), "20.00")
    next_day = voucher_record(dt.date(2026, 10, 2), "30.00")

    # then
    assert [e.voucher_label for e in (september, october, next_day)] == [
        "JV2569-000001",
        "JV2570-000001",
        "JV2570-000002",
    ]
    assert october.period.number == 1


def test_changing_the_start_month_never_recuts_an_existing_year(db):
    # given
    fiscal_year_ensure(on=dt.date(2026, 6, 1))  # calendar 2026
    CoopProfile.objects.create(name_th="สหกรณ์", fiscal_year_start_month=10)

    # when / then: Oct 2026 is still in calendar 2026; Jan 2027 would start Oct 2026 → overlap
    assert fiscal_year_ensure(on=dt.date(2026, 10, 5)).year_be == 2569
    with pytest.raises(LedgerError, match="ทับกับ"):
        fiscal_year_ensure(on=dt.date(2027, 1, 5))


def test_open_next_follows_the_latest_year(db):
    # given
    fiscal_year_ensure(on=dt.date(2026, 3, 1))

    # when
    following = fiscal_year_open_next()

    # then
    assert (following.year_be, following.start_date) == (2570, dt.date(2027, 1, 1))
