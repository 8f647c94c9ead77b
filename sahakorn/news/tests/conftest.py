"""A small unit tree, for the news tests (the role users come from sahakorn/conftest.py)."""

import pytest

from sahakorn.members.tests.factories import UnitFactory


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
