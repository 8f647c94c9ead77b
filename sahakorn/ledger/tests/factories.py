"""Test data for the ledger: users in staff roles and vouchers posted through the services."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.ledger.services import Line, journal_entry_create, journal_entry_record


def user_create(username: str, *, role: str | None = None, **extra):
    user = get_user_model().objects.create_user(username=username, password="correct-horse-battery", **extra)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


def voucher_record(
    on: dt.date,
    amount: str | Decimal,
    *,
    debit: str = "cash",
    credit: str = "reserve_fund",
    description: str = "รับชำระค่าหุ้น",
    by=None,
    source: str = EntrySource.MANUAL,
) -> JournalEntry:
    """Post a two-line voucher: Dr ``debit`` / Cr ``credit`` for ``amount`` (a control account, e.g.
    a loan's, needs its sub-ledger's ``source``)."""
    amount = Decimal(amount)
    return journal_entry_record(
        date=on,
        description=description,
        lines=[Line(account=debit, debit=amount), Line(account=credit, credit=amount)],
        created_by=by,
        source=source,
    )


def draft_create(on: dt.date, lines: list[tuple[str, str, str]], *, by=None) -> JournalEntry:
    """A draft from (account, debit, credit) triples."""
    return journal_entry_create(
        date=on,
        description="ใบสำคัญทดสอบ",
        lines=[Line(account=a, debit=Decimal(d), credit=Decimal(c)) for a, d, c in lines],
        created_by=by,
    )
