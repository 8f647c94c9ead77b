"""Loan events (เหตุการณ์เงินกู้) for the member's notifications: recorded by the loan services inside
their own transaction, read by the notifications app (a later issue) as an outbox.

Why rows and not signals: a signal fired before commit can announce a loan that is then rolled
back, and one fired after commit is lost if the process stops. A row commits with the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from sahakorn.loans.models import LoanApplication, LoanContract, LoanEvent, LoanEventKind
from sahakorn.members.models import Member


def loan_event_record(
    *,
    kind: LoanEventKind,
    member: Member,
    message: str,
    on: dt.date,
    application: LoanApplication | None = None,
    contract: LoanContract | None = None,
    guarantor: Member | None = None,
) -> LoanEvent:
    """Record one event for ``member``; call it inside the service's transaction."""
    return LoanEvent.objects.create(
        kind=kind,
        member=member,
        message=message[:500],
        occurred_on=on,
        application=application,
        contract=contract,
        guarantor=guarantor,
    )


def loan_events_pending(*, limit: int = 1000) -> QuerySet[LoanEvent]:
    """The events not yet sent, oldest first (what the notifications dispatcher takes)."""
    return (
        LoanEvent.objects.filter(notified_at__isnull=True)
        .select_related("member", "contract", "application")
        .order_by("id")[:limit]
    )


def loan_events_mark_notified(*, event_ids: Iterable[int]) -> int:
    """Mark events sent (once: an event already marked keeps its first time)."""
    return LoanEvent.objects.filter(pk__in=list(event_ids), notified_at__isnull=True).update(
        notified_at=timezone.now()
    )


def loan_events_of(
    *, member: Member | None = None, contract: LoanContract | None = None
) -> QuerySet[LoanEvent]:
    qs = LoanEvent.objects.select_related("member", "guarantor", "contract")
    if member is not None:
        qs = qs.filter(member=member)
    if contract is not None:
        qs = qs.filter(contract=contract)
    return qs.order_by("-created_at", "-id")
