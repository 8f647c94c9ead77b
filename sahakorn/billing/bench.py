"""``sahakorn bench billing``: one month's cycle on the current database, every step timed, rolled back.

Steps, in one transaction that is rolled back at the end (the database is unchanged):
freeze (every sub-ledger asked at once) · every unit's file · import + check of each unit's returned
file · posting · a unit's receipts PDF. Each is set against the naive per-member version (a sample of
members, extrapolated linearly) and a plain SQL aggregate over the same lines, where one exists.
Memory is the process's peak resident size.
"""

from __future__ import annotations

import datetime as dt
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from sahakorn.billing.files import layout_get, unit_file
from sahakorn.billing.models import Bill, BillLine, UnitPosting
from sahakorn.billing.selectors import cycle_units
from sahakorn.billing.services import (
    ReturnedFile,
    billed_members,
    billing_cycle_freeze,
    billing_period_open,
    billing_units_post,
    deduction_imports_record,
    draft_bills,
)
from sahakorn.core.months import add_months, month_end
from sahakorn.members.models import Member

LAYOUT = "ROUNDTRIP164"


@dataclass
class Step:
    group: str
    operation: str
    rows: int
    seconds: float
    note: str = ""


class _Rollback(Exception):
    pass


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_month(today: dt.date | None = None) -> dt.date:
    """The last month that has ended: its posting day (the month's end) is not ahead of today."""
    today = today or dt.date.today()
    return add_months(today.replace(day=1), -1)


def _timed(fn: Callable[[], int]) -> tuple[int, float]:
    started = time.perf_counter()
    rows = fn()
    return rows, time.perf_counter() - started


def billing_bench(*, month: dt.date, naive_cap: int, post_cap: int, say: Callable[[str], None]) -> list[Step]:
    """Run the month's cycle, timing each step; everything is rolled back."""
    steps: list[Step] = []
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # The foreign keys are checked at commit (Django makes them deferrable), and this run
                # never commits: checked as each row goes in instead, their cost is in each step's time
                # (a month's posting checks about five million references, 27 s of a committed one).
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            _run(steps, month=month, naive_cap=naive_cap, post_cap=post_cap, say=say)
            raise _Rollback
    except _Rollback:
        pass
    return steps


