"""The funeral app's part of the sub-ledger contract (``core.subledger``).

Monthly demands: the association calls dues by levy (one per approved death, or once a calendar
year), not by month, and a due has no due date of its own. What a month bills a member is therefore
each of the member's dues called in that month (its levy's ``levied_on`` in the month) that is still
outstanding on a levy still collecting. A due is received whole (the row has no part-paid state);
one left unpaid stays on its levy's screen to be collected there (``funeral_dues_collect``), and is
not billed again the next month.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

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


def _demand(due, *, arrears: bool = False) -> MonthlyDemand:
    from sahakorn.funeral.errors import FuneralError
    from sahakorn.funeral.services import LIABILITY, funeral_due_credit_lines, funeral_due_settle

    label = _levy_label(due.levy)

    credit_lines, settle = receipt_steps(
        lines=lambda amount: funeral_due_credit_lines(due=due, amount=amount),
        record=lambda **kwargs: funeral_due_settle(due=due, **kwargs),
        error=FuneralError,
    )

    return MonthlyDemand(
        subledger="funeral",
        reference=str(due.pk),
        label=label,
        account_role=LIABILITY,
        amount=due.amount,
        kind="funeral.dues",
        arrears={"": due.amount} if arrears else {},
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
        from sahakorn.funeral.models import FuneralDue

        total = FuneralDue.objects.filter(journal_entry_id__in=entry_ids).aggregate(t=money_sum("amount"))[
            "t"
        ]
        return money_from_sum(total)

    def billing_receipts(self, *, period: dt.date, receipts) -> ReceiptBatch:
        from sahakorn.funeral.services import funeral_dues_receipts

        return funeral_dues_receipts(receipts=receipts)

    def billing_demand_rows(self, *, period: dt.date, members) -> list[DemandRow]:
        """Every member's outstanding dues at once: the open levies' unpaid dues, a query per 5,000
        members, read as plain values (a levy's label made once, not once a due); the same rows as
        ``monthly_demands`` gives member by member."""
        from sahakorn.core.selectors import in_chunks
        from sahakorn.funeral.models import FuneralLevy

        first = period.replace(day=1)
        rows = self._outstanding(period).values_list(
            "pk", "amount", "membership__member_id", "levy_id", "levy__levied_on"
        )
        found = in_chunks(rows, "membership__member_id", [member.pk for member in members])
        levies = {levy_id for _, _, _, levy_id, _ in found}
        labels = {
            levy.pk: _levy_label(levy)
            for levy in FuneralLevy.objects.filter(pk__in=levies).select_related("claim__membership__member")
        }
        return [
            DemandRow(
                member_id=member_id,
                subledger="funeral",
                kind="funeral.dues",
                reference=str(due_id),
                label=labels[levy_id],
                amount=amount,
                arrears=amount if levied_on < first else ZERO,
            )
            for due_id, amount, member_id, levy_id, levied_on in found
            if amount > ZERO
        ]

    def _outstanding(self, period: dt.date):
        from sahakorn.funeral.models import FuneralDue, LevyStatus

        return (
            FuneralDue.objects.filter(
                collected_on__isnull=True,
                levy__status=LevyStatus.OPEN,
                levy__levied_on__lt=add_months(period.replace(day=1), 1),
            )
            .select_related("levy__claim__membership__member", "membership")
            .order_by("levy__levied_on", "levy_id")
        )

    def monthly_demands(self, *, member, period: dt.date) -> list[MonthlyDemand]:
        """The member's dues called by the end of ``period``'s month, still outstanding on an open levy,
        oldest first (a due an earlier month left unpaid is billed again, as arrears).

        ``reference`` is the due's id; each demand is the whole due, credited to the liability for
        the member inside the caller's voucher and recorded as collected (channel: payroll) once
        that voucher is posted.
        """
        first = period.replace(day=1)
        dues = self._outstanding(period).filter(membership__member_id=member.pk)
        return [_demand(due, arrears=due.levy.levied_on < first) for due in dues]


SUBLEDGER = Funeral()
