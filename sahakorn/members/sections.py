"""The sub-ledger cards on a member's page (หน้าข้อมูลสมาชิก), in the order they are shown.

Each later app (shares, loans, deposits, …) replaces its placeholder from its
``AppConfig.ready()``::

    member_section_register(MemberSection(
        key="shares", title="ทุนเรือนหุ้น", template="shares/member_section.html",
        permission="shares.view_sharetransaction", context=share_section_context,
    ))

``context(member)`` returns what the section's template needs; the template sees it as
``data``, next to ``member`` and ``section``. ``member_sections`` is what the member page
iterates, so the page itself never changes when a sub-ledger arrives.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sahakorn.members.models import Member

PLACEHOLDER_TEMPLATE = "members/sections/placeholder.html"


@dataclass(frozen=True)
class MemberSection:
    key: str
    title: str
    template: str = PLACEHOLDER_TEMPLATE
    permission: str | None = None
    context: Callable[[Member], dict] | None = None


_SECTIONS: dict[str, MemberSection] = {
    s.key: s
    for s in (
        MemberSection("shares", "ทุนเรือนหุ้น"),
        MemberSection("loans", "เงินกู้"),
        MemberSection("guarantees", "การค้ำประกัน"),
        MemberSection("deposits", "เงินฝาก"),
        MemberSection("welfare", "สวัสดิการ"),
        MemberSection("dividends", "เงินปันผล-เฉลี่ยคืน"),
    )
}


def member_section_register(section: MemberSection) -> None:
    """Add a section, or replace the one with the same key (keeping its place on the page)."""
    _SECTIONS[section.key] = section


def member_sections(*, member: Member, user) -> list[dict]:
    """The sections this user may see on this member's page, with their context filled in."""
    out = []
    for section in _SECTIONS.values():
        if section.permission and not user.has_perm(section.permission):
            continue
        out.append(
            {
                "section": section,
                "is_placeholder": section.template == PLACEHOLDER_TEMPLATE,
                "context": section.context(member) if section.context else {},
            }
        )
    return out
