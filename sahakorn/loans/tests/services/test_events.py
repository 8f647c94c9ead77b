"""Loan events for notifications: approval, disbursement, a guarantor leaving (once), the replacement,
closing; the outbox reads what is not yet sent and marks it once."""

import datetime as dt
from decimal import Decimal as D

from sahakorn.loans.events import loan_events_mark_notified, loan_events_pending
from sahakorn.loans.models import LoanEvent, LoanEventKind
from sahakorn.loans.payments import loan_payoff
from sahakorn.loans.services import (
    guarantor_left,
    guarantor_replace,
    loan_application_create,
    loan_application_reject,
)
from sahakorn.loans.tests.conftest import APPLIED, borrower, disbursed, guarantor
from sahakorn.members.services import member_status_change


def _loan(ordinary, officer, manager, g=None):
    return disbursed(product=ordinary, member=borrower(), amount="150000.00", installments=120,
                     guarantors=[g or guarantor()], maker=officer, checker=manager)  # fmt: skip


def test_approval_and_disbursement_raise_events_for_the_borrower(ordinary, officer, manager):
    # given / when
    contract = _loan(ordinary, officer, manager)

    # then
    events = list(LoanEvent.objects.order_by("id"))
    assert [e.kind for e in events] == [LoanEventKind.APPROVED, LoanEventKind.DISBURSED]
    assert {e.member_id for e in events} == {contract.member_id}
    assert events[0].message == (
        f"สหกรณ์อนุมัติเงินกู้สามัญ 150,000.00 บาท 120 งวด ตามคำขอเลขที่ {contract.application_id} ของท่านแล้ว"
    )
    assert events[1].contract == contract
    assert events[1].message == (
        f"สหกรณ์จ่ายเงินกู้ สัญญา {contract.number} 150,000.00 บาท รับสุทธิ 150,000.00 บาท (เงินสด) "
        "วันที่ 5 มี.ค. 2568 งวดแรก 30 เม.ย. 2568"
    )


def test_rejection_raises_an_event_with_the_reason(ordinary, officer, manager):
    app = loan_application_create(member=borrower(), product=ordinary, amount=D("150000.00"), installments=120,
                                  guarantors=[guarantor()], applied_on=APPLIED, by=officer)  # fmt: skip
    loan_application_reject(application=app, by=manager, note="ภาระหนี้สูง")
    event = LoanEvent.objects.get()
    assert event.kind == LoanEventKind.REJECTED
    assert event.message.endswith("ไม่ได้รับอนุมัติ: ภาระหนี้สูง")


def test_a_guarantor_leaving_raises_one_replace_guarantor_event_per_contract(ordinary, officer, manager):
    # given: one guarantor on two contracts
    g = guarantor(first_name="สมศรี", last_name="ใจดี")
    first, second = _loan(ordinary, officer, manager, g), _loan(ordinary, officer, manager, g)

    # when: the guarantor is expelled (and the same leaving is reported again, e.g. by an import)
    member_status_change(member=g, to_status="expelled", effective_on=dt.date(2025, 6, 1), reason="ให้ออก",
                         by=officer)  # fmt: skip
    again = guarantor_left(member=g, on=dt.date(2025, 6, 1))

    # then: both contracts are flagged, and each borrower is told once, naming the contract and guarantor
    assert {c.number for c in again} == {first.number, second.number}
    events = list(LoanEvent.objects.filter(kind=LoanEventKind.GUARANTOR_LEFT).order_by("contract__number"))
    assert [(e.contract, e.member_id, e.guarantor) for e in events] == [
        (first, first.member_id, g),
        (second, second.member_id, g),
    ]
    assert events[0].message == (
        f"ผู้ค้ำประกันสัญญา {first.number} ของท่าน ({g.full_name}) ให้ออก เมื่อ 1 มิ.ย. 2568 "
        "กรุณาติดต่อสหกรณ์เพื่อเปลี่ยนผู้ค้ำประกัน"
    )


def test_replacement_tells_the_borrower_and_the_new_guarantor(ordinary, officer, manager):
    g = guarantor()
    contract = _loan(ordinary, officer, manager, g)
    member_status_change(member=g, to_status="deceased", effective_on=dt.date(2025, 6, 1), reason="ถึงแก่กรรม",
                         by=officer)  # fmt: skip
    new = guarantor()
    guarantor_replace(contract=contract, old=g, new=new, on=dt.date(2025, 6, 2), by=officer)
    told = LoanEvent.objects.filter(kind=LoanEventKind.GUARANTOR_REPLACED).order_by("id")
    assert [e.member_id for e in told] == [contract.member_id, new.pk]
    assert told[1].message == (
        f"ท่านเป็นผู้ค้ำประกันสัญญา {contract.number} ของ {contract.member.full_name} ตั้งแต่ 2 มิ.ย. 2568"
    )


def test_payoff_raises_closed_and_the_outbox_marks_once(ordinary, officer, manager):
    contract = _loan(ordinary, officer, manager)
    loan_payoff(contract=contract, on=dt.date(2025, 3, 20), channel="cash", by=officer)
    closed = LoanEvent.objects.get(kind=LoanEventKind.CLOSED)
    assert closed.message == f"สัญญาเงินกู้ {contract.number} ชำระครบและปิดบัญชีแล้ว เมื่อ 20 มี.ค. 2568"

    pending = list(loan_events_pending())
    assert [e.kind for e in pending] == [
        LoanEventKind.APPROVED,
        LoanEventKind.DISBURSED,
        LoanEventKind.CLOSED,
    ]
    assert loan_events_mark_notified(event_ids=[e.pk for e in pending]) == 3
    assert loan_events_mark_notified(event_ids=[e.pk for e in pending]) == 0
    assert list(loan_events_pending()) == []
