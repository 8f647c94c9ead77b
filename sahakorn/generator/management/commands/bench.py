"""``sahakorn bench …``: measure the set-based batch work against the per-member loops it replaces.

- ``bench shares``: on a generated coop (the current database if it has members, else one
  generated into it first), time the share register, the monthly summary and the monthly
  contribution batch against a naive per-member Python version (capped, extrapolated linearly)
  and a hand-written GROUP BY. The batch runs inside a transaction that is rolled back, so the
  data set is unchanged. ``--database-url`` runs the whole bench against another database.
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
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Max, Sum

from sahakorn.core.thai import format_be_date
from sahakorn.generator.coop import GeneratorError, coop_generate
from sahakorn.ledger.models import JournalEntry
from sahakorn.members.models import Member, MemberStatus
from sahakorn.shares.batch import (
    month_end,
    monthly_contributions_run,
    monthly_contributions_run_naive,
)
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


def _add_months(first: dt.date, n: int) -> dt.date:
    years, month0 = divmod(first.month - 1 + n, 12)
    return dt.date(first.year + years, month0 + 1, 1)


class Command(BaseCommand):
    help = "Benchmarks (วัดเวลา): bench shares, bench generate"

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
        gen = actions.add_parser("generate", help="time the generator in a throwaway PostgreSQL database")
        gen.add_argument("--members", type=int, default=100_000)
        gen.add_argument("--years", type=int, default=5)
        gen.add_argument("--seed", type=int, default=1)
        gen.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: today)")
        gen.add_argument("--database-url", default=None,
                         help="any database URL on the PostgreSQL server to use (default: the current one, "
                              f"if PostgreSQL, else {DEFAULT_PG})")  # fmt: skip
        gen.add_argument(
            "--keep", action="store_true", help="keep the throwaway database (its name is printed)"
        )
        gen.add_argument("--here", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, action: str, **options) -> None:
        if action == "shares":
            if options["database_url"]:
                self._rerun_against(options["database_url"])
                return
            self.bench_shares(**options)
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

    def bench_shares(self, *, members: int, years: int, seed: int, naive_cap: int, repeat: int, **_) -> None:
        from sahakorn.shares.reports import monthly_contribution_summary, share_register_rows

        db = connection.settings_dict["NAME"]
        if not Member.objects.exists():
            self.stdout.write(f"ฐานข้อมูล {db} ว่าง: สร้างสหกรณ์ตัวอย่าง {members:,} ราย {years} ปี (seed {seed}) …")
            started = time.perf_counter()
            try:
                coop_generate(members=members, years=years, seed=seed, show_progress=True)
            except GeneratorError as e:
                raise CommandError(str(e)) from None
            self.stdout.write(f"  generated in {time.perf_counter() - started:.1f} s")
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
        fresh = _add_months(last_run, 1) if last_run else (period or dt.date.today()).replace(day=1)
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

    # ------------------------------------------------------------------ bench generate

    def bench_generate(self, *, members: int, years: int, seed: int, as_of, database_url, keep, **_) -> None:
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
                    "--seed", str(seed)] + (["--as-of", as_of] if as_of else [])  # fmt: skip
            subprocess.run([sys.executable, "-m", "sahakorn", *argv], env=env, check=True)
        except subprocess.CalledProcessError as e:
            raise CommandError(f"bench generate failed: {e}") from None
        finally:
            if keep:
                self.stdout.write(f"kept: DATABASE_URL={target_url}")
            else:
                with psycopg.connect(admin_url, autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def generate_here(self, *, members: int, years: int, seed: int, as_of, **_) -> None:
        started = time.perf_counter()
        coop = coop_generate(members=members, years=years, seed=seed,
                             as_of=dt.date.fromisoformat(as_of) if as_of else None)  # fmt: skip
        total = time.perf_counter() - started
        for step, seconds in coop.seconds.items():
            self.stdout.write(f"{step:<16} {seconds:>8.1f} s")
        self.stdout.write(f"{'commit':<16} {total - sum(coop.seconds.values()):>8.1f} s")
        c = coop.counts
        self.stdout.write(
            f"generate --members {members:,} --years {years}: {total:.1f} s on {connection.vendor} "
            f"({format_be_date(coop.history_start)} – {format_be_date(coop.as_of)}; members {c['members']:,}, "
            f"share transactions {c.get('share_transactions', 0):,}, journal entries {c.get('journal_entries', 0):,})"
        )
        if settings.DEBUG:
            self.stdout.write("note: DEBUG is on")
