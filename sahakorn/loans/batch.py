"""The loans' month-end batch: interest accrual (ตั้งดอกเบี้ยเงินกู้ค้างรับสิ้นเดือน), set-based, like the
shares' and deposits' ``batch.py``.

Every active contract with a balance earns interest from the later of ``interest_paid_to`` and its
last live accrual's ``interest_to``, to the month-end: balance × the rate of each day (the contract's
rate history) × the day's weight under the product's day basis (``core/interest.py``), summed
exactly and rounded half-up to the satang once, as ``calc.interest_between`` does. The figure is
computed inside the database in whole satang with exact integer arithmetic (the rate in thousandths
of a percent), so PostgreSQL and SQLite agree to the satang and nothing passes through a float. One ACCRUAL row per contract (principal 0) and ONE voucher per family
(Dr accrued_interest_<family> / Cr interest_income_<family>); once per month-end (``AccrualRun``).

The next payment credits ``accrued_interest_<family>`` with the accrued part first (see
``payments.py``), so the income is not counted twice.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from sahakorn.core.dates import month_end_batch_check
from sahakorn.core.interest import INTEREST_DIVISOR, DayBasis
from sahakorn.core.money import SATANG, ZERO, Rounding
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import Line, journal_entry_record, voucher_post
from sahakorn.loans.errors import LoanError
from sahakorn.loans.interest import day_basis_for
from sahakorn.loans.models import (
    AccrualRun,
    ContractStatus,
    LoanContract,
    LoanFamily,
    LoanProduct,
    LoanTransaction,
    LoanTxKind,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

_TABLE = "loans_accrual_due"
_BASIS_CODES = {DayBasis.DAYS_365: 0, DayBasis.DAYS_366: 1, DayBasis.ACTUAL: 2}


def accrual_description(period_end: dt.date, family: str) -> str:
    return f"ตั้งดอกเบี้ยเงินกู้ค้างรับ {LoanFamily(family).label} ถึงวันที่ {format_be_date(period_end)}"


class _Dialect:
    """The few date expressions PostgreSQL and SQLite write differently."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"

    def days(self, later: str, earlier: str) -> str:
        if self.pg:
            return f"({later} - {earlier})"
        return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"

    def minus_day(self, day: str) -> str:
        return f"({day} - 1)" if self.pg else f"date({day}, '-1 day')"

    def greatest(self, a: str, b: str) -> str:
        return f"GREATEST({a}, {b})" if self.pg else f"MAX({a}, {b})"

    def least(self, a: str, b: str) -> str:
        return f"LEAST({a}, {b})" if self.pg else f"MIN({a}, {b})"

    def year(self, day: str) -> str:
        return (
            f"CAST(EXTRACT(YEAR FROM {day}) AS INTEGER)"
            if self.pg
            else f"CAST(strftime('%%Y', {day}) AS INTEGER)"
        )

    def day_of_year(self, day: str) -> str:
        return (
            f"CAST(EXTRACT(DOY FROM {day}) AS INTEGER)"
            if self.pg
            else f"CAST(strftime('%%j', {day}) AS INTEGER)"
        )

    def leap_days_through(self, day: str) -> str:
        """L(day): how many days from 1 Jan of year 1 up to ``day`` fall in leap years, in integers:
        366 × the leap years before ``day``'s year, plus ``day``'s day of the year if its year is one."""
        y = self.year(day)
        before = f"(({y} - 1) / 4 - ({y} - 1) / 100 + ({y} - 1) / 400)"
        # %% is the modulo operator once the query's parameters are filled in (both drivers).
        leap = f"(({y} %% 4 = 0 AND {y} %% 100 <> 0) OR {y} %% 400 = 0)"
        return f"(366 * {before} + CASE WHEN {leap} THEN {self.day_of_year(day)} ELSE 0 END)"

    def weighted_days(self, start: str, end: str, basis: str) -> str:
        """Σ day weights over (start, end] (see ``core/interest.py``): 366 a day divided by 365, 365 a
        day divided by 366; under the actual basis 366 × days − the leap-year days among them."""
        days = self.days(end, start)
        leap = f"({self.leap_days_through(end)} - {self.leap_days_through(start)})"
        return (
            f"(CASE {basis} WHEN 0 THEN 366 * {days} WHEN 1 THEN 365 * {days} ELSE 366 * {days} - {leap} END)"
        )


