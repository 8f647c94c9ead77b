"""Missed installments and overdue principal (การขาดชำระค่างวด): what the member card, the arrears
report, eligibility and the dividend run read, all from one SQL builder (``coverage_sql``).

The rule. Take a contract's current schedule rows (``superseded_at`` NULL) in (due date, number)
order and its repayments: PAYMENT, NETTING, REVERSAL and REFUND rows (ACCRUAL, ACCRUAL_REVERSAL,
DISBURSEMENT and OPENING repay nothing). A repayment row repays principal −``principal`` and pays
money −``principal`` + ``interest``, so a reversal (the payment's figures negated) takes both back
and an interest refund (principal 0, interest −) takes its money back. A reversal counts on the day
of the payment it reverses (a bounced payment never covered its installment), once it is booked:
the as-of views see it from its own date, the dividend run sees every reversal booked by the day
it runs — as ``selectors.members_interest_paid`` counts it in the payment's year.

Installment k, due on d(k), is *covered* when, counting the repayments dated on or before
d(k) + the coop's grace days (``CoopProfile.installment_grace_days``), EITHER the principal repaid
reaches the scheduled principal of rows 1..k, OR the money paid reaches their scheduled payments
(``payment``). Money, because a payment made a few days late pays more interest and less
principal, yet the member paid the installment; principal, because a prepayment or a payoff pays
less money than the payments it makes unnecessary, yet brings the balance down to the row's
closing balance. Otherwise the installment is *missed*. Being one installment behind therefore
misses every following installment until the member catches up: each of them was not covered on
its day.

Missed installments are counted per fiscal year: those due in [fiscal year start, ``as_of``]
whose d(k) + grace is on or before ``as_of`` (an installment still inside its grace days is not
judged yet). The dividend run (``members_missed_installments``) judges every installment due in
the year with the repayments dated up to d(k) + grace, even after the year end. Installments due
after the contract closed (paid off, netted) are not owed and never judged.

On ``as_of`` itself (the arrears report, ``loan_arrears``), with no grace:

- overdue principal = max(0, min(scheduled principal through ``as_of`` − principal repaid by then,
  scheduled payments through ``as_of`` − money paid by then)), so a few baht of extra interest
  from a late payment, with the installments' money paid, is nothing overdue;
- ``months_overdue`` counts the installments due by ``as_of`` that everything repaid by then does
  not cover (both shortfalls positive), ``overdue_since`` is the oldest of them;
- interest in arrears (ดอกเบี้ยค้างชำระ) is the sum of the repayment rows' ``interest_arrears``.

Money is compared in whole satang inside the database (``CAST(ROUND(x * 100) AS BIGINT)``: SQLite
keeps the decimals as REAL).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from sahakorn.core.money import SATANG, ZERO
from sahakorn.core.selectors import coop_profile_get
from sahakorn.ledger.selectors import fiscal_year_span
from sahakorn.loans.models import LoanContract, LoanTransaction, LoanTxKind
from sahakorn.members.models import Member

REPAYMENT_KINDS = (LoanTxKind.PAYMENT, LoanTxKind.NETTING, LoanTxKind.REVERSAL, LoanTxKind.REFUND)
# The rows that advance principal (the rest of a contract's principal moves are REPAYMENT_KINDS).
ADVANCE_KINDS = (LoanTxKind.DISBURSEMENT, LoanTxKind.OPENING)
ONE_DAY = dt.timedelta(days=1)


def grace_days_in_force(grace_days: int | None = None) -> int:
    """``grace_days`` when given, else the coop's setting (ผ่อนผันการชำระค่างวด, default 0)."""
    if grace_days is not None:
        return max(int(grace_days), 0)
    return coop_profile_get().installment_grace_days or 0


def _plus_grace(column: str) -> str:
    """``column`` (a date) plus the grace days, in the vendor's date arithmetic."""
    if connection.vendor == "postgresql":
        return f"({column} + CAST(%(grace)s AS INTEGER))"
    return f"date({column}, %(grace_modifier)s)"


