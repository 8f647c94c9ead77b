"""Reads of monthly billing: the bill preview before the freeze, a cycle's totals, a member's bills.

The member portal reads a member's latest bill through ``member_bill_latest`` (the same rows the
back office shows), never the tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, QuerySet

from sahakorn.billing.models import (
    BankDebitMandate,
    Bill,
    BillingCycle,
    BillingMethod,
    BillLine,
    CycleStatus,
    LineReceipt,
    OverDeduction,
    Receipt,
    StandingRefundChoice,
    UnitPosting,
)
from sahakorn.billing.services import DraftBill, billed_members, draft_bills
from sahakorn.core.money import ZERO, baht
from sahakorn.core.months import add_months
from sahakorn.core.selectors import money_from_sum, money_sum
from sahakorn.core.subledger import Reconciled, billing_change_reason
from sahakorn.members.models import Member, Unit


@dataclass(frozen=True)
class LineChange:
    """One difference from last month's bill: the line, the amounts, and why."""

    label: str
    before: Decimal
    after: Decimal
    reason: str

    @property
    def difference(self) -> Decimal:
        return self.after - self.before

    @property
    def text(self) -> str:
        """ "เงินกู้สามัญ สม-0123 ปิดสัญญาแล้ว → −2,340.00"."""
        sign = "+" if self.difference > 0 else "−"
        return f"{self.label}: {self.reason} → {sign}{baht(abs(self.difference))}"


@dataclass
class PreviewRow:
    """A member's would-be bill beside last month's frozen one."""

    member: Member
    bill: DraftBill | None
    last_total: Decimal
    changes: list[LineChange] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return self.bill.total_billed if self.bill is not None else ZERO

    @property
    def difference(self) -> Decimal:
        return self.total - self.last_total


def _generic_reason(before: Decimal, after: Decimal) -> str:
    if before == ZERO:
        return "รายการใหม่"
    if after == ZERO:
        return "ไม่มีเรียกเก็บเดือนนี้"
    return f"เปลี่ยนจาก {baht(before)} เป็น {baht(after)} บาท"


def _last_bills(members: list[Member], month: dt.date) -> dict[int, Bill]:
    last_month = add_months(month, -1)
    bills = Bill.objects.filter(member__in=members, period__month=last_month).prefetch_related(
        Prefetch("lines", queryset=BillLine.objects.select_related("item"))
    )
    return {bill.member_id: bill for bill in bills}


def billing_cycle_preview(
    *, cycle: BillingCycle, members: QuerySet[Member] | None = None
) -> list[PreviewRow]:
    """Each member's bill as it would be frozen now, with every change from last month and its reason.

    Lines are matched by (item, reference) (or by item alone when each month has one of it): a contract paid off is a line gone, a new contract a line
    new, a raised contribution a line changed; each sub-ledger names its own reason
    (``SubLedger.billing_change_reason``), billing falls back to "รายการใหม่" and the like. Only members
    whose bill changes are listed.
    """
    members = list((members if members is not None else billed_members(cycle)).select_related("unit"))
    month = cycle.period.month
    drafts = {bill.member.pk: bill for bill in draft_bills(cycle, members)}
    last = _last_bills(members, month)
    rows = []
    for member in members:
        draft, previous = drafts.get(member.pk), last.get(member.pk)
        now = {(line.item.kind, line.reference): line for line in (draft.lines if draft else [])}
        was = {(line.item.kind, line.reference): line for line in (previous.lines.all() if previous else [])}
        # An item billed once a month under a reference that moves (funeral dues: up to the newest
        # levy) is the same line this month and last.
        for kind in {key[0] for key in now} & {key[0] for key in was}:
            only_now = [key for key in now if key[0] == kind and key not in was]
            only_was = [key for key in was if key[0] == kind and key not in now]
            if len(only_now) == 1 and len(only_was) == 1:
                was[only_now[0]] = was.pop(only_was[0])
        changes = []
        for key in sorted(set(now) | set(was), key=lambda k: (now.get(k) or was[k]).item.priority):
            after = now[key].billed if key in now else ZERO
            before = was[key].billed if key in was else ZERO
            if after == before:
                continue
            line = now.get(key) or was[key]
            reason = billing_change_reason(
                member=member,
                subledger_key=line.subledger,
                kind=key[0],
                reference=key[1],
                period=month,
                before=before,
                after=after,
            )
            if key in now and now[key].cut_reason:
                reason = now[key].cut_reason
            changes.append(LineChange(line.label, before, after, reason or _generic_reason(before, after)))
        if changes:
            rows.append(
                PreviewRow(
                    member=member,
                    bill=draft,
                    last_total=previous.total_billed if previous else ZERO,
                    changes=changes,
                )  # fmt: skip
            )
    return rows


