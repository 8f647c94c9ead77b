"""Loan book of the generated coop (ทะเบียนเงินกู้และการค้ำประกัน), the last step.

Each member with a salary borrows in "lanes", each a chain of contracts over the years: up to
three emergency lanes (the counter, ATM and special-emergency loans of a real coop), up to two
ordinary (a main loan and a smaller second one) and one special (housing). A contract runs until
it is paid, refinanced (a new contract nets the old one off, หักกลบหนี้) or its borrower leaves
the coop (paid off that day); after a natural end the member borrows again after a gap. A lane in
use when the history starts brings its contract in as ยอดยกมา (an OPENING row at the history
start, disbursed months or years earlier); the others start inside the history. At 100,000
members this gives about 303,000 active contracts, and 885,000 over the history.

Every contract follows the product rules in force: the amount is the smallest of the product
maximum, the salary multiple, ten times the shares, and what net pay leaves room for (with the
member's other contracts' deductions); ordinary loans get the guarantors their amount band needs,
colleagues from the same school first, then the same district, then anyone: active ordinary
members of 12 months or more, never the borrower, never on more than the rule's contracts at once
(every guarantee counts from the application to the contract's close). Guarantors are what bounds
the ordinary book: when too few are free, the member borrows what those found can cover. A
guarantor who resigns is replaced before resigning (the bylaws: ``guarantor_resignation_blockers``),
one who died or was expelled a few weeks after (ended ``เปลี่ยนผู้ค้ำเป็น …``), or, too recently
for that, leaves the contract flagged (ต้องเปลี่ยนผู้ค้ำ, with its event). Applications are
``disbursed``, requested by the demo's officer and decided by its manager, with the checks the
approver saw: the full list from the same rule functions for the last year's applications, one
summary row for older ones and one for those from before the system.

Schedules come from the same calculators, arguments and rounding as ``loan_disburse``, each
computed once for its inputs (loans are paid out on the coop's loan days, in round amounts, so
many contracts share one). A contract disbursed inside the history stores its whole schedule; one
brought forward stores the rows from the history start on, as a migration from the old system
would (the rows paid before are outside the system like their payments, and the arrears readers
compare the stored rows with the repayments in the system). Monthly payments go through payroll
on each due date, interest to the day first then principal, in integer satang with the service's
half-up rounding; a few contracts miss months (most catch up the next month, some stay behind,
some stopped paying lately), so the arrears report has rows.

The GL gets summary vouchers: one opening voucher per family, and per family and day one for
the disbursements (netting included) and one for the payments, so ``sahakorn loans check`` holds
on every date, not only at month-ends. No month-end accruals are generated: the real accrual run
takes over from ``as_of``.

Deterministic: one random stream (``coop.rng("loans")``), members in number order, then the
events in date order. On PostgreSQL the rows go out with COPY from a worker thread while the book
is planned (at 100,000 members: ~26 million schedule rows, ~10 million transactions).
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import json
import queue
import threading
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from sahakorn.core.money import Rounding, baht, round_money
from sahakorn.core.rules import PASSED, RuleCheck
from sahakorn.core.thai import format_be_date
from sahakorn.generator.coop import GeneratedCoop, GeneratorError, bulk_load, entries_post, rows_insert
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import EntrySpec, Line
from sahakorn.loans import calc
from sahakorn.loans.models import (
    ApplicationStatus,
    ContractStatus,
    InstallmentPolicy,
    LoanEventKind,
    LoanFamily,
    LoanProduct,
    LoanProductRules,
    LoanTxKind,
    RepaymentStyle,
)
from sahakorn.loans.payments import CLOSED_REASON
from sahakorn.loans.rules import (
    HUNDRED,
    MemberFacts,
    amount_checks,
    first_due_after,
    full_months,
    guarantee_rules_for,
    installment_estimate,
    member_checks,
    refinance_check,
)
from sahakorn.members.models import Member, MemberStatus, MemberType, Unit
from sahakorn.shares.models import ShareAccount, ShareTransaction
from sahakorn.shares.models import TransactionKind as ShareKind
from sahakorn.shares.rules import share_rules_for

INF = 10**7  # an ordinal after any date: "not closed"
BANGKOK = ZoneInfo("Asia/Bangkok")
_DIV = 36_500 * 1000  # interest in satang: balance × rate in thousandths of a percent × days / this
_MONTH_DIV = 1_200 * 1000  # a month's interest on a balance (the deduction of an equal-principal loan)
FAMILIES = (LoanFamily.EMERGENCY.value, LoanFamily.ORDINARY.value, LoanFamily.SPECIAL.value)
# Members borrow round amounts (in satang): 5,000s, 50,000s, and housing loans at common price points.
# Round amounts are also what lets many contracts share one computed schedule.
STEP = {"emergency": 500_000, "ordinary": 5_000_000, "special": 10_000_000}
MINIMUM = {"emergency": 500_000, "ordinary": 5_000_000, "special": 30_000_000}
HOUSING = (30_000_000, 50_000_000, 70_000_000, 100_000_000, 120_000_000, 150_000_000, 200_000_000, 250_000_000,
           300_000_000)  # fmt: skip
# Lanes a member borrows in at once (weights for 0, 1, 2, 3 lanes), ordinary members / associates: the
# coop's emergency loans stand for its counter, ATM and special-emergency variants, the ordinary ones
# for a main loan and a smaller second one. Ordinary loans are bounded by the guarantors there are.
LANES = {
    "emergency": ((2, 4, 50, 44), (40, 40, 20, 0)),
    "ordinary": ((5, 45, 50, 0), (65, 30, 5, 0)),
    "special": ((45, 55, 0, 0), (92, 8, 0, 0)),
}
IN_USE_AT_START = {("emergency", 0): 0.85, ("emergency", 1): 0.8, ("emergency", 2): 0.7, ("ordinary", 0): 0.93,
                   ("ordinary", 1): 0.8, ("special", 0): 0.9}  # fmt: skip
MIN_MONTHS = {"emergency": 1, "ordinary": 6, "special": 24}  # membership before a first loan of the lane
REFINANCE = {"emergency": (0.6, 6, 10), "ordinary": (0.45, 12, 72), "special": (0.0, 0, 0)}  # chance, after j
INSTALLMENTS = {"emergency": ((12, 80), (6, 20)), "ordinary": ((120, 85), (100, 5), (84, 5), (60, 5)),
                "special": ((300, 60), (240, 25), (180, 15))}  # fmt: skip
CATCH_UP = 0.012  # contracts that miss a month or two and pay the arrears the next month
BEHIND = 0.004  # … that miss one to three months and stay behind until the last installment
STOPPED = 0.003  # … that stopped paying in the last months before as_of (still active, in arrears)
REPLACE_DAYS = (7, 45)  # a guarantor who died or was expelled is replaced this many days later
RESIGNING_DAYS = 90  # a member about to resign signs for nobody in the last months
RETRY_DAYS = (90, 240)  # after an application that could not be made (no room, no guarantors)
PURPOSES = {
    "emergency": ("ค่าใช้จ่ายฉุกเฉินในครอบครัว", "ค่ารักษาพยาบาล", "ค่าเล่าเรียนบุตร", "ซ่อมแซมบ้าน", "ค่าใช้จ่ายจำเป็น"),
    "ordinary": ("ซื้อรถยนต์", "ปรับปรุงซ่อมแซมบ้าน", "ชำระหนี้สถาบันการเงินอื่น", "ประกอบอาชีพเสริม",
                 "การศึกษาบุตร", "ค่าใช้จ่ายในครอบครัว"),
    "special": ("ซื้อที่ดินพร้อมบ้าน", "ปลูกสร้างบ้าน", "ซื้อห้องชุด", "ไถ่ถอนจำนองจากธนาคาร"),
}  # fmt: skip
REFINANCE_PURPOSE = "กู้ใหม่หักกลบหนี้สัญญาเดิม"
APPLICATION_COLUMNS = ["id", "member_id", "product_id", "amount", "installments", "applied_on", "purpose",
                       "refinance_id", "status", "checks", "requested_by_id", "requested_at", "decided_by_id",
                       "decided_at", "decision_note"]  # fmt: skip
CONTRACT_COLUMNS = ["id", "number", "application_id", "member_id", "product_id", "amount", "annual_rate",
                    "repayment_style", "installments", "installment_amount", "disbursed_on", "first_due",
                    "interest_paid_to", "principal_balance", "status", "closed_on", "refinanced_by_id",
                    "guarantor_replacement_needed"]  # fmt: skip
GUARANTEE_COLUMNS = ["application_id", "contract_id", "guarantor_id", "started_on", "ended_on", "end_reason"]
SCHEDULE_COLUMNS = ["contract_id", "number", "due_date", "principal", "interest", "payment", "closing_balance",
                    "superseded_at"]  # fmt: skip
TX_COLUMNS = ["contract_id", "date", "kind", "channel", "principal", "interest", "interest_from", "interest_to",
              "installment_number", "journal_entry_id", "memo", "created_at"]  # fmt: skip
EVENT_COLUMNS = ["kind", "member_id", "contract_id", "guarantor_id", "message", "occurred_on", "created_at",
                 "notified_at"]  # fmt: skip
_COPY_ESCAPE = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _money(satang: int) -> str:
    """Whole satang as the text of a 2-place decimal ("-12.05"): what COPY and SQLite store."""
    sign, satang = ("-", -satang) if satang < 0 else ("", satang)
    return f"{sign}{satang // 100}.{satang % 100:02d}"


def _dec(satang: int) -> Decimal:
    return Decimal(satang).scaleb(-2)


def _satang(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _day(ordinal: int) -> dt.date:
    return dt.date.fromordinal(ordinal)


def _floor_to(satang: int, step: int) -> int:
    return satang // step * step if satang > 0 else 0


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


# ---------------------------------------------------------------- products, schedules


@dataclass(slots=True)
class _Terms:
    """A product's rules version, with the figures the planner reads for every contract."""

    rules: LoanProductRules
    rate_milli: int
    fast_interest: bool  # satang half-up: integer arithmetic gives calc's figure exactly
    bands: list[tuple[int | None, int]]  # (amount up to, satang or None = above, guarantors), ascending
    max_amount: int
    factors: dict[int, Decimal] = field(default_factory=dict)  # installments → level payment per baht

    def interest(self, balance: int, start: int, end: int) -> int:
        """``calc.interest_between`` on ``balance`` satang for the days (start, end], in satang."""
        days = end - start
        if days <= 0 or balance <= 0:
            return 0
        if self.fast_interest:
            return (balance * self.rate_milli * days * 2 + _DIV) // (2 * _DIV)
        return _satang(calc.interest_between(principal=_dec(balance), start=_day(start), end=_day(end),
                                             rates=[calc.RatePeriod(dt.date.min, self.rules.annual_rate)],
                                             rounding=self.rules.interest_rounding))  # fmt: skip

    def guarantors(self, amount: int) -> int:
        for upto, n in self.bands:
            if upto is None or amount <= upto:
                return n
        return 0

    def most_with(self, guarantors: int) -> int:
        """The largest amount the bands allow with ``guarantors`` guarantors (0: none)."""
        best = 0
        for upto, n in self.bands:
            if n <= guarantors:
                best = self.max_amount if upto is None else upto
        return best


