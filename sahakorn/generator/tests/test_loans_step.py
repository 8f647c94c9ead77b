import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F, Q, Sum

from sahakorn.generator.coop import STEPS, coop_generate
from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.loans import calc
from sahakorn.loans.arrears import members_missed_installments
from sahakorn.loans.batch import loan_interest_accrual_run
from sahakorn.loans.eligibility import loan_eligibility_all
from sahakorn.loans.models import (
    ApplicationStatus,
    ContractStatus,
    Guarantee,
    LoanApplication,
    LoanContract,
    LoanEvent,
    LoanEventKind,
    LoanTransaction,
    LoanTxKind,
    RepaymentStyle,
)
from sahakorn.loans.reconcile import loans_reconcile
from sahakorn.loans.selectors import loan_contracts_of
from sahakorn.loans.services import loan_application_checks
from sahakorn.members.models import Member, MemberStatus, MemberType

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 22)
START = dt.date(2024, 1, 1)
NUMBER = re.compile(r"^(10|20|30)-(25\d\d)-(\d{6})$")


class _Rollback(Exception):
    pass


@pytest.fixture
def coop():
    return coop_generate(members=500, years=3, seed=11, as_of=AS_OF)


def test_loans_step_comes_after_every_sub_ledger_it_builds_on():
    names = [name for name, _ in STEPS]
    # (then billing's: the months billed by the real cycle, and the bank-paying members)
    assert names[names.index("loans") + 1 :] == ["billing_history", "bank_debits"]


def test_the_loan_book_reconciles_with_the_ledger(coop):
    # then: transactions = contracts' balances = GL per family, and every voucher balances
    result = loans_reconcile()
    assert result.ok, result.lines
    assert {f.family for f in result.families if f.contracts > 0} == {"emergency", "ordinary", "special"}
    # … on any day of the history too: the summary vouchers are per family and day
    for day in (dt.date(2024, 6, 17), dt.date(2025, 12, 31), dt.date(2026, 5, 29)):
        assert all(f.transactions == f.ledger for f in loans_reconcile(as_of=day).families)
    out = StringIO()
    call_command("loans", "check", stdout=out)
    call_command("ledger", "check", stdout=out)
    assert "loans check OK" in out.getvalue() and "ledger check OK" in out.getvalue()
    # one opening voucher per family at the history start, in the loans' journal like the rest: the
    # control accounts take postings from their sub-ledger only, and the contracts carry these balances
    openings = JournalEntry.objects.filter(source=EntrySource.LOANS, description__startswith="ยอดยกมาลูกหนี้")
    assert openings.count() == 3 and set(openings.values_list("date", flat=True)) == {START}


