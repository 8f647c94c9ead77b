"""The interest run and dormancy marking, with interest figures computed by hand."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.models import (
    AccountStatus,
    AccountStatusChange,
    Channel,
    DepositRate,
    DepositTransaction,
    InterestRun,
)
from sahakorn.deposits.reconcile import deposits_reconcile
from sahakorn.deposits.services import (
    deposit_account_close,
    deposit_account_reactivate,
    deposit_interest_run,
    deposit_make,
    deposit_withdraw,
    deposits_mark_dormant,
)
from sahakorn.deposits.tests.factories import account_open, fresh
from sahakorn.ledger.models import JournalLine
from sahakorn.ledger.selectors import account_balance

pytestmark = pytest.mark.django_db
JUNE_END = dt.date(2025, 6, 30)


def test_interest_is_credited_at_period_end_with_the_tier_change_mid_period(savings, manager):
    # given: A holds 500,000 from 1 Jan 2025 and 1,100,000 from 1 Mar (2.00% tier); B 100,000 all half-year
    a = account_open(product=savings, amount="500000", on=dt.date(2025, 1, 1))
    deposit_make(account=a, amount=D("600000"), on=dt.date(2025, 3, 1), channel=Channel.TRANSFER, by=None)
    b = account_open(product=savings, amount="100000", on=dt.date(2025, 1, 1))

    # when
    run = deposit_interest_run(product=savings, period_end=JUNE_END, posted_on=JUNE_END, by=manager)

    # then: A (500,000 × 1.5 × 59 + 1,100,000 × 2 × 122) / 36,500 = 8,565.75; B 100,000 × 1.5 × 181 / 36,500 = 743.84
    assert (run.period_start, run.period_end, run.accounts, run.amount) == (dt.date(2025, 1, 1), JUNE_END, 2,
                                                                            D("9309.59"))  # fmt: skip
    rows = {r.account_id: r for r in DepositTransaction.objects.filter(kind="interest")}
    assert (rows[a.pk].amount, rows[a.pk].balance_after, rows[a.pk].date) == (
        D("8565.75"),
        D("1108565.75"),
        JUNE_END,
    )
    assert (rows[b.pk].amount, rows[b.pk].balance_after) == (D("743.84"), D("100743.84"))
    assert fresh(a).balance == D("1108565.75") and fresh(b).balance == D("100743.84")
    assert {r.journal_entry_id for r in rows.values()} == {run.journal_entry_id}
    assert account_balance(account="deposit_interest_expense") == D("9309.59")
    assert JournalLine.objects.filter(
        entry=run.journal_entry, member_id=a.member_id, credit=D("8565.75")
    ).exists()
    assert fresh(a).last_movement_on == dt.date(2025, 3, 1)  # interest is not the member's movement
    assert deposits_reconcile().ok


def test_running_the_same_period_again_posts_nothing(savings):
    # given
    account_open(product=savings, amount="100000", on=dt.date(2025, 1, 1))
    first = deposit_interest_run(product=savings, period_end=JUNE_END, posted_on=JUNE_END, by=None)

    # when
    again = deposit_interest_run(product=savings, period_end=JUNE_END, posted_on=JUNE_END, by=None)

    # then
    assert again.pk == first.pk
    assert (
        DepositTransaction.objects.filter(kind="interest").count() == 1 and InterestRun.objects.count() == 1
    )


def test_a_leap_year_half_credits_182_days(savings):
    # given: 100,000 from 1 Jan 2024
    account = account_open(product=savings, amount="100000", on=dt.date(2024, 1, 1))

    # when
    run = deposit_interest_run(product=savings, period_end=dt.date(2024, 6, 30), by=None)

    # then: 100,000 × 1.5 × 182 / 36,500 = 747.95
    assert run.amount == D("747.95") and fresh(account).balance == D("100747.95")


def test_the_second_period_earns_on_the_credited_interest_and_a_new_rate(savings):
    # given: 100,000 from 1 Jan 2025; a 1.25% schedule from 1 Oct 2025
    DepositRate.objects.create(
        product=savings, effective_from=dt.date(2025, 10, 1), balance_from=0, annual_rate=D("1.25")
    )
    account_open(product=savings, amount="100000", on=dt.date(2025, 1, 1))
    deposit_interest_run(product=savings, period_end=JUNE_END, by=None)  # 743.84

    # when
    run = deposit_interest_run(product=savings, period_end=dt.date(2025, 12, 31), by=None)

    # then: 100,743.84 × (1.5 × 92 [Jul–Sep] + 1.25 × 92 [Oct–Dec]) / 36,500 = 100,743.84 × 253 / 36,500
    # = 25,488,191.52 / 36,500 = 698.3066… → 698.31
    assert run.period_start == dt.date(2025, 7, 1) and run.amount == D("698.31")


@pytest.mark.parametrize(
    ("coop_basis", "product_basis", "a_expected", "b_expected", "total"),
    [
        # A: 100,000 × 1.5 × 182 / 36,500 = 27,300,000 / 36,500 = 747.9452… → 747.95
        # B: (500,000 × 1.5 × 60 [1 Jan–29 Feb] + 1,100,000 × 2 × 122 [1 Mar–30 Jun]) / 36,500
        #    = (45,000,000 + 268,400,000) / 36,500 = 313,400,000 / 36,500 = 8,586.3013… → 8,586.30
        ("365", "", D("747.95"), D("8586.30"), D("9334.25")),
        # A: 27,300,000 / 36,600 = 745.9016… → 745.90; B: 313,400,000 / 36,600 = 8,562.8415… → 8,562.84
        ("actual", "", D("745.90"), D("8562.84"), D("9308.74")),
        # the product's own basis beats the coop's, both ways
        ("actual", "365", D("747.95"), D("8586.30"), D("9334.25")),
        ("365", "actual", D("745.90"), D("8562.84"), D("9308.74")),
    ],
)
def test_the_interest_run_credits_the_leap_half_year_on_the_products_or_else_the_coops_basis(
    savings, coop_day_basis_set, coop_basis, product_basis, a_expected, b_expected, total
):
    # given: Jan–Jun 2024 (182 days, 29 Feb included); A holds 100,000 all half-year, B 500,000 from
    # 1 Jan and 1,100,000 (the 2.00% tier) from 1 Mar
    coop_day_basis_set(coop_basis)
    savings.day_basis = product_basis
    savings.save(update_fields=["day_basis"])
    a = account_open(product=savings, amount="100000", on=dt.date(2024, 1, 1))
    b = account_open(product=savings, amount="500000", on=dt.date(2024, 1, 1))
    deposit_make(account=b, amount=D("600000"), on=dt.date(2024, 3, 1), channel=Channel.TRANSFER, by=None)

    # when
    run = deposit_interest_run(product=savings, period_end=dt.date(2024, 6, 30), by=None)

    # then: each account to the satang, and the run, its voucher and the expense all carry the exact total
    rows = dict(DepositTransaction.objects.filter(interest_run=run).values_list("account_id", "amount"))
    assert rows == {a.pk: a_expected, b.pk: b_expected}
    assert run.amount == total == a_expected + b_expected
    assert account_balance(account="deposit_interest_expense") == total
    assert fresh(a).balance == D("100000") + a_expected and fresh(b).balance == D("1100000") + b_expected
    assert deposits_reconcile().ok


def test_fixed_term_withdrawn_early_earns_the_savings_rate_that_period(fixed):
    # given: 100,000 fixed from 1 Jan 2025; 10,000 taken out on 1 Apr (before maturity)
    account = account_open(product=fixed, amount="100000", on=dt.date(2025, 1, 1))
    deposit_withdraw(
        account=account, amount=D("10000"), on=dt.date(2025, 4, 1), channel=Channel.CASH, by=None
    )

    # when
    run = deposit_interest_run(product=fixed, period_end=JUNE_END, by=None)

    # then: at 1.50%: (100,000 × 1.5 × 90 + 90,000 × 1.5 × 91) / 36,500 = 706.44 (3.25% would give 1,530.62)
    assert run.amount == D("706.44")


def test_fixed_term_untouched_earns_its_own_rate(fixed):
    # given
    account_open(product=fixed, amount="100000", on=dt.date(2025, 1, 1))

    # when
    run = deposit_interest_run(product=fixed, period_end=JUNE_END, by=None)

    # then: 100,000 × 3.25 × 181 / 36,500 = 1,611.64
    assert run.amount == D("1611.64")


def test_a_date_that_ends_no_period_and_out_of_order_runs_are_refused(savings):
    # given
    account_open(product=savings, amount="1000", on=dt.date(2025, 1, 1))

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_interest_run(product=savings, period_end=dt.date(2025, 5, 31), by=None)
    assert e.value.field == "period_end"
    deposit_interest_run(product=savings, period_end=dt.date(2025, 12, 31), by=None)
    with pytest.raises(DepositError):
        deposit_interest_run(product=savings, period_end=JUNE_END, by=None)


def test_a_run_with_movements_dated_after_posting_is_refused(savings):
    # given
    account = account_open(product=savings, amount="1000", on=dt.date(2025, 1, 1))
    deposit_make(account=account, amount=D("1"), on=dt.date(2025, 7, 2), channel=Channel.CASH, by=None)

    # when / then
    with pytest.raises(DepositError) as e:
        deposit_interest_run(product=savings, period_end=JUNE_END, posted_on=dt.date(2025, 7, 1), by=None)
    assert e.value.field == "posted_on" and not InterestRun.objects.exists()


def test_closed_accounts_took_their_interest_at_closing(savings):
    # given: closed on 11 Jan, interest for 10 days paid then
    account = account_open(product=savings, amount="73000", on=dt.date(2025, 1, 1))
    deposit_account_close(account=account, on=dt.date(2025, 1, 11), channel=Channel.CASH, by=None)

    # when
    run = deposit_interest_run(product=savings, period_end=JUNE_END, by=None)

    # then
    assert run.accounts == 0 and run.amount == D("0") and fresh(account).balance == D("0")


def test_accounts_without_movement_become_dormant_and_refuse_withdrawals_until_reactivated(savings, officer):
    # given: ออมทรัพย์ turns dormant after 24 months; last movement 10 Jan 2022
    account = account_open(product=savings, amount="1000", on=dt.date(2022, 1, 10))
    recent = account_open(product=savings, amount="1000", on=dt.date(2022, 1, 11))

    # when
    assert deposits_mark_dormant(on=dt.date(2024, 1, 9)) == 0
    marked = deposits_mark_dormant(on=dt.date(2024, 1, 10))

    # then
    assert marked == 1
    assert fresh(account).status == AccountStatus.DORMANT and fresh(recent).status == AccountStatus.ACTIVE
    assert AccountStatusChange.objects.filter(account=account, to_status="dormant").count() == 1
    with pytest.raises(DepositError):
        deposit_withdraw(
            account=account, amount=D("1"), on=dt.date(2024, 2, 1), channel=Channel.CASH, by=officer
        )
    deposit_make(account=account, amount=D("1"), on=dt.date(2024, 2, 1), channel=Channel.CASH, by=officer)
    deposit_account_reactivate(account=account, on=dt.date(2024, 2, 1), by=officer, reason="สมาชิกมาติดต่อ")
    deposit_withdraw(account=account, amount=D("1"), on=dt.date(2024, 2, 1), channel=Channel.CASH, by=officer)
    assert fresh(account).status == AccountStatus.ACTIVE


def test_a_period_not_yet_ended_is_refused_by_the_one_date_policy(savings):
    # given: the first half-year end after the month-end allowance (core.dates.latest_batch_date)
    from sahakorn.core.dates import latest_batch_date
    from sahakorn.core.months import add_months, month_end
    from sahakorn.core.thai import format_be_date
    from sahakorn.ledger.models import JournalEntry

    account_open(product=savings, amount="1000", on=dt.date(2025, 1, 1))
    ahead = month_end(latest_batch_date())
    while ahead <= latest_batch_date() or ahead.month not in (6, 12):
        ahead = month_end(add_months(ahead.replace(day=1), 1))
    vouchers = JournalEntry.objects.count()

    # when / then
    with pytest.raises(DepositError) as refused:
        deposit_interest_run(product=savings, period_end=ahead, by=None)
    assert refused.value.message == (
        f"การประมวลผลดอกเบี้ยเงินฝาก งวด {format_be_date(ahead)} ยังไม่ถึงกำหนด: ประมวลผลได้ไม่เกิน 3 วันก่อนสิ้นเดือน "
        f"(ถึงวันที่ {format_be_date(latest_batch_date())})"
    )
    assert refused.value.field == "period_end"
    assert not InterestRun.objects.exists() and JournalEntry.objects.count() == vouchers


def test_a_posting_date_ahead_of_the_allowance_is_refused(savings):
    from sahakorn.core.dates import latest_batch_date

    account_open(product=savings, amount="1000", on=dt.date(2025, 1, 1))
    with pytest.raises(DepositError, match="ยังไม่ถึงกำหนด") as refused:
        deposit_interest_run(
            product=savings,
            period_end=JUNE_END,
            posted_on=latest_batch_date() + dt.timedelta(days=1),
            by=None,
        )
    assert refused.value.field == "posted_on" and not InterestRun.objects.exists()


def test_accounts_are_not_marked_dormant_as_of_a_day_ahead(savings):
    import datetime as dt

    from sahakorn.core.dates import today
    from sahakorn.deposits.batch import deposits_mark_dormant
    from sahakorn.deposits.errors import DepositError

    with pytest.raises(DepositError, match="ซึ่งเป็นวันในอนาคตไม่ได้"):
        deposits_mark_dormant(on=today() + dt.timedelta(days=1))
