"""The funeral app's part of the sub-ledger contract (``core.subledger``)."""

from __future__ import annotations

from sahakorn.core.subledger import MemberCard, SubLedger


def _card_context(member) -> dict:
    from sahakorn.funeral.views import member_section_context

    return member_section_context(member)


class Funeral(SubLedger):
    key = "funeral"
    title = "สมาคมฌาปนกิจสงเคราะห์"
    order = 60

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


SUBLEDGER = Funeral()