def test_contracts_applications_and_transactions_fit_together(coop):
    contracts = LoanContract.objects.all()
    active = contracts.filter(status=ContractStatus.ACTIVE)
    # then: a book of about three live contracts per active member, in every family
    members = Member.objects.filter(status=MemberStatus.ACTIVE).count()
    assert 2.5 * members <= active.count() <= 3.6 * members
    by_product = dict(active.values_list("product__code").annotate(n=Count("id")))
    assert by_product["10"] > by_product["30"] and by_product["20"] > by_product["30"] > 0.1 * members
    # every contract has its disbursed application, numbered as loan_disburse numbers them
    assert LoanApplication.objects.count() == contracts.count()
    assert not LoanApplication.objects.exclude(status=ApplicationStatus.DISBURSED).exists()
    assert not contracts.exclude(member_id=F("application__member_id")).exists()
    numbers = list(contracts.values_list("number", "product__code", "disbursed_on"))
    for number, code, disbursed in numbers:
        match = NUMBER.match(number)
        assert match and match[1] == code and int(match[2]) == disbursed.year + 543
    # inside the history the numbers of a product and year run 1, 2, 3 … in disbursement order
    inside = defaultdict(list)
    for number, code, disbursed in sorted(numbers, key=lambda n: (n[2], n[0])):
        if disbursed >= START:
            inside[(code, disbursed.year)].append(int(number[-6:]))
    assert all(seqs == list(range(1, len(seqs) + 1)) for seqs in inside.values())
    # contracts from before the history come in with one OPENING row, the others with a DISBURSEMENT
    kinds = dict(LoanTransaction.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds[LoanTxKind.OPENING] == contracts.filter(disbursed_on__lt=START).count() > 0
    assert kinds[LoanTxKind.DISBURSEMENT] == contracts.filter(disbursed_on__gte=START).count()
    assert kinds[LoanTxKind.NETTING] == contracts.filter(refinanced_by__isnull=False).count() > 0
    assert LoanTxKind.ACCRUAL not in kinds  # the real accrual run takes over at as_of
    payroll = LoanTransaction.objects.filter(kind=LoanTxKind.PAYMENT, channel="payroll")
    assert payroll.count() > 10 * active.count()
    assert not payroll.filter(Q(date__lt=START) | Q(date__gte=AS_OF)).exists()
    # the approver's checks: the full list for the last year's applications, all passed; one row before
    recent = LoanApplication.objects.filter(applied_on__gte=AS_OF - dt.timedelta(days=365))
    assert recent.exists()
    for application in recent.select_related("product")[:200]:
        assert len(application.checks) >= 4 and all(check["passed"] for check in application.checks)
        if application.product.code == "20":
            assert any(check["rule"].startswith("ผู้ค้ำหนึ่งคนค้ำได้ไม่เกิน") for check in application.checks)
    older = LoanApplication.objects.filter(applied_on__lt=AS_OF - dt.timedelta(days=365))
    assert {len(checks) for checks in older.values_list("checks", flat=True)} == {1}
    # closed contracts are closed by their last movement and hold nothing
    closed = contracts.filter(status=ContractStatus.CLOSED)
    assert not closed.exclude(principal_balance=0).exists()
    assert not closed.filter(closed_on__isnull=True).exists()
    assert not LoanTransaction.objects.filter(date__gt=F("contract__closed_on")).exists()


def test_members_who_left_hold_no_loans_and_paid_off_when_leaving(coop):
    # then
    left = Member.objects.exclude(status=MemberStatus.ACTIVE)
    assert not LoanContract.objects.filter(member__in=left, status=ContractStatus.ACTIVE).exists()
    assert not LoanContract.objects.filter(
        member__in=left, disbursed_on__gt=F("member__status_since")
    ).exists()
    payoffs = LoanTransaction.objects.filter(memo="ปิดบัญชีเงินกู้ (พ้นสมาชิกภาพ)")
    assert payoffs.exists()
    assert not payoffs.exclude(date=F("contract__member__status_since")).exists()


def test_guarantors_follow_the_guarantee_rules(coop):
    # then: the ordinary loans have the guarantors their band needs, from active ordinary members of
    # 12 months or more, never the borrower, never more than three contracts at once
    ordinary = LoanContract.objects.filter(product__code="20")
    assert not LoanContract.objects.exclude(product__code="20").filter(guarantees__isnull=False).exists()
    live = Guarantee.objects.filter(ended_on__isnull=True)
    for c in ordinary.filter(status=ContractStatus.ACTIVE).annotate(
        n=Count("guarantees", filter=Q(guarantees__in=live))
    ):
        needed = 1 if c.amount <= 200_000 else 2 if c.amount <= 500_000 else 3 if c.amount <= 800_000 else 4
        assert c.n == needed, (c.number, c.amount, c.n)
    rows = list(
        Guarantee.objects.values_list(
            "guarantor_id", "started_on", "ended_on", "contract__closed_on", "contract__member_id",
            "guarantor__member_type", "guarantor__joined_on", "guarantor__status", "guarantor__status_since",
        )
    )  # fmt: skip
    spans = defaultdict(list)
    for guarantor, start, ended, closed, borrower, kind, joined, status, since in rows:
        assert guarantor != borrower and kind == MemberType.ORDINARY
        assert calc.add_months(joined, 12) <= start
        assert status == MemberStatus.ACTIVE or start < since
        spans[guarantor].append((start, ended or closed or dt.date.max))
    for intervals in spans.values():
        for start, _ in intervals:
            assert sum(1 for s, e in intervals if s <= start < e) <= 3
    # colleagues first: most guarantors work in the borrower's unit
    same_unit = Guarantee.objects.filter(guarantor__unit_id=F("contract__member__unit_id")).count()
    assert same_unit > 0.6 * len(rows)
    # a guarantor may not resign while guaranteeing: the borrower replaced them before
    resigned = Guarantee.objects.filter(guarantor__status=MemberStatus.RESIGNED)
    assert resigned.exists()
    assert not resigned.filter(
        Q(ended_on__isnull=True) | Q(ended_on__gt=F("guarantor__status_since"))
    ).exists()
    # one who died or was expelled was replaced, or the contract waits for one (flagged, the borrower told)
    replaced = Guarantee.objects.filter(end_reason__startswith="เปลี่ยนผู้ค้ำเป็น")
    assert replaced.exists()
    waiting = live.filter(contract__status=ContractStatus.ACTIVE).exclude(
        guarantor__status=MemberStatus.ACTIVE
    )
    flagged = LoanContract.objects.filter(guarantor_replacement_needed=True)
    assert set(flagged.values_list("id", flat=True)) == set(waiting.values_list("contract_id", flat=True))
    assert LoanEvent.objects.filter(kind=LoanEventKind.GUARANTOR_LEFT).count() == waiting.count()


def test_schedules_come_from_the_calculators_and_payments_pay_interest_to_the_day_first(coop):
    # then: a contract disbursed inside the history stores the schedule loan_disburse stores …
    for c in (
        LoanContract.objects.filter(disbursed_on__gte=START).select_related("product").order_by("id")[:40]
    ):
        make = calc.schedule_equal_principal if c.repayment_style == RepaymentStyle.EQUAL_PRINCIPAL else (
            calc.schedule_equal_installment)  # fmt: skip
        rounding = {"principal_rounding" if make is calc.schedule_equal_principal else "installment_step_rounding":
                    "ten_baht_up"}  # fmt: skip
        expected = make(amount=c.amount, annual_rate=c.annual_rate, first_due=c.first_due, installments=c.installments,
                        disbursed_on=c.disbursed_on, **rounding)  # fmt: skip
        stored = list(
            c.schedule.order_by("number").values_list("number", "due_date", "principal", "interest")
        )
        assert stored == [(r.number, r.due_date, r.principal, r.interest) for r in expected]
    # … and one brought forward stores the rows from the history start on
    carried = LoanContract.objects.filter(disbursed_on__lt=START, status=ContractStatus.ACTIVE).first()
    first = carried.schedule.order_by("number").first()
    assert first.number > 1 and first.due_date >= START
    assert carried.schedule.filter(due_date__lt=START).count() == 0
    # every payment is interest on the balance to its day (the product's rounding), then principal
    for c in LoanContract.objects.order_by("id")[::25]:
        balance = D(0)
        for t in c.transactions.order_by("date", "id"):
            if t.kind in (LoanTxKind.PAYMENT, LoanTxKind.NETTING):
                assert t.interest == calc.interest_between(principal=balance, start=t.interest_from, end=t.interest_to,
                                                           rates=[calc.RatePeriod(dt.date.min, c.annual_rate)])  # fmt: skip
                assert 0 < -t.principal <= balance or (t.principal == 0 and t.interest > 0)
            balance += t.principal
        assert balance == c.principal_balance


def test_a_few_members_are_in_arrears(coop):
    # when
    missed = members_missed_installments(fiscal_year_start=dt.date(2026, 1, 1), fiscal_year_end=AS_OF)

    # then: some, not many (the readers compare stored rows with repayments in the system)
    borrowers = LoanContract.objects.filter(status=ContractStatus.ACTIVE).values("member").distinct().count()
    assert 0 < len(missed) < 0.1 * borrowers


def test_the_services_take_over_after_the_generated_history(coop):
    # when: the month-end accrual after as_of, and an eligibility check of a borrower
    run = loan_interest_accrual_run(period_end=dt.date(2026, 11, 30))

    # then
    active = LoanContract.objects.filter(status=ContractStatus.ACTIVE, principal_balance__gt=0)
    assert run.contracts == active.exclude(interest_paid_to__gte=dt.date(2026, 11, 30)).count()
    assert loans_reconcile().ok
    member = (
        Member.objects.filter(status=MemberStatus.ACTIVE, loan_contracts__status=ContractStatus.ACTIVE)
        .annotate(n=Count("loan_contracts")).order_by("-n", "number").first()
    )  # fmt: skip
    assert len(loan_eligibility_all(member=member, on=AS_OF)) == 3
    summaries = loan_contracts_of(member=member, on=AS_OF)
    assert summaries and all(s.installments_paid >= 0 for s in summaries)
    ordinary = member.loan_contracts.filter(product__code="20").first() or LoanContract.objects.filter(
        product__code="20").first()  # fmt: skip
    checks = loan_application_checks(member=member, product=ordinary.product, amount=D("50000.00"), installments=12,
                                     guarantors=[], on=AS_OF)  # fmt: skip
    assert checks


def _snapshot() -> list:
    return list(
        LoanContract.objects.order_by("number").values_list(
            "number", "member__number", "amount", "installments", "disbursed_on", "principal_balance", "status",
            "interest_paid_to",
        )
    ) + list(
        Guarantee.objects.order_by("contract__number", "guarantor__number", "started_on").values_list(
            "contract__number", "guarantor__number", "started_on", "ended_on", "end_reason"
        )
    ) + [LoanTransaction.objects.aggregate(p=Sum("principal"), i=Sum("interest"), n=Count("id"))]  # fmt: skip


def _generate_and_roll_back(**kwargs) -> list:
    try:
        with transaction.atomic():
            coop_generate(**kwargs)
            snap = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    return snap


def test_the_loan_book_is_deterministic():
    # when
    first = _generate_and_roll_back(members=150, years=2, seed=5, as_of=AS_OF)
    second = _generate_and_roll_back(members=150, years=2, seed=5, as_of=AS_OF)
    other = _generate_and_roll_back(members=150, years=2, seed=6, as_of=AS_OF)

    # then
    assert len(first) > 300
    assert first == second
    assert first != other


def test_bench_loans_runs_on_a_tiny_coop_and_leaves_the_data_unchanged():
    # when: the bench generates a coop into the empty database, then times everything
    out = StringIO()
    call_command("bench", "loans", "--members", "150", "--years", "1", "--naive-cap", "10", "--repeat", "1",
                 stdout=out)  # fmt: skip

    # then
    text = out.getvalue()
    for operation in ("loan_interest_accrual_run()", "naive per-loan service", "one SQL SUM/GROUP BY",
                      "loan_eligibility_all()", "loan_application_checks()", "naive, walks every loan",
                      "one SQL aggregate"):  # fmt: skip
        assert operation in text
    assert "same total as the run" in text and "same figures as the walk" in text
    assert (
        f"unchanged after the bench: loan transactions {LoanTransaction.objects.count():,}, accrual runs 0"
        in text
    )
