"""A leaving member's loans settled from their shares (หักชำระหนี้เงินกู้จากหุ้น เมื่อพ้นสมาชิกภาพ).

The share withdrawal (``shares.services.share_request_approve``) asks every registered provider
for the member's debts. This one gives each active contract, emergency before ordinary before
special (the order the coop collects in), as principal plus interest in arrears and to the day of
leaving; when the shares take it, the credit side is the same split a counter payment makes
(arrears and interest first, accrued interest settled) and the settlement is a PAYMENT on the contract (channel ``shares``), so the
loan sub-ledger, the contract and the GL move together in the withdrawal's one voucher.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from sahakorn.core.subledger import DebtSettlementError, MemberDebt
from sahakorn.core.thai import format_be_date
from sahakorn.loans.errors import LoanError
from sahakorn.loans.models import ContractStatus, LoanContract, LoanFamily, LoanTransaction, LoanTxKind
from sahakorn.loans.payments import (
    PaymentSplit,
    loan_payment_apply,
    loan_payment_split,
    loan_payment_unapply,
    loan_payoff_figures,
)

# The loan accounts and the interest in arrears are the contracts' own (the GL default must not
# report them a second time).
LOAN_ROLES = (*(f"loan_{family}" for family in LoanFamily.values), "receivable_pending_interest")
_FAMILY_ORDER = {family: k for k, family in enumerate(LoanFamily.values)}


def _settlement_day(contract: LoanContract, on: dt.date) -> dt.date:
    # Interest runs to the day the member left, the day the withdrawal's voucher is dated: month-end
    # accruals posted after it are recomputed by the payment. A receipt dated after that day (payroll
    # deducted before the coop knew) is shown to that day, and must be reversed before settling.
    return max(on, contract.interest_paid_to)


class _ContractDebt:
    """One contract as a debt; ``credit_lines`` locks and splits, ``settle`` records that split."""

    def __init__(self, contract: LoanContract, day: dt.date, left_on: dt.date) -> None:
        self.contract_id = contract.pk
        self.day = day
        self.left_on = left_on
        self.split: PaymentSplit | None = None

    def credit_lines(self, amount: Decimal) -> list:
        contract = (
            LoanContract.objects.select_for_update(of=("self",))
            .select_related("product", "member")
            .get(pk=self.contract_id)
        )
        if contract.interest_paid_to > self.left_on:
            # The settlement is the withdrawal's, dated the day the member left; a receipt dated later
            # would have the loan's own row dated after its voucher.
            raise DebtSettlementError(
                f"สัญญา {contract.number} มีรายการรับชำระลงวันที่ {format_be_date(contract.interest_paid_to)} "
                f"หลังวันพ้นสมาชิกภาพ ({format_be_date(self.left_on)}): กลับรายการรับชำระนั้นก่อน "
                "แล้วจึงหักชำระหนี้จากหุ้น"
            )
        try:
            # Locked now: a payment recorded since the debts were read is refused here, not lost.
            self.split = loan_payment_split(contract=contract, amount=amount, on=self.day)
        except LoanError as e:
            raise DebtSettlementError(f"สัญญา {contract.number}: {e.message}") from e
        return self.split.credit_lines(memo=f"หักชำระจากหุ้น สัญญา {contract.number}")

    def settle(self, *, amount: Decimal, on: dt.date, entry, by) -> None:
        if self.split is None or self.split.amount != amount:
            raise DebtSettlementError("ต้องคำนวณการหักชำระ (credit_lines) ด้วยจำนวนเดียวกันก่อนบันทึก")
        loan_payment_apply(self.split, entry=entry, channel="shares", by=by, memo="หักชำระจากหุ้นเมื่อพ้นสมาชิกภาพ")


def loan_member_debts(*, member, on: dt.date | None = None) -> list[MemberDebt]:
    """The member's active contracts as debts on ``on`` (principal + interest to the day)."""
    on = on or timezone.localdate()
    contracts = sorted(
        LoanContract.objects.filter(member_id=member.pk, status=ContractStatus.ACTIVE).select_related(
            "product"
        ),
        key=lambda c: (_FAMILY_ORDER.get(c.product.family, 9), c.number),
    )
    debts = []
    for contract in contracts:
        day = _settlement_day(contract, on)
        principal, interest = loan_payoff_figures(contract=contract, on=day)
        debt = _ContractDebt(contract, day, on)
        debts.append(
            MemberDebt(
                label=f"{contract.product.name} สัญญา {contract.number}",
                account_role=contract.product.gl_role,
                amount=principal + interest,
                credit_lines=debt.credit_lines,
                settle=debt.settle,
            )
        )
    return debts


def loan_settlements_reverse(*, entry, reversal_entry, on: dt.date, reason: str, by) -> None:
    """A reversed share withdrawal: undo each loan payment it made (registered with the shares app)."""
    for original in LoanTransaction.objects.filter(
        journal_entry=entry, kind=LoanTxKind.PAYMENT, channel="shares"
    ).order_by("id"):
        try:
            loan_payment_unapply(original, entry=reversal_entry, on=on, reason=reason, by=by)
        except LoanError as e:
            raise DebtSettlementError(e.message) from e
