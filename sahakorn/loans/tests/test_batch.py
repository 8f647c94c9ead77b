import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.ledger.selectors import account_balance
from sahakorn.loans.batch import loan_interest_accrual_run, loan_interest_accrual_run_naive
from sahakorn.loans.models import AccrualRun, LoanContract, LoanTransaction, LoanTxKind
from sahakorn.loans.payments import loan_payment_record
from sahakorn.loans.reconcile import loans_reconcile
from sahakorn.loans.tests.factories import contract_create

pytestmark = pytest.mark.django_db

JAN_31 = dt.date(2026, 1, 31)


@pytest.fixture
def book():
    """Ordinary 100,000 @ 6% and 50,000 @ 6.5% from 1 Jan; emergency 20,000 @ 6% from 10 Jan."""
    return [
        contract_create(amount=D("100000.00"), annual_rate=D("6.000")),
        contract_create(amount=D("50000.00"), annual_rate=D("6.500")),
        contract_create(
            family="emergency",
            amount=D("20000.00"),
            annual_rate=D("6.000"),
            disbursed_on=dt.date(2026, 1, 10),
        ),
    ]


def _accruals(contract):
    return list(
        LoanTransaction.objects.filter(contract=contract, kind=LoanTxKind.ACCRUAL)
        .order_by("interest_to")
        .values_list("interest", "interest_from", "interest_to")
    )


def test_accrual_is_exact_with_one_voucher_per_family(book, officer):
    run = loan_interest_accrual_run(period_end=JAN_31, by=officer)

    big, small, emergency = book
    # 100,000 × 6% × 30/365 = 493.15; 50,000 × 6.5% × 30/365 = 267.12; 20,000 × 6% × 21/365 = 69.04
    assert _accruals(big) == [(D("493.15"), dt.date(2026, 1, 1), JAN_31)]
    assert _accruals(small) == [(D("267.12"), dt.date(2026, 1, 1), JAN_31)]
    assert _accruals(emergency) == [(D("69.04"), dt.date(2026, 1, 10), JAN_31)]
    assert (run.contracts, run.amount) == (3, D("829.31"))
    entries = {t.journal_entry_id for t in LoanTransaction.objects.filter(kind=LoanTxKind.ACCRUAL)}
    assert len(entries) == 2
    assert account_balance(account="accrued_interest_ordinary") == D("760.27")
    assert account_balance(account="interest_income_ordinary") == D("760.27")
    assert account_balance(account="accrued_interest_emergency") == D("69.04")
    assert account_balance(account="interest_income_emergency") == D("69.04")
    assert loans_reconcile().ok


def test_running_the_accrual_twice_posts_once(book, officer):
    first = loan_interest_accrual_run(period_end=JAN_31, by=officer)
    second = loan_interest_accrual_run(period_end=JAN_31, by=officer)

    assert second.pk == first.pk
    assert AccrualRun.objects.count() == 1
    assert LoanTransaction.objects.filter(kind=LoanTxKind.ACCRUAL).count() == 3
    assert account_balance(account="accrued_interest_ordinary") == D("760.27")


