"""A contract's rate history and the board's rate resolutions (มติเปลี่ยนอัตราดอกเบี้ยเงินกู้).

A resolution applies to every active contract of the product from its effective date, whatever the
member's payment state: the contract gains a ``LoanContractRate`` row, and interest over any span
that crosses the date is computed piece by piece (``interest.py``, ``calc.py``). Month-end accruals
not yet settled that cover days from the effective date are recomputed. Days already charged
before the resolution was recorded (a payment dated after the effective date) keep the interest
charged; the run lists those contracts so the coop can refund the difference (``loan_interest_refund``)
or charge it.

The stored schedule is re-stored from the first installment due on or after the effective date,
starting from the schedule's own opening balance of that installment (not the actual balance), so
a member behind or ahead of the schedule stays behind or ahead by the same amount. The
installment is kept (the principal part moves; the usual practice) or recomputed over the
installments left, as the resolution says.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from sahakorn.core.money import baht, round_money
from sahakorn.core.thai import format_be_date
from sahakorn.loans import calc
from sahakorn.loans.batch import contract_accruals_repost, contract_accruals_reverse
from sahakorn.loans.errors import LoanError
from sahakorn.loans.events import loan_event_record
from sahakorn.loans.interest import contract_rates, interest_terms
from sahakorn.loans.models import (
    ContractStatus,
    InstallmentPolicy,
    LoanContract,
    LoanContractRate,
    LoanEventKind,
    LoanProduct,
    LoanProductRules,
    RepaymentStyle,
    ScheduledInstallment,
)
from sahakorn.loans.rules import loan_rules_for, pct
from sahakorn.loans.services import loan_schedule_store

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

MAX_RATE = Decimal("99.999")
ONE_DAY = dt.timedelta(days=1)


def _checked_rate(annual_rate) -> Decimal:
    if isinstance(annual_rate, bool) or not isinstance(annual_rate, Decimal) or not annual_rate.is_finite():
        raise LoanError("อัตราดอกเบี้ยต้องเป็นตัวเลข", field="annual_rate")
    if annual_rate < 0 or annual_rate > MAX_RATE or annual_rate != annual_rate.quantize(Decimal("0.001")):
        raise LoanError("อัตราดอกเบี้ยต้องอยู่ระหว่าง 0 ถึง 99.999 และมีทศนิยมไม่เกิน 3 ตำแหน่ง", field="annual_rate")
    return annual_rate


def rate_on(contract: LoanContract, day: dt.date) -> Decimal:
    """The contract's annual rate in force on ``day``."""
    periods = sorted(contract_rates(contract), key=lambda p: p.effective_from)
    rate = periods[0].annual_rate
    for period in periods:
        if period.effective_from <= day:
            rate = period.annual_rate
    return rate


def _restored_rows(
    contract: LoanContract, rows: list[ScheduledInstallment], *, policy: str, on: dt.date
) -> tuple[list[calc.Installment], Decimal]:
    """The re-stored schedule from ``rows`` (the current rows due on or after the effective date) and
    the contract's installment amount after it."""
    first = rows[0]
    previous = (
        ScheduledInstallment.objects.filter(
            contract_id=contract.pk, superseded_at__isnull=True, number__lt=first.number
        )
        .order_by("-number")
        .values_list("due_date", flat=True)
        .first()
    ) or contract.disbursed_on
    opening = first.closing_balance + first.principal
    due_dates = [row.due_date for row in rows]
    terms = interest_terms(contract, on)
    rates = contract_rates(contract)
    step = loan_rules_for(product=contract.product, on=on).installment_rounding
    if contract.repayment_style == RepaymentStyle.EQUAL_INSTALLMENT:
        payment = contract.installment_amount
        if policy == InstallmentPolicy.RECOMPUTE:
            payment = calc.level_payment(
                amount=opening,
                annual_rate=rate_on(contract, first.due_date),
                installments=len(rows),
                rounding=step,
            )
        new = calc.reschedule_after_rate_change(
            balance=opening,
            payment=payment,
            rates=rates,
            last_interest_date=previous,
            due_dates=due_dates,
            first_number=first.number,
            interest_rounding=terms.rounding,
            day_basis=terms.day_basis,
        )
        return new, payment
    per = contract.installment_amount
    if policy == InstallmentPolicy.RECOMPUTE:
        per = round_money(opening / len(rows), step)
    new, balance = [], opening
    for k, old in enumerate(rows):
        part = (
            balance
            if k == len(rows) - 1
            else min(old.principal if policy == InstallmentPolicy.KEEP else per, balance)
        )
        interest = calc.interest_between(
            principal=balance,
            start=previous,
            end=old.due_date,
            rates=rates,
            rounding=terms.rounding,
            day_basis=terms.day_basis,
        )
        new.append(calc._row(old.number, previous, old.due_date, balance, part, interest))
        balance, previous = balance - part, old.due_date
        if not balance:
            break
    return new, per


