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
    """One debt: what it is, the GL role its balance sits on (member-linked), and the amount owed.

    A sub-ledger that owns the debt (loans) also gives ``credit_lines(amount)`` (its own credit side,
    e.g. interest and principal apart), ``settle(amount=, on=, entry=, by=)`` to record the settlement
    in its own rows once the voucher is posted, and ``minimum``: the least it can take (a loan's
    interest to the day, which is paid whole).
    """

    label: str
    account_role: str
    amount: Decimal
    minimum: Decimal = ZERO
    credit_lines: Callable[[Decimal], list] | None = None
    settle: Callable[..., None] | None = None


DebtProvider = Callable[..., list[MemberDebt]]


def gl_member_debts(*, member, on=None) -> list[MemberDebt]:
    """The default provider: positive member-linked balances of the roles no sub-ledger has taken over."""
    from sahakorn.ledger.errors import LedgerError
    from sahakorn.ledger.selectors import account_balance

    debts = []
    for role, label in DEBT_ROLES:
        if role in _owned_roles:
            continue
        try:
            amount = account_balance(account=role, member_id=member.pk)
        except LedgerError:  # a chart without this role simply has no such debt
            continue
        if amount > ZERO:
            debts.append(MemberDebt(label=label, account_role=role, amount=amount))
    return debts


_providers: list[DebtProvider] = [gl_member_debts]
_owned_roles: set[str] = set()


def member_debt_provider_register(provider: DebtProvider, *, roles: tuple[str, ...] = ()) -> None:
    """Use ``provider(member=…, on=…) -> list[MemberDebt]`` for debts, ahead of the GL default.

    ``roles``: the GL roles the provider owns (the loans app: its three loan accounts); the GL
    default stops reading those, since both would report the same balances.
    """
    if provider not in _providers:
        _providers.insert(len(_providers) - 1 if gl_member_debts in _providers else len(_providers), provider)
    _owned_roles.update(roles)


def member_debts(*, member, on=None) -> list[MemberDebt]:
    """The member's debts to settle from shares on ``on`` (interest runs to that day), in the order
    they are settled."""
    return [debt for provider in _providers for debt in provider(member=member, on=on) if debt.amount > ZERO]


def member_debts_total(*, member, on=None) -> Decimal:
    return sum((debt.amount for debt in member_debts(member=member, on=on)), ZERO)


class DebtSettlementError(Exception):
    """A sub-ledger refuses to undo its settlement (its message is shown as the reason)."""


SettlementReversal = Callable[..., None]
_settlement_reversals: list[SettlementReversal] = []


def debt_settlement_reversal_register(fn: SettlementReversal) -> None:
    """``fn(entry=, reversal_entry=, on=, reason=, by=)`` runs when a withdrawal voucher that settled
    debts is reversed: the sub-ledger undoes its own rows that point at ``entry`` (or raises
    ``DebtSettlementError``). The ledger side is already reversed with the whole voucher."""
    if fn not in _settlement_reversals:
        _settlement_reversals.append(fn)


def debt_settlements_reverse(*, entry, reversal_entry, on, reason: str, by) -> None:
    for fn in _settlement_reversals:
        fn(entry=entry, reversal_entry=reversal_entry, on=on, reason=reason, by=by)
