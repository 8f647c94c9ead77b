"""Reads of deposits (เงินฝาก): a member's accounts, the passbook, available balances, products.

A member-facing selector takes the member object: the portal passes ``request.user.member``, so a
session only ever reaches its own member's accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet, Sum

from sahakorn.core.money import SATANG, ZERO
from sahakorn.deposits.models import (
    AccountStatus,
    DepositAccount,
    DepositHold,
    DepositProduct,
    DepositRate,
    DepositTransaction,
)
from sahakorn.members.models import Member


def deposit_accounts_of(*, member: Member, include_closed: bool = True) -> QuerySet[DepositAccount]:
    """The member's deposit accounts, with product and the active holds' total (``held``)."""
    accounts = DepositAccount.objects.filter(member=member).select_related("product")
    if not include_closed:
        accounts = accounts.exclude(status=AccountStatus.CLOSED)
    return accounts.annotate(held=Sum("holds__amount", filter=_active_holds())).order_by("status", "number")


def _active_holds():
    from django.db.models import Q

    return Q(holds__released_on__isnull=True)


def deposit_account_of(*, member: Member, pk: int) -> DepositAccount | None:
    """One of the member's accounts by id, or None when the id is not theirs (portal use)."""
    return deposit_accounts_of(member=member).filter(pk=pk).first()


def deposit_holds_total(*, account: DepositAccount) -> Decimal:
    total = DepositHold.objects.filter(account=account, released_on__isnull=True).aggregate(t=Sum("amount"))[
        "t"
    ]
    return Decimal(total or 0).quantize(SATANG)


def deposit_available_balance(*, account: DepositAccount) -> Decimal:
    """What may be taken out now (ยอดที่ถอนได้): the balance less active holds (never below zero).

    The product's minimum balance is not subtracted: closing the account takes it too.
    """
    balance = DepositAccount.objects.values_list("balance", flat=True).get(pk=account.pk)
    return max(Decimal(balance).quantize(SATANG) - deposit_holds_total(account=account), ZERO)


@dataclass(frozen=True)
class StatementRow:
    date: dt.date
    kind: str
    kind_label: str
    channel_label: str
    amount: Decimal
    balance: Decimal
    memo: str
    transaction_id: int | None
    journal_entry_id: int | None
    voucher_label: str
    reversed: bool = False

    @property
    def deposit(self) -> Decimal:
        return self.amount if self.amount > 0 else ZERO

    @property
    def withdrawal(self) -> Decimal:
        return -self.amount if self.amount < 0 else ZERO


def deposit_statement(
    *, account: DepositAccount, start: dt.date | None = None, end: dt.date | None = None
) -> list[StatementRow]:
    """The passbook (สมุดบัญชีเงินฝาก): rows in (date, id) order with the running balance.

    With ``start``, the first row is the balance brought forward (ยอดยกมา) from before it.
    """
    rows = DepositTransaction.objects.filter(account=account).select_related("journal_entry__fiscal_year")
    out: list[StatementRow] = []
    if start is not None:
        before = (
            DepositTransaction.objects.filter(account=account, date__lt=start)
            .order_by("-date", "-id")
            .values_list("balance_after", flat=True)
            .first()
        )
        out.append(StatementRow(date=start, kind="brought_forward", kind_label="ยอดยกมา", channel_label="",
                                amount=ZERO, balance=before if before is not None else ZERO, memo="",
                                transaction_id=None, journal_entry_id=None, voucher_label=""))  # fmt: skip
        rows = rows.filter(date__gte=start)
    if end is not None:
        rows = rows.filter(date__lte=end)
    reversed_ids = set(
        DepositTransaction.objects.filter(account=account, reverses__isnull=False).values_list(
            "reverses_id", flat=True
        )
    )
    for t in rows.order_by("date", "id"):
        out.append(
            StatementRow(
                date=t.date,
                kind=t.kind,
                kind_label=t.get_kind_display(),
                channel_label=t.get_channel_display(),
                amount=t.amount,
                balance=t.balance_after,
                memo=t.memo,
                transaction_id=t.pk,
                journal_entry_id=t.journal_entry_id,
                voucher_label=t.journal_entry.voucher_label,
                reversed=t.pk in reversed_ids,
            )
        )
    return out


def deposit_products_with_rates() -> QuerySet[DepositProduct]:
    """Every product with its rate tiers, newest schedule first."""
    return DepositProduct.objects.prefetch_related(
        Prefetch("rates", queryset=DepositRate.objects.order_by("-effective_from", "balance_from"))
    ).order_by("code")


def deposit_member_summary(*, member: Member) -> dict:
    """What the member page's deposit card shows: open accounts and their total."""
    accounts = list(deposit_accounts_of(member=member, include_closed=False))
    return {
        "accounts": accounts,
        "total": sum((a.balance for a in accounts), ZERO),
        "closed": DepositAccount.objects.filter(member=member, status=AccountStatus.CLOSED).count(),
    }
