import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import EntrySource, EntryStatus, FiscalYear, JournalEntry, JournalLine
from sahakorn.ledger.selectors import account_balance, trial_balance, unbalanced_entries
from sahakorn.ledger.services import (
    EntrySpec,
    Line,
    fiscal_period_close,
    fiscal_year_ensure,
    journal_entries_post_bulk,
)
from sahakorn.ledger.tests.factories import voucher_record


def _share_purchase(on: dt.date, amount: str, n: int) -> EntrySpec:
    return EntrySpec(
        date=on,
        description=f"ซื้อหุ้นรายเดือน #{n}",
        lines=[Line(account="bank", debit=D(amount)), Line(account="reserve_fund", credit=D(amount))],
        source=EntrySource.BILLING,
    )


def test_bulk_posting_numbers_vouchers_contiguously_after_existing_ones_per_year(accountant):
    # given: JV2568-000001 already posted
    voucher_record(dt.date(2025, 1, 5), "10.00")
    specs = [
        _share_purchase(dt.date(2026, 1, 31), "300.00", 1),
        _share_purchase(dt.date(2025, 12, 31), "200.00", 2),
        _share_purchase(dt.date(2025, 11, 30), "100.00", 3),
        _share_purchase(dt.date(2026, 1, 31), "400.00", 4),
    ]

    # when
    count = journal_entries_post_bulk(entries=specs, posted_by=accountant)

    # then: numbers follow the dates within each year, input order within a date
    assert count == 4
    posted = JournalEntry.objects.filter(source=EntrySource.BILLING).select_related("fiscal_year")
    by_description = {e.description: e.voucher_label for e in posted}
    assert by_description == {
        "ซื้อหุ้นรายเดือน #3": "JV2568-000002",
        "ซื้อหุ้นรายเดือน #2": "JV2568-000003",
        "ซื้อหุ้นรายเดือน #1": "JV2569-000001",
        "ซื้อหุ้นรายเดือน #4": "JV2569-000002",
    }
    assert dict(FiscalYear.objects.values_list("year_be", "last_voucher_no")) == {2568: 3, 2569: 2}
    assert all(e.status == EntryStatus.POSTED and e.posted_by == accountant for e in posted)
    assert account_balance(account="reserve_fund") == D("1010.00")
    assert account_balance(account="bank", as_of=dt.date(2025, 12, 31)) == D("300.00")


def test_bulk_posting_a_thousand_vouchers_keeps_totals_exact(accountant):
    # given: 1,000 three-line vouchers of 0.01 … 10.00 baht plus a 0.33 fee each
    specs = [
        EntrySpec(
            date=dt.date(2025, 1 + n % 12, 1 + n % 28),
            description=f"ชำระเงินกู้ {n}",
            lines=[
                Line(account="bank", debit=D(n) / 100 + D("0.33")),
                Line(account="loan_ordinary", credit=D(n) / 100),
                Line(account="other_fee_income", credit=D("0.33")),
            ],
            source=EntrySource.LOANS,
        )
        for n in range(1, 1001)
    ]

    # when
    journal_entries_post_bulk(entries=specs)

    # then: Σ n/100 for n=1..1000 = 5,005.00; fees 330.00
    assert sorted(JournalEntry.objects.values_list("voucher_no", flat=True)) == list(range(1, 1001))
    assert JournalLine.objects.count() == 3000
    report = trial_balance(as_of=dt.date(2025, 12, 31))
    assert report.total_debit == report.total_credit == D("5335.00")
    assert account_balance(account="loan_ordinary") == D("-5005.00")
    assert account_balance(account="other_fee_income") == D("330.00")
    assert unbalanced_entries() == []


def test_one_unbalanced_voucher_refuses_the_whole_batch(accountant):
    # given
    fiscal_year_ensure(on=dt.date(2026, 1, 1))
    specs = [
        _share_purchase(dt.date(2026, 1, 31), "100.00", 1),
        EntrySpec(
            date=dt.date(2026, 1, 31),
            description="ผิด",
            lines=[
                Line(account="bank", debit=D("100.00")),
                Line(account="reserve_fund", credit=D("100.01")),
            ],
        ),
    ]

    # when / then
    with pytest.raises(LedgerError, match="ลำดับที่ 2 .*เดบิตรวม 100.00 บาท แต่เครดิตรวม 100.01 บาท"):
        journal_entries_post_bulk(entries=specs)
    assert JournalEntry.objects.count() == 0
    assert FiscalYear.objects.get().last_voucher_no == 0


def test_bulk_posting_into_a_closed_period_refuses_the_whole_batch(accountant):
    # given
    year = fiscal_year_ensure(on=dt.date(2026, 1, 1))
    fiscal_period_close(period=year.periods.get(number=1), closed_by=accountant)

    # when / then
    with pytest.raises(LedgerError, match="ลำดับที่ 2 .*ปิดงวดแล้ว"):
        journal_entries_post_bulk(
            entries=[
                _share_purchase(dt.date(2026, 2, 1), "1.00", 1),
                _share_purchase(dt.date(2026, 1, 31), "1.00", 2),
            ]
        )
    assert JournalEntry.objects.count() == 0
    assert FiscalYear.objects.get().last_voucher_no == 0


def test_bulk_posting_to_a_header_account_is_refused(db):
    with pytest.raises(LedgerError, match="บัญชีคุม"):
        journal_entries_post_bulk(
            entries=[
                EntrySpec(
                    date=dt.date(2026, 1, 1),
                    description="x",
                    lines=[Line(account="11100", debit=D("1.00")), Line(account="cash", credit=D("1.00"))],
                )
            ]
        )
    assert JournalEntry.objects.count() == 0


def test_empty_batch_posts_nothing(db):
    assert journal_entries_post_bulk(entries=[]) == 0
