import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sahakorn.ledger.models import Account, JournalLine
from sahakorn.ledger.tests.factories import voucher_record


def _check() -> str:
    out = StringIO()
    call_command("ledger", "check", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_check_passes_on_an_empty_ledger(db):
    assert "ledger check OK" in _check()


def test_check_passes_and_summarises_a_sound_ledger(accountant):
    # given
    voucher_record(dt.date(2026, 1, 5), "1000.00")
    voucher_record(dt.date(2026, 1, 6), "234.56", debit="bank", credit="cash")

    # when
    output = _check()

    # then
    assert "ตรวจบัญชีผ่าน / ledger check OK" in output
    assert "2 entries, 4 lines" in output
    assert "Dr 1,234.56" in output and "Cr 1,234.56" in output


def test_check_fails_on_an_unbalanced_entry(accountant, guards_off):
    # given: an extra debit slipped into a posted voucher behind the services' back
    entry = voucher_record(dt.date(2026, 1, 5), "1000.00")
    JournalLine.objects.create(entry=entry, account=Account.objects.get(code="11110"), debit=D("0.01"))
    err = StringIO()

    # when / then
    with pytest.raises(CommandError, match="FAILED") as failed:
        call_command("ledger", "check", stdout=StringIO(), stderr=err)
    assert "Dr 1,000.01 Cr 1,000.00" in err.getvalue()
    assert "JV2569-000001" in err.getvalue()
    assert "Dr 1,000.01" in str(failed.value)


def test_check_fails_on_a_line_posted_to_a_header_account(accountant, guards_off):
    # given: balanced, but one side sits on the header 11100
    entry = voucher_record(dt.date(2026, 1, 5), "1000.00")
    JournalLine.objects.create(entry=entry, account=Account.objects.get(code="11100"), debit=D("5.00"))
    JournalLine.objects.create(entry=entry, account=Account.objects.get(code="11110"), credit=D("5.00"))
    err = StringIO()

    # when / then
    with pytest.raises(CommandError):
        call_command("ledger", "check", stdout=StringIO(), stderr=err)
    assert "header accounts: 1" in err.getvalue()
