"""What a member owes on their loans, received inside another module's voucher: the debts a leaving
member settles from their shares (หักชำระหนี้เงินกู้จากหุ้น เมื่อพ้นสมาชิกภาพ) and the monthly demands
billing deducts from pay (เรียกเก็บรายเดือน). Both go through the sub-ledger contract
(``loans.subledger``).

The share withdrawal (``shares.services.share_request_approve``) asks every sub-ledger for the
member's debts. This one gives each active contract, emergency before ordinary before special (the
order the coop collects in), as principal plus interest in arrears and to the day of leaving.
Billing asks for the month's demands: each active contract with an installment due that month, in
the same order.

Either way the money is received the same way (``ContractReceipt``): the credit side is the split a
counter payment makes (arrears and interest first, accrued interest settled), taken with the contract
locked inside the caller's voucher, and once that voucher is posted it is a PAYMENT on the contract
(channel ``shares`` or ``payroll``), so the loan sub-ledger, the contract and the GL move together
in the caller's one voucher.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from sahakorn.core.dates import refuse_after_batch_limit, refuse_future
from sahakorn.core.errors import ServiceError
from sahakorn.core.money import ZERO, round_money
from sahakorn.core.months import month_end
from sahakorn.core.subledger import DebtSettlementError, DemandRow, MemberDebt, MonthlyDemand, ReceiptBatch
from sahakorn.core.thai import format_be_date
from sahakorn.loans import calc
from sahakorn.loans.errors import LoanError
from sahakorn.loans.interest import contract_rates, interest_terms
from sahakorn.loans.models import (
    ContractStatus,
    LoanContract,
    LoanFamily,
    LoanTransaction,
    LoanTxKind,
    ScheduledInstallment,
)
from sahakorn.loans.payments import (
    PaymentSplit,
    loan_payment_apply,
    loan_payment_split,
    loan_payment_unapply,
    loan_payoff_figures,
    loan_receipt_refusals,
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


class ContractReceipt:
    """Money received on one contract inside a caller's voucher, on ``day``, in two steps.

    ``credit_lines(amount)`` locks the contract and splits the amount as a counter payment would
    (``loan_payment_split``), giving the voucher's credit side; ``settle(amount=, on=, entry=, by=)``
    records that split as a PAYMENT (``channel``) once the voucher is posted. A refusal is raised
    as ``error``, naming the contract.
    """

    channel: str = ""
    settle_memo: str = ""
    error: type[ServiceError] = LoanError

    def __init__(self, contract: LoanContract, day: dt.date) -> None:
        self.contract_id = contract.pk
        self.day = day
        self.split: PaymentSplit | None = None

    def credit_memo(self, contract: LoanContract) -> str:
        return f"สัญญา {contract.number}"

    def refuse_early(self, contract: LoanContract) -> None:
        """A refusal of the caller's own, before the split (the contract is locked)."""

    def refuse_ahead(self) -> None:
        """Money received is dated today or earlier, as at the counter: a receipt dated ahead would
        refuse every later movement on the contract."""
        refuse_future(self.day, what="การรับชำระเงินกู้", error=self.error, field="on")

    def credit_lines(self, amount: Decimal) -> list:
        self.refuse_ahead()
        contract = (
            LoanContract.objects.select_for_update(of=("self",))
            .select_related("product", "member")
            .get(pk=self.contract_id)
        )
        self.refuse_early(contract)
        try:
            # Locked now: a payment recorded since the figures were read is refused here, not lost.
            self.split = loan_payment_split(contract=contract, amount=amount, on=self.day)
        except LoanError as e:
            raise self.error(f"สัญญา {contract.number}: {e.message}") from e
        return self.split.credit_lines(memo=self.credit_memo(contract))

    def settle(self, *, amount: Decimal, on: dt.date, entry, by) -> None:
        if self.split is None or self.split.amount != amount:
            raise self.error("ต้องคำนวณการหักชำระ (credit_lines) ด้วยจำนวนเดียวกันก่อนบันทึก")
        if on != self.day:
            # The split charged interest to ``day``: the loan's row must be dated as its voucher is.
            raise self.error(
                f"รับชำระได้ลงวันที่ {format_be_date(self.day)} เท่านั้น (ดอกเบี้ยคิดถึงวันนั้น; ใบสำคัญลงวันที่ "
                f"{format_be_date(on)})"
            )
        loan_payment_apply(self.split, entry=entry, channel=self.channel, by=by, memo=self.settle_memo)


