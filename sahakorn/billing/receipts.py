"""Receipts of the monthly deduction (ใบเสร็จรับเงิน): one per member per month, A5, re-printable.

The PDF is rendered from the receipt row and the frozen lines with nothing of the moment in it (no
print time), so printing it again gives the same bytes; a unit's batch is every receipt of its posting,
one to a page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation

from sahakorn.billing.models import LineReceipt, Receipt, UnitPosting
from sahakorn.core.money import ZERO
from sahakorn.core.reports import pdf_render
from sahakorn.core.selectors import coop_profile_get
from sahakorn.core.staticfinders import FONT_DIR


@dataclass(frozen=True)
class ReceiptLine:
    code: str
    label: str
    amount: Decimal
    over: Decimal


def receipt_lines(receipt: Receipt) -> list[ReceiptLine]:
    """What the receipt acknowledges, line by line in the bill's order (lines that received nothing left out)."""
    rows = (
        LineReceipt.objects.filter(line__bill_id=receipt.bill_id)
        .select_related("line__item")
        .order_by("line__priority", "line__reference", "line_id")
    )
    lines = [
        ReceiptLine(r.line.item.code, r.line.label, r.applied + r.over, r.over)
        for r in rows
        if r.applied + r.over > ZERO
    ]
    # What no line could take (a whole-only due the deduction could not cover) is on the receipt too,
    # so its lines add up to what was received.
    unplaced = receipt.amount - sum((line.amount for line in lines), ZERO)
    if unplaced > ZERO:
        lines.append(ReceiptLine("", "เงินหักเกิน รอคืนสมาชิก", unplaced, unplaced))
    return lines


def member_receipts(*, member) -> QuerySet[Receipt]:
    """The member's receipts, latest first (what the portal lists under "receipts of past months")."""
    return (
        Receipt.objects.filter(member=member)
        .select_related("bill__period", "bill__unit")
        .order_by("-issued_on", "-number")
    )


def posting_receipts(posting: UnitPosting) -> QuerySet[Receipt]:
    return (
        Receipt.objects.filter(posting=posting)
        .select_related("member", "bill__period", "bill__unit")
        .order_by("number")
    )


def receipts_pdf(receipts: Sequence[Receipt]) -> bytes:
    """The receipts as one PDF, one A5 page each."""
    pages = [{"receipt": r, "lines": receipt_lines(r)} for r in receipts]
    # A receipt is the coop's Thai document whoever prints it (and the same bytes every time).
    with translation.override("th"):
        html = render_to_string(
            "billing/receipt_pdf.html",
            {"pages": pages, "coop": coop_profile_get(), "font_dir_url": FONT_DIR.as_uri()},
        )
    return pdf_render(html)
