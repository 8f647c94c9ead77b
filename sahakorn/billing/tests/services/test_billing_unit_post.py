"""Posting what a unit deducted (ผ่านรายการรับชำระ): full, short, after a counter payment, twice.

The member of ``conftest.py`` is billed 11,965.51 for March 2569; the cycle posts on 31 Mar 2026.
"""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.billing.errors import BillingError
from sahakorn.billing.models import (
    Bill,
    BillingEvent,
    BillingEventKind,
    LineReceipt,
    OverDeduction,
    UnitPosting,
)
from sahakorn.billing.services import billing_cycle_freeze, billing_period_open, billing_unit_post
from sahakorn.billing.tests.conftest import MARCH
from sahakorn.core.subledger import reconciliations
from sahakorn.funeral.models import FuneralDue
from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.loans.models import LoanContract
from sahakorn.loans.payments import loan_payment_record
from sahakorn.shares.models import ShareAccount

pytestmark = pytest.mark.django_db

MAR_31 = dt.date(2026, 3, 31)


@pytest.fixture
def cycle(member, officer):
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    return billing_cycle_freeze(cycle=cycle, by=officer)


def _voucher_lines(entry):
    return sorted(
        (line.account.code, line.debit, line.credit) for line in entry.lines.select_related("account")
    )


def _received(member):
    return [
        (r.line.item.code, r.received, r.applied, r.over)
        for r in LineReceipt.objects.filter(line__bill__member=member)
        .select_related("line__item")
        .order_by("line__priority")
    ]


def test_a_full_month_posts_one_voucher_and_every_sub_ledger_takes_its_part(member, cycle, officer):
    # when
    posting = billing_unit_post(cycle=cycle, unit=member.unit, by=officer)

    # then: one voucher on the posting date: Dr bank / Cr each sub-ledger's accounts
    [entry] = JournalEntry.objects.filter(source=EntrySource.BILLING)
    assert entry.date == MAR_31
    assert _voucher_lines(entry) == [
        ("11131", D("11965.51"), D("0.00")),  # bank
        ("11531", D("0.00"), D("2000.00")),  # emergency principal
        ("11533", D("0.00"), D("8334.00")),  # ordinary principal
        ("21850", D("0.00"), D("20.00")),  # funeral dues held for the association
        ("31000", D("0.00"), D("1000.00")),  # share capital
        ("41100", D("0.00"), D("101.92")),  # emergency interest
        ("41200", D("0.00"), D("509.59")),  # ordinary interest
    ]
    assert (posting.members, posting.billed, posting.received, posting.applied, posting.over, posting.short) == (
        1, D("11965.51"), D("11965.51"), D("11965.51"), D("0.00"), D("0.00"),
    )  # fmt: skip
    # and: each sub-ledger recorded its receipt
    ordinary = LoanContract.objects.get(number="สม-0123")
    assert (ordinary.principal_balance, ordinary.interest_paid_to) == (D("91666.00"), MAR_31)
    assert LoanContract.objects.get(number="ฉฉ-0456").principal_balance == D("18000.00")
    assert ShareAccount.objects.get(member=member).balance_shares == 200
    assert FuneralDue.objects.with_payment().get(membership__member=member).paid_entry_id == entry.pk
    assert all(result.ok for result in reconciliations())
    assert not BillingEvent.objects.exists()


def test_posting_twice_posts_nothing_twice(member, cycle, officer):
    first = billing_unit_post(cycle=cycle, unit=member.unit, by=officer)

    again = billing_unit_post(cycle=cycle, unit=member.unit, by=officer)

    assert again.pk == first.pk
    assert JournalEntry.objects.filter(source=EntrySource.BILLING).count() == 1
    assert LineReceipt.objects.count() == 6 and UnitPosting.objects.count() == 1


