"""Users in each staff role and a small unit tree, for the news tests."""

import pytest
from django.contrib.auth.models import Group

from sahakorn.members.tests.factories import UnitFactory


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
    """Logged in, but in no role: sees nothing of the news screens."""
    return _user_in(django_user_model, "outsider1", None)


@pytest.fixture
def area(db):
    """สพป. เขต 1 → กลุ่มโรงเรียน → โรงเรียน, and a second area beside it."""
    return UnitFactory(code="01", name="สพป.ราชบุรี เขต 1")


@pytest.fixture
def district(area):
    return UnitFactory(code="0101", name="กลุ่มโรงเรียนอำเภอเมือง", parent=area)


@pytest.fixture
def school(district):
    return UnitFactory(code="01010001", name="โรงเรียนบ้านโป่ง", parent=district)


@pytest.fixture
def other_area(db):
    return UnitFactory(code="02", name="สพป.ราชบุรี เขต 2")
