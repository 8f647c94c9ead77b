"""The welfare app's part of the sub-ledger contract (``core.subledger``)."""

from __future__ import annotations

from sahakorn.core.subledger import MemberCard, SubLedger


def _card_context(member) -> dict:
    from sahakorn.welfare.views import member_section_context

    return member_section_context(member)


class Welfare(SubLedger):
    key = "welfare"
    title = "สวัสดิการ"
    order = 40

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


SUBLEDGER = Welfare()
