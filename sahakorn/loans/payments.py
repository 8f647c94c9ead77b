"""Loan repayments (รับชำระเงินกู้): payments, prepayments, payoff, reversals, interest refunds.

Every receipt collects, in this order: interest already in arrears (charged earlier, not covered),
the interest to the day (from ``interest_paid_to`` to the payment date, by the contract's rate
history, the product's day basis and interest rounding), then principal. It is one PAYMENT row
(principal −, interest received +, interest left in arrears ±) and ONE voucher:

    Dr cash | bank                                   the amount received
    Cr loan_<family>                                 principal (member-linked)
    Cr accrued_interest_<family>                     the interest accrued at month-ends it settles
    Cr interest_income_<family>                      the rest of the interest charged to the day
    Dr / Cr receivable_pending_interest              interest charged and not covered (Dr, member-
                                                     linked) or earlier such interest collected (Cr)

The pieces, for every caller that receives money on a contract:

- ``loan_payment_split(contract, amount, on)`` checks and divides an amount and gives the voucher's
  credit lines;
- ``loan_payment_apply(split, entry, channel)`` records it once the caller's voucher is posted.

The counter (``loan_payment_record``) posts one voucher per payment; a refinancing loan nets the
old contract off inside its disbursement voucher; a share withdrawal settles loans inside its
own voucher, and billing's receipt puts each contract's credit lines in its voucher for a unit's
deductions (channel ``payroll``): both through ``loans/debts.py::ContractReceipt``.

Decisions worth knowing:

- A receipt smaller than the interest due is received (payroll deductions sometimes don't cover
  the month's interest): the interest is charged to the day all the same, so ``interest_paid_to``
  means "interest charged up to that day", and what was not covered stays in
  ``interest_arrears`` (ดอกเบี้ยค้างชำระ), collected first next time. No interest runs on it.
- A payment above arrears + interest + balance is refused: the payoff figure is shown.
- A payment dated before a month-end accrual already posted (received late, a share settlement
  dated the day the member left) is taken on its own date: the later accruals are reversed and
  posted again from the new balance (``batch.py``), so the GL agrees on every day.
- Only the latest movement of a contract other than month-end accruals can be reversed (a payment,
  an interest refund): reversing an older one would leave later interest computed on the wrong
  balance. Accruals posted after it are recomputed.
- Nothing here is dated after today (``core.dates.refuse_future``): a payment dated ahead would move
  ``interest_paid_to`` past today and refuse every later payment dated today.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from sahakorn.core.dates import refuse_future
from sahakorn.core.money import ZERO, baht, has_more_than_two_places
from sahakorn.core.subledger import refuse_reversing_a_billing_row
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.ledger.services import Line, journal_entry_reverse, voucher_post
from sahakorn.loans import calc
from sahakorn.loans.batch import contract_accruals_repost, contract_accruals_reverse
from sahakorn.loans.errors import LoanError
from sahakorn.loans.events import loan_event_record
from sahakorn.loans.interest import (
    accrued_unsettled,
    contract_rates,
    interest_due,
    interest_terms,
)
from sahakorn.loans.models import (
    ContractStatus,
    LoanContract,
    LoanEventKind,
    LoanTransaction,
    LoanTxKind,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

CHANNEL_ROLES = {"cash": "cash", "bank": "bank", "payroll": "bank"}
REFUND_CHANNELS = {"cash": "cash", "bank": "bank"}
ONE_DAY = dt.timedelta(days=1)
CLOSED_REASON = "ปิดสัญญา"
INTEREST_DUE_ROLE = "receivable_pending_interest"
# Kinds that receive money on a contract (or give it back): what "paid" means for interest.
INTEREST_PAID_KINDS = (LoanTxKind.PAYMENT, LoanTxKind.NETTING, LoanTxKind.REVERSAL, LoanTxKind.REFUND)


# ======== Helpers ========


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
    """How an amount received on a contract on ``on`` divides (see the module notes).

    ``charged``: the interest for (interest_paid_to, on]; ``accrued``: the part of it already
    accrued at month-ends (it settles the accrued-interest account; only the rest is new income);
    ``arrears_collected``: interest in arrears from before that this receipt pays;
    ``current_paid``: the part of ``charged`` it pays; ``interest`` = the two together (received);
    ``arrears_raised``: the part of ``charged`` left unpaid. The month-end accruals for periods
    ending after ``on`` are reversed and posted again when the split is applied.
    """

    contract: LoanContract
    on: dt.date
    amount: Decimal
    charged: Decimal
    accrued: Decimal
    arrears_collected: Decimal
    current_paid: Decimal
    principal: Decimal

    @property
    def interest(self) -> Decimal:
        return self.arrears_collected + self.current_paid

    @property
    def arrears_raised(self) -> Decimal:
        return self.charged - self.current_paid

    @property
    def arrears_change(self) -> Decimal:
        """What this receipt leaves in ``interest_arrears`` minus what was there (+ more, − less)."""
        return self.arrears_raised - self.arrears_collected

    def credit_lines(self, *, memo: str = "") -> list[Line]:
        """The voucher's credit side (the caller adds the debit: cash, bank, a new loan, shares)."""
        contract, member_id = self.contract, self.contract.member_id
        family = contract.product.family
        lines = []
        if self.principal:
            lines.append(
                Line(account=contract.product.gl_role, credit=self.principal, member_id=member_id, memo=memo)
            )
        if self.accrued:
            lines.append(_credit(f"accrued_interest_{family}", self.accrued, member_id=member_id, memo=memo))
        if self.charged - self.accrued:
            lines.append(
                _credit(contract.product.interest_income_role, self.charged - self.accrued, member_id=member_id,
                        memo=memo)
            )  # fmt: skip
        if self.arrears_change:
            lines.append(_credit(INTEREST_DUE_ROLE, -self.arrears_change, member_id=member_id, memo=memo))
        return lines


