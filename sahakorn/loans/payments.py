"""Loan repayments (รับชำระเงินกู้): payments, prepayments, payoff, rate changes, reversals, arrears.

Every payment pays the interest to the day first (from ``interest_paid_to`` to the payment date,
actual/365, the product's interest rounding), then principal. It is one PAYMENT row (principal −,
interest +) and ONE voucher: Dr cash|bank / Cr loan_<family> (principal, member-linked) / Cr
accrued_interest_<family> for the interest already accrued at month-end (see ``accrual.py``) /
Cr interest_income_<family> for the rest.

The pieces, for every caller that receives money on a contract:

- ``loan_payment_split(contract, amount, on)`` checks and divides an amount (interest, principal,
  the accrued part) and gives the voucher's credit lines;
- ``loan_payment_apply(split, entry, channel)`` records it once the caller's voucher is posted.

The counter (``loan_payment_record``) posts one voucher per payment; a refinancing loan nets the
old contract off inside its disbursement voucher; a share withdrawal settles loans inside its
own voucher (``loans/debts.py``). Monthly billing's receipt will post one voucher for a unit's
deductions with each contract's credit lines in it, and apply each split (channel ``payroll``).

Decisions worth knowing:

- A payment smaller than the interest due is refused (the interest is paid whole, so that
  ``interest_paid_to`` always means "paid up to that day"); monthly billing leaves the rest as
  arrears. A payment above interest + balance is refused too: the payoff figure is shown.
- A payment may not be dated before the contract's last accrual (its ``interest_to``): the
  accrued interest up to that day is settled by the next payment, in full.
- The contract's rate is one rate for every unpaid day; a rate change therefore takes effect the
  day after ``interest_paid_to`` (what a coop does: change from the 1st, after the month-end
  receipt), so no day is ever charged at the wrong rate.
- Only the latest movement of a contract can be reversed, and only a payment: reversing an
  older one would leave later interest computed on the wrong balance.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from sahakorn.core.money import ZERO, Rounding, has_more_than_two_places
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import JournalEntry
from sahakorn.ledger.selectors import fiscal_year_span
from sahakorn.ledger.services import Line, journal_entry_reverse
from sahakorn.loans import calc
from sahakorn.loans.errors import LoanError
from sahakorn.loans.events import loan_event_record
from sahakorn.loans.models import (
    ContractStatus,
    LoanContract,
    LoanEventKind,
    LoanProductRules,
    LoanTransaction,
    LoanTxKind,
    RepaymentStyle,
    ScheduledInstallment,
)
from sahakorn.loans.rules import baht
from sahakorn.loans.vouchers import loan_voucher_post

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

CHANNEL_ROLES = {"cash": "cash", "bank": "bank", "payroll": "bank"}
ONE_DAY = dt.timedelta(days=1)
CLOSED_REASON = "ปิดสัญญา"


# ======== Helpers ========


def interest_rounding_for(contract: LoanContract, on: dt.date) -> str:
    """The product's interest rounding in force ``on`` (the earliest version before any)."""
    rules = LoanProductRules.objects.filter(product_id=contract.product_id)
    version = rules.filter(effective_from__lte=on).order_by("-effective_from").first()
    version = version or rules.order_by("effective_from").first()
    return version.interest_rounding if version is not None else Rounding.SATANG_HALF_UP


def contract_rates(contract: LoanContract) -> list[calc.RatePeriod]:
    """The rate for every unpaid day: the contract's rate (see the module notes on rate changes)."""
    return [calc.RatePeriod(min(contract.disbursed_on, contract.interest_paid_to), contract.annual_rate)]


def interest_due(contract: LoanContract, on: dt.date) -> Decimal:
    """Interest on the balance for (interest_paid_to, on], with the product's rounding."""
    if on <= contract.interest_paid_to or not contract.principal_balance:
        return ZERO
    return calc.interest_between(
        principal=contract.principal_balance,
        start=contract.interest_paid_to,
        end=on,
        rates=contract_rates(contract),
        rounding=interest_rounding_for(contract, on),
    )


