"""The welfare app's part of the sub-ledger contract (``core.subledger``)."""

from __future__ import annotations

import datetime as dt

from sahakorn.core.subledger import MemberCard, Reconciled, SubLedger


def _card_context(member) -> dict:
    from sahakorn.welfare.views import member_section_context

    return member_section_context(member)


class Welfare(SubLedger):
    """Welfare pays out of the coop's funds and bills members nothing monthly (no ``monthly_demands``)."""

    key = "welfare"
    title = "สวัสดิการ"
    order = 40
    # No control roles: its reconcile reads welfare vouchers only, and the funds also take the
    # appropriations from profit, which are manual vouchers.
    source = "welfare"

    def member_cards(self) -> list[MemberCard]:
        return [
            MemberCard(
                key="welfare",
                title="สวัสดิการ",
                position=40,
                template="welfare/member_section.html",
                permission="welfare.view_welfareclaim",
                context=_card_context,
            )
        ]

    def reconcile(self, *, as_of: dt.date | None = None) -> Reconciled:
        """Paid minus reversed claims per fund against the GL's welfare debits (``welfare.reconcile``)."""
        from sahakorn.welfare.reconcile import welfare_reconciled

        return welfare_reconciled(as_of=as_of)


SUBLEDGER = Welfare()
