"""Test data for shares: rules versions, share accounts and members holding shares, built through
the services so every figure has its journal entry and its transaction rows."""

import datetime as dt
from decimal import Decimal

import factory

from sahakorn.members.models import Member
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.shares.models import Channel, MonthlyMethod, ShareAccount, ShareBracket, ShareRules, TableUnit

# The seeded table (migration 0002): ≤ 5,000 → 20 shares, +5 per 1,000 up to 16,000, ≤ 20,000 → 80, above → 100.
DEFAULT_BRACKETS: list[tuple[Decimal | None, Decimal]] = [
    (Decimal(5000 + 1000 * i), Decimal(20 + 5 * i)) for i in range(12)
] + [(Decimal(20000), Decimal(80)), (None, Decimal(100))]

RULE_DEFAULTS = {
    "par_value": Decimal("10.00"),
    "min_initial_shares": 10,
    "entrance_fee": Decimal("100.00"),
    "max_extra_purchase": Decimal("100000.00"),
    "holding_cap_ratio": Decimal("0.2000"),
    "holding_cap_min_holders": 5,
    "monthly_method": MonthlyMethod.TABLE,
    "table_unit": TableUnit.SHARES,
    "monthly_max_percent": Decimal("50.00"),
    "monthly_floor_no_salary": Decimal("200.00"),
    "default_consecutive_months": 3,
    "default_months_per_year": 6,
    "suspension_min_months": 240,
    "suspension_min_balance": Decimal("300000.00"),
    "suspension_requires_debt_below_shares": True,
}


def share_rules(
    *,
    effective_from: dt.date = dt.date(2000, 1, 1),
    brackets: list[tuple[Decimal | None, Decimal]] | None = None,
    **fields,
) -> ShareRules:
    """A rules version in force from ``effective_from`` (default 1 Jan 2000, after the seeded one).

    Written straight to the table rather than through ``share_rules_create``, which refuses a
    date in the past once transactions exist: tests set the rules up before anything happens.
    Fields not given take the seeded defaults; ``brackets`` defaults to the seeded table.
    """
    rules = ShareRules.objects.create(effective_from=effective_from, **{**RULE_DEFAULTS, **fields})
    ShareBracket.objects.bulk_create(
        ShareBracket(rules=rules, salary_up_to=upto, value=value)
        for upto, value in (DEFAULT_BRACKETS if brackets is None else brackets)
    )
    return rules


class ShareAccountFactory(factory.django.DjangoModelFactory):
    """A member's share account opened through ``share_account_open`` (monthly shares by the rules)."""

    class Meta:
        model = ShareAccount

    member = factory.SubFactory(MemberFactory)
    opened_on = factory.LazyAttribute(lambda o: o.member.joined_on)
    monthly_shares = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs) -> ShareAccount:
        from sahakorn.shares.services import share_account_open

        return share_account_open(
            member=kwargs["member"],
            opened_on=kwargs["opened_on"],
            monthly_shares=kwargs.get("monthly_shares"),
            by=kwargs.get("by"),
        )


def member_with_shares(
    shares: int = 0,
    *,
    on: dt.date = dt.date(2025, 1, 15),
    channel: str = Channel.COUNTER,
    with_entrance_fee: bool = True,
    by=None,
    **member_fields,
) -> Member:
    """A member (``MemberFactory`` with ``member_fields``) who bought ``shares`` as initial shares on ``on``.

    With ``shares=0`` the share account is only opened. The purchase posts its voucher (Dr cash /
    Cr share capital / Cr entrance fee), so the GL and the sub-ledger agree from the start.
    """
    from sahakorn.shares.services import share_account_open, share_initial_purchase

    member = MemberFactory(**member_fields)
    if shares:
        share_initial_purchase(
            member=member, shares=shares, on=on, channel=channel, by=by, with_entrance_fee=with_entrance_fee
        )
    else:
        share_account_open(member=member, opened_on=on, by=by)
    member.refresh_from_db()
    return member
