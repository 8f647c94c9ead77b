"""Loan services (งานเงินกู้): applications (maker-checker), disbursement with its voucher and netting of
a refinanced contract, and guarantor changes. Every refusal is a ``LoanError`` with a Thai message."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser as User
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sahakorn.core.approvals import decision_guard, decision_record, rejection_note
from sahakorn.core.dates import refuse_future
from sahakorn.core.interest import coop_day_basis
from sahakorn.core.money import ZERO, baht
from sahakorn.core.rules import RuleCheck, checks_refuse
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import Line, voucher_post
from sahakorn.loans.calc import schedule_equal_installment, schedule_equal_principal
from sahakorn.loans.eligibility import loan_eligibility
from sahakorn.loans.errors import LoanError
from sahakorn.loans.events import loan_event_record
from sahakorn.loans.models import (
    ApplicationStatus,
    ContractStatus,
    Guarantee,
    LoanApplication,
    LoanContract,
    LoanContractRate,
    LoanEvent,
    LoanEventKind,
    LoanProduct,
    LoanProductRules,
    LoanTransaction,
    LoanTxKind,
    RepaymentStyle,
    ScheduledInstallment,
)
from sahakorn.loans.payments import loan_payment_apply, loan_payment_split, loan_payoff_figures
from sahakorn.loans.rules import guarantor_checks, refinance_check
from sahakorn.members.models import Member, MemberStatus

log = logging.getLogger(__name__)

CHANNEL_ROLES = {"cash": "cash", "bank": "bank"}
CHANNELS = ("cash", "bank", "deposit")
CHANNEL_LABELS = {"cash": "เงินสด", "bank": "โอนเข้าบัญชีธนาคาร", "deposit": "เข้าบัญชีเงินฝากสหกรณ์"}
LEAVING_STATUSES = ("resigned", "deceased", "expelled")


# ======== Applications (คำขอกู้) ========


def loan_application_checks(
    *,
    member: Member,
    product: LoanProduct,
    amount: Decimal,
    installments: int,
    guarantors: Sequence[Member],
    on: dt.date,
    refinance: LoanContract | None = None,
    application: LoanApplication | None = None,
) -> list[RuleCheck]:
    """Every rule for an application: the member's eligibility, the guarantors, the refinance."""
    eligibility = loan_eligibility(
        member=member, product=product, amount=amount, installments=installments, on=on, refinance=refinance
    )
    checks = list(eligibility.checks)
    checks += guarantor_checks(
        product_rules=eligibility.rules,
        amount=amount,
        borrower=member,
        guarantors=guarantors,
        on=on,
        exclude_application=application,
    )
    if refinance is not None:
        principal, interest = loan_payoff_figures(contract=refinance, on=on)
        checks.append(
            refinance_check(amount=amount, payoff=principal + interest, contract_number=refinance.number)
        )
    return checks


def _check_refinance(member: Member, refinance: LoanContract | None) -> None:
    if refinance is None:
        return
    if refinance.member_id != member.pk:
        raise LoanError(f"สัญญา {refinance.number} ไม่ใช่ของสมาชิก {member.number_and_name}", field="refinance")
    if refinance.status != ContractStatus.ACTIVE:
        raise LoanError(f"สัญญา {refinance.number} ปิดแล้ว หักกลบไม่ได้", field="refinance")


@transaction.atomic
def loan_application_create(
    *,
    member: Member,
    product: LoanProduct,
    amount: Decimal,
    installments: int,
    guarantors: list[Member],
    applied_on: dt.date,
    by: User,
    purpose: str = "",
    refinance: LoanContract | None = None,
) -> LoanApplication:
    """Record an application (ยื่นคำขอกู้) with its guarantors; refused when any rule fails (listing them)."""
    refuse_future(applied_on, what="คำขอกู้", error=LoanError, field="applied_on")
    if not isinstance(amount, Decimal) or amount <= 0:
        raise LoanError("จำนวนเงินขอกู้ต้องมากกว่าศูนย์", field="amount")
    if installments < 1:
        raise LoanError("จำนวนงวดต้องอย่างน้อย 1 งวด", field="installments")
    if not product.is_active:
        raise LoanError(f"ประเภทเงินกู้ {product} ปิดรับคำขอแล้ว", field="product")
    member = Member.objects.get(pk=member.pk)
    _check_refinance(member, refinance)
    checks = loan_application_checks(
        member=member,
        product=product,
        amount=amount,
        installments=installments,
        guarantors=guarantors,
        on=applied_on,
        refinance=refinance,
    )
    checks_refuse(checks, action="ยื่นคำขอกู้", error=LoanError)
    application = LoanApplication.objects.create(
        member=member,
        product=product,
        amount=amount,
        installments=installments,
        applied_on=applied_on,
        purpose=(purpose or "").strip()[:300],
        refinance=refinance,
        checks=[c.as_json() for c in checks],
        requested_by=by,
    )
    Guarantee.objects.bulk_create(
        Guarantee(application=application, guarantor=g, started_on=applied_on) for g in guarantors
    )
    return application


