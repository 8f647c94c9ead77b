"""What date a voucher may carry (issue 11): not after ``core.dates.latest_batch_date``, and fiscal years
kept contiguous whatever the date; back-dating goes into open periods only."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.core.dates import latest_batch_date, today
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import EntrySource, FiscalPeriod, FiscalYear, JournalEntry
from sahakorn.ledger.services import (
    EntrySpec,
    Line,
    fiscal_period_close,
    fiscal_year_ensure,
    fiscal_year_open_next,
    journal_entries_post_bulk,
    journal_entry_create,
    journal_entry_reverse,
)
from sahakorn.ledger.tests.factories import voucher_record

LINES = [Line(account="cash", debit=D("100.00")), Line(account="reserve_fund", credit=D("100.00"))]


def _years() -> list[int]:
    return list(FiscalYear.objects.order_by("year_be").values_list("year_be", flat=True))


def test_a_manual_voucher_dated_years_ahead_is_refused_and_opens_no_year(accountant):
    # given: the books' current year; the reproduction's voucher dated 2575
    voucher_record(today(), "10.00")
    ahead = today().replace(year=today().year + 6, day=15)

    # when / then
    with pytest.raises(LedgerError) as refused:
        journal_entry_create(date=ahead, description="พิมพ์ปีผิด", lines=LINES, created_by=accountant)
    assert refused.value.message == (
        f"ใบสำคัญ ลงวันที่ {format_be_date(ahead)} ล่วงหน้าเกินกำหนด: ลงวันที่ได้ไม่เกิน "
        f"{format_be_date(latest_batch_date())} (ล่วงหน้าได้ 3 วันสำหรับงานสิ้นเดือน)"
    )
    assert refused.value.field == "date"
    assert _years() == [today().year + 543] and JournalEntry.objects.count() == 1


def test_a_voucher_up_to_the_month_end_allowance_is_taken(accountant):
    entry = voucher_record(latest_batch_date(), "10.00", by=accountant)
    assert entry.is_posted and entry.date == latest_batch_date()


def test_a_reversal_dated_ahead_is_refused(accountant):
    entry = voucher_record(today(), "10.00", by=accountant)
    with pytest.raises(LedgerError, match="ล่วงหน้าเกินกำหนด"):
        journal_entry_reverse(
            entry=entry,
            date=latest_batch_date() + dt.timedelta(days=1),
            reason="ทดสอบ",
            reversed_by=accountant,
        )
    assert JournalEntry.objects.count() == 1


def test_a_bulk_batch_with_one_voucher_ahead_is_refused_whole(accountant):
    # given
    ahead = latest_batch_date() + dt.timedelta(days=1)
    specs = [
        EntrySpec(date=today(), description="ดอกเบี้ย ก", lines=LINES, source=EntrySource.BILLING),
        EntrySpec(date=ahead, description="ดอกเบี้ย ข", lines=LINES, source=EntrySource.BILLING),
    ]

    # when / then
    with pytest.raises(LedgerError) as refused:
        journal_entries_post_bulk(entries=specs, posted_by=accountant)
    assert refused.value.message == (
        f"ใบสำคัญ “ดอกเบี้ย ข” ลงวันที่ {format_be_date(ahead)} ล่วงหน้าเกินกำหนด: ลงวันที่ได้ไม่เกิน "
        f"{format_be_date(latest_batch_date())} (ล่วงหน้าได้ 3 วันสำหรับงานสิ้นเดือน)"
    )
    assert not JournalEntry.objects.exists() and not FiscalYear.objects.exists()


def test_a_year_more_than_one_before_the_earliest_is_refused_naming_the_missing_years(accountant):
    # given: the books start in 2569
    voucher_record(dt.date(2026, 3, 1), "10.00")

    # when / then: 1 May 2566 (a typo for 2569?) would leave 2567–2568 out
    with pytest.raises(LedgerError) as refused:
        voucher_record(dt.date(2023, 5, 1), "10.00")
    assert refused.value.message == (
        "เปิดปีบัญชี 2566 สำหรับวันที่ 1 พ.ค. 2566 ไม่ได้: ปีบัญชีต้องต่อเนื่องกัน "
        "และยังไม่ได้เปิดปีบัญชี 2567–2568 (ระหว่างปีบัญชี 2566 กับปีบัญชี 2569)"
    )
    assert _years() == [2569] and JournalEntry.objects.count() == 1


def test_the_year_right_before_the_earliest_opens(accountant):
    voucher_record(dt.date(2026, 3, 1), "10.00")
    voucher_record(dt.date(2025, 12, 31), "10.00")
    assert _years() == [2568, 2569]


def test_a_later_year_opens_the_years_between_so_none_is_missing(accountant):
    # given: books last used in 2566
    voucher_record(dt.date(2023, 3, 1), "10.00")

    # when
    voucher_record(dt.date(2026, 3, 1), "10.00")

    # then: 2567 and 2568 opened too, empty, each with its twelve periods
    assert _years() == [2566, 2567, 2568, 2569]
    assert FiscalPeriod.objects.filter(fiscal_year__year_be__in=[2567, 2568]).count() == 24
    assert fiscal_year_open_next().year_be == 2570


def test_a_bulk_batch_opens_its_years_in_order_whatever_the_order_of_its_vouchers(accountant):
    # given: the data generator's members' fees come in member order, not date order; none in 2567
    specs = [
        EntrySpec(
            date=dt.date(2026, 3, 1), description="ค่าธรรมเนียม ก", lines=LINES, source=EntrySource.MEMBERS
        ),
        EntrySpec(
            date=dt.date(2023, 3, 1), description="ค่าธรรมเนียม ข", lines=LINES, source=EntrySource.MEMBERS
        ),
        EntrySpec(
            date=dt.date(2025, 3, 1), description="ค่าธรรมเนียม ค", lines=LINES, source=EntrySource.MEMBERS
        ),
    ]

    # when
    journal_entries_post_bulk(entries=specs, posted_by=accountant)

    # then
    assert _years() == [2566, 2567, 2568, 2569]
    assert JournalEntry.objects.count() == 3


def test_back_dating_into_a_closed_period_is_refused_and_into_an_open_one_is_posted(accountant):
    # given: January closed
    year = fiscal_year_ensure(on=dt.date(2026, 1, 1))
    fiscal_period_close(period=year.periods.get(number=1), closed_by=accountant)

    # when / then
    with pytest.raises(LedgerError, match="ปิดงวดแล้ว"):
        voucher_record(dt.date(2026, 1, 20), "10.00", by=accountant)
    entry = voucher_record(dt.date(2026, 2, 3), "10.00", by=accountant)
    assert entry.is_posted and entry.period.number == 2
