import pytest

from sahakorn.members.tests.factories import UnitFactory


@pytest.fixture
def unit(db):
    return UnitFactory(code="0103", name="กองคลัง")
