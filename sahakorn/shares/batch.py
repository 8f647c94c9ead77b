"""Share batches (งานหุ้นแบบกลุ่ม): the monthly contribution run and the salary-table check.

Both touch every member, so both run inside the database, set-based: a handful of statements
whatever the coop's size (DESIGN.md, "Batch work is set-based and measured"). The per-member
version of the monthly run below exists only as the baseline ``sahakorn bench shares`` measures
the set-based one against.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from sahakorn.core.dates import month_end_batch_check
from sahakorn.core.months import month_end, month_start
from sahakorn.core.thai import format_be_date
from sahakorn.ledger.models import EntrySource, FiscalPeriod, FiscalYear
from sahakorn.ledger.services import Line, journal_entry_record
from sahakorn.members.models import Member, MemberStatus
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import (
    Channel,
    MonthlyMethod,
    MonthlyRun,
    ShareAccount,
    ShareTransaction,
    Suspension,
    TransactionKind,
)
from sahakorn.shares.rules import holding_cap_check, monthly_requirement, share_rules_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.backends.utils import CursorWrapper

    from sahakorn.core.subledger import ReceiptBatch
    from sahakorn.shares.models import ShareRules

    User = AbstractBaseUser

Progress = Callable[[str], None]


def monthly_run_description(period: dt.date) -> str:
    """The summary voucher's text, shared with the data generator so both read the same."""
    return f"รับชำระค่าหุ้นรายเดือน {format_be_date(period, 'month')}"


# The member's monthly shares for a month: the latest change in force by the month's end; before
# the first change, what that change started from; with no change at all, the account's figure.
# (``monthly_shares`` on the account is the figure today, which a change recorded for a later
# month may already show.)
MONTHLY_SHARES_SQL = """
COALESCE(
  (SELECT c.to_shares FROM shares_monthlycontributionchange c
    WHERE c.account_id = a.id AND c.effective_month <= %(month_end)s
    ORDER BY c.effective_month DESC, c.id DESC LIMIT 1),
  (SELECT c.from_shares FROM shares_monthlycontributionchange c
    WHERE c.account_id = a.id AND c.effective_month > %(month_end)s
    ORDER BY c.effective_month, c.id LIMIT 1),
  a.monthly_shares)
"""

# Suspensions are compared with the month's end, so one recorded from mid-month covers that month.
NOT_SUSPENDED_SQL = """
NOT (a.suspension = 'temporary' AND a.suspended_from <= %(month_end)s
     AND COALESCE(a.suspended_until, a.suspended_from) >= %(period)s)
AND NOT (a.suspension = 'permanent' AND COALESCE(a.suspended_from, %(period)s) <= %(month_end)s)
"""

_DUE_TABLE = "shares_monthly_due"

_DUE_SQL = f"""
INSERT INTO {_DUE_TABLE} (account_id, member_id, shares)
SELECT account_id, member_id, shares FROM (
  SELECT a.id AS account_id, a.member_id AS member_id, {MONTHLY_SHARES_SQL} AS shares
  FROM shares_shareaccount a
  JOIN members_member m ON m.id = a.member_id
  WHERE m.status = %(active)s AND m.joined_on <= %(month_end)s
    AND {NOT_SUSPENDED_SQL}
    AND NOT EXISTS (SELECT 1 FROM shares_sharetransaction t
                    WHERE t.account_id = a.id AND t.kind = %(monthly)s AND t.period = %(period)s)
) due
WHERE shares > 0
"""  # noqa: S608 -- fixed table names and SQL fragments; every value is a parameter

# Due members whose contribution would take them past the 1/5 cap, given the paid-up shares after
# the run. Integer arithmetic (the ratio as numerator/denominator), so SQLite and PostgreSQL agree
# to the share and the edge is exact, as in ``holding_cap_check``.
_OVER_CAP_WHERE = f"""
FROM {_DUE_TABLE} d JOIN shares_shareaccount a ON a.id = d.account_id
WHERE (a.balance_shares + d.shares) * %(denominator)s > %(numerator)s * %(total_after)s
"""  # noqa: S608 -- fixed table names


