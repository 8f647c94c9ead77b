import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count

from sahakorn.core import dates
from sahakorn.core.interest import DayBasis
from sahakorn.core.models import CoopProfile
from sahakorn.core.money import Rounding
from sahakorn.deposits.batch import deposit_interest_run
from sahakorn.deposits.calc import RateSchedule, RateTier, Segment, interest_for_period
from sahakorn.deposits.interest import account_interest, rate_schedule, stream_product
from sahakorn.deposits.models import (
    AccountStatus,
    DepositAccount,
    DepositProduct,
    DepositTransaction,
    InterestRun,
)
from sahakorn.deposits.reconcile import deposits_reconcile
from sahakorn.generator.coop import STEPS, coop_generate
from sahakorn.generator.deposits_step import _Account, _interest, _Product, deposits_step
from sahakorn.members.models import MemberStatus

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 22)


class _Rollback(Exception):
    pass


def _generate(**kwargs):
    coop = coop_generate(**kwargs)
    # Until the lead registers the step in STEPS, run it after the others, as coop_generate would.
    if "deposits" not in [name for name, _ in STEPS]:
        deposits_step(coop)
    return coop


@pytest.fixture
def coop():
    return _generate(members=400, years=3, seed=11, as_of=AS_OF)


def test_deposit_history_reconciles_with_the_ledger(coop):
    # then
    accounts = DepositAccount.objects.all()
    assert 200 <= accounts.filter(product__code="10").count() <= 280  # about 60% of 400
    assert accounts.filter(product__code="20").exists()
    result = deposits_reconcile()
    assert result.ok, result.lines
    assert not result.mismatches  # every cached balance = its transactions = its last running balance
    out = StringIO()
    call_command("deposits", "check", stdout=out)
    call_command("ledger", "check", stdout=out)
    assert "deposits check OK" in out.getvalue() and "ledger check OK" in out.getvalue()


