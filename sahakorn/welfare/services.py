"""Writes to welfare (สวัสดิการ): claims from application to payment and reversal. Nothing else writes them.

Each service checks first and raises ``WelfareError`` (a Thai message naming the field, and the
rule checks) before anything is written. Decisions worth knowing:

- A claim that fails a rule is refused at application, so the approver's queue holds only claims
  that can pass; approval re-runs the checks (other claims, the budget, the member's status may
  have moved in between) and stores them again. Whoever recorded a claim may neither approve nor
  reject it (``core.approvals.decision_guard``).
- Payment posts Dr the scheme's fund (ทุนสวัสดิการ / ทุนการศึกษา, equity appropriated from profit)
  and Cr cash, bank, or the member's deposit account through the deposits service, in the same
  transaction as the claim's status; the claim links to the voucher. The budget is checked again
  against what has actually been paid in the fiscal year of the payment.
- A paid claim is never edited (a DB trigger enforces it): a correction reverses its voucher and
  marks it reversed, which gives its amount back to the member's limits and the scheme's budget.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from sahakorn.core.approvals import decision_guard, decision_record, rejection_note
from sahakorn.core.dates import refuse_future
from sahakorn.core.money import baht
from sahakorn.core.rules import checks_refuse
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.ledger.services import Line, journal_entry_reverse, voucher_post
from sahakorn.members.models import Member
from sahakorn.welfare.errors import WelfareError
from sahakorn.welfare.models import (
    AmountRule,
    ClaimStatus,
    PaymentMethod,
    Relation,
    WelfareClaim,
    WelfareScheme,
)
from sahakorn.welfare.rules import Evaluation, beneficiary_normalize, budget_check, claim_evaluate

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

__all__ = [
    "welfare_claim_apply",
    "welfare_claim_approve",
    "welfare_claim_evaluate",
    "welfare_claim_pay",
    "welfare_claim_reject",
    "welfare_claim_reverse",
]

APPROVE_PERMISSION = WelfareClaim.approve_permission
PAY_PERMISSION = "welfare.pay_welfareclaim"
REVERSE_PERMISSION = "welfare.reverse_welfareclaim"
# Where the money of each payment method leaves the coop in the GL (deposit goes through its service).
METHOD_ROLES = {PaymentMethod.CASH: "cash", PaymentMethod.BANK: "bank"}


def _member_locked(member: Member) -> Member:
    # One member's claims are checked and written one at a time, so two officers at two counters
    # cannot both take the last claim a limit allows.
    return Member.objects.select_for_update().get(pk=member.pk)


def _claim_locked(claim: WelfareClaim) -> WelfareClaim:
    return (
        WelfareClaim.objects.select_for_update(of=("self",))
        .select_related("scheme", "member")
        .get(pk=claim.pk)
    )


def welfare_claim_evaluate(
    *,
    scheme: WelfareScheme,
    member: Member,
    event_date: dt.date | None,
    beneficiary_name: str = "",
    level: str = "",
    days: int | None = None,
    applied_on: dt.date | None = None,
) -> Evaluation:
    """The checks and amount of a claim not yet applied for (the claim form's preview); writes nothing."""
    return claim_evaluate(
        scheme=scheme,
        member=Member.objects.get(pk=member.pk),
        applied_on=applied_on or timezone.localdate(),
        event_date=event_date,
        beneficiary_name=beneficiary_name,
        level=level,
        days=days,
    )


@transaction.atomic
def welfare_claim_apply(
    *,
    scheme: WelfareScheme,
    member: Member,
    event_date: dt.date,
    by: User | None,
    beneficiary_name: str = "",
    beneficiary_relation: str = Relation.SELF,
    level: str = "",
    days: int | None = None,
    applied_on: dt.date | None = None,
    note: str = "",
) -> WelfareClaim:
    """Record a claim (ยื่นคำขอรับสวัสดิการ) with its rule checks and the amount the scheme pays.

    A claim failing any rule is refused (``WelfareError`` with the checks) and nothing is written.
    For a per-day scheme the claim keeps the days that are paid (capped by what is left of the year).
    """
    applied_on = applied_on or timezone.localdate()
    # The event is checked not to be after the application (the rules), so neither is ahead.
    refuse_future(applied_on, what="คำขอรับสวัสดิการ", error=WelfareError, field="applied_on")
    if beneficiary_relation not in Relation.values:
        raise WelfareError(f"ไม่รู้จักความเกี่ยวพัน “{beneficiary_relation}”", field="beneficiary_relation")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or days < 0):
        raise WelfareError("จำนวนวันต้องเป็นจำนวนเต็มไม่ติดลบ", field="days")
    note = (note or "").strip()
    if len(note) > 300:
        raise WelfareError("หมายเหตุยาวเกิน 300 ตัวอักษร", field="note")
    beneficiary = beneficiary_normalize(beneficiary_name)
    if len(beneficiary) > 200:
        raise WelfareError("ชื่อผู้รับประโยชน์ยาวเกิน 200 ตัวอักษร", field="beneficiary_name")
    if scheme.amount_rule != AmountRule.BY_LEVEL:
        level = ""
    if scheme.amount_rule != AmountRule.PER_DAY:
        days = None
    member = _member_locked(member)
    scheme = WelfareScheme.objects.select_for_update().get(pk=scheme.pk)
    evaluation = claim_evaluate(
        scheme=scheme,
        member=member,
        applied_on=applied_on,
        event_date=event_date,
        beneficiary_name=beneficiary,
        level=level,
        days=days,
    )
    checks_refuse(evaluation.checks, action=f"ยื่นคำขอ{scheme.name}", error=WelfareError)
    if evaluation.amount <= 0:
        raise WelfareError(f"ยื่นคำขอไม่ได้: {scheme.name} คำนวณได้ 0 บาท", checks=evaluation.checks)
    if days is not None and evaluation.payable_days != days:
        note = (f"ขอ {days} วัน จ่ายได้ {evaluation.payable_days} วัน " + note).strip()[:300]
    return WelfareClaim.objects.create(
        scheme=scheme,
        member=member,
        beneficiary_name=beneficiary or (member.full_name if beneficiary_relation == Relation.SELF else ""),
        beneficiary_relation=beneficiary_relation,
        event_date=event_date,
        applied_on=applied_on,
        level=level,
        days=evaluation.payable_days,
        amount=evaluation.amount,
        note=note,
        checks=[c.as_json() for c in evaluation.checks],
        requested_by=by,
    )