def test_a_short_payment_pays_in_order_and_the_rest_is_billed_first_next_month(member, cycle, officer):
    # when: the unit could deduct only 3,000.00
    posting = billing_unit_post(cycle=cycle, unit=member.unit, deducted={member.pk: D("3000.00")}, by=officer)

    # then: interest first (101.92 + 509.59), then the emergency principal 2,000.00, then 388.49 of
    # the ordinary principal; shares and dues (whole only) get nothing
    assert _received(member) == [
        ("LIE", D("101.92"), D("101.92"), D("0.00")),
        ("LIO", D("509.59"), D("509.59"), D("0.00")),
        ("LPE", D("2000.00"), D("2000.00"), D("0.00")),
        ("LPO", D("388.49"), D("388.49"), D("0.00")),
        ("SHR", D("0.00"), D("0.00"), D("0.00")),
        ("FUN", D("0.00"), D("0.00"), D("0.00")),
    ]
    assert (posting.received, posting.short) == (D("3000.00"), D("8965.51"))
    assert LoanContract.objects.get(number="สม-0123").principal_balance == D("99611.51")
    # and: the member is told, in the posting's transaction
    [event] = BillingEvent.objects.all()
    assert event.kind == BillingEventKind.SHORT_PAYMENT and event.member_id == member.pk
    assert "หักชำระได้ 3,000.00 บาท จากยอดเรียกเก็บ 11,965.51 บาท ค้างชำระ 8,965.51 บาท" in event.message

    # when: April is frozen
    [april] = billing_period_open(month=dt.date(2026, 4, 1), by=officer).cycles.all()
    billing_cycle_freeze(cycle=april, by=officer)

    # then: the ordinary principal owed (two installments 16,668.00 less 388.49 received = 16,279.51,
    # of which 7,945.51 from March) and March's dues come back; 30 days' interest on 99,611.51 = 491.23
    bill = Bill.objects.get(member=member, period__month=dt.date(2026, 4, 1))
    rows = {line.item.code: (line.demanded, line.arrears) for line in bill.lines.select_related("item")}
    assert rows["LPO"] == (D("16279.51"), D("7945.51"))
    assert rows["LIO"] == (D("491.23"), D("0.00"))
    assert rows["FUN"] == (D("20.00"), D("20.00"))
    assert rows["SHR"] == (D("1000.00"), D("0.00"))


def test_what_was_paid_at_the_counter_after_the_freeze_is_held_for_the_member(member, cycle, officer):
    # given: on 20 Mar the member pays 8,843.59 on the ordinary loan at the counter: 20 days' interest
    # 100,000 × 6 × 20 / 36,500 = 328.77, principal 8,514.82 (more than March's 8,334.00)
    ordinary = LoanContract.objects.get(number="สม-0123")
    loan_payment_record(
        contract=ordinary, amount=D("8843.59"), on=dt.date(2026, 3, 20), channel="cash", by=officer
    )

    # when: the unit deducted the whole bill anyway
    posting = billing_unit_post(cycle=cycle, unit=member.unit, by=officer)

    # then: the loan takes only the 11 days' interest since, on 91,485.18: 165.43; the rest of its
    # lines (509.59 − 165.43 = 344.16 and 8,334.00) is over-deducted: 8,678.16 held for the member
    assert _received(member)[1] == ("LIO", D("509.59"), D("165.43"), D("344.16"))
    assert _received(member)[3] == ("LPO", D("8334.00"), D("0.00"), D("8334.00"))
    [over] = OverDeduction.objects.all()
    assert (over.member_id, over.amount) == (member.pk, D("8678.16"))
    assert "ชำระแล้วหลังประมวลผล" in over.reason
    assert posting.over == D("8678.16") and posting.applied == D("3287.35")
    [entry] = JournalEntry.objects.filter(source=EntrySource.BILLING)
    assert ("21830", D("0.00"), D("8678.16")) in _voucher_lines(entry)
    assert all(result.ok for result in reconciliations())


