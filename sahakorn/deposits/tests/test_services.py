"""Deposit services: each movement posts its voucher, moves the passbook, or is refused changing nothing."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.models import AccountStatus, Channel, DepositTransaction, TransactionKind
from sahakorn.deposits.selectors import deposit_available_balance, deposit_statement
from sahakorn.deposits.services import (
    deposit_account_close,
    deposit_account_open,
    deposit_credit_internal,
    deposit_hold_place,
    deposit_hold_release,
    deposit_make,
    deposit_transaction_reverse,
    deposit_transfer,
    deposit_withdraw,
)
from sahakorn.deposits.tests.factories import account_open, fresh
from sahakorn.ledger.models import JournalLine
from sahakorn.ledger.selectors import account_balance
from sahakorn.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 10)


def _lines(entry) -> list[tuple[str, D, D, int | None]]:
    return sorted(
        (line.account.code, line.debit, line.credit, line.member_id)
        for line in JournalLine.objects.filter(entry=entry).select_related("account")
    )


def test_opening_with_a_deposit_posts_cash_against_the_products_control_account(savings, officer):
    # given
    member = MemberFactory()

    # when
    account = deposit_account_open(member=member, product=savings, opened_on=JAN, initial_amount=D("5000.00"),
                                   channel=Channel.CASH, by=officer)  # fmt: skip

    # then
    assert account.number == "10-0000001" and account.balance == D("5000.00")
    row = DepositTransaction.objects.get(account=account)
    assert (row.kind, row.amount, row.balance_after, row.date) == (TransactionKind.DEPOSIT, D("5000.00"),
                                                                   D("5000.00"), JAN)  # fmt: skip
    assert _lines(row.journal_entry) == [
        ("11110", D("5000.00"), D("0"), None),
        ("21410", D("0"), D("5000.00"), member.pk),
    ]
    assert account_balance(account="deposit_savings", member_id=member.pk) == D("5000.00")
    assert account_open(product=savings, amount="100").number == "10-0000002"


def test_opening_below_the_products_minimum_is_refused(special):
    # when / then: ออมทรัพย์พิเศษ opens with at least 1,000
    with pytest.raises(DepositError) as e:
        account_open(product=special, amount="999.99")
    assert e.value.field == "initial_amount"
    assert not DepositTransaction.objects.exists()


def test_fixed_term_account_matures_after_its_term(fixed):
    # when
    account = account_open(product=fixed, amount="10000", on=dt.date(2024, 2, 29))

    # then
    assert account.matures_on == dt.date(2025, 2, 28)


def test_deposit_and_withdrawal_keep_a_running_balance(savings):
    # given
    account = account_open(product=savings, amount="1000", on=JAN)

    # when
    deposit_make(
        account=account, amount=D("2500.50"), on=dt.date(2025, 2, 1), channel=Channel.TRANSFER, by=None
    )
    row = deposit_withdraw(
        account=account, amount=D("700.25"), on=dt.date(2025, 3, 1), channel=Channel.CASH, by=None
    )

    # then
    assert [(r.kind, r.amount, r.balance) for r in deposit_statement(account=account)] == [
        ("deposit", D("1000.00"), D("1000.00")),
        ("deposit", D("2500.50"), D("3500.50")),
        ("withdrawal", D("-700.25"), D("2800.25")),
    ]
    assert fresh(account).balance == D("2800.25")
    assert _lines(row.journal_entry) == [("11110", D("0"), D("700.25"), None),
                                         ("21410", D("700.25"), D("0"), account.member_id)]  # fmt: skip
    # a statement from February brings the January balance forward
    rows = deposit_statement(account=account, start=dt.date(2025, 2, 1))
    assert (rows[0].kind, rows[0].balance) == ("brought_forward", D("1000.00")) and len(rows) == 3


def test_withdrawal_leaving_less_than_the_minimum_balance_is_refused(special):
    # given: minimum balance 1,000
    account = account_open(product=special, amount="5000")

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_withdraw(account=account, amount=D("4000.01"), on=JAN, channel=Channel.CASH, by=None)
    assert e.value.field == "amount" and "1,000.00" in e.value.message
    assert fresh(account).balance == D("5000.00") and DepositTransaction.objects.count() == 1
    # exactly down to the minimum is fine
    deposit_withdraw(account=account, amount=D("4000.00"), on=JAN, channel=Channel.CASH, by=None)
    assert fresh(account).balance == D("1000.00")


def test_withdrawal_above_the_available_balance_is_refused_while_a_hold_is_active(savings, officer):
    # given: 10,000 with 6,000 pledged for a loan
    account = account_open(product=savings, amount="10000")
    hold = deposit_hold_place(account=account, amount=D("6000.00"), reason="ค้ำประกันเงินกู้", on=JAN, by=officer)

    # when / then
    assert deposit_available_balance(account=account) == D("4000.00")
    with pytest.raises(DepositError) as e:
        deposit_withdraw(account=account, amount=D("4000.01"), on=JAN, channel=Channel.CASH, by=None)
    assert "4,000.00" in e.value.message
    deposit_withdraw(account=account, amount=D("4000.00"), on=JAN, channel=Channel.CASH, by=None)

    # and after the release the rest is available
    deposit_hold_release(hold=hold, on=dt.date(2025, 2, 1), by=officer)
    assert deposit_available_balance(account=account) == D("6000.00")


def test_a_hold_above_the_available_balance_is_refused(savings):
    # given
    account = account_open(product=savings, amount="1000")
    deposit_hold_place(account=account, amount=D("600.00"), reason="ค้ำประกัน", on=JAN, by=None)

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_hold_place(account=account, amount=D("400.01"), reason="ค้ำประกัน", on=JAN, by=None)
    assert e.value.field == "amount"


def test_the_monthly_withdrawal_limit_counts_withdrawals_and_transfers_out(special, savings):
    # given: ออมทรัพย์พิเศษ allows 2 withdrawals a month
    account = account_open(product=special, amount="10000")
    other = account_open(product=savings, amount="100", member=account.member)
    deposit_withdraw(account=account, amount=D("100"), on=dt.date(2025, 1, 5), channel=Channel.CASH, by=None)
    deposit_transfer(from_account=account, to_account=other, amount=D("100"), on=dt.date(2025, 1, 6), by=None)

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_withdraw(
            account=account, amount=D("100"), on=dt.date(2025, 1, 31), channel=Channel.CASH, by=None
        )
    assert "2 ครั้ง" in e.value.message
    deposit_withdraw(account=account, amount=D("100"), on=dt.date(2025, 2, 1), channel=Channel.CASH, by=None)


def test_fixed_term_early_withdrawal_follows_the_products_rule(fixed):
    # given: refused before maturity
    fixed.early_withdrawal = "refused"
    fixed.save()
    account = account_open(product=fixed, amount="10000", on=dt.date(2025, 1, 1))

    # when / then
    with pytest.raises(DepositError):
        deposit_withdraw(
            account=account, amount=D("100"), on=dt.date(2025, 12, 31), channel=Channel.CASH, by=None
        )
    deposit_withdraw(account=account, amount=D("100"), on=dt.date(2026, 1, 1), channel=Channel.CASH, by=None)


def test_transfer_between_own_accounts_posts_from_role_to_role(savings, special):
    # given
    source = account_open(product=savings, amount="5000")
    target = account_open(product=special, amount="1000", member=source.member)

    # when
    out, into = deposit_transfer(from_account=source, to_account=target, amount=D("1234.56"), on=JAN, by=None)

    # then
    assert (out.amount, out.balance_after, into.amount, into.balance_after) == (
        D("-1234.56"), D("3765.44"), D("1234.56"), D("2234.56"))  # fmt: skip
    member_id = source.member_id
    assert _lines(out.journal_entry) == [("21410", D("1234.56"), D("0"), member_id),
                                         ("21420", D("0"), D("1234.56"), member_id)]  # fmt: skip


def test_transfer_to_another_members_account_is_refused(savings):
    # given
    source = account_open(product=savings, amount="5000")
    target = account_open(product=savings, amount="100")

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_transfer(from_account=source, to_account=target, amount=D("1"), on=JAN, by=None)
    assert e.value.field == "to_account"


def test_internal_credit_debits_the_given_role(savings):
    # given
    account = account_open(product=savings, amount="100")

    # when
    row = deposit_credit_internal(account=account, amount=D("3000.00"), on=JAN, debit_role="welfare_expense",
                                  description="สวัสดิการคลอดบุตร", by=None)  # fmt: skip

    # then
    assert (row.kind, row.channel, row.balance_after) == ("deposit", "internal", D("3100.00"))
    assert ("52100", D("3000.00"), D("0"), account.member_id) in _lines(row.journal_entry)
    assert fresh(account).last_movement_on == dt.date(2025, 1, 1)  # not the member's own movement


def test_a_movement_dated_before_the_passbooks_last_row_is_refused(savings):
    # given
    account = account_open(product=savings, amount="100", on=dt.date(2025, 3, 1))

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_make(account=account, amount=D("1"), on=dt.date(2025, 2, 28), channel=Channel.CASH, by=None)
    assert e.value.field == "on"


@pytest.mark.parametrize("bad", [D("0"), D("-1"), D("1.005")])
def test_bad_amounts_are_refused(savings, bad):
    account = account_open(product=savings, amount="100")
    with pytest.raises(DepositError) as e:
        deposit_make(account=account, amount=bad, on=JAN, channel=Channel.CASH, by=None)
    assert e.value.field == "amount"


def test_reversing_a_deposit_reverses_its_voucher_and_the_balance(savings, officer):
    # given
    account = account_open(product=savings, amount="1000")
    row = deposit_make(account=account, amount=D("250.00"), on=JAN, channel=Channel.CASH, by=officer)

    # when
    reversal = deposit_transaction_reverse(transaction=row, on=JAN, reason="บันทึกผิดบัญชี", by=officer)

    # then
    assert (reversal.kind, reversal.amount, reversal.balance_after) == (
        "reversal",
        D("-250.00"),
        D("1000.00"),
    )
    assert reversal.journal_entry.reverses_id == row.journal_entry_id
    assert fresh(account).balance == D("1000.00")
    assert account_balance(account="deposit_savings") == D("1000.00")
    with pytest.raises(DepositError):
        deposit_transaction_reverse(transaction=row, on=JAN, reason="ซ้ำ", by=officer)


def test_reversing_a_withdrawal_does_not_count_it_in_the_monthly_limit(special):
    # given: two withdrawals in January, the second reversed
    account = account_open(product=special, amount="10000")
    deposit_withdraw(account=account, amount=D("100"), on=JAN, channel=Channel.CASH, by=None)
    second = deposit_withdraw(account=account, amount=D("100"), on=JAN, channel=Channel.CASH, by=None)
    deposit_transaction_reverse(transaction=second, on=JAN, reason="ถอนซ้ำ", by=None)

    # when / then: a third is allowed
    deposit_withdraw(account=account, amount=D("100"), on=JAN, channel=Channel.CASH, by=None)
    assert fresh(account).balance == D("9800.00")


def test_closing_credits_accrued_interest_then_pays_out_everything(savings):
    # given: 73,000 from 1 Jan 2025 at 1.50%, closed on 11 Jan 2025 (interest for 1–10 Jan)
    account = account_open(product=savings, amount="73000", on=dt.date(2025, 1, 1))

    # when
    payout = deposit_account_close(account=account, on=dt.date(2025, 1, 11), channel=Channel.CASH, by=None)

    # then: 73,000 × 1.5% × 10 / 365 = 30.00
    kinds = [(r.kind, r.amount, r.balance) for r in deposit_statement(account=account)]
    assert kinds[1:] == [("interest", D("30.00"), D("73030.00")), ("withdrawal", D("-73030.00"), D("0.00"))]
    assert payout.amount == D("-73030.00")
    account = fresh(account)
    assert (account.status, account.closed_on, account.balance) == (
        AccountStatus.CLOSED,
        dt.date(2025, 1, 11),
        D("0"),
    )
    assert account_balance(account="deposit_interest_expense") == D("30.00")
    with pytest.raises(DepositError):
        deposit_make(account=account, amount=D("1"), on=dt.date(2025, 1, 12), channel=Channel.CASH, by=None)


@pytest.mark.parametrize(
    ("coop_basis", "product_basis", "expected"),
    [
        # 100,000 × 1.5 × 62 / 36,500 = 9,300,000 / 36,500 = 254.7945… → 254.79
        ("365", "", D("254.79")),
        # Dec 2023: 4,650,000 / 36,500 = 127.3972…; Jan 2024: 4,650,000 / 36,600 = 127.0491…;
        # together 254.4464… → 254.45
        ("actual", "", D("254.45")),
        ("actual", "365", D("254.79")),  # the product's own basis beats the coop's
        ("365", "actual", D("254.45")),
    ],
)
def test_closing_across_new_year_credits_interest_on_the_products_or_else_the_coops_basis(
    savings, coop_day_basis_set, coop_basis, product_basis, expected
):
    # given: 100,000 from 1 Dec 2023 at 1.50%, closed on 1 Feb 2024 (interest for 1 Dec – 31 Jan: 31 + 31 days)
    coop_day_basis_set(coop_basis)
    savings.day_basis = product_basis
    savings.save(update_fields=["day_basis"])
    account = account_open(product=savings, amount="100000", on=dt.date(2023, 12, 1))

    # when
    payout = deposit_account_close(account=account, on=dt.date(2024, 2, 1), channel=Channel.CASH, by=None)

    # then
    interest = account.transactions.get(kind="interest")
    assert interest.amount == expected and payout.amount == -(D("100000") + expected)
    assert account_balance(account="deposit_interest_expense") == expected


def test_closing_with_an_active_hold_is_refused(savings):
    account = account_open(product=savings, amount="1000")
    deposit_hold_place(account=account, amount=D("1"), reason="ค้ำประกัน", on=JAN, by=None)
    with pytest.raises(DepositError):
        deposit_account_close(account=account, on=JAN, channel=Channel.CASH, by=None)
    assert fresh(account).status == AccountStatus.ACTIVE