def test_a_payment_after_an_accrual_credits_accrued_interest_first(book, officer):
    big, small, _ = book
    loan_interest_accrual_run(period_end=JAN_31, by=officer)

    row = loan_payment_record(
        contract=big, amount=D("5000.00"), on=dt.date(2026, 2, 1), channel="bank", by=officer
    )

    assert row.interest == D("509.59")
    credits = {ln.account.code: ln.credit for ln in row.journal_entry.lines.all() if ln.credit}
    # 493.15 was accrued on 31 Jan; only the 1 February day (16.44) is new income.
    assert credits == {"11533": D("4490.41"), "11620": D("493.15"), "41200": D("16.44")}
    assert account_balance(account="accrued_interest_ordinary") == D("267.12")
    assert account_balance(account="interest_income_ordinary") == D("509.59") + D("267.12")
    assert loans_reconcile().ok

    # February's accrual starts from the payment for the paid contract, from 31 Jan for the other.
    loan_interest_accrual_run(period_end=dt.date(2026, 2, 28), by=officer)
    big.refresh_from_db()
    assert _accruals(big)[-1] == (D("423.91"), dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert _accruals(small)[-1] == (D("249.32"), JAN_31, dt.date(2026, 2, 28))
    assert loans_reconcile().ok

    # A receipt dated 20 Feb, recorded after the 28 Feb accrual: taken on its own date, and the
    # February accrual recomputed from the new balance.
    late = loan_payment_record(
        contract=small, amount=D("5000.00"), on=dt.date(2026, 2, 20), channel="bank", by=officer
    )

    # 50,000 × 6.5 × 50 days / 36,500 = 445.205… → 445.21; 267.12 of it accrued on 31 Jan.
    assert (late.interest, late.principal) == (D("445.21"), D("-4554.79"))
    credits = {ln.account.code: ln.credit for ln in late.journal_entry.lines.all() if ln.credit}
    assert credits == {"11533": D("4554.79"), "11620": D("267.12"), "41200": D("178.09")}
    # 28 Feb: 249.32 reversed; 45,445.21 × 6.5 × 8 / 36,500 = 64.74 posted again, both dated 28 Feb.
    assert list(
        LoanTransaction.objects.filter(contract=small, date=dt.date(2026, 2, 28))
        .order_by("id")
        .values_list("kind", "interest", "interest_from")
    ) == [
        (LoanTxKind.ACCRUAL, D("249.32"), JAN_31),
        (LoanTxKind.ACCRUAL_REVERSAL, D("-249.32"), JAN_31),
        (LoanTxKind.ACCRUAL, D("64.74"), dt.date(2026, 2, 20)),
    ]
    assert account_balance(account="accrued_interest_ordinary") == D("423.91") + D("64.74")
    assert account_balance(account="accrued_interest_ordinary", as_of=dt.date(2026, 2, 27)) == D(
        "267.12"
    ) - D("267.12")
    assert loans_reconcile().ok


def test_the_naive_run_gives_the_same_figures(book, officer):
    assert loan_interest_accrual_run_naive(period_end=JAN_31, by=officer) == 3

    assert sorted(
        LoanTransaction.objects.filter(kind=LoanTxKind.ACCRUAL).values_list("interest", flat=True)
    ) == [
        D("69.04"),
        D("267.12"),
        D("493.15"),
    ]
    assert loans_reconcile().ok


def test_the_run_splits_days_at_rate_changes_and_years_by_the_day_basis(officer):
    # given: a product on the actual day basis (a leap-year day divided by 366), three contracts at 6%
    from sahakorn.core.models import CoopProfile
    from sahakorn.loans.rates import loan_rate_change
    from sahakorn.loans.tests.factories import loan_product

    product = loan_product(code="TAC", day_basis="actual")
    plain = contract_create(product=product, amount=D("100000.00"), disbursed_on=dt.date(2024, 1, 1))
    changed = contract_create(product=product, amount=D("100000.00"), disbursed_on=dt.date(2024, 1, 1))
    loan_rate_change(
        contract=changed, annual_rate=D("5.000"), effective_from=dt.date(2024, 1, 16), by=officer
    )
    across = contract_create(product=product, amount=D("100000.00"), disbursed_on=dt.date(2023, 12, 15))
    on_365 = contract_create(amount=D("100000.00"), disbursed_on=dt.date(2024, 1, 1))  # coop default: 365
    CoopProfile.objects.create(name_th="สหกรณ์ทดสอบ")

    # when
    run = loan_interest_accrual_run(period_end=dt.date(2024, 1, 31), by=officer)

    # then (hand-computed):
    #   plain:   100,000 × 6 × 30 / 36,600 = 491.803… → 491.80
    #   changed: 100,000 × (6 × 14 + 5 × 16) / 36,600 = 448.087… → 448.09 (2–15 Jan at 6%, 16–31 Jan at 5%)
    #   across:  600,000 × (16 × 366 + 31 × 365) / 13,359,000 = 771.210… → 771.21 (16 days of 2023 / 365,
    #            31 days of 2024 / 366)
    #   on_365:  100,000 × 6 × 30 / 36,500 = 493.150… → 493.15
    assert {c.pk: _accruals(c)[-1][0] for c in (plain, changed, across, on_365)} == {
        plain.pk: D("491.80"),
        changed.pk: D("448.09"),
        across.pk: D("771.21"),
        on_365.pk: D("493.15"),
    }
    assert run.amount == D("491.80") + D("448.09") + D("771.21") + D("493.15")
    assert loans_reconcile().ok


def test_the_per_contract_accrual_agrees_with_the_run(officer):
    # given: the same book twice over: one run, and the per-contract version on an identical copy
    from sahakorn.loans.batch import contract_accrual_post
    from sahakorn.loans.rates import loan_rate_change
    from sahakorn.loans.tests.factories import loan_product

    product = loan_product(code="TAC", day_basis="actual")
    a = contract_create(product=product, amount=D("123456.78"), disbursed_on=dt.date(2023, 11, 17))
    loan_rate_change(contract=a, annual_rate=D("6.750"), effective_from=dt.date(2024, 2, 10), by=officer)
    b = contract_create(product=product, amount=D("123456.78"), disbursed_on=dt.date(2023, 11, 17))
    loan_rate_change(contract=b, annual_rate=D("6.750"), effective_from=dt.date(2024, 2, 10), by=officer)

    # when: the run accrues contract a only (b is closed to it), and b is accrued alone
    LoanContract.objects.filter(pk=b.pk).update(status="closed")
    loan_interest_accrual_run(period_end=dt.date(2024, 2, 29), by=officer)
    LoanContract.objects.filter(pk=b.pk).update(status="active")
    b.refresh_from_db()
    single = contract_accrual_post(contract=b, period_end=dt.date(2024, 2, 29), by=officer)

    # then: the same figure to the satang
    assert _accruals(a)[-1][0] == single.interest


def test_reversing_a_back_dated_payoff_accrues_the_months_again(officer):
    # given: 100,000 at 6% from 1 Jan, accrued at 31 Jan (493.15) and 28 Feb (460.27); then a payoff
    # dated 15 Jan is keyed in: both accruals are reversed on their own dates and the contract closes
    from sahakorn.loans.payments import loan_payoff, loan_transaction_reverse

    contract = contract_create(amount=D("100000.00"), annual_rate=D("6.000"))
    loan_interest_accrual_run(period_end=JAN_31, by=officer)
    loan_interest_accrual_run(period_end=dt.date(2026, 2, 28), by=officer)
    payoff = loan_payoff(contract=contract, on=dt.date(2026, 1, 15), channel="cash", by=officer)
    assert account_balance(account="accrued_interest_ordinary") == D("0.00")

    # when: the payoff was a mistake, reversed on 5 Mar, and March is accrued
    loan_transaction_reverse(transaction_row=payoff, on=dt.date(2026, 3, 5), reason="ผิดสัญญา", by=officer)
    loan_interest_accrual_run(period_end=dt.date(2026, 3, 31), by=officer)

    # then: January and February accrued again (booked 5 Mar), March from 28 Feb:
    # 493.15 + 460.27 + 509.59 = 1,463.01 = 100,000 × 6% × 89 / 365
    live = LoanTransaction.objects.filter(
        contract=contract, kind=LoanTxKind.ACCRUAL, reversed_by__isnull=True
    )
    assert sorted(live.values_list("interest_to", "interest", "date")) == [
        (JAN_31, D("493.15"), dt.date(2026, 3, 5)),
        (dt.date(2026, 2, 28), D("460.27"), dt.date(2026, 3, 5)),
        (dt.date(2026, 3, 31), D("509.59"), dt.date(2026, 3, 31)),
    ]
    assert account_balance(account="accrued_interest_ordinary") == D("1463.01")
    assert loans_reconcile().ok


def test_a_rate_resolution_dated_back_recomputes_the_accruals_it_reaches(officer):
    # given: 100,000 at 6% from 1 Jan, accrued at 31 Jan (493.15) and 28 Feb (460.27), nothing paid
    from sahakorn.loans.rates import loan_rate_change

    contract = contract_create(amount=D("100000.00"), annual_rate=D("6.000"))
    loan_interest_accrual_run(period_end=JAN_31, by=officer)
    loan_interest_accrual_run(period_end=dt.date(2026, 2, 28), by=officer)

    # when: the board's cut to 5% from 16 Feb is recorded afterwards
    loan_rate_change(
        contract=contract, annual_rate=D("5.000"), effective_from=dt.date(2026, 2, 16), by=officer
    )

    # then: January stays; February is recomputed: (100,000 × 6 × 15 + 100,000 × 5 × 13) / 36,500 = 424.66
    live = LoanTransaction.objects.filter(
        contract=contract, kind=LoanTxKind.ACCRUAL, reversed_by__isnull=True
    )
    assert sorted(live.values_list("interest_to", "interest")) == [
        (JAN_31, D("493.15")),
        (dt.date(2026, 2, 28), D("424.66")),
    ]
    assert account_balance(account="accrued_interest_ordinary") == D("917.81")
    assert loans_reconcile().ok


def test_a_very_large_loan_long_unpaid_is_accrued_exactly_or_refused_on_sqlite(officer):
    # given: 100,000,000.00 at 7% with nothing paid for 400 days (past 2^63 in satang × rate × weights)
    from django.db import connection

    from sahakorn.loans.errors import LoanError

    contract_create(amount=D("100000000.00"), annual_rate=D("7.000"), disbursed_on=dt.date(2025, 2, 24))
    period_end = dt.date(2026, 3, 31)  # 400 days later, a month end (accruals take month ends only)

    if connection.vendor == "postgresql":
        # then: 100,000,000 × 7 × 400 / 36,500 = 7,671,232.876… → 7,671,232.88
        assert loan_interest_accrual_run(period_end=period_end, by=officer).amount == D("7671232.88")
    else:
        with pytest.raises(LoanError, match="ใช้ PostgreSQL"):
            loan_interest_accrual_run(period_end=period_end, by=officer)


# ======== Month ends only, in order, without gaps, never ahead (issue 11) ========


def _next_month_end_ahead() -> dt.date:
    """The first month end later than ``latest_batch_date`` (the reproduction's 2027-06-30, kept ahead)."""
    from sahakorn.core.dates import latest_batch_date
    from sahakorn.core.months import add_months, month_end

    end = month_end(latest_batch_date())
    return end if end > latest_batch_date() else month_end(add_months(end.replace(day=1), 1))


def test_an_accrual_dated_ahead_is_refused_and_posts_nothing(book, officer):
    # given
    from sahakorn.core.dates import latest_batch_date
    from sahakorn.core.thai import format_be_date
    from sahakorn.ledger.models import JournalEntry
    from sahakorn.loans.errors import LoanError

    ahead = _next_month_end_ahead()
    vouchers = JournalEntry.objects.count()  # the three disbursements

    # when / then
    with pytest.raises(LoanError) as refused:
        loan_interest_accrual_run(period_end=ahead, by=officer)
    assert refused.value.message == (
        f"การตั้งดอกเบี้ยเงินกู้ค้างรับ งวด {format_be_date(ahead)} ยังไม่ถึงกำหนด: ประมวลผลได้ไม่เกิน 3 วันก่อนสิ้นเดือน "
        f"(ถึงวันที่ {format_be_date(latest_batch_date())})"
    )
    assert not AccrualRun.objects.exists() and JournalEntry.objects.count() == vouchers
    assert not LoanTransaction.objects.filter(kind=LoanTxKind.ACCRUAL).exists()


def test_an_accrual_on_a_day_that_is_not_a_month_end_is_refused(book, officer):
    from sahakorn.loans.errors import LoanError

    with pytest.raises(LoanError) as refused:
        loan_interest_accrual_run(period_end=dt.date(2026, 1, 15), by=officer)
    assert refused.value.message == (
        "การตั้งดอกเบี้ยเงินกู้ค้างรับ ต้องลงวันสิ้นเดือน (15 ม.ค. 2569 ไม่ใช่วันสิ้นเดือน เช่น 31 ม.ค. 2569)"
    )
    assert refused.value.field == "period_end" and not AccrualRun.objects.exists()


def test_accruals_run_month_after_month_and_a_rerun_returns_the_run(book, officer):
    from sahakorn.loans.errors import LoanError

    # given
    january = loan_interest_accrual_run(period_end=JAN_31, by=officer)

    # when / then: March before February leaves a gap; December before January goes back
    with pytest.raises(LoanError) as gap:
        loan_interest_accrual_run(period_end=dt.date(2026, 3, 31), by=officer)
    assert gap.value.message == (
        "การตั้งดอกเบี้ยเงินกู้ค้างรับ งวด 31 มี.ค. 2569 ไม่ได้: ต้องประมวลผลงวด 28 ก.พ. 2569 ก่อน (งวดต้องต่อเนื่องไม่เว้นเดือน)"
    )
    with pytest.raises(LoanError) as back:
        loan_interest_accrual_run(period_end=dt.date(2025, 12, 31), by=officer)
    assert back.value.message == (
        "การตั้งดอกเบี้ยเงินกู้ค้างรับ งวด 31 ธ.ค. 2568 ไม่ได้: ประมวลผลงวด 31 ม.ค. 2569 ไปแล้ว งวดต้องประมวลผลตามลำดับ"
    )
    assert loan_interest_accrual_run(period_end=JAN_31, by=officer) == january
    assert loan_interest_accrual_run(period_end=dt.date(2026, 2, 28), by=officer).contracts == 3
    assert list(AccrualRun.objects.order_by("period_end").values_list("period_end", flat=True)) == [
        JAN_31,
        dt.date(2026, 2, 28),
    ]