@dataclass(frozen=True)
class ItemTotal:
    code: str
    name: str
    lines: int
    demanded: Decimal
    billed: Decimal


def cycle_item_totals(*, cycle: BillingCycle) -> list[ItemTotal]:
    """A frozen cycle's totals per item, in priority order."""
    rows = (
        BillLine.objects.filter(bill__cycle=cycle)
        .values("item__code", "item__name", "priority")
        .annotate(lines=Count("id"), demanded=money_sum("demanded"), billed=money_sum("billed"))
        .order_by("priority", "item__code")
    )
    return [
        ItemTotal(
            row["item__code"],
            row["item__name"],
            row["lines"],
            money_from_sum(row["demanded"]),
            money_from_sum(row["billed"]),
        )
        for row in rows
    ]


def member_bill_latest(*, member: Member) -> Bill | None:
    """The member's latest frozen bill with its lines (what the portal shows as "this month's deduction")."""
    return (
        Bill.objects.filter(member=member, cycle__status__in=[CycleStatus.FROZEN, CycleStatus.CLOSED])
        .select_related("period", "cycle", "unit")
        .prefetch_related(Prefetch("lines", queryset=BillLine.objects.select_related("item")))
        .order_by("-period__month")
        .first()
    )


def member_bills(*, member: Member) -> QuerySet[Bill]:
    return Bill.objects.filter(member=member).select_related("period").order_by("-period__month")


# ======== The cycle's reconciliation (✔/✘) ========


def _mark(ok: bool) -> str:
    return "✔" if ok else "✘"