# ======== The monthly contribution run (ประมวลผลหุ้นรายเดือน) ========


def _refuse_billed_month(period: dt.date) -> None:
    """A month the coop bills through payroll deduction (the billing app) collects its shares there:
    this batch would debit the bank a second time for the same pay. Asked by model name, since a
    sub-ledger does not import billing (billing reads the sub-ledgers, not the other way round)."""
    from django.apps import apps

    if not apps.is_installed("sahakorn.billing"):
        return
    if apps.get_model("billing", "BillingPeriod").objects.filter(month=period).exists():
        raise ShareError(
            f"เดือน{format_be_date(period, 'month')} เรียกเก็บหุ้นรายเดือนผ่านงานเรียกเก็บรายเดือนแล้ว "
            "ประมวลผลหุ้นรายเดือนแบบกลุ่มซ้ำไม่ได้",
            field="period",
        )


def _refuse_closed_month(*, period: dt.date, posted_on: dt.date) -> None:
    """Refuse before anything is written: the voucher date's period and the contribution month's."""
    for on in sorted({period, posted_on}):
        year = FiscalYear.objects.filter(start_date__lte=on, end_date__gte=on).first()
        if year is None:
            continue  # the ledger opens it when the voucher posts
        if year.closed_at is not None:
            raise ShareError(
                f"{year} ปิดบัญชีแล้ว ประมวลผลหุ้นรายเดือน{format_be_date(period, 'month')} "
                f"ลงวันที่ {format_be_date(posted_on)} ไม่ได้"
            )
        fiscal_period = (
            FiscalPeriod.objects.filter(fiscal_year=year, start_date__lte=on, end_date__gte=on)
            .select_related("fiscal_year")
            .first()
        )
        if fiscal_period is not None and fiscal_period.closed_at is not None:
            raise ShareError(
                f"{fiscal_period} ปิดงวดแล้ว ประมวลผลหุ้นรายเดือน{format_be_date(period, 'month')} "
                f"ลงวันที่ {format_be_date(posted_on)} ไม่ได้"
            )