def accrued_unsettled(contract: LoanContract) -> tuple[Decimal, dt.date | None]:
    """Interest accrued at month-ends after ``interest_paid_to`` (not yet paid), and the last accrual day."""
    rows = LoanTransaction.objects.filter(
        contract=contract, kind=LoanTxKind.ACCRUAL, interest_to__gt=contract.interest_paid_to
    )
    total = ZERO
    last = None
    for interest, interest_to in rows.values_list("interest", "interest_to"):
        total += interest
        last = interest_to if last is None or interest_to > last else last
    return total, last


def _locked(contract: LoanContract) -> LoanContract:
    return (
        LoanContract.objects.select_for_update(of=("self",))
        .select_related("product", "member")
        .get(pk=contract.pk)
    )


def _checked_amount(amount) -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise LoanError("จำนวนเงินต้องเป็นตัวเลข", field="amount")
    amount = Decimal(amount)
    if not amount.is_finite() or has_more_than_two_places(amount):
        raise LoanError("จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง", field="amount")
    if amount <= 0:
        raise LoanError("จำนวนเงินต้องมากกว่า 0", field="amount")
    return amount


def _credit(account: str, amount: Decimal, **kwargs) -> Line:
    """A credit of ``amount``; a negative amount becomes a debit (a satang of accrual rounding)."""
    if amount >= 0:
        return Line(account=account, credit=amount, **kwargs)
    return Line(account=account, debit=-amount, **kwargs)


# ======== Payments ========


@dataclass(frozen=True)
class PaymentSplit:
    """How an amount received on a contract divides: interest to ``on`` first, then principal.

    ``accrued`` is the part of the interest already accrued at month-ends (it settles the
    accrued-interest account; only the rest is new income).
    """

    contract: LoanContract
    on: dt.date
    amount: Decimal
    interest: Decimal
    principal: Decimal
    accrued: Decimal

    def credit_lines(self, *, memo: str = "") -> list[Line]:
        """The voucher's credit side (the caller adds the debit: cash, bank, a new loan, shares)."""
        contract, member_id = self.contract, self.contract.member_id
        lines = []
        if self.principal:
            lines.append(
                Line(account=contract.product.gl_role, credit=self.principal, member_id=member_id, memo=memo)
            )
        if self.accrued:
            lines.append(
                Line(account=f"accrued_interest_{contract.product.family}", credit=self.accrued, member_id=member_id,
                     memo=memo)
            )  # fmt: skip
        if self.interest - self.accrued:
            lines.append(
                _credit(contract.product.interest_income_role, self.interest - self.accrued, member_id=member_id,
                        memo=memo)
            )  # fmt: skip
        return lines


def loan_payment_split(*, contract: LoanContract, amount: Decimal, on: dt.date) -> PaymentSplit:
    """Divide ``amount`` received on ``on`` (the contract locked by the caller); refused with the reason
    when the contract is closed, the date is before what is already paid or accrued, the amount does
    not cover the interest to the day, or it is more than the payoff."""
    if contract.status != ContractStatus.ACTIVE:
        raise LoanError(f"สัญญา {contract.number} ปิดแล้ว รับชำระไม่ได้", field="contract")
    if on < contract.interest_paid_to:
        raise LoanError(
            f"วันที่ชำระ {format_be_date(on)} อยู่ก่อนวันที่คิดดอกเบี้ยถึงแล้ว "
            f"({format_be_date(contract.interest_paid_to)})",
            field="on",
        )
    accrued, accrued_to = accrued_unsettled(contract)
    if accrued_to is not None and on < accrued_to:
        raise LoanError(
            f"วันที่ชำระ {format_be_date(on)} อยู่ก่อนวันที่ตั้งดอกเบี้ยค้างรับไว้แล้ว ({format_be_date(accrued_to)})",
            field="on",
        )
    interest = interest_due(contract, on)
    if amount < interest:
        raise LoanError(
            f"จำนวนเงิน {baht(amount)} บาท น้อยกว่าดอกเบี้ยถึงวันที่ {format_be_date(on)} "
            f"{baht(interest)} บาท: ต้องชำระดอกเบี้ยให้ครบก่อน",
            field="amount",
        )
    principal = amount - interest
    if principal > contract.principal_balance:
        raise LoanError(
            f"ชำระเกินยอดหนี้: ยอดปิดบัญชี ณ วันที่ {format_be_date(on)} คือ "
            f"{baht(contract.principal_balance + interest)} บาท (เงินต้น {baht(contract.principal_balance)} "
            f"ดอกเบี้ย {baht(interest)}) แต่รับ {baht(amount)} บาท",
            field="amount",
        )
    return PaymentSplit(
        contract=contract, on=on, amount=amount, interest=interest, principal=principal, accrued=accrued
    )


