"""The one way the loan services post a voucher: a ledger refusal becomes a ``LoanError``."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.ledger.services import Line, journal_entry_record
from sahakorn.loans.errors import LoanError

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User


def loan_voucher_post(*, on: dt.date, description: str, lines: list[Line], by: User | None) -> JournalEntry:
    try:
        return journal_entry_record(
            date=on, description=description[:300], lines=lines, source=EntrySource.LOANS, created_by=by
        )
    except LedgerError as e:
        raise LoanError(f"ผ่านรายการบัญชีไม่ได้: {e.message}") from e