def test_a_deduction_above_the_bill_is_refused_and_nothing_is_posted(member, cycle, officer):
    with pytest.raises(BillingError, match="เกินยอดเรียกเก็บ 11,965.51 บาท"):
        billing_unit_post(cycle=cycle, unit=member.unit, deducted={member.pk: D("12000.00")}, by=officer)

    assert (
        not UnitPosting.objects.exists()
        and not JournalEntry.objects.filter(source=EntrySource.BILLING).exists()
    )


def test_a_crash_in_the_middle_of_posting_leaves_nothing_half_posted(member, cycle, officer, monkeypatch):
    # given: the funeral sub-ledger fails while recording its receipt, after the voucher is posted
    from sahakorn.funeral import services as funeral_services

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(funeral_services, "rows_insert", broken)

    # when
    with pytest.raises(RuntimeError):
        billing_unit_post(cycle=cycle, unit=member.unit, by=officer)

    # then: no voucher, no loan or share receipt, no posting record
    assert not JournalEntry.objects.filter(source=EntrySource.BILLING).exists()
    assert LoanContract.objects.get(number="สม-0123").principal_balance == D("100000.00")
    assert ShareAccount.objects.get(member=member).balance_shares == 100
    assert not UnitPosting.objects.exists()


def test_an_over_deduction_is_paid_back_once_and_the_member_is_told(member, cycle, officer):
    # given: the ordinary installment paid at the counter after the freeze (8,678.16 over-deducted)
    from sahakorn.billing.services import over_deduction_refund
    from sahakorn.ledger.selectors import account_balance

    ordinary = LoanContract.objects.get(number="สม-0123")
    loan_payment_record(
        contract=ordinary, amount=D("8843.59"), on=dt.date(2026, 3, 20), channel="cash", by=officer
    )
    billing_unit_post(cycle=cycle, unit=member.unit, by=officer)
    [over] = OverDeduction.objects.all()

    # when
    over_deduction_refund(over=over, on=dt.date(2026, 4, 2), channel="bank", by=officer)

    # then: Dr refund payable / Cr bank, nothing left held for the member; the member is told
    over.refresh_from_db()
    assert _voucher_lines(over.refund_entry) == [
        ("11131", D("0.00"), D("8678.16")),
        ("21830", D("8678.16"), D("0.00")),
    ]
    assert account_balance(account="member_refund_payable", member_id=member.pk) == D("0.00")
    event = BillingEvent.objects.get(kind=BillingEventKind.REFUND_MADE)
    assert "คืนเงินที่หักเกินจากเงินเดือนมีนาคม 2569 8,678.16 บาท โอนเข้าบัญชีธนาคารของท่าน" in event.message
    with pytest.raises(BillingError, match="คืนเงินหักเกินรายนี้แล้วเมื่อ 2 เม.ย. 2569"):
        over_deduction_refund(over=over, on=dt.date(2026, 4, 3), channel="cash", by=officer)


def test_each_member_who_paid_gets_one_numbered_receipt_the_same_pdf_every_time(
    member, cycle, officer, tmp_path
):
    from sahakorn.billing.models import Receipt
    from sahakorn.billing.receipts import member_receipts, receipt_lines, receipts_pdf

    # when: a short month (3,000.00 deducted)
    billing_unit_post(cycle=cycle, unit=member.unit, deducted={member.pk: D("3000.00")}, by=officer)

    # then: one receipt, the year's first, marked partial, for what was received, line by line
    [receipt] = member_receipts(member=member)
    assert (receipt.label, receipt.amount, receipt.is_partial, receipt.issued_on) == (
        "2569/000001", D("3000.00"), True, MAR_31,
    )  # fmt: skip
    assert [(line.code, line.amount) for line in receipt_lines(receipt)] == [
        ("LIE", D("101.92")), ("LIO", D("509.59")), ("LPE", D("2000.00")), ("LPO", D("388.49")),
    ]  # fmt: skip
    first = receipts_pdf([receipt])
    assert first.startswith(b"%PDF") and receipts_pdf([Receipt.objects.get()]) == first
    # a re-print after the member's name changed, printed from an English session, is the same document
    from django.utils import translation

    from sahakorn.members.models import Member

    Member.objects.filter(pk=member.pk).update(last_name="เปลี่ยนชื่อแล้ว")
    with translation.override("en"):
        assert receipts_pdf([Receipt.objects.get()]) == first
    (tmp_path / "receipt.pdf").write_bytes(first)


