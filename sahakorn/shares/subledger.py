"""The share capital's part of the sub-ledger contract (``core.subledger``)."""

from __future__ import annotations

from sahakorn.core.subledger import MemberCard, SubLedger


def _card_context(member) -> dict:
    from sahakorn.shares.report_views import member_section_context

    return member_section_context(member)


class Shares(SubLedger):
    key = "shares"
    title = "ทุนเรือนหุ้น"
    order = 10

    def member_cards(self) -> list[MemberCard]:
        return [
            MemberCard(
                key="shares",
                title="ทุนเรือนหุ้น",
                position=10,
                template="shares/member_section.html",
                permission="shares.view_shareaccount",
                context=_card_context,
            )
        ]


SUBLEDGER = Shares()
