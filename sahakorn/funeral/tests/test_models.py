"""The database guards of the funeral rows (migration 0003): a collected due never changes."""

from decimal import Decimal as D

import pytest
from django.db import DatabaseError, transaction

from sahakorn.funeral.models import FuneralDue

pytestmark = pytest.mark.django_db


def test_a_collected_due_cannot_be_changed_or_deleted_but_an_open_one_can_be_collected(levy):
    collected = FuneralDue.objects.filter(levy=levy, collected_on__isnull=False).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        FuneralDue.objects.filter(pk=collected.pk).update(amount=D("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        FuneralDue.objects.filter(pk=collected.pk).delete()