def test_an_over_deduction_can_go_into_the_members_deposit_account_instead(member, cycle, officer):
    from sahakorn.billing.models import RefundChoice
    from sahakorn.billing.services import over_deduction_refund
    from sahakorn.deposits.models import DepositProduct
    from sahakorn.deposits.services import deposit_account_open
    from sahakorn.ledger.selectors import account_balance

    # given: 8,678.16 over-deducted (the installment paid at the counter after the freeze)
    ordinary = LoanContract.objects.get(number="สม-0123")
    loan_payment_record(
        contract=ordinary, amount=D("8843.59"), on=dt.date(2026, 3, 20), channel="cash", by=officer
    )
    billing_unit_post(cycle=cycle, unit=member.unit, by=officer)
    [over] = OverDeduction.objects.all()
    savings = deposit_account_open(member=member, product=DepositProduct.objects.get(code="10"),
                                   opened_on=dt.date(2026, 1, 5), initial_amount=D("100.00"), by=officer)  # fmt: skip

    # when: the member chose their savings account
    over_deduction_refund(over=over, on=dt.date(2026, 4, 2), channel="deposit", account=savings, by=officer)

    # then
    over.refresh_from_db()
    savings.refresh_from_db()
    assert (over.choice, savings.balance) == (RefundChoice.DEPOSIT, D("8778.16"))
    assert account_balance(account="member_refund_payable", member_id=member.pk) == D("0.00")
    assert (
        f"เข้าบัญชีเงินฝาก {savings.number}"
        in BillingEvent.objects.get(kind=BillingEventKind.REFUND_MADE).message
    )
    assert all(result.ok for result in reconciliations())


def test_a_billing_voucher_is_reversed_neither_from_the_ledger_nor_one_row_at_a_time(member, cycle, officer):
    # given: the unit's month posted in one voucher for loans, shares and dues
    from sahakorn.ledger.errors import LedgerError
    from sahakorn.ledger.services import ledger_voucher_reverse
    from sahakorn.loans.errors import LoanError
    from sahakorn.loans.models import LoanTransaction
    from sahakorn.loans.payments import loan_transaction_reverse
    from sahakorn.shares.errors import ShareError
    from sahakorn.shares.models import ShareTransaction
    from sahakorn.shares.services import share_transaction_reverse

    billing_unit_post(cycle=cycle, unit=member.unit, by=officer)
    [entry] = JournalEntry.objects.filter(source=EntrySource.BILLING)
    april = dt.date(2026, 4, 2)

    # when / then: each way is refused by name, and nothing moves
    with pytest.raises(LedgerError, match="มาจากเรียกเก็บรายเดือน: กลับรายการที่หน้าจอของระบบนั้น"):
        ledger_voucher_reverse(entry=entry, date=april, reason="ทดสอบ", reversed_by=officer)
    payment = LoanTransaction.objects.filter(journal_entry=entry).first()
    with pytest.raises(LoanError, match="รับชำระจากการหักเงินเดือน"):
        loan_transaction_reverse(transaction_row=payment, on=april, reason="ทดสอบ", by=officer)
    shares_row = ShareTransaction.objects.get(journal_entry=entry)
    with pytest.raises(ShareError, match="รับชำระจากการหักเงินเดือน"):
        share_transaction_reverse(transaction=shares_row, on=april, reason="ทดสอบ", by=officer)
    assert JournalEntry.objects.filter(reverses=entry).count() == 0
    assert all(result.ok for result in reconciliations())


