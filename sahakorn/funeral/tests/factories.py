"""Test data for the funeral association, built through the services so every figure has its voucher."""

import datetime as dt
from decimal import Decimal as D

from sahakorn.funeral.models import Channel, FuneralMembership
from sahakorn.funeral.services import BeneficiaryInput, funeral_membership_enrol
from sahakorn.members.models import Member
from sahakorn.members.tests.factories import MemberFactory, valid_national_id

ONE_HEIR = [BeneficiaryInput(name="นางสมศรี ใจดี", relation="คู่สมรส", share_percent=D("100.00"))]


def heirs(*shares: str) -> list[BeneficiaryInput]:
    """Beneficiaries with these shares (percent, as strings), named ทายาท 1, ทายาท 2, …"""
    return [
        BeneficiaryInput(name=f"ทายาท {i}", relation="บุตร", share_percent=D(share),
                         national_id=valid_national_id(900_000 + i))
        for i, share in enumerate(shares, 1)
    ]  # fmt: skip


def enrolled(
    member: Member | None = None,
    *,
    joined_on: dt.date = dt.date(2025, 1, 10),
    beneficiaries: list[BeneficiaryInput] | None = None,
    with_entrance_fee: bool = True,
    by=None,
    **member_fields,
) -> FuneralMembership:
    """A coop member (``MemberFactory``) enrolled in the association, paying the 50.00 entrance fee in cash."""
    member = member or MemberFactory(**member_fields)
    return funeral_membership_enrol(
        member=member,
        joined_on=joined_on,
        beneficiaries=beneficiaries or ONE_HEIR,
        by=by,
        with_entrance_fee=with_entrance_fee,
        channel=Channel.COUNTER,
    )
