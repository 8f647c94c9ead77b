"""The seeded products, for the deposit tests (the role users come from sahakorn/conftest.py)."""

import pytest

from sahakorn.deposits.models import DepositProduct


@pytest.fixture
def savings(db) -> DepositProduct:
    """Seeded ออมทรัพย์: 1.50% from 0, 2.00% from 1,000,000; no minimum balance."""
    return DepositProduct.objects.get(code="10")


@pytest.fixture
def special(db) -> DepositProduct:
    """Seeded ออมทรัพย์พิเศษ: 2.50% / 3.00% from 500,000; minimum balance 1,000; 2 withdrawals a month."""
    return DepositProduct.objects.get(code="20")


@pytest.fixture
def fixed(db) -> DepositProduct:
    """Seeded ประจำ 12 เดือน: 3.25%; early withdrawal earns the savings rate for that period."""
    return DepositProduct.objects.get(code="30")
