"""Reads of the funeral association (สมาคมฌาปนกิจสงเคราะห์): rules in force, memberships, lists and reports.

A member-facing selector takes the member object (the portal passes ``request.user.member``),
never an id from a URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from sahakorn.core.money import ZERO
from sahakorn.core.selectors import money_from_sum
from sahakorn.core.selectors import money_sum as core_money_sum
from sahakorn.core.thai import format_be_date
from sahakorn.funeral.errors import FuneralError
from sahakorn.funeral.models import (
    DeathClaim,
    FuneralBeneficiary,
    FuneralDue,
    FuneralLevy,
    FuneralMembership,
    FuneralSettings,
    MembershipStatus,
    due_is_paid,
)
from sahakorn.funeral.rules import PayoutFigures, payout_figures, payout_split
from sahakorn.members.models import Member

# The one exact money SUM of both databases (core.selectors), by the names this app's readers use.
money_sum = core_money_sum
to_money = money_from_sum


# ======== Rules ========


def funeral_settings_for(*, on: dt.date) -> FuneralSettings:
    """The association's rules in force on ``on`` (the latest version effective by then)."""
    found = FuneralSettings.objects.filter(effective_from__lte=on).order_by("-effective_from").first()
    if found is None:
        raise FuneralError(f"ยังไม่มีระเบียบสมาคมฌาปนกิจที่มีผล ณ วันที่ {format_be_date(on)}")
    return found


# ======== Memberships ========


def beneficiaries_current(*, membership: FuneralMembership) -> list[FuneralBeneficiary]:
    return list(membership.beneficiaries.filter(replaced_at__isnull=True).order_by("position", "id"))


@dataclass(frozen=True)
class MembershipRecord:
    """A member's association record: what the member card, the membership page and the portal show."""

    membership: FuneralMembership
    beneficiaries: list[FuneralBeneficiary]
    dues_paid_this_year: Decimal
    dues_outstanding: Decimal
    dues: list[FuneralDue] = field(default_factory=list)
    claim: DeathClaim | None = None

    @property
    def number(self) -> str:
        return self.membership.number

    @property
    def status(self) -> str:
        return self.membership.status

    @property
    def shares_total(self) -> Decimal:
        return sum((b.share_percent for b in self.beneficiaries), Decimal("0.00"))


def funeral_membership_of(*, member: Member, with_history: bool = False) -> MembershipRecord | None:
    """The member's association membership (number, status, beneficiaries, dues paid this calendar year).

    ``None`` when the member never enrolled. ``with_history`` adds every due (newest first) and the claim.
    """
    membership = FuneralMembership.objects.filter(member_id=member.pk).first()
    if membership is None:
        return None
    year = timezone.localdate().year
    own = FuneralDue.objects.filter(membership=membership)
    paid = own.filter(collected_on__year=year).aggregate(total=money_sum("amount"))["total"]
    by_payroll = membership.payroll_collections.filter(collection__collected_on__year=year).aggregate(
        total=money_sum("amount")
    )["total"]
    outstanding = own.outstanding().aggregate(total=money_sum("amount"))["total"]
    dues: list[FuneralDue] = []
    claim = None
    if with_history:
        dues = list(
            FuneralDue.objects.filter(membership=membership)
            .with_payment()
            .select_related("levy", "levy__claim__membership__member", "journal_entry__fiscal_year")
            .order_by("-levy__levied_on", "-levy_id")
        )
        claim = DeathClaim.objects.filter(membership=membership).first()
    return MembershipRecord(
        membership=membership,
        beneficiaries=beneficiaries_current(membership=membership),
        dues_paid_this_year=to_money(paid) + to_money(by_payroll),
        dues_outstanding=to_money(outstanding),
        dues=dues,
        claim=claim,
    )


def association_members(
    *, q: str = "", unit_id: int | None = None, include_ended: bool = False
) -> QuerySet[FuneralMembership]:
    """The association's member list (ทะเบียนสมาชิกสมาคม): active members with unit and beneficiaries count.

    ``q`` matches the association number, the coop member number or the name.
    """
    rows = FuneralMembership.objects.select_related("member", "member__unit").annotate(
        beneficiaries_count=Count("beneficiaries", filter=Q(beneficiaries__replaced_at__isnull=True))
    )
    if not include_ended:
        rows = rows.filter(status=MembershipStatus.ACTIVE)
    if unit_id:
        rows = rows.filter(member__unit_id=unit_id)
    for word in (q or "").split():
        rows = rows.filter(
            Q(number=word)
            | Q(member__number=word)
            | Q(member__first_name__icontains=word)
            | Q(member__last_name__icontains=word)
        )
    return rows.order_by("number")


def membership_get(*, pk: int) -> FuneralMembership:
    return FuneralMembership.objects.select_related("member", "member__unit").get(pk=pk)


def active_on(on: dt.date) -> Q:
    """Memberships in force on ``on``: joined by then and not ended by then (a levy's call list)."""
    return Q(joined_on__lte=on) & (Q(ended_on__isnull=True) | Q(ended_on__gt=on))


# ======== Levies and the dues report ========


@dataclass(frozen=True)
class LevyRow:
    levy: FuneralLevy
    members_called: int
    collected_count: int
    collected_amount: Decimal
    outstanding_count: int
    outstanding_amount: Decimal

    @property
    def called_amount(self) -> Decimal:
        return self.collected_amount + self.outstanding_amount


