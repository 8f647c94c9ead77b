"""The seeded products, for the deposit tests (the role users come from sahakorn/conftest.py)."""

from collections.abc import Callable

import pytest

from sahakorn.core.models import CoopProfile
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


@pytest.fixture
def coop_day_basis_set(db) -> Callable[[str], CoopProfile]:
    """Save the coop profile with the given day basis (without one the coop divides by 365)."""

    def set_basis(basis: str) -> CoopProfile:
        return CoopProfile.objects.create(name_th="สหกรณ์ออมทรัพย์ทดสอบ จำกัด", day_basis=basis)

    return set_basis
