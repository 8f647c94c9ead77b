"""The loans' part of the sub-ledger contract (``core.subledger``): cards, debts, guarantors leaving,
the reconciliation with the GL and the monthly demands billing deducts from pay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sahakorn.core.money import ZERO
from sahakorn.core.months import add_months
from sahakorn.core.subledger import (
    BillingKind,
    DemandRow,
    MemberCard,
    MemberDebt,
    MonthlyDemand,
    ReceiptBatch,
    Reconciled,
    SubLedger,
)


def _loans_context(member) -> dict:
    from sahakorn.loans.selectors import loans_section_context

    return loans_section_context(member)


def _guarantees_context(member) -> dict:
    from sahakorn.loans.selectors import guarantees_section_context

    return guarantees_section_context(member)


class Loans(SubLedger):
    key = "loans"
    title = "เงินกู้"
    order = 20
    source = "loans"
    # What ``loans_reconcile`` proves: principal and accrued interest per family, interest in arrears.
    control_roles = (
        *(f"loan_{family}" for family in ("emergency", "ordinary", "special")),
        *(f"accrued_interest_{family}" for family in ("emergency", "ordinary", "special")),
        "receivable_pending_interest",
    )

    @property
    def debt_roles(self) -> tuple[str, ...]:  # type: ignore[override]
        # The loan accounts and the interest in arrears are the contracts' own.
        from sahakorn.loans.debts import LOAN_ROLES

        return LOAN_ROLES

    def member_cards(self) -> list[MemberCard]:
        return [
            MemberCard(
                key="loans",
                title="เงินกู้",
                position=20,
                template="loans/member_section.html",
                permission="loans.view_loancontract",
                context=_loans_context,
            ),
            MemberCard(
                key="guarantees",
                title="การค้ำประกัน",
                position=21,
                template="loans/member_guarantees.html",
                permission="loans.view_loancontract",
                context=_guarantees_context,
            ),
        ]

    def member_debts(self, *, member, on: dt.date | None) -> list[MemberDebt]:
        # Shares settle a leaving member's loans through the contracts, not only the GL balance.
        from sahakorn.loans.debts import loan_member_debts

        return loan_member_debts(member=member, on=on)

    def debt_settlements_reverse(self, *, entry, reversal_entry, on: dt.date, reason: str, by) -> None:
        from sahakorn.loans.debts import loan_settlements_reverse

        loan_settlements_reverse(entry=entry, reversal_entry=reversal_entry, on=on, reason=reason, by=by)

    def resignation_blockers(self, *, member) -> list[str]:
        from sahakorn.loans.services import guarantor_resignation_blockers

        return guarantor_resignation_blockers(member=member)

    def member_status_changed(self, *, change) -> None:
        # A guarantor who resigns, dies or is expelled flags the contracts they guarantee.
        from sahakorn.loans.services import on_member_status_change

        on_member_status_change(change=change)

    def reconcile(self, *, as_of: dt.date | None = None) -> Reconciled:
        # The lines ``sahakorn loans check`` prints (it runs this too).
        from sahakorn.loans.reconcile import loans_reconciled

        return loans_reconciled(as_of=as_of)

    def monthly_demands(self, *, member, period: dt.date) -> list[MonthlyDemand]:
        # Each active contract's installment due in the month, with interest to its due date.
        from sahakorn.loans.debts import loan_monthly_demands

        return loan_monthly_demands(member=member, period=period)

    def billing_demand_rows(self, *, period: dt.date, members) -> list[DemandRow]:
        from sahakorn.loans.debts import loan_billing_demand_rows

        return loan_billing_demand_rows(period=period, members=members)

    def billing_changed(self, *, since: dt.datetime) -> set[int] | None:
        """Borrowers with anything written since ``since`` that a demand reads: a repayment, a
        disbursement, a reversal (any transaction but the month-end accruals, which change no amount
        owed), a new rate, an event on a contract (closing, a guarantor replaced, a restructure). A new
        version of a product's rules (its rounding or day basis) may change every contract: None."""
        from sahakorn.loans.interest import ACCRUAL_KINDS
        from sahakorn.loans.models import LoanContractRate, LoanEvent, LoanProductRules, LoanTransaction

        if LoanProductRules.objects.filter(created_at__gt=since).exists():
            return None
        changed = set(
            LoanTransaction.objects.filter(created_at__gt=since)
            .exclude(kind__in=ACCRUAL_KINDS)
            .values_list("contract__member_id", flat=True)
        )
        changed.update(
            LoanContractRate.objects.filter(created_at__gt=since).values_list(
                "contract__member_id", flat=True
            )
        )
        for member_id, borrower_id in LoanEvent.objects.filter(created_at__gt=since).values_list(
            "member_id", "contract__member_id"
        ):
            changed.update(m for m in (member_id, borrower_id) if m is not None)
        return changed

    def billing_receipts(self, *, period: dt.date, receipts) -> ReceiptBatch:
        # A unit's installments at once (a few statements however many contracts).
        from sahakorn.loans.debts import loan_billing_receipts

        return loan_billing_receipts(period=period, receipts=receipts)

    def billing_received(self, *, entry_ids) -> Decimal:
        from sahakorn.core.selectors import money_from_sum, money_sum
        from sahakorn.loans.models import LoanTransaction, LoanTxKind

        sums = LoanTransaction.objects.filter(
            journal_entry_id__in=entry_ids, kind=LoanTxKind.PAYMENT
        ).aggregate(principal=money_sum("principal"), interest=money_sum("interest"))
        return money_from_sum(sums["interest"]) - money_from_sum(sums["principal"])

    def billing_change_reason(
        self, *, member, kind: str, reference: str, period: dt.date, before: Decimal, after: Decimal
    ) -> str:
        from sahakorn.core.money import baht
        from sahakorn.core.months import month_end
        from sahakorn.core.thai import format_be_date
        from sahakorn.loans.models import ContractStatus, LoanContract, ScheduledInstallment

        contract = LoanContract.objects.filter(number=reference, member_id=member.pk).first()
        if contract is None:
            return ""
        first = period.replace(day=1)
        if after == ZERO:
            if contract.status == ContractStatus.CLOSED:
                return f"ปิดสัญญาแล้ว เมื่อ {format_be_date(contract.closed_on)}"
            return "ไม่มียอดถึงกำหนดเดือนนี้ (ชำระล่วงหน้าแล้ว)"
        if before == ZERO and contract.disbursed_on >= add_months(first, -1):
            return f"สัญญาใหม่ จ่ายเงินกู้เมื่อ {format_be_date(contract.disbursed_on)}"
        if kind.endswith(":interest"):
            return "ดอกเบี้ยคิดตามจำนวนวันและเงินต้นคงเหลือ"
        scheduled = sum(
            ScheduledInstallment.objects.filter(
                contract_id=contract.pk,
                superseded_at__isnull=True,
                due_date__gte=first,
                due_date__lte=month_end(first),
            ).values_list("principal", flat=True),
            ZERO,
        )
        if after > scheduled:
            return f"รวมเงินต้นค้างชำระ {baht(after - scheduled)} บาท"
        return "เงินต้นตามตารางผ่อนชำระ"

    def billing_kinds(self) -> list[BillingKind]:
        # Each family's interest before any principal, emergency before ordinary before special
        # (DOMAIN.md: what a short payroll receipt pays first).
        from sahakorn.loans.models import LoanFamily

        codes = {LoanFamily.EMERGENCY: "E", LoanFamily.ORDINARY: "O", LoanFamily.SPECIAL: "S"}
        kinds = []
        for n, family in enumerate(LoanFamily):
            kinds.append(
                BillingKind(f"loans.{family}:interest", f"LI{codes[family]}", f"ดอกเบี้ย{family.label}", 10 + n)
            )
            kinds.append(
                BillingKind(f"loans.{family}:principal", f"LP{codes[family]}", f"เงินต้น{family.label}", 20 + n)
            )
        return kinds


SUBLEDGER = Loans()