def _due_sql(basis_case: str) -> str:
    """Every active contract's interest to the month-end in whole satang, one INSERT…SELECT.

    From the later of ``interest_paid_to`` and the contract's last accrual (one index seek each), the
    days to the month-end are cut at each rate change of the contract's history; each piece is
    principal × rate (thousandths of a percent) × its weighted days, and the pieces' sum is divided
    by 1,000 × 100 × 133,590 and rounded half-up once: exactly ``calc.interest_between``.

    Almost every contract has had one rate over the whole span (its latest rate took effect by the
    span's first day), and that rate is the one the contract caches: those take the first branch,
    with no join and no grouping. Only a contract whose rate changed inside the span is cut into
    pieces against its history (the second branch).
    """
    d = _Dialect()
    # principal × rate × weighted days passes 2^63 for a 100-million-baht loan a year unpaid: PostgreSQL
    # multiplies exact numerics; SQLite (the demo) has only 64-bit integers, checked before the run.
    satang_type = "NUMERIC" if d.pg else "BIGINT"
    period_end = "CAST(%(period_end)s AS date)" if d.pg else "%(period_end)s"
    materialized = "MATERIALIZED" if d.pg else ""
    # The latest period accrued (one index seek). Reversed accruals need not be told apart: a reversed
    # accrual of an active contract is always posted again for the same period (``contract_accrual_post``)
    # unless its interest came to nothing or the contract was paid past it, which change nothing here.
    last_accrual = "(SELECT MAX(t.interest_to) FROM loans_loantransaction t WHERE t.contract_id = c.id AND t.kind = %(accrual)s)"
    latest_rate = "(SELECT MAX(r.effective_from) FROM loans_loancontractrate r WHERE r.contract_id = c.id)"
    next_from = (
        "(SELECT MIN(r1.effective_from) FROM loans_loancontractrate r1 "
        "WHERE r1.contract_id = r.contract_id AND r1.effective_from > r.effective_from)"
    )
    piece_start = d.greatest("b.start_on", d.minus_day("r.effective_from"))
    piece_end = f"COALESCE({d.least(period_end, d.minus_day(next_from))}, {period_end})"
    one_rate = d.weighted_days("b.start_on", period_end, "b.basis")
    pieces = d.weighted_days("p.piece_start", "p.piece_end", "p.basis")
    divisor = INTEREST_DIVISOR * 1000  # satang × thousandths of a percent → satang
    # Half-up in integers; PostgreSQL sums bigints as numeric, so its quotient needs div().
    if d.pg:
        one_rounded = f"div(b.principal_satang * b.rate_milli * {one_rate} + {divisor // 2}, {divisor})"
        rounded = f"div(SUM(numerator) + {divisor // 2}, {divisor})"
    else:
        one_rounded = f"(b.principal_satang * b.rate_milli * {one_rate} + {divisor // 2}) / {divisor}"
        rounded = f"(SUM(numerator) + {divisor // 2}) / {divisor}"
    return f"""
    WITH b AS {materialized} (
      SELECT contract_id, family, basis, principal_satang, rate_milli, start_on, latest_rate
      FROM (
        SELECT c.id AS contract_id, p.family AS family, {basis_case} AS basis,
               CAST(ROUND(c.principal_balance * 100) AS {satang_type}) AS principal_satang,
               CAST(ROUND(c.annual_rate * 1000) AS BIGINT) AS rate_milli,
               {d.greatest("c.interest_paid_to", f"COALESCE({last_accrual}, c.interest_paid_to)")} AS start_on,
               {latest_rate} AS latest_rate
        FROM loans_loancontract c
        JOIN loans_loanproduct p ON p.id = c.product_id
        WHERE c.status = %(active)s AND c.principal_balance > 0
      ) c0
      WHERE start_on < %(period_end)s
    )
    INSERT INTO {_TABLE} (contract_id, family, start_on, satang)
    SELECT b.contract_id, b.family, b.start_on, {one_rounded}
    FROM b
    WHERE b.latest_rate IS NULL OR {d.minus_day("b.latest_rate")} <= b.start_on
    UNION ALL
    SELECT contract_id, family, start_on, {rounded}
    FROM (
      SELECT p.contract_id, p.family, p.start_on, p.principal_satang * p.rate_milli * {pieces} AS numerator
      FROM (
        SELECT b.contract_id, b.family, b.start_on, b.basis, b.principal_satang,
               CAST(ROUND(r.annual_rate * 1000) AS BIGINT) AS rate_milli,
               {piece_start} AS piece_start, {piece_end} AS piece_end
        FROM b JOIN loans_loancontractrate r ON r.contract_id = b.contract_id AND r.effective_from <= %(period_end)s
        WHERE {d.minus_day("b.latest_rate")} > b.start_on
      ) p
      WHERE p.piece_end > p.piece_start
    ) x
    GROUP BY contract_id, family, start_on
    """  # noqa: S608 -- fixed table names and fragments; every value is a parameter


