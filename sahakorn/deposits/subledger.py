"""The deposits app's part of the sub-ledger contract (``core.subledger``)."""

from __future__ import annotations

import datetime as dt

from sahakorn.core.subledger import MemberCard, Reconciled, SubLedger
from sahakorn.deposits.models import DEPOSIT_GL_ROLES


def _card_context(member) -> dict:
    from sahakorn.deposits.views import member_section_context

    return member_section_context(member)


class Deposits(SubLedger):
    """The deposits bill nothing monthly: an account has no agreed monthly savings amount (a deposit by
    payroll deduction is recorded as the amount received), so ``monthly_demands`` stays empty."""

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

    def reconcile(self, *, as_of: dt.date | None = None) -> Reconciled:
        from sahakorn.deposits.reconcile import deposits_reconciled

        return deposits_reconciled(as_of=as_of)


SUBLEDGER = Deposits()