def loan_payment_apply(
    split: PaymentSplit,
    *,
    entry: JournalEntry,
    channel: str,
    by: User | None,
    memo: str = "",
    kind: str = LoanTxKind.PAYMENT,
) -> LoanTransaction:
    """Record a split whose voucher is posted: the transaction row, the contract's balance and
    ``interest_paid_to``, and closing (with its event) when nothing is left."""
    contract, on = split.contract, split.on
    row = LoanTransaction.objects.create(
        contract=contract,
        date=on,
        kind=kind,
        channel=channel,
        principal=-split.principal,
        interest=split.interest,
        interest_from=contract.interest_paid_to,
        interest_to=on,
        journal_entry=entry,
        memo=memo[:200],
        created_by=by,
    )
    contract.principal_balance -= split.principal
    contract.interest_paid_to = on
    fields = ["principal_balance", "interest_paid_to"]
    if not contract.principal_balance:
        contract.status, contract.closed_on = ContractStatus.CLOSED, on
        fields += ["status", "closed_on"]
        # A paid-off contract binds its guarantors no more (their limits count live guarantees).
        contract.guarantees.filter(ended_on__isnull=True).update(ended_on=on, end_reason=CLOSED_REASON)
        loan_event_record(
            kind=LoanEventKind.CLOSED,
            member=contract.member,
            contract=contract,
            on=on,
            message=f"สัญญาเงินกู้ {contract.number} ชำระครบและปิดบัญชีแล้ว เมื่อ {format_be_date(on)}",
        )
    contract.save(update_fields=fields)
    return row


@transaction.atomic
def loan_payment_record(
    *, contract: LoanContract, amount: Decimal, on: dt.date, channel: str, by: User | None, memo: str = ""
) -> LoanTransaction:
    """Receive ``amount`` on a contract: interest to ``on`` first, then principal (see the module notes)."""
    amount = _checked_amount(amount)
    if channel not in CHANNEL_ROLES:
        raise LoanError(f"ช่องทาง “{channel}” ใช้ไม่ได้ (ใช้ได้: cash, bank, payroll)", field="channel")
    contract = _locked(contract)
    split = loan_payment_split(contract=contract, amount=amount, on=on)
    entry = loan_voucher_post(
        on=on,
        description=f"รับชำระเงินกู้ สัญญา {contract.number} {contract.member.number} "
        f"เงินต้น {baht(split.principal)} ดอกเบี้ย {baht(split.interest)}",
        lines=[
            Line(account=CHANNEL_ROLES[channel], debit=amount, member_id=contract.member_id),
            *split.credit_lines(),
        ],
        by=by,
    )
    return loan_payment_apply(split, entry=entry, channel=channel, by=by, memo=memo)


def loan_prepay(
    *, contract: LoanContract, amount: Decimal, on: dt.date, channel: str, by: User | None, memo: str = ""
) -> LoanTransaction:
    """A partial prepayment (ชำระเพิ่ม/โปะ): a payment larger than the installment, same path."""
    return loan_payment_record(
        contract=contract, amount=amount, on=on, channel=channel, by=by, memo=memo or "ชำระคืนบางส่วนก่อนกำหนด"
    )


def loan_payoff_figures(*, contract: LoanContract, on: dt.date) -> tuple[Decimal, Decimal]:
    """(principal, interest to the day) that closes the contract on ``on`` (ยอดปิดบัญชี): what the
    counter quotes, what a payoff receives and what a refinancing loan nets off."""
    if on < contract.interest_paid_to:
        raise LoanError(
            f"วันที่ {format_be_date(on)} อยู่ก่อนวันที่คิดดอกเบี้ยถึงแล้วของสัญญา {contract.number} "
            f"({format_be_date(contract.interest_paid_to)})",
            field="on",
        )
    return calc.payoff_amount(
        principal=contract.principal_balance,
        last_interest_date=contract.interest_paid_to,
        payoff_date=on,
        rates=contract_rates(contract),
        rounding=interest_rounding_for(contract, on),
    )