class _ContractDebt(ContractReceipt):
    """One contract as a leaving member's debt, settled from their shares on the day they left."""

    channel = "shares"
    error = DebtSettlementError
    settle_memo = "หักชำระจากหุ้นเมื่อพ้นสมาชิกภาพ"

    def __init__(self, contract: LoanContract, day: dt.date, left_on: dt.date) -> None:
        super().__init__(contract, day)
        self.left_on = left_on

    def credit_memo(self, contract: LoanContract) -> str:
        return f"หักชำระจากหุ้น สัญญา {contract.number}"

    def refuse_early(self, contract: LoanContract) -> None:
        if contract.interest_paid_to > self.left_on:
            # The settlement is the withdrawal's, dated the day the member left; a receipt dated later
            # would have the loan's own row dated after its voucher.
            raise DebtSettlementError(
                f"สัญญา {contract.number} มีรายการรับชำระลงวันที่ {format_be_date(contract.interest_paid_to)} "
                f"หลังวันพ้นสมาชิกภาพ ({format_be_date(self.left_on)}): กลับรายการรับชำระนั้นก่อน "
                "แล้วจึงหักชำระหนี้จากหุ้น"
            )


class _InstallmentDemand(ContractReceipt):
    """One contract's installment deducted from pay (payroll), received on its due date."""

    channel = "payroll"
    settle_memo = "หักเงินเดือนชำระค่างวด"

    def credit_memo(self, contract: LoanContract) -> str:
        return f"หักเงินเดือน สัญญา {contract.number}"

    def refuse_ahead(self) -> None:
        # Payroll is month-end work: the receipt may be dated up to the coop's allowance ahead.
        refuse_after_batch_limit(self.day, what="การหักเงินเดือนชำระค่างวด", error=self.error, field="on")


def _active_contracts(member) -> list[LoanContract]:
    """The member's active contracts in the order the coop collects: emergency, ordinary, special."""
    return sorted(
        LoanContract.objects.filter(member_id=member.pk, status=ContractStatus.ACTIVE).select_related(
            "product"
        ),
        key=lambda c: (_FAMILY_ORDER.get(c.product.family, 9), c.number),
    )


def loan_member_debts(*, member, on: dt.date | None = None) -> list[MemberDebt]:
    """The member's active contracts as debts on ``on`` (principal + interest to the day)."""
    on = on or timezone.localdate()
    debts = []
    for contract in _active_contracts(member):
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


@dataclass(frozen=True)
class _ContractFigures:
    """What a contract's month is figured from, read per contract or for every contract at once."""

    in_month: list[tuple[int, dt.date, Decimal]]  # (number, due date, principal) due in the month
    scheduled: Decimal  # principal scheduled through the month's end (current schedule)
    repaid: Decimal  # principal repaid so far (payments, netting, reversals)
    rates: list  # the contract's rate history (calc.RatePeriod)