@transaction.atomic
def monthly_contributions_run(
    *, period: dt.date, posted_on: dt.date, by: User | None = None, progress: Progress | None = None
) -> MonthlyRun:
    """Post the month's share contributions (หุ้นรายเดือน) of every member who owes them, set-based.

    Due: an active member with a share account who joined by the month's end, is not suspended
    for the month, has monthly shares above zero for that month and has no monthly contribution
    for it yet. Each gets one MONTHLY transaction (payroll); the month gets one summary voucher
    (Dr bank / Cr share capital); the cached balances move by one UPDATE. All or nothing, and
    once per month: a second call returns the first run's record and writes nothing. Months run
    in order without gaps, and not before ``core.dates.latest_batch_date`` reaches the month's end.

    The 1/5 holding cap (s.33(3)) is checked set-based on the due list, against the paid-up
    shares after the run: a member it refuses is left out of the run (not collected this month)
    and listed on the run record (``over_cap``) with the figures, for the officers to act on.
    Rare, but never accepted silently; see ``_leave_out_over_cap``.
    """
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    period = month_start(period)
    existing = MonthlyRun.objects.filter(period=period).first()
    if existing is not None:
        return existing
    # Month by month, never ahead: a month collected early is pay not yet deducted.
    last_done = MonthlyRun.objects.aggregate(last=Max("period"))["last"]
    month_end_batch_check(
        month_end(period),
        last_done=month_end(last_done) if last_done is not None else None,
        what=gettext("การประมวลผลหุ้นรายเดือน"),
        error=ShareError,
        field="period",
    )
    if posted_on < period:
        raise ShareError(
            f"วันที่ผ่านรายการ {format_be_date(posted_on)} อยู่ก่อนเดือน{format_be_date(period, 'month')} "
            "ที่เรียกเก็บหุ้นรายเดือน"
        )
    _refuse_closed_month(period=period, posted_on=posted_on)
    _refuse_billed_month(period)
    rules = share_rules_for(on=period)
    par = rules.par_value
    try:
        # The run row claims the month first: a concurrent run of the same month waits on the
        # unique period, then finds this one's record.
        with transaction.atomic():
            run = MonthlyRun.objects.create(period=period, posted_on=posted_on, run_by=by)
    except IntegrityError:
        return MonthlyRun.objects.get(period=period)

    params = {
        "period": period,
        "month_end": month_end(period),
        "active": MemberStatus.ACTIVE.value,
        "monthly": TransactionKind.MONTHLY.value,
    }
    say("เลือกสมาชิกที่ต้องส่งหุ้นรายเดือน")
    with connection.cursor() as cursor:
        # The due list is taken once, so the voucher total, the rows and the balances agree.
        cursor.execute(f"DROP TABLE IF EXISTS {_DUE_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_DUE_TABLE} (account_id bigint, member_id bigint, shares bigint)"
        )
        cursor.execute(_DUE_SQL, params)
        say("ตรวจเพดานการถือหุ้น 1/5 ของหุ้นทั้งหมด")
        over_cap = _leave_out_over_cap(cursor, rules=rules)
        cursor.execute(f"SELECT COUNT(*), COALESCE(SUM(shares), 0) FROM {_DUE_TABLE}")  # noqa: S608
        members, shares = cursor.fetchone()
        shares = int(shares)
        amount = shares * par
        entry = None
        if members:
            say(f"ผ่านรายการใบสำคัญ {members:,} ราย {amount:,.2f} บาท")
            entry = journal_entry_record(
                date=posted_on,
                description=monthly_run_description(period),
                lines=[Line(account="bank", debit=amount), Line(account="share_capital", credit=amount)],
                source=EntrySource.SHARES,
                created_by=by,
            )
            say("บันทึกรายการหุ้นรายเดือน")
            cursor.execute(
                f"""
                INSERT INTO shares_sharetransaction
                  (account_id, date, kind, channel, period, shares, amount, journal_entry_id, memo,
                   created_by_id, created_at)
                SELECT account_id, %s, %s, %s, %s, shares, shares * %s, %s, '', %s, %s FROM {_DUE_TABLE}
                """,  # noqa: S608
                [posted_on, TransactionKind.MONTHLY.value, Channel.PAYROLL.value, period, par, entry.pk,
                 by.pk if by is not None else None, timezone.now()],
            )  # fmt: skip
            say("ปรับยอดหุ้นสะสม")
            cursor.execute(
                f"""
                UPDATE shares_shareaccount
                SET balance_shares = balance_shares + d.shares, balance_amount = balance_amount + d.shares * %s
                FROM (SELECT account_id, SUM(shares) AS shares FROM {_DUE_TABLE} GROUP BY account_id) d
                WHERE shares_shareaccount.id = d.account_id
                """,  # noqa: S608
                [par],
            )
        cursor.execute(f"DROP TABLE {_DUE_TABLE}")

    run.members, run.shares, run.amount, run.journal_entry = members, shares, amount, entry
    run.over_cap = over_cap
    run.finished_at = timezone.now()
    run.seconds = Decimal(f"{time.perf_counter() - started:.3f}")
    run.save(
        update_fields=["members", "shares", "amount", "journal_entry", "over_cap", "finished_at", "seconds"]
    )
    return run


