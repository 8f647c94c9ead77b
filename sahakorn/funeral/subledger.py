"""The funeral app's part of the sub-ledger contract (``core.subledger``).

Monthly demands: the association calls dues by levy (one per approved death, or once a calendar
year), not by month, and a due has no due date of its own. What a month bills a member is one line:
every due of the member still outstanding on a levy still collecting and called by the month's end
(an earlier month's due left unpaid is in it again, as arrears). A coop of 100,000 members has some
sixty deaths a month; one line a death would be millions of lines and a payslip nobody reads.

The line's ``reference`` is the last levy it takes (the highest id called by the month's end when
the bill is frozen): a levy approved after the freeze is next month's, and at posting the line is
asked again for exactly the dues it billed (``billing_owed``), so what was paid at the counter since
is not taken twice. Dues are received whole (the row has no part-paid state).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Max, Min, Q

from sahakorn.core.money import ZERO
from sahakorn.core.months import add_months
from sahakorn.core.subledger import (
    BillingKind,
    DemandRow,
    MemberCard,
    MonthlyDemand,
    ReceiptBatch,
    Reconciled,
    SubLedger,
    receipt_steps,
)


def _card_context(member) -> dict:
    from sahakorn.funeral.views import member_section_context

    return member_section_context(member)


def _levy_label(levy) -> str:
    """What a bill line calls a levy's due: the levy, and whose death it is for."""
    from sahakorn.funeral.models import LevyKind

    label = str(levy)
    if levy.kind == LevyKind.PER_DEATH:
        deceased = levy.claim.membership
        label += f" ศพ {deceased.number} {deceased.member.full_name}"
    return label


def _dues_label(count: int, levy) -> str:
    """One due: its levy by name; several: how many (the funeral screens list them)."""
    return _levy_label(levy) if count == 1 else f"เงินสงเคราะห์ {count} รายการ"


def _last_levy(period: dt.date) -> int | None:
    """The bill's reference: the newest levy still collecting that is called by the month's end."""
    from sahakorn.funeral.models import FuneralLevy, LevyStatus

    return FuneralLevy.objects.filter(
        status=LevyStatus.OPEN, levied_on__lt=add_months(period.replace(day=1), 1)
    ).aggregate(last=Max("pk"))["last"]


def _demand(dues: list, *, up_to: int, period: dt.date) -> MonthlyDemand:
    from sahakorn.funeral.errors import FuneralError
    from sahakorn.funeral.services import LIABILITY, funeral_dues_credit_lines, funeral_dues_settle

    first = period.replace(day=1)
    credit_lines, settle = receipt_steps(
        lines=lambda amount: funeral_dues_credit_lines(dues=dues, amount=amount),
        record=lambda **kwargs: funeral_dues_settle(dues=dues, **kwargs),
        error=FuneralError,
    )
    arrears = sum((due.amount for due in dues if due.levy.levied_on < first), ZERO)
    return MonthlyDemand(
        subledger="funeral",
        reference=str(up_to),
        label=_dues_label(len(dues), dues[0].levy),
        account_role=LIABILITY,
        amount=sum((due.amount for due in dues), ZERO),
        kind="funeral.dues",
        arrears={"": arrears} if arrears else {},
        credit_lines=credit_lines,
        settle=settle,
    )