def cycle_reconciled(*, cycle: BillingCycle) -> Reconciled:
    """A cycle's figures by unit and by item, proved against each other and against the GL vouchers.

    billed = received + not deducted, received = taken by the sub-ledgers + over-deducted, for each
    unit's posting and in total; the postings' vouchers debit the bank with what was received, credit
    ``member_refund_payable`` with what was over-deducted and the sub-ledgers' accounts with the rest;
    the receipts add up to what was received. Every unit billed must have been posted.
    """
    from sahakorn.core.subledger import subledger
    from sahakorn.ledger.models import JournalEntry, JournalLine

    lines: list[str] = []
    ok = True
    if cycle.status == CycleStatus.OPEN:
        return Reconciled(
            title=f"เรียกเก็บ {cycle}",
            ok=False,
            lines=[f"✘ {cycle} ยังไม่ได้ประมวลผล", f"กระทบยอด{cycle}ไม่ผ่าน / billing cycle NOT reconciled"],
        )
    receipts = LineReceipt.objects.filter(line__bill__cycle=cycle)
    # A unit's payroll and its members' bank debits are posted apart: keyed by (unit, method).
    by_unit = {
        (row["bill__unit_id"], row["bill__method"]): money_from_sum(row["billed"])
        for row in BillLine.objects.filter(bill__cycle=cycle)
        .values("bill__unit_id", "bill__method")
        .annotate(billed=money_sum("billed"))
        .order_by()
    }
    applied_by_unit = {
        (row["line__bill__unit_id"], row["line__bill__method"]): money_from_sum(row["applied"])
        for row in receipts.values("line__bill__unit_id", "line__bill__method")
        .annotate(applied=money_sum("applied"))
        .order_by()
    }
    # Over-deductions are their own rows: a line's part the sub-ledger no longer owed, and what no line
    # could take (a whole-only line a short deduction could not cover).
    over_by_unit = {
        (row["posting__unit_id"], row["posting__method"]): money_from_sum(row["over"])
        for row in OverDeduction.objects.filter(posting__cycle=cycle)
        .values("posting__unit_id", "posting__method")
        .annotate(over=money_sum("amount"))
        .order_by()
    }
    postings = {
        (p.unit_id, p.method): p for p in UnitPosting.objects.filter(cycle=cycle).select_related("unit")
    }
    units = {u.pk: u for u in Unit.objects.filter(pk__in={unit_id for unit_id, _ in by_unit})}
    total_billed = total_applied = total_over = ZERO
    lines.append(f"{'หน่วย':<30} {'เรียกเก็บ':>16} {'หักได้':>16} {'หักไม่ได้':>16} {'หักเกิน':>14}")
    for key in sorted(by_unit, key=lambda key: (units[key[0]].code, key[1] != BillingMethod.PAYROLL)):
        unit = units[key[0]]
        billed = by_unit[key]
        applied, over = applied_by_unit.get(key, ZERO), over_by_unit.get(key, ZERO)
        posting = postings.get(key)
        by_bank = " (หักบัญชีธนาคาร)" if key[1] == BillingMethod.BANK else ""
        if posting is None:
            ok = False
            lines.append(
                f"✘ {unit.code} {unit.name}{by_bank}: ยังไม่ได้ผ่านรายการรับชำระ (เรียกเก็บ {baht(billed)})"
            )
            continue
        received = applied + over
        agrees = (posting.billed, posting.received, posting.over, posting.short) == (
            billed, received, over, billed - received,
        )  # fmt: skip
        ok &= agrees
        label = f"{unit.code}{' ธ.' if by_bank else ''} {unit.name}"[:28]
        lines.append(
            f"{_mark(agrees)} {label:<28} {baht(billed):>16} {baht(received):>16} {baht(billed - received):>16} "
            f"{baht(over):>14}"
        )
        total_billed += billed
        total_applied += applied
        total_over += over
    total_received = total_applied + total_over
    lines.append(
        f"  {'รวม':<28} {baht(total_billed):>16} {baht(total_received):>16} "
        f"{baht(total_billed - total_received):>16} {baht(total_over):>14}"
    )
    for total in cycle_item_totals(cycle=cycle):
        got = receipts.filter(line__item__code=total.code).aggregate(
            applied=money_sum("applied"), over=money_sum("over")
        )
        taken = money_from_sum(got["applied"]) + money_from_sum(got["over"])
        lines.append(f"  {total.code:<6} {total.name[:21]:<21} {baht(total.billed):>16} {baht(taken):>16} "
                     f"{baht(total.billed - taken):>16}")  # fmt: skip
    entry_ids = set(receipts.exclude(journal_entry=None).values_list("journal_entry_id", flat=True))
    entry_ids |= set(
        OverDeduction.objects.filter(posting__cycle=cycle).values_list("journal_entry_id", flat=True)
    )
    gl = JournalLine.objects.filter(entry_id__in=entry_ids)
    bank = gl.filter(account__roles__key="bank").aggregate(d=money_sum("debit"), c=money_sum("credit"))
    refund = gl.filter(account__roles__key="member_refund_payable").aggregate(c=money_sum("credit"))
    # The other side, net: a short payment that leaves interest owed debits the interest receivable
    # (arrears) inside the same voucher, so credits alone would overstate what was applied.
    others = gl.exclude(account__roles__key="bank").aggregate(d=money_sum("debit"), c=money_sum("credit"))
    bank_ok = money_from_sum(bank["d"]) - money_from_sum(bank["c"]) == total_received
    refund_ok = money_from_sum(refund["c"]) == total_over
    credit_ok = (
        money_from_sum(others["c"]) - money_from_sum(others["d"]) - money_from_sum(refund["c"])
        == total_applied
    )
    ok &= bank_ok and refund_ok and credit_ok
    lines.append(
        f"{_mark(bank_ok)} เงินฝากธนาคารตามใบสำคัญ {len(entry_ids)} ฉบับ = ยอดหักได้ {baht(total_received)}"
    )
    lines.append(f"{_mark(refund_ok)} เงินรอจ่ายคืนสมาชิก (หักเกิน) = {baht(total_over)}")
    lines.append(f"{_mark(credit_ok)} รับชำระเข้าระบบงาน = {baht(total_applied)}")
    # Each sub-ledger's own rows in these vouchers hold exactly what billing applied to it.
    applied_by_subledger = {
        row["line__subledger"]: money_from_sum(row["applied"])
        for row in receipts.values("line__subledger").annotate(applied=money_sum("applied")).order_by()
    }
    for key, applied in sorted(applied_by_subledger.items()):
        owner = subledger(key)
        taken = owner.billing_received(entry_ids=entry_ids)
        agrees = taken == applied
        ok &= agrees
        lines.append(
            f"{_mark(agrees)} {owner.title}: รายการของระบบงาน {baht(taken)} = รับชำระ {baht(applied)}"
        )
    reversed_entries = JournalEntry.objects.filter(reverses_id__in=entry_ids).count()
    ok &= reversed_entries == 0
    lines.append(f"{_mark(reversed_entries == 0)} ใบสำคัญรับชำระที่ถูกกลับรายการ {reversed_entries} ฉบับ")
    refunded = money_from_sum(
        OverDeduction.objects.filter(posting__cycle=cycle, refunded_on__isnull=False).aggregate(
            t=money_sum("amount")
        )["t"]
    )
    lines.append(f"  คืนเงินหักเกินแล้ว {baht(refunded)} รอคืน {baht(total_over - refunded)}")
    receipt_total = money_from_sum(
        Receipt.objects.filter(bill__cycle=cycle).aggregate(t=money_sum("amount"))["t"]
    )
    receipts_ok = receipt_total == total_received
    ok &= receipts_ok
    lines.append(f"{_mark(receipts_ok)} ใบเสร็จรับเงินรวม {baht(receipt_total)} = ยอดหักได้")
    lines.append(
        f"กระทบยอด{cycle}ผ่าน / billing cycle reconciled"
        if ok
        else f"กระทบยอด{cycle}ไม่ผ่าน / billing cycle NOT reconciled"
    )
    return Reconciled(title=f"เรียกเก็บ {cycle}", ok=ok, lines=lines)


