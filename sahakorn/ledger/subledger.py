"""The general ledger's part of the sub-ledger contract (``core.subledger``).

The ledger is no sub-ledger, but two things every sub-ledger relies on are its own: the proof that
every voucher balances (in ``sahakorn reconcile``), and the member-linked balances of the debt roles
no sub-ledger has taken over (a coop migrating its loans, before their contracts are loaded), which
shares settle on leaving after every sub-ledger's own debts (hence ``order`` last).
"""

from __future__ import annotations

import datetime as dt

from sahakorn.core.money import ZERO
from sahakorn.core.subledger import MemberDebt, Reconciled, SubLedger, owned_debt_roles

DEBT_ROLES: tuple[tuple[str, str], ...] = (
    ("loan_emergency", "เงินกู้ฉุกเฉิน"),
    ("loan_ordinary", "เงินกู้สามัญ"),
    ("loan_special", "เงินกู้พิเศษ"),
    ("receivable_pending_principal", "ลูกหนี้รอเรียกเก็บ-ต้นเงินกู้"),
    ("receivable_pending_interest", "ลูกหนี้รอเรียกเก็บ-ดอกเบี้ย"),
)


class GeneralLedger(SubLedger):
    key = "ledger"
    title = "บัญชีแยกประเภท"
    order = 1000

    def member_debts(self, *, member, on: dt.date | None) -> list[MemberDebt]:
        """Positive member-linked balances of the debt roles no sub-ledger owns."""
        from sahakorn.ledger.errors import LedgerError
        from sahakorn.ledger.selectors import account_balance

        owned = owned_debt_roles()
        debts = []
        for role, label in DEBT_ROLES:
            if role in owned:
                continue
            try:
                amount = account_balance(account=role, member_id=member.pk)
            except LedgerError:  # a chart without this role simply has no such debt
                continue
            if amount > ZERO:
                debts.append(MemberDebt(label=label, account_role=role, amount=amount))
        return debts

    def reconcile(self, *, as_of: dt.date | None = None) -> Reconciled:
        from sahakorn.ledger.reconcile import ledger_reconcile

        result = ledger_reconcile()
        if as_of is None:
            return result
        # A voucher balances or not whatever day one looks from: the proof always covers them all.
        note = "  ตรวจทุกใบสำคัญ ไม่ว่าลงวันที่ใด / every voucher, whatever its date"
        return Reconciled(title=result.title, ok=result.ok, lines=[note, *result.lines])


SUBLEDGER = GeneralLedger()
