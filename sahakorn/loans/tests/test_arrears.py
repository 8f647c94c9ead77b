"""Missed installments and overdue principal (``loans/arrears.py``), figures worked out by hand.

Unless a test says otherwise the contract is the factory's: 100,000.00 at 6% a year, equal
installments (คงยอด), disbursed 1 January 2022, the first due date 1 February 2022, interest by
actual days / 365 half up to the satang. Its level payment is 100,000 × 0.005 / (1 − 1.005^−n)
rounded up to 10 baht; the first rows of the 12-installment schedule are

    row  due         principal  interest  payment   closing
    1    1 Feb 2022   8,100.41    509.59  8,610.00  91,899.59   100,000.00 × 6% × 31/365 = 509.59
    2    1 Mar 2022   8,187.01    422.99  8,610.00  83,712.58    91,899.59 × 6% × 28/365 = 422.99
    3    1 Apr 2022   8,183.41    426.59  8,610.00  75,529.17    83,712.58 × 6% × 31/365 = 426.59
    4    1 May 2022   8,237.53    372.47  8,610.00  67,291.64
    5    1 Jun 2022   8,267.09    342.91  8,610.00  59,024.55
    8    1 Sep 2022   8,394.17    215.83  8,610.00  33,959.85

and every payment pays the interest to its day first, then principal.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.core.models import CoopProfile
from sahakorn.loans import reports
from sahakorn.loans.arrears import (
    contracts_missed_installments,
    loan_arrears,
    members_missed_installments,
)
from sahakorn.loans.eligibility import loan_eligibility
from sahakorn.loans.models import ContractStatus, LoanTransaction, ScheduledInstallment
from sahakorn.loans.payments import loan_interest_refund, loan_payment_record, loan_payoff
from sahakorn.loans.selectors import loan_contracts_of
from sahakorn.loans.tests import factories
from sahakorn.loans.tests.factories import loan_product
from sahakorn.members.tests.factories import MemberFactory

pytestmark = pytest.mark.django_db

THREE_DAYS = dt.timedelta(days=3)
# Payments are never dated after today (core.dates), so the contracts here run in years wholly past:
# 2022–2024 have the same calendar of days (and 2024 the leap day) as 2026–2028 had.
START = dt.date(2022, 1, 1)


def contract_create(**kwargs):
    """The factory's contract, disbursed on ``START`` unless the test says otherwise."""
    return factories.contract_create(**{"disbursed_on": START, **kwargs})


def _coop(*, grace_days: int = 0, start_month: int = 1) -> CoopProfile:
    return CoopProfile.objects.create(
        name_th="สหกรณ์ออมทรัพย์ทดสอบ จำกัด",
        fiscal_year_start_month=start_month,
        installment_grace_days=grace_days,
    )


def _rows(contract) -> list[ScheduledInstallment]:
    return list(ScheduledInstallment.objects.filter(contract=contract).order_by("number"))


def _pay(contract, amount: D, on: dt.date, by) -> LoanTransaction:
    return loan_payment_record(contract=contract, amount=amount, on=on, channel="payroll", by=by)


def _year(year: int, **kwargs) -> dict[int, int]:
    return members_missed_installments(
        fiscal_year_start=dt.date(year, 1, 1), fiscal_year_end=dt.date(year, 12, 31), **kwargs
    )


def _listed(as_of: dt.date, **kwargs) -> list[tuple]:
    data = reports.loans_in_arrears(as_of=as_of, **kwargs)
    return [
        (
            r["number"],
            r["missed"],
            r["overdue"],
            r["months_overdue"],
            r["overdue_since"],
            r["interest_arrears"],
        )
        for r in data["rows"]
    ]


# ======== The reproductions ========


def _late_second_installment(officer, *, installments: int):
    """Every installment paid on its due date with the scheduled amount, except the 2nd, paid on
    4 March (3 days late); the last one pays the contract off."""
    contract = contract_create(installments=installments)
    for row in _rows(contract):
        on = row.due_date + THREE_DAYS if row.number == 2 else row.due_date
        if row.number == installments:
            contract.refresh_from_db()
            loan_payoff(contract=contract, on=on, channel="payroll", by=officer)
        else:
            _pay(contract, row.payment, on, officer)
    contract.refresh_from_db()
    return contract


