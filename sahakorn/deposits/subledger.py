"""The deposits app's part of the sub-ledger contract (``core.subledger``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sahakorn.core.months import month_end
from sahakorn.core.subledger import (
    BillingKind,
    DemandRow,
    MemberCard,
    MonthlyDemand,
    Reconciled,
    SubLedger,
    demand_rows,
    receipt_steps,
)
from sahakorn.core.thai import format_be_date
from sahakorn.deposits.models import DEPOSIT_GL_ROLES


def _card_context(member) -> dict:
    from sahakorn.deposits.views import member_section_context

    return member_section_context(member)


def _due_accounts(period: dt.date):
    """Accounts with a monthly deposit that the month has not received yet: open (not dormant, not
    closed) by the month's end, of an active member, and no payroll deposit dated in the month."""
    from django.db.models import Exists, OuterRef

    from sahakorn.deposits.models import (
        AccountStatus,
        Channel,
        DepositAccount,
        DepositTransaction,
        TransactionKind,
    )
    from sahakorn.members.models import MemberStatus

    first = period.replace(day=1)
    last = month_end(first)
    received = DepositTransaction.objects.filter(
        account=OuterRef("pk"),
        kind=TransactionKind.DEPOSIT,
        channel=Channel.PAYROLL,
        date__gte=first,
        date__lte=last,
    )
    return (
        DepositAccount.objects.filter(
            monthly_deposit__gt=0,
            status=AccountStatus.ACTIVE,
            opened_on__lte=last,
            member__status=MemberStatus.ACTIVE,
        )
        .exclude(Exists(received))
        .select_related("product")
        .order_by("member_id", "number")
    )


def _demand(account, period: dt.date) -> MonthlyDemand:
    from sahakorn.deposits.errors import DepositError
    from sahakorn.deposits.services import deposit_payroll_credit_lines, deposit_payroll_receipt_record

    credit_lines, settle = receipt_steps(
        lines=lambda amount: deposit_payroll_credit_lines(account=account, amount=amount),
        record=lambda **kwargs: deposit_payroll_receipt_record(account=account, **kwargs),
        error=DepositError,
    )

    return MonthlyDemand(
        subledger="deposits",
        reference=account.number,
        label=f"ฝากรายเดือน {account.product.name} {account.number} {format_be_date(period, 'month')}",
        account_role=account.product.gl_role,
        amount=account.monthly_deposit,
        kind="deposits.monthly",
        credit_lines=credit_lines,
        settle=settle,
    )


class Deposits(SubLedger):
    """An account may carry an agreed monthly deposit (``monthly_deposit``), which billing deducts from
    pay: one demand per account per month, any part of it taken (a short month deposits less)."""

    key = "deposits"
    title = "เงินฝาก"
    order = 30
    source = "deposits"
    control_roles = DEPOSIT_GL_ROLES

    def member_cards(self) -> list[MemberCard]:
        return [
            MemberCard(
                key="deposits",
                title="เงินฝาก",
                position=30,
                template="deposits/member_section.html",
                permission="deposits.view_depositaccount",
                context=_card_context,
            )
        ]

    def billing_received(self, *, entry_ids) -> Decimal:
        from sahakorn.core.selectors import money_from_sum, money_sum
        from sahakorn.deposits.models import Channel, DepositTransaction, TransactionKind

        rows = DepositTransaction.objects.filter(
            journal_entry_id__in=entry_ids, kind=TransactionKind.DEPOSIT, channel=Channel.PAYROLL
        )
        return money_from_sum(rows.aggregate(t=money_sum("amount"))["t"])

    def billing_kinds(self) -> list[BillingKind]:
        return [BillingKind("deposits.monthly", "DEP", "เงินฝากรายเดือน", priority=40)]

    def monthly_demands(self, *, member, period: dt.date) -> list[MonthlyDemand]:
        return [_demand(account, period) for account in _due_accounts(period).filter(member_id=member.pk)]

    def billing_demand_rows(self, *, period: dt.date, members) -> list[DemandRow]:
        from sahakorn.core.selectors import in_chunks

        return [
            row
            for account in in_chunks(_due_accounts(period), "member_id", [member.pk for member in members])
            for row in demand_rows(_demand(account, period), member_id=account.member_id)
        ]

    def reconcile(self, *, as_of: dt.date | None = None) -> Reconciled:
        from sahakorn.deposits.reconcile import deposits_reconciled

        return deposits_reconciled(as_of=as_of)


SUBLEDGER = Deposits()