def _leave_out_over_cap(cursor: CursorWrapper, *, rules: ShareRules) -> list[dict]:
    """Take the members the 1/5 cap refuses out of the due table; return them with their figures.

    Set-based: a few statements whatever the coop's size. Leaving a member out lowers the
    paid-up shares after the run, which can push another member over, so it repeats until no
    one is over (one pass with nobody over in practice). Everyone left is then within the cap
    of the shares actually posted, and everyone left out was over at a total at least that
    large. A newly founded coop with fewer holders after the run than the rules'
    ``holding_cap_min_holders`` is not capped (``holding_cap_check``).
    """
    numerator, denominator = rules.holding_cap_ratio.as_integer_ratio()
    cursor.execute(
        "SELECT COALESCE(SUM(balance_shares), 0), COUNT(CASE WHEN balance_shares > 0 THEN 1 END) "
        "FROM shares_shareaccount"
    )
    total_before, holders_before = (int(x) for x in cursor.fetchone())
    left_out: list[dict] = []
    while True:
        cursor.execute(
            f"SELECT COALESCE(SUM(d.shares), 0), COUNT(CASE WHEN a.balance_shares <= 0 THEN 1 END) "  # noqa: S608
            f"FROM {_DUE_TABLE} d JOIN shares_shareaccount a ON a.id = d.account_id"
        )
        due_shares, new_holders = (int(x) for x in cursor.fetchone())
        total_after, holders_after = total_before + due_shares, holders_before + new_holders
        if holders_after < rules.holding_cap_min_holders:
            break
        figures = {"numerator": numerator, "denominator": denominator, "total_after": total_after}
        cursor.execute(
            f"SELECT d.account_id, d.member_id, a.balance_shares, d.shares {_OVER_CAP_WHERE}", figures
        )
        over = cursor.fetchall()
        if not over:
            break
        cursor.execute(
            f"DELETE FROM {_DUE_TABLE} WHERE account_id IN (SELECT d.account_id {_OVER_CAP_WHERE})",  # noqa: S608
            figures,
        )
        numbers = dict(Member.objects.filter(pk__in=[row[1] for row in over]).values_list("pk", "number"))
        for _account_id, member_id, held, shares in over:
            check = holding_cap_check(
                member_shares_after=int(held) + int(shares),
                total_shares_after=total_after,
                holders_after=holders_after,
                rules=rules,
            )
            left_out.append(
                {
                    "member_id": member_id,
                    "number": numbers[member_id],
                    "shares": int(shares),
                    "check": check.as_json(),
                }
            )
    return sorted(left_out, key=lambda row: row["number"])


def monthly_contributions_run_naive(
    *, period: dt.date, posted_on: dt.date, by: User | None = None, limit: int | None = None
) -> int:
    """The same month, one member at a time through the single-member service (benchmark baseline only).

    Decides who is due in Python with a few queries per member and posts one voucher per member,
    as a per-member loop would; ``limit`` caps how many accounts it looks at. Returns how many
    contributions it posted. Never use it for real work: it writes no run record.
    """
    from sahakorn.shares.services import share_monthly_contribution_record

    period = month_start(period)
    last_day = month_end(period)
    accounts = (
        ShareAccount.objects.select_related("member")
        .filter(member__status=MemberStatus.ACTIVE)
        .order_by("member__number")
    )
    if limit is not None:
        accounts = accounts[:limit]
    posted = 0
    for account in accounts:
        if account.member.joined_on > last_day or _suspended_in(account, period, last_day):
            continue
        if ShareTransaction.objects.filter(
            account=account, kind=TransactionKind.MONTHLY, period=period
        ).exists():
            continue
        if _monthly_shares_in(account, last_day) <= 0:
            continue
        try:
            share_monthly_contribution_record(member=account.member, period=period, on=posted_on, by=by)
        except ShareError as e:
            if not e.failed_checks:
                raise
            continue  # over the 1/5 cap: the set-based run leaves such a member out too
        posted += 1
    return posted


def _suspended_in(account: ShareAccount, period: dt.date, last_day: dt.date) -> bool:
    if account.suspension == Suspension.TEMPORARY and account.suspended_from is not None:
        return (
            account.suspended_from <= last_day
            and (account.suspended_until or account.suspended_from) >= period
        )
    if account.suspension == Suspension.PERMANENT:
        return account.suspended_from is None or account.suspended_from <= last_day
    return False