def test_a_24_installment_loan_paid_once_3_days_late_misses_that_installment_only(officer):
    # given: 24 installments of 4,440.00 (100,000 × 0.005 / (1 − 1.005^−24) = 4,432.06 → 4,440.00).
    # Row 2 (1 Mar) is 3,997.82 principal + 442.18 interest (96,069.59 × 6% × 28/365). Paid on
    # 4 March, 31 days of interest: 96,069.59 × 6% × 31/365 = 489.56, so 3,950.44 principal,
    # 47.38 less than scheduled. Row 3 on 1 April then charges 28 days instead of 31: 424.00, so
    # 4,016.00 principal, and the principal repaid stays 2.19 below the schedule's (11,896.85 to
    # 11,899.04): the old count (principal only) missed every installment from the 2nd on, 10 in
    # 2022 and 12 in 2023. The money paid equals the schedule's from 4 March on.
    contract = _late_second_installment(officer, installments=24)
    rows = _rows(contract)
    assert (rows[1].principal, rows[1].interest, rows[1].payment) == (D("3997.82"), D("442.18"), D("4440.00"))
    late = LoanTransaction.objects.get(contract=contract, date=dt.date(2022, 3, 4))
    assert (late.principal, late.interest) == (D("-3950.44"), D("489.56"))
    april = LoanTransaction.objects.get(contract=contract, date=dt.date(2022, 4, 1))
    assert (april.principal, april.interest) == (D("-4016.00"), D("424.00"))
    member = contract.member_id

    # when / then: with no grace, the 2nd installment was not covered on 1 March (nothing paid
    # for it yet): 1 missed in 2022, none in 2023 and 2024
    assert (_year(2022), _year(2023), _year(2024)) == ({member: 1}, {}, {})
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 12, 31)) == (1, D("0.00"))
    assert loan_arrears(contract=contract, as_of=dt.date(2023, 12, 31)) == (0, D("0.00"))
    # with 3 days' grace it was paid in time
    assert (_year(2022, grace_days=3), _year(2023, grace_days=3)) == ({}, {})
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 12, 31), grace_days=3) == (0, D("0.00"))
    assert contract.status == ContractStatus.CLOSED


def test_a_closed_12_installment_loan_paid_once_3_days_late_misses_that_installment_only(officer):
    # given: the same late 2nd installment on the 12-installment schedule, the 12th paying off
    # (the old count: 10 missed in 2022, the contract closed on 1 January 2023)
    contract = _late_second_installment(officer, installments=12)

    # then
    assert (contract.status, contract.closed_on) == (ContractStatus.CLOSED, dt.date(2023, 1, 1))
    assert (_year(2022), _year(2023)) == ({contract.member_id: 1}, {})
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 12, 31)) == (1, D("0.00"))
    assert _year(2022, grace_days=3) == {}


def test_a_closed_12_installment_loan_paid_on_time_misses_nothing(officer):
    # given: every installment on its due date with the scheduled payment; the 12th (8,554.74)
    # closes the contract
    contract = contract_create()
    for row in _rows(contract):
        _pay(contract, row.payment, row.due_date, officer)
    contract.refresh_from_db()

    # then
    assert (contract.status, contract.principal_balance) == (ContractStatus.CLOSED, D("0.00"))
    assert (_year(2022), _year(2023)) == ({}, {})
    assert loan_arrears(contract=contract, as_of=dt.date(2023, 1, 1)) == (0, D("0.00"))
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 12, 31)) == (0, D("0.00"))