def _check_sqlite_range(period_end: dt.date) -> None:
    """SQLite turns an integer product past 2^63 into a float; refuse rather than round wrongly."""
    from django.db.models import Max, Min

    figures = LoanContract.objects.filter(status=ContractStatus.ACTIVE, principal_balance__gt=0).aggregate(
        principal=Max("principal_balance"), rate=Max("annual_rate"), since=Min("interest_paid_to")
    )
    if figures["principal"] is None:
        return
    days = max((period_end - figures["since"]).days, 0)
    bound = int(figures["principal"] * 100) * int(figures["rate"] * 1000) * 366 * days
    if bound >= 2**63:
        raise LoanError("ยอดเงินต้น อัตรา และจำนวนวันใหญ่เกินกว่าที่ SQLite คำนวณได้ตรง: ใช้ PostgreSQL")


def _basis_case(period_end: dt.date, params: dict) -> str:
    """Each product's day basis on ``period_end`` as a SQL CASE over product ids (codes as parameters)."""
    whens = []
    for k, product_id in enumerate(LoanProduct.objects.values_list("pk", flat=True)):
        params[f"basis_product_{k}"] = product_id
        params[f"basis_code_{k}"] = _BASIS_CODES[DayBasis(day_basis_for(product_id, period_end))]
        whens.append(f"WHEN %(basis_product_{k})s THEN %(basis_code_{k})s")
    if not whens:
        return "0"
    return f"(CASE c.product_id {' '.join(whens)} ELSE 0 END)"


def _money_from_satang(satang) -> Decimal:
    return (Decimal(int(satang)) / 100).quantize(SATANG)


def accrual_period_check(period_end: dt.date) -> None:
    """Refuse a month-end accrual out of turn: not a month end, ahead, or leaving a month unrun."""
    last_done = AccrualRun.objects.aggregate(last=Max("period_end"))["last"]
    month_end_batch_check(
        period_end, last_done=last_done, what=gettext("การตั้งดอกเบี้ยเงินกู้ค้างรับ"), error=LoanError
    )


