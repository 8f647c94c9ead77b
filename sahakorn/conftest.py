"""Fixtures every app's tests share: a user in each staff role, and one in none."""

import pytest
from django.contrib.auth.models import Group


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
    """Logged in, but in no staff role: sees none of the back office."""
    return _user_in(django_user_model, "outsider1", None)


@pytest.fixture(autouse=True)
def _thai_by_default():
    """Every test starts in the coop's language (Thai), whatever an earlier test or request activated:
    messages marked for translation would otherwise come out in English after an English page."""
    from django.utils import translation

    with translation.override("th"):
        yield