def _contract_month(
    contract: LoanContract, figures: _ContractFigures, *, first: dt.date, last: dt.date, terms
) -> tuple[str, Decimal, Decimal, dict[str, Decimal], dt.date] | None:
    """(label, principal, interest, arrears by part, receipt day) of a contract's month, or None when
    it owes nothing for it; ``terms(day)`` gives the interest terms in force (rounding, day basis)."""
    # round_money only normalises: SQLite sums satang figures as REAL.
    owed = round_money(figures.scheduled - figures.repaid)
    principal = min(max(owed, ZERO), contract.principal_balance)
    if not figures.in_month and principal == ZERO:
        return None  # no installment this month and nothing overdue
    day = max(figures.in_month[-1][1] if figures.in_month else last, contract.interest_paid_to)
    interest = contract.interest_arrears
    if day > contract.interest_paid_to and contract.principal_balance:
        rules = terms(day)
        interest += calc.interest_between(
            principal=contract.principal_balance,
            start=contract.interest_paid_to,
            end=day,
            rates=figures.rates,
            rounding=rules.rounding,
            day_basis=rules.day_basis,
        )
    if principal + interest == ZERO:
        return None  # the month is paid
    in_month_principal = sum((row[2] for row in figures.in_month), ZERO)
    arrears = {
        "principal": min(max(principal - in_month_principal, ZERO), principal),
        "interest": min(contract.interest_arrears, interest),
    }
    numbers = ", ".join(str(number) for number, _, _ in figures.in_month)
    label = f"{contract.product.name} สัญญา {contract.number}" + (
        f" งวดที่ {numbers}" if numbers else " ค้างชำระ"
    )
    return label, principal, interest, arrears, day


def loan_monthly_demands(*, member, period: dt.date) -> list[MonthlyDemand]:
    """What the member is billed for the month of ``period`` (เรียกเก็บรายเดือน): one demand per active
    contract that owes something by the month's installment.

    Principal: the scheduled principal of the current schedule due by the month's end less every
    principal repaid so far (payments, netting, reversals: ``arrears.contract_principal_paid``), at
    least 0 and at most the balance. So a month already received (at the counter or by an earlier
    billing) is not billed again, a prepayment lowers it, and principal a short month left unpaid is
    billed again the next month, after the last installment too. Interest: from ``interest_paid_to`` to
    the receipt day by the contract's rate history (``loans.interest``, not the schedule's estimate),
    plus the interest in arrears an earlier receipt did not cover, which a receipt collects first.
    ``parts``: principal, and interest (in arrears included).

    The receipt day (``due_on``) is the month's last installment due date, or the month's end when the
    month has none (overdue principal only), or the day interest is already charged to when a receipt
    came in after it; ``settle`` refuses a voucher dated otherwise, since interest runs to that day.
    A contract that owes nothing for the month gives no demand.
    """
    from sahakorn.loans.arrears import contract_principal_paid

    first = period.replace(day=1)
    last = month_end(first)
    demands = []
    for contract in _active_contracts(member):
        rows = list(
            ScheduledInstallment.objects.filter(
                contract_id=contract.pk, superseded_at__isnull=True, due_date__lte=last
            )
            .order_by("due_date", "number")
            .values_list("number", "due_date", "principal")
        )
        figures = _ContractFigures(
            in_month=[row for row in rows if row[1] >= first],
            scheduled=sum((principal for _, _, principal in rows), ZERO),
            repaid=contract_principal_paid(contract),
            rates=contract_rates(contract),
        )
        month = _contract_month(
            contract, figures, first=first, last=last, terms=lambda day, c=contract: interest_terms(c, day)
        )
        if month is None:
            continue
        label, principal, interest, arrears, day = month
        receipt = _InstallmentDemand(contract, day)
        demands.append(
            MonthlyDemand(
                subledger="loans",
                reference=contract.number,
                label=label,
                account_role=contract.product.gl_role,
                amount=principal + interest,
                parts={"principal": principal, "interest": interest},
                due_on=day,
                kind=f"loans.{contract.product.family}",
                arrears=arrears,
                credit_lines=receipt.credit_lines,
                settle=receipt.settle,
            )
        )
    return demands


@dataclass(frozen=True, slots=True)
class _ProductRow:
    name: str
    family: str


