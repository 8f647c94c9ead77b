"""The loan selectors: a member's contracts with the installments paid and left."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.loans.models import ScheduledInstallment
from sahakorn.loans.payments import loan_payment_record
from sahakorn.loans.selectors import loan_contracts_of
from sahakorn.loans.tests.factories import contract_create

pytestmark = pytest.mark.django_db


def test_installments_paid_and_left_follow_the_principal_repaid(officer):
    # given: 12 installments, two scheduled payments made
    contract = contract_create(amount=D("50000.00"), annual_rate=D("6.500"), installments=12)
    for number in (1, 2):
        row = ScheduledInstallment.objects.get(contract=contract, number=number)
        loan_payment_record(
            contract=contract, amount=row.payment, on=row.due_date, channel="payroll", by=officer
        )

    # when
    (summary,) = loan_contracts_of(member=contract.member, on=dt.date(2026, 3, 15))

    # then
    assert (summary.installments_paid, summary.installments_left) == (2, 10)


def test_a_schedule_brought_forward_from_row_five_counts_four_installments_paid(officer):
    # given: a contract migrated with its schedule from installment 5 on (rows 1–4 were paid in the old system)
    contract = contract_create(amount=D("100000.00"), installments=12)
    ScheduledInstallment.objects.filter(contract=contract, number__lte=4).delete()
    fifth = ScheduledInstallment.objects.get(contract=contract, number=5)
    contract.principal_balance = fifth.closing_balance + fifth.principal
    contract.save(update_fields=["principal_balance"])

    # when / then: nothing paid since the migration: 4 paid, 8 left
    [summary] = loan_contracts_of(member=contract.member)
    assert (summary.installments_paid, summary.installments_left) == (4, 8)