@transaction.atomic
def loan_interest_accrual_run(*, period_end: dt.date, by: User | None = None) -> AccrualRun:
    """Accrue every active contract's interest to ``period_end`` (see the module notes); once per date.

    A second call for the same ``period_end`` returns the first run's record and writes nothing.
    Otherwise ``period_end`` is a month's last day, not ahead of ``core.dates.latest_batch_date``,
    and the month after the latest run (``core.dates.month_end_batch_check``): an accrual posted
    ahead would be income not yet earned, and would refuse every payment dated before it.
    """
    started = time.perf_counter()
    existing = AccrualRun.objects.filter(period_end=period_end).first()
    if existing is not None:
        return existing
    accrual_period_check(period_end)
    try:
        with transaction.atomic():
            run = AccrualRun.objects.create(period_end=period_end, run_by=by)
    except IntegrityError:
        return AccrualRun.objects.get(period_end=period_end)

    params = {
        "period_end": period_end,
        "accrual": LoanTxKind.ACCRUAL.value,
        "active": ContractStatus.ACTIVE.value,
    }
    basis_case = _basis_case(period_end, params)
    if connection.vendor != "postgresql":
        _check_sqlite_range(period_end)
    count, total, first_entry = 0, ZERO, None
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_TABLE} "
            "(contract_id bigint, family varchar(20), start_on date, satang bigint)"
        )
        cursor.execute(_due_sql(basis_case), params)
        cursor.execute(f"DELETE FROM {_TABLE} WHERE satang <= 0")  # noqa: S608
        cursor.execute(
            f"SELECT family, COUNT(*), SUM(satang) FROM {_TABLE} GROUP BY family ORDER BY family"  # noqa: S608
        )
        per_family = cursor.fetchall()
        entries: dict[str, int] = {}
        for family, contracts, satang in per_family:
            amount = _money_from_satang(satang)
            entry = journal_entry_record(
                date=period_end,
                description=accrual_description(period_end, family),
                lines=[
                    Line(account=f"accrued_interest_{family}", debit=amount),
                    Line(account=f"interest_income_{family}", credit=amount),
                ],
                source=EntrySource.LOANS,
                created_by=by,
            )
            entries[family] = entry.pk
            first_entry = first_entry or entry
            count += int(contracts)
            total += amount
        if entries:
            case = " ".join(f"WHEN '{family}' THEN {pk}" for family, pk in entries.items())
            interest = (
                "CAST(satang AS numeric) / 100" if connection.vendor == "postgresql" else "satang / 100.0"
            )
            cursor.execute(
                f"""
                INSERT INTO loans_loantransaction
                  (contract_id, date, kind, channel, principal, interest, interest_from, interest_to,
                   journal_entry_id, memo, created_by_id, created_at)
                SELECT contract_id, %s, %s, '', 0, {interest}, start_on, %s,
                       CASE family {case} END, %s, %s, %s
                FROM {_TABLE}
                """,  # noqa: S608 -- family keys are LoanFamily values, entry ids are integers
                [period_end, LoanTxKind.ACCRUAL.value, period_end, "ดอกเบี้ยค้างรับสิ้นเดือน",
                 by.pk if by is not None else None, timezone.now()],
            )  # fmt: skip
        cursor.execute(f"DROP TABLE {_TABLE}")

    run.contracts, run.amount, run.journal_entry = count, total, first_entry
    run.seconds = Decimal(f"{time.perf_counter() - started:.3f}")
    run.save(update_fields=["contracts", "amount", "journal_entry", "seconds"])
    return run


def loan_interest_accrual_run_naive(
    *, period_end: dt.date, by: User | None = None, limit: int | None = None
) -> int:
    """The same accrual one contract at a time, one voucher each (benchmark baseline only): the
    per-contract ``contract_accrual_post`` over every active contract.

    Writes no run record; never use it for real work. Returns how many contracts it accrued.
    """
    contracts = (
        LoanContract.objects.filter(status=ContractStatus.ACTIVE, principal_balance__gt=0)
        .select_related("product")
        .order_by("id")
    )
    if limit is not None:
        contracts = contracts[:limit]
    posted = 0
    for contract in contracts:
        with transaction.atomic():
            posted += contract_accrual_post(contract=contract, period_end=period_end, by=by) is not None
    return posted


# ======== One contract's accruals recomputed ========
#
# A movement that changes what a month-end accrual already posted should have been (a payment
# dated before it: received late, a share settlement dated the day the member left; a payment
# reversed; a rate resolution dated back) recomputes it: the accrual is reversed and posted again
# from the contract as it now stands. Each correction is dated on the later of the accrual's own
# date and the day the movement is booked: a back-dated payment corrects the month-ends after it
# on their own dates (the GL agrees with the sub-ledger on every day), a reversal booked on 2 Feb
# corrects January's accrual on 2 Feb (January stays as it was reported, and may be closed).
# Accruals belong to the period they cover (``interest_to``), whatever day they were booked.