def loan_receipt_refusals(contract: LoanContract, on: dt.date) -> None:
    """A contract receives nothing once closed, nor dated before the interest already charged."""
    if contract.status != ContractStatus.ACTIVE:
        raise LoanError(f"สัญญา {contract.number} ปิดแล้ว รับชำระไม่ได้", field="contract")
    if on < contract.interest_paid_to:
        raise LoanError(
            f"วันที่ชำระ {format_be_date(on)} อยู่ก่อนวันที่คิดดอกเบี้ยถึงแล้ว "
            f"({format_be_date(contract.interest_paid_to)})",
            field="on",
        )


def loan_payment_split(*, contract: LoanContract, amount: Decimal, on: dt.date) -> PaymentSplit:
    """Divide ``amount`` received on ``on`` (the contract locked by the caller); refused with the reason
    when the contract is closed, the date is before the interest already charged, or the amount is
    more than the payoff."""
    loan_receipt_refusals(contract, on)
    accrued, _ = accrued_unsettled(contract, up_to=on)
    charged = interest_due(contract, on)
    arrears = contract.interest_arrears
    if amount - arrears - charged > contract.principal_balance:
        due = arrears + charged
        raise LoanError(
            f"ชำระเกินยอดหนี้: ยอดปิดบัญชี ณ วันที่ {format_be_date(on)} คือ "
            f"{baht(contract.principal_balance + due)} บาท (เงินต้น {baht(contract.principal_balance)} "
            f"ดอกเบี้ย {baht(due)}) แต่รับ {baht(amount)} บาท",
            field="amount",
        )
    collected = min(amount, arrears)
    current = min(amount - collected, charged)
    return PaymentSplit(
        contract=contract,
        on=on,
        amount=amount,
        charged=charged,
        accrued=accrued,
        arrears_collected=collected,
        current_paid=current,
        principal=amount - collected - current,
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
    """Record a split whose voucher is posted: the transaction row, the contract's balance, arrears
    and ``interest_paid_to``, closing (with its event) when nothing is left, and the month-end
    accruals after the payment day recomputed."""
    contract, on = split.contract, split.on
    period_ends = contract_accruals_reverse(contract=contract, after=on, booked_on=on, by=by)
    row = LoanTransaction.objects.create(
        contract=contract,
        date=on,
        kind=kind,
        channel=channel,
        principal=-split.principal,
        interest=split.interest,
        interest_arrears=split.arrears_change,
        interest_from=contract.interest_paid_to,
        interest_to=on,
        journal_entry=entry,
        memo=memo[:200],
        created_by=by,
    )
    contract.principal_balance -= split.principal
    contract.interest_arrears += split.arrears_change
    contract.interest_paid_to = on
    fields = ["principal_balance", "interest_arrears", "interest_paid_to"]
    if not contract.principal_balance and not contract.interest_arrears:
        contract.status, contract.closed_on = ContractStatus.CLOSED, on
        fields += ["status", "closed_on"]
        # A paid-off contract binds its guarantors no more (their limits count live guarantees).
        contract.guarantees.filter(ended_on__isnull=True).update(ended_on=on, end_reason=CLOSED_REASON)
        loan_event_record(
            kind=LoanEventKind.CLOSED,
            member=contract.member,
            contract=contract,
            on=on,
            message=contract_closed_message(contract, on),
        )
    contract.save(update_fields=fields)
    contract_accruals_repost(contract=contract, period_ends=period_ends, booked_on=on, by=by)
    return row


def contract_closed_message(contract: LoanContract, on: dt.date) -> str:
    """The event a paid-off contract writes (the member is told their loan is closed)."""
    return f"สัญญาเงินกู้ {contract.number} ชำระครบและปิดบัญชีแล้ว เมื่อ {format_be_date(on)}"


def _payment_description(contract: LoanContract, split: PaymentSplit) -> str:
    text = (
        f"รับชำระเงินกู้ สัญญา {contract.number} {contract.member.number} "
        f"เงินต้น {baht(split.principal)} ดอกเบี้ย {baht(split.interest)}"
    )
    if split.arrears_raised:
        text += f" ดอกเบี้ยค้างชำระ {baht(split.arrears_raised)}"
    return text


@transaction.atomic
def loan_payment_record(
    *, contract: LoanContract, amount: Decimal, on: dt.date, channel: str, by: User | None, memo: str = ""
) -> LoanTransaction:
    """Receive ``amount`` on a contract: arrears, interest to ``on``, then principal (see the module notes)."""
    refuse_future(on, what="การรับชำระเงินกู้", error=LoanError, field="on")
    amount = _checked_amount(amount)
    if channel not in CHANNEL_ROLES:
        raise LoanError(f"ช่องทาง “{channel}” ใช้ไม่ได้ (ใช้ได้: cash, bank, payroll)", field="channel")
    contract = _locked(contract)
    split = loan_payment_split(contract=contract, amount=amount, on=on)
    entry = voucher_post(
        source=EntrySource.LOANS,
        on=on,
        description=_payment_description(contract, split),
        lines=[
            Line(account=CHANNEL_ROLES[channel], debit=amount, member_id=contract.member_id),
            *split.credit_lines(),
        ],
        by=by,
        error=LoanError,
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
    """(principal, interest) that closes the contract on ``on`` (ยอดปิดบัญชี): the interest is what is
    in arrears plus the interest to the day. What the counter quotes, what a payoff receives and
    what a refinancing loan nets off."""
    if on < contract.interest_paid_to:
        raise LoanError(
            f"วันที่ {format_be_date(on)} อยู่ก่อนวันที่คิดดอกเบี้ยถึงแล้วของสัญญา {contract.number} "
            f"({format_be_date(contract.interest_paid_to)})",
            field="on",
        )
    if not contract.principal_balance:
        return ZERO, contract.interest_arrears
    terms = interest_terms(contract, on)
    principal, interest = calc.payoff_amount(
        principal=contract.principal_balance,
        last_interest_date=contract.interest_paid_to,
        payoff_date=on,
        rates=contract_rates(contract),
        rounding=terms.rounding,
        day_basis=terms.day_basis,
    )
    return principal, contract.interest_arrears + interest


@transaction.atomic
def loan_payoff(*, contract: LoanContract, on: dt.date, channel: str, by: User | None) -> LoanTransaction:
    """Close the contract on ``on``: principal + interest in arrears + interest to the day (ปิดบัญชีเงินกู้)."""
    refuse_future(on, what="การปิดบัญชีเงินกู้", error=LoanError, field="on")
    contract = _locked(contract)
    if contract.status != ContractStatus.ACTIVE:
        raise LoanError(f"สัญญา {contract.number} ปิดแล้ว", field="contract")
    if on < contract.interest_paid_to:
        raise LoanError(f"วันที่ปิดบัญชี {format_be_date(on)} อยู่ก่อนวันที่คิดดอกเบี้ยถึงแล้ว", field="on")
    principal, interest = loan_payoff_figures(contract=contract, on=on)
    return loan_payment_record(
        contract=contract, amount=principal + interest, on=on, channel=channel, by=by, memo="ปิดบัญชีเงินกู้"
    )


# ======== Interest refund (ดอกเบี้ยคืน) ========


def contract_interest_received(contract: LoanContract, *, up_to: dt.date | None = None) -> Decimal:
    """Interest received on the contract (by ``up_to``), net of reversals and refunds."""
    rows = LoanTransaction.objects.filter(contract_id=contract.pk, kind__in=INTEREST_PAID_KINDS)
    if up_to is not None:
        rows = rows.filter(date__lte=up_to)
    # A few rows per contract, summed exactly here (SQLite would sum decimals as floats).
    return sum(rows.values_list("interest", flat=True), ZERO)


@transaction.atomic
def loan_interest_refund(
    *, contract: LoanContract, amount: Decimal, on: dt.date, channel: str, reason: str, by: User | None
) -> LoanTransaction:
    """Give interest back to the borrower (คืนดอกเบี้ย), e.g. interest billed to the month-end on a loan
    paid off earlier: a REFUND row (interest −) and its voucher Dr interest_income_<family> /
    Cr cash|bank. At most the interest received on the contract; the average return counts it
    against the fiscal year of its date."""
    refuse_future(on, what="การคืนดอกเบี้ย", error=LoanError, field="on")
    amount = _checked_amount(amount)
    if channel not in REFUND_CHANNELS:
        raise LoanError(f"ช่องทาง “{channel}” ใช้ไม่ได้ (ใช้ได้: cash, bank)", field="channel")
    reason = (reason or "").strip()
    if not reason:
        raise LoanError("กรุณาระบุเหตุผลที่คืนดอกเบี้ย", field="reason")
    contract = _locked(contract)
    if on < contract.disbursed_on:
        raise LoanError("วันที่คืนดอกเบี้ยต้องไม่ก่อนวันที่จ่ายเงินกู้", field="on")
    # Only interest already received by the refund's date: a refund never makes a year's interest
    # paid negative.
    received = contract_interest_received(contract, up_to=on)
    if amount > received:
        raise LoanError(
            f"คืนดอกเบี้ย {baht(amount)} บาท เกินดอกเบี้ยที่รับจากสัญญา {contract.number} ถึงวันที่ "
            f"{format_be_date(on)} ({baht(received)} บาท)",
            field="amount",
        )
    entry = voucher_post(
        source=EntrySource.LOANS,
        on=on,
        description=f"คืนดอกเบี้ยเงินกู้ สัญญา {contract.number} {contract.member.number} {baht(amount)} บาท: {reason}",
        lines=[
            Line(account=contract.product.interest_income_role, debit=amount, member_id=contract.member_id),
            Line(account=REFUND_CHANNELS[channel], credit=amount, member_id=contract.member_id),
        ],
        by=by,
        error=LoanError,
    )
    row = LoanTransaction.objects.create(
        contract=contract,
        date=on,
        kind=LoanTxKind.REFUND,
        channel=channel,
        interest=-amount,
        journal_entry=entry,
        memo=reason[:200],
        created_by=by,
    )
    loan_event_record(
        kind=LoanEventKind.INTEREST_REFUNDED,
        member=contract.member,
        contract=contract,
        on=on,
        message=f"สหกรณ์คืนดอกเบี้ยสัญญาเงินกู้ {contract.number} จำนวน {baht(amount)} บาท "
        f"เมื่อ {format_be_date(on)} ({reason})",
    )
    return row


# ======== Reversal ========

REVERSIBLE_KINDS = (LoanTxKind.PAYMENT, LoanTxKind.REFUND)
_NOT_MOVEMENTS = (LoanTxKind.ACCRUAL, LoanTxKind.ACCRUAL_REVERSAL)


def _reversible(original: LoanTransaction, contract: LoanContract) -> None:
    if original.kind not in REVERSIBLE_KINDS:
        raise LoanError(f"กลับรายการได้เฉพาะรายการรับชำระหรือคืนดอกเบี้ย (รายการนี้: {original.get_kind_display()})")
    if LoanTransaction.objects.filter(reverses=original).exists():
        raise LoanError("รายการนี้ถูกกลับรายการแล้ว กลับซ้ำไม่ได้")
    later = LoanTransaction.objects.filter(contract=contract, pk__gt=original.pk).exclude(
        kind__in=_NOT_MOVEMENTS
    )
    if later.exists():
        raise LoanError(f"สัญญา {contract.number} มีรายการหลังรายการนี้แล้ว: กลับรายการได้เฉพาะรายการล่าสุดของสัญญา")


def loan_payment_unapply(
    original: LoanTransaction, *, entry: JournalEntry, on: dt.date, reason: str, by: User | None
) -> LoanTransaction:
    """Undo a payment (or refund) whose voucher ``entry`` already reverses it (the caller reversed it):
    the REVERSAL row, the balance, arrears and ``interest_paid_to`` restored, a closed contract
    reopened, and the month-end accruals posted after the payment recomputed."""
    contract = _locked(original.contract)
    _reversible(original, contract)
    row = LoanTransaction.objects.create(
        contract=contract,
        date=on,
        kind=LoanTxKind.REVERSAL,
        channel=original.channel,
        principal=-original.principal,
        interest=-original.interest,
        interest_arrears=-original.interest_arrears,
        interest_from=original.interest_from,
        interest_to=original.interest_to,
        journal_entry=entry,
        reverses=original,
        memo=(reason or "")[:200],
        created_by=by,
    )
    if original.kind == LoanTxKind.REFUND:
        return row
    period_ends = contract_accruals_reverse(
        contract=contract, after=original.interest_to, booked_on=on, by=by
    )
    if contract.status == ContractStatus.CLOSED:
        # Reopened: the guarantees that ended with the payoff bind again.
        contract.guarantees.filter(ended_on=contract.closed_on, end_reason=CLOSED_REASON).update(
            ended_on=None, end_reason=""
        )
    contract.principal_balance -= original.principal
    contract.interest_arrears -= original.interest_arrears
    contract.interest_paid_to = original.interest_from
    contract.status, contract.closed_on = ContractStatus.ACTIVE, None
    contract.save(
        update_fields=["principal_balance", "interest_arrears", "interest_paid_to", "status", "closed_on"]
    )
    contract_accruals_repost(contract=contract, period_ends=period_ends, booked_on=on, by=by)
    return row


@transaction.atomic
def loan_transaction_reverse(
    *, transaction_row: LoanTransaction, on: dt.date, reason: str, by: User | None
) -> LoanTransaction:
    """Reverse a payment or an interest refund (กลับรายการ): a REVERSAL row, the voucher reversed, the
    balance, arrears and ``interest_paid_to`` restored (a closed contract reopens), and the
    month-end accruals after the payment recomputed. Only the contract's latest movement other than
    accruals; a settlement from shares is reversed with the share withdrawal, not here."""
    refuse_future(on, what="การกลับรายการ", error=LoanError, field="on")
    original = LoanTransaction.objects.select_related("journal_entry").get(pk=transaction_row.pk)
    _reversible(original, _locked(original.contract))
    if original.channel == "shares":
        raise LoanError("รายการนี้หักชำระจากหุ้นเมื่อพ้นสมาชิกภาพ: ให้กลับรายการถอนหุ้นที่งานทุนเรือนหุ้น")
    refuse_reversing_a_billing_row(original.journal_entry, error=LoanError)
    if not (reason or "").strip():
        raise LoanError("กรุณาระบุเหตุผลที่กลับรายการ", field="reason")
    if on < original.date:
        raise LoanError("วันที่กลับรายการต้องไม่ก่อนวันที่ของรายการเดิม", field="on")
    try:
        entry = journal_entry_reverse(entry=original.journal_entry, date=on, reason=reason, reversed_by=by)
    except LedgerError as e:
        raise LoanError(e.message) from e
    return loan_payment_unapply(original, entry=entry, on=on, reason=reason, by=by)
