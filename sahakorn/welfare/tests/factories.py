"""Test data for welfare: claims taken through the services, so every paid one has its voucher."""

import datetime as dt

from sahakorn.members.models import Member
from sahakorn.welfare.models import PaymentMethod, WelfareClaim, WelfareScheme
from sahakorn.welfare.services import welfare_claim_apply, welfare_claim_approve, welfare_claim_pay


def claim_paid(
    *,
    scheme: WelfareScheme,
    member: Member,
    maker,
    checker,
    event_date: dt.date,
    applied_on: dt.date | None = None,
    paid_on: dt.date | None = None,
    method: str = PaymentMethod.BANK,
    **fields,
) -> WelfareClaim:
    """A claim applied for by ``maker``, approved by ``checker`` and paid (by ``checker``) on ``paid_on``."""
    applied_on = applied_on or event_date
    claim = welfare_claim_apply(
        scheme=scheme, member=member, event_date=event_date, applied_on=applied_on, by=maker, **fields
    )
    welfare_claim_approve(claim=claim, by=checker)
    return welfare_claim_pay(claim=claim, method=method, on=paid_on or applied_on, by=checker)
