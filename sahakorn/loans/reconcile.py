"""Proof that the loan sub-ledger agrees with itself and with the GL (กระทบยอดลูกหนี้เงินกู้).

Per family (emergency / ordinary / special):

- principal: Σ LoanTransaction.principal == Σ contracts' ``principal_balance`` == GL loan_<family>;
- accrued interest outstanding (ACCRUAL rows, net of their reversals, after the contract's
  ``interest_paid_to``, i.e. not yet settled by a payment) == GL accrued_interest_<family>;

and for the whole book, interest in arrears (charged, not yet received): Σ transactions'
``interest_arrears`` == Σ contracts' ``interest_arrears`` == GL receivable_pending_interest.

Contracts whose cached balance differs from their own transactions are listed (one GROUP BY).
``loans_reconciled`` gives it as the lines ``sahakorn loans check`` and ``sahakorn reconcile`` print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection
from django.db.models import BigIntegerField, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from sahakorn.core.money import SATANG, ZERO
from sahakorn.core.selectors import money_cents
from sahakorn.core.subledger import Reconciled
from sahakorn.ledger.selectors import account_balance
from sahakorn.loans.models import LoanContract, LoanFamily, LoanTransaction, LoanTxKind
from sahakorn.loans.payments import INTEREST_DUE_ROLE

SHOW_AT_MOST = 20


@dataclass(frozen=True)
class CacheMismatch:
    contract_id: int
    number: str
    cached: Decimal
    transactions: Decimal


@dataclass(frozen=True)
class FamilyFigures:
    family: str
    transactions: Decimal
    contracts: Decimal
    ledger: Decimal
    accrued: Decimal
    accrued_ledger: Decimal

    @property
    def ok(self) -> bool:
        return self.transactions == self.contracts == self.ledger and self.accrued == self.accrued_ledger


@dataclass
class LoansReconcileResult:
    as_of: dt.date | None
    families: list[FamilyFigures] = field(default_factory=list)
    mismatches: list[CacheMismatch] = field(default_factory=list)
    lines: list[tuple[str, str]] = field(default_factory=list)

    arrears_transactions: Decimal = ZERO
    arrears_contracts: Decimal = ZERO
    arrears_ledger: Decimal = ZERO

    @property
    def arrears_ok(self) -> bool:
        return self.arrears_transactions == self.arrears_contracts == self.arrears_ledger

    @property
    def ok(self) -> bool:
        return all(f.ok for f in self.families) and not self.mismatches and self.arrears_ok


def _cents_field():
    return (
        BigIntegerField() if connection.vendor == "sqlite" else DecimalField(max_digits=17, decimal_places=2)
    )


def _money(value) -> Decimal:
    if value is None:
        return ZERO
    if connection.vendor == "sqlite":
        return (Decimal(value) / 100).quantize(SATANG)
    return Decimal(value).quantize(SATANG)


def _by_family(queryset, family_path: str, amount: str) -> dict[str, Decimal]:
    rows = (
        queryset.values(family_path)
        .annotate(total=Sum(money_cents(amount)))
        .values_list(family_path, "total")
    )
    return {family: _money(total) for family, total in rows}


def contracts_off_their_transactions():
    cents = money_cents("transactions__principal")
    return (
        LoanContract.objects.annotate(tx=Coalesce(Sum(cents), Value(0), output_field=_cents_field()))
        .filter(~Q(tx=money_cents("principal_balance")))
        .order_by("number")
    )


def loans_reconcile(*, as_of: dt.date | None = None) -> LoansReconcileResult:
    """Reconcile the loan sub-ledger with the GL, per family (see the module notes).

    The caches hold today's figures, so with a past ``as_of`` the contract caches are compared
    only per contract against all transactions; accrued interest is always today's.
    """
    rows = LoanTransaction.objects.all()
    if as_of is not None:
        rows = rows.filter(date__lte=as_of)
    transactions = _by_family(rows, "contract__product__family", "principal")
    contracts = _by_family(LoanContract.objects.all(), "product__family", "principal_balance")
    accrued = _by_family(
        LoanTransaction.objects.filter(
            kind__in=(LoanTxKind.ACCRUAL, LoanTxKind.ACCRUAL_REVERSAL),
            interest_to__gt=F("contract__interest_paid_to"),
        ),
        "contract__product__family",
        "interest",
    )
    result = LoansReconcileResult(as_of=as_of)
    for family in LoanFamily.values:
        figures = FamilyFigures(
            family=family,
            transactions=transactions.get(family, ZERO),
            contracts=contracts.get(family, ZERO) if as_of is None else transactions.get(family, ZERO),
            ledger=account_balance(account=f"loan_{family}", as_of=as_of),
            accrued=accrued.get(family, ZERO),
            accrued_ledger=account_balance(account=f"accrued_interest_{family}"),
        )
        result.families.append(figures)
        label = LoanFamily(family).label
        result.lines += [
            (f"{label}: รวมรายการเงินต้น", f"{figures.transactions:,.2f}"),
            (f"{label}: รวมเงินต้นคงเหลือตามสัญญา", f"{figures.contracts:,.2f}"),
            (f"{label}: บัญชีคุมลูกหนี้ในบัญชีแยกประเภท", f"{figures.ledger:,.2f}"),
            (f"{label}: ดอกเบี้ยค้างรับตามสัญญา", f"{figures.accrued:,.2f}"),
            (f"{label}: ดอกเบี้ยค้างรับในบัญชีแยกประเภท", f"{figures.accrued_ledger:,.2f}"),
        ]
    arrears_rows = _by_family(rows, "contract__product__family", "interest_arrears")
    result.arrears_transactions = sum(arrears_rows.values(), ZERO)
    result.arrears_contracts = (
        sum(_by_family(LoanContract.objects.all(), "product__family", "interest_arrears").values(), ZERO)
        if as_of is None
        else result.arrears_transactions
    )
    result.arrears_ledger = account_balance(account=INTEREST_DUE_ROLE, as_of=as_of)
    result.lines += [
        ("ดอกเบี้ยค้างชำระ: รวมรายการ", f"{result.arrears_transactions:,.2f}"),
        ("ดอกเบี้ยค้างชำระ: รวมตามสัญญา", f"{result.arrears_contracts:,.2f}"),
        ("ดอกเบี้ยค้างชำระ: บัญชีลูกหนี้รอเรียกเก็บ-ดอกเบี้ย", f"{result.arrears_ledger:,.2f}"),
    ]
    result.mismatches = [
        CacheMismatch(
            contract_id=c.pk, number=c.number, cached=c.principal_balance, transactions=_money(c.tx)
        )
        for c in contracts_off_their_transactions()
    ]
    result.lines.append(("สัญญาที่เงินต้นคงเหลือไม่ตรงกับรายการ", f"{len(result.mismatches):,}"))
    return result


def loans_reconciled(*, as_of: dt.date | None = None) -> Reconciled:
    """``loans_reconcile`` as lines: the figures (label, then the amount aligned), the contracts whose
    cached balance is off (at most 20), and the verdict last."""
    result = loans_reconcile(as_of=as_of)
    width = max(len(label) for label, _ in result.lines)
    lines = [f"  {label:<{width}}  {figure:>22}" for label, figure in result.lines]
    for m in result.mismatches[:SHOW_AT_MOST]:
        lines.append(
            f"สัญญา {m.number} เงินต้นคงเหลือ {m.cached:,.2f} บาท แต่รายการรวม {m.transactions:,.2f} บาท "
            "/ cached balance differs from transactions"
        )
    if len(result.mismatches) > SHOW_AT_MOST:
        lines.append(f"… และอีก {len(result.mismatches) - SHOW_AT_MOST:,} สัญญา / and more")
    lines.append(
        "ตรวจลูกหนี้เงินกู้ผ่าน / loans check OK" if result.ok else "ตรวจลูกหนี้เงินกู้ไม่ผ่าน / loans check FAILED"
    )
    return Reconciled(title="ลูกหนี้เงินกู้ / loans", ok=result.ok, lines=lines)