@dataclass(slots=True)
class _Product:
    product: LoanProduct
    family: str
    versions: list[_Terms]
    starts: list[int]
    seq: dict[int, int] = field(default_factory=dict)  # B.E. year → last contract number used

    def terms_on(self, day: int) -> _Terms:
        return self.versions[max(bisect.bisect_right(self.starts, day) - 1, 0)]


@dataclass(slots=True)
class _Schedule:
    """A computed schedule, shared by the contracts with the same inputs, with what the planner reads."""

    due: array  # due dates (ordinals)
    principal: array  # satang a row
    closing: array  # satang after each row
    per: int  # the contract's installment_amount: level payment (คงยอด) or principal part (คงต้น)
    rows: list  # the rows as stored: COPY text after the contract id, or tuples for SQLite


_SCHEDULES: OrderedDict[tuple, _Schedule] = OrderedDict()
_SCHEDULE_ROWS_KEPT = (
    400_000  # ~50 MB: a day's distinct schedules at 100,000 members, and tests regenerate coops
)
_schedule_rows_kept = 0


def _schedule_for(
    terms: _Terms, amount: int, installments: int, disbursed_on: dt.date, pg: bool
) -> _Schedule:
    """``_schedule``, computed once for the same inputs (the rules' figures, amount, term, day)."""
    rules = terms.rules
    key = (rules.annual_rate, rules.repayment_style, rules.installment_rounding, rules.interest_rounding, amount,
           installments, disbursed_on, pg)  # fmt: skip
    global _schedule_rows_kept
    schedule = _SCHEDULES.get(key)
    if schedule is None:
        schedule = _schedule(terms, amount, installments, disbursed_on, first_due_after(disbursed_on), pg)
        _SCHEDULES[key] = schedule
        _schedule_rows_kept += len(schedule.rows)
        while _schedule_rows_kept > _SCHEDULE_ROWS_KEPT:
            _schedule_rows_kept -= len(_SCHEDULES.popitem(last=False)[1].rows)
    else:
        _SCHEDULES.move_to_end(key)
    return schedule


def _schedule(terms: _Terms, amount: int, installments: int, disbursed_on: dt.date, first_due: dt.date,
              pg: bool) -> _Schedule:  # fmt: skip
    """The schedule ``loan_disburse`` stores: the same calculator, arguments and installment amount."""
    rules = terms.rules
    common = dict(amount=_dec(amount), annual_rate=rules.annual_rate, first_due=first_due,
                  installments=installments, disbursed_on=disbursed_on, interest_rounding=rules.interest_rounding)  # fmt: skip
    if rules.repayment_style == RepaymentStyle.EQUAL_PRINCIPAL:
        rows = calc.schedule_equal_principal(**common, principal_rounding=rules.installment_rounding)
        per = rows[0].principal if len(rows) > 1 else _dec(amount)
    else:
        rows = calc.schedule_equal_installment(**common, installment_step_rounding=rules.installment_rounding)
        per = rows[0].payment
    if pg:
        stored = [f"\t{r.number}\t{r.due_date}\t{r.principal}\t{r.interest}\t{r.payment}\t{r.closing_balance}\t\\N\n"
                  for r in rows]  # fmt: skip
    else:
        stored = [(r.number, r.due_date.isoformat(), str(r.principal), str(r.interest), str(r.payment),
                   str(r.closing_balance)) for r in rows]  # fmt: skip
    return _Schedule(
        due=array("i", [r.due_date.toordinal() for r in rows]),
        principal=array("i", [_satang(r.principal) for r in rows]),
        closing=array("i", [_satang(r.closing_balance) for r in rows]),
        per=_satang(per),
        rows=stored,
    )


# ---------------------------------------------------------------- members, contracts, guarantees


@dataclass(slots=True)
class _Borrower:
    idx: int
    id: int
    number: str
    title: str
    first_name: str
    last_name: str
    joined: dt.date
    birth: dt.date
    ordinary: bool  # an ordinary member (else associate)
    may_guarantee: bool  # a member type the guarantee rules accept
    unit_id: int
    salary: int
    left_on: dt.date | None
    left_ord: int  # INF while a member
    status: str
    shares_ref: tuple[int, int]  # (day, satang): today's balance, or what a leaver withdrew on leaving
    monthly_shares: int  # satang a month
    guarantor_from: int  # first day with 12 months of membership (the guarantee rules' tenure)
    guarantor_until: int  # first day they sign no more: leaving, or 90 days before resigning
    contracts: list = field(default_factory=list)
    guaranteeing: list = field(default_factory=list)
    member: Member | None = None

    @property
    def full_name(self) -> str:
        return f"{self.title}{self.first_name} {self.last_name}"

    def shares_on(self, day: int, par: int, minimum: int) -> int:
        """Shares (satang) on ``day``: today's balance back along a straight line to the first purchase.

        An estimate: the generated share history is not replayed here, and a share balance only
        grows while the member pays monthly shares, so the line is close and never above today.
        """
        ref_day, ref_amount = self.shares_ref
        start = self.joined.toordinal()
        if day >= ref_day or ref_day <= start:
            return max(ref_amount, minimum)
        if day <= start:
            return minimum
        grown = minimum + (max(ref_amount, minimum) - minimum) * (day - start) // (ref_day - start)
        return grown // par * par