def test_the_coops_grace_days_are_read_when_none_are_given(officer):
    # given: the coop allows 3 days; the 2nd installment paid on 4 March
    _coop(grace_days=3)
    contract = _late_second_installment(officer, installments=12)

    # then: every reader uses the coop's 3 days
    assert _year(2022) == {}
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 12, 31)) == (0, D("0.00"))
    assert contracts_missed_installments(as_of=dt.date(2022, 12, 31), contract=contract) == {}
    # … and 0 days when asked for
    assert _year(2022, grace_days=0) == {contract.member_id: 1}


def test_an_installment_inside_its_grace_days_is_not_judged_yet(officer):
    # given: 3 days' grace; the 1st installment paid on time, nothing yet for the 2nd (1 March)
    _coop(grace_days=3)
    contract = contract_create()
    _pay(contract, D("8610.00"), dt.date(2022, 2, 1), officer)

    # when: 3 March (inside the grace days) and 4 March (their last day, judged at its end)
    # then: not missed until the grace days are over; the principal overdue counts from the due
    # date: min(8,187.01 principal, 8,610.00 payment) = 8,187.01
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 3, 3)) == (0, D("8187.01"))
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 3, 4)) == (1, D("8187.01"))
    assert _listed(dt.date(2022, 3, 3)) == [
        (contract.number, 0, D("8187.01"), 1, dt.date(2022, 3, 1), D("0.00"))
    ]
    # the dividend run judges every installment of the year, grace or not
    assert members_missed_installments(
        fiscal_year_start=dt.date(2022, 1, 1), fiscal_year_end=dt.date(2022, 3, 3)
    ) == {contract.member_id: 1}


def test_an_interest_refund_takes_its_money_back(officer):
    # given: 3 days' grace; the 2nd installment paid on 4 March, 8,610.00: 31 days of interest
    # 91,899.59 × 6% × 31/365 = 468.31, principal 8,141.69 (45.32 short of row 2's 8,187.01, the
    # money exact); on 10 March 10.00 of interest is given back
    _coop(grace_days=3)
    contract = contract_create()
    _pay(contract, D("8610.00"), dt.date(2022, 2, 1), officer)
    late = _pay(contract, D("8610.00"), dt.date(2022, 3, 4), officer)
    assert (late.interest, late.principal) == (D("468.31"), D("-8141.69"))
    loan_interest_refund(
        contract=contract,
        amount=D("10.00"),
        on=dt.date(2022, 3, 10),
        channel="bank",
        reason="ทดสอบ",
        by=officer,
    )

    # then: the 2nd installment was covered on 4 March (the refund came after); on 15 March the
    # money paid is 10.00 short of the two payments: overdue min(45.32, 10.00) = 10.00
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 3, 15)) == (0, D("10.00"))
    assert _listed(dt.date(2022, 3, 15)) == [
        (contract.number, 0, D("10.00"), 1, dt.date(2022, 3, 1), D("0.00"))
    ]


# ======== Missed, caught up, prepaid ========


def test_a_missed_installment_counts_once_and_its_principal_is_overdue_to_the_satang(officer):
    # given: the 1st and 2nd paid on time, nothing on 1 April (row 3)
    contract = contract_create()
    for row in _rows(contract)[:2]:
        _pay(contract, row.payment, row.due_date, officer)

    # when: 15 April
    # then: row 3 missed; overdue = min(scheduled principal 24,470.83 − repaid 16,287.42,
    # scheduled payments 25,830.00 − paid 17,220.00) = min(8,183.41, 8,610.00) = 8,183.41
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 4, 15)) == (1, D("8183.41"))
    assert _listed(dt.date(2022, 4, 15)) == [
        (contract.number, 1, D("8183.41"), 1, dt.date(2022, 4, 1), D("0.00"))
    ]

    # when: on 1 May the member pays two installments, 17,220.00: interest 1 Mar – 1 May
    # 83,712.58 × 6% × 61/365 = 839.42, principal 16,380.58, so 32,668.00 repaid against the
    # schedule's 32,708.36 (40.36 short: the old count missed 1 May too); the money, 34,440.00,
    # is the four payments
    catch_up = _pay(contract, D("17220.00"), dt.date(2022, 5, 1), officer)
    assert (catch_up.interest, catch_up.principal) == (D("839.42"), D("-16380.58"))

    # then: still the one installment missed in the year, nothing overdue; the report lists the
    # contract for its missed installment
    as_of = dt.date(2022, 5, 15)
    assert loan_arrears(contract=contract, as_of=as_of) == (1, D("0.00"))
    assert _listed(as_of) == [(contract.number, 1, D("0.00"), 0, None, D("0.00"))]
    assert members_missed_installments(fiscal_year_start=dt.date(2022, 1, 1), fiscal_year_end=as_of) == {
        contract.member_id: 1
    }