def welfare_claim_recheck(*, claim: WelfareClaim) -> Evaluation:
    """The checks of a pending claim as of now, leaving the claim itself out of the counts."""
    return claim_evaluate(
        scheme=claim.scheme,
        member=Member.objects.get(pk=claim.member_id),
        applied_on=claim.applied_on,
        event_date=claim.event_date,
        beneficiary_name=claim.beneficiary_name,
        level=claim.level,
        days=claim.days,
        exclude_claim_id=claim.pk,
    )


@transaction.atomic
def welfare_claim_approve(*, claim: WelfareClaim, by: User, note: str = "") -> WelfareClaim:
    """Approve a claim (อนุมัติ) as the second person, after re-running its checks on today's figures."""
    _member_locked(claim.member)
    claim = _claim_locked(claim)
    decision_guard(claim, by=by, action="อนุมัติ", error=WelfareError)
    evaluation = welfare_claim_recheck(claim=claim)
    checks_refuse(evaluation.checks, action="อนุมัติคำขอ", error=WelfareError)
    if evaluation.amount != claim.amount:
        raise WelfareError(
            f"อนุมัติไม่ได้: จำนวนเงินตามหลักเกณฑ์ ณ ขณะนี้ ({baht(evaluation.amount)} บาท) ไม่เท่ากับที่ยื่นไว้ "
            f"({baht(claim.amount)} บาท) ให้ไม่อนุมัติแล้วยื่นคำขอใหม่",
            checks=evaluation.checks,
        )
    decision_record(claim, status=ClaimStatus.APPROVED, by=by, note=note, checks=evaluation.checks)
    return claim