@dataclass(frozen=True, slots=True)
class _ContractRow:
    """What billing reads of an active contract, as plain values (``_contract_month``, the rate
    history's fallbacks and ``interest_terms`` take it as they take a ``LoanContract``)."""

    pk: int
    member_id: int
    number: str
    product_id: int
    product: _ProductRow
    disbursed_on: dt.date
    annual_rate: Decimal
    interest_paid_to: dt.date
    principal_balance: Decimal
    interest_arrears: Decimal


def loan_billing_demand_rows(*, period: dt.date, members) -> list[DemandRow]:
    """``loan_monthly_demands`` for many members at once, as rows: every figure read for all active
    contracts in a handful of queries (contracts, the month's installments, principal scheduled and
    repaid, rate histories), as plain values, then each contract figured by the same ``_contract_month``."""
    from collections import defaultdict

    from sahakorn.core.selectors import WHOLE_BOOK, in_chunks, money_from_sums, money_sum
    from sahakorn.loans.arrears import ADVANCE_KINDS
    from sahakorn.loans.interest import contracts_rates
    from sahakorn.loans.models import LoanProduct

    money_from_sum = money_from_sums()

    first = period.replace(day=1)
    last = month_end(first)
    wanted = {member.pk for member in members}
    whole = len(wanted) >= WHOLE_BOOK

    def read(queryset, ids) -> list:
        """Rows by contract: those of every active contract at once, or of ``ids`` 5,000 at a time."""
        if whole:
            return list(queryset.filter(contract__status=ContractStatus.ACTIVE))
        return in_chunks(queryset, "contract_id", ids)

    products = {
        pk: _ProductRow(name, family)
        for pk, name, family in LoanProduct.objects.values_list("pk", "name", "family")
    }
    fields = ("pk", "member_id", "number", "product_id", "disbursed_on", "annual_rate", "interest_paid_to",
              "principal_balance", "interest_arrears")  # fmt: skip
    active = LoanContract.objects.filter(status=ContractStatus.ACTIVE).values_list(*fields)
    found = list(active) if whole else in_chunks(active, "member_id", wanted)
    contracts = sorted(
        (
            _ContractRow(
                pk,
                member_id,
                number,
                product_id,
                products[product_id],
                disbursed_on,
                rate,
                paid_to,
                balance,
                arrears,
            )  # fmt: skip
            for pk, member_id, number, product_id, disbursed_on, rate, paid_to, balance, arrears in found
            if member_id in wanted
        ),
        key=lambda c: (c.member_id, _FAMILY_ORDER.get(c.product.family, 9), c.number),
    )
    ids = [contract.pk for contract in contracts]
    current = ScheduledInstallment.objects.filter(superseded_at__isnull=True)
    scheduled = {
        contract_id: money_from_sum(total)
        for contract_id, total in read(
            current.filter(due_date__lte=last)
            .values("contract_id")
            .annotate(total=money_sum("principal"))
            .values_list("contract_id", "total"),
            ids,
        )
    }
    in_month: dict[int, list] = defaultdict(list)
    for contract_id, number, due_date, principal in read(
        current.filter(due_date__gte=first, due_date__lte=last)
        .order_by("due_date", "number")
        .values_list("contract_id", "number", "due_date", "principal"),
        ids,
    ):
        in_month[contract_id].append((number, due_date, principal))
    # Repaid (Σ −principal of REPAYMENT_KINDS) is what was advanced less the balance: a contract's rows
    # carry principal only as an advance (disbursement, opening balance) or a repayment kind, and the
    # balance is their sum (``sahakorn loans check``). The advances are a row or two a contract, read
    # from their own index, where the repayments are ten million rows at 100,000 members.
    advanced = {
        contract_id: money_from_sum(total)
        for contract_id, total in read(
            LoanTransaction.objects.filter(kind__in=ADVANCE_KINDS)
            .values("contract_id")
            .annotate(total=money_sum("principal"))
            .values_list("contract_id", "total"),
            ids,
        )
    }
    repaid = {
        contract.pk: advanced.get(contract.pk, ZERO) - contract.principal_balance for contract in contracts
    }
    history = contracts_rates(contracts, all_active=whole)
    terms_cache: dict[tuple[int, dt.date], object] = {}

    def terms_of(contract: _ContractRow):
        def terms(day: dt.date):
            key = (contract.product_id, day)
            if key not in terms_cache:
                terms_cache[key] = interest_terms(contract, day)  # type: ignore[arg-type]
            return terms_cache[key]

        return terms

    rows = []
    for contract in contracts:
        figures = _ContractFigures(
            in_month=in_month.get(contract.pk, []),
            scheduled=scheduled.get(contract.pk, ZERO),
            repaid=repaid.get(contract.pk, ZERO),
            rates=history[contract.pk],
        )
        month = _contract_month(contract, figures, first=first, last=last, terms=terms_of(contract))  # type: ignore[arg-type]
        if month is None:
            continue
        label, principal, interest, arrears, day = month
        kind = f"loans.{contract.product.family}"
        for part, amount in (("principal", principal), ("interest", interest)):
            if amount > ZERO:
                rows.append(
                    DemandRow(
                        member_id=contract.member_id,
                        subledger="loans",
                        kind=f"{kind}:{part}",
                        reference=contract.number,
                        label=label,
                        amount=amount,
                        arrears=arrears[part],
                        due_on=day,
                    )
                )
    return rows