def test_a_prepayment_covers_the_installments_skipped_after_it(officer):
    # given: on 1 February the member pays 38,610.00 (the installment and 30,000.00 more): 509.59
    # interest, 38,100.41 principal. Nothing on 1 March, 1 April, 1 May: the schedule's principal
    # through them is 16,287.42, 24,470.83 and 32,708.36, all reached already.
    contract = contract_create()
    _pay(contract, D("38610.00"), dt.date(2022, 2, 1), officer)

    # then: nothing missed or overdue while skipping
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 5, 15)) == (0, D("0.00"))
    assert _listed(dt.date(2022, 5, 15)) == []

    # when: on 1 June one installment, 8,610.00: 120 days of interest on 61,899.59 = 1,221.03,
    # principal 7,388.97, 45,489.38 repaid in all against 40,975.45 scheduled through row 5
    june = _pay(contract, D("8610.00"), dt.date(2022, 6, 1), officer)
    assert (june.interest, june.principal) == (D("1221.03"), D("-7388.97"))

    # then
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 6, 15)) == (0, D("0.00"))
    assert (
        members_missed_installments(
            fiscal_year_start=dt.date(2022, 1, 1), fiscal_year_end=dt.date(2022, 6, 30)
        )
        == {}
    )


def test_an_installment_missed_in_the_previous_fiscal_year_is_not_counted_in_this_one(officer):
    # given: fiscal years from October (2565: 1 Oct 2021 – 30 Sep 2022); rows 1–7 paid on time,
    # nothing on 1 September (row 8), two installments on 1 October, then rows 10 and 11 on time
    # and the payoff on the 12th's due date
    _coop(start_month=10)
    contract = contract_create()
    rows = _rows(contract)
    for row in rows[:7]:
        _pay(contract, row.payment, row.due_date, officer)

    # then: on 15 September row 8 is missed in 2565, its principal 8,394.17 overdue
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 9, 15)) == (1, D("8394.17"))

    # when
    _pay(contract, D("17220.00"), dt.date(2022, 10, 1), officer)
    for row in rows[9:11]:
        _pay(contract, row.payment, row.due_date, officer)
    loan_payoff(contract=contract, on=rows[11].due_date, channel="payroll", by=officer)

    # then: nothing missed in 2566 (from 1 October 2022), the one in 2565 stays there
    member = contract.member_id
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 10, 15)) == (0, D("0.00"))
    assert _listed(dt.date(2022, 10, 15)) == []
    assert members_missed_installments(
        fiscal_year_start=dt.date(2021, 10, 1), fiscal_year_end=dt.date(2022, 9, 30)
    ) == {member: 1}
    assert (
        members_missed_installments(
            fiscal_year_start=dt.date(2022, 10, 1), fiscal_year_end=dt.date(2023, 9, 30)
        )
        == {}
    )


# ======== One figure everywhere ========