@transaction.atomic
def welfare_claim_reject(*, claim: WelfareClaim, by: User, note: str) -> WelfareClaim:
    """Reject a claim (ไม่อนุมัติ) with the reason; nothing posts."""
    claim = _claim_locked(claim)
    decision_guard(claim, by=by, action="ไม่อนุมัติ", error=WelfareError)
    decision_record(claim, status=ClaimStatus.REJECTED, by=by, note=rejection_note(note, error=WelfareError))
    return claim


def _deposit_credit(*, claim: WelfareClaim, account: Any, on: dt.date, by: User | None) -> JournalEntry:
    """Credit the member's deposit account through the deposits app (which owns its sub-ledger)."""
    try:
        from sahakorn.deposits.services import deposit_credit_internal
    except ImportError:
        raise WelfareError(
            "ยังจ่ายเข้าบัญชีเงินฝากไม่ได้: ระบบเงินฝากยังไม่เปิดใช้ (เลือกจ่ายเงินสดหรือโอนเข้าบัญชีธนาคาร)",
            field="method",
        ) from None
    owner_id = getattr(account, "member_id", None)
    if owner_id is not None and owner_id != claim.member_id:
        raise WelfareError("บัญชีเงินฝากนี้ไม่ใช่ของสมาชิกผู้ขอรับสวัสดิการ", field="deposit_account")
    try:
        result = deposit_credit_internal(
            account=account,
            amount=claim.amount,
            on=on,
            debit_role=claim.scheme.fund_role,
            description=f"จ่าย{claim.scheme.name} {claim.member.number_and_name} (คำขอเลขที่ {claim.pk})",
            by=by,
        )
    except LedgerError as e:
        raise WelfareError(f"ผ่านรายการบัญชีไม่ได้: {e.message}") from e
    except Exception as e:
        # The deposits app's own refusal (account closed, frozen, …) carries a Thai ``message``; a bug does not.
        message = getattr(e, "message", None)
        if not isinstance(message, str):
            raise
        raise WelfareError(f"จ่ายเข้าบัญชีเงินฝากไม่ได้: {message}", field="deposit_account") from e
    entry = result if isinstance(result, JournalEntry) else getattr(result, "journal_entry", None)
    if not isinstance(entry, JournalEntry):
        raise WelfareError("ระบบเงินฝากไม่ได้ส่งใบสำคัญกลับมา จ่ายเข้าบัญชีเงินฝากไม่ได้")
    return entry