@transaction.atomic
def loan_payoff(*, contract: LoanContract, on: dt.date, channel: str, by: User | None) -> LoanTransaction:
    """Close the contract on ``on``: principal + interest to the day (ปิดบัญชีเงินกู้)."""
    contract = _locked(contract)
    if contract.status != ContractStatus.ACTIVE or not contract.principal_balance:
        raise LoanError(f"สัญญา {contract.number} ปิดแล้ว", field="contract")
    if on < contract.interest_paid_to:
        raise LoanError(f"วันที่ปิดบัญชี {format_be_date(on)} อยู่ก่อนวันที่คิดดอกเบี้ยถึงแล้ว", field="on")
    principal, interest = loan_payoff_figures(contract=contract, on=on)
    return loan_payment_record(
        contract=contract, amount=principal + interest, on=on, channel=channel, by=by, memo="ปิดบัญชีเงินกู้"
    )


# ======== Rate change ========


@transaction.atomic
def loan_rate_change(
    *, contract: LoanContract, annual_rate: Decimal, effective_from: dt.date, by: User | None
) -> list[ScheduledInstallment]:
    """Change the contract's rate from ``effective_from``, keeping the installment (the principal part moves).

    The unpaid schedule rows (due after ``interest_paid_to``) are marked superseded and the rest of
    the schedule is re-stored from ``calc.reschedule_after_rate_change`` (equal installment) or
    with the same principal parts and new interest (equal principal). Returns the new rows.
    """
    contract = _locked(contract)
    if contract.status != ContractStatus.ACTIVE:
        raise LoanError(f"สัญญา {contract.number} ปิดแล้ว", field="contract")
    if not isinstance(annual_rate, Decimal) or annual_rate < 0:
        raise LoanError("อัตราดอกเบี้ยต้องเป็นตัวเลขไม่ติดลบ", field="annual_rate")
    if effective_from != contract.interest_paid_to + ONE_DAY:
        raise LoanError(
            f"อัตราใหม่ต้องมีผลวันถัดจากวันที่คิดดอกเบี้ยถึงแล้ว ({format_be_date(contract.interest_paid_to + ONE_DAY)}): "
            "รับชำระดอกเบี้ยถึงวันก่อนวันมีผลก่อนเปลี่ยนอัตรา",
            field="effective_from",
        )
    remaining = list(
        ScheduledInstallment.objects.filter(
            contract=contract, superseded_at__isnull=True, due_date__gt=contract.interest_paid_to
        ).order_by("number")
    )
    rounding = interest_rounding_for(contract, effective_from)
    contract.annual_rate = annual_rate
    contract.save(update_fields=["annual_rate"])
    if not remaining:
        return []
    due_dates = [row.due_date for row in remaining]
    rates = [calc.RatePeriod(contract.interest_paid_to, annual_rate)]
    if contract.repayment_style == RepaymentStyle.EQUAL_INSTALLMENT:
        try:
            new = calc.reschedule_after_rate_change(
                balance=contract.principal_balance,
                payment=contract.installment_amount,
                rates=rates,
                last_interest_date=contract.interest_paid_to,
                due_dates=due_dates,
                first_number=remaining[0].number,
                interest_rounding=rounding,
            )
        except ValueError as e:
            raise LoanError(str(e), field="annual_rate") from e
    else:
        new, balance, previous = [], contract.principal_balance, contract.interest_paid_to
        for k, old in enumerate(remaining):
            part = balance if k == len(remaining) - 1 else min(old.principal, balance)
            interest = calc.interest_between(
                principal=balance, start=previous, end=old.due_date, rates=rates, rounding=rounding
            )
            new.append(calc._row(old.number, previous, old.due_date, balance, part, interest))
            balance, previous = balance - part, old.due_date
            if not balance:
                break
    ScheduledInstallment.objects.filter(pk__in=[row.pk for row in remaining]).update(
        superseded_at=timezone.now()
    )
    return ScheduledInstallment.objects.bulk_create(
        ScheduledInstallment(
            contract=contract,
            number=row.number,
            due_date=row.due_date,
            principal=row.principal,
            interest=row.interest,
            payment=row.payment,
            closing_balance=row.closing_balance,
        )
        for row in new
    )