@pytest.fixture
def behind(officer):
    """3 days' grace, fiscal year from January; as of 15 June 2022.

    - A1 (member A, ordinary 100,000.00): rows 1–2 on time, nothing on 1 April and 1 May, three
      installments (25,830.00) on 1 June: interest 1 Mar – 1 Jun 83,712.58 × 6% × 92/365 =
      1,266.02, principal 24,563.98, 40,851.40 repaid against 40,975.45 scheduled through row 5
      (124.05 short) but the money of five installments: 2 missed, nothing overdue.
    - A2 (member A, emergency 24,000.00, installment 2,070.00): rows 1–4 on time, nothing on
      1 June: 1 missed, row 5's principal 1,987.78 overdue.
    - B1 (member B, ordinary 100,000.00): rows 1–5 on time.
    """
    _coop(grace_days=3)
    a, b = MemberFactory(), MemberFactory()
    ordinary = loan_product(family="ordinary")
    emergency = loan_product(family="emergency", max_missed_installments=2)
    a1 = contract_create(member=a, product=ordinary, number="A1")
    a2 = contract_create(member=a, product=emergency, amount=D("24000.00"), number="A2")
    b1 = contract_create(member=b, product=ordinary, number="B1")
    for row in _rows(a1)[:2]:
        _pay(a1, row.payment, row.due_date, officer)
    _pay(a1, D("25830.00"), dt.date(2022, 6, 1), officer)
    for row in _rows(a2)[:4]:
        _pay(a2, row.payment, row.due_date, officer)
    for row in _rows(b1)[:5]:
        _pay(b1, row.payment, row.due_date, officer)
    return {
        "a": a,
        "b": b,
        "a1": a1,
        "a2": a2,
        "b1": b1,
        "emergency": emergency,
        "as_of": dt.date(2022, 6, 15),
    }


def test_the_member_card_report_loan_arrears_dividend_run_and_eligibility_agree(behind):
    # given
    as_of, a, b = behind["as_of"], behind["a"], behind["b"]
    assert _rows(behind["a2"])[4].principal == D("1987.78")

    # when
    report = {r["number"]: r for r in reports.loans_in_arrears(as_of=as_of)["rows"]}
    card = {s.contract.number: s.missed_installments for s in loan_contracts_of(member=a, on=as_of)}
    card_b = {s.contract.number: s.missed_installments for s in loan_contracts_of(member=b, on=as_of)}
    by_contract = {key: loan_arrears(contract=behind[key], as_of=as_of) for key in ("a1", "a2", "b1")}
    dividend = members_missed_installments(fiscal_year_start=dt.date(2022, 1, 1), fiscal_year_end=as_of)
    checks = {
        member.pk: next(
            c for c in loan_eligibility(member=member, product=behind["emergency"], on=as_of).checks
            if c.rule == "ขาดชำระค่างวดในปีบัญชี"
        )
        for member in (a, b)
    }  # fmt: skip

    # then
    assert {n: (r["missed"], r["overdue"]) for n, r in report.items()} == {
        "A1": (2, D("0.00")), "A2": (1, D("1987.78")),
    }  # fmt: skip
    assert by_contract == {"a1": (2, D("0.00")), "a2": (1, D("1987.78")), "b1": (0, D("0.00"))}
    assert card == {"A2": 1, "A1": 2}
    assert card_b == {"B1": 0}
    assert dividend == {a.pk: 3}
    assert (checks[a.pk].figure, checks[a.pk].passed) == ("3 งวด (ไม่เกิน 2 งวด)", False)
    assert checks[a.pk].message == "ขาดชำระค่างวดในปีบัญชีเกินที่กำหนด"
    assert (checks[b.pk].figure, checks[b.pk].passed) == ("0 งวด (ไม่เกิน 2 งวด)", True)


def test_a_product_without_the_rule_adds_no_check(behind):
    # when: the ordinary product has no limit on missed installments
    eligibility = loan_eligibility(member=behind["a"], product=behind["a1"].product, on=behind["as_of"])

    # then
    assert all(c.rule != "ขาดชำระค่างวดในปีบัญชี" for c in eligibility.checks)


