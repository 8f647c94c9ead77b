import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.ledger.selectors import account_balance, trial_balance
from sahakorn.ledger.services import Line, fiscal_period_close, journal_entry_record, journal_entry_reverse
from sahakorn.ledger.tests.factories import draft_create, voucher_record


@pytest.fixture
def loan_paid_out(accountant):
    """Dr ลูกหนี้เงินกู้สามัญ 50,000.00 / Cr เงินสด 49,900.00, Cr ค่าธรรมเนียมอื่น 100.00."""
    return journal_entry_record(
        date=dt.date(2026, 4, 10),
        description="จ่ายเงินกู้สามัญ",
        source=EntrySource.LOANS,  # a loans voucher: its reversal passes the control-account guard
        lines=[
            Line(account="loan_ordinary", debit=D("50000.00"), memo="สัญญา ส.001/2569"),
            Line(account="cash", credit=D("49900.00")),
            Line(account="other_fee_income", credit=D("100.00")),
        ],
        created_by=accountant,
    )


def test_reversal_posts_swapped_lines_and_points_at_the_original(accountant, loan_paid_out):
    # when
    reversal = journal_entry_reverse(
        entry=loan_paid_out, date=dt.date(2026, 4, 12), reason="จ่ายผิดสัญญา", reversed_by=accountant
    )

    # then
    reversal.refresh_from_db()
    assert reversal.voucher_label == "JV2569-000002"
    assert reversal.source == EntrySource.REVERSAL
    assert reversal.reverses == loan_paid_out
    assert loan_paid_out.reversed_by == reversal
    assert reversal.description == "กลับรายการ JV2569-000001: จ่ายผิดสัญญา"
    assert [
        (line.account.code, line.debit, line.credit, line.memo) for line in reversal.lines.order_by("id")
    ] == [
        ("11533", D("0.00"), D("50000.00"), "สัญญา ส.001/2569"),
        ("11110", D("49900.00"), D("0.00"), ""),
        ("42060", D("100.00"), D("0.00"), ""),
    ]


def test_reversal_brings_the_trial_balance_back_to_zero(accountant, loan_paid_out):
    # given
    before = trial_balance(as_of=dt.date(2026, 4, 30))
    assert before.total_debit == before.total_credit == D("50000.00")

    # when
    journal_entry_reverse(entry=loan_paid_out, date=dt.date(2026, 4, 12), reason="ผิด", reversed_by=accountant)

    # then
    after = trial_balance(as_of=dt.date(2026, 4, 30))
    assert after.total_debit == after.total_credit == D("0.00")
    assert all(row.debit_balance == row.credit_balance == D("0.00") for row in after.rows)
    assert account_balance(account="cash", as_of=dt.date(2026, 4, 30)) == D("0.00")
    # the reversal date decides when the figures return: on 11 April they still stand
    assert account_balance(account="loan_ordinary", as_of=dt.date(2026, 4, 11)) == D("50000.00")


def test_second_reversal_is_refused(accountant, loan_paid_out):
    # given
    journal_entry_reverse(entry=loan_paid_out, date=dt.date(2026, 4, 12), reason="ผิด", reversed_by=accountant)

    # when / then
    with pytest.raises(LedgerError, match="JV2569-000001 ถูกกลับรายการแล้วโดย JV2569-000002"):
        journal_entry_reverse(
            entry=loan_paid_out, date=dt.date(2026, 4, 13), reason="อีกครั้ง", reversed_by=accountant
        )
    assert JournalEntry.objects.count() == 2


def test_reversal_of_a_reversal_is_refused(accountant, loan_paid_out):
    # given
    reversal = journal_entry_reverse(
        entry=loan_paid_out, date=dt.date(2026, 4, 12), reason="ผิด", reversed_by=accountant
    )

    # when / then
    with pytest.raises(LedgerError, match="กลับรายการซ้ำไม่ได้"):
        journal_entry_reverse(
            entry=reversal, date=dt.date(2026, 4, 13), reason="ผิดอีก", reversed_by=accountant
        )


def test_draft_cannot_be_reversed(accountant):
    # given
    draft = draft_create(dt.date(2026, 4, 1), [("cash", "1.00", "0"), ("reserve_fund", "0", "1.00")])

    # when / then
    with pytest.raises(LedgerError, match="ร่าง"):
        journal_entry_reverse(entry=draft, date=dt.date(2026, 4, 2), reason="x", reversed_by=accountant)


def test_reversal_needs_a_reason_and_a_date_not_before_the_original(accountant, loan_paid_out):
    with pytest.raises(LedgerError, match="เหตุผล"):
        journal_entry_reverse(
            entry=loan_paid_out, date=dt.date(2026, 4, 12), reason="  ", reversed_by=accountant
        )
    with pytest.raises(LedgerError, match="ต้องไม่ก่อนวันที่"):
        journal_entry_reverse(
            entry=loan_paid_out, date=dt.date(2026, 4, 9), reason="x", reversed_by=accountant
        )
    assert JournalEntry.objects.count() == 1


def test_reversal_into_a_closed_period_is_refused_but_a_later_date_works(accountant):
    # given: a March voucher, and March closed (after January and February)
    march = voucher_record(dt.date(2026, 3, 20), "700.00")
    for period in march.fiscal_year.periods.order_by("number")[:3]:
        fiscal_period_close(period=period, closed_by=accountant)

    # when / then
    with pytest.raises(LedgerError, match="ปิดงวดแล้ว"):
        journal_entry_reverse(entry=march, date=dt.date(2026, 3, 31), reason="ผิด", reversed_by=accountant)
    assert JournalEntry.objects.count() == 1

    reversal = journal_entry_reverse(
        entry=march, date=dt.date(2026, 4, 1), reason="ผิด", reversed_by=accountant
    )
    assert (reversal.voucher_label, reversal.period.number) == ("JV2569-000002", 4)
