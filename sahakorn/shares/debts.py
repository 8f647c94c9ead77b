"""A member's debts to the coop that shares settle first when membership ends (หักกลบหนี้จากหุ้น).

Debts live in other sub-ledgers (loans, a later issue). Until they exist, the default provider
reads the member-linked GL balances of the loan and receivable roles; the loans app registers
its own provider (``member_debt_provider_register``) and the share services never change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sahakorn.core.money import ZERO

DEBT_ROLES: tuple[tuple[str, str], ...] = (
    ("loan_emergency", "เงินกู้ฉุกเฉิน"),
    ("loan_ordinary", "เงินกู้สามัญ"),
    ("loan_special", "เงินกู้พิเศษ"),
    ("receivable_pending_principal", "ลูกหนี้รอเรียกเก็บ-ต้นเงินกู้"),
    ("receivable_pending_interest", "ลูกหนี้รอเรียกเก็บ-ดอกเบี้ย"),
)


@dataclass(frozen=True)
class MemberDebt:
    """One debt: what it is, the GL role its balance sits on (member-linked), and the amount owed."""

    label: str
    account_role: str
    amount: Decimal


DebtProvider = Callable[..., list[MemberDebt]]


def gl_member_debts(*, member) -> list[MemberDebt]:
    """The default provider: positive member-linked balances of the loan and receivable roles."""
    from sahakorn.ledger.errors import LedgerError
    from sahakorn.ledger.selectors import account_balance

    debts = []
    for role, label in DEBT_ROLES:
        try:
            amount = account_balance(account=role, member_id=member.pk)
        except LedgerError:  # a chart without this role simply has no such debt
            continue
        if amount > ZERO:
            debts.append(MemberDebt(label=label, account_role=role, amount=amount))
    return debts


_providers: list[DebtProvider] = [gl_member_debts]


def member_debt_provider_register(provider: DebtProvider, *, replace_default: bool = True) -> None:
    """Use ``provider(member=…) -> list[MemberDebt]`` for debts.

    A sub-ledger that owns its debts (loans) replaces the GL-balance default, since both would
    report the same balances; ``replace_default=False`` adds it next to the others instead.
    """
    global _providers
    if replace_default:
        _providers = [p for p in _providers if p is not gl_member_debts]
    if provider not in _providers:
        _providers.append(provider)


def member_debts(*, member) -> list[MemberDebt]:
    """The member's debts to settle from shares, in the order they are settled."""
    return [debt for provider in _providers for debt in provider(member=member) if debt.amount > ZERO]


def member_debts_total(*, member) -> Decimal:
    return sum((debt.amount for debt in member_debts(member=member)), ZERO)