def _locked_pending(application: LoanApplication, by: User, *, action: str) -> LoanApplication:
    """The application locked, once the maker-checker rules let ``by`` decide it (``action``)."""
    application = (
        LoanApplication.objects.select_for_update(of=("self",))
        .select_related("member", "product", "refinance")
        .get(pk=application.pk)
    )
    decision_guard(application, by=by, action=action, error=LoanError)
    return application


def _application_guarantors(application: LoanApplication) -> list[Member]:
    return [
        g.guarantor
        for g in application.guarantees.filter(ended_on__isnull=True)
        .select_related("guarantor")
        .order_by("id")
    ]


@transaction.atomic
def loan_application_approve(*, application: LoanApplication, by: User, note: str = "") -> LoanApplication:
    """Approve (อนุมัติ) as the second person: re-runs every check; refused when any fails now."""
    application = _locked_pending(application, by, action="อนุมัติ")
    if application.refinance is not None:
        _check_refinance(application.member, application.refinance)
    checks = loan_application_checks(
        member=application.member,
        product=application.product,
        amount=application.amount,
        installments=application.installments,
        guarantors=_application_guarantors(application),
        on=application.applied_on,
        refinance=application.refinance,
        application=application,
    )
    checks_refuse(checks, action="อนุมัติคำขอกู้", error=LoanError)
    decision_record(application, status=ApplicationStatus.APPROVED, by=by, note=note, checks=checks)
    loan_event_record(
        kind=LoanEventKind.APPROVED,
        member=application.member,
        application=application,
        on=timezone.localdate(),
        message=f"สหกรณ์อนุมัติ{application.product.name} {baht(application.amount)} บาท "
        f"{application.installments} งวด ตามคำขอเลขที่ {application.pk} ของท่านแล้ว",
    )
    return application


@transaction.atomic
def loan_application_reject(*, application: LoanApplication, by: User, note: str) -> LoanApplication:
    """Reject (ไม่อนุมัติ) with the reason, by someone other than the maker; the guarantees end."""
    application = _locked_pending(application, by, action="ไม่อนุมัติ")
    note = rejection_note(note, error=LoanError)
    decision_record(application, status=ApplicationStatus.REJECTED, by=by, note=note)
    application.guarantees.filter(ended_on__isnull=True).update(
        ended_on=timezone.localdate(), end_reason="ไม่อนุมัติคำขอกู้"
    )
    loan_event_record(
        kind=LoanEventKind.REJECTED,
        member=application.member,
        application=application,
        on=timezone.localdate(),
        message=f"คำขอกู้เลขที่ {application.pk} ({application.product.name} {baht(application.amount)} บาท) "
        f"ไม่ได้รับอนุมัติ: {application.decision_note}",
    )
    return application


# ======== Disbursement (จ่ายเงินกู้) ========


def loan_schedule_store(*, contract: LoanContract, rows) -> list[ScheduledInstallment]:
    """Store calculator rows (``calc.Installment``) as the contract's current schedule rows."""
    return ScheduledInstallment.objects.bulk_create(
        ScheduledInstallment(
            contract=contract,
            number=r.number,
            due_date=r.due_date,
            principal=r.principal,
            interest=r.interest,
            payment=r.payment,
            closing_balance=r.closing_balance,
        )
        for r in rows
    )


def _contract_number(product: LoanProduct, on: dt.date) -> str:
    LoanProduct.objects.select_for_update().filter(pk=product.pk).first()  # one number at a time per product
    prefix = f"{product.code}-{on.year + 543}-"
    last = (
        LoanContract.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
    ).first()
    seq = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{seq:06d}"