def test_history_is_realistic(coop):
    # then: every half-year of the history has a run record per product; interest rows link to theirs
    savings = DepositProduct.objects.get(code="10")
    runs = InterestRun.objects.filter(product=savings).order_by("period_end")
    assert [r.period_end for r in runs] == [dt.date(2024, 6, 30), dt.date(2024, 12, 31), dt.date(2025, 6, 30),
                                            dt.date(2025, 12, 31), dt.date(2026, 6, 30)]  # fmt: skip
    for run in runs:
        rows = DepositTransaction.objects.filter(interest_run=run)
        assert rows.count() == run.accounts > 0
        assert sum(rows.values_list("amount", flat=True), D(0)) == run.amount
    kinds = dict(DepositTransaction.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds["opening"] > 0 and kinds["deposit"] > 0 and kinds["withdrawal"] > 0 and kinds["interest"] > 0
    # leavers' accounts are closed and empty, and nothing moves after closing
    closed = DepositAccount.objects.filter(status=AccountStatus.CLOSED).select_related("member")
    assert closed.exists() and not closed.exclude(balance=0).exists()
    assert not closed.filter(member__status=MemberStatus.ACTIVE).exists()
    for account in closed:
        assert not account.transactions.filter(date__gt=account.closed_on).exists()
    # running balances never go below zero and end at the cached balance
    assert not DepositTransaction.objects.filter(balance_after__lt=0).exists()


def test_the_interest_run_takes_over_after_the_generated_history(coop, monkeypatch):
    # given: the history stops at AS_OF; the run is done on the period's last day at the earliest
    # (no batch runs ahead of today, core.dates), whenever this test runs
    period_end = dt.date(2026, 12, 31)
    real_today = dates.today()
    monkeypatch.setattr(dates, "today", lambda: max(real_today, period_end))

    # when: the first crediting period after the history
    savings = DepositProduct.objects.get(code="10")
    run = deposit_interest_run(product=savings, period_end=period_end, by=None)

    # then: about as many accounts as the half-year before, and it still reconciles
    previous = InterestRun.objects.get(product=savings, period_end=dt.date(2026, 6, 30))
    assert abs(run.accounts - previous.accounts) <= previous.accounts * 0.15
    assert run.amount > D("0") and deposits_reconcile().ok


def _snapshot() -> list:
    return list(
        DepositTransaction.objects.order_by("account__number", "date", "id").values_list(
            "account__number", "account__member__number", "date", "kind", "channel", "amount", "balance_after",
            "journal_entry__fiscal_year__year_be", "journal_entry__voucher_no",
        )
    )  # fmt: skip


def _generate_and_roll_back(**kwargs) -> list:
    try:
        with transaction.atomic():
            _generate(**kwargs)
            snap = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return snap


def test_deposit_history_is_deterministic():
    # when
    first = _generate_and_roll_back(members=150, years=2, seed=5, as_of=AS_OF)
    second = _generate_and_roll_back(members=150, years=2, seed=5, as_of=AS_OF)
    other = _generate_and_roll_back(members=150, years=2, seed=6, as_of=AS_OF)

    # then
    assert len(first) > 150
    assert first == second
    assert first != other


# ======== Day basis ========

AT_1_50 = RateSchedule([RateTier(dt.date(2000, 1, 1), D("0"), D("1.50"))])


def _account_on(basis: str) -> _Account:
    product = DepositProduct(code="10", kind="savings", interest_rounding=Rounding.SATANG_HALF_UP)
    p = _Product(product=product, schedule=AT_1_50, early=None, periods=[], day_basis=basis)
    return _Account(member_id=1, number="10-0000001", p=p, opened_on=dt.date(2023, 1, 1), matures_on=None)


@pytest.mark.parametrize(
    ("basis", "start", "expected"),
    [
        # 100,000 × 1.5 × 31 / 36,500 = 127.3972… → 127.40
        (DayBasis.DAYS_365, dt.date(2024, 1, 1), D("127.40")),
        # 100,000 × 1.5 × 31 / 36,600 = 127.0491… → 127.05
        (DayBasis.ACTUAL, dt.date(2024, 1, 1), D("127.05")),
        # 1 Dec 2023 – 31 Jan 2024: 100,000 × 1.5 × 62 / 36,500 = 254.7945… → 254.79
        (DayBasis.DAYS_365, dt.date(2023, 12, 1), D("254.79")),
        # 4,650,000 / 36,500 [Dec 2023] + 4,650,000 / 36,600 [Jan 2024] = 254.4464… → 254.45
        (DayBasis.ACTUAL, dt.date(2023, 12, 1), D("254.45")),
    ],
)
def test_the_generators_fast_path_divides_by_the_basis_like_the_calculator(basis, start, expected):
    # given: 100,000 brought into the period, no movement in it, 1.50% (the generator's shortcut)
    acc = _account_on(basis)
    end = dt.date(2024, 1, 31)

    # when
    fast = _interest(acc, start, end, [], D("100000.00"), AT_1_50)

    # then: the figure by hand, and the interest run's calculator agrees
    assert fast == expected
    assert fast == interest_for_period(segments=[Segment(start, D("100000.00"))], rates=AT_1_50, start=start,
                                       end=end, rounding=Rounding.SATANG_HALF_UP, day_basis=basis)  # fmt: skip


def test_a_coop_on_the_actual_basis_gets_the_interest_runs_figures_in_its_history():
    # given: the coop divides each day by its own year's length; the history starts 1 Jan 2024 (leap)
    CoopProfile.objects.create(name_th="สหกรณ์ทดสอบ", fiscal_year_start_month=1, day_basis=DayBasis.ACTUAL)

    # when
    _generate(members=150, years=3, seed=7, as_of=AS_OF)

    # then: every open savings account's Jan–Jun 2024 interest is what the interest run computes on
    # "actual" from the same transactions (the credited interest itself left out), and not the 365 figure
    savings = DepositProduct.objects.get(code="10")
    run = InterestRun.objects.get(product=savings, period_end=dt.date(2024, 6, 30))
    credited = dict(DepositTransaction.objects.filter(interest_run=run).values_list("account_id", "amount"))
    schedule = rate_schedule(savings)
    start, end = run.period_start, run.period_end
    compared, differ = 0, 0
    for account_id, opening, moves in stream_product(product=savings, start=start, end=end):
        own = [m for m in moves if m[2] != "interest"]
        figure = {
            basis: account_interest(product=savings, opening=opening, moves=own, start=start, end=end,
                                    matures_on=None, schedule=schedule, early=None, day_basis=basis)
            for basis in (DayBasis.ACTUAL, DayBasis.DAYS_365)
        }  # fmt: skip
        assert credited.get(account_id, D("0")) == figure[DayBasis.ACTUAL], account_id
        compared += 1
        differ += figure[DayBasis.ACTUAL] != figure[DayBasis.DAYS_365]
    assert compared > 50 and differ > compared // 2
