"""What the loan screens and the portal read: a member's contracts, the guarantees they give, applications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from sahakorn.core.money import ZERO
from sahakorn.loans.models import (
    ContractStatus,
    Guarantee,
    LoanApplication,
    LoanContract,
    LoanTransaction,
    LoanTxKind,
)
from sahakorn.members.models import Member


@dataclass
class ContractSummary:
    contract: LoanContract
    balance: Decimal
    installments_paid: int
    installments_left: int
    paid_this_month: Decimal
    guarantors: list[Member]


def _live_guarantees():
    return Prefetch(
        "guarantees",
        queryset=Guarantee.objects.filter(ended_on__isnull=True).select_related("guarantor"),
        to_attr="live_guarantees",
    )


def loan_contracts_of(
    *, member: Member, include_closed: bool = False, on: dt.date | None = None
) -> list[ContractSummary]:
    """The member's contracts with balance, installments paid/left, payments this month and guarantors."""
    on = on or timezone.localdate()
    qs = (
        LoanContract.objects.filter(member=member)
        .select_related("product")
        .prefetch_related(_live_guarantees())
    )
    if not include_closed:
        qs = qs.filter(status=ContractStatus.ACTIVE)
    return [contract_summary(c, on=on) for c in qs.order_by("product__code", "number")]


def contract_summary(contract: LoanContract, *, on: dt.date | None = None) -> ContractSummary:
    """One contract's figures for the member's loan record and the contract page."""
    on = on or timezone.localdate()
    c = contract
    # Installments reached by the principal repaid: the last schedule row whose closing balance the
    # contract's balance has come down to (payments don't name an installment; a prepayment
    # counts for the rows it covers). A schedule brought forward from the old system starts at a
    # later number: the rows before it count as paid.
    current = c.schedule.filter(superseded_at__isnull=True)
    figures = current.aggregate(
        reached=Max("number", filter=Q(closing_balance__gte=c.principal_balance)), first=Min("number")
    )
    paid = figures["reached"] if figures["reached"] is not None else max((figures["first"] or 1) - 1, 0)
    this_month = c.transactions.filter(
        kind=LoanTxKind.PAYMENT, date__year=on.year, date__month=on.month
    ).aggregate(p=Sum("principal"), i=Sum("interest"))
    guarantors = getattr(c, "live_guarantees", None)
    if guarantors is None:
        guarantors = c.guarantees.filter(ended_on__isnull=True).select_related("guarantor")
    return ContractSummary(
        contract=c,
        balance=c.principal_balance,
        installments_paid=paid,
        installments_left=max(0, c.installments - paid) if c.status == ContractStatus.ACTIVE else 0,
        paid_this_month=-(this_month["p"] or ZERO) + (this_month["i"] or ZERO),
        guarantors=[g.guarantor for g in guarantors],
    )


def guarantees_given_by(*, member: Member, include_ended: bool = False) -> QuerySet[Guarantee]:
    """The guarantees ``member`` gives (ค้ำประกันให้ผู้อื่น), with the contract or application."""
    qs = Guarantee.objects.filter(guarantor=member).select_related(
        "contract", "contract__member", "contract__product", "application", "application__member",
        "application__product",
    )  # fmt: skip
    if not include_ended:
        qs = qs.filter(ended_on__isnull=True)
    return qs.order_by("-started_on", "-id")


def guarantees_of_borrower(*, member: Member) -> QuerySet[Guarantee]:
    """Who guarantees ``member``'s active contracts (ผู้ค้ำของตน)."""
    return (
        Guarantee.objects.filter(
            contract__member=member, contract__status=ContractStatus.ACTIVE, ended_on__isnull=True
        )
        .select_related("guarantor", "contract")
        .order_by("contract__number", "id")
    )


def loan_applications(
    *, status: str | None = None, member: Member | None = None, product=None
) -> QuerySet[LoanApplication]:
    qs = LoanApplication.objects.select_related("member", "product", "requested_by", "decided_by")
    if status:
        qs = qs.filter(status=status)
    if member is not None:
        qs = qs.filter(member=member)
    if product is not None:
        qs = qs.filter(product=product)
    return qs.order_by("-applied_on", "-id")


def contract_transactions(contract: LoanContract) -> QuerySet[LoanTransaction]:
    return contract.transactions.select_related("journal_entry").order_by("date", "id")


def loans_section_context(member: Member) -> dict:
    return {"contracts": loan_contracts_of(member=member)}


def guarantees_section_context(member: Member) -> dict:
    return {
        "given": list(guarantees_given_by(member=member)),
        "received": list(guarantees_of_borrower(member=member)),
    }


def loan_contract_search(
    *, q: str = "", product=None, status: str | None = None, replacement_needed: bool = False
) -> QuerySet[LoanContract]:
    """Contracts for the list screen: ``q`` is a contract number (or its start) or anything the member
    search understands (number, national ID, phone, name)."""
    from sahakorn.members.selectors import member_search

    qs = LoanContract.objects.select_related("member", "product")
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(number__istartswith=q) | Q(member__in=member_search(q=q).values("pk")))
    if product is not None:
        qs = qs.filter(product=product)
    if status:
        qs = qs.filter(status=status)
    if replacement_needed:
        qs = qs.filter(guarantor_replacement_needed=True)
    return qs.order_by("-disbursed_on", "-number")


def latest_reversible_payment(contract: LoanContract) -> LoanTransaction | None:
    """The contract's latest movement when it is a counter/payroll payment not yet reversed (the only
    one the reversal service accepts)."""
    last = contract.transactions.order_by("-id").first()
    if last is None or last.kind != LoanTxKind.PAYMENT or last.channel == "shares":
        return None
    if LoanTransaction.objects.filter(reverses=last).exists():
        return None
    return last