def loan_settlements_reverse(*, entry, reversal_entry, on: dt.date, reason: str, by) -> None:
    """A reversed share withdrawal: undo each loan payment it made (registered with the shares app)."""
    refuse_future(on, what="การกลับรายการหักชำระหนี้จากหุ้น", error=DebtSettlementError, field="on")
    for original in LoanTransaction.objects.filter(
        journal_entry=entry, kind=LoanTxKind.PAYMENT, channel="shares"
    ).order_by("id"):
        try:
            loan_payment_unapply(original, entry=reversal_entry, on=on, reason=reason, by=by)
        except LoanError as e:
            raise DebtSettlementError(e.message) from e


# ======== Many payroll receipts at once (billing's posting of a unit) ========


def _net_lines(lines: list, *, memo: str) -> list:
    """Many contracts' credit lines as one line per GL account (credit less debit), without member links:
    the loan accounts are the contracts' own (``LOAN_ROLES``), proved against them, not per member."""
    net: dict[str, Decimal] = {}
    for line in lines:
        net[line.account] = net.get(line.account, ZERO) + line.credit - line.debit
    return _lines_of(net, memo=memo)


def _lines_of(net: dict[str, Decimal], *, memo: str) -> list:
    """GL role → amount credited (negative: debited) as the voucher's lines, by role."""
    from sahakorn.ledger.services import Line

    return [
        Line(account=role, credit=amount, memo=memo)
        if amount > ZERO
        else Line(account=role, debit=-amount, memo=memo)
        for role, amount in sorted(net.items())
        if amount
    ]


@dataclass(slots=True)
class _ReceivingContract:
    """A contract billing's receipts are taken on, read as plain values under its row lock (a payroll
    month is 300,000 of them; model instances were seconds). ``interest_terms``, the rate history's
    fallbacks and ``loan_receipt_refusals`` take it as they take a ``LoanContract``."""

    pk: int
    member_id: int
    number: str
    product_id: int
    status: str
    disbursed_on: dt.date
    annual_rate: Decimal
    interest_paid_to: dt.date
    principal_balance: Decimal
    interest_arrears: Decimal
    closed_on: dt.date | None = None