def _schedule(
    *, rules: LoanProductRules, amount: Decimal, installments: int, on: dt.date, first_due: dt.date
):
    common = dict(
        amount=amount,
        annual_rate=rules.annual_rate,
        first_due=first_due,
        installments=installments,
        disbursed_on=on,
        interest_rounding=rules.interest_rounding,
        day_basis=rules.day_basis or coop_day_basis(),
    )
    try:
        if rules.repayment_style == RepaymentStyle.EQUAL_PRINCIPAL:
            rows = schedule_equal_principal(**common, principal_rounding=rules.installment_rounding)
            per = rows[0].principal if len(rows) > 1 else amount
        else:
            rows = schedule_equal_installment(**common, installment_step_rounding=rules.installment_rounding)
            per = rows[0].payment
    except ValueError as e:
        raise LoanError(f"คำนวณตารางผ่อนชำระไม่ได้: {e}", field="first_due") from e
    return rows, per


@transaction.atomic
def loan_disburse(
    *,
    application: LoanApplication,
    on: dt.date,
    channel: str,
    first_due: dt.date,
    by: User,
    deposit_account=None,
) -> LoanContract:
    """Pay out an approved application (จ่ายเงินกู้): the contract, its schedule, the guarantees moved to it,
    a DISBURSEMENT transaction and the voucher Dr loan (member) / Cr cash|bank|deposit.

    With a refinanced contract (หักกลบหนี้), its principal and interest to the day are paid from the new
    loan: a NETTING transaction closes it, and the voucher is Dr new loan / Cr old loan / Cr interest
    income / Cr cash|bank (the rest). Through a deposit account the rest is credited with
    ``deposit_credit_internal`` (its own voucher, Dr new loan / Cr deposit) in the same transaction.
    """
    refuse_future(on, what="การจ่ายเงินกู้", error=LoanError, field="on")
    application = (
        LoanApplication.objects.select_for_update(of=("self",))
        .select_related("member", "product", "refinance")
        .get(pk=application.pk)
    )
    if application.status != ApplicationStatus.APPROVED:
        raise LoanError(f"คำขอกู้เลขที่ {application.pk} {application.get_status_display()} จ่ายเงินกู้ไม่ได้")
    if channel not in CHANNELS:
        raise LoanError(f"ช่องทางจ่ายเงิน “{channel}” ไม่ถูกต้อง", field="channel")
    if on < application.applied_on:
        raise LoanError("วันที่จ่ายเงินกู้ต้องไม่ก่อนวันที่ยื่นคำขอ", field="on")
    if first_due <= on:
        raise LoanError("งวดแรกต้องอยู่หลังวันที่จ่ายเงินกู้", field="first_due")
    member, product, amount = application.member, application.product, application.amount
    if channel == "deposit":
        if deposit_account is None or deposit_account.member_id != member.pk:
            raise LoanError("กรุณาเลือกบัญชีเงินฝากของผู้กู้", field="deposit_account")
    from sahakorn.loans.rules import loan_rules_for

    rules = loan_rules_for(product=product, on=on)
    rows, per = _schedule(rules=rules, amount=amount, installments=application.installments, on=on,
                          first_due=first_due)  # fmt: skip
    contract = LoanContract.objects.create(
        number=_contract_number(product, on),
        application=application,
        member=member,
        product=product,
        amount=amount,
        annual_rate=rules.annual_rate,
        repayment_style=rules.repayment_style,
        installments=application.installments,
        installment_amount=per,
        disbursed_on=on,
        first_due=first_due,
        interest_paid_to=on,
        principal_balance=amount,
    )
    LoanContractRate.objects.create(
        contract=contract,
        effective_from=on,
        annual_rate=rules.annual_rate,
        reason="อัตราเมื่อจ่ายเงินกู้",
        created_by=by,
    )
    loan_schedule_store(contract=contract, rows=rows)
    application.guarantees.filter(ended_on__isnull=True).update(contract=contract)

    old = application.refinance
    net_lines: list[Line] = []
    old_principal = old_interest = ZERO
    split = None
    if old is not None:
        old = LoanContract.objects.select_for_update().select_related("product", "member").get(pk=old.pk)
        _check_refinance(member, old)
        old_principal, old_interest = loan_payoff_figures(contract=old, on=on)
        if old_principal + old_interest > amount:
            raise LoanError(
                f"เงินกู้ใหม่ {baht(amount)} บาท ไม่พอหักกลบสัญญา {old.number} "
                f"({baht(old_principal + old_interest)} บาท)"
            )
        # The old contract is paid off exactly as a counter payoff would be (accrued interest settled).
        split = loan_payment_split(contract=old, amount=old_principal + old_interest, on=on)
        net_lines = split.credit_lines(memo=f"หักกลบสัญญา {old.number}")
    rest = amount - old_principal - old_interest
    description = f"จ่ายเงินกู้ สัญญา {contract.number} {member.number_and_name}"
    if channel == "deposit":
        from sahakorn.deposits.errors import DepositError
        from sahakorn.deposits.services import deposit_credit_internal

        net_entry = None
        if net_lines:
            net_entry = voucher_post(
                source=EntrySource.LOANS,
                on=on,
                description=f"หักกลบหนี้ สัญญา {old.number} ด้วยสัญญา {contract.number} {member.number_and_name}",
                lines=[
                    Line(
                        product.gl_role,
                        debit=old_principal + old_interest,
                        member_id=member.pk,
                        memo=f"สัญญา {contract.number}",
                    ),  # fmt: skip
                    *net_lines,
                ],
                by=by,
                error=LoanError,
            )
        entry = net_entry
        if rest > 0:
            try:
                deposit_tx = deposit_credit_internal(
                    account=deposit_account,
                    amount=rest,
                    on=on,
                    debit_role=product.gl_role,
                    description=f"เงินกู้ สัญญา {contract.number}",
                    by=by,
                )
            except DepositError as e:
                raise LoanError(f"เข้าบัญชีเงินฝากไม่ได้: {e.message}", field="deposit_account") from e
            entry = deposit_tx.journal_entry
    else:
        lines = [Line(product.gl_role, debit=amount, member_id=member.pk, memo=f"สัญญา {contract.number}")]
        lines += net_lines
        if rest > 0:
            lines.append(Line(CHANNEL_ROLES[channel], credit=rest, memo=member.number_and_name))
        entry = voucher_post(
            source=EntrySource.LOANS, on=on, description=description, lines=lines, by=by, error=LoanError
        )
    LoanTransaction.objects.create(
        contract=contract, date=on, kind=LoanTxKind.DISBURSEMENT, channel=channel, principal=amount,
        journal_entry=entry, memo=f"จ่ายเงินกู้ {baht(amount)} บาท", created_by=by,
    )  # fmt: skip
    if old is not None:
        loan_payment_apply(
            split,
            entry=entry if channel != "deposit" else net_entry,
            channel="netting",
            kind=LoanTxKind.NETTING,
            by=by,
            memo=f"หักกลบด้วยสัญญา {contract.number}",
        )
        old.refinanced_by = contract
        old.save(update_fields=["refinanced_by"])
    application.status = ApplicationStatus.DISBURSED
    application.save(update_fields=["status"])
    netted = f" หักกลบสัญญา {old.number} {baht(old_principal + old_interest)} บาท" if old is not None else ""
    loan_event_record(
        kind=LoanEventKind.DISBURSED,
        member=member,
        application=application,
        contract=contract,
        on=on,
        message=f"สหกรณ์จ่ายเงินกู้ สัญญา {contract.number} {baht(amount)} บาท{netted} "
        f"รับสุทธิ {baht(rest)} บาท ({CHANNEL_LABELS[channel]}) วันที่ {format_be_date(on)} "
        f"งวดแรก {format_be_date(first_due)}",
    )
    return contract


