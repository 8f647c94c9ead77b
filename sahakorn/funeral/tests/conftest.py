"""The funeral tests' shared fixture (the role users come from sahakorn/conftest.py)."""

import datetime as dt

import pytest

from sahakorn.funeral.models import Channel, FuneralLevy
from sahakorn.funeral.services import death_claim_approve, death_claim_create, funeral_dues_collect
from sahakorn.funeral.tests.factories import enrolled, heirs


@pytest.fixture
def levy(officer, manager):
    """Default rules (20.00 a death, 50.00 to join): the deceased and three others; two have paid."""
    deceased = enrolled(beneficiaries=heirs("70.00", "30.00"))
    others = [enrolled() for _ in range(3)]
    claim = death_claim_create(membership=deceased, death_date=dt.date(2025, 5, 1), reported_on=dt.date(2025, 5, 2),
                               by=officer)  # fmt: skip
    death_claim_approve(claim=claim, by=manager, on=dt.date(2025, 5, 3))
    levy = FuneralLevy.objects.get(claim=claim)
    funeral_dues_collect(levy=levy, membership_ids=[others[0].pk, others[1].pk], on=dt.date(2025, 6, 3),
                         channel=Channel.PAYROLL, by=officer)  # fmt: skip
    return levy