class Funeral(SubLedger):
    key = "funeral"
    title = "สมาคมฌาปนกิจสงเคราะห์"
    order = 60
    source = "funeral"
    control_roles = ("funeral_dues_collected",)

    def member_cards(self) -> list[MemberCard]:
        return [
            MemberCard(
                key="funeral",
                title="สมาคมฌาปนกิจสงเคราะห์",
                position=60,
                template="funeral/member_section.html",
                permission="funeral.view_funeralmembership",
                context=_card_context,
            )
        ]

    def reconcile(self, *, as_of: dt.date | None = None) -> Reconciled:
        """Fees + dues − payouts − remittances against the GL liability (``funeral.reconcile``)."""
        from sahakorn.funeral.reconcile import funeral_reconciled

        return funeral_reconciled(as_of=as_of)

    def billing_kinds(self) -> list[BillingKind]:
        return [BillingKind("funeral.dues", "FUN", "เงินสงเคราะห์ศพ", priority=50, whole_only=True)]

    def billing_received(self, *, entry_ids) -> Decimal:
        from sahakorn.core.selectors import money_from_sum, money_sum
        from sahakorn.funeral.models import FuneralDue, PayrollCollectionMember

        # Billing's set-based receipts are payroll collections; the per-member baseline marks due rows.
        on_rows = FuneralDue.objects.filter(journal_entry_id__in=entry_ids).aggregate(t=money_sum("amount"))[
            "t"
        ]
        by_payroll = PayrollCollectionMember.objects.filter(journal_entry_id__in=entry_ids).aggregate(
            t=money_sum("amount")
        )["t"]
        return money_from_sum(on_rows) + money_from_sum(by_payroll)

    def billing_receipts(self, *, period: dt.date, receipts) -> ReceiptBatch:
        from sahakorn.funeral.services import funeral_dues_receipts

        return funeral_dues_receipts(period=period, receipts=receipts)

    def billing_demand_rows(self, *, period: dt.date, members) -> list[DemandRow]:
        """Every member's line at once: one aggregate over the dues the month bills (per 5,000 members,
        or for everyone when the whole month is asked); the same rows as ``monthly_demands`` gives
        member by member."""
        up_to = _last_levy(period)
        if up_to is None:
            return []
        return self._rows(period=period, up_to={member.pk: up_to for member in members})

    def billing_owed(self, *, period: dt.date, members, lines) -> dict:
        """What each frozen line's dues come to today: the same dues (up to the line's levy), less any
        paid since the freeze."""
        wanted = {member_id: int(reference) for member_id, kind, reference in lines if kind == "funeral.dues"}
        return {
            (row.member_id, row.kind, row.reference): row for row in self._rows(period=period, up_to=wanted)
        }

    def _rows(self, *, period: dt.date, up_to: dict[int, int]) -> list[DemandRow]:
        from sahakorn.core.selectors import WHOLE_BOOK, in_chunks, money_from_sums, money_sum
        from sahakorn.funeral.models import FuneralLevy
        from sahakorn.funeral.services import funeral_dues_billed

        money_from_sum = money_from_sums()
        first = period.replace(day=1)
        by_reference: dict[int, list[int]] = {}
        for member_id, last in up_to.items():
            by_reference.setdefault(last, []).append(member_id)
        found = []
        for last, member_ids in sorted(by_reference.items()):
            dues = (
                funeral_dues_billed(up_to_levy=last, called_before=add_months(first, 1))
                .order_by()
                .values("membership__member_id")
                .annotate(
                    total=money_sum("amount"),
                    arrears=money_sum("amount", filter=Q(levy__levied_on__lt=first)),
                    count=Count("pk"),
                    levy=Min("levy_id"),
                )
                .values_list("membership__member_id", "total", "arrears", "count", "levy")
            )
            if len(member_ids) >= WHOLE_BOOK:
                wanted = set(member_ids)
                found += [row for row in dues if row[0] in wanted]
            else:
                found += in_chunks(dues, "membership__member_id", member_ids)
        singles = {levy for _, _, _, count, levy in found if count == 1}
        levies = FuneralLevy.objects.filter(pk__in=singles).select_related("claim__membership__member")
        labels = {levy.pk: _levy_label(levy) for levy in levies}
        return [
            DemandRow(
                member_id=member_id,
                subledger="funeral",
                kind="funeral.dues",
                reference=str(up_to[member_id]),
                label=labels[levy] if count == 1 else _dues_label(count, None),
                amount=money_from_sum(total),
                arrears=money_from_sum(arrears),
            )
            for member_id, total, arrears, count, levy in found
            if money_from_sum(total) > ZERO
        ]

    def monthly_demands(self, *, member, period: dt.date) -> list[MonthlyDemand]:
        """The member's one line for the month: every due called by the end of ``period``'s month and
        still outstanding on an open levy, oldest first (``reference``: the newest levy taken)."""
        from sahakorn.funeral.services import funeral_dues_billed

        up_to = _last_levy(period)
        if up_to is None:
            return []
        dues = list(
            funeral_dues_billed(up_to_levy=up_to, called_before=add_months(period.replace(day=1), 1))
            .filter(membership__member_id=member.pk)
            .select_related("levy__claim__membership__member", "membership")
        )
        return [_demand(dues, up_to=up_to, period=period)] if dues else []


SUBLEDGER = Funeral()
