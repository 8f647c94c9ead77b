"""Proof that the general ledger is whole (ตรวจบัญชีแยกประเภท), for ``sahakorn reconcile`` and ``ledger check``.

Every posted voucher balances (one GROUP BY over its lines), total debits equal total credits,
no posted voucher is empty and no line sits on a header account.
"""

from __future__ import annotations

from sahakorn.core.subledger import Reconciled
from sahakorn.ledger.selectors import ledger_totals, unbalanced_entries

SHOW_AT_MOST = 20


def ledger_reconcile() -> Reconciled:
    unbalanced = unbalanced_entries()
    totals = ledger_totals()
    problems = []
    for row in unbalanced[:SHOW_AT_MOST]:
        problems.append(
            f"ใบสำคัญ {row.voucher_label} (id {row.entry_id}) ไม่สมดุล / unbalanced: "
            f"Dr {row.debit_total:,.2f} Cr {row.credit_total:,.2f}"
        )
    if len(unbalanced) > SHOW_AT_MOST:
        problems.append(
            f"… และอีก {len(unbalanced) - SHOW_AT_MOST} ฉบับ / and {len(unbalanced) - SHOW_AT_MOST} more"
        )
    if totals.total_debit != totals.total_credit:
        problems.append(
            f"เดบิตรวมไม่เท่ากับเครดิตรวม / total debits differ from total credits: "
            f"Dr {totals.total_debit:,.2f} Cr {totals.total_credit:,.2f}"
        )
    if totals.empty_entries:
        problems.append(f"ใบสำคัญที่ไม่มีรายการ / posted entries without lines: {totals.empty_entries}")
    if totals.header_lines:
        problems.append(f"รายการที่ผ่านเข้าบัญชีคุม / lines posted to header accounts: {totals.header_lines}")
    summary = (
        f"ใบสำคัญ {totals.entries:,} ฉบับ {totals.lines:,} รายการ / {totals.entries:,} entries, "
        f"{totals.lines:,} lines · เดบิต Dr {totals.total_debit:,.2f} · เครดิต Cr {totals.total_credit:,.2f}"
    )
    if problems:
        lines = [
            *problems,
            f"ตรวจบัญชีไม่ผ่าน / ledger check FAILED ({len(problems)} ปัญหา / problems): {summary}",
        ]
        return Reconciled(title="บัญชีแยกประเภท / general ledger", ok=False, lines=lines)
    return Reconciled(
        title="บัญชีแยกประเภท / general ledger", ok=True, lines=[f"ตรวจบัญชีผ่าน / ledger check OK: {summary}"]
    )
