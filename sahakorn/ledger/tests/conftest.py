import importlib

import pytest
from django.db import connection

from sahakorn.core.models import CoopProfile
from sahakorn.ledger.tests.factories import user_create

_guards = importlib.import_module("sahakorn.ledger.migrations.0003_guards")


@pytest.fixture
def accountant(db):
    return user_create("somchai", role="accountant", first_name="สมชาย", last_name="ใจดี")


@pytest.fixture
def officer(db):
    return user_create("somsri", role="officer")


@pytest.fixture
def outsider(db):
    """Logged in, but in no staff role."""
    return user_create("nobody")


@pytest.fixture
def coop_october(db):
    """A coop whose fiscal year runs October to September."""
    return CoopProfile.objects.create(name_th="สหกรณ์ออมทรัพย์ทดสอบ จำกัด", fiscal_year_start_month=10)


@pytest.fixture
def guards_off(db):
    """Drop the database guards inside the test's transaction (restored by its rollback), to
    simulate a ledger damaged behind the services' back."""
    for sql in _guards.STATEMENTS[connection.vendor][1]:
        with connection.cursor() as cursor:
            cursor.execute(sql)


@pytest.fixture
def immediate_constraints(db):
    """pytest-django rolls each test back, so deferred triggers would never fire; make them fire now."""
    if connection.vendor != "postgresql":
        pytest.skip("deferred constraint triggers exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
