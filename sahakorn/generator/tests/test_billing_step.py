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
