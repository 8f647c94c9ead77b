"""The whole life of a death: claim, approval (maker-checker), the death's levy, collection, payout."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.funeral.errors import FuneralError
from sahakorn.funeral.models import (
    Channel,
    ClaimStatus,
    DuesMode,
    FuneralDue,
    FuneralLevy,
    FuneralPayout,
    LevyKind,
    MembershipStatus,
    PayoutBasis,
    PayoutMethod,
)
from sahakorn.funeral.reconcile import funeral_reconcile
from sahakorn.funeral.selectors import death_claim_payout_plan
from sahakorn.funeral.services import (
    death_claim_approve,
    death_claim_create,
    death_claim_pay,
    death_claim_reject,
    funeral_dues_collect,
    funeral_levy_create,
    funeral_membership_end,
    funeral_remittance_record,
    funeral_settings_create,
)
from sahakorn.funeral.tests.factories import enrolled, heirs
from sahakorn.ledger.models import JournalEntry
from sahakorn.ledger.selectors import account_balance
from sahakorn.members.models import MemberStatus

pytestmark = pytest.mark.django_db

DEATH = dt.date(2025, 3, 1)
APPROVED_ON = dt.date(2025, 3, 6)


@pytest.fixture
def rules():
    """25.00 a member for each death, 50.00 to join, 3% admin fee kept by the association."""
    return funeral_settings_create(
        effective_from=dt.date(2024, 1, 1), by=None, dues_mode=DuesMode.PER_DEATH, per_death_amount=D("25.00"),
        entrance_fee=D("50.00"), payout_basis=PayoutBasis.COLLECTED, admin_fee_percent=D("3.00"),
    )  # fmt: skip


@pytest.fixture
def association(rules):
    """The deceased (50 / 25 / 25), seven members in force on the levy date, one who joined after it,
    and one who resigned before it. Fees: 10 × 50.00 = 500.00."""
    deceased = enrolled(beneficiaries=heirs("50.00", "25.00", "25.00"))
    others = [enrolled() for _ in range(7)]
    late = enrolled(joined_on=dt.date(2025, 3, 7))
    resigned = enrolled()
    funeral_membership_end(membership=resigned, on=dt.date(2025, 2, 1), reason="resignation", by=None)
    return {"deceased": deceased, "others": others, "late": late, "resigned": resigned}


@pytest.fixture
def claim(association, officer):
    return death_claim_create(membership=association["deceased"], death_date=DEATH,
                              reported_on=dt.date(2025, 3, 5), by=officer)  # fmt: skip


def test_the_recorder_cannot_approve_and_an_officer_cannot_approve_at_all(claim, officer, manager):
    # when / then
    with pytest.raises(FuneralError, match="ไม่มีสิทธิ์"):
        death_claim_approve(claim=claim, by=officer, on=APPROVED_ON)
    own = death_claim_create(membership=enrolled(), death_date=DEATH, reported_on=DEATH, by=manager)
    with pytest.raises(FuneralError, match="ผู้อนุมัติต้องไม่ใช่ผู้บันทึกการขอรับเงินสงเคราะห์ศพ"):
        death_claim_approve(claim=own, by=manager, on=APPROVED_ON)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING and not FuneralLevy.objects.exists()


def test_the_recorder_cannot_reject_either_not_even_a_manager(association, manager, manager2):
    # given: a death recorded by a manager
    own = death_claim_create(
        membership=association["deceased"], death_date=DEATH, reported_on=DEATH, by=manager
    )

    # when / then: the same manager may not reject it; a second manager may
    with pytest.raises(FuneralError, match="ผู้ไม่อนุมัติต้องไม่ใช่ผู้บันทึกการขอรับเงินสงเคราะห์ศพ"):
        death_claim_reject(claim=own, by=manager, note="ไม่พบใบมรณบัตร")
    own.refresh_from_db()
    assert own.status == ClaimStatus.PENDING and own.decided_by is None
    rejected = death_claim_reject(claim=own, by=manager2, note="ไม่พบใบมรณบัตร")
    assert (rejected.status, rejected.decided_by, rejected.decision_note) == (
        ClaimStatus.REJECTED, manager2, "ไม่พบใบมรณบัตร",
    )  # fmt: skip


def test_approval_ends_the_membership_records_the_death_and_calls_the_dues(claim, association, manager):
    # when
    approved = death_claim_approve(claim=claim, by=manager, on=APPROVED_ON)

    # then
    assert approved.status == ClaimStatus.APPROVED and approved.decided_by == manager
    membership = association["deceased"]
    membership.refresh_from_db()
    assert (membership.status, membership.ended_on, membership.end_reason) == (
        MembershipStatus.ENDED, DEATH, "death",
    )  # fmt: skip
    member = membership.member
    member.refresh_from_db()
    assert (member.status, member.status_since) == (MemberStatus.DECEASED, DEATH)
    levy = FuneralLevy.objects.get(claim=claim)
    assert (levy.kind, levy.levied_on, levy.amount_per_member) == (
        LevyKind.PER_DEATH,
        APPROVED_ON,
        D("25.00"),
    )
    # the seven in force on the levy date: not the deceased, nor who joined after, nor who resigned before
    called = set(FuneralDue.objects.filter(levy=levy).values_list("membership_id", flat=True))
    assert called == {m.pk for m in association["others"]}
    assert (levy.members, levy.total_amount) == (7, D("175.00"))
    # calling twice writes nothing more
    assert (
        funeral_levy_create(kind=LevyKind.PER_DEATH, levied_on=APPROVED_ON, by=manager, claim=claim) == levy
    )
    assert FuneralDue.objects.count() == 7


def test_collecting_posts_one_voucher_for_the_lot_and_refuses_what_was_not_called(
    claim, association, manager
):
    # given
    death_claim_approve(claim=claim, by=manager, on=APPROVED_ON)
    levy = FuneralLevy.objects.get(claim=claim)
    first_five = [m.pk for m in association["others"][:5]]

    # when
    result = funeral_dues_collect(levy=levy, membership_ids=first_five, on=dt.date(2025, 4, 6),
                                  channel=Channel.PAYROLL, by=manager)  # fmt: skip

    # then
    assert (result.count, result.amount) == (5, D("125.00"))
    lines = sorted((line.account.code, line.debit, line.credit) for line in result.journal_entry.lines.all())
    assert lines == [("11131", D("125.00"), D("0.00")), ("21850", D("0.00"), D("125.00"))]
    assert FuneralDue.objects.filter(journal_entry=result.journal_entry).count() == 5

    # and: one already paid and one never called are refused by number, nothing written
    entries = JournalEntry.objects.count()
    with pytest.raises(FuneralError) as caught:
        funeral_dues_collect(levy=levy, membership_ids=[first_five[0], association["late"].pk],
                             on=dt.date(2025, 4, 7), channel=Channel.COUNTER, by=manager)  # fmt: skip
    assert association["late"].number in caught.value.errors["membership_ids"]
    assert association["others"][0].number in caught.value.errors["membership_ids"]
    assert JournalEntry.objects.count() == entries

    # and: the rest, at the counter
    rest = funeral_dues_collect(levy=levy, on=dt.date(2025, 4, 10), channel=Channel.COUNTER, by=manager)
    assert (rest.count, rest.amount) == (2, D("50.00"))
    assert not FuneralDue.objects.filter(levy=levy, collected_on__isnull=True).exists()


def test_paying_splits_the_dues_less_the_fee_exactly_and_reconciles(claim, association, manager, officer):
    # given: the seven pay 175.00; 3% fee 5.25 → 169.75 to pay
    death_claim_approve(claim=claim, by=manager, on=APPROVED_ON)
    levy = FuneralLevy.objects.get(claim=claim)
    funeral_dues_collect(levy=levy, on=dt.date(2025, 4, 6), channel=Channel.PAYROLL, by=officer)

    # when: the split is shown first, then paid
    plan = death_claim_payout_plan(claim=claim)
    payouts = death_claim_pay(claim=claim, on=dt.date(2025, 4, 15), method=PayoutMethod.BANK, by=officer)

    # then: 84.875 / 42.4375 / 42.4375 round to 84.88 + 42.44 + 42.44 = 169.76; the 50% heir gives one satang back
    assert (plan.figures.dues_collected, plan.figures.admin_fee, plan.total) == (
        D("175.00"), D("5.25"), D("169.75"),
    )  # fmt: skip
    assert [(p.beneficiary.name, p.share_percent, p.amount) for p in payouts] == [
        ("ทายาท 1", D("50.00"), D("84.87")),
        ("ทายาท 2", D("25.00"), D("42.44")),
        ("ทายาท 3", D("25.00"), D("42.44")),
    ]
    assert [line.amount for line in plan.lines] == [p.amount for p in payouts]
    claim.refresh_from_db()
    assert (claim.status, claim.payout_total, claim.admin_fee, claim.paid_on) == (
        ClaimStatus.PAID, D("169.75"), D("5.25"), dt.date(2025, 4, 15),
    )  # fmt: skip
    entry = claim.journal_entry
    deceased_id = association["deceased"].member_id
    lines = sorted((line.account.code, line.debit, line.credit, line.member_id) for line in entry.lines.all())
    assert lines == [
        ("11131", D("0.00"), D("42.44"), deceased_id),
        ("11131", D("0.00"), D("42.44"), deceased_id),
        ("11131", D("0.00"), D("84.87"), deceased_id),
        ("21850", D("169.75"), D("0.00"), deceased_id),
    ]
    assert set(FuneralPayout.objects.values_list("journal_entry_id", flat=True)) == {entry.pk}
    # held for the association: fees 500.00 + dues 175.00 − payout 169.75 = 505.25
    result = funeral_reconcile()
    assert result.ok
    assert (result.entrance_fees, result.dues_collected, result.payouts) == (
        D("500.00"),
        D("175.00"),
        D("169.75"),
    )
    assert result.ledger_amount == D("505.25")

    # and: the fee is remitted to the association
    funeral_remittance_record(amount=D("5.25"), on=dt.date(2025, 4, 30), by=manager, note="ค่าดำเนินการ")
    assert funeral_reconcile().ok and account_balance(account="funeral_dues_collected") == D("500.00")
    with pytest.raises(FuneralError, match="จ่ายได้เฉพาะศพที่อนุมัติแล้ว"):
        death_claim_pay(claim=claim, on=dt.date(2025, 4, 16), method=PayoutMethod.BANK, by=officer)


def test_a_claim_cannot_be_paid_before_approval_or_before_any_dues_arrive(claim, manager, officer):
    # when / then
    with pytest.raises(FuneralError, match="จ่ายได้เฉพาะศพที่อนุมัติแล้ว"):
        death_claim_pay(claim=claim, on=dt.date(2025, 4, 15), method=PayoutMethod.CASH, by=officer)
    death_claim_approve(claim=claim, by=manager, on=APPROVED_ON)
    with pytest.raises(FuneralError, match="ยังไม่มีเงินสงเคราะห์ที่จะจ่าย"):
        death_claim_pay(claim=claim, on=dt.date(2025, 4, 15), method=PayoutMethod.CASH, by=officer)
    assert not FuneralPayout.objects.exists()


def test_a_fixed_payout_larger_than_what_the_coop_holds_is_refused(association, officer, manager):
    # given: a fixed 30,000.00 per death from 2025, while the coop holds 500.00 of fees
    funeral_settings_create(effective_from=dt.date(2025, 2, 1), by=manager, dues_mode=DuesMode.ANNUAL,
                            annual_amount=D("300.00"), payout_basis=PayoutBasis.FIXED,
                            fixed_payout=D("30000.00"))  # fmt: skip
    claim = death_claim_create(
        membership=association["deceased"], death_date=DEATH, reported_on=DEATH, by=officer
    )
    death_claim_approve(claim=claim, by=manager, on=APPROVED_ON)

    # when / then: annual mode calls no per-death levy, and the payout exceeds the money held
    assert not FuneralLevy.objects.exists()
    with pytest.raises(FuneralError) as caught:
        death_claim_pay(claim=claim, on=dt.date(2025, 4, 15), method=PayoutMethod.BANK, by=officer)
    assert "มี 500.00 บาท ไม่พอจ่าย 30,000.00 บาท" in caught.value.errors["on"]


def test_rejecting_needs_a_reason_and_leaves_the_membership(claim, association, manager):
    # when / then
    with pytest.raises(FuneralError) as caught:
        death_claim_reject(claim=claim, by=manager, note=" ")
    assert "note" in caught.value.errors
    rejected = death_claim_reject(claim=claim, by=manager, note="ไม่พบใบมรณบัตร")
    assert rejected.status == ClaimStatus.REJECTED
    association["deceased"].refresh_from_db()
    assert association["deceased"].status == MembershipStatus.ACTIVE


def test_annual_levy_calls_every_member_in_force_once_a_year(association, manager):
    # given
    funeral_settings_create(effective_from=dt.date(2025, 2, 1), by=manager, dues_mode=DuesMode.ANNUAL,
                            annual_amount=D("300.00"), payout_basis=PayoutBasis.COLLECTED)  # fmt: skip

    # when
    levy = funeral_levy_create(kind=LevyKind.ANNUAL, levied_on=dt.date(2025, 12, 1), by=manager)
    again = funeral_levy_create(kind=LevyKind.ANNUAL, levied_on=dt.date(2025, 12, 20), by=manager)

    # then: deceased (not yet dead), seven, late joiner = 9; the resigned one is not called
    assert again == levy and (levy.members, levy.total_amount, levy.year) == (9, D("2700.00"), 2025)
