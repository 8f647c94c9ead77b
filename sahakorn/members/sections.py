"""The sub-ledger cards on a member's page (หน้าข้อมูลสมาชิก), in the order they are shown.

The cards come from each sub-ledger's contract (``<app>/subledger.py``, ``member_cards``), so the
member page itself never changes when a sub-ledger arrives. A card's ``context(member)`` returns
what its template sees as ``data``, next to ``member`` and ``section`` (the card).
"""

from sahakorn.core.subledger import PLACEHOLDER_TEMPLATE, member_cards
from sahakorn.members.models import Member


def member_sections(*, member: Member, user) -> list[dict]:
    """The cards this user may see on this member's page, with their context filled in."""
    out = []
    for card in member_cards():
        if card.permission and not user.has_perm(card.permission):
            continue
        out.append(
            {
                "section": card,
                "is_placeholder": card.template == PLACEHOLDER_TEMPLATE,
                "context": card.context(member) if card.context else {},
            }
        )
    return out
