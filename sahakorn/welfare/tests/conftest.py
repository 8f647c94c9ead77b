"""The seeded schemes by code, for the welfare tests (the role users come from sahakorn/conftest.py)."""

import pytest

from sahakorn.welfare.models import WelfareScheme


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