@transaction.atomic
def welfare_claim_pay(
    *,
    claim: WelfareClaim,
    method: str,
    on: dt.date,
    by: User | None,
    deposit_account: Any = None,
) -> WelfareClaim:
    """Pay an approved claim (จ่ายเงินสวัสดิการ): Dr the scheme's fund / Cr cash, bank or deposit account.

    The voucher and the claim's status are written in one transaction; the claim links to the voucher.
    """
    refuse_future(on, what="การจ่ายเงินสวัสดิการ", error=WelfareError, field="on")
    if method not in PaymentMethod.values:
        raise WelfareError(f"ไม่รู้จักวิธีจ่าย “{method}”", field="method")
    if by is not None and not by.has_perm(PAY_PERMISSION):
        raise WelfareError(f"ผู้ใช้ {by.get_username()} ไม่มีสิทธิ์จ่ายเงินสวัสดิการ")
    claim = _claim_locked(claim)
    if claim.status != ClaimStatus.APPROVED:
        raise WelfareError(f"จ่ายได้เฉพาะคำขอที่อนุมัติแล้ว (คำขอเลขที่ {claim.pk} {claim.get_status_display()})")
    if on < claim.applied_on:
        raise WelfareError(f"วันที่จ่ายต้องไม่ก่อนวันที่ยื่นคำขอ ({format_be_date(claim.applied_on)})", field="on")
    if method == PaymentMethod.DEPOSIT and deposit_account is None:
        raise WelfareError("กรุณาเลือกบัญชีเงินฝากที่จะโอนเข้า", field="deposit_account")
    if method != PaymentMethod.DEPOSIT:
        deposit_account = None
    scheme = WelfareScheme.objects.select_for_update().get(pk=claim.scheme_id)
    budget = budget_check(scheme=scheme, on=on, amount=claim.amount, include_committed=False)
    if budget is not None and not budget.passed:
        raise WelfareError(f"จ่ายไม่ได้: {budget.message} ({budget.figure})", checks=[budget])
    member = claim.member
    description = f"จ่าย{scheme.name} {member.number_and_name} (คำขอเลขที่ {claim.pk})"
    if method == PaymentMethod.DEPOSIT:
        entry = _deposit_credit(claim=claim, account=deposit_account, on=on, by=by)
    else:
        memo = claim.beneficiary_name if claim.beneficiary_name else member.full_name
        entry = voucher_post(
            source=EntrySource.WELFARE,
            on=on,
            description=description,
            lines=[
                Line(
                    scheme.fund_role, debit=claim.amount, member_id=member.pk, memo=f"{scheme.name}: {memo}"
                ),
                Line(
                    METHOD_ROLES[method],
                    credit=claim.amount,
                    member_id=member.pk,
                    memo=member.number_and_name,
                ),
            ],
            by=by,
            error=WelfareError,
        )
    claim.status = ClaimStatus.PAID
    claim.paid_on = on
    claim.payment_method = method
    claim.deposit_account_id = getattr(deposit_account, "pk", None)
    claim.fund_role = scheme.fund_role
    claim.paid_by = by
    claim.journal_entry = entry
    claim.save(
        update_fields=[
            "status",
            "paid_on",
            "payment_method",
            "deposit_account_id",
            "fund_role",
            "paid_by",
            "journal_entry",
        ]
    )
    return claim


@transaction.atomic
def welfare_claim_reverse(*, claim: WelfareClaim, on: dt.date, reason: str, by: User | None) -> WelfareClaim:
    """Reverse a paid claim (กลับรายการ): the voucher is reversed in the GL and the claim marked reversed.

    The claim's figures stay as they were; its amount stops counting against the member's limits and
    the scheme's budget. A payment into a deposit account is reversed in the deposits app, not here.
    """
    refuse_future(on, what="การกลับรายการ", error=WelfareError, field="on")
    claim = _claim_locked(claim)
    reason = (reason or "").strip()
    if not reason:
        raise WelfareError("กรุณาระบุเหตุผลที่กลับรายการ", field="reason")
    if len(reason) > 200:
        raise WelfareError("เหตุผลยาวเกิน 200 ตัวอักษร", field="reason")
    if by is not None and not by.has_perm(REVERSE_PERMISSION):
        raise WelfareError(f"ผู้ใช้ {by.get_username()} ไม่มีสิทธิ์กลับรายการจ่ายสวัสดิการ")
    if claim.status != ClaimStatus.PAID:
        raise WelfareError(f"กลับรายการได้เฉพาะคำขอที่จ่ายแล้ว (คำขอเลขที่ {claim.pk} {claim.get_status_display()})")
    if claim.payment_method == PaymentMethod.DEPOSIT:
        raise WelfareError("คำขอนี้จ่ายเข้าบัญชีเงินฝาก ให้กลับรายการที่ระบบเงินฝาก (บัญชีเงินฝากของสมาชิกต้องถูกหักคืนด้วย)")
    if on < claim.paid_on:
        raise WelfareError(f"วันที่กลับรายการต้องไม่ก่อนวันที่จ่าย ({format_be_date(claim.paid_on)})", field="on")
    try:
        reversal = journal_entry_reverse(
            entry=claim.journal_entry, date=on, reason=f"คำขอสวัสดิการเลขที่ {claim.pk}: {reason}", reversed_by=by
        )
    except LedgerError as e:
        raise WelfareError(f"กลับรายการบัญชีไม่ได้: {e.message}") from e
    claim.status = ClaimStatus.REVERSED
    claim.reversed_on = on
    claim.reversal_reason = reason
    claim.reversal_entry = reversal
    claim.save(update_fields=["status", "reversed_on", "reversal_reason", "reversal_entry"])
    return claim