def _monthly_shares_in(account: ShareAccount, last_day: dt.date) -> int:
    changes = account.monthly_changes.order_by("effective_month", "id")
    latest = changes.filter(effective_month__lte=last_day).last()
    if latest is not None:
        return latest.to_shares
    first_later = changes.filter(effective_month__gt=last_day).first()
    return first_later.from_shares if first_later is not None else account.monthly_shares


# ======== Members below a new minimum (หุ้นรายเดือนต่ำกว่าขั้นต่ำ) ========


def _minimum_case(rules: ShareRules, salaries: list[Decimal]) -> tuple[str, dict]:
    """A SQL CASE giving the minimum monthly shares for ``m.salary``, and its named parameters.

    A salary table becomes one WHEN per bracket (edges inclusive, the open top is the ELSE), so
    the database places every member in one pass; each bracket's figure comes from
    ``monthly_requirement`` at the bracket's edge, so shares-or-baht tables follow the rules code.
    A percent rule has no brackets (its minimum is a rounding of salary × percent), so the CASE
    lists the distinct salaries instead: a few thousand at most, however many members.
    """

    def minimum(salary: Decimal) -> int:
        return monthly_requirement(rules=rules, salary=salary).min_shares

    whens, params = ["WHEN m.salary <= 0 THEN %(floor)s"], {"floor": minimum(Decimal(0))}
    if rules.monthly_method == MonthlyMethod.TABLE:
        edges = sorted(b.salary_up_to for b in rules.brackets.all() if b.salary_up_to is not None)
        for i, edge in enumerate(edges):
            whens.append(f"WHEN m.salary <= %(edge{i})s THEN %(min{i})s")
            params |= {f"edge{i}": edge, f"min{i}": minimum(edge)}
        params["top"] = minimum(edges[-1] + Decimal("0.01") if edges else Decimal(1))
    else:
        for i, salary in enumerate(s for s in salaries if s > 0):
            whens.append(f"WHEN m.salary = %(salary{i})s THEN %(min{i})s")
            params |= {f"salary{i}": salary, f"min{i}": minimum(salary)}
        params["top"] = 0
    return f"CASE {' '.join(whens)} ELSE %(top)s END", params


def members_below_minimum(*, on: dt.date) -> list[dict]:
    """Active members whose monthly shares are below the minimum of the rules in force ``on``.

    What the officers work through after the salary table changes: each row has the member,
    unit, salary, current monthly shares, the new minimum and the shortfall (shares and baht).
    Permanently suspended members pay nothing by right and are left out.
    """
    rules = share_rules_for(on=on)
    period = month_start(on)
    salaries: list[Decimal] = []
    if rules.monthly_method != MonthlyMethod.TABLE:
        salaries = list(
            ShareAccount.objects.filter(member__status=MemberStatus.ACTIVE)
            .values_list("member__salary", flat=True)
            .distinct()
        )
    case_sql, params = _minimum_case(rules, salaries)
    params |= {"period": period, "month_end": month_end(period), "active": MemberStatus.ACTIVE.value}
    sql = f"""
    SELECT member_id, number, name, unit_code, unit_name, salary, monthly, minimum FROM (
      SELECT m.id AS member_id, m.number AS number,
             m.title || m.first_name || ' ' || m.last_name AS name,
             u.code AS unit_code, u.name AS unit_name, m.salary AS salary,
             {MONTHLY_SHARES_SQL} AS monthly,
             {case_sql} AS minimum
      FROM shares_shareaccount a
      JOIN members_member m ON m.id = a.member_id
      JOIN members_unit u ON u.id = m.unit_id
      WHERE m.status = %(active)s
        AND NOT (a.suspension = 'permanent' AND COALESCE(a.suspended_from, %(period)s) <= %(month_end)s)
    ) x
    WHERE monthly < minimum
    ORDER BY number
    """  # noqa: S608 -- fixed fragments; every value is a parameter
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    par = rules.par_value
    result = []
    for member_id, number, name, unit_code, unit_name, salary, monthly, minimum in rows:
        shortfall = int(minimum) - int(monthly)
        result.append(
            {
                "member_id": member_id,
                "number": number,
                "name": name,
                "unit_code": unit_code,
                "unit_name": unit_name,
                "salary": Decimal(str(salary)).quantize(Decimal("0.01")),
                "monthly_shares": int(monthly),
                "min_shares": int(minimum),
                "shortfall_shares": shortfall,
                "shortfall_amount": shortfall * par,
            }
        )
    return result


