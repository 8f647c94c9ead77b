"""``sahakorn bench …``: measure the set-based batch work against the per-member loops it replaces.

- ``bench shares``: on a generated coop (the current database if it has members, else one
  generated into it first), time the share register, the monthly summary and the monthly
  contribution batch against a naive per-member Python version (capped, extrapolated linearly)
  and a hand-written GROUP BY. The batch runs inside a transaction that is rolled back, so the
  data set is unchanged. ``--database-url`` runs the whole bench against another database.
- ``bench loans``: on a generated coop (the same way), time the month-end interest accrual over
  every active contract (``loan_interest_accrual_run``, rolled back) against the naive per-loan
  version (one voucher per contract; capped, extrapolated linearly, rolled back) and one plain
  SQL SUM/GROUP BY of balance × rate × days; and the eligibility check of one borrower with
  several contracts and guarantors (``loan_eligibility_all`` and ``loan_application_checks``)
  against a naive version that walks every loan and guarantee in Python and one plain SQL
  aggregate of the same figures (best of ``--repeat``).
- ``bench generate``: time ``sahakorn generate`` step by step in a fresh throwaway PostgreSQL
  database, created and dropped through psycopg on the server's ``postgres`` database.

These are commands, not tests: their figures depend on the machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Count, Max, Q, Sum

from sahakorn.core.months import add_months, month_end
from sahakorn.core.thai import format_be_date
from sahakorn.generator.coop import GeneratorError, coop_generate
from sahakorn.generator.management.commands.generate import BILLING_MONTHS
from sahakorn.ledger.models import JournalEntry
from sahakorn.members.models import Member, MemberStatus
from sahakorn.shares.batch import monthly_contributions_run, monthly_contributions_run_naive
from sahakorn.shares.models import MonthlyRun, ShareAccount, ShareTransaction, TransactionKind

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/postgres"


class _Rollback(Exception):
    pass


@dataclass
class Timing:
    group: str
    operation: str
    rows: int
    seconds: float
    note: str = ""


def _timed(fn: Callable[[], int], repeat: int = 1) -> tuple[int, float]:
    """Best of ``repeat`` runs: (rows the call returned, seconds)."""
    best, rows = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = fn()
        best = min(best, time.perf_counter() - started)
    return rows, best


class Command(BaseCommand):
    help = "Benchmarks (วัดเวลา): bench shares, bench loans, bench billing, bench generate"

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        shares = actions.add_parser("shares", help="share register, monthly summary and monthly batch")
        shares.add_argument(
            "--members", type=int, default=10_000, help="members to generate if the DB is empty"
        )
        shares.add_argument(
            "--years", type=int, default=3, help="years of history to generate if the DB is empty"
        )
        shares.add_argument("--seed", type=int, default=2569)
        shares.add_argument(
            "--database-url", default=None, help="bench this database instead of the current one"
        )
        shares.add_argument(
            "--naive-cap", type=int, default=2000, help="members the naive loops visit (then ×)"
        )
        shares.add_argument("--repeat", type=int, default=1, help="best of N for the read-only timings")
        loans = actions.add_parser(
            "loans", help="month-end loan interest accrual and one member's eligibility"
        )
        loans.add_argument(
            "--members", type=int, default=10_000, help="members to generate if the DB is empty"
        )
        loans.add_argument(
            "--years", type=int, default=3, help="years of history to generate if the DB is empty"
        )
        loans.add_argument("--seed", type=int, default=2569)
        loans.add_argument(
            "--database-url", default=None, help="bench this database instead of the current one"
        )
        loans.add_argument(
            "--naive-cap", type=int, default=2000, help="contracts the naive accrual visits (then ×)"
        )
        loans.add_argument("--repeat", type=int, default=3, help="best of N for the read-only timings")
        billing = actions.add_parser(
            "billing", help="one month's billing cycle: freeze, files, import, post, receipts (rolled back)"
        )
        billing.add_argument(
            "--members", type=int, default=10_000, help="members to generate if the DB is empty"
        )
        billing.add_argument(
            "--years", type=int, default=3, help="years of history to generate if the DB is empty"
        )
        billing.add_argument("--seed", type=int, default=2569)
        billing.add_argument(
            "--database-url", default=None, help="bench this database instead of the current one"
        )
        billing.add_argument(
            "--naive-cap",
            type=int,
            default=2000,
            help="members the naive freeze visits, a tenth of them the naive posting (then ×)",
        )
        billing.add_argument(
            "--post-cap",
            type=int,
            default=10_000_000,
            help="members posted (whole units; then ×; default: every unit)",
        )
        billing.add_argument("--month", default=None, help="YYYY-MM (default: the last month that has ended)")
        gen = actions.add_parser("generate", help="time the generator in a throwaway PostgreSQL database")
        gen.add_argument("--members", type=int, default=100_000)
        gen.add_argument("--years", type=int, default=5)
        gen.add_argument("--seed", type=int, default=1)
        gen.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: today)")
        gen.add_argument("--billing-months", type=int, default=BILLING_MONTHS,
                         help=f"months billed by the real cycle, as generate (default {BILLING_MONTHS})")  # fmt: skip
        gen.add_argument("--database-url", default=None,
                         help="any database URL on the PostgreSQL server to use (default: the current one, "
                              f"if PostgreSQL, else {DEFAULT_PG})")  # fmt: skip
        gen.add_argument(
            "--keep", action="store_true", help="keep the throwaway database (its name is printed)"
        )
        gen.add_argument("--here", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, action: str, **options) -> None:
        if action in ("shares", "loans", "billing"):
            if options["database_url"]:
                self._rerun_against(options["database_url"])
                return
            if action == "shares":
                self.bench_shares(**options)
            elif action == "billing":
                self.bench_billing(**options)
            else:
                self.bench_loans(**options)
        elif options["here"]:
            self.generate_here(**options)
        else:
            self.bench_generate(**options)

    # ------------------------------------------------------------------ helpers

    def _rerun_against(self, url: str) -> None:
        """Run the same bench in a child process whose settings point at ``url``."""
        argv, skip = [], False
        for arg in sys.argv[1:]:
            if skip or arg.startswith("--database-url="):
                skip = False
                continue
            if arg == "--database-url":
                skip = True
                continue
            argv.append(arg)
        env = {**os.environ, "DATABASE_URL": url}
        result = subprocess.run([sys.executable, "-m", "sahakorn", *argv], env=env, check=False)
        if result.returncode:
            raise CommandError(f"bench against {url} failed")

    def _table(self, timings: list[Timing]) -> None:
        width = max(len(t.operation) for t in timings) + 2
        self.stdout.write(f"{'operation':<{width}} {'rows':>10} {'seconds':>10} {'ratio':>9}  note")
        self.stdout.write("-" * (width + 45))
        base: dict[str, float] = {}
        for t in timings:
            base.setdefault(t.group, t.seconds)
            ratio = t.seconds / base[t.group] if base[t.group] > 0 else float("nan")
            self.stdout.write(
                f"{t.operation:<{width}} {t.rows:>10,} {t.seconds:>10.3f} {ratio:>8.2f}×  {t.note}"
            )
        self.stdout.write("ratio = seconds ÷ the first row of its group (the version the system uses)")

    # ------------------------------------------------------------------ bench shares

    def _generate_if_empty(self, *, members: int, years: int, seed: int) -> None:
        if Member.objects.exists():
            return
        db = connection.settings_dict["NAME"]
        self.stdout.write(f"ฐานข้อมูล {db} ว่าง: สร้างสหกรณ์ตัวอย่าง {members:,} ราย {years} ปี (seed {seed}) …")
        started = time.perf_counter()
        # History to the middle of last month: the batches benched (the month after the history) must
        # have ended, since no batch runs ahead of today (core.dates).
        today = dt.date.today()
        as_of = add_months(today.replace(day=1), -1).replace(day=15)
        try:
            coop_generate(members=members, years=years, seed=seed, as_of=as_of, show_progress=True)
        except GeneratorError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"  generated in {time.perf_counter() - started:.1f} s")

    def bench_shares(self, *, members: int, years: int, seed: int, naive_cap: int, repeat: int, **_) -> None:
        from sahakorn.shares.reports import monthly_contribution_summary, share_register_rows

        db = connection.settings_dict["NAME"]
        self._generate_if_empty(members=members, years=years, seed=seed)
        n_members = Member.objects.count()
        n_accounts = ShareAccount.objects.count()
        n_tx = ShareTransaction.objects.count()
        self.stdout.write(
            f"database {connection.vendor} {db}: members {n_members:,}, share accounts {n_accounts:,}, "
            f"share transactions {n_tx:,}, journal entries {JournalEntry.objects.count():,}"
        )
        if not n_accounts:
            raise CommandError("no share accounts to bench (generate a coop with the shares step first)")
        cap = min(naive_cap, n_members)
        scale = n_members / cap
        note = f"naive: {cap:,} members timed, ×{scale:,.1f} (linear)" if scale > 1 else "naive: every member"
        timings: list[Timing] = []

        # (a) the share register, from the cached balances and as of a date (sum of transactions)
        rows, seconds = _timed(lambda: len(share_register_rows()), repeat)
        timings.append(
            Timing("register", "register: share_register_rows()", rows, seconds, "cached balances")
        )
        rows, seconds = _timed(lambda: self._naive_register(cap), 1)
        timings.append(
            Timing("register", "register: naive per-member ORM sums", n_members, seconds * scale, note)
        )
        rows, seconds = _timed(self._sql_register, repeat)
        timings.append(Timing("register", "register: one SQL GROUP BY", rows, seconds, "hand-written"))
        as_of = ShareTransaction.objects.aggregate(last=Max("date"))["last"]
        rows, seconds = _timed(lambda: len(share_register_rows(as_of=as_of)), repeat)
        timings.append(Timing("register", f"register as of {as_of}: share_register_rows(as_of)", rows, seconds,
                              "sums transactions"))  # fmt: skip

        # (b) the monthly summary of the latest month with contributions
        period = ShareTransaction.objects.filter(kind=TransactionKind.MONTHLY).aggregate(p=Max("period"))["p"]
        if period is not None:
            label = f"summary {period:%Y-%m}"
            rows, seconds = _timed(
                lambda: monthly_contribution_summary(period=period)["total"]["members"], repeat
            )
            timings.append(Timing("summary", f"{label}: monthly_contribution_summary()", rows, seconds))
            rows, seconds = _timed(lambda: self._naive_summary(period, cap), 1)
            timings.append(Timing("summary", f"{label}: naive per-member ORM", round(rows * scale), seconds * scale,
                                  note))  # fmt: skip
            rows, seconds = _timed(lambda: self._sql_summary(period), repeat)
            timings.append(Timing("summary", f"{label}: one SQL GROUP BY", rows, seconds, "hand-written"))

        # (c) the monthly batch for the next month nobody has run, rolled back each time
        last_run = MonthlyRun.objects.aggregate(p=Max("period"))["p"]
        fresh = add_months(last_run, 1) if last_run else (period or dt.date.today()).replace(day=1)
        posted_on = month_end(fresh)
        label = f"monthly run {fresh:%Y-%m}"
        members_run, seconds = self._rolled_back(
            lambda: monthly_contributions_run(period=fresh, posted_on=posted_on).members
        )
        timings.append(Timing("batch", f"{label}: monthly_contributions_run()", members_run, seconds,
                              "set-based, rolled back"))  # fmt: skip
        active = ShareAccount.objects.filter(member__status=MemberStatus.ACTIVE).count()
        batch_cap = min(naive_cap, active)
        posted, seconds = self._rolled_back(
            lambda: monthly_contributions_run_naive(period=fresh, posted_on=posted_on, limit=batch_cap)
        )
        batch_scale = active / batch_cap if batch_cap else 1
        timings.append(Timing("batch", f"{label}: naive per-member service", members_run, seconds * batch_scale,
                              f"{batch_cap:,} accounts timed ({posted:,} posted), ×{batch_scale:,.1f} (linear), "
                              "rolled back"))  # fmt: skip
        self.stdout.write("")
        self._table(timings)
        self.stdout.write(
            f"unchanged after the bench: share transactions {ShareTransaction.objects.count():,}"
        )

    def _rolled_back(self, fn: Callable[[], int]) -> tuple[int, float]:
        result = {}
        try:
            with transaction.atomic():
                started = time.perf_counter()
                result["rows"] = fn()
                if connection.vendor == "postgresql":
                    # Count the deferred foreign-key checks a commit would run, then roll back.
                    with connection.cursor() as cursor:
                        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                result["seconds"] = time.perf_counter() - started
                raise _Rollback
        except _Rollback:
            pass
        return result["rows"], result["seconds"]

    @staticmethod
    def _naive_register(cap: int) -> int:
        rows = 0
        for member in Member.objects.order_by("number")[:cap]:
            ShareTransaction.objects.filter(account__member=member).aggregate(
                s=Sum("shares"), a=Sum("amount")
            )
            rows += 1
        return rows

    @staticmethod
    def _sql_register() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT m.number, m.first_name, m.last_name, SUM(t.shares), SUM(t.amount) "
                "FROM shares_sharetransaction t JOIN shares_shareaccount a ON a.id = t.account_id "
                "JOIN members_member m ON m.id = a.member_id GROUP BY m.number, m.first_name, m.last_name "
                "ORDER BY m.number"
            )
            return len(cursor.fetchall())

    @staticmethod
    def _naive_summary(period: dt.date, cap: int) -> int:
        paid = 0
        for member in Member.objects.order_by("number")[:cap]:
            total = ShareTransaction.objects.filter(
                account__member=member, kind=TransactionKind.MONTHLY, period=period
            ).aggregate(s=Sum("shares"), a=Sum("amount"))
            paid += 1 if total["s"] else 0
        return paid

    @staticmethod
    def _sql_summary(period: dt.date) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT m.member_type, COUNT(*), SUM(t.shares), SUM(t.amount) "
                "FROM shares_sharetransaction t JOIN shares_shareaccount a ON a.id = t.account_id "
                "JOIN members_member m ON m.id = a.member_id "
                "WHERE t.kind = %s AND t.period = %s GROUP BY m.member_type",
                [TransactionKind.MONTHLY.value, period],
            )
            return sum(row[1] for row in cursor.fetchall())

    # ------------------------------------------------------------------ bench billing

    def bench_billing(
        self, *, members: int, years: int, seed: int, naive_cap: int, post_cap: int, month: str | None, **_
    ) -> None:
        from sahakorn.billing.bench import Step, bench_month, billing_bench, peak_mb

        self._generate_if_empty(members=members, years=years, seed=seed)
        chosen = dt.datetime.strptime(month, "%Y-%m").date() if month else bench_month()
        self.stdout.write(
            f"database {connection.vendor} {connection.settings_dict['NAME']}: members {Member.objects.count():,}, "
            f"month {chosen:%Y-%m}"
        )
        steps: list[Step] = billing_bench(
            month=chosen,
            naive_cap=naive_cap,
            post_cap=post_cap,
            say=lambda text: self.stdout.write(f"  {text}"),
        )
        self.stdout.write("")
        self._table([Timing(s.group, s.operation, s.rows, s.seconds, s.note) for s in steps])
        self.stdout.write(f"peak memory {peak_mb():,.0f} MB; everything rolled back")

    # ------------------------------------------------------------------ bench loans

    def bench_loans(self, *, members: int, years: int, seed: int, naive_cap: int, repeat: int, **_) -> None:
        from sahakorn.loans.batch import loan_interest_accrual_run, loan_interest_accrual_run_naive
        from sahakorn.loans.calc import month_end as loan_month_end
        from sahakorn.loans.eligibility import loan_eligibility_all
        from sahakorn.loans.models import AccrualRun, ContractStatus, Guarantee, LoanContract, LoanTransaction
        from sahakorn.loans.services import loan_application_checks

        db = connection.settings_dict["NAME"]
        self._generate_if_empty(members=members, years=years, seed=seed)
        active = LoanContract.objects.filter(status=ContractStatus.ACTIVE, principal_balance__gt=0)
        n_active = active.count()
        self.stdout.write(
            f"database {connection.vendor} {db}: members {Member.objects.count():,}, contracts "
            f"{LoanContract.objects.count():,} (active {n_active:,}), loan transactions "
            f"{LoanTransaction.objects.count():,}, guarantees {Guarantee.objects.count():,}"
        )
        if not n_active:
            raise CommandError(
                "no active loan contracts to bench (generate a coop with the loans step first)"
            )
        timings: list[Timing] = []

        # (a) month-end accrual: the first month-end after the last movement that has no run yet
        last = LoanTransaction.objects.aggregate(last=Max("date"))["last"]
        period_end = loan_month_end(last + dt.timedelta(days=1))
        while AccrualRun.objects.filter(period_end=period_end).exists():
            period_end = loan_month_end(period_end + dt.timedelta(days=1))
        label = f"accrual {period_end}"
        run_total = {}

        def accrue() -> int:
            run = loan_interest_accrual_run(period_end=period_end)
            run_total["amount"] = run.amount
            return run.contracts

        rows, seconds = self._rolled_back(accrue)
        timings.append(Timing("accrual", f"{label}: loan_interest_accrual_run()", rows, seconds,
                              f"set-based, one voucher per family, {run_total['amount']:,.2f} baht, rolled back"))  # fmt: skip
        cap = min(naive_cap, n_active)
        scale = n_active / cap
        posted, seconds = self._rolled_back(
            lambda: loan_interest_accrual_run_naive(period_end=period_end, limit=cap)
        )
        timings.append(Timing("accrual", f"{label}: naive per-loan service", rows, seconds * scale,
                              f"{cap:,} contracts timed ({posted:,} posted, a voucher each), ×{scale:,.1f} (linear), "
                              "rolled back"))  # fmt: skip
        insert_rows, seconds = self._rolled_back(lambda: self._sql_accrual_insert(period_end))
        timings.append(Timing("accrual", f"{label}: one plain SQL INSERT…SELECT", insert_rows, seconds,
                              "hand-written, the same rows written (one rate, 365 days, from interest_paid_to), "
                              "no vouchers, rolled back"))  # fmt: skip
        sql_rows, seconds = _timed(lambda: self._sql_accrual(period_end, run_total), repeat)
        same = "same total as the run" if run_total.get("sql") == run_total["amount"] else (
            f"total {run_total.get('sql')} differs from the run")  # fmt: skip
        timings.append(Timing("accrual", f"{label}: one SQL SUM/GROUP BY", sql_rows, seconds,
                              f"hand-written, read-only, {same}"))  # fmt: skip

        # (b) one borrower's eligibility: the active member with the most contracts, one of them an
        # ordinary loan with guarantors (who sign again for the application checked)
        on = last + dt.timedelta(days=1)
        guaranteed = LoanContract.objects.filter(
            status=ContractStatus.ACTIVE, guarantees__isnull=False, guarantees__ended_on__isnull=True
        )
        member = (
            Member.objects.filter(status=MemberStatus.ACTIVE, pk__in=guaranteed.values("member_id"))
            .annotate(
                n=Count("loan_contracts", filter=Q(loan_contracts__status=ContractStatus.ACTIVE), distinct=True),
                g=Count("loan_contracts__guarantees", filter=Q(loan_contracts__status=ContractStatus.ACTIVE,
                                                               loan_contracts__guarantees__ended_on__isnull=True)),
            )
            .order_by("-n", "-g", "number")
            .first()
        )  # fmt: skip
        if member is not None:
            ordinary = guaranteed.filter(member=member).select_related("product").order_by("-amount").first()
            guarantors = [
                g.guarantor
                for g in ordinary.guarantees.filter(ended_on__isnull=True).select_related("guarantor")
            ]
            n_contracts = LoanContract.objects.filter(member=member, status=ContractStatus.ACTIVE).count()
            who = f"member {member.number} ({n_contracts} contracts, {len(guarantors)} guarantors)"
            rows, seconds = _timed(lambda: sum(len(e.checks) for e in loan_eligibility_all(member=member, on=on)),
                                   repeat)  # fmt: skip
            timings.append(Timing("eligibility", f"eligibility {member.number}: loan_eligibility_all()", rows, seconds,
                                  f"{who}, every product"))  # fmt: skip

            def checks() -> int:
                return len(loan_application_checks(member=member, product=ordinary.product, amount=ordinary.amount,
                                                   installments=ordinary.installments, guarantors=guarantors, on=on))  # fmt: skip

            rows, seconds = _timed(checks, repeat)
            timings.append(Timing("eligibility", f"eligibility {member.number}: loan_application_checks()", rows,
                                  seconds, f"{ordinary.product.code} {ordinary.amount:,.2f} baht with its guarantors"))  # fmt: skip
            figures = {}
            rows, seconds = _timed(lambda: self._naive_eligibility(member, guarantors, on, figures), 1)
            timings.append(Timing("eligibility", f"eligibility {member.number}: naive, walks every loan", rows, seconds,
                                  f"{figures['walked']:,} contracts and guarantees read in Python"))  # fmt: skip
            rows, seconds = _timed(lambda: self._sql_eligibility(member, guarantors, figures), repeat)
            same = "same figures as the walk" if figures.get("sql") == figures.get("naive") else (
                f"figures differ: {figures.get('sql')} vs {figures.get('naive')}")  # fmt: skip
            timings.append(Timing("eligibility", f"eligibility {member.number}: one SQL aggregate", rows, seconds,
                                  f"hand-written: shares, deposits, installments, guarantors' contracts; {same}"))  # fmt: skip
        self.stdout.write("")
        self._table(timings)
        self.stdout.write(
            f"unchanged after the bench: loan transactions {LoanTransaction.objects.count():,}, "
            f"accrual runs {AccrualRun.objects.count():,}"
        )

    @staticmethod
    def _sql_accrual_insert(period_end: dt.date) -> int:
        """The floor for writing the accrual rows: one INSERT…SELECT of every active contract's row with
        the simplest figure (the contract's current rate, 365 days, from ``interest_paid_to``), against
        an existing voucher; no rate history, no day basis, no last-accrual lookup, no vouchers."""
        from django.utils import timezone

        entry_id = JournalEntry.objects.order_by("id").values_list("id", flat=True).first()
        if connection.vendor == "postgresql":
            days = "(CAST(%(period_end)s AS date) - c.interest_paid_to)"
            interest = f"ROUND(c.principal_balance * c.annual_rate * {days} / 36500, 2)"
        else:
            days = "CAST(julianday(%(period_end)s) - julianday(c.interest_paid_to) AS INTEGER)"
            interest = f"ROUND(c.principal_balance * c.annual_rate * {days} / 36500.0, 2)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO loans_loantransaction
                  (contract_id, date, kind, channel, principal, interest, interest_from, interest_to,
                   journal_entry_id, memo, created_by_id, created_at)
                SELECT c.id, %(period_end)s, 'accrual', '', 0, {interest}, c.interest_paid_to, %(period_end)s,
                       %(entry)s, '', NULL, %(now)s
                FROM loans_loancontract c
                WHERE c.status = 'active' AND c.principal_balance > 0 AND c.interest_paid_to < %(period_end)s
                """,  # noqa: S608 -- fixed fragments; every value is a parameter
                {"period_end": period_end, "entry": entry_id, "now": timezone.now()},
            )
            return cursor.rowcount

    @staticmethod
    def _sql_accrual(period_end: dt.date, out: dict) -> int:
        """The accrual's figure per family in one statement (what the run computes, nothing written)."""
        from sahakorn.core.money import SATANG

        if connection.vendor == "postgresql":
            start = "GREATEST(c.interest_paid_to, COALESCE(a.last, c.interest_paid_to))"
            days = f"(CAST(%(period_end)s AS date) - {start})"
        else:
            start = "MAX(c.interest_paid_to, COALESCE(a.last, c.interest_paid_to))"
            days = f"CAST(julianday(%(period_end)s) - julianday({start}) AS INTEGER)"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT family, COUNT(*), SUM((satang * rate * days * 2 + 36500000) / 73000000)
                FROM (
                  SELECT p.family AS family, CAST(ROUND(c.principal_balance * 100) AS BIGINT) AS satang,
                         CAST(ROUND(c.annual_rate * 1000) AS BIGINT) AS rate, {days} AS days
                  FROM loans_loancontract c
                  JOIN loans_loanproduct p ON p.id = c.product_id
                  LEFT JOIN (SELECT contract_id, MAX(interest_to) AS last FROM loans_loantransaction
                             WHERE kind = 'accrual' GROUP BY contract_id) a ON a.contract_id = c.id
                  WHERE c.status = 'active' AND c.principal_balance > 0
                ) d
                WHERE days > 0 AND (satang * rate * days * 2 + 36500000) / 73000000 > 0
                GROUP BY family
                """,  # noqa: S608 -- fixed fragments; the date is a parameter
                {"period_end": period_end},
            )
            rows = cursor.fetchall()
        out["sql"] = (Decimal(sum(int(r[2]) for r in rows)) / 100).quantize(SATANG)
        return sum(int(r[1]) for r in rows)

    @staticmethod
    def _naive_eligibility(member, guarantors, on: dt.date, out: dict) -> int:
        """The eligibility figures the slow way: every contract and every guarantee read into Python."""
        from sahakorn.core.money import ZERO
        from sahakorn.deposits.models import AccountStatus, DepositAccount
        from sahakorn.loans.eligibility import maximum_limits
        from sahakorn.loans.models import ContractStatus, Guarantee, LoanContract, LoanProduct
        from sahakorn.loans.rules import (
            MemberFacts,
            amount_checks,
            contract_monthly_deduction,
            first_due_after,
            loan_rules_for,
            member_checks,
        )

        installments, statuses, walked = ZERO, {}, 0
        for contract in LoanContract.objects.all().iterator(chunk_size=5000):
            walked += 1
            statuses[contract.pk] = contract.status
            if contract.member_id == member.pk and contract.status == ContractStatus.ACTIVE:
                installments += contract_monthly_deduction(contract)
        wanted = {g.pk: 0 for g in guarantors}
        for guarantee in Guarantee.objects.all().iterator(chunk_size=5000):
            walked += 1
            if guarantee.guarantor_id in wanted and guarantee.ended_on is None:
                if (
                    guarantee.contract_id is not None
                    and statuses.get(guarantee.contract_id) == ContractStatus.ACTIVE
                ):
                    wanted[guarantee.guarantor_id] += 1
        shares = sum((a.balance_amount for a in ShareAccount.objects.filter(member=member)), ZERO)
        deposits = sum((a.balance for a in DepositAccount.objects.filter(member=member)
                        if a.status != AccountStatus.CLOSED), ZERO)  # fmt: skip
        facts = MemberFacts(member=member, on=on, salary=member.salary, shares=shares, deposits=deposits,
                            monthly_shares=ZERO, other_installments=installments)  # fmt: skip
        checks = 0
        for product in LoanProduct.objects.filter(is_active=True).order_by("code"):
            rules = loan_rules_for(product=product, on=on)
            limits = maximum_limits(rules=rules, facts=facts, installments=rules.max_installments)
            maximum = max(ZERO, min(limit.amount for limit in limits))
            checks += len(member_checks(rules=rules, facts=facts))
            if maximum > 0:
                checks += len(amount_checks(rules=rules, facts=facts, amount=maximum,
                                            installments=rules.max_installments, first_due=first_due_after(on)))  # fmt: skip
        out["walked"] = walked
        out["naive"] = (shares, deposits, installments, tuple(sorted(wanted.items())))
        return checks

    @staticmethod
    def _sql_eligibility(member, guarantors, out: dict) -> int:
        """The same figures in one hand-written statement: shares, deposits, other installments, and each
        guarantor's guarantees on active contracts."""
        from sahakorn.core.money import SATANG, ZERO

        ids = [g.pk for g in guarantors] or [0]
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT 'shares', 0, (SELECT SUM(balance_amount) FROM shares_shareaccount WHERE member_id = %s)
                UNION ALL
                SELECT 'deposits', 0, (SELECT SUM(balance) FROM deposits_depositaccount
                                       WHERE member_id = %s AND status <> 'closed')
                UNION ALL
                SELECT 'installments', 0, (
                  SELECT SUM(CASE WHEN repayment_style = 'equal_installment' THEN installment_amount
                                  ELSE CASE WHEN installment_amount < principal_balance THEN installment_amount
                                            ELSE principal_balance END
                                       + ROUND(principal_balance * annual_rate / 1200, 2) END)
                  FROM loans_loancontract WHERE member_id = %s AND status = 'active')
                UNION ALL
                SELECT 'guarantor', g.guarantor_id, COUNT(*)
                FROM loans_guarantee g JOIN loans_loancontract c ON c.id = g.contract_id
                WHERE g.guarantor_id IN ({marks}) AND g.ended_on IS NULL AND c.status = 'active'
                GROUP BY g.guarantor_id
                """,  # noqa: S608 -- the IN list is placeholders only
                [member.pk, member.pk, member.pk, *ids],
            )
            rows = cursor.fetchall()

        def money(value) -> Decimal:
            return ZERO if value is None else Decimal(str(value)).quantize(SATANG)

        figures = {kind: value for kind, _, value in rows if kind != "guarantor"}
        counts = {g.pk: 0 for g in guarantors}
        counts.update({guarantor: int(n) for kind, guarantor, n in rows if kind == "guarantor"})
        out["sql"] = (money(figures["shares"]), money(figures["deposits"]), money(figures["installments"]),
                      tuple(sorted(counts.items())))  # fmt: skip
        return len(rows)

    # ------------------------------------------------------------------ bench generate

    def bench_generate(
        self, *, members: int, years: int, seed: int, as_of, database_url, keep, billing_months: int, **_
    ) -> None:
        import psycopg

        base = database_url or os.environ.get("DATABASE_URL") or ""
        if not base.startswith(("postgres://", "postgresql://")):
            base = DEFAULT_PG
        parts = urlsplit(base)
        name = f"sahakorn_bench_gen_{os.getpid()}"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        target_url = urlunsplit(parts._replace(path=f"/{name}"))
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        self.stdout.write(f"throwaway database {name} on {parts.hostname}:{parts.port or 5432}")
        env = {**os.environ, "DATABASE_URL": target_url}
        try:
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "sahakorn", "migrate", "-v0"], env=env, check=True)
            self.stdout.write(f"{'migrate':<16} {time.perf_counter() - started:>8.1f} s")
            argv = ["bench", "generate", "--here", "--members", str(members), "--years", str(years),
                    "--seed", str(seed), "--billing-months", str(billing_months)] + (
                        ["--as-of", as_of] if as_of else [])  # fmt: skip
            subprocess.run([sys.executable, "-m", "sahakorn", *argv], env=env, check=True)
        except subprocess.CalledProcessError as e:
            raise CommandError(f"bench generate failed: {e}") from None
        finally:
            if keep:
                self.stdout.write(f"kept: DATABASE_URL={target_url}")
            else:
                with psycopg.connect(admin_url, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def generate_here(self, *, members: int, years: int, seed: int, as_of, billing_months: int, **_) -> None:
        started = time.perf_counter()
        coop = coop_generate(members=members, years=years, seed=seed, billing_months=billing_months,
                             as_of=dt.date.fromisoformat(as_of) if as_of else None)  # fmt: skip
        total = time.perf_counter() - started
        for step, seconds in coop.seconds.items():
            self.stdout.write(f"{step:<16} {seconds:>8.1f} s")
        self.stdout.write(f"{'commit':<16} {total - sum(coop.seconds.values()):>8.1f} s")
        c = coop.counts
        self.stdout.write(
            f"generate --members {members:,} --years {years}: {total:.1f} s on {connection.vendor} "
            f"({format_be_date(coop.history_start)} – {format_be_date(coop.as_of)}; members {c['members']:,}, "
            f"share transactions {c.get('share_transactions', 0):,}, loan contracts {c.get('loan_contracts', 0):,} "
            f"(active {c.get('loan_contracts_active', 0):,}), loan transactions {c.get('loan_transactions', 0):,}, "
            f"journal entries {c.get('journal_entries', 0):,})"
        )
        if settings.DEBUG:
            self.stdout.write("note: DEBUG is on")
