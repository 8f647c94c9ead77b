"""Proof that the share sub-ledger agrees with itself and with the general ledger (กระทบยอดทุนเรือนหุ้น).

Three figures must be equal: the sum of the transactions, the sum of the accounts' cached
balances, and the GL balance of the share-capital control account. Any account whose cache
differs from its own transactions is listed, found with one GROUP BY.
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
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.selectors import account_balance
from sahakorn.shares.models import ShareAccount, ShareTransaction


@dataclass(frozen=True)
class CacheMismatch:
    account_id: int
    member_number: str
    cached_shares: int
    cached_amount: Decimal
    transaction_shares: int
    transaction_amount: Decimal


@dataclass
class ReconcileResult:
    as_of: dt.date | None
    transactions_amount: Decimal
    accounts_amount: Decimal
    ledger_amount: Decimal
    lines: list[tuple[str, str]] = field(default_factory=list)
    mismatches: list[CacheMismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.transactions_amount == self.ledger_amount
            and (self.as_of is not None or self.accounts_amount == self.transactions_amount)
            and not self.mismatches
        )


def _cents_field():
    if connection.vendor == "sqlite":
        return BigIntegerField()
    return DecimalField(max_digits=17, decimal_places=2)


def _money(value) -> Decimal:
    if value is None:
        return ZERO
    if connection.vendor == "sqlite":
        return (Decimal(value) / 100).quantize(SATANG)
    return Decimal(value).quantize(SATANG)


def _accounts_off_their_transactions():
    """Accounts whose cached balance differs from the sum of their transactions: one GROUP BY … HAVING."""
    cents = money_cents("transactions__amount")
    cached = money_cents("balance_amount")
    return (
        ShareAccount.objects.annotate(
            tx_shares=Coalesce(Sum("transactions__shares"), Value(0), output_field=BigIntegerField()),
            tx_cents=Coalesce(Sum(cents), Value(0), output_field=_cents_field()),
        )
        .filter(~Q(tx_shares=F("balance_shares")) | ~Q(tx_cents=cached))
        .select_related("member")
        .order_by("member__number")
    )


def shares_reconcile(*, as_of: dt.date | None = None) -> ReconcileResult:
    """Transactions == account caches == GL share capital (credit-normal), as of ``as_of`` (default: all).

    The caches hold today's balance, so with a past ``as_of`` they are compared per account only
    against all transactions (the cache check never depends on the date).
    """
    rows = ShareTransaction.objects.all()
    if as_of is not None:
        rows = rows.filter(date__lte=as_of)
    transactions_amount = _money(rows.aggregate(total=Sum(money_cents("amount")))["total"])
    accounts_amount = _money(
        ShareAccount.objects.aggregate(total=Sum(money_cents("balance_amount")))["total"]
    )
    ledger_amount = account_balance(account="share_capital", as_of=as_of)

    mismatches = [
        CacheMismatch(
            account_id=a.pk,
            member_number=a.member.number,
            cached_shares=a.balance_shares,
            cached_amount=a.balance_amount,
            transaction_shares=a.tx_shares,
            transaction_amount=_money(a.tx_cents),
        )
        for a in _accounts_off_their_transactions()
    ]
    label_date = f" ณ วันที่ {format_be_date(as_of)}" if as_of is not None else ""
    lines = [
        (f"รวมรายการเคลื่อนไหวหุ้น{label_date}", f"{transactions_amount:,.2f}"),
        ("รวมยอดคงเหลือในบัญชีหุ้นของสมาชิก (ปัจจุบัน)", f"{accounts_amount:,.2f}"),
        (f"ยอดบัญชีคุมทุนเรือนหุ้นในบัญชีแยกประเภท{label_date}", f"{ledger_amount:,.2f}"),
        ("ผลต่าง รายการหุ้น − บัญชีแยกประเภท", f"{transactions_amount - ledger_amount:,.2f}"),
        ("บัญชีหุ้นที่ยอดคงเหลือไม่ตรงกับรายการ", f"{len(mismatches):,}"),
    ]
    return ReconcileResult(
        as_of=as_of,
        transactions_amount=transactions_amount,
        accounts_amount=accounts_amount,
        ledger_amount=ledger_amount,
        lines=lines,
        mismatches=mismatches,
    )
