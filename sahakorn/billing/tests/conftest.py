"""Billing test data: a member with shares, two loans and funeral dues, built through the services.

March 2026 (period 256903), day basis 365; both loans paid out on 28 Feb, due at each month's end
(payroll coops date installments on pay day), repaid in equal principal:
- shares: 100 shares bought 15 Jan 2025; salary 25,000 → monthly shares 100 × 10.00 = 1,000.00;
- ordinary loan สม-0123, 100,000.00 at 6%, 12 installments: principal 100,000 / 12 rounded up to the
  baht by the product = 8,334.00;
  31 days' interest to 31 Mar: 100,000 × 6 × 31 / 36,500 = 509.59;
- emergency loan ฉฉ-0456, 20,000.00 at 6%, 10 installments: principal 2,000.00; interest
  20,000 × 6 × 31 / 36,500 = 101.92;
- funeral dues: a death levy called 3 Mar 2026, 20.00 a member.
Bill: 101.92 + 509.59 + 2,000.00 + 8,334.00 + 1,000.00 + 20.00 = 11,965.51.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.funeral.services import death_claim_approve, death_claim_create
from sahakorn.funeral.tests.factories import enrolled
from sahakorn.loans.models import RepaymentStyle
from sahakorn.loans.tests.factories import contract_create
from sahakorn.shares.tests.factories import member_with_shares

MARCH = dt.date(2026, 3, 1)


@pytest.fixture
def member(officer, manager):
    member = member_with_shares(100, on=dt.date(2025, 1, 15), joined_on=dt.date(2015, 1, 1))
    for family, amount, installments, number in (
        ("ordinary", "100000.00", 12, "สม-0123"),
        ("emergency", "20000.00", 10, "ฉฉ-0456"),
    ):
        contract_create(
            member=member,
            family=family,
            amount=D(amount),
            installments=installments,
            disbursed_on=dt.date(2026, 2, 28),
            first_due=dt.date(2026, 3, 31),
            repayment_style=RepaymentStyle.EQUAL_PRINCIPAL,
            number=number,
        )
    enrolled(member=member)
    deceased = enrolled()
    claim = death_claim_create(
        membership=deceased, death_date=dt.date(2026, 3, 1), reported_on=dt.date(2026, 3, 2), by=officer
    )
    death_claim_approve(claim=claim, by=manager, on=dt.date(2026, 3, 3))
    member.refresh_from_db()
    return member
