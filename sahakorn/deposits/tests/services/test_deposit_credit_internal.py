"""Credits from inside the coop (welfare, dividends …) debit the role they come from."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.deposits.services import deposit_credit_internal
from sahakorn.deposits.tests.factories import account_open, fresh
from sahakorn.ledger.models import JournalLine

pytestmark = pytest.mark.django_db
JAN = dt.date(2025, 1, 10)


def _lines(entry) -> list[tuple[str, D, D, int | None]]:
    return sorted(
        (line.account.code, line.debit, line.credit, line.member_id)
        for line in JournalLine.objects.filter(entry=entry).select_related("account")
    )


def test_internal_credit_debits_the_given_role(savings):
    # given
    account = account_open(product=savings, amount="100")

    # when
    row = deposit_credit_internal(account=account, amount=D("3000.00"), on=JAN, debit_role="welfare_expense",
                                  description="สวัสดิการคลอดบุตร", by=None)  # fmt: skip

    # then
    assert (row.kind, row.channel, row.balance_after) == ("deposit", "internal", D("3100.00"))
    assert ("52100", D("3000.00"), D("0"), account.member_id) in _lines(row.journal_entry)
    assert fresh(account).last_movement_on == dt.date(2025, 1, 1)  # not the member's own movement