def loan_billing_receipts(*, period: dt.date, receipts) -> ReceiptBatch:
    """Billing's receipts on many contracts, all dated the same day, set-based: the contracts locked and
    read as plain values in a few queries (their accruals since interest was last charged, their rate
    histories), each split as ``loan_payment_split`` splits a payment (``PaymentSplit``'s figures), the
    voucher's credit side summed per GL account as it goes, then one insert of the PAYMENT rows and one
    update of the contracts.

    A receipt that pays a contract off closes it here too (its guarantees ended, a CLOSED event), as
    ``loan_payment_apply`` does. One above the payoff, or before a month-end accrual already posted (the
    accruals after it reversed and posted again), goes the per-contract way (``_InstallmentDemand``):
    the same rows, one contract at a time. Refusals name the contract."""
    from sahakorn.core.bulk import rows_insert, rows_update
    from sahakorn.core.selectors import IN_CHUNK, in_chunks
    from sahakorn.loans.interest import ACCRUAL_KINDS, contracts_rates
    from sahakorn.loans.models import Guarantee, LoanEvent, LoanEventKind, LoanProduct
    from sahakorn.loans.models import LoanTxKind as Kind
    from sahakorn.loans.payments import CLOSED_REASON, INTEREST_DUE_ROLE, contract_closed_message

    if not receipts:
        return ReceiptBatch(credit_lines={}, apply=lambda **_: None)
    on = receipts[0].on
    refuse_after_batch_limit(on, what="การหักเงินเดือนชำระค่างวด", error=LoanError, field="on")
    locked = (
        LoanContract.objects.select_for_update()
        .order_by("pk")
        .values_list("pk", "member_id", "number", "product_id", "status", "disbursed_on", "annual_rate",
                     "interest_paid_to", "principal_balance", "interest_arrears")
    )  # fmt: skip
    contracts = {
        row[2]: _ReceivingContract(*row)
        for row in in_chunks(locked, "number", [receipt.reference for receipt in receipts])
    }
    families = dict(LoanProduct.objects.values_list("pk", "family"))
    accrued: dict[int, Decimal] = {}
    later: set[int] = set()  # contracts with a month-end accrual after ``on``
    accruals = LoanTransaction.objects.filter(
        kind__in=ACCRUAL_KINDS, interest_to__gt=F("contract__interest_paid_to")
    ).values_list("contract_id", "kind", "interest", "interest_to", "reversed_by")
    for contract_id, kind, interest, interest_to, reversed_by in in_chunks(
        accruals, "contract_id", [c.pk for c in contracts.values()]
    ):
        if interest_to <= on:
            accrued[contract_id] = accrued.get(contract_id, ZERO) + interest
        elif kind == Kind.ACCRUAL and reversed_by is None:
            later.add(contract_id)
    rates = contracts_rates(contracts.values())
    terms_cache: dict[int, object] = {}
    # (contract, principal, interest, arrears change, voucher) of each receipt taken here
    taken: list[tuple[_ReceivingContract, Decimal, Decimal, Decimal, int]] = []
    one_by_one: list[tuple[_InstallmentDemand, Decimal, int]] = []
    # voucher → GL role → amount credited (negative: debited)
    nets: dict[int, dict[str, Decimal]] = {}
    for receipt in receipts:
        contract = contracts.get(receipt.reference)
        if contract is None or contract.member_id != receipt.member_id:
            raise LoanError(f"ไม่พบสัญญา {receipt.reference} ของสมาชิกรหัส {receipt.member_id}", field="contract")
        try:
            loan_receipt_refusals(contract, on)  # type: ignore[arg-type]
        except LoanError as e:
            raise LoanError(f"สัญญา {contract.number}: {e.message}", field=e.field) from e
        net = nets.setdefault(receipt.voucher, {})
        charged = ZERO
        if on > contract.interest_paid_to and contract.principal_balance:
            if contract.product_id not in terms_cache:
                terms_cache[contract.product_id] = interest_terms(contract, on)  # type: ignore[arg-type]
            terms = terms_cache[contract.product_id]
            charged = calc.interest_between(
                principal=contract.principal_balance,
                start=contract.interest_paid_to,
                end=on,
                rates=rates[contract.pk],
                rounding=terms.rounding,  # type: ignore[attr-defined]
                day_basis=terms.day_basis,  # type: ignore[attr-defined]
            )
        collected = min(receipt.amount, contract.interest_arrears)
        current = min(receipt.amount - collected, charged)
        principal = receipt.amount - collected - current
        if principal > contract.principal_balance or contract.pk in later:
            # Over the payoff (refused by the split, with the figure), or before an accrual.
            demand = _InstallmentDemand(
                LoanContract.objects.select_related("product").get(pk=contract.pk), on
            )
            for line in demand.credit_lines(receipt.amount):
                net[line.account] = net.get(line.account, ZERO) + line.credit - line.debit
            one_by_one.append((demand, receipt.amount, receipt.voucher))
            continue
        # ``PaymentSplit.credit_lines``, summed: principal to the loan, the accrued part of the interest
        # charged settles the accrued-interest account, the rest is income, the arrears moved.
        family = families[contract.product_id]
        settled = accrued.get(contract.pk, ZERO)
        change = (charged - current) - collected
        for role, amount in (
            (f"loan_{family}", principal),
            (f"accrued_interest_{family}", settled),
            (f"interest_income_{family}", charged - settled),
            (INTEREST_DUE_ROLE, -change),
        ):
            if amount:
                net[role] = net.get(role, ZERO) + amount
        taken.append((contract, principal, collected + current, change, receipt.voucher))

    def apply(*, entries, by) -> None:
        # Plain rows (COPY on PostgreSQL): a payroll month is 300,000 contracts at 100,000 members. In
        # contract order, so the indexes led by the contract are written page after page, not at random.
        taken.sort(key=lambda row: row[0].pk)
        now = timezone.now()
        by_id = by.pk if by is not None else None
        rows_insert(
            LoanTransaction._meta.db_table,
            ["contract_id", "date", "kind", "channel", "principal", "interest", "interest_arrears", "interest_from",
             "interest_to", "journal_entry_id", "memo", "created_by_id", "created_at"],
            [
                (contract.pk, on, Kind.PAYMENT.value, _InstallmentDemand.channel, -principal, interest, change,
                 contract.interest_paid_to, on, entries[voucher].pk, _InstallmentDemand.settle_memo, by_id, now)
                for contract, principal, interest, change, voucher in taken
            ],
        )  # fmt: skip
        closed = []
        for contract, principal, _, change, _ in taken:
            contract.principal_balance -= principal
            contract.interest_arrears += change
            contract.interest_paid_to = on
            # Paid off: closed as ``loan_payment_apply`` closes one (its guarantors released, an event).
            if not contract.principal_balance and not contract.interest_arrears:
                contract.status, contract.closed_on = ContractStatus.CLOSED.value, on
                closed.append(contract)
        rows_update(
            LoanContract,
            ["principal_balance", "interest_arrears", "interest_paid_to", "status", "closed_on"],
            [
                (c.pk, c.principal_balance, c.interest_arrears, c.interest_paid_to, c.status, c.closed_on)
                for c, _, _, _, _ in taken
            ],
        )
        for start in range(0, len(closed), IN_CHUNK):
            Guarantee.objects.filter(
                contract_id__in=[c.pk for c in closed[start : start + IN_CHUNK]], ended_on__isnull=True
            ).update(ended_on=on, end_reason=CLOSED_REASON)
        LoanEvent.objects.bulk_create(
            LoanEvent(
                kind=LoanEventKind.CLOSED,
                member_id=c.member_id,
                contract_id=c.pk,
                occurred_on=on,
                message=contract_closed_message(c, on)[:500],  # type: ignore[arg-type]
            )  # fmt: skip
            for c in closed
        )
        for demand, amount, voucher in one_by_one:
            demand.settle(amount=amount, on=on, entry=entries[voucher], by=by)

    memo = "หักเงินเดือนชำระค่างวด"
    return ReceiptBatch(
        credit_lines={voucher: _lines_of(net, memo=memo) for voucher, net in nets.items()},
        apply=apply,
    )
