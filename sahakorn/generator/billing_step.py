"""Members of the generated coop who pay by bank account (หักบัญชีธนาคาร), a step after the loans.

About 2% of the active members (pensioners and staff of units that do not deduct pay do this in
real coops) sign a mandate to have the monthly bill debited from the bank account on their member
record, starting with the first month after ``as_of`` (the history before it is payroll); the coop's
collecting account for the bank's file is set. The next month's freeze then bills them by bank and
the cycle page offers the bank's 130-character file. Drawn from ``coop.rng("bank_debits")``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sahakorn.billing.models import (
    BankDebitAccount,
    BankDebitMandate,
    Bill,
    BillingMethod,
    BillLine,
    OverDeduction,
)
from sahakorn.billing.services import (
    billing_cycle_close,
    billing_cycle_freeze,
    billing_period_open,
    billing_units_post,
    over_deduction_refund,
)
from sahakorn.core.dates import today
from sahakorn.core.money import ZERO, round_money
from sahakorn.core.months import add_months
from sahakorn.generator.coop import GeneratedCoop, analyze
from sahakorn.loans.errors import LoanError
from sahakorn.loans.models import LoanContract
from sahakorn.loans.payments import loan_payment_record
from sahakorn.members.models import Member, MemberStatus, Unit

SHARE = 0.02


def bank_debits_step(coop: GeneratedCoop) -> None:
    rng = coop.rng("bank_debits")
    starts = add_months(coop.as_of.replace(day=1), 1)
    BankDebitAccount.objects.create(
        bank_code="006", account_no="0001234567", company_name="SAHAKORN SAVINGS COOP", service_code="01"
    )
    members = Member.objects.filter(status=MemberStatus.ACTIVE).exclude(bank_account_no="").order_by("number")
    chosen = [
        (member_id, bank, account)
        for member_id, bank, account in members.values_list("pk", "bank_code", "bank_account_no")
        if rng.random() < SHARE and len(account) == 10 and account.isdigit() and len(bank) == 3
    ]
    BankDebitMandate.objects.bulk_create(
        BankDebitMandate(member_id=member_id, bank_code=bank, account_no=account, starts=starts)
        for member_id, bank, account in chosen
    )
    coop.counts["bank_debit_mandates"] = len(chosen)


# ======== Past months billed by the real cycle (เรียกเก็บรายเดือนย้อนหลัง) ========

# The tables a month's cycle fills: their statistics are taken again as they grow (``analyze``).
BILLING_TABLES = (
    "billing_bill", "billing_billline", "billing_unitposting", "billing_linereceipt", "billing_receipt",
    "billing_overdeduction", "funeral_payrollcollectionmember",
)  # fmt: skip
COUNTER_AFTER_FREEZE = 0.003  # of the loans billed: the installment paid at the counter after the freeze
SHORT = 0.01  # of the bills: pay did not cover the deduction (20–90% of it deducted)


def billing_history_step(coop: GeneratedCoop) -> None:
    """The last months before ``as_of`` billed, deducted and posted by the real cycle, not written by
    the steps: the shares, loans and funeral steps stop their payroll at the first of these months
    (``coop_generate`` runs them to its end), and each month here is opened, frozen, deducted — a few
    members short, a few having paid an installment at the counter after the freeze (refunded) — posted
    unit by unit and closed with its reconciliation ✔. The demo then has bills, receipts and arrears to
    show, and the next month is the officer's to run. Drawn from ``coop.rng("billing_history")``."""
    rng = coop.rng("billing_history")
    for month in coop.billed_months:
        period = billing_period_open(month=month)
        for cycle in period.cycles.select_related("period", "pay_group").order_by("pay_group__code"):
            _cycle_run(coop, cycle, rng)
    coop.counts["billing_months"] = len(coop.billed_months)


def _cycle_run(coop: GeneratedCoop, cycle, rng) -> None:
    cycle = billing_cycle_freeze(cycle=cycle)
    analyze(*BILLING_TABLES)  # analyzed while empty before the first month, read by the posting
    if not cycle.bills:
        billing_cycle_close(cycle=cycle)
        return
    # After the freeze: a few installments paid at the counter (posting then holds them as over-deducted).
    installments: dict[str, Decimal] = {}
    for reference, billed in (
        BillLine.objects.filter(bill__cycle=cycle, subledger="loans")
        .order_by("pk")
        .values_list("reference", "billed")
    ):
        installments[reference] = installments.get(reference, ZERO) + billed
    paid_on = min(cycle.processing_date + dt.timedelta(days=3), cycle.posting_date - dt.timedelta(days=1))
    counter = 0
    for reference, amount in installments.items():
        if amount > 0 and rng.random() < COUNTER_AFTER_FREEZE:
            try:
                loan_payment_record(contract=LoanContract.objects.get(number=reference), amount=amount,
                                    on=paid_on, channel="cash", by=None)  # fmt: skip
                counter += 1
            except LoanError:
                continue  # a contract the counter would refuse this amount (paid off, overdue rules)
    # What each unit deducted: everything billed, but for a few members whose pay did not cover it.
    deductions: dict[int, dict[int, Decimal]] = {}
    units: list[int] = []
    for unit_id, member_id, billed in (
        Bill.objects.filter(cycle=cycle, method=BillingMethod.PAYROLL).order_by("unit_id", "member_id")
        .values_list("unit_id", "member_id", "total_billed")
    ):  # fmt: skip
        if not units or units[-1] != unit_id:
            units.append(unit_id)
        if rng.random() < SHORT:
            deducted = round_money(billed * Decimal(rng.randint(20, 90)) / 100)
            deductions.setdefault(unit_id, {})[member_id] = deducted
    found = Unit.objects.in_bulk(units)
    billing_units_post(cycle=cycle, deductions={found[unit_id]: deductions.get(unit_id) for unit_id in units})
    analyze(*BILLING_TABLES)  # … and by the reconciliation
    refund_on = min(cycle.posting_date + dt.timedelta(days=5), today())
    for over in OverDeduction.objects.filter(posting__cycle=cycle).order_by("pk"):
        over_deduction_refund(over=over, on=refund_on, channel=rng.choice(("cash", "bank")), by=None)
    billing_cycle_close(cycle=cycle)
    coop.counts["billing_counter_after_freeze"] = coop.counts.get("billing_counter_after_freeze", 0) + counter
    coop.counts["billing_short"] = coop.counts.get("billing_short", 0) + sum(
        len(d) for d in deductions.values()
    )
