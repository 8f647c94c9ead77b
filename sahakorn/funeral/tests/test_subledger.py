"""The funeral association in the sub-ledger contract: its monthly demands and its reconciliation.

Dues are called by levy (one per approved death here), so a month bills a member one line: the dues
called by that month's end that are still outstanding on a levy still collecting (an earlier month's
due left unpaid is in it again, marked as arrears), up to the newest levy at the freeze.
"""

import datetime as dt
import re
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command

from sahakorn.core.subledger import monthly_demands, subledger
from sahakorn.funeral.errors import FuneralError
from sahakorn.funeral.models import Channel, FuneralDue, FuneralLevy, PayrollCollectionMember
from sahakorn.funeral.reconcile import funeral_reconcile
from sahakorn.funeral.selectors import funeral_membership_of, levy_row
from sahakorn.funeral.services import (
    death_claim_approve,
    death_claim_create,
    funeral_dues_collect,
    funeral_levy_close,
)
from sahakorn.funeral.subledger import SUBLEDGER, _levy_label
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


def test_a_month_bills_one_line_of_the_dues_called_by_its_end_that_are_still_outstanding(book):
    member = book["member"].member
    second, may, june = book["second"], book["may"], book["june"]
    may_label = f"เงินสงเคราะห์รายศพ 3 พ.ค. 2568 ศพ {may.claim.membership.number} {may.claim.membership.member.full_name}"

    # then: May's levy in May, by name; in June (any day of the month names it) one line of two dues,
    # May's unpaid one as arrears, up to June's levy; in July the same two, both arrears
    assert _demand_rows(member, MAY) == [("funeral", may_label, "funeral_dues_collected", D("20.00"))]
    two = ("funeral", "เงินสงเคราะห์ 2 รายการ", "funeral_dues_collected", D("40.00"))
    assert _demand_rows(member, dt.date(2025, 6, 17)) == [two]
    assert _demand_rows(member, JULY) == [two]
    (in_may,) = SUBLEDGER.monthly_demands(member=member, period=MAY)
    (in_june,) = SUBLEDGER.monthly_demands(member=member, period=JUNE)
    (in_july,) = SUBLEDGER.monthly_demands(member=member, period=JULY)
    assert (in_may.arrears, in_june.arrears, in_july.arrears) == ({}, {"": D("20.00")}, {"": D("40.00")})
    assert (in_may.reference, in_june.reference) == (str(may.pk), str(june.pk))
    assert in_june.kind == "funeral.dues"
    # the one who died in June was called in May, and is not called for their own death
    assert [d.amount for d in SUBLEDGER.monthly_demands(member=second.member, period=MAY)] == [D("20.00")]
    assert [d.amount for d in SUBLEDGER.monthly_demands(member=second.member, period=JUNE)] == [D("20.00")]
    # the contract's list asks every sub-ledger
    assert [d.reference for d in monthly_demands(member=member, period=JUNE) if d.subledger == "funeral"] == [
        str(june.pk)
    ]
    assert subledger("funeral") is SUBLEDGER
    # and the set-based rows are the same, for everyone at once
    rows = SUBLEDGER.billing_demand_rows(period=JUNE, members=[member, book["other"].member, second.member])
    assert sorted((r.member_id, r.label, r.amount, r.arrears, r.reference) for r in rows) == sorted([
        (member.pk, "เงินสงเคราะห์ 2 รายการ", D("40.00"), D("20.00"), str(june.pk)),
        (book["other"].member_id, "เงินสงเคราะห์ 2 รายการ", D("40.00"), D("20.00"), str(june.pk)),
        (second.member_id, may_label, D("20.00"), D("20.00"), str(june.pk)),
    ])  # fmt: skip