def _minus_grace(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"({column} - CAST(%(grace)s AS INTEGER))"
    return f"date({column}, %(grace_back)s)"


def coverage_params(
    *,
    fy_start: dt.date,
    window_end: dt.date,
    until: dt.date,
    grace_days: int,
    known_on: dt.date | None = None,
) -> dict[str, object]:
    """The parameters ``coverage_sql`` reads: installments due in [``fy_start``, ``window_end``] are
    counted, judged when due + grace ≤ ``until``, against the repayments dated up to ``until``; a
    reversal counts where its payment stood when it is booked by ``known_on`` (default ``until``)."""
    return {
        "fy_start": fy_start,
        "before_fy": fy_start - ONE_DAY,
        "window_end": window_end,
        "until": until,
        "known_on": known_on or until,
        "grace": grace_days,
        "grace_modifier": f"+{grace_days} days",
        "grace_back": f"-{grace_days} days",
        **{f"kind_{n}": kind.value for n, kind in enumerate(REPAYMENT_KINDS)},
    }


def as_of_params(*, as_of: dt.date, grace_days: int | None = None) -> dict[str, object]:
    """``coverage_params`` for a view on ``as_of``: its fiscal year so far, judged on ``as_of``."""
    return coverage_params(
        fy_start=fiscal_year_span(on=as_of)[0],
        window_end=as_of,
        until=as_of,
        grace_days=grace_days_in_force(grace_days),
    )


def coverage_sql(*, scope: str) -> str:
    """The WITH clause every reader of missed installments builds on (set-based, no per-contract loop).

    ``scope`` is a WHERE condition on ``loans_loancontract c`` choosing the contracts. It defines:

    - ``coverage``: per contract ``missed`` (installments of the window not covered), and on
      ``until`` the totals in satang ``due_total`` / ``pay_due_total`` (scheduled principal and
      payments of the rows due by ``window_end``), ``paid_total`` / ``money_total`` (principal and
      money repaid), ``arrears_total`` (interest in arrears), and ``months_overdue`` /
      ``overdue_judged_on`` (the oldest one's due date + grace) over the window's rows;
    - ``coverage_overdue``: the totals with ``months_overdue`` / ``overdue_since`` (a due date)
      counting the rows before the fiscal year too (read only by the arrears figures).

    The schedule rows and the repayments form one stream per contract. Each installment sits at
    its due date + grace days, after that day's repayments, so the running sums beside it are what
    was repaid by then. Only the fiscal year's rows need the running sums one by one; everything
    before it enters as one opening row per contract, so the window sorts about a year of rows per
    contract instead of the whole history. The earlier rows are read one by one only for the
    contracts behind since before the year (``early``), to count their installments still
    uncovered: the uncovered rows are the last ones (the cumulative figures only grow), so a
    contract is behind since before the year exactly when its last row before it is uncovered.
    """
    kinds = ", ".join(f"%(kind_{n})s" for n in range(len(REPAYMENT_KINDS)))
    # Read once per part, straight from the tables: materialising every row of the scope's history
    # first costs more than the second pass over the schedule's index.
    sched = """loans_scheduledinstallment s JOIN scope ON scope.id = s.contract_id
      WHERE s.superseded_at IS NULL AND (scope.closed_on IS NULL OR s.due_date <= scope.closed_on)"""
    # A reversal stands where the payment it takes back stood (a bounced payment never covered the
    # installment it was dated for), as the average return's interest paid counts it; it is known
    # only from its own date, so the as-of views leave out reversals booked after ``until``; the
    # dividend run takes every reversal booked by the day it runs.
    repay = f"""loans_loantransaction t JOIN scope ON scope.id = t.contract_id
      LEFT JOIN loans_loantransaction o ON o.id = t.reverses_id
      WHERE t.kind IN ({kinds})
        AND (t.reverses_id IS NULL AND t.date <= %(until)s OR t.reverses_id IS NOT NULL AND t.date <= %(known_on)s)"""
    counted_on = "COALESCE(o.date, t.date)"
    due, pay_due = "CAST(ROUND(s.principal * 100) AS BIGINT)", "CAST(ROUND(s.payment * 100) AS BIGINT)"
    paid = "-CAST(ROUND(t.principal * 100) AS BIGINT)"
    money = "CAST(ROUND((t.interest - t.principal) * 100) AS BIGINT)"
    arrears = "CAST(ROUND(t.interest_arrears * 100) AS BIGINT)"
    return f"""
    WITH scope AS (
      SELECT c.id, c.closed_on FROM loans_loancontract c WHERE {scope}
    ),
    events AS (
      SELECT s.contract_id, %(before_fy)s AS on_day, 0 AS ord, 0 AS number,
             CAST(SUM({due}) AS BIGINT) AS due, CAST(SUM({pay_due}) AS BIGINT) AS pay_due,
             CAST(0 AS BIGINT) AS paid, CAST(0 AS BIGINT) AS money, CAST(0 AS BIGINT) AS arrears
      FROM {sched} AND s.due_date < %(fy_start)s
      GROUP BY s.contract_id
      UNION ALL
      SELECT t.contract_id, %(before_fy)s, 0, 0, 0, 0,
             CAST(SUM({paid}) AS BIGINT), CAST(SUM({money}) AS BIGINT), CAST(SUM({arrears}) AS BIGINT)
      FROM {repay} AND {counted_on} < %(fy_start)s
      GROUP BY t.contract_id
      UNION ALL
      SELECT t.contract_id, {counted_on}, 1, 0, 0, 0, {paid}, {money}, {arrears}
      FROM {repay} AND {counted_on} >= %(fy_start)s
      UNION ALL
      SELECT s.contract_id, {_plus_grace("s.due_date")}, 2, s.number, {due}, {pay_due}, 0, 0, 0
      FROM {sched} AND s.due_date >= %(fy_start)s AND s.due_date <= %(window_end)s
    ),
    running AS (
      SELECT contract_id, on_day, ord, due, pay_due, paid, money, arrears,
             SUM(due) OVER w AS due_so_far,
             SUM(pay_due) OVER w AS pay_due_so_far,
             SUM(paid) OVER w AS paid_so_far,
             SUM(money) OVER w AS money_so_far,
             SUM(paid) OVER (PARTITION BY contract_id) AS paid_all,
             SUM(money) OVER (PARTITION BY contract_id) AS money_all
      FROM events
      WINDOW w AS (PARTITION BY contract_id ORDER BY on_day, ord, number ROWS UNBOUNDED PRECEDING)
    ),
    coverage AS (
      SELECT contract_id,
             SUM(CASE WHEN ord = 2 AND on_day <= %(until)s AND paid_so_far < due_so_far
                       AND money_so_far < pay_due_so_far THEN 1 ELSE 0 END) AS missed,
             SUM(due) AS due_total,
             SUM(pay_due) AS pay_due_total,
             SUM(CASE WHEN ord = 0 THEN due ELSE 0 END) AS due_before,
             SUM(CASE WHEN ord = 0 THEN pay_due ELSE 0 END) AS pay_due_before,
             SUM(paid) AS paid_total,
             SUM(money) AS money_total,
             SUM(arrears) AS arrears_total,
             SUM(CASE WHEN ord = 2 AND due_so_far > paid_all AND pay_due_so_far > money_all
                 THEN 1 ELSE 0 END) AS months_overdue,
             MIN(CASE WHEN ord = 2 AND due_so_far > paid_all AND pay_due_so_far > money_all
                 THEN on_day END) AS overdue_judged_on
      FROM running
      GROUP BY contract_id
    ),
    early AS (
      SELECT s.contract_id, s.due_date, cv.paid_total, cv.money_total,
             SUM({due}) OVER e AS due_so_far,
             SUM({pay_due}) OVER e AS pay_due_so_far
      FROM loans_scheduledinstallment s
      JOIN coverage cv ON cv.contract_id = s.contract_id
        AND cv.paid_total < cv.due_before AND cv.money_total < cv.pay_due_before
      JOIN scope ON scope.id = s.contract_id
      WHERE s.superseded_at IS NULL AND s.due_date < %(fy_start)s
        AND (scope.closed_on IS NULL OR s.due_date <= scope.closed_on)
      WINDOW e AS (PARTITION BY s.contract_id ORDER BY s.due_date, s.number ROWS UNBOUNDED PRECEDING)
    ),
    early_overdue AS (
      SELECT contract_id, COUNT(*) AS months, MIN(due_date) AS since
      FROM early WHERE due_so_far > paid_total AND pay_due_so_far > money_total
      GROUP BY contract_id
    ),
    coverage_overdue AS (
      SELECT cv.contract_id, cv.missed, cv.due_total, cv.pay_due_total, cv.paid_total, cv.money_total,
             cv.arrears_total, cv.months_overdue + COALESCE(e.months, 0) AS months_overdue,
             COALESCE(e.since, {_minus_grace("cv.overdue_judged_on")}) AS overdue_since
      FROM coverage cv LEFT JOIN early_overdue e ON e.contract_id = cv.contract_id
    )
    """  # noqa: S608 -- fixed table names and fragments; every value is a parameter


def satang_to_money(value: object) -> Decimal:
    """A satang figure of the coverage query (an integer, or a NUMERIC sum on PostgreSQL) in baht."""
    return (Decimal(int(value or 0)) / 100).quantize(SATANG)


def overdue_principal(
    *, due_total: object, paid_total: object, pay_due_total: object, money_total: object
) -> Decimal:
    """max(0, min(principal short, money short)) of a coverage row (satang in, baht out)."""
    short = min(int(due_total or 0) - int(paid_total or 0), int(pay_due_total or 0) - int(money_total or 0))
    return satang_to_money(max(short, 0))


# ======== Readers ========


def _coverage_fetch(*, scope: str, select: str, params: dict[str, object]) -> list[tuple]:
    """Run ``select`` (reading the ``coverage`` CTEs) over the contracts ``scope`` chooses."""
    with connection.cursor() as cursor:
        cursor.execute(coverage_sql(scope=scope) + select, params)
        return cursor.fetchall()


def loan_arrears(
    *, contract: LoanContract, as_of: dt.date, grace_days: int | None = None
) -> tuple[int, Decimal]:
    """(installments missed in the fiscal year of ``as_of``, principal overdue on ``as_of``): the
    figures of the contract's row in the arrears report (``reports.loans_in_arrears``)."""
    params = {**as_of_params(as_of=as_of, grace_days=grace_days), "contract": contract.pk}
    rows = _coverage_fetch(
        scope="c.id = %(contract)s AND c.disbursed_on <= %(until)s",
        select="SELECT missed, due_total, paid_total, pay_due_total, money_total FROM coverage",
        params=params,
    )
    if not rows:
        return 0, ZERO
    (row,) = rows
    missed, due_total, paid_total, pay_due_total, money_total = row
    return int(missed or 0), overdue_principal(
        due_total=due_total, paid_total=paid_total, pay_due_total=pay_due_total, money_total=money_total
    )


def contracts_missed_installments(
    *,
    as_of: dt.date,
    member: Member | None = None,
    contract: LoanContract | None = None,
    grace_days: int | None = None,
) -> dict[int, int]:
    """{contract_id: installments missed in the fiscal year of ``as_of``} of the member's contracts
    (or of one contract), those with at least one; one query. The member card and eligibility."""
    if (member is None) == (contract is None):
        raise ValueError("give member or contract")
    params = as_of_params(as_of=as_of, grace_days=grace_days)
    if member is not None:
        scope, params["member"] = "c.member_id = %(member)s AND c.disbursed_on <= %(until)s", member.pk
    else:
        scope, params["contract"] = "c.id = %(contract)s AND c.disbursed_on <= %(until)s", contract.pk
    select = "SELECT contract_id, missed FROM coverage WHERE missed > 0"
    rows = _coverage_fetch(scope=scope, select=select, params=params)
    return {contract_id: int(missed) for contract_id, missed in rows}


def member_missed_installments(*, member: Member, on: dt.date, grace_days: int | None = None) -> int:
    """Installments the member missed over all their contracts in the fiscal year of ``on`` (to ``on``)."""
    return sum(contracts_missed_installments(as_of=on, member=member, grace_days=grace_days).values())


def members_missed_installments(
    *, fiscal_year_start: dt.date, fiscal_year_end: dt.date, grace_days: int | None = None
) -> dict[int, int]:
    """{member_id: installments missed in the year} for every member with one (the dividend run's
    forfeit rule), one query. Every installment due in the year is judged, with the repayments
    dated up to its due date + grace even when that is after the year end."""
    grace = grace_days_in_force(grace_days)
    params = coverage_params(
        fy_start=fiscal_year_start,
        window_end=fiscal_year_end,
        until=fiscal_year_end + dt.timedelta(days=grace),
        grace_days=grace,
        known_on=max(timezone.localdate(), fiscal_year_end + dt.timedelta(days=grace)),
    )
    scope = "c.disbursed_on <= %(window_end)s AND (c.closed_on IS NULL OR c.closed_on >= %(fy_start)s)"
    select = """
    SELECT c.member_id, SUM(cv.missed)
    FROM coverage cv JOIN loans_loancontract c ON c.id = cv.contract_id
    WHERE cv.missed > 0
    GROUP BY c.member_id
    """
    rows = _coverage_fetch(scope=scope, select=select, params=params)
    return {member_id: int(count) for member_id, count in rows}


def contract_principal_paid(contract: LoanContract) -> Decimal:
    total = LoanTransaction.objects.filter(contract=contract, kind__in=REPAYMENT_KINDS).aggregate(
        s=Sum("principal")
    )["s"]
    return -(total or ZERO)
