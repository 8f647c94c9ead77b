import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, transaction

from sahakorn.funeral.models import Channel, FuneralDue, FuneralLevy
from sahakorn.funeral.reconcile import funeral_reconcile
from sahakorn.funeral.selectors import association_members, dues_report, funeral_membership_of
from sahakorn.funeral.services import (
    death_claim_approve,
    death_claim_create,
    funeral_dues_collect,
)
from sahakorn.funeral.tests.factories import enrolled, heirs
from sahakorn.ledger.services import Line, journal_entry_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def levy(officer, manager):
    """Default rules (20.00 a death, 50.00 to join): the deceased and three others; two have paid."""
    deceased = enrolled(beneficiaries=heirs("70.00", "30.00"))
    others = [enrolled() for _ in range(3)]
    claim = death_claim_create(membership=deceased, death_date=dt.date(2025, 5, 1), reported_on=dt.date(2025, 5, 2),
                               by=officer)  # fmt: skip
    death_claim_approve(claim=claim, by=manager, on=dt.date(2025, 5, 3))
    levy = FuneralLevy.objects.get(claim=claim)
    funeral_dues_collect(levy=levy, membership_ids=[others[0].pk, others[1].pk], on=dt.date(2025, 6, 3),
                         channel=Channel.PAYROLL, by=officer)  # fmt: skip
    return levy


def test_check_command_passes_and_a_manual_voucher_to_the_liability_fails_it(levy):
    # given: fees 4 × 50.00 + dues 2 × 20.00 = 240.00
    out = StringIO()
    call_command("funeral", "check", stdout=out)
    assert "funeral check OK" in out.getvalue() and "240.00" in out.getvalue()
    assert funeral_reconcile(as_of=dt.date(2025, 5, 31)).ledger_amount == D("200.00")

    # when
    journal_entry_record(date=dt.date(2025, 7, 1), description="บันทึกด้วยมือ",
                         lines=[Line("cash", debit=D("10.00")), Line("funeral_dues_collected", credit=D("10.00"))])  # fmt: skip

    # then
    assert funeral_reconcile().difference == D("-10.00")
    with pytest.raises(CommandError):
        call_command("funeral", "check", stdout=StringIO())


def test_a_collected_due_cannot_be_changed_or_deleted_but_an_open_one_can_be_collected(levy):
    collected = FuneralDue.objects.filter(levy=levy, collected_on__isnull=False).first()
    with pytest.raises(DatabaseError), transaction.atomic():
        FuneralDue.objects.filter(pk=collected.pk).update(amount=D("1.00"))
    with pytest.raises(DatabaseError), transaction.atomic():
        FuneralDue.objects.filter(pk=collected.pk).delete()


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