@dataclass
class RateChange:
    """What one contract's rate change did."""

    contract: LoanContract
    old_rate: Decimal
    rate: LoanContractRate
    rows: list[ScheduledInstallment]
    installment: Decimal
    charged_beyond: bool  # interest was already charged past the effective date at the old rate


@transaction.atomic
def loan_rate_change(
    *,
    contract: LoanContract,
    annual_rate: Decimal,
    effective_from: dt.date,
    by: User | None,
    installment_policy: str = InstallmentPolicy.KEEP,
    reason: str = "",
) -> RateChange:
    """Change the contract's rate from ``effective_from`` (เปลี่ยนอัตราดอกเบี้ยของสัญญา): a rate-history row,
    the schedule re-stored from the first installment due on or after that day (installment kept or
    recomputed), and the member told. See the module notes."""
    contract = (
        LoanContract.objects.select_for_update(of=("self",))
        .select_related("product", "member")
        .get(pk=contract.pk)
    )
    if contract.status != ContractStatus.ACTIVE:
        raise LoanError(f"สัญญา {contract.number} ปิดแล้ว", field="contract")
    annual_rate = _checked_rate(annual_rate)
    if installment_policy not in InstallmentPolicy.values:
        raise LoanError("เลือกวิธีจัดการค่างวด: คงค่างวดเดิม หรือคำนวณค่างวดใหม่", field="installment_policy")
    if not isinstance(effective_from, dt.date) or effective_from <= contract.disbursed_on:
        raise LoanError(
            f"วันที่มีผลต้องอยู่หลังวันจ่ายเงินกู้ ({format_be_date(contract.disbursed_on)})", field="effective_from"
        )
    latest = LoanContractRate.objects.filter(contract=contract).order_by("-effective_from").first()
    if latest is not None and effective_from <= latest.effective_from:
        raise LoanError(
            f"สัญญา {contract.number} มีอัตรา {pct(latest.annual_rate)}% ที่มีผลตั้งแต่ "
            f"{format_be_date(latest.effective_from)} แล้ว: อัตราใหม่ต้องมีผลหลังวันนั้น",
            field="effective_from",
        )
    old_rate = rate_on(contract, effective_from)
    if latest is None:
        # History starts with the rate the contract was paid out at.
        LoanContractRate.objects.create(
            contract=contract, effective_from=contract.disbursed_on, annual_rate=contract.annual_rate,
            reason="อัตราเมื่อจ่ายเงินกู้",
        )  # fmt: skip
    rate = LoanContractRate.objects.create(
        contract=contract,
        effective_from=effective_from,
        annual_rate=annual_rate,
        installment_policy=installment_policy,
        reason=(reason or "").strip()[:300],
        created_by=by,
    )
    # Month-end accruals not yet settled that cover days from the effective date were figured at the
    # old rate: recomputed, booked today (see ``batch.py``).
    today = timezone.localdate()
    period_ends = contract_accruals_reverse(
        contract=contract,
        after=max(contract.interest_paid_to, effective_from - ONE_DAY),
        booked_on=today,
        by=by,
    )
    contract.annual_rate = annual_rate
    fields = ["annual_rate"]
    remaining = list(
        ScheduledInstallment.objects.filter(
            contract=contract, superseded_at__isnull=True, due_date__gte=effective_from
        ).order_by("number")
    )
    stored: list[ScheduledInstallment] = []
    installment = contract.installment_amount
    if remaining:
        try:
            new, installment = _restored_rows(
                contract, remaining, policy=installment_policy, on=effective_from
            )
        except ValueError as e:
            raise LoanError(f"คำนวณตารางผ่อนชำระใหม่ไม่ได้: {e}", field="annual_rate") from e
        ScheduledInstallment.objects.filter(pk__in=[row.pk for row in remaining]).update(
            superseded_at=timezone.now()
        )
        stored = loan_schedule_store(contract=contract, rows=new)
        if installment != contract.installment_amount:
            contract.installment_amount = installment
            fields.append("installment_amount")
    contract.save(update_fields=fields)
    contract_accruals_repost(contract=contract, period_ends=period_ends, booked_on=today, by=by)
    what = "ค่างวดเดิม" if installment_policy == InstallmentPolicy.KEEP else "ค่างวดใหม่"
    loan_event_record(
        kind=LoanEventKind.RATE_CHANGED,
        member=contract.member,
        contract=contract,
        on=effective_from,
        message=f"สหกรณ์เปลี่ยนอัตราดอกเบี้ยสัญญาเงินกู้ {contract.number} จากร้อยละ {pct(old_rate)} "
        f"เป็นร้อยละ {pct(annual_rate)} ต่อปี ตั้งแต่ {format_be_date(effective_from)} "
        f"{what} {baht(installment)} บาท",
    )
    return RateChange(
        contract=contract,
        old_rate=old_rate,
        rate=rate,
        rows=stored,
        installment=installment,
        charged_beyond=contract.interest_paid_to >= effective_from,
    )


