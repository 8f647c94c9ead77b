"""Writes of monthly billing: the calendar, the item table and the freeze (ประมวลผลเรียกเก็บ).

Every sub-ledger is asked through the contract (``core.subledger``), never through its tables. The
freeze is all-or-nothing and once per cycle: a second call returns the cycle as frozen and writes
nothing. docs/billing.md is the design; posting, files, imports and receipts come next.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from sahakorn.billing.errors import BillingError
from sahakorn.billing.models import (
    BankDebitMandate,
    Bill,
    BillingCycle,
    BillingEvent,
    BillingEventKind,
    BillingItem,
    BillingMethod,
    BillingPeriod,
    BillLine,
    CycleStatus,
    DeductionImport,
    DeductionImportLine,
    ImportStatus,
    LineReceipt,
    NetPayFloor,
    OverDeduction,
    PayGroup,
    Receipt,
    ReceiptSequence,
    RefundChannel,
    RefundChoice,
    StandingRefundChoice,
    UnitBilling,
    UnitPosting,
)
from sahakorn.core.bulk import no_cycle_collection, rows_insert, rows_update
from sahakorn.core.dates import today
from sahakorn.core.errors import ServiceError
from sahakorn.core.money import ZERO, Rounding, baht, round_money
from sahakorn.core.months import add_months, month_end
from sahakorn.core.subledger import (
    BillingReceipt,
    DemandRow,
    SubLedger,
    billing_kinds,
    demand_rows,
    monthly_demands,
    subledger,
    subledgers,
)
from sahakorn.core.thai import format_be_date
from sahakorn.members.models import Member, MemberStatus, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DEFAULT_GROUP_CODE = "MAIN"


def coop_short_name() -> str:
    """How a message to a member names the coop (SMS is short)."""
    from sahakorn.core.selectors import coop_profile_get

    profile = coop_profile_get()
    return profile.short_name or profile.name_th


BULK_BATCH_SIZE = 5000


# ======== The item table and the calendar ========


def billing_items_sync() -> list[BillingItem]:
    """Add an item for every kind a sub-ledger bills that has none yet; the coop's edits are kept."""
    existing = set(BillingItem.objects.values_list("kind", flat=True))
    taken_codes = set(BillingItem.objects.values_list("code", flat=True))
    created = []
    for kind in billing_kinds():
        if kind.key in existing:
            continue
        code = kind.code
        n = 2
        while code in taken_codes:  # the coop used the default code for an item of its own
            code, n = f"{kind.code}{n}", n + 1
        taken_codes.add(code)
        created.append(
            BillingItem(
                code=code,
                name=kind.label,
                subledger=kind.key.split(".", 1)[0],
                kind=kind.key,
                priority=kind.priority,
                whole_only=kind.whole_only,
            )
        )
    BillingItem.objects.bulk_create(created)
    return created


def pay_group_default() -> PayGroup:
    """The group of every unit not given one; created with the usual days on first use."""
    group = PayGroup.objects.filter(is_default=True).first()
    if group is None:
        group, _ = PayGroup.objects.get_or_create(
            code=DEFAULT_GROUP_CODE, defaults={"name": "หน่วยงานทั่วไป", "is_default": True}
        )
    return group


def _day_of(month: dt.date, day: int) -> dt.date:
    """Day ``day`` of ``month`` (0, or past the month's end: its last day)."""
    last = month_end(month)
    return last if day == 0 or day > last.day else month.replace(day=day)


@transaction.atomic
def billing_period_open(*, month: dt.date, by: User | None = None) -> BillingPeriod:
    """Open a month for billing (เปิดงวดเรียกเก็บ) with one cycle per pay group, dated by the group's days.

    Idempotent: an open period is returned, with a cycle added for a group created since.
    """
    month = month.replace(day=1)
    latest = add_months(today().replace(day=1), 1)
    if month > latest:
        raise BillingError(
            f"เปิดงวด{format_be_date(month, 'month')}ไม่ได้: เปิดงวดล่วงหน้าได้ถึงเดือนถัดไป "
            f"({format_be_date(latest, 'month')}) เท่านั้น",
            field="month",
        )
    billing_items_sync()
    pay_group_default()
    period, _ = BillingPeriod.objects.get_or_create(month=month, defaults={"opened_by": by})
    have = set(period.cycles.values_list("pay_group_id", flat=True))
    BillingCycle.objects.bulk_create(
        BillingCycle(
            period=period,
            pay_group=group,
            processing_date=_day_of(month, group.processing_day),
            send_date=_day_of(month, group.send_day),
            pay_date=_day_of(month, group.pay_day),
            posting_date=_day_of(month, group.posting_day),
        )
        for group in PayGroup.objects.exclude(pk__in=have).order_by("code")
    )
    return period


# ======== What a member is billed ========


@dataclass
class DraftLine:
    """A line before it is frozen: what the sub-ledger asked, and what the cap lets through."""

    item: BillingItem
    subledger: str
    reference: str
    for_period: dt.date
    label: str
    demanded: Decimal
    arrears: Decimal = ZERO
    due_on: dt.date | None = None
    step: Decimal | None = None
    billed: Decimal = ZERO
    cut_reason: str = ""

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return (self.item.kind, self.reference, self.for_period)


@dataclass
class DraftBill:
    member: Member
    salary: Decimal
    cap: Decimal | None
    lines: list[DraftLine] = field(default_factory=list)
    method: str = BillingMethod.PAYROLL

    @property
    def total_demanded(self) -> Decimal:
        return sum((line.demanded for line in self.lines), ZERO)

    @property
    def total_billed(self) -> Decimal:
        return sum((line.billed for line in self.lines), ZERO)


def _items_by_kind() -> dict[str, BillingItem]:
    return {item.kind: item for item in BillingItem.objects.all()}


def demand_line(row: DemandRow, *, period: dt.date, items: dict[str, BillingItem]) -> DraftLine | None:
    """The bill line of one demand row (None: its item is switched off).

    A row of a kind with no item (a sub-ledger added since the items were synced) is refused rather
    than billed under a guess.
    """
    item = items.get(row.kind)
    if item is None:
        raise BillingError(f"ไม่มีรายการเรียกเก็บสำหรับ “{row.kind}” ({row.label}): ตั้งรายการเรียกเก็บก่อน")
    if not item.is_active:
        return None
    label = row.label if ":" not in row.kind else f"{item.name} {row.label}"
    return DraftLine(
        item=item,
        subledger=row.subledger,
        reference=row.reference,
        for_period=period,
        label=label[:200],
        demanded=row.amount,
        arrears=row.arrears,
        due_on=row.due_on,
        step=row.step,
    )


def net_pay_cap(*, salary: Decimal, percent_left: Decimal | None) -> Decimal | None:
    """What may be deducted so that ``percent_left`` of the salary is left (truncated to the satang:
    never a satang past the floor); None when there is no floor or no salary on file."""
    if percent_left is None or salary <= ZERO:
        return None
    return round_money(salary * (Decimal(100) - percent_left) / Decimal(100), Rounding.SATANG_TRUNCATE)


