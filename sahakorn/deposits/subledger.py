"""The deposits app's part of the sub-ledger contract (``core.subledger``)."""

from __future__ import annotations

from sahakorn.core.subledger import MemberCard, SubLedger


def _card_context(member) -> dict:
    from sahakorn.deposits.views import member_section_context

    return member_section_context(member)


class Deposits(SubLedger):
    key = "deposits"
    title = "เงินฝาก"
    order = 30

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


SUBLEDGER = Deposits()
