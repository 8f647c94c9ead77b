"""Month-end loan interest accrual (ตั้งดอกเบี้ยเงินกู้ค้างรับสิ้นเดือน), set-based.

Every active contract with a balance earns interest from the later of ``interest_paid_to`` and its
last accrual's ``interest_to``, to the month-end: balance × rate × days / 36,500, rounded half-up
to the satang. The figure is computed inside the database in whole satang with integer arithmetic
(the rate in thousandths of a percent), so PostgreSQL and SQLite agree to the satang and nothing
passes through a float. One ACCRUAL row per contract (principal 0) and ONE voucher per family
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
from django.utils import timezone

from sahakorn.core.money import SATANG, ZERO, round_money
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import Line, journal_entry_record
from sahakorn.loans.models import (
    AccrualRun,
    ContractStatus,
    LoanContract,
    LoanFamily,
    LoanTransaction,
    LoanTxKind,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

_TABLE = "loans_accrual_due"
_DIVISOR = 36_500 * 1000  # days/year × percent, and the rate kept in thousandths


def accrual_description(period_end: dt.date, family: str) -> str:
    return f"ตั้งดอกเบี้ยเงินกู้ค้างรับ {LoanFamily(family).label} ถึงวันที่ {format_be_date(period_end)}"


def _start_sql() -> str:
    return """
    CASE WHEN last_accrual IS NOT NULL AND last_accrual > interest_paid_to
         THEN last_accrual ELSE interest_paid_to END
    """


def _days_sql(start: str) -> str:
    if connection.vendor == "postgresql":
        return f"(CAST(%(period_end)s AS date) - ({start}))"
    return f"CAST(julianday(%(period_end)s) - julianday({start}) AS INTEGER)"


def _due_sql() -> str:
    start = _start_sql()
    days = _days_sql("start_on")
    return f"""
    INSERT INTO {_TABLE} (contract_id, family, start_on, satang)
    SELECT contract_id, family, start_on,
           (principal_satang * rate_milli * days * 2 + {_DIVISOR}) / ({_DIVISOR} * 2)
    FROM (
      SELECT contract_id, family, start_on, principal_satang, rate_milli, {days} AS days
      FROM (
        SELECT c.id AS contract_id, p.family AS family,
               CAST(ROUND(c.principal_balance * 100) AS BIGINT) AS principal_satang,
               CAST(ROUND(c.annual_rate * 1000) AS BIGINT) AS rate_milli,
               {start} AS start_on
        FROM (
          SELECT c0.*, la.last_accrual
          FROM loans_loancontract c0
          LEFT JOIN (SELECT t.contract_id, MAX(t.interest_to) AS last_accrual FROM loans_loantransaction t
                     WHERE t.kind = %(accrual)s GROUP BY t.contract_id) la ON la.contract_id = c0.id
          WHERE c0.status = %(active)s AND c0.principal_balance > 0
        ) c
        JOIN loans_loanproduct p ON p.id = c.product_id
      ) base
    ) d
    WHERE days > 0
    """  # noqa: S608 -- fixed table names and fragments; every value is a parameter


def _money_from_satang(satang) -> Decimal:
    return (Decimal(int(satang)) / 100).quantize(SATANG)


@transaction.atomic
def loan_interest_accrual_run(*, period_end: dt.date, by: User | None = None) -> AccrualRun:
    """Accrue every active contract's interest to ``period_end`` (see the module notes); once per date.

    A second call for the same ``period_end`` returns the first run's record and writes nothing.
    """
    started = time.perf_counter()
    existing = AccrualRun.objects.filter(period_end=period_end).first()
    if existing is not None:
        return existing
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
    count, total, first_entry = 0, ZERO, None
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_TABLE} "
            "(contract_id bigint, family varchar(20), start_on date, satang bigint)"
        )
        cursor.execute(_due_sql(), params)
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
    """The same accrual one contract at a time, one voucher each (benchmark baseline only).

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
        last = (
            LoanTransaction.objects.filter(contract=contract, kind=LoanTxKind.ACCRUAL)
            .order_by("-interest_to")
            .values_list("interest_to", flat=True)
            .first()
        )
        start = max(contract.interest_paid_to, last) if last else contract.interest_paid_to
        days = (period_end - start).days
        if days <= 0:
            continue
        interest = round_money(contract.principal_balance * contract.annual_rate * days / Decimal(36_500))
        if interest <= 0:
            continue
        family = contract.product.family
        with transaction.atomic():
            entry = journal_entry_record(
                date=period_end,
                description=f"ตั้งดอกเบี้ยค้างรับ สัญญา {contract.number}",
                lines=[
                    Line(account=f"accrued_interest_{family}", debit=interest),
                    Line(account=f"interest_income_{family}", credit=interest),
                ],
                source=EntrySource.LOANS,
                created_by=by,
            )
            LoanTransaction.objects.create(
                contract=contract,
                date=period_end,
                kind=LoanTxKind.ACCRUAL,
                interest=interest,
                interest_from=start,
                interest_to=period_end,
                journal_entry=entry,
                memo="ดอกเบี้ยค้างรับสิ้นเดือน",
                created_by=by,
            )
        posted += 1
    return posted
