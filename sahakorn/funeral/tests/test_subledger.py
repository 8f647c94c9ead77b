"""The funeral association in the sub-ledger contract: its monthly demands and its reconciliation.

Dues are called by levy (one per approved death here), so a month bills a member the dues called
by that month's end that are still outstanding on a levy still collecting: an earlier month's due
left unpaid is billed again, marked as arrears.
"""

import datetime as dt
import re
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command

from sahakorn.core.subledger import monthly_demands, subledger
from sahakorn.funeral.errors import FuneralError
from sahakorn.funeral.models import Channel, FuneralDue, FuneralLevy
from sahakorn.funeral.reconcile import funeral_reconcile
from sahakorn.funeral.services import (
    death_claim_approve,
    death_claim_create,
    funeral_dues_collect,
    funeral_levy_close,
)
from sahakorn.funeral.subledger import SUBLEDGER
from sahakorn.funeral.tests.factories import enrolled
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import Line, journal_entry_record

pytestmark = pytest.mark.django_db

MAY, JUNE, JULY = dt.date(2025, 5, 1), dt.date(2025, 6, 1), dt.date(2025, 7, 1)


def _death(membership, *, died: dt.date, approved: dt.date, officer, manager) -> FuneralLevy:
    claim = death_claim_create(membership=membership, death_date=died, reported_on=died, by=officer)
    death_claim_approve(claim=claim, by=manager, on=approved)
    return FuneralLevy.objects.get(claim=claim)


@pytest.fixture
def book(officer, manager):
    """Default rules (20.00 a death, 50.00 to join): four join in January; one dies in April (levy of
    3 May), another in June (levy of 10 June). Fees 4 × 50.00 = 200.00, no dues received yet."""
    first, second, member, other = (enrolled() for _ in range(4))
    may = _death(
        first, died=dt.date(2025, 4, 28), approved=dt.date(2025, 5, 3), officer=officer, manager=manager
    )
    june = _death(
        second, died=dt.date(2025, 6, 1), approved=dt.date(2025, 6, 10), officer=officer, manager=manager
    )
    return {"member": member, "other": other, "second": second, "may": may, "june": june}


def _demand_rows(member, period):
    demands = SUBLEDGER.monthly_demands(member=member, period=period)
    return [(d.subledger, d.label, d.account_role, d.amount) for d in demands]


def test_a_month_bills_the_dues_called_by_its_end_that_are_still_outstanding(book):
    member = book["member"].member
    second = book["second"]
    may_row = ("funeral", f"เงินสงเคราะห์รายศพ 3 พ.ค. 2568 ศพ {book['may'].claim.membership.number} "
                          f"{book['may'].claim.membership.member.full_name}", "funeral_dues_collected", D("20.00"))  # fmt: skip
    june_row = ("funeral", f"เงินสงเคราะห์รายศพ 10 มิ.ย. 2568 ศพ {second.number} {second.member.full_name}",
                "funeral_dues_collected", D("20.00"))  # fmt: skip

    # then: May's levy in May; in June (any day of the month names it) May's again, as arrears, then
    # June's; in July both, still unpaid
    assert _demand_rows(member, MAY) == [may_row]
    assert _demand_rows(member, dt.date(2025, 6, 17)) == [may_row, june_row]
    assert _demand_rows(member, JULY) == [may_row, june_row]
    may, june = SUBLEDGER.monthly_demands(member=member, period=JUNE)
    assert (may.arrears, june.arrears) == ({"": D("20.00")}, {})
    assert (may.kind, june.kind) == ("funeral.dues", "funeral.dues")
    # the one who died in June was called in May, and is not called for their own death
    assert [d.amount for d in SUBLEDGER.monthly_demands(member=second.member, period=MAY)] == [D("20.00")]
    assert [d.amount for d in SUBLEDGER.monthly_demands(member=second.member, period=JUNE)] == [D("20.00")]
    # each demand names its due, and the contract's list asks every sub-ledger
    due = FuneralDue.objects.get(levy=book["june"], membership=book["member"])
    assert june.reference == str(due.pk)
    assert [d.reference for d in monthly_demands(member=member, period=JUNE) if d.subledger == "funeral"][
        -1
    ] == str(due.pk)
    assert subledger("funeral") is SUBLEDGER


def _june(member):
    """The member's demand for June's levy (May's, unpaid, is billed in June too)."""
    *_, june = SUBLEDGER.monthly_demands(member=member, period=JUNE)
    return june