# ======== Billing's monthly contributions, a unit at a time ========


def monthly_due_shares(*, period: dt.date, member_ids) -> dict[int, tuple[int, int]]:
    """member id → (account id, shares due) for the month of ``period``, for these members only: the
    monthly run's own due rule (active, joined by the month's end, not suspended, monthly shares
    above zero, nothing recorded for the month yet), a statement per 5,000 members."""
    period = month_start(period)
    params: dict[str, object] = {
        "period": period,
        "month_end": month_end(period),
        "active": MemberStatus.ACTIVE.value,
        "monthly": TransactionKind.MONTHLY.value,
    }
    from sahakorn.core.selectors import IN_CHUNK

    ids = sorted(set(member_ids))
    due: dict[int, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(ids), IN_CHUNK):
            chunk = ids[start : start + IN_CHUNK]
            names = [f"m{n}" for n in range(len(chunk))]
            cursor.execute(
                f"""
                SELECT account_id, member_id, shares FROM (
                  SELECT a.id AS account_id, a.member_id AS member_id, {MONTHLY_SHARES_SQL} AS shares
                  FROM shares_shareaccount a JOIN members_member m ON m.id = a.member_id
                  WHERE a.member_id IN ({", ".join(f"%({name})s" for name in names)})
                    AND m.status = %(active)s AND m.joined_on <= %(month_end)s AND {NOT_SUSPENDED_SQL}
                    AND NOT EXISTS (SELECT 1 FROM shares_sharetransaction t
                                    WHERE t.account_id = a.id AND t.kind = %(monthly)s AND t.period = %(period)s)
                ) due WHERE shares > 0
                """,  # noqa: S608 -- fixed fragments and generated placeholder names; every value is a parameter
                {**params, **dict(zip(names, chunk, strict=True))},
            )
            for account_id, member_id, shares in cursor.fetchall():
                due[member_id] = (account_id, int(shares))
    return due


