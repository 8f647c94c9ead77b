import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import Account, EntrySource, EntryStatus, FiscalYear, JournalEntry, JournalLine
from sahakorn.ledger.services import Line, journal_entry_create, journal_entry_post, journal_entry_record
from sahakorn.ledger.tests.factories import draft_create, voucher_record


def test_posting_a_balanced_draft_numbers_it_and_marks_it_posted(accountant):
    # given
    draft = draft_create(dt.date(2026, 3, 15), [("cash", "1500.00", "0"), ("reserve_fund", "0", "1500.00")])
    assert draft.voucher_no is None and draft.voucher_label == "ร่าง"

    # when
    posted = journal_entry_post(entry=draft, posted_by=accountant)

    # then
    posted.refresh_from_db()
    assert posted.status == EntryStatus.POSTED
    assert posted.voucher_no == 1
    assert posted.voucher_label == "JV2569-000001"
    assert posted.posted_by == accountant and posted.posted_at is not None
    assert posted.period.number == 3 and posted.fiscal_year.year_be == 2569
    assert [(line.account.code, line.debit, line.credit) for line in posted.lines.order_by("id")] == [
        ("11110", D("1500.00"), D("0.00")),
        ("32000", D("0.00"), D("1500.00")),
    ]
    assert draft.voucher_label == "JV2569-000001"  # the caller's instance is updated too


def test_voucher_numbers_run_1_2_3_per_fiscal_year_and_restart_in_the_next(accountant):
    # given / when
    first = voucher_record(dt.date(2025, 1, 2), "100.00")
    second = voucher_record(dt.date(2025, 6, 30), "200.00")
    third = voucher_record(dt.date(2025, 12, 31), "300.00")
    next_year = voucher_record(dt.date(2026, 1, 1), "400.00")

    # then
    assert [e.voucher_label for e in (first, second, third, next_year)] == [
        "JV2568-000001",
        "JV2568-000002",
        "JV2568-000003",
        "JV2569-000001",
    ]
    assert dict(FiscalYear.objects.values_list("year_be", "last_voucher_no")) == {2568: 3, 2569: 1}


def test_drafts_take_no_number_so_posting_order_decides_it(accountant):
    # given
    early = draft_create(dt.date(2026, 2, 1), [("cash", "10.00", "0"), ("reserve_fund", "0", "10.00")])
    late = draft_create(dt.date(2026, 2, 2), [("cash", "20.00", "0"), ("reserve_fund", "0", "20.00")])

    # when
    journal_entry_post(entry=late, posted_by=accountant)
    journal_entry_post(entry=early, posted_by=accountant)

    # then
    assert (late.voucher_no, early.voucher_no) == (1, 2)


def test_unbalanced_voucher_is_refused_naming_both_totals_and_nothing_changes(accountant):
    # given
    draft = draft_create(dt.date(2026, 3, 15), [("cash", "1000.00", "0"), ("reserve_fund", "0", "999.50")])

    # when
    with pytest.raises(LedgerError) as refused:
        journal_entry_post(entry=draft, posted_by=accountant)

    # then
    assert "1,000.00" in str(refused.value) and "999.50" in str(refused.value)
    assert "0.50" in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == EntryStatus.DRAFT and draft.voucher_no is None
    assert FiscalYear.objects.get(year_be=2569).last_voucher_no == 0


def test_record_of_an_unbalanced_voucher_creates_nothing(accountant):
    # when
    with pytest.raises(LedgerError, match="เดบิตรวม 300.00 บาท แต่เครดิตรวม 30.00 บาท"):
        journal_entry_record(
            date=dt.date(2026, 4, 1),
            description="พิมพ์ผิด",
            lines=[Line(account="cash", debit=D("300.00")), Line(account="reserve_fund", credit=D("30.00"))],
            created_by=accountant,
        )

    # then
    assert JournalEntry.objects.count() == 0
    assert JournalLine.objects.count() == 0


def test_header_account_is_refused(accountant):
    # given: 11100 "เงินสดและเงินฝากธนาคาร" has children (11110 เงินสด, …)
    draft = draft_create(dt.date(2026, 3, 1), [("11100", "50.00", "0"), ("reserve_fund", "0", "50.00")])

    # when / then
    with pytest.raises(LedgerError, match="11100 .*บัญชีคุม"):
        journal_entry_post(entry=draft, posted_by=accountant)
    assert JournalEntry.objects.get().status == EntryStatus.DRAFT


def test_inactive_account_is_refused(accountant):
    # given
    draft = draft_create(dt.date(2026, 3, 1), [("bank", "50.00", "0"), ("reserve_fund", "0", "50.00")])
    Account.objects.filter(code="11131").update(is_active=False)

    # when / then
    with pytest.raises(LedgerError, match="11131 .*ปิดการใช้งาน"):
        journal_entry_post(entry=draft, posted_by=accountant)


@pytest.mark.parametrize(
    ("debit", "credit", "message"),
    [
        ("10.00", "10.00", "ด้านเดียว"),
        ("0", "0", "ด้านเดียว"),
        ("-10.00", "0", "ติดลบ"),
        ("10.005", "0", "ทศนิยมเกิน 2 ตำแหน่ง"),
    ],
)
def test_line_with_both_or_neither_side_negative_or_third_place_is_refused(
    accountant, debit, credit, message
):
    # when / then
    with pytest.raises(LedgerError, match=message):
        journal_entry_create(
            date=dt.date(2026, 3, 1),
            description="รายการผิดรูปแบบ",
            lines=[Line(account="cash", debit=D(debit), credit=D(credit))],
        )
    assert JournalEntry.objects.count() == 0


def test_float_amount_is_a_programming_error(accountant):
    with pytest.raises(TypeError):
        journal_entry_create(
            date=dt.date(2026, 3, 1), description="x", lines=[Line(account="cash", debit=10.5)]
        )


def test_posting_twice_is_refused(accountant):
    # given
    entry = voucher_record(dt.date(2026, 5, 5), "99.99")

    # when / then
    with pytest.raises(LedgerError, match="JV2569-000001 ผ่านรายการไปแล้ว"):
        journal_entry_post(entry=entry, posted_by=accountant)
    assert FiscalYear.objects.get().last_voucher_no == 1


def test_draft_without_lines_or_unknown_account_is_refused(accountant):
    with pytest.raises(LedgerError, match="อย่างน้อยหนึ่งรายการ"):
        journal_entry_create(date=dt.date(2026, 3, 1), description="ว่าง", lines=[])
    with pytest.raises(LedgerError, match="ไม่พบบัญชี"):
        journal_entry_create(
            date=dt.date(2026, 3, 1), description="x", lines=[Line(account="no_such_role", debit=D("1.00"))]
        )


def test_sub_ledger_posts_by_role_with_source_and_member(accountant):
    # when
    entry = journal_entry_record(
        date=dt.date(2026, 7, 1),
        description="ดอกเบี้ยรับ",
        lines=[
            Line(account="cash", debit=D("1234.56")),
            Line(account="interest_income_ordinary", credit=D("1234.56"), memo="ดอกเบี้ย ก.ค."),
        ],
        source=EntrySource.LOANS,
        created_by=accountant,
    )

    # then
    assert entry.source == EntrySource.LOANS
    assert entry.posted_by == accountant
    assert list(entry.lines.values_list("account__code", "memo")) == [("11110", ""), ("41200", "ดอกเบี้ย ก.ค.")]