# ======== Guarantors (ผู้ค้ำประกัน) ========


def _contracts_guaranteed_by(member: Member) -> list[LoanContract]:
    """The active contracts ``member`` guarantees now, with their borrowers."""
    return list(
        LoanContract.objects.filter(
            status=ContractStatus.ACTIVE, guarantees__guarantor=member, guarantees__ended_on__isnull=True
        )
        .select_related("member")
        .distinct()
        .order_by("number")
    )


def guarantor_left(*, member: Member, on: dt.date, status: str | None = None) -> list[LoanContract]:
    """A guarantor left the coop (resigned, died, expelled): flag every active contract they guarantee
    (ต้องเปลี่ยนผู้ค้ำ), raise a "replace guarantor" event to each borrower, and return the contracts.

    A second leaving status for the same person (resigned, later deceased) raises no second event.
    """
    contracts = _contracts_guaranteed_by(member)
    if contracts:
        LoanContract.objects.filter(pk__in=[c.pk for c in contracts]).update(
            guarantor_replacement_needed=True
        )
        told = set(
            LoanEvent.objects.filter(
                kind=LoanEventKind.GUARANTOR_LEFT, guarantor=member, contract__in=contracts
            ).values_list("contract_id", flat=True)
        )
        status = status or Member.objects.filter(pk=member.pk).values_list("status", flat=True).first()
        why = MemberStatus(status).label if status in MemberStatus.values else "พ้นสมาชิกภาพ"
        for c in contracts:
            c.guarantor_replacement_needed = True
            if c.pk in told:
                continue
            loan_event_record(
                kind=LoanEventKind.GUARANTOR_LEFT,
                member=c.member,
                contract=c,
                guarantor=member,
                on=on,
                message=f"ผู้ค้ำประกันสัญญา {c.number} ของท่าน ({member.full_name}) {why} "
                f"เมื่อ {format_be_date(on)} กรุณาติดต่อสหกรณ์เพื่อเปลี่ยนผู้ค้ำประกัน",
            )
        log.info(
            "guarantor %s left on %s: %s need a replacement",
            member.number,
            on,
            ", ".join(c.number for c in contracts),
        )
    return contracts