def test_posting_takes_the_dues_the_line_billed_less_what_was_paid_since(book, officer, manager):
    from sahakorn.core.subledger import BillingReceipt

    # given: June's line for the member, frozen up to June's levy (40.00)
    member, june = book["member"], book["june"]
    line = (member.member_id, "funeral.dues", str(june.pk))
    # when: a death approved on 20 June after the freeze calls a third due, and May's due is paid at the counter
    later = _death(enrolled(), died=dt.date(2025, 6, 15), approved=dt.date(2025, 6, 20), officer=officer,
                   manager=manager)  # fmt: skip
    (next_bill,) = SUBLEDGER.billing_demand_rows(period=JUNE, members=[member.member])
    assert (next_bill.amount, next_bill.reference) == (D("60.00"), str(later.pk))
    funeral_dues_collect(levy=book["may"], membership_ids=[member.pk], on=dt.date(2025, 6, 21),
                         channel=Channel.COUNTER, by=officer)  # fmt: skip

    # then: the frozen line comes to 20.00 today (June's due only), not the later levy's
    owed = SUBLEDGER.billing_owed(period=JUNE, members=[member.member], lines=[line])
    assert [(row.amount, row.label) for row in owed.values()] == [(D("20.00"), _levy_label(june))]
    # and payroll receives exactly that: one credit for the voucher, a collection naming June's levy
    batch = SUBLEDGER.billing_receipts(period=JUNE, receipts=[
        BillingReceipt(member_id=member.member_id, kind="funeral.dues", reference=str(june.pk), amount=D("20.00"),
                       on=dt.date(2025, 6, 25), voucher=7)
    ])  # fmt: skip
    assert [(c.account, c.credit, c.memo) for c in batch.credit_lines[7]] == [
        ("funeral_dues_collected", D("20.00"), "เงินสงเคราะห์ศพ 1 รายการ")
    ]
    # (up to the later levy the dues come to 40.00, received whole or not at all)
    with pytest.raises(FuneralError, match=f"สมาชิกเลขที่ {member.member.number} รับได้เต็มจำนวน 40.00 บาทเท่านั้น"):
        SUBLEDGER.billing_receipts(period=JUNE, receipts=[
            BillingReceipt(member_id=member.member_id, kind="funeral.dues", reference=str(later.pk),
                           amount=D("20.00"), on=dt.date(2025, 6, 25), voucher=7)
        ])  # fmt: skip
    entry = journal_entry_record(date=dt.date(2025, 6, 25), description="รับชำระจากเงินเดือน", source=EntrySource.BILLING,
                                 lines=[Line("bank", debit=D("20.00")), *batch.credit_lines[7]])  # fmt: skip
    before = (
        levy_row(levy=june).collected_amount,
        funeral_reconcile(as_of=dt.date(2025, 6, 25)).dues_collected,
    )
    batch.apply(entries={7: entry}, by=officer)
    may_entry = book["may"].dues.get(membership=member).journal_entry_id
    assert sorted(
        (due.levy_id, due.paid_on, due.paid_entry_id)
        for due in FuneralDue.objects.filter(membership=member).with_payment()
    ) == [(book["may"].pk, dt.date(2025, 6, 21), may_entry), (june.pk, dt.date(2025, 6, 25), entry.pk),
          (later.pk, None, None)]  # fmt: skip
    [collected] = PayrollCollectionMember.objects.filter(membership=member)
    assert (collected.dues, collected.amount, collected.journal_entry_id) == (1, D("20.00"), entry.pk)
    # (the levies it took: every open one up to June's; May's was paid at the counter before)
    assert sorted(collected.collection.levies.values_list("levy_id", flat=True)) == [book["may"].pk, june.pk]
    assert SUBLEDGER.billing_owed(period=JUNE, members=[member.member], lines=[line]) == {}
    # and the later levy's due is still outstanding, June's paid: a counter collection of June refuses it
    assert list(
        FuneralDue.objects.filter(membership=member).outstanding().values_list("levy_id", flat=True)
    ) == [later.pk]
    with pytest.raises(FuneralError, match="ไม่ได้ถูกเรียกเก็บในครั้งนี้หรือชำระแล้ว"):
        funeral_dues_collect(levy=june, membership_ids=[member.pk], on=dt.date(2025, 6, 26),
                             channel=Channel.COUNTER, by=officer)  # fmt: skip
    # and every reader counts June's due paid by payroll: the levy's figures, the reconciliation (by
    # the collection's date), the member's record with the voucher
    assert levy_row(levy=june).collected_amount - before[0] == D("20.00")
    assert funeral_reconcile(as_of=dt.date(2025, 6, 25)).dues_collected - before[1] == D("20.00")
    assert funeral_reconcile(as_of=dt.date(2025, 6, 24)).dues_collected == before[1]
    record = funeral_membership_of(member=member.member, with_history=True)
    assert record.dues_outstanding == D("20.00")
    assert [(due.levy_id, due.paid_voucher) for due in record.dues if due.levy_id == june.pk] == [
        (june.pk, entry.voucher_label)
    ]


def _june(member):
    """The member's line in June: June's due and May's, unpaid (40.00)."""
    (june,) = SUBLEDGER.monthly_demands(member=member, period=JUNE)
    return june