@dataclass
class RateChangeResult:
    product_code: str
    annual_rate: Decimal
    effective_from: dt.date
    installment_policy: str
    changed: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (contract number, why)
    charged_beyond: list[tuple[str, dt.date]] = field(default_factory=list)  # (number, interest charged to)


@transaction.atomic
def loan_product_rate_apply(
    *,
    product: LoanProduct,
    effective_from: dt.date,
    by: User | None,
    installment_policy: str = InstallmentPolicy.KEEP,
) -> RateChangeResult:
    """Apply the rate of the product's rules version that starts on ``effective_from`` to every
    active contract of the product paid out before that day (see the module notes).

    Running it again changes nothing: a contract that already has a rate from that day (or a later
    one) is skipped, as is one paid out on or after it (it took the new rules' rate then).
    """
    version = LoanProductRules.objects.filter(product=product, effective_from=effective_from).first()
    if version is None:
        raise LoanError(
            f"ประเภทเงินกู้ {product} ไม่มีหลักเกณฑ์ที่มีผลวันที่ {format_be_date(effective_from)}: "
            "เพิ่มหลักเกณฑ์ (อัตราใหม่) ก่อน",
            field="effective_from",
        )
    result = RateChangeResult(product.code, version.annual_rate, effective_from, installment_policy)
    contracts = LoanContract.objects.filter(product=product, status=ContractStatus.ACTIVE).select_related(
        "product", "member"
    )
    latest = {
        contract_id: day
        for contract_id, day in LoanContractRate.objects.filter(contract__in=contracts)
        .order_by("contract_id", "effective_from")
        .values_list("contract_id", "effective_from")
    }
    for contract in contracts.order_by("number"):
        if contract.disbursed_on >= effective_from:
            result.skipped.append((contract.number, "จ่ายเงินกู้ตั้งแต่วันมีผล ใช้อัตราตามหลักเกณฑ์นี้แล้ว"))
            continue
        if latest.get(contract.pk) is not None and latest[contract.pk] >= effective_from:
            result.skipped.append(
                (contract.number, f"มีอัตราที่มีผลตั้งแต่ {format_be_date(latest[contract.pk])} แล้ว")
            )
            continue
        if rate_on(contract, effective_from) == version.annual_rate:
            result.skipped.append((contract.number, f"อัตราเดิมร้อยละ {pct(version.annual_rate)} อยู่แล้ว"))
            continue
        change = loan_rate_change(
            contract=contract,
            annual_rate=version.annual_rate,
            effective_from=effective_from,
            by=by,
            installment_policy=installment_policy,
            reason=version.note or f"หลักเกณฑ์ประเภท {product.code} ที่มีผล {format_be_date(effective_from)}",
        )
        result.changed.append(contract.number)
        if change.charged_beyond:
            result.charged_beyond.append((contract.number, contract.interest_paid_to))
    return result