@dataclass(slots=True)
class _Contract:
    id: int
    app_id: int
    b: _Borrower
    p: _Product
    terms: _Terms
    number: str
    amount: int
    installments: int
    per: int
    equal_principal: bool
    disbursed: int
    first_due: dt.date
    channel: str
    carried: bool
    opening: int  # the balance brought forward (carried contracts)
    bal: int = 0
    paid_to: int = 0
    since: int = 0  # interest_paid_to when the contract enters the system (disbursement, or the opening)
    pays: array = field(default_factory=lambda: array("i"))  # (day, principal, interest, installment)…
    close: int = INF
    close_kind: str = ""  # paid | netting | cash | leave
    close_principal: int = 0
    close_interest: int = 0
    refinanced_by: _Contract | None = None
    flagged: bool = False
    guarantees: list = field(default_factory=list)

    def balance_on(self, day: int) -> int:
        """The principal outstanding on ``day`` (before the history: the amount, for the estimate)."""
        bal = self.opening if self.carried else self.amount
        pays = self.pays
        for k in range(0, len(pays), 4):
            if pays[k] > day:
                break
            bal -= pays[k + 1]
        return bal

    def deduction_on(self, day: int) -> int:
        """``rules.contract_monthly_deduction`` on ``day``, in satang."""
        if not self.equal_principal:
            return self.per
        bal = self.balance_on(day)
        return min(self.per, bal) + (bal * self.terms.rate_milli * 2 + _MONTH_DIV) // (2 * _MONTH_DIV)


@dataclass(slots=True)
class _Guarantee:
    contract: _Contract
    g: _Borrower
    start: int
    end: int = INF
    reason: str = ""


@dataclass(slots=True)
class _Lane:
    b: _Borrower
    p: _Product
    slot: int


class _Copier:
    """PostgreSQL: COPY the chunks in a worker thread, so the server loads while the planner plans.

    The worker uses the same database session (the generator's transaction) through psycopg's
    connection, which serialises access itself; the planner does not touch the database meanwhile.
    """

    def __init__(self) -> None:
        self.raw = connection.connection
        self.chunks: queue.Queue = queue.Queue(maxsize=3)
        self.failed: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="loans-copy", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while True:
            item = self.chunks.get()
            if item is None:
                return
            if self.failed is not None:
                continue
            sql, text = item
            try:
                with self.raw.cursor() as cursor, cursor.copy(sql) as copy:
                    copy.write(text)
            except BaseException as e:  # noqa: BLE001 -- re-raised in the planner's thread by ``join``
                self.failed = e

    def put(self, sql: str, text: str) -> None:
        if self.failed is not None:
            raise self.failed
        self.chunks.put((sql, text))

    def join(self) -> None:
        self.chunks.put(None)
        self.thread.join()
        if self.failed is not None:
            raise self.failed


class _Writer:
    """Rows of one table: COPY text on PostgreSQL (flushed in chunks), executemany on SQLite."""

    def __init__(self, table: str, columns: list[str], copier: _Copier | None) -> None:
        self.table, self.columns, self.copier = table, columns, copier
        self.pg = copier is not None
        self.sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        self.buffer: list = []
        self.written = 0

    def text(self, line: str) -> None:
        self.buffer.append(line)
        if len(self.buffer) >= 100_000:
            self.flush()

    def row(self, values: tuple) -> None:
        if self.pg:
            self.text("\t".join("\\N" if v is None else _copy_text(v) if type(v) is str else str(v)
                                for v in values) + "\n")  # fmt: skip
        else:
            self.buffer.append(values)
            if len(self.buffer) >= 50_000:
                self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        self.written += len(self.buffer)
        if self.pg:
            self.copier.put(self.sql, "".join(self.buffer))
        else:
            rows_insert(self.table, self.columns, self.buffer)
        self.buffer = []


def _copy_text(value: str) -> str:
    return (
        value.translate(_COPY_ESCAPE)
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value
        else value
    )


class _Ids:
    """Ids for rows written before the rows that point at them, handed out without a query each.

    The generator writes alone into its database: the ids after the table's current ones are
    free, and ``finish`` moves PostgreSQL's sequence past the last one used.
    """

    def __init__(self, table: str, pg: bool) -> None:
        self.table, self.pg = table, pg
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 -- fixed names
            self.next = cursor.fetchone()[0] + 1
            if pg:
                cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
                self.next = max(self.next, cursor.fetchone()[0])

    def take(self) -> int:
        self.next += 1
        return self.next - 1

    def finish(self) -> None:
        if self.pg:
            with connection.cursor() as cursor:
                cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [self.table, self.next])


# ---------------------------------------------------------------- the planner


