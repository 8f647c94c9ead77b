import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import EntrySource, FiscalYear
from sahakorn.ledger.selectors import (
    account_balance,
    account_for_role,
    account_statement,
    chart_tree,
    general_journal,
    journal_entries_recent,
    trial_balance,
    unbalanced_entries,
    voucher_query,
)
from sahakorn.ledger.services import Line, journal_entry_record
from sahakorn.ledger.tests.factories import draft_create, voucher_record


@pytest.fixture
def january_books(accountant):
    """Four vouchers: the reserve paid in, a loan out, interest in (Jan), a bank charge (Feb)."""
    return [
        voucher_record(dt.date(2026, 1, 5), "100000.00", debit="cash", credit="reserve_fund"),
        voucher_record(
            dt.date(2026, 1, 10), "60000.00", debit="loan_ordinary", credit="cash", source=EntrySource.LOANS
        ),
        voucher_record(dt.date(2026, 1, 31), "1234.56", debit="cash", credit="interest_income_ordinary"),
        voucher_record(dt.date(2026, 2, 3), "15.25", debit="bank_charges", credit="cash"),
    ]


def test_account_for_role_follows_the_role_table(db):
    assert account_for_role("cash").code == "11110"
    assert account_for_role("share_capital").code == "31000"
    with pytest.raises(LedgerError, match="no_such"):
        account_for_role("no_such")


def test_trial_balance_totals_are_equal_to_the_satang(january_books):
    # when
    report = trial_balance(as_of=dt.date(2026, 1, 31))

    # then
    assert report.total_debit == report.total_credit == D("101234.56")
    assert report.is_balanced
    leaves = {row.code: (row.debit_balance, row.credit_balance) for row in report.rows if not row.is_header}
    assert leaves == {
        "11110": (D("41234.56"), D("0.00")),
        "11533": (D("60000.00"), D("0.00")),
        "32000": (D("0.00"), D("100000.00")),
        "41200": (D("0.00"), D("1234.56")),
    }


def test_trial_balance_header_accounts_roll_up_their_children_and_are_indented(january_books):
    # when
    rows = {row.code: row for row in trial_balance(as_of=dt.date(2026, 1, 31)).rows}

    # then
    assert rows["10000"].is_header and rows["10000"].depth == 0
    assert rows["10000"].debit_balance == D("101234.56")  # cash + ordinary loans
    assert rows["11100"].debit_balance == D("41234.56")
    assert rows["11110"].depth > rows["11100"].depth > rows["10000"].depth
    assert rows["40000"].credit_balance == D("1234.56")
    assert "50000" not in rows  # no expense posted yet in January


def test_trial_balance_as_of_a_later_date_and_for_one_fiscal_year(january_books):
    # given: a voucher in the year before (a later year would be dated ahead of today)
    voucher_record(dt.date(2025, 12, 30), "500.00", debit="cash", credit="reserve_fund")

    # when
    february = trial_balance(as_of=dt.date(2026, 2, 28))
    year_2568 = trial_balance(as_of=dt.date(2025, 12, 31), fiscal_year=FiscalYear.objects.get(year_be=2568))
    year_2569 = trial_balance(as_of=dt.date(2026, 12, 31), fiscal_year=FiscalYear.objects.get(year_be=2569))

    # then: every voucher up to 28 Feb, the 500.00 of 2568 included; each year only its own
    assert february.total_debit == february.total_credit == D("101734.56")
    assert {r.code: r.debit_balance for r in february.rows if r.code in ("11110", "55300")} == {
        "11110": D("41719.31"),
        "55300": D("15.25"),
    }
    assert year_2568.total_debit == year_2568.total_credit == D("500.00")
    assert year_2569.total_debit == year_2569.total_credit == D("101234.56")


def test_account_statement_running_balance(january_books):
    # when
    statement = account_statement(account="cash", start=dt.date(2026, 1, 6), end=dt.date(2026, 2, 28))

    # then
    assert statement.opening_balance == D("100000.00")
    assert [(line.voucher_label, line.debit, line.credit, line.balance) for line in statement.lines] == [
        ("JV2569-000002", D("0.00"), D("60000.00"), D("40000.00")),
        ("JV2569-000003", D("1234.56"), D("0.00"), D("41234.56")),
        ("JV2569-000004", D("0.00"), D("15.25"), D("41219.31")),
    ]
    assert (statement.total_debit, statement.total_credit) == (D("1234.56"), D("60015.25"))
    assert statement.closing_balance == D("41219.31")