@dataclass
class RateChangeResult:
    product_code: str
    annual_rate: Decimal
    effective_from: dt.date
    changed: list[str]
    skipped: list[tuple[str, str]]  # (contract number, why)


@transaction.atomic
def loan_product_rate_apply(*, product, effective_from: dt.date, by: User | None) -> RateChangeResult:
    """Apply the rate of the product's rules version that starts on ``effective_from`` to its active
    contracts (มติเปลี่ยนอัตราดอกเบี้ยเงินกู้คงค้าง), each through ``loan_rate_change``.

    A contract whose interest is not paid up to the day before is skipped and listed: its unpaid
    days would otherwise be charged at the new rate (see the module notes). Running it again
    changes only what is still at another rate.
    """
    version = LoanProductRules.objects.filter(product=product, effective_from=effective_from).first()
    if version is None:
        raise LoanError(
            f"ประเภทเงินกู้ {product} ไม่มีหลักเกณฑ์ที่มีผลวันที่ {format_be_date(effective_from)}: "
            "เพิ่มหลักเกณฑ์ (อัตราใหม่) ก่อน",
            field="effective_from",
        )
    result = RateChangeResult(product.code, version.annual_rate, effective_from, [], [])
    contracts = LoanContract.objects.filter(product=product, status=ContractStatus.ACTIVE).exclude(
        annual_rate=version.annual_rate
    )
    for contract in contracts.order_by("number"):
        if contract.interest_paid_to + ONE_DAY != effective_from:
            result.skipped.append(
                (contract.number, f"คิดดอกเบี้ยถึง {format_be_date(contract.interest_paid_to)} ยังไม่ถึงวันก่อนวันมีผล")
            )
            continue
        loan_rate_change(
            contract=contract, annual_rate=version.annual_rate, effective_from=effective_from, by=by
        )
        result.changed.append(contract.number)
    return result


# ======== Reversal ========


def _reversible(original: LoanTransaction, contract: LoanContract) -> None:
    if original.kind != LoanTxKind.PAYMENT:
        raise LoanError(f"กลับรายการได้เฉพาะรายการรับชำระ (รายการนี้: {original.get_kind_display()})")
    if LoanTransaction.objects.filter(reverses=original).exists():
        raise LoanError("รายการนี้ถูกกลับรายการแล้ว กลับซ้ำไม่ได้")
    if LoanTransaction.objects.filter(contract=contract, pk__gt=original.pk).exists():
        raise LoanError(f"สัญญา {contract.number} มีรายการหลังรายการนี้แล้ว: กลับรายการได้เฉพาะรายการล่าสุดของสัญญา")


def loan_payment_unapply(
    original: LoanTransaction, *, entry: JournalEntry, on: dt.date, reason: str, by: User | None
) -> LoanTransaction:
    """Undo a payment whose voucher ``entry`` already reverses it (the caller reversed it): the
    REVERSAL row, the balance and ``interest_paid_to`` restored, a closed contract reopened."""
    contract = _locked(original.contract)
    _reversible(original, contract)
    row = LoanTransaction.objects.create(
        contract=contract,
        date=on,
        kind=LoanTxKind.REVERSAL,
        channel=original.channel,
        principal=-original.principal,
        interest=-original.interest,
        interest_from=original.interest_from,
        interest_to=original.interest_to,
        journal_entry=entry,
        reverses=original,
        memo=(reason or "")[:200],
        created_by=by,
    )
    if contract.status == ContractStatus.CLOSED:
        # Reopened: the guarantees that ended with the payoff bind again.
        contract.guarantees.filter(ended_on=contract.closed_on, end_reason=CLOSED_REASON).update(
            ended_on=None, end_reason=""
        )
    contract.principal_balance -= original.principal
    contract.interest_paid_to = original.interest_from
    contract.status, contract.closed_on = ContractStatus.ACTIVE, None
    contract.save(update_fields=["principal_balance", "interest_paid_to", "status", "closed_on"])
    return row