@dataclass(frozen=True)
class DuesReport:
    rows: list[LevyRow]
    start: dt.date | None
    end: dt.date | None

    @property
    def totals(self) -> dict:
        return {
            "members_called": sum(r.members_called for r in self.rows),
            "called_amount": sum((r.called_amount for r in self.rows), ZERO),
            "collected_count": sum(r.collected_count for r in self.rows),
            "collected_amount": sum((r.collected_amount for r in self.rows), ZERO),
            "outstanding_count": sum(r.outstanding_count for r in self.rows),
            "outstanding_amount": sum((r.outstanding_amount for r in self.rows), ZERO),
        }


def levies_with_figures(*, start: dt.date | None = None, end: dt.date | None = None) -> list[LevyRow]:
    """Every levy (newest first) with members called, collected and outstanding: one GROUP BY."""
    levies = FuneralLevy.objects.select_related("claim__membership__member")
    if start is not None:
        levies = levies.filter(levied_on__gte=start)
    if end is not None:
        levies = levies.filter(levied_on__lte=end)
    levies = list(levies.order_by("-levied_on", "-id"))
    # One GROUP BY over the dues, a due paid at the counter or by payroll (``DueQuerySet.paid``).
    figures = {
        levy_id: (called, paid, called_total, paid_total)
        for levy_id, called, paid, called_total, paid_total in FuneralDue.objects.filter(levy__in=levies)
        .order_by()
        .values("levy_id")
        .annotate(
            called=Count("id"),
            paid=Count("id", filter=due_is_paid()),
            called_total=money_sum("amount"),
            paid_total=money_sum("amount", filter=due_is_paid()),
        )
        .values_list("levy_id", "called", "paid", "called_total", "paid_total")
    }
    return [_levy_row(levy, *figures.get(levy.pk, (0, 0, None, None))) for levy in levies]


def _levy_row(levy: FuneralLevy, called: int, paid: int, called_total, paid_total) -> LevyRow:
    called_amount, paid_amount = to_money(called_total), to_money(paid_total)
    return LevyRow(
        levy=levy,
        members_called=called,
        collected_count=paid,
        collected_amount=paid_amount,
        outstanding_count=called - paid,
        outstanding_amount=called_amount - paid_amount,
    )


def dues_report(*, start: dt.date | None = None, end: dt.date | None = None) -> DuesReport:
    """The dues report (รายงานการเรียกเก็บเงินสงเคราะห์): per levy, members called, collected, outstanding."""
    return DuesReport(rows=levies_with_figures(start=start, end=end), start=start, end=end)


def levy_row(*, levy: FuneralLevy) -> LevyRow:
    sums = FuneralDue.objects.filter(levy=levy).aggregate(
        n=Count("id"),
        paid=Count("id", filter=due_is_paid()),
        called_total=money_sum("amount"),
        paid_total=money_sum("amount", filter=due_is_paid()),
    )
    return _levy_row(levy, sums["n"], sums["paid"], sums["called_total"], sums["paid_total"])


def levy_dues(*, levy: FuneralLevy, outstanding_only: bool = False) -> QuerySet[FuneralDue]:
    rows = (
        FuneralDue.objects.filter(levy=levy)
        .with_payment()
        .select_related("membership__member__unit", "journal_entry__fiscal_year")
    )
    if outstanding_only:
        rows = rows.outstanding()
    return rows.order_by("membership__number")


# ======== Claims ========


@dataclass(frozen=True)
class PayoutLine:
    beneficiary: FuneralBeneficiary
    share_percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PayoutPlan:
    """What paying a claim would do now: the figures of the rule and each beneficiary's amount."""

    claim: DeathClaim
    settings: FuneralSettings
    figures: PayoutFigures
    lines: list[PayoutLine]

    @property
    def total(self) -> Decimal:
        return self.figures.total


def claim_dues_collected(*, claim: DeathClaim) -> Decimal:
    """Dues collected so far for the claim's levy (zero when it has none)."""
    total = FuneralDue.objects.filter(levy__claim=claim).paid().aggregate(total=money_sum("amount"))["total"]
    return to_money(total)


def death_claim_payout_plan(*, claim: DeathClaim) -> PayoutPlan:
    """The payout split shown before paying (and used by the payment): same rule, same figures."""
    rules = funeral_settings_for(on=claim.death_date)
    figures = payout_figures(
        basis=rules.payout_basis,
        dues_collected=claim_dues_collected(claim=claim),
        admin_fee_percent=rules.admin_fee_percent,
        fixed_payout=rules.fixed_payout,
        max_payout=rules.max_payout,
    )
    beneficiaries = beneficiaries_current(membership=claim.membership)
    amounts = payout_split(figures.total, [b.share_percent for b in beneficiaries])
    return PayoutPlan(
        claim=claim,
        settings=rules,
        figures=figures,
        lines=[
            PayoutLine(beneficiary=b, share_percent=b.share_percent, amount=a)
            for b, a in zip(beneficiaries, amounts, strict=True)
        ],
    )


def death_claims(*, status: str | None = None) -> QuerySet[DeathClaim]:
    rows = DeathClaim.objects.select_related(
        "membership__member", "requested_by", "decided_by", "levy", "journal_entry__fiscal_year"
    )
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-reported_on", "-id")