def test_a_payroll_receipt_posted_by_the_caller_settles_the_dues_and_the_books_reconcile(book, officer):
    # given: June's line for the member (May's due and June's)
    membership = book["member"]
    demand = _june(membership.member)

    # when: the caller posts one voucher for the payroll receipt, with the demand's credit lines in it
    lines = demand.credit_lines(D("40.00"))
    entry = journal_entry_record(
        date=dt.date(2025, 6, 25), description="รับชำระจากเงินเดือน มิ.ย. 2568", source=EntrySource.BILLING,
        lines=[Line("bank", debit=D("40.00")), *lines], created_by=officer,
    )  # fmt: skip
    demand.settle(amount=D("40.00"), on=dt.date(2025, 6, 25), entry=entry, by=officer)

    # then: Cr the liability for the member a levy at a time, and both dues collected by the voucher
    assert [(line.account, line.debit, line.credit, line.member_id) for line in lines] == [
        ("funeral_dues_collected", D("0.00"), D("20.00"), membership.member_id),
        ("funeral_dues_collected", D("0.00"), D("20.00"), membership.member_id),
    ]
    posted = sorted(
        (line.account.code, line.debit, line.credit, line.member_id) for line in entry.lines.all()
    )
    assert posted == [
        ("11131", D("40.00"), D("0.00"), None),
        ("21850", D("0.00"), D("20.00"), membership.member_id),
        ("21850", D("0.00"), D("20.00"), membership.member_id),
    ]
    assert list(FuneralDue.objects.filter(membership=membership).values_list("collected_on", "channel", "journal_entry_id")) == [
        (dt.date(2025, 6, 25), Channel.PAYROLL, entry.pk)
    ] * 2  # fmt: skip
    assert SUBLEDGER.monthly_demands(member=membership.member, period=JUNE) == []
    # fees 200.00 + dues 40.00 = 240.00 held for the association, as the GL says
    result = funeral_reconcile()
    assert (result.entrance_fees, result.dues_collected, result.ledger_amount, result.ok) == (
        D("200.00"), D("40.00"), D("240.00"), True,
    )  # fmt: skip
    reconciled = SUBLEDGER.reconcile()
    assert reconciled.ok and reconciled.lines[-1] == "ตรวจเงินสงเคราะห์ศพผ่าน / funeral check OK"
    assert re.sub(r"\s{2,}", " | ", reconciled.lines[4].strip()) == "คงเหลือตามทะเบียนฌาปนกิจ | 240.00"

    # and: the levy's own collection takes the rest, as before (the other member's 20.00 only)
    rest = funeral_dues_collect(
        levy=book["june"], on=dt.date(2025, 6, 30), channel=Channel.COUNTER, by=officer
    )
    assert (rest.count, rest.amount) == (1, D("20.00"))
    out = StringIO()
    call_command("funeral", "check", stdout=out)
    assert "funeral check OK" in out.getvalue() and "260.00" in out.getvalue()
    out = StringIO()
    call_command("reconcile", "--only", "funeral", stdout=out)
    assert "== สมาคมฌาปนกิจสงเคราะห์ / funeral aid association" in out.getvalue()
    assert "funeral check OK" in out.getvalue()


def test_dues_are_received_whole_once_on_open_levies_after_their_call(book, officer):
    # given
    membership, other = book["member"], book["other"]
    june = _june(membership.member)

    def receipt(demand, on: dt.date, amount: D):
        return journal_entry_record(date=on, description="รับชำระจากเงินเดือน", source=EntrySource.BILLING,
                                    lines=[Line("bank", debit=amount), *demand.credit_lines(amount)])  # fmt: skip

    # when / then: part of the line, or a receipt dated before June's call, is refused and nothing is
    # marked (not even May's due, whose levy came first)
    with pytest.raises(FuneralError, match="รับได้เต็มจำนวน 40.00 บาทเท่านั้น"):
        june.credit_lines(D("20.00"))
    with pytest.raises(FuneralError, match="ต้องไม่ก่อนวันที่เรียกเก็บ"):
        june.settle(amount=D("40.00"), on=dt.date(2025, 6, 9), entry=receipt(june, dt.date(2025, 6, 9), D("40.00")),
                    by=officer)  # fmt: skip
    assert not FuneralDue.objects.filter(collected_on__isnull=False).exists()
    # dues settled once are refused the second time, by number
    entry = receipt(june, dt.date(2025, 6, 25), D("40.00"))
    june.settle(amount=D("40.00"), on=dt.date(2025, 6, 25), entry=entry, by=officer)
    with pytest.raises(FuneralError, match=f"ชำระแล้ว: {membership.number}"):
        june.settle(amount=D("40.00"), on=dt.date(2025, 6, 26), entry=entry, by=officer)
    # a closed levy bills no more, and takes no more: the other member's May line is refused, June's
    # line is June's due alone
    (may,) = SUBLEDGER.monthly_demands(member=other.member, period=MAY)
    funeral_levy_close(levy=book["may"], by=officer)
    assert SUBLEDGER.monthly_demands(member=other.member, period=MAY) == []
    assert [(d.label, d.amount) for d in SUBLEDGER.monthly_demands(member=other.member, period=JUNE)] == [
        (_levy_label(book["june"]), D("20.00"))
    ]
    with pytest.raises(FuneralError, match="ปิดการเรียกเก็บแล้ว"):
        may.settle(amount=D("20.00"), on=dt.date(2025, 6, 25), entry=receipt(may, dt.date(2025, 6, 25), D("20.00")),
                   by=officer)  # fmt: skip


def test_settling_needs_the_amount_of_the_credit_lines(book, officer):
    member = book["member"].member
    june = _june(member)
    with pytest.raises(FuneralError, match="ด้วยจำนวนเดียวกัน"):
        june.settle(amount=D("40.00"), on=dt.date(2025, 6, 25), entry=None, by=officer)
    assert not FuneralDue.objects.filter(collected_on__isnull=False).exists()
