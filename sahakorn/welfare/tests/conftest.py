"""Users in each staff role for the welfare tests, and the seeded schemes by code."""

import pytest
from django.contrib.auth.models import Group

from sahakorn.welfare.models import WelfareScheme


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
def manager2(django_user_model):
    """A second manager: the checker when ``manager`` is the maker."""
    return _user_in(django_user_model, "manager2", "manager")


@pytest.fixture
def accountant(django_user_model):
    return _user_in(django_user_model, "accountant1", "accountant")


@pytest.fixture
def auditor(django_user_model):
    return _user_in(django_user_model, "auditor1", "auditor")


@pytest.fixture
def outsider(django_user_model):
    """Logged in, but in no role: sees nothing of the welfare screens."""
    return _user_in(django_user_model, "outsider1", None)


@pytest.fixture
def scholarship(db):
    """ทุนการศึกษาบุตร (seeded): ประถม 1,000 / มัธยม 1,500 / ปริญญาตรี 3,000, once per child a year, ≥ 12 months."""
    return WelfareScheme.objects.get(code="SCH-CHILD")


@pytest.fixture
def birth(db):
    """สวัสดิการรับขวัญบุตร (seeded): 2,000 once per child, within 180 days of the birth."""
    return WelfareScheme.objects.get(code="WF-BIRTH")


@pytest.fixture
def hospital(db):
    """สวัสดิการรักษาพยาบาล (seeded): 300 a day, at most 10 days a fiscal year."""
    return WelfareScheme.objects.get(code="WF-HOSP")


@pytest.fixture
def senior(db):
    """สวัสดิการสมาชิกอาวุโส (seeded): 5,000 once, membership ≥ 25 years and age ≥ 60."""
    return WelfareScheme.objects.get(code="WF-SENIOR")


@pytest.fixture
def pension(db):
    """กองทุนสวัสดิการบำนาญ (seeded): 1,200 once a fiscal year from age 60."""
    return WelfareScheme.objects.get(code="WF-PENSION")
