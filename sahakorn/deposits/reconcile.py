"""Proof that the deposit sub-ledger agrees with itself and with the GL (กระทบยอดเงินฝาก).

For each GL deposit control account (``gl_role``): the sum of the transactions of the products
posting there equals the role's GL balance; overall the accounts' cached balances equal their
transactions, and any account whose cache or last running balance differs is listed.

``deposits_reconciled`` is the deposits' part of ``sahakorn reconcile`` (``SUBLEDGER.reconcile``) and
what ``sahakorn deposits check`` prints: the figures, each difference, and the verdict as the last line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection

from sahakorn.core.money import SATANG, ZERO, baht
from sahakorn.core.subledger import Reconciled
from sahakorn.core.thai import format_be_date
from sahakorn.deposits.models import DEPOSIT_GL_ROLES
from sahakorn.ledger.selectors import account_balance

# An officer reads the first differences; thousands of them only hide the verdict.
SHOW_AT_MOST = 20


@dataclass(frozen=True)
class RoleFigures:
    role: str
    transactions_amount: Decimal
    ledger_amount: Decimal

    @property
    def ok(self) -> bool:
        return self.transactions_amount == self.ledger_amount


@dataclass(frozen=True)
class CacheMismatch:
    account_id: int
    number: str
    cached: Decimal
    transactions: Decimal
    last_running: Decimal


@dataclass
class ReconcileResult:
    as_of: dt.date | None
    roles: list[RoleFigures]
    transactions_amount: Decimal
    accounts_amount: Decimal
    mismatches: list[CacheMismatch] = field(default_factory=list)
    lines: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            all(r.ok for r in self.roles)
            and not self.mismatches
            and (self.as_of is not None or self.accounts_amount == self.transactions_amount)
        )


def _cents(column: str) -> str:
    if connection.vendor == "sqlite":
        return f"CAST(ROUND({column} * 100) AS INTEGER)"
    return f"({column} * 100)"


def _money(cents) -> Decimal:
    return (Decimal(cents or 0) / 100).quantize(SATANG)


def deposits_reconcile(*, as_of: dt.date | None = None) -> ReconcileResult:
    """Per GL role: transactions == GL; overall: transactions == cached balances (as of ``as_of``).

    The caches hold today's balances, so with a past ``as_of`` each account's cache is compared
    with all its transactions only.
    """
    date_filter = "AND t.date <= %s" if as_of is not None else ""
    params = [as_of] if as_of is not None else []
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT p.gl_role, SUM({_cents("t.amount")})
              FROM deposits_deposittransaction t
              JOIN deposits_depositaccount a ON a.id = t.account_id
              JOIN deposits_depositproduct p ON p.id = a.product_id
             WHERE 1 = 1 {date_filter}
             GROUP BY p.gl_role
            """,  # noqa: S608 -- fixed fragments; values are parameters
            params,
        )
        by_role = {role: _money(cents) for role, cents in cursor.fetchall()}
        cursor.execute(f"SELECT SUM({_cents('balance')}) FROM deposits_depositaccount")  # noqa: S608
        accounts_amount = _money(cursor.fetchone()[0])
        # Accounts whose cache differs from their transactions, or from their last running balance.
        cursor.execute(
            f"""
            SELECT a.id, a.number, {_cents("a.balance")}, COALESCE(s.cents, 0), COALESCE(l.cents, 0)
              FROM deposits_depositaccount a
              LEFT JOIN (SELECT account_id, SUM({_cents("amount")}) AS cents
                           FROM deposits_deposittransaction GROUP BY account_id) s ON s.account_id = a.id
              LEFT JOIN (SELECT t.account_id, {_cents("t.balance_after")} AS cents
                           FROM deposits_deposittransaction t
                          WHERE t.id = (SELECT t2.id FROM deposits_deposittransaction t2
                                         WHERE t2.account_id = t.account_id
                                         ORDER BY t2.date DESC, t2.id DESC LIMIT 1)) l ON l.account_id = a.id
             WHERE {_cents("a.balance")} <> COALESCE(s.cents, 0) OR {_cents("a.balance")} <> COALESCE(l.cents, 0)
             ORDER BY a.number
            """  # noqa: S608
        )
        mismatches = [
            CacheMismatch(
                account_id=pk, number=number, cached=_money(c), transactions=_money(s), last_running=_money(r)
            )
            for pk, number, c, s, r in cursor.fetchall()
        ]
    roles = [
        RoleFigures(
            role=role,
            transactions_amount=by_role.get(role, ZERO),
            ledger_amount=account_balance(account=role, as_of=as_of),
        )  # fmt: skip
        for role in DEPOSIT_GL_ROLES
    ]
    transactions_amount = sum(by_role.values(), ZERO)
    label = f" ณ วันที่ {format_be_date(as_of)}" if as_of is not None else ""
    lines: list[tuple[str, str]] = []
    for r in roles:
        lines.append((f"{r.role}: รายการเงินฝาก{label}", f"{r.transactions_amount:,.2f}"))
        lines.append((f"{r.role}: บัญชีคุมในบัญชีแยกประเภท{label}", f"{r.ledger_amount:,.2f}"))
    lines += [
        (f"รวมรายการเงินฝาก{label}", f"{transactions_amount:,.2f}"),
        ("รวมยอดคงเหลือบัญชีเงินฝาก (ปัจจุบัน)", f"{accounts_amount:,.2f}"),
        ("บัญชีที่ยอดคงเหลือไม่ตรงกับรายการ", f"{len(mismatches):,}"),
    ]
    return ReconcileResult(as_of=as_of, roles=roles, transactions_amount=transactions_amount,
                           accounts_amount=accounts_amount, mismatches=mismatches, lines=lines)  # fmt: skip


def deposits_reconciled(*, as_of: dt.date | None = None) -> Reconciled:
    """The reconciliation as an officer reads it: the figures, then each difference, then the verdict."""
    result = deposits_reconcile(as_of=as_of)
    width = max(len(label) for label, _ in result.lines)
    lines = [f"  {label:<{width}}  {figure:>22}" for label, figure in result.lines]
    for r in result.roles:
        if not r.ok:
            lines.append(
                f"{r.role}: รายการ {baht(r.transactions_amount)} ≠ บัญชีแยกประเภท {baht(r.ledger_amount)} "
                "/ sub-ledger differs from the GL"
            )
    for m in result.mismatches[:SHOW_AT_MOST]:
        lines.append(
            f"บัญชี {m.number} ยอดคงเหลือ {baht(m.cached)} แต่รายการรวม {baht(m.transactions)} "
            f"ยอดคงเหลือในสมุดล่าสุด {baht(m.last_running)} / cached balance differs"
        )
    if len(result.mismatches) > SHOW_AT_MOST:
        lines.append(f"… และอีก {len(result.mismatches) - SHOW_AT_MOST:,} บัญชี / and more")
    lines.append(
        "ตรวจเงินฝากผ่าน / deposits check OK" if result.ok else "ตรวจเงินฝากไม่ผ่าน / deposits check FAILED"
    )
    return Reconciled(title="เงินฝาก / deposits", ok=result.ok, lines=lines)