def test_what_no_line_can_take_is_on_the_receipt_and_the_dues_stay_owed(member, cycle, officer):
    from sahakorn.billing.receipts import member_receipts, receipt_lines

    # when: 10.00 short, so the 20.00 dues (whole only) get nothing and 10.00 is left over
    billing_unit_post(cycle=cycle, unit=member.unit, deducted={member.pk: D("11955.51")}, by=officer)

    # then
    [receipt] = member_receipts(member=member)
    lines = receipt_lines(receipt)
    assert sum(line.amount for line in lines) == receipt.amount == D("11955.51")
    assert (lines[-1].label, lines[-1].amount) == ("เงินหักเกิน รอคืนสมาชิก", D("10.00"))
    [event] = BillingEvent.objects.filter(kind=BillingEventKind.SHORT_PAYMENT)
    assert "ค้างชำระ 20.00 บาท" in event.message


def test_a_deduction_short_of_the_interest_leaves_interest_in_arrears_and_the_voucher_balances(
    member, cycle, officer
):
    # when: only 50.00 is deducted: it goes to the emergency loan's interest (101.92 charged to 31 Mar)
    billing_unit_post(cycle=cycle, unit=member.unit, deducted={member.pk: D("50.00")}, by=officer)

    # then: the interest charged is income, the 51.92 not covered is interest in arrears (Dr receivable)
    [entry] = JournalEntry.objects.filter(source=EntrySource.BILLING)
    assert _voucher_lines(entry) == [
        ("11131", D("50.00"), D("0.00")),  # bank
        ("11420", D("51.92"), D("0.00")),  # interest in arrears (ลูกหนี้รอเรียกเก็บ-ดอกเบี้ย)
        ("41100", D("0.00"), D("101.92")),  # emergency interest charged to 31 Mar
    ]
    emergency = LoanContract.objects.get(number="ฉฉ-0456")
    assert (emergency.principal_balance, emergency.interest_arrears, emergency.interest_paid_to) == (
        D("20000.00"), D("51.92"), MAR_31,
    )  # fmt: skip
    assert all(result.ok for result in reconciliations())


def test_a_receipt_that_pays_a_loan_off_closes_it_as_the_counter_would(member, officer):
    # given: a one-installment emergency loan of 1,000.00 paid out 28 Feb, due 31 Mar (31 days at 6% = 5.10)
    from sahakorn.loans.models import ContractStatus, Guarantee, LoanEvent, LoanEventKind, RepaymentStyle
    from sahakorn.loans.tests.factories import contract_create
    from sahakorn.members.tests.factories import MemberFactory

    one = contract_create(
        member=member, family="emergency", amount=D("1000.00"), installments=1,
        disbursed_on=dt.date(2026, 2, 28), first_due=MAR_31, repayment_style=RepaymentStyle.EQUAL_PRINCIPAL,
        number="ฉฉ-0999",
    )  # fmt: skip
    guarantee = Guarantee.objects.create(application=one.application, contract=one, guarantor=MemberFactory(),
                                         started_on=dt.date(2026, 2, 28))  # fmt: skip
    [cycle] = billing_period_open(month=MARCH, by=officer).cycles.all()
    billing_cycle_freeze(cycle=cycle, by=officer)

    # when
    posting = billing_unit_post(cycle=cycle, unit=member.unit, by=officer)

    # then: the bill took 1,005.10 more, the contract is closed and the member told
    assert posting.received == D("11965.51") + D("1005.10")
    closed = LoanContract.objects.get(number="ฉฉ-0999")
    assert (closed.status, closed.principal_balance, closed.closed_on) == (
        ContractStatus.CLOSED,
        D("0.00"),
        MAR_31,
    )
    assert list(LoanEvent.objects.filter(contract=closed, kind=LoanEventKind.CLOSED).values_list("member", "message")) == [
        (member.pk, "สัญญาเงินกู้ ฉฉ-0999 ชำระครบและปิดบัญชีแล้ว เมื่อ 31 มี.ค. 2569")
    ]  # fmt: skip
    # and its guarantor is released, as a counter payment releases them
    guarantee.refresh_from_db()
    assert (guarantee.ended_on, guarantee.end_reason) == (MAR_31, "ปิดสัญญา")
    assert all(result.ok for result in reconciliations())