def test_the_member_card_and_the_report_show_the_interest_in_arrears(behind, officer):
    # given: on 1 July B1's payroll deduction of 200.00 does not cover the month's interest,
    # 59,024.55 × 6% × 30/365 = 291.08: 91.08 stays in arrears
    b1 = behind["b1"]
    short = _pay(b1, D("200.00"), dt.date(2022, 7, 1), officer)
    assert (short.principal, short.interest, short.interest_arrears) == (D("0.00"), D("200.00"), D("91.08"))
    as_of = dt.date(2022, 7, 15)

    # when
    data = reports.loans_in_arrears(as_of=as_of)
    (card,) = loan_contracts_of(member=behind["b"], on=as_of)

    # then: row 6 (1 July) is missed, 200.00 of its 8,610.00 paid and no principal; overdue
    # min(8,318.92, 8,410.00) = 8,318.92
    b1_row = next(r for r in data["rows"] if r["number"] == "B1")
    assert (b1_row["missed"], b1_row["overdue"], b1_row["interest_arrears"]) == (1, D("8318.92"), D("91.08"))
    assert data["totals"]["interest_arrears"] == D("91.08")
    assert (card.missed_installments, card.interest_arrears) == (1, D("91.08"))
    # the day before, nothing was in arrears yet
    assert reports.loans_in_arrears(as_of=dt.date(2022, 6, 30))["totals"]["interest_arrears"] == D("0.00")

    # when: on 1 August 9,000.00 collects the 91.08 first, then 31 days' interest 59,024.55 × 6% ×
    # 31/365 = 300.78, then 8,608.14 principal
    august = _pay(b1, D("9000.00"), dt.date(2022, 8, 1), officer)
    assert (august.interest, august.interest_arrears, august.principal) == (
        D("391.86"),
        D("-91.08"),
        D("-8608.14"),
    )

    # then: nothing in arrears on 15 August
    b1_row = next(
        r for r in reports.loans_in_arrears(as_of=dt.date(2022, 8, 15))["rows"] if r["number"] == "B1"
    )
    assert b1_row["interest_arrears"] == D("0.00")


def test_a_reversed_payment_covers_no_installment(officer):
    # given: 100,000 at 6%, 12 level installments of 8,610.00 from 1 Feb 2022; installment 1 paid on
    # 1 Feb and reversed on 5 Feb (the payroll transfer bounced); nothing else paid
    from sahakorn.loans.arrears import loan_arrears, members_missed_installments
    from sahakorn.loans.payments import loan_payment_record, loan_transaction_reverse

    contract = contract_create(
        amount=D("100000.00"), annual_rate=D("6.000"), disbursed_on=dt.date(2022, 1, 1)
    )
    paid = loan_payment_record(
        contract=contract, amount=D("8610.00"), on=dt.date(2022, 2, 1), channel="payroll", by=officer
    )
    loan_transaction_reverse(transaction_row=paid, on=dt.date(2022, 2, 5), reason="โอนไม่ผ่าน", by=officer)

    # when / then: on 31 Mar both installments due are missed (the reversal stands on 1 Feb)
    missed, _ = loan_arrears(contract=contract, as_of=dt.date(2022, 3, 31), grace_days=0)
    assert missed == 2
    # and as known on 3 Feb (before the reversal was booked) installment 1 was covered
    assert loan_arrears(contract=contract, as_of=dt.date(2022, 2, 3), grace_days=0)[0] == 0
    # the year: all 11 installments due in 2022 missed
    assert members_missed_installments(
        fiscal_year_start=dt.date(2022, 1, 1), fiscal_year_end=dt.date(2022, 12, 31), grace_days=0
    ) == {contract.member_id: 11}


def test_arrears_count_missed_installments(officer):
    contract = contract_create(disbursed_on=dt.date(2022, 9, 1), first_due=dt.date(2022, 10, 1))
    rows = list(ScheduledInstallment.objects.filter(contract=contract).order_by("number"))
    loan_payment_record(
        contract=contract, amount=rows[0].payment, on=rows[0].due_date, channel="payroll", by=officer
    )

    missed, overdue = loan_arrears(contract=contract, as_of=dt.date(2022, 12, 15))

    assert missed == 2
    assert overdue == rows[1].principal + rows[2].principal
    by_member = members_missed_installments(
        fiscal_year_start=dt.date(2022, 1, 1), fiscal_year_end=dt.date(2022, 12, 15)
    )
    assert by_member == {contract.member_id: 2}
