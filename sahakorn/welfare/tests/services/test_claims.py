"""Claims from application to payment: rule checks, amounts, maker-checker, vouchers, reversal."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.db import DatabaseError, transaction

from sahakorn.ledger.models import EntrySource, JournalLine
from sahakorn.ledger.selectors import account_balance
from sahakorn.members.models import MemberStatus
from sahakorn.members.services import member_status_change
from sahakorn.members.tests.factories import MemberFactory
from sahakorn.welfare.errors import WelfareError
from sahakorn.welfare.models import ClaimStatus, PaymentMethod, Relation, WelfareClaim
from sahakorn.welfare.services import (
    welfare_claim_apply,
    welfare_claim_approve,
    welfare_claim_pay,
    welfare_claim_reject,
    welfare_claim_reverse,
)
from sahakorn.welfare.tests.factories import claim_paid

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 1)


def _failed(error: WelfareError) -> list[str]:
    return [c.message for c in error.failed_checks]


# ======== The two outcomes the issue asks for: one refused by its rule, one paid ========


def test_scholarship_is_paid_by_level_from_the_scholarship_fund_through_the_bank(
    scholarship, officer, manager
):
    # given: a member since 2015 with a child at secondary school
    member = MemberFactory()

    # when: an officer applies, the manager approves, the officer pays by bank transfer
    claim = welfare_claim_apply(
        scheme=scholarship,
        member=member,
        event_date=JUNE,
        applied_on=dt.date(2026, 6, 3),
        beneficiary_name="  ด.ญ.  มะลิ   ทดสอบ ",
        beneficiary_relation=Relation.CHILD,
        level="secondary",
        by=officer,
    )
    welfare_claim_approve(claim=claim, by=manager, note="เอกสารครบ")
    paid = welfare_claim_pay(claim=claim, method=PaymentMethod.BANK, on=dt.date(2026, 6, 10), by=officer)

    # then: 1,500.00 by the level table, Dr ทุนการศึกษาบุตร / Cr bank in one welfare voucher linked to the claim
    assert paid.status == ClaimStatus.PAID
    assert paid.amount == D("1500.00")
    assert paid.beneficiary_name == "ด.ญ. มะลิ ทดสอบ"
    assert paid.fund_role == "scholarship_fund"
    assert paid.paid_on == dt.date(2026, 6, 10) and paid.paid_by == officer and paid.decided_by == manager
    entry = paid.journal_entry
    assert entry.source == EntrySource.WELFARE and entry.date == dt.date(2026, 6, 10)
    lines = sorted((line.account.code, line.debit, line.credit, line.member_id) for line in entry.lines.all())
    assert lines == [
        ("11131", D("0.00"), D("1500.00"), member.pk),
        ("33400", D("1500.00"), D("0.00"), member.pk),
    ]
    assert account_balance(account="scholarship_fund") == D("-1500.00")
    assert all(c["passed"] for c in paid.checks)


def test_a_second_scholarship_for_the_same_child_in_the_fiscal_year_is_refused_and_nothing_is_written(
    scholarship, officer, manager
):
    # given: the child's scholarship for 2569 is already paid
    member = MemberFactory()
    claim_paid(scheme=scholarship, member=member, maker=officer, checker=manager, event_date=JUNE,
               beneficiary_name="ด.ญ. มะลิ ทดสอบ", level="primary")  # fmt: skip
    before = (WelfareClaim.objects.count(), JournalLine.objects.count())

    # when: the same child (typed with other spacing) again in November of the same fiscal year
    with pytest.raises(WelfareError) as refused:
        welfare_claim_apply(scheme=scholarship, member=member, event_date=dt.date(2026, 11, 1),
                            beneficiary_name="ด.ญ.มะลิ  ทดสอบ".replace("ด.ญ.", "ด.ญ. "), level="primary",
                            applied_on=dt.date(2026, 11, 2), by=officer)  # fmt: skip

    # then: the yearly limit per child refused it, with the figure, and nothing changed
    assert _failed(refused.value) == ["ขอครบ 1 ครั้งในปีบัญชีนี้แล้ว สำหรับ ด.ญ. มะลิ ทดสอบ"]
    failed = refused.value.failed_checks[0]
    assert failed.figure == "ปีบัญชี 1 ม.ค. 2569 – 31 ธ.ค. 2569 ขอแล้ว 1 ครั้ง สำหรับ ด.ญ. มะลิ ทดสอบ"
    assert (WelfareClaim.objects.count(), JournalLine.objects.count()) == before
    # and a second child, or the same child in another fiscal year (the one before: a claim is
    # never dated ahead), may claim
    welfare_claim_apply(scheme=scholarship, member=member, event_date=JUNE, applied_on=dt.date(2026, 6, 2),
                        beneficiary_name="ด.ช. มานะ ทดสอบ", level="bachelor", by=officer)  # fmt: skip
    other_year = welfare_claim_apply(scheme=scholarship, member=member, event_date=dt.date(2025, 5, 20),
                                     beneficiary_name="ด.ญ. มะลิ ทดสอบ", level="secondary",
                                     applied_on=dt.date(2025, 5, 21), by=officer)  # fmt: skip
    assert other_year.amount == D("1500.00")


def test_scholarship_needs_twelve_months_of_membership_and_a_level(scholarship, officer):
    # given: a member who joined on 15 Jul 2025
    member = MemberFactory(joined_on=dt.date(2025, 7, 15))

    # when
    with pytest.raises(WelfareError) as refused:
        welfare_claim_apply(scheme=scholarship, member=member, event_date=JUNE, applied_on=dt.date(2026, 7, 14),
                            beneficiary_name="ด.ช. ก", by=officer)  # fmt: skip

    # then: 11 months 29 days is not 12 months, and no level was chosen
    assert _failed(refused.value) == [
        "อายุการเป็นสมาชิกยังไม่ครบ 1 ปี",
        "กรุณาเลือกระดับ (ประถมศึกษา 1,000.00, มัธยมศึกษา 1,500.00, ปริญญาตรี 3,000.00)",
    ]
    assert refused.value.failed_checks[0].figure == "เป็นสมาชิกตั้งแต่ 15 ก.ค. 2568 (0 ปี 11 เดือน)"
    # on the anniversary it passes
    claim = welfare_claim_apply(scheme=scholarship, member=member, event_date=JUNE, applied_on=dt.date(2026, 7, 15),
                                beneficiary_name="ด.ช. ก", level="primary", by=officer)  # fmt: skip
    assert claim.amount == D("1000.00")


def test_birth_gift_within_180_days_once_per_child(birth, officer, manager):
    # given
    member = MemberFactory()
    born = dt.date(2026, 1, 10)

    # when: day 180 passes, day 181 is late
    claim = welfare_claim_apply(scheme=birth, member=member, event_date=born, applied_on=dt.date(2026, 7, 9),
                                beneficiary_name="ด.ช. ใหม่", beneficiary_relation=Relation.CHILD, by=officer)  # fmt: skip
    with pytest.raises(WelfareError) as late:
        welfare_claim_apply(scheme=birth, member=member, event_date=born, applied_on=dt.date(2026, 7, 10),
                            beneficiary_name="ด.ญ. แฝด", by=officer)  # fmt: skip
    with pytest.raises(WelfareError) as again:
        welfare_claim_apply(scheme=birth, member=member, event_date=born, applied_on=dt.date(2026, 7, 9),
                            beneficiary_name="ด.ช. ใหม่", by=officer)  # fmt: skip

    # then
    assert claim.amount == D("2000.00")
    assert [c.figure for c in claim_checks(claim) if c.rule.startswith("ยื่นคำขอภายใน")] == ["180 วัน"]
    assert _failed(late.value) == ["ยื่นเกินกำหนด 180 วัน"]
    assert _failed(again.value) == ["เคยได้รับสวัสดิการนี้ครบ 1 ครั้งแล้ว สำหรับ ด.ช. ใหม่"]


def claim_checks(claim):
    from sahakorn.core.rules import RuleCheck

    return [RuleCheck.from_json(c) for c in claim.checks]


def test_hospital_days_are_paid_per_day_up_to_ten_days_a_fiscal_year(hospital, officer):
    # given
    member = MemberFactory()

    # when: 7 days in March, 5 days in August (3 left), then another stay in October (of 2025, so
    # that the next fiscal year's claim below is not dated ahead)
    first = welfare_claim_apply(scheme=hospital, member=member, event_date=dt.date(2025, 3, 2), days=7,
                                applied_on=dt.date(2025, 3, 20), by=officer)  # fmt: skip
    second = welfare_claim_apply(scheme=hospital, member=member, event_date=dt.date(2025, 8, 2), days=5,
                                 applied_on=dt.date(2025, 8, 20), by=officer)  # fmt: skip
    with pytest.raises(WelfareError) as used_up:
        welfare_claim_apply(scheme=hospital, member=member, event_date=dt.date(2025, 10, 2), days=2,
                            applied_on=dt.date(2025, 10, 5), by=officer)  # fmt: skip

    # then: 7 × 300 = 2,100.00; then only 3 days × 300 = 900.00, said so on the claim
    assert (first.days, first.amount) == (7, D("2100.00"))
    assert (second.days, second.amount) == (3, D("900.00"))
    assert second.note == "ขอ 5 วัน จ่ายได้ 3 วัน"
    assert _failed(used_up.value) == ["ใช้สิทธิ์ครบ 10 วันในปีบัญชีนี้แล้ว"]
    # a new fiscal year starts again from 10 days
    third = welfare_claim_apply(scheme=hospital, member=member, event_date=dt.date(2026, 1, 3), days=2,
                                applied_on=dt.date(2026, 1, 10), by=officer)  # fmt: skip
    assert third.amount == D("600.00")


def test_senior_welfare_needs_25_years_of_membership_and_age_60(senior, officer):
    # given: born 10 May 1966, joined 1 Feb 2001
    member = MemberFactory(birth_date=dt.date(1966, 5, 10), joined_on=dt.date(2001, 2, 1))

    # when: on 9 May 2026 (age 59), then on 10 May 2026 (age 60, 25 years 3 months)
    with pytest.raises(WelfareError) as young:
        welfare_claim_apply(scheme=senior, member=member, event_date=dt.date(2026, 5, 9),
                            applied_on=dt.date(2026, 5, 9), by=officer)  # fmt: skip
    claim = welfare_claim_apply(scheme=senior, member=member, event_date=dt.date(2026, 5, 10),
                                applied_on=dt.date(2026, 5, 10), by=officer)  # fmt: skip

    # then
    assert _failed(young.value) == ["อายุยังไม่ถึง 60 ปี"]
    assert claim.amount == D("5000.00")


def test_a_resigned_member_cannot_claim(pension, officer):
    # given: a pensioner who resigned
    member = MemberFactory(birth_date=dt.date(1960, 1, 1))
    member_status_change(member=member, to_status=MemberStatus.RESIGNED, effective_on=dt.date(2026, 2, 1),
                         reason="ลาออก", by=officer)  # fmt: skip

    # when
    with pytest.raises(WelfareError) as refused:
        welfare_claim_apply(scheme=pension, member=member, event_date=dt.date(2026, 3, 1),
                            applied_on=dt.date(2026, 3, 1), by=officer)  # fmt: skip

    # then
    assert _failed(refused.value) == ["สมาชิกมีสถานะลาออก ขอรับสวัสดิการนี้ไม่ได้"]


def test_budget_counts_paid_and_promised_claims_of_the_fiscal_year(birth, officer, manager):
    # given: a birth budget of 5,000 a year; 2,000 paid and 2,000 pending
    birth.annual_budget = D("5000.00")
    birth.save()
    a, b, c = MemberFactory(), MemberFactory(), MemberFactory()
    claim_paid(scheme=birth, member=a, maker=officer, checker=manager, event_date=dt.date(2026, 2, 1),
               beneficiary_name="ลูก ก")  # fmt: skip
    welfare_claim_apply(scheme=birth, member=b, event_date=dt.date(2026, 3, 1), applied_on=dt.date(2026, 3, 1),
                        beneficiary_name="ลูก ข", by=officer)  # fmt: skip

    # when: a third 2,000 would make 6,000
    with pytest.raises(WelfareError) as refused:
        welfare_claim_apply(scheme=birth, member=c, event_date=dt.date(2026, 4, 1), applied_on=dt.date(2026, 4, 1),
                            beneficiary_name="ลูก ค", by=officer)  # fmt: skip

    # then
    assert _failed(refused.value) == ["งบประมาณปีบัญชีนี้คงเหลือ 1,000.00 บาท ไม่พอ"]
    assert refused.value.failed_checks[0].figure == (
        "งบ 5,000.00 บาท จ่ายแล้ว 2,000.00 บาท รออนุมัติ/รอจ่าย 2,000.00 บาท คำขอนี้ 2,000.00 บาท"
    )


# ======== Maker-checker ========


def test_the_maker_cannot_approve_and_an_officer_cannot_approve(birth, officer, manager, manager2):
    # given
    claim = welfare_claim_apply(scheme=birth, member=MemberFactory(), event_date=JUNE, applied_on=JUNE,
                                beneficiary_name="ลูก", by=manager)  # fmt: skip

    # when / then
    with pytest.raises(WelfareError, match="ผู้อนุมัติต้องไม่ใช่ผู้บันทึกคำขอ"):
        welfare_claim_approve(claim=claim, by=manager)
    with pytest.raises(WelfareError, match="ไม่มีสิทธิ์อนุมัติ"):
        welfare_claim_approve(claim=claim, by=officer)
    with pytest.raises(WelfareError, match="จ่ายได้เฉพาะคำขอที่อนุมัติแล้ว"):
        welfare_claim_pay(claim=claim, method=PaymentMethod.CASH, on=JUNE, by=officer)
    approved = welfare_claim_approve(claim=claim, by=manager2)
    assert approved.status == ClaimStatus.APPROVED and approved.decided_by == manager2


def test_the_maker_cannot_reject_either_not_even_a_manager(birth, manager, manager2):
    # given: a claim recorded by a manager
    claim = welfare_claim_apply(scheme=birth, member=MemberFactory(), event_date=JUNE, applied_on=JUNE,
                                beneficiary_name="ลูก", by=manager)  # fmt: skip

    # when / then: the same manager may not reject it; a second manager may
    with pytest.raises(WelfareError, match="ผู้ไม่อนุมัติต้องไม่ใช่ผู้บันทึกคำขอ"):
        welfare_claim_reject(claim=claim, by=manager, note="เอกสารไม่ครบ")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING and claim.decided_by is None
    rejected = welfare_claim_reject(claim=claim, by=manager2, note="เอกสารไม่ครบ")
    assert (rejected.status, rejected.decided_by) == (ClaimStatus.REJECTED, manager2)


def test_reject_needs_a_reason_and_posts_nothing(birth, officer, manager):
    # given
    claim = welfare_claim_apply(scheme=birth, member=MemberFactory(), event_date=JUNE, applied_on=JUNE,
                                beneficiary_name="ลูก", by=officer)  # fmt: skip

    # when / then
    with pytest.raises(WelfareError) as no_reason:
        welfare_claim_reject(claim=claim, by=manager, note="  ")
    assert no_reason.value.field == "note"
    rejected = welfare_claim_reject(claim=claim, by=manager, note="สูติบัตรไม่ตรงกับชื่อสมาชิก")
    assert rejected.status == ClaimStatus.REJECTED
    assert not JournalLine.objects.exists()
    # a rejected claim does not use up the child's once-only gift
    welfare_claim_apply(scheme=birth, member=claim.member, event_date=JUNE, applied_on=JUNE,
                        beneficiary_name="ลูก", by=officer)  # fmt: skip


def test_approval_rechecks_the_rules_on_todays_figures(hospital, officer, manager):
    # given: two pending claims of 6 days each (both fit when applied: the first is pending, not paid)
    member = MemberFactory()
    first = welfare_claim_apply(scheme=hospital, member=member, event_date=dt.date(2026, 3, 1), days=6,
                                applied_on=dt.date(2026, 3, 5), by=officer)  # fmt: skip
    second = welfare_claim_apply(scheme=hospital, member=member, event_date=dt.date(2026, 4, 1), days=6,
                                 applied_on=dt.date(2026, 4, 5), by=officer)  # fmt: skip

    # then: the second was capped at the 4 days left when it was applied for
    assert (second.days, second.amount) == (4, D("1200.00"))
    # and the first still approves with the second counted
    assert welfare_claim_approve(claim=first, by=manager).status == ClaimStatus.APPROVED


# ======== Payment and reversal ========


def test_cash_payment_and_reversal_give_the_money_and_the_limit_back(pension, officer, manager):
    # given: a pensioner's yearly 1,200 paid in cash
    member = MemberFactory(birth_date=dt.date(1960, 1, 1))
    claim = claim_paid(scheme=pension, member=member, maker=officer, checker=manager,
                       event_date=dt.date(2026, 2, 1), method=PaymentMethod.CASH)  # fmt: skip
    assert account_balance(account="cash") == D("-1200.00")
    assert account_balance(account="welfare_fund") == D("-1200.00")

    # when: it was paid twice by mistake elsewhere, so the manager reverses it
    with pytest.raises(WelfareError) as no_perm:
        welfare_claim_reverse(claim=claim, on=dt.date(2026, 2, 5), reason="จ่ายซ้ำ", by=officer)
    reversed_claim = welfare_claim_reverse(claim=claim, on=dt.date(2026, 2, 5), reason="จ่ายซ้ำ", by=manager)

    # then
    assert "ไม่มีสิทธิ์กลับรายการ" in no_perm.value.message
    assert reversed_claim.status == ClaimStatus.REVERSED
    assert reversed_claim.reversal_entry.reverses_id == claim.journal_entry_id
    assert account_balance(account="cash") == D("0.00")
    assert account_balance(account="welfare_fund") == D("0.00")
    with pytest.raises(WelfareError, match="กลับรายการได้เฉพาะคำขอที่จ่ายแล้ว"):
        welfare_claim_reverse(claim=claim, on=dt.date(2026, 2, 6), reason="อีกครั้ง", by=manager)
    # the year's pension can be claimed again
    again = welfare_claim_apply(scheme=pension, member=member, event_date=dt.date(2026, 2, 1),
                                applied_on=dt.date(2026, 2, 6), by=officer)  # fmt: skip
    assert again.amount == D("1200.00")


def test_payment_date_before_the_application_is_refused_naming_the_field(birth, officer, manager):
    # given
    claim = welfare_claim_apply(scheme=birth, member=MemberFactory(), event_date=JUNE, applied_on=JUNE,
                                beneficiary_name="ลูก", by=officer)  # fmt: skip
    welfare_claim_approve(claim=claim, by=manager)

    # when
    with pytest.raises(WelfareError) as refused:
        welfare_claim_pay(claim=claim, method=PaymentMethod.BANK, on=dt.date(2026, 5, 31), by=officer)

    # then
    assert refused.value.field == "on"
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.journal_entry_id is None


def test_a_paid_claim_cannot_be_edited_or_deleted_in_the_database(birth, officer, manager):
    # given
    claim = claim_paid(scheme=birth, member=MemberFactory(), maker=officer, checker=manager, event_date=JUNE,
                       beneficiary_name="ลูก")  # fmt: skip

    # when / then: the trigger refuses a changed amount, a status other than reversed, and a delete
    for change in ({"amount": D("9999.00")}, {"status": ClaimStatus.APPROVED}):
        with pytest.raises(DatabaseError), transaction.atomic():
            WelfareClaim.objects.filter(pk=claim.pk).update(**change)
    with pytest.raises(DatabaseError), transaction.atomic():
        WelfareClaim.objects.filter(pk=claim.pk).delete()
    claim.refresh_from_db()
    assert claim.amount == D("2000.00") and claim.status == ClaimStatus.PAID


# ======== Payment into a deposit account (the deposits app's service) ========


def test_deposit_payment_calls_the_deposits_service_and_links_its_voucher(
    birth, officer, manager, monkeypatch
):
    """The contract with ``deposit_credit_internal``, with a stand-in that posts as the deposits app would."""
    import sys
    import types

    from sahakorn.ledger.services import Line, journal_entry_record

    calls = []

    def fake_credit(*, account, amount, on, debit_role, description, by):
        calls.append((account, amount, on, debit_role, by))
        entry = journal_entry_record(date=on, description=description, created_by=by, source=EntrySource.DEPOSITS,
                                     lines=[Line(debit_role, debit=amount, member_id=account.member_id),
                                            Line("deposit_savings", credit=amount, member_id=account.member_id)])  # fmt: skip
        return types.SimpleNamespace(journal_entry=entry)

    try:
        import sahakorn.deposits.services as deposit_services  # noqa: F401
    except ImportError:
        monkeypatch.setitem(
            sys.modules, "sahakorn.deposits.services", types.ModuleType("sahakorn.deposits.services")
        )
    monkeypatch.setattr(sys.modules["sahakorn.deposits.services"], "deposit_credit_internal", fake_credit,
                        raising=False)  # fmt: skip
    member = MemberFactory()
    account = types.SimpleNamespace(pk=77, member_id=member.pk)
    claim = welfare_claim_apply(scheme=birth, member=member, event_date=JUNE, applied_on=JUNE,
                                beneficiary_name="ลูก", by=officer)  # fmt: skip
    welfare_claim_approve(claim=claim, by=manager)

    # when
    paid = welfare_claim_pay(claim=claim, method=PaymentMethod.DEPOSIT, on=dt.date(2026, 6, 2), by=officer,
                             deposit_account=account)  # fmt: skip

    # then
    assert calls == [(account, D("2000.00"), dt.date(2026, 6, 2), "welfare_fund", officer)]
    assert paid.deposit_account_id == 77 and paid.payment_method == PaymentMethod.DEPOSIT
    assert account_balance(account="deposit_savings", member_id=member.pk) == D("2000.00")
    with pytest.raises(WelfareError, match="ให้กลับรายการที่ระบบเงินฝาก"):
        welfare_claim_reverse(claim=paid, on=dt.date(2026, 6, 3), reason="ผิดบัญชี", by=manager)
    from sahakorn.welfare.reconcile import welfare_reconcile

    assert welfare_reconcile().ok


def test_deposit_payment_through_the_real_deposits_service(birth, officer, manager):
    services = pytest.importorskip(
        "sahakorn.deposits.services", reason="the deposits app has no services module yet (another engineer)"
    )
    if not hasattr(services, "deposit_credit_internal"):
        pytest.skip("sahakorn.deposits.services.deposit_credit_internal does not exist yet")
    factories = pytest.importorskip("sahakorn.deposits.tests.factories", reason="no deposit factories yet")
    from sahakorn.deposits.models import DepositProduct, DepositTransaction

    # given: a savings account opened with 500.00
    member = MemberFactory()
    product = DepositProduct.objects.get(gl_role="deposit_savings")
    account = factories.account_open(product=product, amount="500.00", on=dt.date(2026, 1, 5), member=member)
    claim = welfare_claim_apply(scheme=birth, member=member, event_date=JUNE, applied_on=JUNE,
                                beneficiary_name="ลูก", by=officer)  # fmt: skip
    welfare_claim_approve(claim=claim, by=manager)

    # when
    paid = welfare_claim_pay(
        claim=claim, method=PaymentMethod.DEPOSIT, on=JUNE, by=officer, deposit_account=account
    )

    # then: Dr welfare fund / Cr savings deposits in the deposits app's voucher, linked to the claim
    assert paid.deposit_account_id == account.pk and paid.fund_role == "welfare_fund"
    assert DepositTransaction.objects.filter(account=account, journal_entry=paid.journal_entry).count() == 1
    account.refresh_from_db()
    assert account.balance == D("2500.00")
    assert account_balance(account="welfare_fund") == D("-2000.00")
    assert account_balance(account="deposit_savings", member_id=member.pk) == D("2500.00")
    from sahakorn.welfare.reconcile import welfare_reconcile

    assert welfare_reconcile().ok


def test_deposit_payment_without_a_deposit_account_is_refused_naming_the_field(birth, officer, manager):
    # given
    claim = welfare_claim_apply(scheme=birth, member=MemberFactory(), event_date=JUNE, applied_on=JUNE,
                                beneficiary_name="ลูก", by=officer)  # fmt: skip
    welfare_claim_approve(claim=claim, by=manager)

    # when
    with pytest.raises(WelfareError) as refused:
        welfare_claim_pay(claim=claim, method=PaymentMethod.DEPOSIT, on=JUNE, by=officer)

    # then
    assert refused.value.field == "deposit_account"