def test_a_payroll_receipt_posted_by_the_caller_settles_the_due_and_the_books_reconcile(book, officer):
    # given: June's demand for the member
    membership = book["member"]
    demand = _june(membership.member)

    # when: the caller posts one voucher for the payroll receipt, with the demand's credit lines in it
    lines = demand.credit_lines(D("20.00"))
    entry = journal_entry_record(
        date=dt.date(2025, 6, 25), description="รับชำระจากเงินเดือน มิ.ย. 2568", source=EntrySource.BILLING,
        lines=[Line("bank", debit=D("20.00")), *lines], created_by=officer,
    )  # fmt: skip
    demand.settle(amount=D("20.00"), on=dt.date(2025, 6, 25), entry=entry, by=officer)

    # then: Cr the liability for the member, and the due collected by the caller's voucher through payroll
    assert [(line.account, line.debit, line.credit, line.member_id) for line in lines] == [
        ("funeral_dues_collected", D("0.00"), D("20.00"), membership.member_id)
    ]
    posted = sorted(
        (line.account.code, line.debit, line.credit, line.member_id) for line in entry.lines.all()
    )
    assert posted == [
        ("11131", D("20.00"), D("0.00"), None),
        ("21850", D("0.00"), D("20.00"), membership.member_id),
    ]
    due = FuneralDue.objects.get(levy=book["june"], membership=membership)
    assert (due.collected_on, due.channel, due.journal_entry_id) == (
        dt.date(2025, 6, 25),
        Channel.PAYROLL,
        entry.pk,
    )
    assert [d.reference for d in SUBLEDGER.monthly_demands(member=membership.member, period=JUNE)] == [
        str(FuneralDue.objects.get(levy=book["may"], membership=membership).pk)
    ]
    # fees 200.00 + dues 20.00 = 220.00 held for the association, as the GL says
    result = funeral_reconcile()
    assert (result.entrance_fees, result.dues_collected, result.ledger_amount, result.ok) == (
        D("200.00"), D("20.00"), D("220.00"), True,
    )  # fmt: skip
    reconciled = SUBLEDGER.reconcile()
    assert reconciled.ok and reconciled.lines[-1] == "ตรวจเงินสงเคราะห์ศพผ่าน / funeral check OK"
    assert re.sub(r"\s{2,}", " | ", reconciled.lines[4].strip()) == "คงเหลือตามทะเบียนฌาปนกิจ | 220.00"

    # and: the levy's own collection takes the rest, as before (the other member's 20.00 only)
    rest = funeral_dues_collect(
        levy=book["june"], on=dt.date(2025, 6, 30), channel=Channel.COUNTER, by=officer
    )
    assert (rest.count, rest.amount) == (1, D("20.00"))
    out = StringIO()
    call_command("funeral", "check", stdout=out)
    assert "funeral check OK" in out.getvalue() and "240.00" in out.getvalue()
    out = StringIO()
    call_command("reconcile", "--only", "funeral", stdout=out)
    assert "== สมาคมฌาปนกิจสงเคราะห์ / funeral aid association" in out.getvalue()
    assert "funeral check OK" in out.getvalue()


def test_a_due_is_received_whole_once_on_an_open_levy_after_its_call(book, officer):
    # given
    member = book["member"].member
    june = _june(member)
    (may,) = SUBLEDGER.monthly_demands(member=member, period=MAY)

    def receipt(demand, on: dt.date, amount: D):
        return journal_entry_record(date=on, description="รับชำระจากเงินเดือน", source=EntrySource.BILLING,
                                    lines=[Line("bank", debit=amount), *demand.credit_lines(amount)])  # fmt: skip

    # when / then: part of a due, or a receipt dated before the call, is refused and nothing is marked
    with pytest.raises(FuneralError, match="รับได้เต็มจำนวน 20.00 บาทเท่านั้น"):
        june.credit_lines(D("10.00"))
    with pytest.raises(FuneralError, match="ต้องไม่ก่อนวันที่เรียกเก็บ"):
        june.settle(amount=D("20.00"), on=dt.date(2025, 6, 9), entry=receipt(june, dt.date(2025, 6, 9), D("20.00")),
                    by=officer)  # fmt: skip
    assert not FuneralDue.objects.filter(collected_on__isnull=False).exists()
    # a due settled once is refused the second time, by number
    entry = receipt(june, dt.date(2025, 6, 25), D("20.00"))
    june.settle(amount=D("20.00"), on=dt.date(2025, 6, 25), entry=entry, by=officer)
    with pytest.raises(FuneralError, match=f"ชำระแล้ว: {book['member'].number}"):
        june.settle(amount=D("20.00"), on=dt.date(2025, 6, 26), entry=entry, by=officer)
    # a closed levy bills no more, and takes no more
    funeral_levy_close(levy=book["may"], by=officer)
    assert SUBLEDGER.monthly_demands(member=member, period=MAY) == []
    with pytest.raises(FuneralError, match="ปิดการเรียกเก็บแล้ว"):
        may.settle(amount=D("20.00"), on=dt.date(2025, 6, 25), entry=receipt(may, dt.date(2025, 6, 25), D("20.00")),
                   by=officer)  # fmt: skip


def test_settling_needs_the_amount_of_the_credit_lines(book, officer):
    member = book["member"].member
    june = _june(member)
    with pytest.raises(FuneralError, match="ด้วยจำนวนเดียวกัน"):
        june.settle(amount=D("20.00"), on=dt.date(2025, 6, 25), entry=None, by=officer)
    assert not FuneralDue.objects.filter(collected_on__isnull=False).exists()
