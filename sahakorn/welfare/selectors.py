"""Reads of welfare (สวัสดิการ): a member's history, the schemes a member can claim, the payments report.

The member-facing selectors take the member object (the portal passes ``request.user.member``),
never an id from a URL or a form.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from sahakorn.core.money import ZERO, baht
from sahakorn.core.rules import RuleCheck, checks_failed
from sahakorn.core.thai import format_be_date
from sahakorn.members.models import Member
from sahakorn.welfare.models import ClaimStatus, FundRole, PaymentMethod, WelfareClaim, WelfareScheme
from sahakorn.welfare.rules import scheme_member_checks, schemes_in_force


def claims_base() -> QuerySet[WelfareClaim]:
    return WelfareClaim.objects.select_related(
        "scheme",
        "member",
        "requested_by",
        "decided_by",
        "paid_by",
        "journal_entry__fiscal_year",
        "reversal_entry__fiscal_year",
    )


def welfare_claims(*, status: str | None = None, member: Member | None = None) -> QuerySet[WelfareClaim]:
    """Claims for the queue: pending ones oldest first (first come, first decided), others newest first."""
    rows = claims_base()
    if status:
        rows = rows.filter(status=status)
    if member is not None:
        rows = rows.filter(member_id=member.pk)
    if status in (ClaimStatus.PENDING, ClaimStatus.APPROVED):
        return rows.order_by("applied_on", "id")
    return rows.order_by("-applied_on", "-id")


# ======== A member's welfare history (ประวัติการรับสวัสดิการ) ========


@dataclass(frozen=True)
class HistoryRow:
    claim_id: int
    scheme_code: str
    scheme_name: str
    beneficiary: str
    relation_label: str
    event_date: dt.date
    applied_on: dt.date
    status: str
    status_label: str
    amount: Decimal
    paid_on: dt.date | None
    method_label: str
    voucher: str

    @property
    def event_date_text(self) -> str:
        return format_be_date(self.event_date)

    @property
    def applied_on_text(self) -> str:
        return format_be_date(self.applied_on)

    @property
    def paid_on_text(self) -> str:
        return format_be_date(self.paid_on)

    @property
    def received(self) -> bool:
        return self.status == ClaimStatus.PAID


@dataclass(frozen=True)
class WelfareHistory:
    rows: list[HistoryRow]
    total_received: Decimal
    paid_count: int
    pending_count: int


def welfare_history(*, member: Member) -> WelfareHistory:
    """Every claim of the member, newest first, and what the member has received (paid, not reversed)."""
    rows = [
        HistoryRow(
            claim_id=c.pk,
            scheme_code=c.scheme.code,
            scheme_name=c.scheme.name,
            beneficiary=c.beneficiary_name,
            relation_label=c.get_beneficiary_relation_display(),
            event_date=c.event_date,
            applied_on=c.applied_on,
            status=c.status,
            status_label=c.get_status_display(),
            amount=c.amount,
            paid_on=c.paid_on,
            method_label=c.get_payment_method_display() if c.payment_method else "",
            voucher=c.journal_entry.voucher_label if c.journal_entry_id else "",
        )
        for c in WelfareClaim.objects.filter(member_id=member.pk)
        .select_related("scheme", "journal_entry__fiscal_year")
        .order_by("-applied_on", "-id")
    ]
    paid = [r for r in rows if r.received]
    return WelfareHistory(
        rows=rows,
        total_received=sum((r.amount for r in paid), ZERO),
        paid_count=len(paid),
        pending_count=sum(1 for r in rows if r.status in (ClaimStatus.PENDING, ClaimStatus.APPROVED)),
    )


# ======== Which schemes a member can claim now ========


@dataclass(frozen=True)
class SchemeAvailability:
    scheme: WelfareScheme
    checks: list[RuleCheck]

    @property
    def available(self) -> bool:
        return not checks_failed(self.checks)

    @property
    def reasons(self) -> list[str]:
        return [f"{c.message} ({c.figure})" for c in checks_failed(self.checks)]

    @property
    def amount_text(self) -> str:
        s = self.scheme
        if s.amount_rule == "by_level":
            return " / ".join(f"{row.label} {baht(row.amount)}" for row in s.levels.all())
        if s.amount_rule == "per_day":
            cap = f" ไม่เกิน {s.max_days_per_year} วันต่อปี" if s.max_days_per_year else ""
            return f"วันละ {baht(s.amount)}{cap}"
        return baht(s.amount)


def welfare_schemes_available(*, member: Member, on: dt.date) -> list[SchemeAvailability]:
    """Each scheme open on ``on`` with the member-level checks: who may claim it now, and why not.

    Rules that need the event or the beneficiary (a child's yearly scholarship, the 180 days after a
    birth) are checked when the claim is made; here a scheme counted per beneficiary stays open.
    """
    return [
        SchemeAvailability(scheme=scheme, checks=scheme_member_checks(scheme=scheme, member=member, on=on))
        for scheme in schemes_in_force(on=on)
    ]


# ======== Payments by scheme for a date range (รายงานการจ่ายสวัสดิการ) ========


@dataclass
class SchemeTotals:
    code: str
    name: str
    fund_label: str
    paid_count: int = 0
    paid_amount: Decimal = ZERO
    reversed_count: int = 0
    reversed_amount: Decimal = ZERO

    @property
    def net_amount(self) -> Decimal:
        return self.paid_amount - self.reversed_amount

    def as_row(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "fund": self.fund_label,
            "paid_count": self.paid_count,
            "paid_amount": self.paid_amount,
            "reversed_count": self.reversed_count,
            "reversed_amount": self.reversed_amount,
            "net_amount": self.net_amount,
        }


@dataclass
class PaymentsReport:
    start: dt.date
    end: dt.date
    schemes: list[SchemeTotals]
    details: list[dict]
    by_fund: dict[str, Decimal] = field(default_factory=dict)

    @property
    def totals(self) -> dict:
        return {
            "paid_count": sum(s.paid_count for s in self.schemes),
            "paid_amount": sum((s.paid_amount for s in self.schemes), ZERO),
            "reversed_count": sum(s.reversed_count for s in self.schemes),
            "reversed_amount": sum((s.reversed_amount for s in self.schemes), ZERO),
            "net_amount": sum((s.net_amount for s in self.schemes), ZERO),
        }


def welfare_payments_report(*, start: dt.date, end: dt.date) -> PaymentsReport:
    """Claims paid (by payment date) and reversed (by reversal date) in ``start``–``end``, per scheme.

    A claim paid and reversed inside the range appears on both sides, so the net is what the funds
    actually paid out in the range, as the GL shows it.
    """
    rows = (
        WelfareClaim.objects.filter(
            Q(paid_on__gte=start, paid_on__lte=end) | Q(reversed_on__gte=start, reversed_on__lte=end),
            status__in=(ClaimStatus.PAID, ClaimStatus.REVERSED),
        )
        .select_related("scheme", "member", "journal_entry__fiscal_year", "reversal_entry__fiscal_year")
        .order_by("scheme__code", "paid_on", "id")
    )
    totals: dict[int, SchemeTotals] = {}
    by_fund: dict[str, Decimal] = defaultdict(lambda: ZERO)
    details = []
    for c in rows:
        t = totals.setdefault(
            c.scheme_id,
            SchemeTotals(code=c.scheme.code, name=c.scheme.name, fund_label=FundRole(c.fund_role).label),
        )
        if start <= c.paid_on <= end:
            t.paid_count += 1
            t.paid_amount += c.amount
            by_fund[c.fund_role] += c.amount
            details.append(_detail(c, kind="จ่าย", on=c.paid_on, amount=c.amount, voucher=c.journal_entry))
        if c.reversed_on is not None and start <= c.reversed_on <= end:
            t.reversed_count += 1
            t.reversed_amount += c.amount
            by_fund[c.fund_role] -= c.amount
            details.append(
                _detail(c, kind="กลับรายการ", on=c.reversed_on, amount=-c.amount, voucher=c.reversal_entry)
            )
    return PaymentsReport(
        start=start,
        end=end,
        schemes=sorted(totals.values(), key=lambda t: t.code),
        details=details,
        by_fund=dict(by_fund),
    )


def _detail(c: WelfareClaim, *, kind: str, on: dt.date, amount: Decimal, voucher) -> dict:
    return {
        "claim_id": c.pk,
        "date": on,
        "kind": kind,
        "scheme": f"{c.scheme.code} {c.scheme.name}",
        "number": c.member.number,
        "name": c.member.full_name,
        "beneficiary": c.beneficiary_name,
        "method": PaymentMethod(c.payment_method).label if c.payment_method else "",
        "amount": amount,
        "voucher": voucher.voucher_label if voucher is not None else "",
    }
