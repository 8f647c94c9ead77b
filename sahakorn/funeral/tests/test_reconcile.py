"""``sahakorn funeral check``: fees + dues − payouts − remittances equal the GL liability."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sahakorn.funeral.reconcile import funeral_reconcile
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import Line, journal_entry_record

pytestmark = pytest.mark.django_db


def test_check_command_passes_and_a_manual_voucher_to_the_liability_fails_it(levy):
    # given: fees 4 × 50.00 + dues 2 × 20.00 = 240.00
    out = StringIO()
    call_command("funeral", "check", stdout=out)
    assert "funeral check OK" in out.getvalue() and "240.00" in out.getvalue()
    assert funeral_reconcile(as_of=dt.date(2025, 5, 31)).ledger_amount == D("200.00")

    # when: a funeral voucher on the liability without its rows (a bug: by hand, the ledger refuses it)
    journal_entry_record(date=dt.date(2025, 7, 1), description="บันทึกด้วยมือ", source=EntrySource.FUNERAL,
                         lines=[Line("cash", debit=D("10.00")), Line("funeral_dues_collected", credit=D("10.00"))])  # fmt: skip

    # then
    assert funeral_reconcile().difference == D("-10.00")
    with pytest.raises(CommandError):
        call_command("funeral", "check", stdout=StringIO())
