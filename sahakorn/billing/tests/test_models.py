"""The database keeps frozen bills and their receipts as they were written."""

from decimal import Decimal as D

import pytest
from django.db import IntegrityError, transaction

from sahakorn.billing.models import Bill, BillLine
from sahakorn.billing.services import billing_cycle_freeze, billing_period_open
from sahakorn.billing.tests.conftest import MARCH

pytestmark = pytest.mark.django_db


def test_a_frozen_bill_and_its_lines_cannot_be_changed_or_removed(member, officer):
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    billing_cycle_freeze(cycle=cycle, by=officer)

    for change in (
        lambda: BillLine.objects.filter(bill__member=member).update(billed=D("1.00")),
        lambda: BillLine.objects.filter(bill__member=member).delete(),
        lambda: Bill.objects.filter(member=member).update(total_billed=D("1.00")),
    ):
        with pytest.raises(IntegrityError, match="แก้ไขหรือลบไม่ได้"), transaction.atomic():
            change()
    assert Bill.objects.get(member=member).total_billed == D("11965.51")