def part_of(amount: Decimal, left: Decimal, *, whole_only: bool, step: Decimal | None) -> Decimal:
    """How much of a line ``left`` can take: all of it, or a part — none for a whole-only line, whole
    steps (shares at par) for a stepped one."""
    if amount <= left:
        return amount
    if whole_only or left <= ZERO:
        return ZERO
    if step:
        return (left // step) * step
    return left


def cap_apply(bill: DraftBill) -> DraftBill:
    """Bill each line in priority order while the cap lasts (the net-pay floor).

    A line that does not fit is billed in part, or not at all if its item is whole-only (shares,
    dues); a later, smaller line may still fit. Without a cap every line is billed whole.
    """
    # Arrears of an item before its current month (DOMAIN.md), then the month, then the reference.
    bill.lines.sort(
        key=lambda line: (line.item.priority, line.arrears <= ZERO, line.for_period, line.reference)
    )
    left = bill.cap
    for line in bill.lines:
        if left is None:
            line.billed = line.demanded
            continue
        line.billed = part_of(line.demanded, left, whole_only=line.item.whole_only, step=line.step)
        if line.billed == ZERO and line.demanded > ZERO:
            line.cut_reason = f"เกินเพดานหักเงินเดือน (หักได้อีก {baht(left)} บาท)"
        elif line.billed < line.demanded:
            line.cut_reason = f"เกินเพดานหักเงินเดือน เรียกเก็บได้ {baht(line.billed)} จาก {baht(line.demanded)} บาท"
        left -= line.billed
    return bill


def billed_members(cycle: BillingCycle):
    """The members a cycle bills: active on the processing day's month end, joined by then, in the
    group's units (a unit without a group is in the default one)."""
    last = month_end(cycle.period.month)
    members = Member.objects.filter(status=MemberStatus.ACTIVE, joined_on__lte=last)
    grouped = UnitBilling.objects.values("unit_id")
    if cycle.pay_group.is_default:
        members = members.filter(Q(unit__billing__pay_group=cycle.pay_group) | ~Q(unit_id__in=grouped))
    else:
        members = members.filter(unit__billing__pay_group=cycle.pay_group)
    # A member billed already this month (moved between groups after an earlier freeze) is not billed twice.
    return members.exclude(bills__period_id=cycle.period_id).order_by("number")


def _floors() -> dict[str, Decimal]:
    return dict(NetPayFloor.objects.values_list("member_type", "percent_left"))


def draft_bills(
    cycle: BillingCycle,
    members: Sequence[Member],
    *,
    items: dict[str, BillingItem] | None = None,
    naive: bool = False,
) -> list[DraftBill]:
    """Each member's bill as the sub-ledgers ask it today, capped by the net-pay floor.

    Every sub-ledger is asked once for all ``members`` (``SubLedger.billing_demand_rows``, set-based
    where the sub-ledger has it); ``naive`` asks member by member through ``monthly_demands`` instead,
    the baseline ``sahakorn bench billing`` measures against (the same bills).
    """
    items = items if items is not None else _items_by_kind()
    floors = _floors()
    period = cycle.period.month
    by_member: dict[int, list[DraftLine]] = {}
    if naive:
        rows = [
            row
            for member in members
            for demand in monthly_demands(member=member, period=period)
            for row in demand_rows(demand, member_id=member.pk)
        ]
    else:
        rows = [
            row for item in subledgers() for row in item.billing_demand_rows(period=period, members=members)
        ]
    for row in rows:
        line = demand_line(row, period=period, items=items)
        if line is not None:
            by_member.setdefault(row.member_id, []).append(line)
    by_bank = bank_payers(period=period, members=members)
    bills = []
    for member in members:
        lines = by_member.get(member.pk)
        if not lines:
            continue
        if member.pk in by_bank:
            # Debited from the member's bank account: nothing comes out of pay, no net-pay floor.
            draft = DraftBill(
                member=member, salary=member.salary, cap=None, lines=lines, method=BillingMethod.BANK
            )
        else:
            cap = net_pay_cap(salary=member.salary, percent_left=floors.get(member.member_type))
            draft = DraftBill(member=member, salary=member.salary, cap=cap, lines=lines)
        bills.append(cap_apply(draft))
    return bills


def bank_payers(*, period: dt.date, members: Sequence[Member]) -> set[int]:
    """The members among ``members`` whose bill for ``period``'s month is debited from their bank
    account (a ``BankDebitMandate`` in force that month)."""
    from sahakorn.core.selectors import WHOLE_BOOK, in_chunks

    first = period.replace(day=1)
    mandates = BankDebitMandate.objects.filter(starts__lte=first).filter(
        Q(ends__isnull=True) | Q(ends__gt=first)
    )
    if len(members) >= WHOLE_BOOK:
        wanted = {member.pk for member in members}
        return {
            member_id for member_id in mandates.values_list("member_id", flat=True) if member_id in wanted
        }
    return set(in_chunks(mandates.values_list("member_id", flat=True), "member_id", [m.pk for m in members]))


# ======== The freeze ========


@transaction.atomic
def billing_cycle_freeze(*, cycle: BillingCycle, by: User | None = None) -> BillingCycle:
    """Freeze a cycle (ประมวลผลและคงยอดเรียกเก็บ): every billed member's bill, written once.

    Idempotent: a frozen cycle is returned unchanged. The cycle row is locked first, so two officers
    pressing the button at once freeze it once.
    """
    started, reading_from = time.perf_counter(), timezone.now()
    cycle = BillingCycle.objects.select_for_update().select_related("period", "pay_group").get(pk=cycle.pk)
    if cycle.status != CycleStatus.OPEN:
        return cycle
    _refuse_unposted_previous(cycle)
    billing_items_sync()
    with no_cycle_collection():  # a month's bills and lines are millions of objects (core.bulk)
        bills = draft_bills(cycle, list(billed_members(cycle).select_related("unit")))
        _bills_write(cycle, bills)
    cycle.status = CycleStatus.FROZEN
    # When the freeze began reading the books: posting asks again about whatever was written since.
    cycle.frozen_at = reading_from
    cycle.frozen_by = by
    cycle.bills = len(bills)
    cycle.lines = sum(len(bill.lines) for bill in bills)
    cycle.total_demanded = sum((bill.total_demanded for bill in bills), ZERO)
    cycle.total_billed = sum((bill.total_billed for bill in bills), ZERO)
    cycle.freeze_seconds = Decimal(f"{time.perf_counter() - started:.3f}")
    cycle.save()
    return cycle


def _refuse_unposted_previous(cycle: BillingCycle) -> None:
    """A month is frozen after the group's previous month is posted: until then what that month billed
    is still owed in the sub-ledgers, and would be billed a second time."""
    previous = (
        BillingCycle.objects.filter(
            pay_group=cycle.pay_group, period__month=add_months(cycle.period.month, -1)
        )
        .select_related("period", "pay_group")
        .first()
    )
    if previous is None or previous.status != CycleStatus.FROZEN:
        return
    # A unit's payroll and its members' bank debits are posted apart: each (unit, method) billed.
    billed_units = set(Bill.objects.filter(cycle=previous).values_list("unit_id", "method").distinct())
    posted_units = set(UnitPosting.objects.filter(cycle=previous).values_list("unit_id", "method"))
    waiting = billed_units - posted_units
    if waiting:
        raise BillingError(
            f"ประมวลผล{cycle}ไม่ได้: {previous} ยังไม่ได้ผ่านรายการรับชำระอีก {len(waiting):,} หน่วย "
            "(ยอดที่เรียกเก็บไว้ยังค้างอยู่ในระบบงาน จะถูกเรียกเก็บซ้ำ)"
        )


def _bills_write(cycle: BillingCycle, bills: Sequence[DraftBill]) -> None:
    """Write the frozen bills and their lines as plain rows (COPY on PostgreSQL): a month of 100,000
    members is about a million lines, and a model instance each would be most of the freeze's time."""
    from sahakorn.core.bulk import ids_reserve

    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                ids = ids_reserve(Bill._meta.db_table, len(bills))
                rows_insert(
                    Bill._meta.db_table,
                    [
                        "id",
                        "cycle_id",
                        "period_id",
                        "member_id",
                        "unit_id",
                        "method",
                        "salary",
                        "cap",
                        "total_demanded",
                        "total_billed",
                    ],  # fmt: skip
                    [
                        (
                            bill_id,
                            cycle.pk,
                            cycle.period_id,
                            bill.member.pk,
                            bill.member.unit_id,
                            str(bill.method),
                            bill.salary,
                            bill.cap,
                            bill.total_demanded,
                            bill.total_billed,
                        )  # fmt: skip
                        for bill_id, bill in zip(ids, bills, strict=True)
                    ],
                )
            else:
                rows = Bill.objects.bulk_create(
                    (
                        Bill(
                            cycle=cycle,
                            period_id=cycle.period_id,
                            member=bill.member,
                            unit_id=bill.member.unit_id,
                            method=bill.method,
                            salary=bill.salary,
                            cap=bill.cap,
                            total_demanded=bill.total_demanded,
                            total_billed=bill.total_billed,
                        )  # fmt: skip
                        for bill in bills
                    ),
                    batch_size=BULK_BATCH_SIZE,
                )
                ids = [row.pk for row in rows]
    except IntegrityError as e:  # pragma: no cover - billed_members excludes them; a race is refused
        raise BillingError(f"{cycle}: มีสมาชิกที่ออกใบเรียกเก็บเดือนนี้แล้ว ประมวลผลใหม่อีกครั้ง") from e
    rows_insert(
        BillLine._meta.db_table,
        [
            "bill_id",
            "item_id",
            "priority",
            "subledger",
            "reference",
            "for_period",
            "label",
            "demanded",
            "arrears",
            "billed",
            "cut_reason",
            "due_on",
            "step",
        ],  # fmt: skip
        [
            (
                bill_id,
                line.item.pk,
                line.item.priority,
                line.subledger,
                line.reference,
                line.for_period,
                line.label,
                line.demanded,
                line.arrears,
                line.billed,
                line.cut_reason,
                line.due_on,
                line.step,
            )  # fmt: skip
            for bill_id, bill in zip(ids, bills, strict=True)
            for line in bill.lines
        ],
    )


# ======== Posting what a unit deducted (ผ่านรายการรับชำระ) ========


def allocate(lines: Sequence[_PostLine], amount: Decimal) -> tuple[dict[int, Decimal], Decimal]:
    """Spread what was deducted over the frozen lines in priority order (interest, principal —
    emergency, ordinary, special — shares, dues …); a whole-only line takes its whole amount or
    nothing, a stepped one whole steps (shares at par). Returns each line's part and what no line
    could take (held as over-deducted)."""
    parts: dict[int, Decimal] = {}
    left = amount
    for line in sorted(
        lines,
        key=lambda line: (line.priority, line.arrears <= ZERO, line.for_period, line.reference, line.pk),
    ):
        take = part_of(line.billed, left, whole_only=line.whole_only, step=line.step)
        parts[line.pk] = take
        left -= take
    return parts, left


FRESH_MARGIN = dt.timedelta(minutes=15)


def _fresh_rows(
    members: Sequence[Member],
    period: dt.date,
    lines: Sequence[_PostLine],
    member_of: dict[int, int],
    *,
    frozen_at: dt.datetime | None,
) -> dict[tuple[int, str, str], DemandRow | None]:
    """What each sub-ledger's frozen lines come to today, by (member, item kind, reference), every
    sub-ledger asked once for all of them (``SubLedger.billing_owed``): what was paid at the counter
    since the freeze is not taken twice; None: nothing is owed on it now. A sub-ledger that can name
    the members changed since the freeze (``SubLedger.billing_changed``) is asked for those only; the
    others' lines are not in the result: they stand as frozen (a month is 750,000 lines at 100,000
    members, nearly all unchanged)."""
    # A counter payment committed after the freeze began reading carries the time it was written, which
    # may be a little before: a transaction's length of margin (a request ends within a minute; another
    # pay group's posting at 100,000 members takes two).
    since = frozen_at - FRESH_MARGIN if frozen_at is not None else None
    fresh: dict[tuple[int, str, str], DemandRow | None] = {}
    for item in subledgers():
        mine = [line for line in lines if line.subledger == item.key]
        changed = item.billing_changed(since=since) if mine and since is not None else None
        asked = mine if changed is None else [line for line in mine if member_of[line.bill_id] in changed]
        if asked:
            keys = [(member_of[line.bill_id], line.kind, line.reference) for line in asked]
            wanted = {member_id for member_id, _, _ in keys}
            owed = item.billing_owed(
                period=period, members=[m for m in members if m.pk in wanted], lines=keys
            )
            for key in keys:
                fresh[key] = owed.get(key)
    return fresh


POSTING_MEMBER_FIELDS = ("member__number", "member__title", "member__first_name", "member__last_name")


@dataclass(slots=True)
class _PostLine:
    """A frozen line as posting reads it (plain values: a cycle has millions of lines; its label is
    read only for the few a message names, ``_line_labels``)."""

    pk: int
    bill_id: int
    subledger: str
    kind: str
    whole_only: bool
    priority: int
    arrears: Decimal
    for_period: dt.date
    reference: str
    billed: Decimal
    step: Decimal | None
    demanded: Decimal
    due_on: dt.date | None


def _post_lines(bill_ids: Sequence[int]) -> dict[int, list[_PostLine]]:
    from sahakorn.core.selectors import in_chunks

    rows = BillLine.objects.values_list(
        "pk", "bill_id", "subledger", "item__kind", "item__whole_only", "priority", "arrears", "for_period", "reference",
        "billed", "step", "demanded", "due_on",
    )  # fmt: skip
    # One string object for each distinct sub-ledger, kind and reference (750,000 lines, a few dozen
    # kinds; a contract's two lines share its number).
    same: dict[str, str] = {}
    one = same.setdefault
    lines: dict[int, list[_PostLine]] = {}
    for pk, bill_id, key, kind, whole_only, priority, arrears, for_period, reference, *rest in in_chunks(
        rows, "bill_id", bill_ids
    ):
        line = _PostLine(
            pk, bill_id, one(key, key), one(kind, kind), whole_only, priority, arrears, for_period,
            one(reference, reference), *rest,
        )  # fmt: skip
        lines.setdefault(bill_id, []).append(line)
    return lines


def _line_labels(line_ids: Sequence[int]) -> dict[int, str]:
    from sahakorn.core.selectors import in_chunks

    return dict(in_chunks(BillLine.objects.values_list("pk", "label"), "pk", line_ids))


def _refuse_bad_deductions(bills: dict[int, Bill], deducted: dict[int, Decimal], unit) -> None:
    for member_id, amount in deducted.items():
        bill = bills.get(member_id)
        if bill is None:
            raise BillingError(f"สมาชิกรหัส {member_id} ไม่มีใบเรียกเก็บของ{unit}ในรอบนี้", field="deducted")
        if amount < ZERO or amount != round_money(amount):
            raise BillingError(
                f"{bill.member.number_and_name}: ยอดที่หักได้ {amount} ไม่ถูกต้อง (ต้องไม่ติดลบ ทศนิยม 2 ตำแหน่ง)",
                field="deducted",
            )
        if amount > bill.total_billed:
            raise BillingError(
                f"{bill.member.number_and_name}: ยอดที่หักได้ {baht(amount)} บาท เกินยอดเรียกเก็บ "
                f"{baht(bill.total_billed)} บาท",
                field="deducted",
            )


def billing_unit_post(
    *,
    cycle: BillingCycle,
    unit,
    deducted: dict[int, Decimal] | None = None,
    by: User | None = None,
    naive: bool = False,
) -> UnitPosting:
    """Post what ``unit`` deducted for a frozen cycle (``billing_units_post`` for one unit).

    ``deducted``: member id → the amount the unit deducted from that member (a member missing from it
    paid in full; None: everyone paid in full). A second call returns the first posting.
    """
    [posting] = billing_units_post(cycle=cycle, deductions={unit: deducted}, by=by, naive=naive)
    return posting


def billing_units_post(
    *,
    cycle: BillingCycle,
    deductions: dict,
    by: User | None = None,
    naive: bool = False,
    method: str = BillingMethod.PAYROLL,
) -> list[UnitPosting]:
    """Post what each unit deducted for a frozen cycle: one voucher per unit and receipt date (normally
    one, the cycle's posting date), each line's part to its sub-ledger, shortfalls left owed,
    over-deductions held; one ``UnitPosting`` per unit, in ``deductions``' order.

    ``deductions``: unit → {member id → amount deducted} (a member missing paid in full; None: the
    whole unit paid in full). All or nothing, once per cycle and unit: a unit already posted keeps its
    first posting and nothing of it is written again. The units are taken together, set-based: every
    sub-ledger is asked once for what the members owe today (``billing_demand_rows``) and takes every
    unit's receipts at once (``SubLedger.billing_receipts``), the vouchers go in together
    (``journal_entries_post_bulk``). ``naive`` makes each sub-ledger take its receipts demand by demand
    instead (the contract's default, what ``sahakorn bench billing`` sets this against).

    ``method``: payroll posts what each unit deducted from pay; bank posts what the bank debited from
    the unit's members who pay by bank account (``bank_debits_post``), a posting and voucher apart.
    """
    with no_cycle_collection():
        return _units_post(cycle=cycle, deductions=deductions, by=by, naive=naive, method=method)


@transaction.atomic
def _units_post(
    *, cycle: BillingCycle, deductions: dict, by: User | None, naive: bool, method: str
) -> list[UnitPosting]:
    from sahakorn.ledger.models import EntrySource, JournalEntry
    from sahakorn.ledger.services import EntrySpec, Line, journal_entries_post_bulk_ids

    started = time.perf_counter()
    cycle = BillingCycle.objects.select_for_update().select_related("period", "pay_group").get(pk=cycle.pk)
    existing = {
        p.unit_id: p
        for p in UnitPosting.objects.filter(cycle=cycle, unit__in=list(deductions), method=method)
    }
    by_bank = method == BillingMethod.BANK
    todo = [unit for unit in deductions if unit.pk not in existing]
    if todo and cycle.status != CycleStatus.FROZEN:
        raise BillingError(f"{cycle} ยังไม่ได้ประมวลผล (หรือปิดงวดแล้ว) ผ่านรายการรับชำระไม่ได้")
    period, on = cycle.period.month, cycle.posting_date
    from sahakorn.core.selectors import in_chunks

    bills_by_unit: dict[int, dict[int, Bill]] = {unit.pk: {} for unit in todo}
    # Of the member, what posting names them by (receipts, messages, the shares' reference): a month is
    # 91,000 bills, and whole member rows were hundreds of megabytes.
    bills = (
        Bill.objects.filter(cycle=cycle, method=method)
        .select_related("member")
        .only(*(field.name for field in Bill._meta.concrete_fields), *POSTING_MEMBER_FIELDS)
    )
    for bill in in_chunks(bills, "unit_id", bills_by_unit):
        bills_by_unit[bill.unit_id][bill.member_id] = bill
    for unit in todo:
        if not bills_by_unit[unit.pk]:
            if by_bank:
                raise BillingError(f"{unit} ไม่มีสมาชิกที่ชำระโดยหักบัญชีธนาคารใน{cycle}")
            raise BillingError(f"{unit} ไม่มีใบเรียกเก็บใน{cycle}")
        _refuse_bad_deductions(bills_by_unit[unit.pk], dict(deductions[unit] or {}), unit)
    all_bills = [bill for bills in bills_by_unit.values() for bill in bills.values()]
    lines_of = _post_lines([bill.pk for bill in all_bills])
    fresh = _fresh_rows(
        [bill.member for bill in all_bills],
        period,
        [line for lines in lines_of.values() for line in lines],
        {bill.pk: bill.member_id for bill in all_bills},
        frozen_at=cycle.frozen_at,
    )

    postings = {
        unit.pk: UnitPosting(cycle=cycle, unit=unit, method=method, posted_on=on, posted_by=by)
        for unit in todo
    }
    # (receipt day, sub-ledger) → (unit, member, demand kind, reference) → amount: a loan's interest and
    # principal lines are one receipt on the contract, which the sub-ledger splits its own way.
    receipts: dict[tuple[dt.date, str], dict[tuple[int, int, str, str], Decimal]] = {}
    line_receipts: list[tuple[int, _PostLine, Decimal, Decimal, dt.date]] = []
    overs: list[tuple[Bill, Decimal, list[tuple[int | None, Decimal]]]] = []
    shorts: list[tuple[Bill, Decimal, Decimal]] = []
    paid: list[tuple[Bill, Decimal]] = []
    for unit in todo:
        posting, deducted = postings[unit.pk], deductions[unit] or {}
        for member_id, bill in bills_by_unit[unit.pk].items():
            received = deducted.get(member_id, bill.total_billed)
            lines = lines_of.get(bill.pk, [])
            posting.members += 1
            posting.billed += bill.total_billed
            posting.received += received
            if received > ZERO:
                paid.append((bill, received))
            # Paid in full (nearly every member): each line takes what it billed, no order to follow.
            full = received == bill.total_billed
            parts, unplaced = ({}, ZERO) if full else allocate(lines, received)
            # (the line paid since the freeze, or None: more than the lines could take; the amount)
            over_reasons: list[tuple[int | None, Decimal]] = [(None, unplaced)] if unplaced else []
            over = unplaced
            for line in lines:
                part = line.billed if full else parts[line.pk]
                key = (member_id, line.kind, line.reference)
                if key in fresh:
                    row = fresh[key]
                    owed, due_on = (row.amount, row.due_on) if row is not None else (ZERO, None)
                else:
                    owed, due_on = line.demanded, line.due_on
                applied = min(part, owed)
                line_over = part - applied
                if line_over:
                    over += line_over
                    over_reasons.append((line.pk, line_over))
                day = due_on or on
                line_receipts.append((unit.pk, line, applied, line_over, day if applied else on))
                if applied:
                    taken = receipts.setdefault((day, line.subledger), {})
                    key = (unit.pk, member_id, line.kind.split(":")[0], line.reference)
                    taken[key] = taken.get(key, ZERO) + applied
            if over:
                overs.append((bill, over, over_reasons))
            # What the member still owes is what the lines did not get (a whole-only due a short deduction
            # could not cover stays owed in full, and what it left over is held for refund).
            unpaid = ZERO if full else sum((line.billed - parts[line.pk] for line in lines), ZERO)
            if unpaid > ZERO:
                shorts.append((bill, received, unpaid))
            posting.over += over
            posting.short += bill.total_billed - received

    # Each sub-ledger takes its receipts of a day at once, for every unit (its lines per unit).
    batches: dict[dt.date, list] = {}
    for (day, key), taken in sorted(receipts.items()):
        take = (
            SubLedger.billing_receipts.__get__(subledger(key)) if naive else subledger(key).billing_receipts
        )
        batches.setdefault(day, []).append(
            take(
                period=period,
                receipts=[
                    BillingReceipt(
                        member_id=member_id,
                        kind=kind,
                        reference=reference,
                        amount=amount,
                        on=day,
                        voucher=unit_id,
                    )
                    for (unit_id, member_id, kind, reference), amount in taken.items()
                ],
            )  # fmt: skip
        )
    held: dict[int, list] = {}
    for bill, amount, _ in overs:
        held.setdefault(bill.unit_id, []).append(
            Line("member_refund_payable", credit=amount, member_id=bill.member_id, memo="เงินหักเกิน")
        )
    specs: list[EntrySpec] = []
    keys: list[tuple[int, dt.date]] = []
    for day in sorted(set(batches) | ({on} if held else set())):
        for unit in todo:
            credits = [line for batch in batches.get(day, []) for line in batch.credit_lines.get(unit.pk, [])]
            if day == on:
                credits += held.get(unit.pk, [])
            total = sum((line.credit - line.debit for line in credits), ZERO)
            if not total:
                continue
            specs.append(
                EntrySpec(
                    date=day,
                    description=(
                        f"รับชำระหักบัญชีธนาคาร {cycle.period} สมาชิก {unit}"
                        if by_bank
                        else f"รับชำระหักเงินเดือน {cycle.period} {unit}"
                    ),
                    lines=[
                        Line(
                            "bank", debit=total, memo=f"{unit} {'หักบัญชี' if by_bank else 'หักส่ง'}{cycle.period}"
                        ),
                        *credits,
                    ],
                    source=EntrySource.BILLING,
                )
            )
            keys.append((unit.pk, day))
    try:
        ids = journal_entries_post_bulk_ids(entries=specs, posted_by=by)
    except ServiceError as e:
        raise BillingError(e.message) from e
    by_id = JournalEntry.objects.in_bulk(ids)
    entries = {key: by_id[entry_id] for key, entry_id in zip(keys, ids, strict=True)}
    for day, day_batches in sorted(batches.items()):
        vouchers = {unit_id: entry for (unit_id, when), entry in entries.items() if when == day}
        for batch in day_batches:
            batch.apply(entries=vouchers, by=by)

    UnitPosting.objects.bulk_create(postings.values())
    # Plain rows (COPY on PostgreSQL): a month is about a million lines, a model instance each was
    # seconds of Python.
    rows_insert(
        LineReceipt._meta.db_table,
        ["posting_id", "line_id", "applied", "over", "journal_entry_id"],
        [
            (
                postings[unit_id].pk,
                line.pk,
                applied,
                line_over,
                _voucher_id(entries, unit_id, day, on),
            )
            # In line order: the line's unique index is written page after page.
            for unit_id, line, applied, line_over, day in sorted(line_receipts, key=lambda row: row[1].pk)
        ],
    )
    labels = _line_labels(
        [line_id for _, _, reasons in overs for line_id, _ in reasons if line_id is not None]
    )

    def why(reasons: list[tuple[int | None, Decimal]]) -> str:
        return "; ".join(
            f"หักได้เกินกว่าที่รายการรับได้ {baht(amount)} บาท"
            if line_id is None
            else f"{labels[line_id]} ชำระแล้วหลังประมวลผล {baht(amount)} บาท"
            for line_id, amount in reasons
        )

    OverDeduction.objects.bulk_create(
        OverDeduction(
            posting_id=postings[bill.unit_id].pk, bill=bill, member_id=bill.member_id, amount=amount,
            reason=why(reasons)[:300], journal_entry=entries[(bill.unit_id, on)],
        )
        for bill, amount, reasons in overs
    )  # fmt: skip
    BillingEvent.objects.bulk_create(
        BillingEvent(
            kind=BillingEventKind.SHORT_PAYMENT,
            member_id=bill.member_id,
            bill=bill,
            occurred_on=on,
            message=(
                f"{coop_short_name()}: {'หักบัญชีธนาคารงวด' if by_bank else 'เงินเดือน'}"
                f"{format_be_date(period, 'month')} หักชำระได้ {baht(received)} บาท "
                f"จากยอดเรียกเก็บ {baht(bill.total_billed)} บาท ค้างชำระ {baht(short)} บาท "
                "จะเรียกเก็บพร้อมงวดถัดไป"
            )[:500],
        )
        for bill, received, short in shorts
    )
    _receipts_issue(postings, paid, on=on)
    seconds = Decimal(f"{time.perf_counter() - started:.3f}")
    for posting in postings.values():
        posting.applied = posting.received - posting.over
        posting.seconds = seconds
    rows_update(
        UnitPosting, ["applied", "seconds"], [(p.pk, p.applied, p.seconds) for p in postings.values()]
    )
    return [existing.get(unit.pk) or postings[unit.pk] for unit in deductions]


def _voucher_id(entries: dict, unit_id: int, day: dt.date, on: dt.date) -> int | None:
    """The voucher a line's receipt is in: its day's, else the posting day's; none when the unit
    received nothing at all."""
    entry = entries.get((unit_id, day)) or entries.get((unit_id, on))
    return entry.pk if entry is not None else None


def _receipts_issue(
    postings: dict[int, UnitPosting], paid: Sequence[tuple[Bill, Decimal]], *, on: dt.date
) -> None:
    """One receipt per member who paid anything, numbered on from the year's last number, unit by unit
    in posting order, by member number within a unit."""
    if not paid:
        return
    year_be = on.year + 543
    order = {unit_id: n for n, unit_id in enumerate(postings)}
    ReceiptSequence.objects.get_or_create(year_be=year_be)
    # One UPDATE takes the numbers and holds the row lock until commit, so two units posting at once
    # get contiguous, distinct ranges.
    ReceiptSequence.objects.filter(year_be=year_be).update(last_no=F("last_no") + len(paid))
    last = ReceiptSequence.objects.get(year_be=year_be).last_no
    first = last - len(paid) + 1
    ordered = sorted(paid, key=lambda pair: (order[pair[0].unit_id], pair[0].member.number))
    rows_insert(
        Receipt._meta.db_table,
        ["bill_id", "posting_id", "member_id", "year_be", "number", "issued_on", "amount", "is_partial", "payer",
         "unit_name"],
        [
            (bill.pk, postings[bill.unit_id].pk, bill.member_id, year_be, first + n, on, received,
             received < bill.total_billed, bill.member.number_and_name[:250], postings[bill.unit_id].unit.name[:200])
            for n, (bill, received) in enumerate(ordered)
        ],
    )  # fmt: skip


def over_deduction_refund(
    *, over: OverDeduction, on: dt.date, channel: str, by: User | None, account=None, remember: bool = False
) -> OverDeduction:
    """Pay back what a unit deducted that the member no longer owed (คืนเงินหักเกิน), as the member
    chooses: cash, a bank transfer, or into one of their deposit accounts (``channel="deposit"`` with
    ``account``). The choice is recorded on the row; ``remember`` also keeps it as the member's standing
    choice (``refund_choice_set``) for the refunds that follow.

    Once: a refunded row is refused. The member is told (a "refund made" event in the same transaction).
    """
    from sahakorn.core.dates import refuse_future
    from sahakorn.deposits.errors import DepositError
    from sahakorn.deposits.services import deposit_credit_internal
    from sahakorn.ledger.models import EntrySource
    from sahakorn.ledger.services import Line, voucher_post

    over = OverDeduction.objects.select_for_update().select_related("member", "bill__period").get(pk=over.pk)
    if over.refunded_on is not None:
        raise BillingError(f"คืนเงินหักเกินรายนี้แล้วเมื่อ {format_be_date(over.refunded_on)}")
    if channel not in ("cash", "bank", "deposit"):
        raise BillingError(f"ช่องทาง “{channel}” ใช้ไม่ได้ (ใช้ได้: cash, bank, deposit)", field="channel")
    refuse_future(on, what="การคืนเงินหักเกิน", error=BillingError, field="on")
    if on < over.journal_entry.date:
        raise BillingError(f"วันที่คืนต้องไม่ก่อนวันที่รับเงิน ({format_be_date(over.journal_entry.date)})", field="on")
    member = over.member
    month = format_be_date(over.bill.period.month, "month")
    if channel == "deposit":
        if account is None or account.member_id != member.pk:
            raise BillingError("เลือกบัญชีเงินฝากของสมาชิกรายนี้", field="account")
        try:
            row = deposit_credit_internal(
                account=account, amount=over.amount, on=on, debit_role="member_refund_payable",
                description=f"คืนเงินหักเกิน {over.bill.period}", by=by,
            )  # fmt: skip
        except DepositError as e:
            raise BillingError(e.message, field="account") from e
        entry, choice, told = row.journal_entry, RefundChoice.DEPOSIT, f" เข้าบัญชีเงินฝาก {account.number}"
    else:
        entry = voucher_post(
            source=EntrySource.BILLING,
            on=on,
            description=f"คืนเงินหักเกิน {over.bill.period} {member.number_and_name}",
            lines=[
                Line("member_refund_payable", debit=over.amount, member_id=member.pk, memo="คืนเงินหักเกิน"),
                Line(channel, credit=over.amount),
            ],
            by=by,
            error=BillingError,
        )
        choice = RefundChoice.REFUND
        told = " โอนเข้าบัญชีธนาคารของท่าน" if channel == "bank" else " รับเงินสดได้ที่สหกรณ์"
    over.refunded_on, over.refund_entry, over.refunded_by, over.choice = on, entry, by, choice
    over.save(update_fields=["refunded_on", "refund_entry", "refunded_by", "choice"])
    BillingEvent.objects.create(
        kind=BillingEventKind.REFUND_MADE,
        member=member,
        bill=over.bill,
        occurred_on=on,
        message=f"{coop_short_name()}: คืนเงินที่หักเกินจากเงินเดือน{month} {baht(over.amount)} บาท{told}"[:500],
    )
    if remember:
        refund_choice_set(member=member, channel=channel, account=account, by=by)
    return over


@transaction.atomic
def refund_choice_set(*, member, channel: str, account=None, by: User | None) -> StandingRefundChoice:
    """Record how the member wants over-deductions paid back from now on (วิธีรับเงินหักเกินประจำ): a bank
    transfer (the account on the member's record must be there), cash, or one of their open deposit
    accounts. Replaces the earlier choice."""
    from sahakorn.deposits.models import AccountStatus

    if channel not in RefundChannel.values:
        raise BillingError(f"วิธีรับเงิน “{channel}” ใช้ไม่ได้ (ใช้ได้: bank, cash, deposit)", field="channel")
    if channel == RefundChannel.DEPOSIT:
        if account is None or account.member_id != member.pk or account.status == AccountStatus.CLOSED:
            raise BillingError("เลือกบัญชีเงินฝากของสมาชิกรายนี้ที่ยังไม่ปิด", field="account")
    else:
        account = None
    if channel == RefundChannel.BANK and not member.bank_account_no:
        raise BillingError(
            f"{member.number_and_name} ไม่มีเลขที่บัญชีธนาคารในทะเบียนสมาชิก: บันทึกบัญชีก่อน หรือเลือกวิธีอื่น",
            field="channel",
        )
    choice, _ = StandingRefundChoice.objects.update_or_create(
        member=member, defaults={"channel": channel, "account": account, "set_by": by}
    )
    return choice


@transaction.atomic
def refund_choice_clear(*, member, by: User | None) -> str:
    """Forget the member's standing refund choice: their next over-deduction waits for the officer, who
    asks them how to pay it back. Returns the choice it forgot (for the message)."""
    choice = StandingRefundChoice.objects.select_for_update().filter(member=member).first()
    if choice is None:
        raise BillingError(f"{member.number_and_name} ไม่มีวิธีรับเงินหักเกินประจำ", field="member")
    what = str(choice)
    choice.delete()
    return what


@transaction.atomic
def over_deductions_refund_standing(*, on: dt.date, by: User | None) -> list[OverDeduction]:
    """Pay back every over-deduction still held whose member has a standing choice, each as
    ``over_deduction_refund`` does (its own voucher, the member told). All or nothing: a choice that no
    longer works (a deposit account closed since) is refused with the member named, and nothing is paid.
    Rows of members without a choice stay for the officer."""
    pending = (
        OverDeduction.objects.filter(refunded_on__isnull=True, member__refund_choice__isnull=False)
        .select_related("member__refund_choice__account")
        .order_by("pk")
    )
    done = []
    for over in pending:
        choice = over.member.refund_choice
        try:
            done.append(
                over_deduction_refund(over=over, on=on, channel=choice.channel, account=choice.account, by=by)
            )
        except BillingError as e:
            raise BillingError(f"{over.member.number_and_name}: {e.message}", field=e.field) from e
    if not done:
        raise BillingError("ไม่มีเงินหักเกินรอคืนของสมาชิกที่เลือกวิธีรับเงินไว้")
    return done


# ======== Importing what a unit deducted ========

SHOW_AT_MOST = 30


@dataclass(frozen=True)
class ReturnedFile:
    """A unit's returned file as it arrives: what ``deduction_imports_record`` checks and keeps."""

    unit: object
    layout_code: str
    data: bytes
    file_name: str
    remittance: Decimal


@transaction.atomic
def deduction_import_record(
    *,
    cycle: BillingCycle,
    unit,
    layout_code: str,
    data: bytes,
    file_name: str,
    remittance: Decimal,
    by: User | None = None,
) -> DeductionImport:
    """Read and check a unit's returned file whole; keep it, ready to post, only if every row is right
    (``deduction_imports_record`` for one file)."""
    [imported] = deduction_imports_record(
        cycle=cycle, files=[ReturnedFile(unit, layout_code, data, file_name, remittance)], by=by
    )
    return imported


@transaction.atomic
def deduction_imports_record(
    *, cycle: BillingCycle, files: Sequence[ReturnedFile], by: User | None = None
) -> list[DeductionImport]:
    """Read and check units' returned files, all of them whole; keep them, ready to post, only if every
    row of every file is right.

    Refused (nothing kept) with every bad row named, file by file: a row the layout cannot read, an
    unknown member, a member of another unit or not billed this cycle, the same member twice, an
    amount above the bill, and a file total that differs from what the unit remitted. A billed member
    the file does not list was not deducted (0.00). Every file of a month at once (a unit's file a
    query or two, not a dozen): members and bills are read for all the files together.
    """
    import hashlib

    from sahakorn.billing.files import layout_get
    from sahakorn.billing.layouts import parse
    from sahakorn.core.selectors import in_chunks

    cycle = BillingCycle.objects.select_related("period", "pay_group").get(pk=cycle.pk)
    if cycle.status != CycleStatus.FROZEN:
        raise BillingError(f"{cycle} ยังไม่ได้ประมวลผล (หรือปิดงวดแล้ว) นำเข้าผลการหักไม่ได้")
    units = [file.unit for file in files]
    posted = UnitPosting.objects.filter(cycle=cycle, unit__in=units).select_related("unit").first()
    if posted is not None:
        raise BillingError(f"{posted.unit} ผ่านรายการรับชำระ{cycle}ไปแล้ว")
    for file in files:
        if file.remittance < ZERO or file.remittance != round_money(file.remittance):
            raise BillingError(
                "ยอดเงินที่หน่วยโอนต้องไม่ติดลบและมีทศนิยมไม่เกิน 2 ตำแหน่ง"
                + (f" ({file.file_name})" if len(files) > 1 else ""),
                field="remittance",
            )
    digests = [hashlib.sha256(file.data).hexdigest() for file in files]
    same = DeductionImport.objects.filter(cycle=cycle, sha256__in=digests, unit__in=units).first()
    if same is not None:
        raise BillingError(f"แฟ้มนี้นำเข้าแล้ว ({same.file_name} เมื่อ {format_be_date(same.uploaded_at)})")
    layouts = {code: layout_get(code) for code in {file.layout_code for file in files}}
    named = len(files) > 1  # a problem says its file when there are several
    parsed = []
    for file in files:
        try:
            parsed.append(
                parse(
                    layouts[file.layout_code],
                    file.data,
                    expect={"unit_code": file.unit.code, "period": cycle.period.month},
                )
            )
        except BillingError as e:
            if not named:
                raise
            raise BillingError(f"{file.file_name}: {e.message}", field=e.field, row=e.row) from e
    members = {
        member.number: member
        for member in in_chunks(
            Member.objects.only("pk", "number", "unit_id", "title", "first_name", "last_name"),
            "number",
            {row.member_number for rows in parsed for row in rows},
        )
    }
    bills: dict[int, dict[int, Bill]] = {unit.pk: {} for unit in units}
    # A member who pays by bank account is not in the unit's file (``_returned_file_check`` says so).
    for bill in in_chunks(Bill.objects.filter(cycle=cycle, method=BillingMethod.PAYROLL), "unit_id", bills):
        bills[bill.unit_id][bill.member_id] = bill
    totals: list[Decimal] = []
    problems: list[tuple[int, str]] = []
    for file, rows in zip(files, parsed, strict=True):
        total = _returned_file_check(file, rows, members, bills[file.unit.pk], problems, named=named)
        totals.append(total)
    if problems:
        shown = "\n".join(text for _, text in problems[:SHOW_AT_MOST])
        more = f"\n… และอีก {len(problems) - SHOW_AT_MOST:,} แถว" if len(problems) > SHOW_AT_MOST else ""
        first_row = next((row for row, _ in problems if row), None)
        names = ", ".join(sorted({file.file_name for file in files}))
        raise BillingError(
            f"แฟ้ม {names} ไม่ผ่านการตรวจ {len(problems):,} รายการ ไม่ได้นำเข้า:\n{shown}{more}", row=first_row
        )
    imported = DeductionImport.objects.bulk_create(
        DeductionImport(
            cycle=cycle,
            unit=file.unit,
            layout_code=file.layout_code,
            file_name=file.file_name[:200],
            sha256=digest,
            remittance=file.remittance,
            rows=len(rows),
            total=total,
            uploaded_by=by,
        )  # fmt: skip
        for file, digest, rows, total in zip(files, digests, parsed, totals, strict=True)
    )
    rows_insert(
        DeductionImportLine._meta.db_table,
        ["deduction_import_id", "row", "member_id", "deducted"],
        [
            (done.pk, row.row, members[row.member_number].pk, row.deducted)
            for done, rows in zip(imported, parsed, strict=True)
            for row in rows
        ],
    )
    return imported


def _returned_file_check(
    file: ReturnedFile, rows, members: dict, bills: dict[int, Bill], problems: list, *, named: bool
) -> Decimal:
    """One returned file's rows against the unit's bills: each problem named by row and member (and by
    file when ``named``), added to ``problems``; returns the file's total."""
    seen: dict[int, int] = {}
    total = ZERO
    before = len(problems)
    name = f"{file.file_name} " if named else ""
    for row in rows:
        member = members.get(row.member_number)
        where = f"{name}แถวที่ {row.row} เลขทะเบียน {row.member_number}"
        if member is None:
            problems.append((row.row, f"{where}: ไม่พบสมาชิก"))
            continue
        bill = bills.get(member.pk)
        if bill is None:
            other = "ไม่ได้สังกัดหน่วยนี้" if member.unit_id != file.unit.pk else "ไม่มีใบเรียกเก็บผ่านหน่วยในรอบนี้"
            problems.append((row.row, f"{where}: {member.full_name} {other}"))
            continue
        if member.pk in seen:
            problems.append((row.row, f"{where}: ซ้ำกับแถวที่ {seen[member.pk]}"))
            continue
        seen[member.pk] = row.row
        if row.deducted > bill.total_billed:
            problems.append(
                (
                    row.row,
                    f"{where}: หักได้ {baht(row.deducted)} บาท เกินยอดเรียกเก็บ {baht(bill.total_billed)} บาท",
                )
            )
        total += row.deducted
    if len(problems) == before and total != file.remittance:
        problems.append(
            (0, f"{name}ยอดหักได้รวมตามแฟ้ม {baht(total)} บาท ไม่เท่ากับยอดเงินที่หน่วยโอน {baht(file.remittance)} บาท")
        )
    return total


@transaction.atomic
def deduction_import_post(*, deduction_import: DeductionImport, by: User | None = None) -> UnitPosting:
    """Post a checked file: each listed member's deduction, every billed member not listed as 0.00."""
    # The cycle row first, as billing_unit_post takes it: two files of one unit posted at once queue here.
    BillingCycle.objects.select_for_update().get(pk=deduction_import.cycle_id)
    imported = DeductionImport.objects.select_for_update().get(pk=deduction_import.pk)
    if imported.posting_id is not None:
        return imported.posting
    if UnitPosting.objects.filter(
        cycle_id=imported.cycle_id, unit_id=imported.unit_id, method=BillingMethod.PAYROLL
    ).exists():
        raise BillingError(
            f"{imported.unit} ผ่านรายการรับชำระรอบนี้จากแฟ้มอื่นแล้ว แฟ้ม {imported.file_name} ผ่านรายการไม่ได้"
        )
    deducted = dict.fromkeys(Bill.objects.filter(cycle_id=imported.cycle_id, unit_id=imported.unit_id,
                                                 method=BillingMethod.PAYROLL).values_list(
        "member_id", flat=True), ZERO)  # fmt: skip
    deducted.update(imported.lines.values_list("member_id", "deducted"))
    posting = billing_unit_post(cycle=imported.cycle, unit=imported.unit, deducted=deducted, by=by)
    imported.posting, imported.status = posting, ImportStatus.POSTED
    imported.save(update_fields=["posting", "status"])
    return posting


@transaction.atomic
def cycle_units_post(
    *, cycle: BillingCycle, in_full: bool = False, by: User | None = None
) -> list[UnitPosting]:
    """Post every payroll unit of a frozen cycle not posted yet, together (``billing_units_post``): each
    by its checked file (the newest; a billed member not in it deducted 0.00). A unit without a file is
    refused by name, unless ``in_full`` says every such unit deducted its bills in full. Members who pay
    by bank account are the bank's posting (``bank_debits.bank_debits_post``)."""
    from sahakorn.core.selectors import in_chunks

    cycle = BillingCycle.objects.select_for_update().select_related("period", "pay_group").get(pk=cycle.pk)
    if cycle.status != CycleStatus.FROZEN:
        raise BillingError(f"{cycle} ยังไม่ได้ประมวลผล (หรือปิดงวดแล้ว) ผ่านรายการรับชำระไม่ได้")
    payroll = Bill.objects.filter(cycle=cycle, method=BillingMethod.PAYROLL)
    posted = set(
        UnitPosting.objects.filter(cycle=cycle, method=BillingMethod.PAYROLL).values_list(
            "unit_id", flat=True
        )
    )
    waiting = set(payroll.values_list("unit_id", flat=True).distinct()) - posted
    files = {
        imported.unit_id: imported
        for imported in DeductionImport.objects.select_for_update()
        .filter(cycle=cycle, status=ImportStatus.VALIDATED, unit_id__in=waiting)
        .order_by("uploaded_at", "pk")
    }
    units = list(Unit.objects.filter(pk__in=waiting).order_by("code"))
    without = [unit for unit in units if unit.pk not in files]
    if without and not in_full:
        shown = ", ".join(unit.code for unit in without[:20]) + (" …" if len(without) > 20 else "")
        raise BillingError(
            f"{len(without):,} หน่วยยังไม่มีแฟ้มผลการหัก ({shown}): นำเข้าแฟ้มก่อน หรือระบุว่าหักได้เต็มจำนวน",
            field="in_full",
        )
    deductions: dict = {unit: None for unit in units}
    with_file = [unit for unit in units if unit.pk in files]
    if with_file:
        for unit in with_file:
            deductions[unit] = {}
        by_unit = {unit.pk: unit for unit in with_file}
        for member_id, unit_id in in_chunks(payroll.values_list("member_id", "unit_id"), "unit_id", by_unit):
            deductions[by_unit[unit_id]][member_id] = ZERO
        unit_of_file = {imported.pk: imported.unit_id for imported in files.values()}
        lines = DeductionImportLine.objects.values_list("deduction_import_id", "member_id", "deducted")
        for file_id, member_id, deducted in in_chunks(lines, "deduction_import_id", unit_of_file):
            deductions[by_unit[unit_of_file[file_id]]][member_id] = deducted
    postings = billing_units_post(cycle=cycle, deductions=deductions, by=by) if units else []
    done = {posting.unit_id: posting for posting in postings}
    rows_update(
        DeductionImport,
        ["posting", "status"],
        [(imported.pk, done[unit_id].pk, ImportStatus.POSTED.value) for unit_id, imported in files.items()],
    )
    return postings


@transaction.atomic
def billing_cycle_close(*, cycle: BillingCycle, by: User | None = None) -> BillingCycle:
    """Close a cycle (ปิดงวดเรียกเก็บ) once every unit is posted and the reconciliation passes."""
    from sahakorn.billing.selectors import cycle_reconciled

    cycle = BillingCycle.objects.select_for_update().select_related("period", "pay_group").get(pk=cycle.pk)
    if cycle.status == CycleStatus.CLOSED:
        return cycle
    if cycle.status != CycleStatus.FROZEN:
        raise BillingError(f"{cycle} ยังไม่ได้ประมวลผล ปิดงวดไม่ได้")
    result = cycle_reconciled(cycle=cycle)
    if not result.ok:
        failed = [line for line in result.lines if line.startswith("✘")]
        raise BillingError(f"ปิด{cycle}ไม่ได้: กระทบยอดไม่ผ่าน\n" + "\n".join(failed))
    cycle.status, cycle.closed_at, cycle.closed_by = CycleStatus.CLOSED, timezone.now(), by
    cycle.save(update_fields=["status", "closed_at", "closed_by"])
    return cycle
