"""What the loan screens and the portal read: a member's contracts, the guarantees they give, applications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from sahakorn.core.money import ZERO
from sahakorn.core.selectors import money_from_sum, money_sum
from sahakorn.loans.arrears import contracts_missed_installments
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
    missed_installments: int  # in the fiscal year of ``on`` (``arrears``: the report's figure)
    interest_arrears: Decimal  # interest charged and not yet received (ดอกเบี้ยค้างชำระ)


def _live_guarantees():
    return Prefetch(
        "guarantees",
        queryset=Guarantee.objects.filter(ended_on__isnull=True).select_related("guarantor"),
        to_attr="live_guarantees",
    )


def loan_contracts_of(
    *, member: Member, include_closed: bool = False, on: dt.date | None = None
) -> list[ContractSummary]:
    """The member's contracts with balance, installments paid/left, payments this month, installments
    missed in the fiscal year, interest in arrears and guarantors."""
    on = on or timezone.localdate()
    qs = (
        LoanContract.objects.filter(member=member)
        .select_related("product")
        .prefetch_related(_live_guarantees())
    )
    if not include_closed:
        qs = qs.filter(status=ContractStatus.ACTIVE)
    missed = contracts_missed_installments(as_of=on, member=member)
    return [
        contract_summary(c, on=on, missed=missed.get(c.pk, 0)) for c in qs.order_by("product__code", "number")
    ]


def contract_summary(
    contract: LoanContract, *, on: dt.date | None = None, missed: int | None = None
) -> ContractSummary:
    """One contract's figures for the member's loan record and the contract page. ``missed`` (the
    installments missed in the fiscal year of ``on``) is read for the contract when not given."""
    on = on or timezone.localdate()
    c = contract
    if missed is None:
        missed = contracts_missed_installments(as_of=on, contract=c).get(c.pk, 0)
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
        missed_installments=missed,
        interest_arrears=c.interest_arrears,
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
    """The contract's latest movement (month-end accruals aside) when it is a counter/payroll payment
    or an interest refund not yet reversed (the only ones the reversal service accepts)."""
    last = (
        contract.transactions.exclude(kind__in=(LoanTxKind.ACCRUAL, LoanTxKind.ACCRUAL_REVERSAL))
        .order_by("-id")
        .first()
    )
    if last is None or last.kind not in (LoanTxKind.PAYMENT, LoanTxKind.REFUND) or last.channel == "shares":
        return None
    if LoanTransaction.objects.filter(reverses=last).exists():
        return None
    return last


# ======== Interest paid in a fiscal year (what the average return is computed on) ========


def _interest_paid_rows(*, fiscal_year_start: dt.date, fiscal_year_end: dt.date, product_ids=None):
    """Rows that pay (or give back) loan interest counted in the year: payments, netting and interest
    refunds dated in it, and reversals of payments (or refunds) dated in it — a reversal counts in
    the year of what it reverses, wherever it is dated. So a December payment reversed in January
    is interest paid in neither year (the January reversal lowers the year of the payment); an
    average return already paid on it is for the dividend run to recover."""
    from django.db.models.functions import Coalesce

    from sahakorn.loans.payments import INTEREST_PAID_KINDS

    rows = (
        LoanTransaction.objects.filter(kind__in=INTEREST_PAID_KINDS)
        .annotate(counted_on=Coalesce("reverses__date", "date"))
        .filter(counted_on__gte=fiscal_year_start, counted_on__lte=fiscal_year_end)
    )
    if product_ids is not None:
        rows = rows.filter(contract__product_id__in=list(product_ids))
    return rows


def members_interest_paid(
    *, fiscal_year_start: dt.date, fiscal_year_end: dt.date, product_ids=None
) -> dict[int, Decimal]:
    """{member_id: loan interest paid in the year} (ดอกเบี้ยเงินกู้ที่ชำระในปี), set-based, one query:
    payments + netting − refunds − reversals of that year's payments (see ``_interest_paid_rows``).
    ``product_ids`` limits it to products whose interest earns the average return."""

    rows = _interest_paid_rows(
        fiscal_year_start=fiscal_year_start, fiscal_year_end=fiscal_year_end, product_ids=product_ids
    )
    totals = (
        rows.values("contract__member_id")
        .annotate(total=money_sum("interest"))
        .values_list("contract__member_id", "total")
    )
    return {member_id: money_from_sum(total) for member_id, total in totals if total}


def member_interest_paid(*, member: Member, fiscal_year: int, product_ids=None) -> Decimal:
    """Loan interest ``member`` paid in ``fiscal_year`` (the B.E. year it ends in, as the ledger names
    years), by the same rule as ``members_interest_paid``."""
    from sahakorn.ledger.models import FiscalYear
    from sahakorn.ledger.selectors import fiscal_year_span

    opened = FiscalYear.objects.filter(year_be=fiscal_year).first()
    if opened is not None:
        start, end = opened.start_date, opened.end_date
    else:
        from sahakorn.core.selectors import coop_profile_get

        month = coop_profile_get().fiscal_year_start_month
        ce = fiscal_year - 543
        last_day = dt.date(ce, 12, 31) if month == 1 else dt.date(ce, month, 1) - dt.timedelta(days=1)
        start, end = fiscal_year_span(on=last_day)
    rows = _interest_paid_rows(fiscal_year_start=start, fiscal_year_end=end, product_ids=product_ids)
    return sum(rows.filter(contract__member_id=member.pk).values_list("interest", flat=True), ZERO)
