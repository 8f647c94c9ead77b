"""Loan test data: the seeded products and members with shares (built through the services)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.loans.models import LoanProduct
from sahakorn.loans.services import loan_application_approve, loan_application_create, loan_disburse
from sahakorn.shares.tests.factories import member_with_shares

APPLIED = dt.date(2025, 3, 1)


@pytest.fixture(autouse=True)
def _no_holding_cap(db):
    """The loan tests give borrowers (1,500 shares) and guarantors (100) shares at will; the 1/5
    holding cap (s.33) would refuse a borrower's purchase in a coop of a few members. The cap is
    the share tests' subject."""
    from sahakorn.shares.models import ShareRules

    ShareRules.objects.update(holding_cap_ratio=D("1.0000"))


@pytest.fixture
def emergency(db) -> LoanProduct:
    return LoanProduct.objects.get(code="10")


@pytest.fixture
def ordinary(db) -> LoanProduct:
    return LoanProduct.objects.get(code="20")


@pytest.fixture
def special(db) -> LoanProduct:
    return LoanProduct.objects.get(code="30")


def borrower(shares: int = 1500, **fields):
    """Salary 25,000 (monthly shares 100 = 1,000 baht), member since 2015, born 10 May 1985."""
    return member_with_shares(shares, on=dt.date(2015, 1, 15), joined_on=dt.date(2015, 1, 1), **fields)


def guarantor(**fields):
    return member_with_shares(100, on=dt.date(2015, 1, 15), joined_on=fields.pop("joined_on", dt.date(2015, 1, 1)),
                              **fields)  # fmt: skip


def disbursed(*, product, member, amount, installments, guarantors, maker, checker, on=dt.date(2025, 3, 5),
              first_due=dt.date(2025, 4, 30), channel="cash", applied_on=APPLIED, refinance=None):  # fmt: skip
    app = loan_application_create(
        member=member, product=product, amount=D(amount), installments=installments, guarantors=guarantors,
        applied_on=applied_on, by=maker, refinance=refinance,
    )  # fmt: skip
    loan_application_approve(application=app, by=checker)
    return loan_disburse(application=app, on=on, channel=channel, first_due=first_due, by=maker)