def contract_accruals_reverse(
    *,
    contract: LoanContract,
    after: dt.date,
    booked_on: dt.date,
    by: User | None,
    since: dt.date | None = None,
) -> list[dt.date]:
    """Reverse the contract's live accruals for periods ending after ``after`` (and on or after
    ``since``), each dated max(its own date, ``booked_on``); return every such period end, those
    already reversed included, for ``contract_accruals_repost`` once the contract has changed."""
    periods = LoanTransaction.objects.filter(
        contract_id=contract.pk, kind=LoanTxKind.ACCRUAL, interest_to__gt=after
    )
    if since is not None:
        periods = periods.filter(interest_to__gte=since)
    period_ends = sorted(set(periods.values_list("interest_to", flat=True)))
    family = contract.product.family
    for row in periods.filter(reversed_by__isnull=True).order_by("interest_to", "id"):
        on = max(row.date, booked_on)
        entry = voucher_post(
            source=EntrySource.LOANS,
            on=on,
            description=f"กลับรายการดอกเบี้ยค้างรับ สัญญา {contract.number} ถึงวันที่ {format_be_date(row.interest_to)} "
            "(คำนวณใหม่)",
            lines=[
                Line(account=f"interest_income_{family}", debit=row.interest),
                Line(account=f"accrued_interest_{family}", credit=row.interest),
            ],
            by=by,
            error=LoanError,
        )
        LoanTransaction.objects.create(
            contract=contract,
            date=on,
            kind=LoanTxKind.ACCRUAL_REVERSAL,
            interest=-row.interest,
            interest_from=row.interest_from,
            interest_to=row.interest_to,
            journal_entry=entry,
            reverses=row,
            memo="กลับรายการเพื่อคำนวณดอกเบี้ยค้างรับใหม่",
            created_by=by,
        )
    return period_ends


def contract_accruals_repost(
    *, contract: LoanContract, period_ends: list[dt.date], booked_on: dt.date, by: User | None
) -> None:
    """Post the accruals of ``period_ends`` again, in order, from the contract as it now stands."""
    for period_end in sorted(set(period_ends)):
        contract_accrual_post(contract=contract, period_end=period_end, by=by, booked_on=booked_on)


def contract_accrual_post(
    *, contract: LoanContract, period_end: dt.date, by: User | None, booked_on: dt.date | None = None
) -> LoanTransaction | None:
    """Accrue one contract's interest to ``period_end`` as the month-end run does (from the later of
    ``interest_paid_to`` and its last live accrual for an earlier period, by its rate history and day
    basis, half-up to the satang); dated max(``period_end``, ``booked_on``)."""
    from sahakorn.loans import calc
    from sahakorn.loans.interest import contract_rates

    if contract.status != ContractStatus.ACTIVE or not contract.principal_balance:
        return None
    last = (
        LoanTransaction.objects.filter(
            contract_id=contract.pk,
            kind=LoanTxKind.ACCRUAL,
            interest_to__lt=period_end,
            reversed_by__isnull=True,
        )
        .order_by("-interest_to")
        .values_list("interest_to", flat=True)
        .first()
    )
    start = max(contract.interest_paid_to, last) if last else contract.interest_paid_to
    if start >= period_end:
        return None
    interest = calc.interest_between(
        principal=contract.principal_balance,
        start=start,
        end=period_end,
        rates=contract_rates(contract),
        rounding=Rounding.SATANG_HALF_UP,
        day_basis=day_basis_for(contract.product_id, period_end),
    )
    if interest <= 0:
        return None
    on = max(period_end, booked_on or period_end)
    recomputed = " (คำนวณใหม่)" if booked_on is not None else ""
    family = contract.product.family
    entry = voucher_post(
        source=EntrySource.LOANS,
        on=on,
        description=f"ตั้งดอกเบี้ยค้างรับ สัญญา {contract.number} ถึงวันที่ {format_be_date(period_end)}{recomputed}",
        lines=[
            Line(account=f"accrued_interest_{family}", debit=interest),
            Line(account=f"interest_income_{family}", credit=interest),
        ],
        by=by,
        error=LoanError,
    )
    return LoanTransaction.objects.create(
        contract=contract,
        date=on,
        kind=LoanTxKind.ACCRUAL,
        interest=interest,
        interest_from=start,
        interest_to=period_end,
        journal_entry=entry,
        memo=f"ดอกเบี้ยค้างรับสิ้นเดือน{recomputed}",
        created_by=by,
    )
