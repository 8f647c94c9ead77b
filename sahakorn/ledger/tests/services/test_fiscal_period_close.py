import datetime as dt

import pytest

from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import FiscalPeriod, JournalEntry
from sahakorn.ledger.services import fiscal_period_close, fiscal_year_ensure, journal_entry_post
from sahakorn.ledger.tests.factories import draft_create, voucher_record


def _period(year, number: int) -> FiscalPeriod:
    return year.periods.get(number=number)


def test_closing_a_period_records_who_and_when(accountant):
    # given
    year = fiscal_year_ensure(on=dt.date(2026, 1, 15))

    # when
    closed = fiscal_period_close(period=_period(year, 1), closed_by=accountant)

    # then
    closed.refresh_from_db()
    assert closed.is_closed and closed.closed_by == accountant


def test_periods_close_in_order(accountant):
    # given
    year = fiscal_year_ensure(on=dt.date(2026, 1, 15))

    # when / then
    with pytest.raises(LedgerError, match="ต้องปิดงวด 1/2569"):
        fiscal_period_close(period=_period(year, 2), closed_by=accountant)
    assert not _period(year, 2).is_closed


def test_closing_twice_is_refused(accountant):
    year = fiscal_year_ensure(on=dt.date(2026, 1, 15))
    fiscal_period_close(period=_period(year, 1), closed_by=accountant)
    with pytest.raises(LedgerError, match="ปิดไปแล้ว"):
        fiscal_period_close(period=_period(year, 1), closed_by=accountant)


def test_a_period_with_drafts_cannot_close(accountant):
    # given
    draft_create(dt.date(2026, 1, 31), [("cash", "5.00", "0"), ("reserve_fund", "0", "5.00")])
    year = fiscal_year_ensure(on=dt.date(2026, 1, 1))

    # when / then
    with pytest.raises(LedgerError, match="ร่าง 1 ฉบับ"):
        fiscal_period_close(period=_period(year, 1), closed_by=accountant)


def test_closed_period_refuses_posting_and_new_drafts_but_next_period_is_open(accountant):
    # given
    voucher_record(dt.date(2026, 1, 10), "100.00")
    year = fiscal_year_ensure(on=dt.date(2026, 1, 1))
    fiscal_period_close(period=_period(year, 1), closed_by=accountant)

    # when / then
    with pytest.raises(LedgerError, match="งวด 1/2569 .*ปิดงวดแล้ว"):
        voucher_record(dt.date(2026, 1, 31), "50.00")
    assert JournalEntry.objects.count() == 1
    assert voucher_record(dt.date(2026, 2, 1), "50.00").voucher_label == "JV2569-000002"


def test_a_draft_whose_period_closed_meanwhile_cannot_post(accountant):
    # given: January closed behind the services' back (they refuse to close a period holding drafts)
    draft = draft_create(dt.date(2026, 1, 20), [("cash", "5.00", "0"), ("reserve_fund", "0", "5.00")])
    FiscalPeriod.objects.filter(pk=draft.period_id).update(closed_at=draft.created_at)

    # when / then
    with pytest.raises(LedgerError, match="ปิดงวดแล้ว"):
        journal_entry_post(entry=draft, posted_by=accountant)