class _Book:
    """Plans the loan book event by event in date order, writing the rows that need nothing later."""

    def __init__(self, coop: GeneratedCoop) -> None:
        self.coop = coop
        self.rng = coop.rng("loans")
        self.pg = connection.vendor == "postgresql"
        self.start = coop.history_start
        self.start_ord = coop.history_start.toordinal()
        self.as_of_ord = coop.as_of.toordinal()
        self.start_month = coop.history_start.year * 12 + coop.history_start.month - 1
        self.now = timezone.now()
        self.stamp = self.now if self.pg else connection.ops.adapt_datetimefield_value(self.now)
        self.events: list = []
        self.seq = 0
        self.day = -1
        self.contracts: list[_Contract] = []
        self.records: list[_Guarantee] = []
        self.opening: dict[str, int] = {}
        self.disbursed: dict[
            tuple, list[int]
        ] = {}  # (family, day) → [amount, netted principal, interest, bank, cash, n]
        self.received: dict[tuple, list[int]] = {}  # (family, day) → [bank, cash, principal, interest, n]
        self.stats = {
            "no_room": 0,
            "no_guarantors": 0,
            "guarantors_short": 0,
            "replaced": 0,
            "refinance_cash": 0,
        }
        self.app_ids = _Ids("loans_loanapplication", self.pg)
        self.contract_ids = _Ids("loans_loancontract", self.pg)
        self.copier: _Copier | None = None
        self.applications = self.schedule_rows = None
        self.days: dict[int, str] = {}  # ordinal → ISO date, for the COPY text
        self.detail_from = self.as_of_ord - 365

        users = get_user_model().objects
        # The demo's officer (maker) and manager (checker) accounts: the demo sets their passwords.
        self.maker = users.get_or_create(username="officer")[0]
        self.checker = users.get_or_create(username="manager")[0]
        for user in (self.maker, self.checker):
            if user.has_usable_password():
                continue
            user.set_unusable_password()
            user.save(update_fields=["password"])

        self.products: dict[str, _Product] = {}
        for product in LoanProduct.objects.filter(is_active=True, family__in=FAMILIES).order_by("code"):
            if product.family in self.products:
                continue
            versions = list(
                LoanProductRules.objects.filter(product=product).order_by("effective_from").prefetch_related("guarantor_bands")
            )  # fmt: skip
            if versions:
                terms = [self._terms(v) for v in versions]
                self.products[product.family] = _Product(product=product, family=product.family, versions=terms,
                                                         starts=[v.effective_from.toordinal() for v in versions])  # fmt: skip
        guarantee_rules = guarantee_rules_for(on=coop.as_of)
        self.max_guarantees = guarantee_rules.max_contracts_per_guarantor
        self.guarantor_months = guarantee_rules.min_membership_months
        self.guarantor_types = {t.strip() for t in guarantee_rules.member_types.split(",") if t.strip()}
        share_rules = share_rules_for(on=coop.as_of)
        self.par = _satang(share_rules.par_value)
        self.min_shares = share_rules.min_initial_shares * self.par
        self._load_members()

    @staticmethod
    def _terms(rules: LoanProductRules) -> _Terms:
        bands = sorted(((None if b.amount_up_to is None else _satang(b.amount_up_to), b.guarantors)
                        for b in rules.guarantor_bands.all()), key=lambda b: (b[0] is None, b[0] or 0))  # fmt: skip
        return _Terms(rules=rules, rate_milli=int(rules.annual_rate * 1000),
                      fast_interest=Rounding(rules.interest_rounding) is Rounding.SATANG_HALF_UP, bands=bands,
                      max_amount=_satang(rules.max_amount))  # fmt: skip

    def _load_members(self) -> None:
        accounts = dict(ShareAccount.objects.values_list("member_id", "balance_amount"))
        monthly = dict(ShareAccount.objects.values_list("member_id", "monthly_shares"))
        withdrawn = {
            member_id: (on.toordinal(), -_satang(amount))
            for member_id, on, amount in ShareTransaction.objects.filter(
                kind=ShareKind.WITHDRAWAL
            ).values_list("account__member_id", "date", "amount")
        }
        parents = self.parents = dict(Unit.objects.values_list("id", "parent_id"))
        self.borrowers: list[_Borrower] = []
        self.by_unit: dict[int, list[_Borrower]] = {}
        self.by_parent: dict[int, list[_Borrower]] = {}
        rows = Member.objects.order_by("number").values_list(
            "id", "number", "title", "first_name", "last_name", "joined_on", "birth_date", "member_type",
            "unit_id", "salary", "status", "status_since",
        )  # fmt: skip
        for idx, (
            pk,
            number,
            title,
            first,
            last,
            joined,
            birth,
            kind,
            unit_id,
            salary,
            status,
            since,
        ) in enumerate(rows.iterator(chunk_size=10_000)):
            left = status != MemberStatus.ACTIVE
            ref = withdrawn.get(pk, (since.toordinal(), 0)) if left else (
                self.as_of_ord, _satang(accounts.get(pk) or Decimal(0)))  # fmt: skip
            b = _Borrower(idx=idx, id=pk, number=number, title=title, first_name=first, last_name=last,
                          joined=joined, birth=birth, ordinary=kind == MemberType.ORDINARY,
                          may_guarantee=kind in self.guarantor_types, unit_id=unit_id,
                          salary=_satang(salary), left_on=since if left else None,
                          left_ord=since.toordinal() if left else INF, status=status, shares_ref=ref,
                          monthly_shares=(monthly.get(pk) or 0) * self.par,
                          guarantor_from=calc.add_months(joined, self.guarantor_months).toordinal(),
                          guarantor_until=since.toordinal() - (RESIGNING_DAYS if status == MemberStatus.RESIGNED else 0)
                          if left else INF)  # fmt: skip
            self.borrowers.append(b)
            if b.may_guarantee:
                self.by_unit.setdefault(unit_id, []).append(b)
                self.by_parent.setdefault(parents.get(unit_id) or unit_id, []).append(b)
        self.guarantor_pool = [b for b in self.borrowers if b.may_guarantee]

    @contextmanager
    def copying(self) -> Iterator[None]:
        """A phase whose rows go out through a COPY worker (PostgreSQL); the database is the worker's meanwhile."""
        self.copier = _Copier() if self.pg else None
        try:
            yield
        finally:
            if self.copier is not None:
                copier, self.copier = self.copier, None
                copier.join()

    # ------------------------------------------------------------ events

    def push(self, day: int, kind: int, payload: tuple) -> None:
        self.seq += 1
        heapq.heappush(self.events, (day, kind, self.seq, payload))

    def loan_day(self, family: str, day: dt.date) -> dt.date:
        """The first day on or after ``day`` the coop pays this family's loans out.

        Emergency loans on any working day; ordinary loans on the coop's two loan days a month (the
        10th and the 25th, or the Monday after), special loans after the monthly committee (the 25th).
        """
        if family == "emergency":
            return _weekday_on_or_after(day)
        while True:
            for d in (10, 25) if family == "ordinary" else (25,):
                candidate = _weekday_on_or_after(day.replace(day=d))
                if candidate >= day:
                    return candidate
            day = calc.add_months(day.replace(day=1), 1)

    def apply_at(self, lane: _Lane, applied: dt.date) -> None:
        """Queue an application made on ``applied``: it is planned on its disbursement day."""
        family = lane.p.family
        rng = self.rng
        lead = rng.randint(0, 2) if family == "emergency" else rng.randint(5, 14) if family == "ordinary" else (
            rng.randint(15, 40))  # fmt: skip
        disbursed = self.loan_day(family, applied + dt.timedelta(days=lead))
        if disbursed.toordinal() >= min(self.as_of_ord, lane.b.left_ord - 30):
            return
        self.push(disbursed.toordinal(), 1, (lane, applied.toordinal(), None, None))

    def start_lanes(self) -> None:
        """Each member's lanes: a contract brought forward at the history start, or a first application."""
        rng = self.rng
        bar = self.coop.progress("เงินกู้: สมาชิก", len(self.borrowers))
        for b in self.borrowers:
            bar.update(1)
            if b.salary <= 0:
                continue  # no salary: every limit is nil (and no coop lends for a house without income)
            for family in FAMILIES:
                p = self.products.get(family)
                if p is None:
                    continue
                weights = LANES[family][0 if b.ordinary else 1]
                lanes = rng.choices((0, 1, 2, 3), weights=weights)[0]
                for slot in range(lanes):
                    lane = _Lane(b=b, p=p, slot=slot)
                    earliest = calc.add_months(b.joined, MIN_MONTHS[family])
                    if earliest < self.start and rng.random() < IN_USE_AT_START[(family, slot)]:
                        if self._carry(lane, earliest):
                            continue
                    first = max(earliest, self.start) + dt.timedelta(
                        days=rng.randint(0, 330 if slot else 120)
                    )
                    self.apply_at(lane, _weekday_on_or_after(first))
        bar.close()

    def _carry(self, lane: _Lane, earliest: dt.date) -> bool:
        """Queue the contract a lane brings in at the history start: disbursed ``k`` months before it."""
        rng, family = self.rng, lane.p.family
        n = self._pick_installments(family)
        months_back = rng.randint(1, n)
        earliest_month = earliest.year * 12 + earliest.month - 1
        month = max(self.start_month - months_back, earliest_month + 1)
        if month >= self.start_month:
            return False
        first = dt.date(month // 12, month % 12 + 1, 1)
        if family == "emergency":
            disbursed = _weekday_on_or_after(first + dt.timedelta(days=rng.randint(0, 26)))
        else:
            disbursed = self.loan_day(family, first + dt.timedelta(days=rng.choice((0, 15))))
        applied = disbursed - dt.timedelta(days=rng.randint(1, 20))
        if applied < earliest or disbursed >= self.start:
            return False
        self.push(disbursed.toordinal(), 1, (lane, applied.toordinal(), None, n))
        return True

    def _pick_installments(self, family: str) -> int:
        choices = INSTALLMENTS[family]
        return self.rng.choices([c[0] for c in choices], weights=[c[1] for c in choices])[0]

    def run(self) -> None:
        span = max(self.as_of_ord - (self.events[0][0] if self.events else self.as_of_ord), 1)
        bar = self.coop.progress("เงินกู้: วันที่", span)
        reported = self.events[0][0] if self.events else 0
        while self.events:
            day, kind, _, payload = heapq.heappop(self.events)
            if day != self.day:
                self.day = day
                bar.update(day - reported)
                reported = day
            if kind == 0:
                self._replace(day, *payload)
            else:
                self._contract(day, *payload)
        bar.close()

    # ------------------------------------------------------------ one contract

    def _deductions(self, b: _Borrower, day: int, refinance: _Contract | None) -> int:
        return sum(c.deduction_on(day) for c in b.contracts
                   if c is not refinance and c.disbursed <= day < c.close)  # fmt: skip

    def _facts(self, b: _Borrower, applied: int, refinance: _Contract | None) -> MemberFacts:
        if b.member is None:
            b.member = Member(id=b.id, number=b.number, title=b.title, first_name=b.first_name, last_name=b.last_name,
                              joined_on=b.joined, birth_date=b.birth,
                              member_type=MemberType.ORDINARY if b.ordinary else MemberType.ASSOCIATE,
                              status=MemberStatus.ACTIVE, status_since=b.joined, salary=_dec(b.salary))  # fmt: skip
        return MemberFacts(member=b.member, on=_day(applied), salary=_dec(b.salary),
                           shares=_dec(b.shares_on(applied, self.par, self.min_shares)), deposits=Decimal("0.00"),
                           monthly_shares=_dec(b.monthly_shares),
                           other_installments=_dec(self._deductions(b, applied, refinance)))  # fmt: skip

    def _installments(self, family: str, terms: _Terms, b: _Borrower, first_due: dt.date, wanted: int) -> int:
        rules = terms.rules
        n = min(wanted, rules.max_installments)
        age_limit = rules.max_age_at_end or (
            75 if family == "special" else None
        )  # a coop's practice for housing
        if age_limit is not None:
            last_day = calc.add_months(b.birth, 12 * age_limit)
            most = full_months(first_due, last_day) + 1 if last_day >= first_due else 0
            if most < n:
                n = most // 12 * 12 if most >= 12 else most  # shortened to whole years, as members choose
        return n if n >= {"emergency": 1, "ordinary": 12, "special": 60}[family] else 0

    def _cap(self, terms: _Terms, facts: MemberFacts, installments: int) -> int:
        """The most the rules allow (``eligibility.maximum_limits``), in satang, before rounding down."""
        rules = terms.rules
        cap = terms.max_amount
        if rules.salary_multiple is not None:
            cap = min(cap, int(facts.salary * rules.salary_multiple * 100))
        if rules.min_share_percent:
            cap = min(cap, int(facts.shares * HUNDRED / rules.min_share_percent * 100))
        if rules.own_funds_percent is not None:
            cap = min(cap, int((facts.shares + facts.deposits) * rules.own_funds_percent))
        if rules.net_pay_min_percent is not None or rules.net_pay_min_amount is not None:
            floor = Decimal(0)
            if rules.net_pay_min_percent is not None:
                floor = round_money(facts.salary * rules.net_pay_min_percent / HUNDRED, Rounding.SATANG_UP)
            if rules.net_pay_min_amount is not None:
                floor = max(floor, rules.net_pay_min_amount)
            room = facts.salary - facts.monthly_shares - facts.other_installments - floor
            if room <= 0:
                return 0
            factor = terms.factors.get(installments)
            if factor is None:
                monthly = rules.annual_rate / 1200
                if rules.repayment_style == RepaymentStyle.EQUAL_PRINCIPAL or not monthly:
                    factor = 1 / Decimal(installments) + monthly
                else:
                    factor = monthly / (1 - (1 + monthly) ** -installments)
                terms.factors[installments] = factor
            cap = min(cap, int((room - 10) / factor * 100))
        return max(cap, 0)

    def _fits(self, terms: _Terms, facts: MemberFacts, amount: int, installments: int) -> bool:
        """The net-pay rule exactly as ``amount_checks`` applies it (the cap above is an estimate)."""
        rules = terms.rules
        if rules.net_pay_min_percent is None and rules.net_pay_min_amount is None:
            return True
        new = installment_estimate(rules=rules, amount=_dec(amount), installments=installments)
        floor = Decimal(0)
        if rules.net_pay_min_percent is not None:
            floor = round_money(facts.salary * rules.net_pay_min_percent / HUNDRED, Rounding.SATANG_UP)
        if rules.net_pay_min_amount is not None:
            floor = max(floor, rules.net_pay_min_amount)
        return facts.salary - facts.monthly_shares - facts.other_installments - new >= floor

    def _wanted(self, lane: _Lane, b: _Borrower, cap: int) -> int:
        rng, family = self.rng, lane.p.family
        step = STEP[family]
        top = _floor_to(cap, step)
        if top < MINIMUM[family]:
            return 0
        if family == "emergency":
            return top if rng.random() < 0.55 else step * rng.randint(1, top // step)
        if family == "ordinary":
            if lane.slot:
                return min(top, rng.choice((5_000_000, 10_000_000, 10_000_000, 15_000_000, 20_000_000)))
            return (
                top
                if rng.random() < 0.5
                else max(_floor_to(int(top * rng.uniform(0.3, 0.95)), step), MINIMUM[family])
            )
        wanted = b.salary * rng.uniform(25, 60)
        return max(
            (a for a in HOUSING if a <= min(top, wanted)), default=HOUSING[0] if HOUSING[0] <= top else 0
        )

    def _live(self, g: _Borrower, day: int) -> int:
        return sum(1 for r in g.guaranteeing if r.end > day)

    def _choose(
        self, b: _Borrower, wanted: int, day: int, *, prefer=(), exclude=(), everyone: bool = False
    ) -> list[tuple[_Borrower, int]]:
        """Guarantors for ``b`` on ``day``: colleagues first (same unit, then district), then anyone
        (``everyone``: every member in turn, for a replacement that must be found)."""
        chosen: list[tuple[_Borrower, int]] = []
        seen = {b.idx, *exclude}
        limit = self.max_guarantees

        def consider(g: _Borrower) -> bool:
            if g.idx in seen or g.guarantor_from > day or day >= g.guarantor_until:
                return False
            live = self._live(g, day)
            if live >= limit:
                return False
            seen.add(g.idx)
            chosen.append((g, live))
            return len(chosen) >= wanted

        for g in prefer:
            if consider(g):
                return chosen
        rng = self.rng
        for pool, scan in (
            (self.by_unit.get(b.unit_id, ()), 80),
            (self.by_parent.get(self._parent(b), ()), 150),
        ):
            if not pool:
                continue
            offset = rng.randrange(len(pool))
            for k in range(min(scan, len(pool))):
                if consider(pool[(offset + k) % len(pool)]):
                    return chosen
        pool = self.guarantor_pool
        for _ in range(40 if pool else 0):
            if consider(pool[rng.randrange(len(pool))]):
                return chosen
        if everyone and pool:
            offset = rng.randrange(len(pool))
            for k in range(len(pool)):
                if consider(pool[(offset + k) % len(pool)]):
                    return chosen
        return chosen

    def _parent(self, b: _Borrower) -> int:
        return self.parents.get(b.unit_id) or b.unit_id

    def _retry(self, lane: _Lane, day: int) -> None:
        self.apply_at(lane, _weekday_on_or_after(_day(day + self.rng.randint(*RETRY_DAYS))))

    @staticmethod
    def _closed(c: _Contract, day: int, kind: str, interest: int) -> None:
        """Close ``c`` on ``day`` (its guarantees end with it) after its last payment or netting."""
        c.close, c.close_kind, c.close_principal, c.close_interest = day, kind, c.bal, interest
        c.bal, c.paid_to = 0, day
        for record in c.guarantees:
            record.end = min(record.end, day)

    def _close_by_cash(self, old: _Contract, day: int) -> None:
        """A refinance that could not be made: the member paid the old contract off at the counter."""
        interest = old.terms.interest(old.bal, old.paid_to, day)
        self._received(old.p.family, day, cash=old.bal + interest, principal=old.bal, interest=interest)
        self._closed(old, day, "cash", interest)
        self.stats["refinance_cash"] += 1

    def _received(self, family: str, day: int, *, principal: int, interest: int, bank: int = 0,
                  cash: int = 0) -> None:  # fmt: skip
        t = self.received.get((family, day))
        if t is None:
            t = self.received[(family, day)] = [0, 0, 0, 0, 0]
        t[0] += bank
        t[1] += cash
        t[2] += principal
        t[3] += interest
        t[4] += 1

    def _contract(
        self, day: int, lane: _Lane, applied: int, old: _Contract | None, carried_n: int | None
    ) -> None:
        """Plan the contract paid out on ``day`` for an application of ``applied`` (``loan_disburse``)."""
        rng, b, p = self.rng, lane.b, lane.p
        family = p.family
        carried = carried_n is not None
        terms = p.terms_on(day)
        rules = terms.rules
        allowed = {t.strip() for t in rules.member_types.split(",")}
        too_new = (
            rules.min_membership_months and full_months(b.joined, _day(applied)) < rules.min_membership_months
        )
        if (MemberType.ORDINARY if b.ordinary else MemberType.ASSOCIATE) not in allowed or too_new:
            if old is not None:
                self._close_by_cash(old, day)
            if too_new:
                self._retry(lane, day)
            return
        disbursed = _day(day)
        first_due = first_due_after(disbursed)
        n = self._installments(family, terms, b, first_due, carried_n or self._pick_installments(family))
        facts = self._facts(b, applied, old)
        cap = self._cap(terms, facts, n) if n else 0
        amount = self._wanted(lane, b, cap)
        step, minimum = STEP[family], MINIMUM[family]
        payoff = old_interest = 0
        if old is not None:
            old_interest = old.terms.interest(old.bal, old.paid_to, day)
            payoff = old.bal + old_interest
            need = -(-payoff // step) * step
            amount = max(amount, need) if need <= cap else 0
        while amount >= minimum and not self._fits(terms, facts, amount, n):
            amount -= step
        if old is not None and amount < payoff:
            amount = 0
        chosen: list[tuple[_Borrower, int]] = []
        if amount >= minimum and terms.bands:
            wanted = terms.guarantors(amount)
            prefer = [r.g for r in old.guarantees if r.end > applied] if old is not None else ()
            chosen = self._choose(b, wanted, applied, prefer=prefer) if wanted else []
            if len(chosen) < wanted:
                # Fewer guarantors than the amount needs: borrow what the colleagues found can cover.
                self.stats["guarantors_short"] += 1
                amount = min(amount, _floor_to(terms.most_with(len(chosen)), step))
                if amount < max(payoff, minimum):
                    amount = 0
                chosen = chosen[: terms.guarantors(amount)] if amount else []
        schedule = None
        if amount >= minimum:
            try:
                schedule = _schedule_for(terms, amount, n, disbursed, self.pg)
            except ValueError:
                schedule = None
        j0 = bisect.bisect_left(schedule.due, self.start_ord) if schedule is not None and carried else 0
        if schedule is None or j0 >= len(schedule.due):
            self.stats["no_room" if cap < minimum or not terms.bands else "no_guarantors"] += 1
            if old is not None:
                self._close_by_cash(old, day)
            self._retry(lane, max(day, self.start_ord))
            return

        # ---- the contract, numbered as ``loan_disburse`` numbers them; before the history only the
        # contracts still running exist here, so the numbers of those years have gaps.
        year_be = disbursed.year + 543
        seq = p.seq.get(year_be, 0) + (1 if day >= self.start_ord else 1 + int(rng.expovariate(0.5)))
        p.seq[year_be] = seq
        c = _Contract(id=self.contract_ids.take(), app_id=self.app_ids.take(), b=b, p=p, terms=terms,
                      number=f"{p.product.code}-{year_be}-{seq:06d}", amount=amount, installments=n, per=schedule.per,
                      equal_principal=rules.repayment_style == RepaymentStyle.EQUAL_PRINCIPAL, disbursed=day,
                      first_due=first_due, channel="cash" if family == "emergency" and rng.random() < 0.2 else "bank",
                      carried=carried, opening=0)  # fmt: skip
        if carried:
            c.opening = schedule.closing[j0 - 1] if j0 else amount
            c.paid_to = schedule.due[j0 - 1] if j0 else day
            c.bal = c.opening
            self.opening[family] = self.opening.get(family, 0) + c.opening
        else:
            c.paid_to, c.bal = day, amount
            t = self.disbursed.get((family, day))
            if t is None:
                t = self.disbursed[(family, day)] = [0, 0, 0, 0, 0, 0]
            t[0] += amount
            t[1] += old.bal if old is not None else 0
            t[2] += old_interest
            t[3 if c.channel == "bank" else 4] += amount - payoff
            t[5] += 1
        c.since = c.paid_to
        if old is not None:
            old.refinanced_by = c
            self._closed(old, day, "netting", old_interest)

        # ---- what happens to it: refinanced, paid monthly (a few miss months), paid off on leaving
        refinance_at = INF
        chance, low, high = REFINANCE[family]
        if chance and rng.random() < chance and max(low, j0) <= high:
            j = rng.randint(max(low, j0), high)
            if j < len(schedule.due) - 1:
                at = self.loan_day(family, _day(schedule.due[j] + rng.randint(1, 20))).toordinal()
                if at < self.as_of_ord and at < b.left_ord - 60:
                    refinance_at = at
        stop = min(refinance_at, b.left_ord, self.as_of_ord)
        missed: set[int] = set()
        catch_up = False
        end_j = bisect.bisect_left(schedule.due, stop)
        candidates = range(j0, min(end_j, len(schedule.due) - 1))
        roll = rng.random()
        if roll < CATCH_UP and len(candidates) > 2:
            missed, catch_up = set(rng.sample(candidates, rng.randint(1, 2))), True
        elif roll < CATCH_UP + BEHIND and len(candidates) > 3:
            missed = set(rng.sample(candidates, rng.randint(1, 3)))
        elif roll < CATCH_UP + BEHIND + STOPPED and stop == self.as_of_ord and len(candidates) > 4:
            missed = set(range(end_j - rng.randint(1, 4), end_j))
        self._simulate(c, schedule, j0, stop, missed, catch_up)
        if c.close < INF:
            self._next_after(lane, c.close)
        elif stop == b.left_ord:
            interest = terms.interest(c.bal, c.paid_to, stop)
            self._received(family, stop, bank=c.bal + interest, principal=c.bal, interest=interest)
            self._closed(c, stop, "leave", interest)
        elif stop == refinance_at:
            lead = rng.randint(0, 2) if family == "emergency" else rng.randint(3, 10)
            again = _weekday_on_or_before(_day(refinance_at - lead)).toordinal()
            self.push(refinance_at, 1, (lane, max(again, c.paid_to), c, None))
        self.contracts.append(c)
        b.contracts.append(c)

        # ---- guarantors (their guarantees run from the application to the close), application, schedule
        for g, _ in chosen:
            self._guarantee(c, g, applied)
        self._application(c, old, facts, applied, chosen, payoff)
        for row in schedule.rows[j0:]:
            if self.pg:
                self.schedule_rows.text(f"{c.id}{row}")
            else:
                self.schedule_rows.row((c.id, *row, None))

    def _simulate(
        self, c: _Contract, s: _Schedule, j0: int, stop: int, missed: set[int], catch_up: bool
    ) -> None:
        """Payroll payments on the due dates before ``stop``: interest to the day, then principal."""
        bal, paid_to, terms = c.bal, c.paid_to, c.terms
        last = len(s.due) - 1
        scheduled = repaid = 0
        principals = s.principal if catch_up else None
        pays = c.pays
        j = j0
        while bal:
            due = s.due[j] if j <= last else calc.add_months(c.first_due, j).toordinal()
            if due >= stop:
                break
            if principals is not None and j <= last:
                scheduled += principals[j]
            if j in missed:
                j += 1
                continue
            interest = terms.interest(bal, paid_to, due)
            if j >= last:
                principal = bal
            elif c.equal_principal:
                principal = min(c.per, bal)
            else:
                principal = min(max(c.per - interest, 0), bal)
            if catch_up and scheduled - repaid > principal:
                principal = min(scheduled - repaid, bal)
            pays.extend((due, principal, interest, j + 1))
            self._received(c.p.family, due, bank=principal + interest, principal=principal, interest=interest)
            bal -= principal
            repaid += principal
            paid_to = due
            j += 1
        c.bal, c.paid_to = bal, paid_to
        if not bal:
            c.close, c.close_kind = paid_to, "paid"  # its guarantees are registered after, ending then

    def _next_after(self, lane: _Lane, closed: int) -> None:
        rng, family = self.rng, lane.p.family
        roll = rng.random()
        if family == "special":
            if roll < 0.7:
                return
            gap = rng.randint(365, 1100)
        elif roll < 0.03:
            return
        elif roll < 0.75:
            gap = rng.randint(0, 10 if family == "emergency" else 60)
        else:
            gap = rng.randint(10, 60 if family == "emergency" else 365)
        self.apply_at(lane, _weekday_on_or_after(_day(closed + 1 + gap)))

    def _guarantee(self, c: _Contract, g: _Borrower, start: int) -> None:
        record = _Guarantee(contract=c, g=g, start=start, end=c.close)
        c.guarantees.append(record)
        g.guaranteeing.append(record)
        self.records.append(record)
        if g.left_ord >= c.close:
            return
        rng = self.rng
        if g.status == MemberStatus.RESIGNED:
            # The bylaws: a guarantor may not resign until the borrower has replaced them.
            self.push(max(start + 1, g.left_ord - rng.randint(1, 30)), 0, (c, record))
            return
        # Death and expulsion just happen: the contract is flagged, and the borrower brings someone.
        replace_on = max(g.left_ord, start) + rng.randint(*REPLACE_DAYS)
        if replace_on < min(c.close, self.as_of_ord):
            self.push(replace_on, 0, (c, record))
        elif c.close == INF:
            c.flagged = True

    def _replace(self, day: int, c: _Contract, record: _Guarantee) -> None:
        """A guarantor resigns or left: the borrower brings a colleague in their place (``guarantor_replace``)."""
        if c.close <= day or record.end <= day:
            return
        current = [r.g.idx for r in c.guarantees if r.end > day]
        resigning = record.g.status == MemberStatus.RESIGNED
        chosen = self._choose(c.b, 1, day, exclude=current, everyone=resigning)
        if not chosen:
            if c.close == INF:
                c.flagged = True  # only a tiny, saturated coop has nobody left to sign
            return
        g = chosen[0][0]
        record.end, record.reason = day, f"เปลี่ยนผู้ค้ำเป็น {g.number}"
        self.stats["replaced"] += 1
        self._guarantee(c, g, day)

    def _application(self, c: _Contract, old: _Contract | None, facts: MemberFacts, applied: int,
                     chosen: list[tuple[_Borrower, int]], payoff: int) -> None:  # fmt: skip
        terms, b = c.terms, c.b
        if c.carried:
            checks = [RuleCheck(rule="คำขอกู้ก่อนเริ่มใช้ระบบ (ยอดยกมาจากทะเบียนเงินกู้เดิม)",
                                figure=f"สัญญา {c.number} จ่ายเงินกู้ {format_be_date(_day(c.disbursed))}",
                                passed=True, message=PASSED)]  # fmt: skip
        elif applied < self.detail_from:
            # The full list costs ~0.3 ms and ~3 KB an application: kept for the last year's, the
            # ones an approver or auditor reopens; older ones say what was checked in one row.
            checks = [RuleCheck(rule="ผ่านหลักเกณฑ์การกู้และการค้ำประกันทุกข้อเมื่อยื่นคำขอ",
                                figure=f"ขอกู้ {baht(_dec(c.amount))} บาท {c.installments} งวด ผู้ค้ำ {len(chosen)} คน "
                                       "(ข้อมูลตัวอย่าง: รายละเอียดทุกข้อเก็บไว้สำหรับคำขอ 12 เดือนล่าสุด)",
                                passed=True, message=PASSED)]  # fmt: skip
        else:
            amount = _dec(c.amount)
            checks = member_checks(rules=terms.rules, facts=facts)
            checks += amount_checks(rules=terms.rules, facts=facts, amount=amount, installments=c.installments,
                                    first_due=c.first_due)  # fmt: skip
            if terms.bands:
                checks += self._guarantor_checks(terms, amount, chosen, applied)
            if old is not None:
                checks.append(refinance_check(amount=amount, payoff=_dec(payoff), contract_number=old.number))
            failed = [check for check in checks if not check.passed]
            if failed:
                raise GeneratorError(f"planned loan {c.number} fails its own rules: {failed}")
        applied_on = _day(applied)
        requested = dt.datetime.combine(applied_on, dt.time(9, 30), tzinfo=BANGKOK)
        decided = dt.datetime.combine(max(applied_on, _day(c.disbursed - 1)), dt.time(15, 0), tzinfo=BANGKOK)
        if not self.pg:
            requested = connection.ops.adapt_datetimefield_value(requested)
            decided = connection.ops.adapt_datetimefield_value(decided)
        purpose = REFINANCE_PURPOSE if old is not None else self.rng.choice(PURPOSES[c.p.family])
        self.applications.row((c.app_id, b.id, c.p.product.pk, _money(c.amount), c.installments, self._iso(applied), purpose,
                               old.id if old is not None else None, ApplicationStatus.DISBURSED.value,
                               json.dumps([{"rule": k.rule, "figure": k.figure, "passed": k.passed, "message": k.message}
                                           for k in checks], ensure_ascii=False), self.maker.pk,
                               requested, self.checker.pk, decided, ""))  # fmt: skip

    def _guarantor_checks(self, terms: _Terms, amount: Decimal, chosen, applied: int) -> list[RuleCheck]:
        """The rows ``rules.guarantor_checks`` shows, from the counts the planner keeps (it reads the
        guarantors' live guarantees from the database, which is being written)."""
        required = terms.guarantors(_satang(amount))
        checks = [RuleCheck(rule=f"วงเงิน {baht(amount)} บาท ต้องมีผู้ค้ำอย่างน้อย {required} คน",
                            figure=f"มีผู้ค้ำ {len(chosen)} คน", passed=True, message=PASSED)]  # fmt: skip
        labels = ", ".join(
            MemberType(t).label for t in sorted(self.guarantor_types) if t in MemberType.values
        )
        on = _day(applied)
        for g, live in chosen:
            who = f"ผู้ค้ำ {g.number} {g.full_name}"
            months = full_months(g.joined, on)
            for rule, figure in (
                ("ผู้ค้ำต้องไม่ใช่ผู้กู้", who),
                ("ผู้ค้ำแต่ละคนระบุได้ครั้งเดียว", who),
                ("ผู้ค้ำต้องเป็นสมาชิกที่มีสถานะปกติ", f"{who}: {MemberStatus.ACTIVE.label}"),
                (f"ประเภทสมาชิกที่ค้ำได้: {labels}", f"{who}: {MemberType.ORDINARY.label}"),
                (f"ผู้ค้ำเป็นสมาชิกอย่างน้อย {self.guarantor_months} เดือน", f"{who}: เป็นสมาชิก {months} เดือน"),
                (f"ผู้ค้ำหนึ่งคนค้ำได้ไม่เกิน {self.max_guarantees} สัญญา",
                 f"{who}: ค้ำอยู่ {live} สัญญา รวมสัญญานี้เป็น {live + 1} สัญญา"),
            ):  # fmt: skip
                checks.append(RuleCheck(rule=rule, figure=figure, passed=True, message=PASSED))
        return checks

    # ------------------------------------------------------------ after planning

    def vouchers(self) -> dict[tuple, int]:
        """Post the summary vouchers; {("o", family) | ("d", family, day) | ("r", family, day): entry id}."""
        specs: list[EntrySpec] = []
        keys: list[tuple] = []
        for family in FAMILIES:
            total = self.opening.get(family, 0)
            if total:
                label = LoanFamily(family).label
                keys.append(("o", family))
                specs.append(EntrySpec(date=self.start, description=f"ยอดยกมาลูกหนี้{label}", source=EntrySource.LOANS,
                                       lines=(Line(f"loan_{family}", debit=_dec(total)),
                                              Line("bank", credit=_dec(total)))))  # fmt: skip
        for (family, day), (amount, net_principal, net_interest, bank, cash, n) in sorted(
            self.disbursed.items()
        ):
            label = LoanFamily(family).label
            lines = [Line(f"loan_{family}", debit=_dec(amount), memo=f"{n:,} สัญญา")]
            if net_principal:
                lines.append(Line(f"loan_{family}", credit=_dec(net_principal), memo="หักกลบหนี้สัญญาเดิม"))
            if net_interest:
                lines.append(
                    Line(f"interest_income_{family}", credit=_dec(net_interest), memo="ดอกเบี้ยสัญญาเดิม")
                )
            if bank:
                lines.append(Line("bank", credit=_dec(bank)))
            if cash:
                lines.append(Line("cash", credit=_dec(cash)))
            keys.append(("d", family, day))
            specs.append(EntrySpec(date=_day(day), description=f"สรุปจ่ายเงินกู้{label} วันที่ {format_be_date(_day(day))}",
                                   source=EntrySource.LOANS, lines=lines))  # fmt: skip
        for (family, day), (bank, cash, principal, interest, n) in sorted(self.received.items()):
            label = LoanFamily(family).label
            lines = []
            if bank:
                lines.append(Line("bank", debit=_dec(bank), memo=f"{n:,} รายการ"))
            if cash:
                lines.append(Line("cash", debit=_dec(cash)))
            if principal:
                lines.append(Line(f"loan_{family}", credit=_dec(principal)))
            if interest:
                lines.append(Line(f"interest_income_{family}", credit=_dec(interest)))
            keys.append(("r", family, day))
            specs.append(EntrySpec(date=_day(day), description=f"สรุปรับชำระเงินกู้{label} วันที่ {format_be_date(_day(day))}",
                                   source=EntrySource.LOANS, lines=lines))  # fmt: skip
        bar = self.coop.progress("เงินกู้: บัญชี", len(specs))
        ids = entries_post(specs, bar=bar)
        bar.close()
        self.coop.counts["journal_entries"] = self.coop.counts.get("journal_entries", 0) + len(specs)
        return dict(zip(keys, ids, strict=True))

    def write_contracts(self) -> None:
        out = _Writer("loans_loancontract", CONTRACT_COLUMNS, self.copier)
        flag = ("t", "f") if self.pg else (True, False)
        for c in self.contracts:
            closed = c.close < INF
            out.row((c.id, c.number, c.app_id, c.b.id, c.p.product.pk, _money(c.amount), str(c.terms.rules.annual_rate),
                     c.terms.rules.repayment_style, c.installments, _money(c.per), self._iso(c.disbursed), c.first_due.isoformat(),
                     self._iso(c.paid_to), _money(c.bal),
                     ContractStatus.CLOSED.value if closed else ContractStatus.ACTIVE.value,
                     self._iso(c.close) if closed else None, c.refinanced_by.id if c.refinanced_by else None,
                     flag[0] if c.flagged and not closed else flag[1]))  # fmt: skip
        out.flush()
        out = _Writer("loans_guarantee", GUARANTEE_COLUMNS, self.copier)
        for r in self.records:
            c = r.contract
            end = r.end if r.end < INF else None
            reason = r.reason or (
                CLOSED_REASON if end is not None else ""
            )  # as the payment service ends them
            out.row(
                (
                    c.app_id,
                    c.id,
                    r.g.id,
                    self._iso(r.start),
                    self._iso(end) if end is not None else None,
                    reason,
                )
            )
        out.flush()
        events = _Writer("loans_loanevent", EVENT_COLUMNS, self.copier)
        for c in self.contracts:
            if not c.flagged or c.close < INF:
                continue
            for r in c.guarantees:
                g = r.g
                if r.end == INF and g.left_on is not None and g.left_on <= self.coop.as_of:
                    why = MemberStatus(g.status).label
                    events.row((LoanEventKind.GUARANTOR_LEFT.value, c.b.id, c.id, g.id,
                                f"ผู้ค้ำประกันสัญญา {c.number} ของท่าน ({g.full_name}) {why} "
                                f"เมื่อ {format_be_date(g.left_on)} กรุณาติดต่อสหกรณ์เพื่อเปลี่ยนผู้ค้ำประกัน",
                                g.left_on, self.stamp, self.stamp))  # fmt: skip
        events.flush()
        self.coop.counts["loan_guarantees"] = len(self.records)

    def write_rates(self) -> None:
        """Each contract's rate history: the rate it was paid out at (the generated book has no rate
        resolutions), one INSERT…SELECT."""
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO loans_loancontractrate "
                "(contract_id, effective_from, annual_rate, installment_policy, reason, created_at) "
                "SELECT id, disbursed_on, annual_rate, %s, %s, %s FROM loans_loancontract",
                [InstallmentPolicy.KEEP.value, "อัตราเมื่อจ่ายเงินกู้", self.stamp],
            )

    def _iso(self, day: int) -> str:
        text = self.days.get(day)
        if text is None:
            text = self.days[day] = _day(day).isoformat()
        return text

    def write_transactions(self, entry: dict[tuple, int]) -> int:
        out = _Writer("loans_loantransaction", TX_COLUMNS, self.copier)
        stamp = str(self.stamp) if self.pg else self.stamp
        pg = self.pg
        receipts: dict[str, dict[int, int]] = {family: {} for family in FAMILIES}
        for key, entry_id in entry.items():
            if key[0] == "r":
                receipts[key[1]][key[2]] = entry_id
        bar = self.coop.progress("เงินกู้: รายการ", len(self.contracts))
        for c in self.contracts:
            family = c.p.family
            if c.carried:
                out.row((c.id, self._iso(self.start_ord), LoanTxKind.OPENING.value, "internal", _money(c.opening), "0.00", None, None,
                         None, entry[("o", family)], "ยอดยกมา", stamp))  # fmt: skip
            else:
                out.row((c.id, self._iso(c.disbursed), LoanTxKind.DISBURSEMENT.value, c.channel, _money(c.amount), "0.00",
                         None, None, None, entry[("d", family, c.disbursed)], f"จ่ายเงินกู้ {baht(_dec(c.amount))} บาท",
                         stamp))  # fmt: skip
            pays = c.pays
            previous = c.since
            if pg:
                vouchers, before = receipts[family], self._iso(previous)
                for k in range(0, len(pays), 4):
                    day = pays[k]
                    on = self._iso(day)
                    out.text(f"{c.id}\t{on}\tpayment\tpayroll\t{_money(-pays[k + 1])}\t{_money(pays[k + 2])}\t{before}"
                             f"\t{on}\t{pays[k + 3]}\t{vouchers[day]}\t\t{stamp}\n")  # fmt: skip
                    before = on
                previous = pays[-4] if pays else previous
            else:
                for k in range(0, len(pays), 4):
                    day, on = pays[k], self._iso(pays[k])
                    out.row((c.id, on, LoanTxKind.PAYMENT.value, "payroll", _money(-pays[k + 1]), _money(pays[k + 2]),
                             self._iso(previous), on, pays[k + 3], entry[("r", family, day)], "", stamp))  # fmt: skip
                    previous = day
            if c.close_kind in ("netting", "cash", "leave"):
                on = self._iso(c.close)
                if c.close_kind == "netting":
                    kind, channel, voucher = (
                        LoanTxKind.NETTING.value,
                        "netting",
                        entry[("d", family, c.close)],
                    )
                    memo = f"หักกลบด้วยสัญญา {c.refinanced_by.number}"
                else:
                    kind, voucher = LoanTxKind.PAYMENT.value, entry[("r", family, c.close)]
                    channel = "cash" if c.close_kind == "cash" else "bank"
                    memo = "ปิดบัญชีเงินกู้" if c.close_kind == "cash" else "ปิดบัญชีเงินกู้ (พ้นสมาชิกภาพ)"
                out.row((c.id, on, kind, channel, _money(-c.close_principal), _money(c.close_interest), self._iso(previous),
                         on, None, voucher, memo, stamp))  # fmt: skip
            bar.update(1)
        out.flush()
        bar.close()
        return out.written


def loans_step(coop: GeneratedCoop) -> None:
    """เงินกู้: applications, contracts with their schedules, guarantees, payments and the summary vouchers."""
    book = _Book(coop)
    if not book.products:
        return
    with ExitStack() as stack:
        for table in ("loans_loanapplication", "loans_loancontract", "loans_guarantee", "loans_scheduledinstallment",
                      "loans_loantransaction"):  # fmt: skip
            stack.enter_context(bulk_load(table))
        with book.copying():
            book.applications = _Writer("loans_loanapplication", APPLICATION_COLUMNS, book.copier)
            book.schedule_rows = _Writer("loans_scheduledinstallment", SCHEDULE_COLUMNS, book.copier)
            book.start_lanes()
            book.run()
            book.applications.flush()
            book.schedule_rows.flush()
        book.app_ids.finish()
        book.contract_ids.finish()
        entry = book.vouchers()
        with book.copying():
            book.write_contracts()
            written = book.write_transactions(entry)
        book.write_rates()
    active = [c for c in book.contracts if c.close == INF]
    counts = coop.counts
    counts["loan_contracts"] = len(book.contracts)
    counts["loan_contracts_active"] = len(active)
    counts["loan_transactions"] = written
    counts["loan_schedule_rows"] = book.schedule_rows.written
    for family in FAMILIES:
        counts[f"loan_active_{family}"] = sum(1 for c in active if c.p.family == family)
    counts.update({f"loan_{k}": v for k, v in book.stats.items()})