def _run(
    steps: list[Step], *, month: dt.date, naive_cap: int, post_cap: int, say: Callable[[str], None]
) -> None:
    def record(step: Step) -> None:
        """Keep a step and tell it at once (a long run shows its figures before the table)."""
        steps.append(step)
        say(f"    {step.operation}: {step.rows:,} rows, {step.seconds:,.1f} s {step.note}")

    period = billing_period_open(month=month)
    cycles = list(period.cycles.select_related("period", "pay_group"))
    members = sum(billed_members(cycle).count() for cycle in cycles)
    say(f"งวด {period.code}: สมาชิกที่เรียกเก็บ {members:,} ราย ใน {len(cycles)} รอบ")

    # Freeze: the system's, a naive sample, a plain SQL aggregate of the same demands.
    say("ประมวลผลและคงยอด (freeze) …")
    started = time.perf_counter()
    for cycle in cycles:
        billing_cycle_freeze(cycle=cycle)
    seconds = time.perf_counter() - started
    lines = BillLine.objects.filter(bill__period=period).count()
    bills = Bill.objects.filter(period=period).count()  # members with something to deduct
    record(Step("freeze", "freeze: billing_cycle_freeze()", lines, seconds,
                      f"{bills:,} bills, peak {peak_mb():,.0f} MB"))  # fmt: skip
    sample = list(
        Member.objects.filter(bills__period=period).select_related("unit").order_by("number")[:naive_cap]
    )
    if sample:
        _, seconds = _timed(lambda: len(draft_bills(cycles[0], sample, naive=True)))
        scale = members / len(sample)
        record(Step("freeze", "freeze: naive per-member contract", lines, seconds * scale,
                          f"{len(sample):,} members timed (not written), ×{scale:,.1f} (linear)"))  # fmt: skip
    rows, seconds = _timed(lambda: _sql_demands(month))
    record(Step("freeze", "freeze: one SQL aggregate of the month's dues", rows, seconds,
                      "installments + monthly shares by member, nothing written"))  # fmt: skip

    # Files: every unit's file in the widest fixed-width layout.
    say("แฟ้มรายการหักเงินเดือนทุกหน่วย …")
    layout = layout_get(LAYOUT)
    units = [(cycle, row) for cycle in cycles for row in cycle_units(cycle=cycle)]
    sent: dict[int, bytes] = {}

    def write_files() -> int:
        total = 0
        for cycle, row in units:
            data = unit_file(cycle=cycle, unit=row.unit, layout=layout)
            sent[row.unit.pk] = data
            total += data.count(b"\r\nD") + data.startswith(b"D")
        return total

    rows, seconds = _timed(write_files)
    size = sum(len(data) for data in sent.values())
    record(Step("files", f"files: {len(units):,} units, {LAYOUT}", rows, seconds,
                      f"{size / 1e6:,.1f} MB cp874, peak {peak_mb():,.0f} MB"))  # fmt: skip
    rows, seconds = _timed(lambda: _sql_file_rows(month))
    record(Step("files", "files: one SQL SELECT of the detail rows", rows, seconds, "no formatting"))

    # Import + check: each unit sends its file back with the amount deducted (all of it).
    say("นำเข้าและตรวจแฟ้มผลการหัก …")

    def import_all() -> int:
        returned = [
            ReturnedFile(row.unit, LAYOUT, _returned(sent[row.unit.pk], layout), "bench.txt", row.billed)
            for _, row in units
        ]
        imported = []
        for cycle in cycles:
            mine = [file for (at, _), file in zip(units, returned, strict=True) if at.pk == cycle.pk]
            imported += deduction_imports_record(cycle=cycle, files=mine)
        return sum(done.rows for done in imported)

    rows, seconds = _timed(import_all)
    record(Step("import", "import + check: deduction_imports_record(), every file at once", rows, seconds,
                      f"every unit, peak {peak_mb():,.0f} MB"))  # fmt: skip

    # Posting: first a naive sample (each demand taken by itself), rolled back, then every unit.
    say("ผ่านรายการรับชำระ …")

    def post(limit: int, *, naive: bool) -> int:
        done = 0
        for cycle in cycles:
            chosen = []
            for at, row in units:
                if at.pk == cycle.pk and done < limit:
                    chosen.append(row.unit)
                    done += row.bills
            if chosen:
                billing_units_post(cycle=cycle, deductions=dict.fromkeys(chosen), naive=naive)
        return done

    started = time.perf_counter()
    with transaction.atomic():
        # A tenth of the freeze's sample: the naive posting takes a member's funeral dues levy by levy
        # (sixty-odd a member at 100,000), so 2,000 members would keep the bench busy for many minutes.
        posted = post(max(1, naive_cap // 10), naive=True)
        naive_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    posted_all, seconds = _timed(lambda: post(post_cap, naive=False))
    scale = bills / posted_all if posted_all else 1
    record(Step("post", "post: billing_units_post()", bills, seconds * scale,
                      f"{posted_all:,} members in {len(units):,} units" + (f", ×{scale:,.1f}" if scale != 1 else "")
                      + f", peak {peak_mb():,.0f} MB"))  # fmt: skip
    if posted:
        record(Step("post", "post: naive, each demand taken by itself", bills,
                          naive_seconds * bills / posted, f"{posted:,} members timed, ×{bills / posted:,.1f}"))  # fmt: skip
    rows, seconds = _timed(lambda: _sql_post_totals(month))
    record(Step("post", "post: one SQL aggregate of the lines by unit and item", rows, seconds,
                      "what the voucher lines sum, nothing written"))  # fmt: skip
    # Receipts: the PDF of the first unit posted.
    first = UnitPosting.objects.filter(cycle__period=period).select_related("unit").first()
    if first is not None:
        from sahakorn.billing.receipts import posting_receipts, receipts_pdf

        receipts = list(posting_receipts(first)[:200])
        _, seconds = _timed(lambda: len(receipts_pdf(receipts)))
        record(Step("receipts", f"receipts PDF: {len(receipts):,} receipts of {first.unit.code}",
                          len(receipts), seconds, f"×{members / max(len(receipts), 1):,.0f} for every member"))  # fmt: skip


def _returned(data: bytes, layout) -> bytes:
    """The unit's file as it comes back: each detail record followed by the amount deducted (billed)."""
    out = []
    for line in data.split(b"\r\n"):
        if line.startswith(b"D"):
            line += line[-10:]
        out.append(line)
    return b"\r\n".join(out)


def _sql_demands(month: dt.date) -> int:
    """Installments due in the month per member plus monthly shares, one aggregate (no rules applied)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.member_id, SUM(s.principal + s.interest)
            FROM loans_scheduledinstallment s JOIN loans_loancontract c ON c.id = s.contract_id
            WHERE c.status = 'active' AND s.superseded_at IS NULL AND s.due_date BETWEEN %s AND %s
            GROUP BY c.member_id
            UNION ALL
            SELECT a.member_id, a.monthly_shares FROM shares_shareaccount a
            JOIN members_member m ON m.id = a.member_id WHERE m.status = 'active' AND a.monthly_shares > 0
            """,
            [month, month_end(month)],
        )
        return len(cursor.fetchall())


def _sql_post_totals(month: dt.date) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT b.unit_id, l.item_id, SUM(l.billed) FROM billing_billline l "
            "JOIN billing_bill b ON b.id = l.bill_id JOIN billing_billingperiod p ON p.id = b.period_id "
            "WHERE p.month = %s GROUP BY b.unit_id, l.item_id",
            [month],
        )
        return len(cursor.fetchall())


def _sql_file_rows(month: dt.date) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m.number, m.national_id, m.first_name, m.last_name, b.total_billed FROM billing_bill b "
            "JOIN members_member m ON m.id = b.member_id JOIN billing_billingperiod p ON p.id = b.period_id "
            "WHERE p.month = %s ORDER BY b.unit_id, m.number",
            [month],
        )
        return len(cursor.fetchall())