def test_a_unit_taken_at_once_records_what_contract_by_contract_records(member, cycle, officer):
    """The loans' set-based receipts against the contract's default (each demand's own two steps)."""
    from django.db import transaction

    from sahakorn.core.subledger import BillingReceipt, SubLedger
    from sahakorn.ledger.services import Line, voucher_post
    from sahakorn.loans.debts import _net_lines
    from sahakorn.loans.models import LoanTransaction, LoanTxKind
    from sahakorn.loans.subledger import SUBLEDGER as loans

    receipts = [
        BillingReceipt(member.pk, "loans.ordinary", "สม-0123", D("5000.00"), MAR_31),
        BillingReceipt(member.pk, "loans.emergency", "ฉฉ-0456", D("80.00"), MAR_31),
    ]

    def taken(take) -> tuple[list, list]:
        with transaction.atomic():
            batch = take(period=MARCH, receipts=receipts)
            lines = _net_lines(batch.credit_lines[0], memo="")
            total = sum((line.credit - line.debit for line in lines), D(0))
            entry = voucher_post(
                source=EntrySource.BILLING, on=MAR_31, description="test",
                lines=[Line("bank", debit=total), *batch.credit_lines[0]], by=officer, error=BillingError,
            )  # fmt: skip
            batch.apply(entries={0: entry}, by=officer)
            rows = list(
                LoanTransaction.objects.filter(journal_entry=entry, kind=LoanTxKind.PAYMENT)
                .order_by("contract__number")
                .values_list("contract__number", "date", "principal", "interest", "interest_arrears",
                             "interest_from", "interest_to", "channel")
            )  # fmt: skip
            contracts = list(
                LoanContract.objects.order_by("number").values_list(
                    "number", "principal_balance", "interest_arrears", "interest_paid_to"
                )
            )
            transaction.set_rollback(True)
        return [(line.account, line.debit, line.credit) for line in lines], rows + contracts

    one_by_one = taken(lambda **kwargs: SubLedger.billing_receipts(loans, **kwargs))
    at_once = taken(loans.billing_receipts)

    assert at_once == one_by_one
    # 5,000.00 on the ordinary: 509.59 interest, 4,490.41 principal; 80.00 of the emergency's 101.92
    assert one_by_one[1][:2] == [
        ("ฉฉ-0456", MAR_31, D("0.00"), D("80.00"), D("21.92"), dt.date(2026, 2, 28), MAR_31, "payroll"),
        ("สม-0123", MAR_31, D("-4490.41"), D("509.59"), D("0.00"), dt.date(2026, 2, 28), MAR_31, "payroll"),
    ]


def test_posting_figures_again_only_the_borrowers_written_since_the_freeze(member, cycle, officer):
    # given: March frozen; nothing written on the member's loans since
    from sahakorn.loans.batch import loan_interest_accrual_run
    from sahakorn.loans.subledger import SUBLEDGER as loans

    cycle.refresh_from_db()
    assert loans.billing_changed(since=cycle.frozen_at) == set()

    # when: the month-end accrual runs (it changes no amount owed), then a counter payment
    loan_interest_accrual_run(period_end=dt.date(2026, 3, 31), by=officer)
    assert loans.billing_changed(since=cycle.frozen_at) == set()
    loan_payment_record(
        contract=LoanContract.objects.get(number="สม-0123"), amount=D("8843.59"), on=dt.date(2026, 3, 20),
        channel="cash", by=officer,
    )  # fmt: skip

    # then: the borrower is named, and posting takes the installment paid twice as over-deducted
    assert loans.billing_changed(since=cycle.frozen_at) == {member.pk}
    posting = billing_unit_post(cycle=cycle, unit=member.unit, by=officer)
    assert posting.over == D("8678.16")