@transaction.atomic
def loan_transaction_reverse(
    *, transaction_row: LoanTransaction, on: dt.date, reason: str, by: User | None
) -> LoanTransaction:
    """Reverse a payment (กลับรายการ): a REVERSAL row, the voucher reversed, the balance and
    ``interest_paid_to`` restored (a closed contract reopens). Only the contract's latest movement;
    a settlement from shares is reversed with the share withdrawal, not here."""
    original = LoanTransaction.objects.select_related("journal_entry").get(pk=transaction_row.pk)
    _reversible(original, _locked(original.contract))
    if original.channel == "shares":
        raise LoanError("รายการนี้หักชำระจากหุ้นเมื่อพ้นสมาชิกภาพ: ให้กลับรายการถอนหุ้นที่งานทุนเรือนหุ้น")
    if not (reason or "").strip():
        raise LoanError("กรุณาระบุเหตุผลที่กลับรายการ", field="reason")
    try:
        entry = journal_entry_reverse(entry=original.journal_entry, date=on, reason=reason, reversed_by=by)
    except LedgerError as e:
        raise LoanError(e.message) from e
    return loan_payment_unapply(original, entry=entry, on=on, reason=reason, by=by)


# ======== Arrears ========

_REPAYMENT_KINDS = (LoanTxKind.PAYMENT, LoanTxKind.REVERSAL, LoanTxKind.NETTING)


def loan_arrears(*, contract: LoanContract, as_of: dt.date) -> tuple[int, Decimal]:
    """(installments missed in the fiscal year of ``as_of``, principal overdue on ``as_of``).

    An installment is missed when, on its due date, the principal repaid so far (payments,
    reversals, netting dated up to that day) is below the scheduled principal through it.
    """
    start = fiscal_year_span(on=as_of)[0]
    rows = list(
        ScheduledInstallment.objects.filter(
            contract=contract, superseded_at__isnull=True, due_date__lte=as_of
        )
        .order_by("due_date", "number")
        .values_list("due_date", "principal")
    )
    repaid = list(
        LoanTransaction.objects.filter(contract=contract, kind__in=_REPAYMENT_KINDS, date__lte=as_of)
        .order_by("date")
        .values_list("date", "principal")
    )

    def paid_by(day: dt.date) -> Decimal:
        return -sum((p for d, p in repaid if d <= day), ZERO)

    scheduled, missed = ZERO, 0
    for due, principal in rows:
        scheduled += principal
        if due >= start and paid_by(due) < scheduled:
            missed += 1
    return missed, max(scheduled - paid_by(as_of), ZERO)


def members_missed_installments(*, fiscal_year_start: dt.date, fiscal_year_end: dt.date) -> dict[int, int]:
    """{member_id: installments missed in the year} for every member with one (set-based, one query)."""
    sql = """
    SELECT c.member_id, COUNT(*)
    FROM loans_scheduledinstallment s
    JOIN loans_loancontract c ON c.id = s.contract_id
    WHERE s.superseded_at IS NULL AND s.due_date >= %(start)s AND s.due_date <= %(end)s
      AND (SELECT SUM(ROUND(s2.principal * 100)) FROM loans_scheduledinstallment s2
           WHERE s2.contract_id = s.contract_id AND s2.superseded_at IS NULL AND s2.due_date <= s.due_date)
        > COALESCE((SELECT -SUM(ROUND(t.principal * 100)) FROM loans_loantransaction t
           WHERE t.contract_id = s.contract_id AND t.kind IN (%(payment)s, %(reversal)s, %(netting)s)
             AND t.date <= s.due_date), 0)
    GROUP BY c.member_id
    """
    params = {
        "start": fiscal_year_start,
        "end": fiscal_year_end,
        "payment": LoanTxKind.PAYMENT.value,
        "reversal": LoanTxKind.REVERSAL.value,
        "netting": LoanTxKind.NETTING.value,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {member_id: int(count) for member_id, count in cursor.fetchall()}


def contract_principal_paid(contract: LoanContract) -> Decimal:
    total = LoanTransaction.objects.filter(contract=contract, kind__in=_REPAYMENT_KINDS).aggregate(
        s=Sum("principal")
    )["s"]
    return -(total or ZERO)