def guarantor_resignation_blockers(*, member: Member) -> list[str]:
    """Registered with the members app: a member who guarantees an active contract may not resign."""
    contracts = _contracts_guaranteed_by(member)
    if not contracts:
        return []
    listed = ", ".join(f"{c.number} ของ {c.member.number_and_name}" for c in contracts)
    return [f"ยังค้ำประกันสัญญา {listed} อยู่ ให้ผู้กู้เปลี่ยนผู้ค้ำก่อน"]


def on_member_status_change(*, change) -> None:
    """A member's status changed (told through the sub-ledger contract): a guarantor leaving flags
    their contracts."""
    if change.to_status in LEAVING_STATUSES:
        guarantor_left(member=change.member, on=change.effective_on, status=change.to_status)


def _missing_guarantors(contract: LoanContract) -> bool:
    return contract.guarantees.filter(ended_on__isnull=True).filter(~Q(guarantor__status="active")).exists()


@transaction.atomic
def guarantor_replace(
    *, contract: LoanContract, old: Member, new: Member, on: dt.date, by: User
) -> Guarantee:
    """Replace a guarantor (เปลี่ยนผู้ค้ำ): the new one is checked as at an application; the old guarantee
    ends, the new one starts; the flag clears when no guarantor who left remains."""
    refuse_future(on, what="การเปลี่ยนผู้ค้ำ", error=LoanError, field="on")
    contract = (
        LoanContract.objects.select_for_update().select_related("member", "product").get(pk=contract.pk)
    )
    if contract.status != ContractStatus.ACTIVE:
        raise LoanError(f"สัญญา {contract.number} ปิดแล้ว")
    guarantee = contract.guarantees.filter(guarantor=old, ended_on__isnull=True).first()
    if guarantee is None:
        raise LoanError(f"{old.number_and_name} ไม่ได้เป็นผู้ค้ำของสัญญา {contract.number}", field="old")
    if on < guarantee.started_on:
        raise LoanError("วันที่เปลี่ยนผู้ค้ำต้องไม่ก่อนวันที่เริ่มค้ำ", field="on")
    new = Member.objects.get(pk=new.pk)
    others = [g.guarantor for g in contract.guarantees.filter(ended_on__isnull=True).exclude(pk=guarantee.pk)]
    from sahakorn.loans.rules import loan_rules_for

    checks = guarantor_checks(
        product_rules=loan_rules_for(product=contract.product, on=on),
        amount=contract.principal_balance,
        borrower=contract.member,
        guarantors=[*others, new],
        on=on,
        required=0,
    )
    # Only the new guarantor's rows decide (the others were checked when they signed).
    checks = [c for c in checks if new.number in c.figure]
    checks_refuse(checks, action="เปลี่ยนผู้ค้ำ", error=LoanError)
    guarantee.ended_on = on
    guarantee.end_reason = f"เปลี่ยนผู้ค้ำเป็น {new.number}"
    guarantee.save(update_fields=["ended_on", "end_reason"])
    added = Guarantee.objects.create(
        application=contract.application, contract=contract, guarantor=new, started_on=on
    )
    if contract.guarantor_replacement_needed and not _missing_guarantors(contract):
        contract.guarantor_replacement_needed = False
        contract.save(update_fields=["guarantor_replacement_needed"])
    loan_event_record(
        kind=LoanEventKind.GUARANTOR_REPLACED,
        member=contract.member,
        contract=contract,
        guarantor=new,
        on=on,
        message=f"สัญญา {contract.number} เปลี่ยนผู้ค้ำประกันจาก {old.full_name} เป็น {new.full_name} "
        f"ตั้งแต่ {format_be_date(on)}",
    )
    loan_event_record(
        kind=LoanEventKind.GUARANTOR_REPLACED,
        member=new,
        contract=contract,
        guarantor=new,
        on=on,
        message=f"ท่านเป็นผู้ค้ำประกันสัญญา {contract.number} ของ {contract.member.full_name} "
        f"ตั้งแต่ {format_be_date(on)}",
    )
    return added
