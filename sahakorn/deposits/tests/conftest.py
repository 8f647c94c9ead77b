"""Users in each staff role and the seeded products, for the deposit tests."""

import pytest
from django.contrib.auth.models import Group

from sahakorn.deposits.models import DepositProduct


def _user_in(django_user_model, username: str, role: str | None):
    # No password: tests log in with force_login, and Argon2 hashing would only slow them down.
    user = django_user_model.objects.create_user(username=username, password=None, first_name=username)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def officer(django_user_model):
    return _user_in(django_user_model, "officer1", "officer")


@pytest.fixture
def manager(django_user_model):
    return _user_in(django_user_model, "manager1", "manager")


@pytest.fixture
def accountant(django_user_model):
    return _user_in(django_user_model, "accountant1", "accountant")


@pytest.fixture
def auditor(django_user_model):
    return _user_in(django_user_model, "auditor1", "auditor")


@pytest.fixture
def outsider(django_user_model):
    """Logged in, but in no role: sees nothing of the deposit screens."""
    return _user_in(django_user_model, "outsider1", None)


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