@dataclass(frozen=True)
class UnitRow:
    """A unit's part of a cycle: its bills, what it is billed, and how far it has got."""

    unit: Unit
    bills: int
    billed: Decimal
    posting: UnitPosting | None
    pending_import: object | None


def cycle_units(*, cycle: BillingCycle) -> list[UnitRow]:
    from sahakorn.billing.models import DeductionImport, ImportStatus

    # Payroll only: members who pay by bank account are the bank's file (``bank_debit_summary``).
    rows = (
        Bill.objects.filter(cycle=cycle, method=BillingMethod.PAYROLL)
        .values("unit_id")
        .annotate(bills=Count("id"), billed=money_sum("total_billed"))
        .order_by()
    )
    units = {unit.pk: unit for unit in Unit.objects.filter(pk__in=[row["unit_id"] for row in rows])}
    postings = {p.unit_id: p for p in UnitPosting.objects.filter(cycle=cycle, method=BillingMethod.PAYROLL)}
    pending = {
        i.unit_id: i
        for i in DeductionImport.objects.filter(cycle=cycle, status=ImportStatus.VALIDATED).order_by(
            "uploaded_at"
        )
    }
    out = [
        UnitRow(
            unit=units[row["unit_id"]],
            bills=row["bills"],
            billed=money_from_sum(row["billed"]),
            posting=postings.get(row["unit_id"]),
            pending_import=pending.get(row["unit_id"]),
        )
        for row in rows
    ]
    return sorted(out, key=lambda r: r.unit.code)


@dataclass(frozen=True)
class BankDebitSummary:
    """The cycle's members who pay by bank account: how many, how much, and the bank's postings."""

    bills: int
    billed: Decimal
    postings: list[UnitPosting]

    @property
    def posted(self) -> bool:
        return bool(self.postings)

    @property
    def received(self) -> Decimal:
        return sum((posting.received for posting in self.postings), ZERO)