def monthly_receipts_take(*, period: dt.date, receipts) -> ReceiptBatch:
    """Billing's share contributions for many members, all received on one day, set-based: the same
    checks as ``share_monthly_receipt_record`` (still due for the month, whole shares, no more than
    due, the 1/5 cap against the paid-up shares after all of them, as the monthly run checks it),
    the credit one share-capital line, then one insert of the MONTHLY rows and one balance update."""
    from sahakorn.core.bulk import rows_insert, rows_update
    from sahakorn.core.dates import refuse_after_batch_limit
    from sahakorn.core.selectors import in_chunks
    from sahakorn.core.subledger import ReceiptBatch
    from sahakorn.shares.services import monthly_receipt_shares

    if not receipts:
        return ReceiptBatch(credit_lines={}, apply=lambda **_: None)
    on = receipts[0].on
    refuse_after_batch_limit(on, what="การรับชำระหุ้นรายเดือน", error=ShareError, field="on")
    period = month_start(period)
    rules = share_rules_for(on=period)
    due = monthly_due_shares(period=period, member_ids=[receipt.member_id for receipt in receipts])
    locked = ShareAccount.objects.select_for_update().order_by("pk")
    accounts = {account.pk: account for account in in_chunks(locked, "pk", [pk for pk, _ in due.values()])}
    rows: list[tuple[ShareAccount, int, Decimal]] = []
    vouchers: list[int] = []
    month = format_be_date(period, "month")
    for receipt in receipts:
        if receipt.member_id not in due:
            member = Member.objects.get(pk=receipt.member_id)
            raise ShareError(
                f"บันทึกหุ้นรายเดือนไม่ได้: สมาชิก {member.number_and_name} ไม่มีหุ้นรายเดือนค้างส่งงวด {month} "
                "(ส่งแล้ว งดส่ง หรือไม่ได้เป็นสมาชิกสามัญ)",
                field="period",
            )
        account_id, shares_due = due[receipt.member_id]
        shares = monthly_receipt_shares(
            amount=receipt.amount, due=shares_due * rules.par_value, par=rules.par_value
        )
        rows.append((accounts[account_id], shares, receipt.amount))
        vouchers.append(receipt.voucher)
    _refuse_over_cap(rows, rules=rules)
    totals: dict[int, Decimal] = {}
    for (_, _, amount), voucher in zip(rows, vouchers, strict=True):
        totals[voucher] = totals.get(voucher, Decimal(0)) + amount

    def apply(*, entries, by) -> None:
        try:
            with transaction.atomic():
                # Plain rows (COPY on PostgreSQL): a payroll month is 90,000 members at 100,000. In
                # account order, so the indexes led by the account are written page after page.
                now = timezone.now()
                rows_insert(
                    ShareTransaction._meta.db_table,
                    ["account_id", "date", "kind", "channel", "period", "shares", "amount", "journal_entry_id",
                     "memo", "created_by_id", "created_at"],
                    sorted(
                        (
                            (account.pk, on, TransactionKind.MONTHLY.value, Channel.PAYROLL.value, period, shares,
                             amount, entries[voucher].pk, "", by.pk if by is not None else None, now)
                            for (account, shares, amount), voucher in zip(rows, vouchers, strict=True)
                        ),
                        key=lambda row: row[0],
                    ),
                )  # fmt: skip
        except IntegrityError:  # a counter contribution for the month was recorded a moment ago
            raise ShareError(
                f"บันทึกหุ้นรายเดือนไม่ได้: มีสมาชิกที่บันทึกหุ้นรายเดือนงวด {month} แล้วระหว่างผ่านรายการ ลองใหม่อีกครั้ง",
                field="period",
            ) from None
        for account, shares, amount in rows:
            account.balance_shares += shares
            account.balance_amount += amount
        rows_update(
            ShareAccount,
            ["balance_shares", "balance_amount"],
            sorted((account.pk, account.balance_shares, account.balance_amount) for account, _, _ in rows),
        )

    lines = {
        voucher: [Line("share_capital", credit=total, memo=f"หุ้นรายเดือน {month}")]
        for voucher, total in totals.items()
    }
    return ReceiptBatch(credit_lines=lines, apply=apply)


def _refuse_over_cap(rows: list[tuple[ShareAccount, int, Decimal]], *, rules: ShareRules) -> None:
    """The 1/5 cap (s.33(3)) against the paid-up shares once every one of ``rows`` is recorded; the
    first member over it is refused by name with the figures (billing then posts nothing)."""
    from django.db.models import Count, Q, Sum

    coop = ShareAccount.objects.aggregate(
        total=Sum("balance_shares"), holders=Count("pk", filter=Q(balance_shares__gt=0))
    )
    total_after = (coop["total"] or 0) + sum(shares for _, shares, _ in rows)
    holders_after = coop["holders"] + sum(
        1 for account, shares, _ in rows if account.balance_shares <= 0 < shares
    )
    numerator, denominator = rules.holding_cap_ratio.as_integer_ratio()
    for account, shares, _ in rows:
        if (account.balance_shares + shares) * denominator <= numerator * total_after:
            continue
        check = holding_cap_check(
            member_shares_after=account.balance_shares + shares,
            total_shares_after=total_after,
            holders_after=holders_after,
            rules=rules,
        )
        if not check.passed:
            member = Member.objects.get(pk=account.member_id)
            raise ShareError(
                f"บันทึกหุ้นรายเดือนไม่ได้: สมาชิก {member.number_and_name} {check.message}", field="shares"
            )
