"""A member's association record, the member list, the dues report."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.funeral.models import FuneralDue
from sahakorn.funeral.selectors import association_members, dues_report, funeral_membership_of

pytestmark = pytest.mark.django_db


def test_membership_of_a_member_lists_and_dues_report(levy):
    # given
    paid = (
        FuneralDue.objects.filter(levy=levy, collected_on__isnull=False).select_related("membership").first()
    )

    # when
    record = funeral_membership_of(member=paid.membership.member, with_history=True)
    members = list(association_members())
    report = dues_report()

    # then: dues paid this year depend on today's year, so only the history is checked exactly
    assert record.number == paid.membership.number and record.status == "active"
    assert [(b.name, b.share_percent) for b in record.beneficiaries] == [("นางสมศรี ใจดี", D("100.00"))]
    assert [(d.amount, d.collected_on) for d in record.dues] == [(D("20.00"), dt.date(2025, 6, 3))]
    assert record.dues_outstanding == D("0.00")
    assert len(members) == 3 and all(m.beneficiaries_count == 1 for m in members)
    assert list(association_members(q=paid.membership.number)) == [paid.membership]
    (row,) = report.rows
    assert (row.members_called, row.collected_count, row.collected_amount, row.outstanding_count,
            row.outstanding_amount) == (3, 2, D("40.00"), 1, D("20.00"))  # fmt: skip
    assert report.totals["called_amount"] == D("60.00")