def bank_debit_summary(*, cycle: BillingCycle) -> BankDebitSummary:
    got = Bill.objects.filter(cycle=cycle, method=BillingMethod.BANK).aggregate(
        bills=Count("id"), billed=money_sum("total_billed")
    )
    postings = list(
        UnitPosting.objects.filter(cycle=cycle, method=BillingMethod.BANK)
        .select_related("unit")
        .order_by("unit__code")
    )
    return BankDebitSummary(bills=got["bills"], billed=money_from_sum(got["billed"]), postings=postings)


def posting_vouchers(postings: Sequence[UnitPosting]) -> list[str]:
    """The voucher numbers the postings are in (a posting has one a day its lines were received on,
    the posting day's for what it held for refund), in voucher order: what the success message
    names."""
    from sahakorn.ledger.models import JournalEntry

    ids = [p.pk for p in postings]
    # What is held for refund is on the posting day's voucher, which the lines it came from name too.
    entries = (
        JournalEntry.objects.filter(billing_receipts__posting_id__in=ids)
        .distinct()
        .select_related("fiscal_year")
        .order_by("fiscal_year__year_be", "voucher_no")
    )
    return [entry.voucher_label for entry in entries]


def bank_debit_mandates(*, q: str = "") -> QuerySet[BankDebitMandate]:
    """Mandates, those in force first, by member number (the settings screen's list)."""
    rows = BankDebitMandate.objects.select_related("member", "created_by", "ended_by").order_by(
        F("ends").desc(nulls_first=True), "member__number", "-starts"
    )
    if q:
        rows = rows.filter(member__number=q)
    return rows


def refund_choices(*, q: str = "") -> QuerySet[StandingRefundChoice]:
    """Members' standing refund choices by member number (``q``: one member's number)."""
    rows = StandingRefundChoice.objects.select_related("member", "account", "set_by").order_by(
        "member__number"
    )
    if q:
        rows = rows.filter(member__number=q)
    return rows


def unit_item_totals(*, cycle: BillingCycle, unit: Unit) -> list[ItemTotal]:
    """One unit's billed totals per item (the invoice's lines: deducted from pay)."""
    rows = (
        BillLine.objects.filter(
            bill__cycle=cycle, bill__unit=unit, bill__method=BillingMethod.PAYROLL, billed__gt=0
        )
        .values("item__code", "item__name", "priority")
        .annotate(
            lines=Count("bill_id", distinct=True), demanded=money_sum("demanded"), billed=money_sum("billed")
        )
        .order_by("priority", "item__code")
    )
    return [
        ItemTotal(
            r["item__code"],
            r["item__name"],
            r["lines"],
            money_from_sum(r["demanded"]),
            money_from_sum(r["billed"]),
        )
        for r in rows
    ]


@dataclass(frozen=True)
class StandingRefundSummary:
    """What paying back by the members' standing choices would do: per way, and what stays."""

    by_channel: list[tuple[str, int, Decimal]]  # (the way, rows, amount)
    without_choice: int
    without_amount: Decimal

    @property
    def count(self) -> int:
        return sum(n for _, n, _ in self.by_channel)

    @property
    def amount(self) -> Decimal:
        return sum((amount for _, _, amount in self.by_channel), ZERO)


def over_deductions_standing_summary() -> StandingRefundSummary:
    from sahakorn.billing.models import OverDeduction, RefundChannel

    pending = OverDeduction.objects.filter(refunded_on__isnull=True).order_by()
    rows = (
        pending.values("member__refund_choice__channel")
        .annotate(n=Count("id"), total=money_sum("amount"))
        .values_list("member__refund_choice__channel", "n", "total")
    )
    by_channel, without, without_amount = [], 0, ZERO
    for channel, n, total in sorted(rows, key=lambda row: row[0] or ""):
        if channel is None:
            without, without_amount = n, money_from_sum(total)
        else:
            by_channel.append((RefundChannel(channel).label, n, money_from_sum(total)))
    return StandingRefundSummary(by_channel=by_channel, without_choice=without, without_amount=without_amount)