def test_account_statement_of_a_credit_account_runs_on_the_credit_side(january_books):
    # when
    statement = account_statement(account="reserve_fund", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))

    # then
    assert statement.opening_balance == D("0.00")
    assert [line.balance for line in statement.lines] == [D("100000.00")]
    assert statement.closing_balance == D("100000.00")


def test_account_balance_signs_and_dates(january_books):
    assert account_balance(account="cash") == D("41219.31")
    assert account_balance(account="cash", as_of=dt.date(2026, 1, 9)) == D("100000.00")
    assert account_balance(account="reserve_fund") == D("100000.00")  # credit-normal, positive
    assert account_balance(account="11100") == D("41219.31")  # header = its children
    assert account_balance(account="bank_charges") == D("15.25")


def test_account_balance_per_member(accountant):
    # given
    from sahakorn.members.models import Member, Unit

    unit = Unit.objects.create(code="01", name="สำนักงาน", path="01/")
    members = [
        Member.objects.create(
            number=f"00000{i}",
            title="นาย",
            first_name=f"สมาชิก{i}",
            last_name="ทดสอบ",
            national_id=f"110170020345{i}",
            birth_date=dt.date(1980, 1, 1),
            joined_on=dt.date(2020, 1, 1),
            unit=unit,
            status_since=dt.date(2020, 1, 1),
        )
        for i in (1, 2)
    ]
    journal_entry_record(
        date=dt.date(2026, 1, 31),
        description="ค่าหุ้นรายเดือน",
        lines=[
            Line(account="bank", debit=D("1500.00")),
            Line(account="reserve_fund", credit=D("1000.00"), member_id=members[0].pk),
            Line(account="reserve_fund", credit=D("500.00"), member_id=members[1].pk),
        ],
    )

    # when / then
    assert account_balance(account="reserve_fund", member_id=members[0].pk) == D("1000.00")
    assert account_balance(account="reserve_fund", member_id=members[1].pk) == D("500.00")


def test_general_journal_prefetches_lines_without_n_plus_one(january_books, django_assert_num_queries):
    # when / then: one query for the vouchers (with totals), one for all their lines and accounts
    with django_assert_num_queries(2):
        entries = list(general_journal(start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)))
        described = [
            (e.voucher_label, [line.account.code for line in e.lines.all()], e.total_debit) for e in entries
        ]
    assert described == [
        ("JV2569-000001", ["11110", "32000"], D("100000.00")),
        ("JV2569-000002", ["11533", "11110"], D("60000.00")),
        ("JV2569-000003", ["11110", "41200"], D("1234.56")),
    ]


def test_general_journal_filters(january_books):
    draft_create(dt.date(2026, 1, 20), [("cash", "1.00", "0"), ("reserve_fund", "0", "1.00")])
    assert general_journal(voucher="JV2569-000003").get().total_credit == D("1234.56")
    assert general_journal(voucher="2569-2").get().voucher_no == 2
    assert general_journal(voucher="4").get().voucher_no == 4
    assert general_journal(voucher="nonsense").count() == 0
    assert [e.voucher_no for e in general_journal(source=EntrySource.LOANS)] == [2]
    assert general_journal(source=EntrySource.SHARES).count() == 0
    assert general_journal(status="draft").count() == 1
    assert general_journal(status=None).count() == 5


def test_voucher_query_understands_what_people_type():
    assert voucher_query("jv2569-000123").children == [("fiscal_year__year_be", 2569), ("voucher_no", 123)]


def test_journal_entries_recent_newest_first_with_totals(january_books):
    recent = journal_entries_recent(limit=2)
    assert [(e.voucher_label, e.total_debit) for e in recent] == [
        ("JV2569-000004", D("15.25")),
        ("JV2569-000003", D("1234.56")),
    ]


def test_unbalanced_entries_is_empty_for_a_sound_ledger(january_books):
    assert unbalanced_entries() == []


def test_chart_tree_is_in_tree_order_with_role_keys(db):
    nodes = chart_tree()
    codes = [n.account.code for n in nodes]
    by_code = {n.account.code: n for n in nodes}
    assert codes[0] == "10000" and by_code["10000"].depth == 0 and by_code["10000"].is_header
    assert codes.index("11100") < codes.index("11110")
    assert by_code["11110"].role_keys == ("cash",)
    assert not by_code["11110"].is_header
