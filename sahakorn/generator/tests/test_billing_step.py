"""The generated coop's members who pay by bank account: the next month bills them by bank."""

import datetime as dt

import pytest

from sahakorn.billing.files import bank_debit_file
from sahakorn.billing.models import BankDebitMandate, Bill, BillingMethod
from sahakorn.billing.services import billing_cycle_freeze, billing_period_open
from sahakorn.generator.coop import coop_generate

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2026, 11, 30)


def test_the_next_month_bills_the_mandates_by_bank_in_the_banks_file():
    coop = coop_generate(members=400, years=1, seed=5, as_of=AS_OF)
    mandates = BankDebitMandate.objects.count()
    assert mandates == coop.counts["bank_debit_mandates"] and 0 < mandates < 30
    assert set(BankDebitMandate.objects.values_list("starts", flat=True)) == {dt.date(2026, 12, 1)}

    # when: December is frozen
    period = billing_period_open(month=dt.date(2026, 12, 1))
    for cycle in period.cycles.all():
        billing_cycle_freeze(cycle=cycle)

    # then: every mandate's member with something to pay is billed by bank, uncapped, in the file
    by_bank = Bill.objects.filter(period=period, method=BillingMethod.BANK)
    assert 0 < by_bank.count() <= mandates
    assert set(by_bank.values_list("member_id", flat=True)) <= set(
        BankDebitMandate.objects.values_list("member_id", flat=True)
    )
    assert not by_bank.exclude(cap=None).exists()
    data = b"".join(bank_debit_file(cycle=cycle) for cycle in period.cycles.all() if cycle.bills)
    details = [line for line in data.split(b"\r\n") if line.startswith(b"D")]
    assert len(details) == by_bank.count() and {len(line) for line in details} == {130}


def test_the_last_months_are_billed_and_posted_by_the_real_cycle_with_shorts_and_refunds():
    from sahakorn.billing.models import (
        BillingCycle,
        BillingEvent,
        BillingEventKind,
        CycleStatus,
        OverDeduction,
        Receipt,
    )
    from sahakorn.billing.selectors import cycle_reconciled
    from sahakorn.shares.models import ShareTransaction

    coop = coop_generate(members=400, years=1, seed=5, as_of=AS_OF, billing_months=2)

    # the steps wrote payroll up to August; September and October went through the cycle, closed ✔
    assert coop.billed_months == [dt.date(2026, 9, 1), dt.date(2026, 10, 1)]
    assert coop.as_of == AS_OF
    cycles = BillingCycle.objects.order_by("period__month")
    assert [(c.period.code, c.status) for c in cycles] == [
        ("256909", CycleStatus.CLOSED),
        ("256910", CycleStatus.CLOSED),
    ]
    assert all(cycle_reconciled(cycle=c).ok for c in cycles)
    payroll_shares = ShareTransaction.objects.filter(kind="monthly")
    assert set(payroll_shares.filter(period__gte=dt.date(2026, 9, 1)).values_list("period", flat=True)) == {
        dt.date(2026, 9, 1),
        dt.date(2026, 10, 1),
    }
    assert (
        not payroll_shares.filter(period__gte=dt.date(2026, 9, 1))
        .exclude(journal_entry__source="billing")
        .exists()
    )
    # a few were short (told, and carried as arrears), a few paid at the counter after the freeze (refunded)
    assert [c.bills for c in cycles] == [367, 367]
    assert (
        BillingEvent.objects.filter(kind=BillingEventKind.SHORT_PAYMENT).count()
        == coop.counts["billing_short"]
        == 8
    )
    assert coop.counts["billing_counter_after_freeze"] == 7
    assert OverDeduction.objects.count() == 7 and not OverDeduction.objects.filter(refunded_on=None).exists()
    # every bill paid something (a short one 20–90% of it): a receipt each
    assert Receipt.objects.count() == 734
