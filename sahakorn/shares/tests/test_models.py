"""The database refuses to rewrite or remove a share transaction, whatever code path tries it."""

import pytest
from django.db import DatabaseError, transaction

from sahakorn.shares.models import ShareTransaction
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db


def _refused(action) -> bool:
    try:
        with transaction.atomic():
            action()
    except DatabaseError:
        return True
    return False


def test_share_transactions_cannot_be_updated_or_deleted():
    # given
    member_with_shares(10)
    row = ShareTransaction.objects.get()

    # when / then
    assert _refused(lambda: ShareTransaction.objects.filter(pk=row.pk).update(shares=11))
    assert _refused(lambda: ShareTransaction.objects.filter(pk=row.pk).delete())
    row.refresh_from_db()
    assert row.shares == 10
