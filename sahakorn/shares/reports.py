"""Share-capital reports (รายงานทุนเรือนหุ้น): rows and totals for the screen, the PDF and the Excel file.

Each builder returns plain dicts (``values()`` rows, never model instances) so the three outputs
show the same figures, and each report carries its ✔/✘ reconciliation with the share-capital
control account. The register and the monthly summary are single aggregate queries: they are
what the benchmark calls for 100,000 members (``share_register_rows``,
``monthly_contribution_summary``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.utils import timezone

from sahakorn.core.money import ZERO
from sahakorn.core.months import add_months, month_end, month_start
from sahakorn.core.selectors import choice_label_sql
from sahakorn.ledger.models import EntryStatus, JournalLine
from sahakorn.ledger.selectors import account_for_role
from sahakorn.ledger.services import fiscal_year_bounds
from sahakorn.members.models import Member, MemberStatus, MemberType
from sahakorn.members.selectors import member_full_name_sql
from sahakorn.shares.models import (
    MonthlyRun,
    RequestKind,
    RequestStatus,
    ShareAccount,
    ShareRequest,
    ShareTransaction,
    TransactionKind,
)
from sahakorn.shares.selectors import (
    Reconciliation,
    fiscal_year_expression,
    fiscal_year_range,
    fiscal_year_start_month,
    money_sum,
    month_index,
    share_capital_gl_balance,
    share_capital_gl_net_credit,
    share_capital_reconciliation,
    share_capital_subledger_total,
    suspension_covers,
    to_money,
)

REGISTER_ORDERS = ("number", "unit")
LEFT = "left"  # the register's status filter for every member who is no longer a member


def _member_filter(prefix: str, *, status: str | None, member_type: str | None, unit=None) -> Q:
    q = Q()
    if status == LEFT:
        q &= ~Q(**{f"{prefix}status": MemberStatus.ACTIVE})
    elif status:
        q &= Q(**{f"{prefix}status": status})
    if member_type:
        q &= Q(**{f"{prefix}member_type": member_type})
    if unit is not None:
        q &= Q(**{f"{prefix}unit__path__startswith": unit.path})
    return q


# ======== (1) Share register (ทะเบียนหุ้น) ========


def _register_member_fields(prefix: str) -> dict:
    fields = {} if prefix == "member__" else {"member_id": F(f"{prefix}id")}  # ShareAccount has member_id
    return {
        **fields,
        "number": F(f"{prefix}number"),
        "name": member_full_name_sql(prefix),
        "unit_code": F(f"{prefix}unit__code"),
        "unit_name": F(f"{prefix}unit__name"),
        "unit_path": F(f"{prefix}unit__path"),
        "member_type": F(f"{prefix}member_type"),
        "member_type_label": choice_label_sql(f"{prefix}member_type", MemberType.choices),
        "status": F(f"{prefix}status"),
        "status_label": choice_label_sql(f"{prefix}status", MemberStatus.choices),
    }


def share_register_queryset(
    *,
    as_of: dt.date | None = None,
    order: str = "number",
    status: str | None = None,
    member_type: str | None = None,
    unit=None,
    include_zero: bool = False,
) -> QuerySet:
    """The register's rows as a lazy ``values()`` query (the screen pages it, the files stream it).

    Without ``as_of`` it reads the accounts' cached balances; with it, one GROUP BY over the
    transactions dated up to then. On SQLite ``amount`` is whole satang there: ``register_row``
    turns it back into baht.
    """
    order_by = ["unit_path", "unit_code", "number"] if order == "unit" else ["number"]
    if as_of is None:
        qs = ShareAccount.objects.filter(
            _member_filter("member__", status=status, member_type=member_type, unit=unit)
        ).values(
            "member_id",
            account_id=F("id"),
            **_register_member_fields("member__"),
            shares=F("balance_shares"),
            amount=F("balance_amount"),
            monthly=F("monthly_shares"),
        )
        if not include_zero:
            qs = qs.exclude(balance_shares=0, balance_amount=0)
        return qs.order_by(*order_by)
    qs = (
        ShareTransaction.objects.filter(date__lte=as_of)
        .filter(_member_filter("account__member__", status=status, member_type=member_type, unit=unit))
        .values(
            "account_id",
            **_register_member_fields("account__member__"),
            monthly=F("account__monthly_shares"),
        )
        .annotate(shares=Sum("shares"), amount=money_sum("amount"))
    )
    if not include_zero:
        qs = qs.exclude(shares=0, amount=0)
    return qs.order_by(*order_by)


def register_row(row: dict, *, as_of: dt.date | None) -> dict:
    if as_of is not None:
        row["amount"] = to_money(row["amount"])
    return row


def share_register_rows(
    *,
    as_of: dt.date | None = None,
    order: str = "number",
    status: str | None = None,
    member_type: str | None = None,
    unit=None,
    include_zero: bool = False,
) -> list[dict]:
    """Every row of the share register (ทะเบียนหุ้น) as plain dicts, by member number or by unit.

    Keys: account_id, member_id, number, name, unit_code, unit_name, unit_path, member_type,
    member_type_label, status, status_label, shares, amount, monthly.
    """
    qs = share_register_queryset(
        as_of=as_of, order=order, status=status, member_type=member_type, unit=unit, include_zero=include_zero
    )
    return [register_row(row, as_of=as_of) for row in qs.iterator(chunk_size=5000)]


@dataclass
class RegisterReport:
    as_of: dt.date | None
    order: str
    filtered: bool
    rows: QuerySet  # lazy: page it or stream it through ``register_row``
    totals: dict
    unit_subtotals: list[dict]
    reconciliations: list[Reconciliation]

    @property
    def as_of_date(self) -> dt.date:
        return self.as_of or timezone.localdate()

    def iter_rows(self) -> Iterator[dict]:
        for row in self.rows.iterator(chunk_size=5000):
            yield register_row(row, as_of=self.as_of)

    def iter_grouped(self) -> Iterator[dict]:
        """Rows by unit with a heading before and a subtotal after each unit (files, order=unit)."""
        subtotals = {s["unit_code"]: s for s in self.unit_subtotals}
        current = None
        for row in self.iter_rows():
            if row["unit_code"] != current:
                if current is not None:
                    yield {"row_kind": "subtotal", **subtotals[current]}
                current = row["unit_code"]
                yield {
                    "row_kind": "group",
                    "row_label": f"{row['unit_code']} {row['unit_name']}",
                    **subtotals[current],
                }
            yield row
        if current is not None:
            yield {"row_kind": "subtotal", **subtotals[current]}


def _register_totals_as_of(qs: QuerySet) -> tuple[dict, list[dict]]:
    """Unit subtotals and totals of a past-date register, from its grouped rows.

    The rows are already one GROUP BY per account; counting the members with a balance per unit
    needs those groups, so they are added up here as they stream (no query per member).
    """
    acc: dict[str, dict] = {}
    for row in qs.values("unit_code", "unit_name", "shares", "amount", "monthly").iterator(chunk_size=5000):
        s = acc.setdefault(
            row["unit_code"],
            {"unit_code": row["unit_code"], "unit_name": row["unit_name"], "members": 0, "shares": 0,
             "amount": ZERO, "monthly": 0},
        )  # fmt: skip
        s["members"] += 1
        s["shares"] += row["shares"] or 0
        s["amount"] += to_money(row["amount"])
        s["monthly"] += row["monthly"] or 0
    subtotals = sorted(acc.values(), key=lambda s: s["unit_code"])
    return _sum_subtotals(subtotals), subtotals


def _sum_subtotals(subtotals: list[dict]) -> dict:
    return {
        "members": sum(s["members"] for s in subtotals),
        "shares": sum(s["shares"] for s in subtotals),
        "amount": sum((s["amount"] for s in subtotals), ZERO),
        "monthly": sum(s["monthly"] for s in subtotals),
    }


def share_register(
    *,
    as_of: dt.date | None = None,
    order: str = "number",
    status: str | None = None,
    member_type: str | None = None,
    unit=None,
    include_zero: bool = False,
) -> RegisterReport:
    """The share register (ทะเบียนหุ้น) with unit subtotals, totals and its reconciliation with the GL.

    The register's grand total is the figure the auditor ties to the share-capital control
    account: unfiltered, it must equal it; filtered, the whole register's total is shown beside
    the GL as well.
    """
    order = order if order in REGISTER_ORDERS else "number"
    qs = share_register_queryset(
        as_of=as_of, order=order, status=status, member_type=member_type, unit=unit, include_zero=include_zero
    )
    if as_of is None:
        # Totals from the accounts themselves (the values() row query would rename the money column).
        accounts = ShareAccount.objects.filter(
            _member_filter("member__", status=status, member_type=member_type, unit=unit)
        )
        if not include_zero:
            accounts = accounts.exclude(balance_shares=0, balance_amount=0)
        per_unit = (
            accounts.values(unit_code=F("member__unit__code"), unit_name=F("member__unit__name"))
            .annotate(
                members=Count("id"),
                shares=Sum("balance_shares"),
                amount=money_sum("balance_amount"),
                monthly=Sum("monthly_shares"),
            )
            .order_by("unit_code")
        )
        subtotals = [
            {
                **row,
                "shares": row["shares"] or 0,
                "amount": to_money(row["amount"]),
                "monthly": row["monthly"] or 0,
            }
            for row in per_unit
        ]
        totals = _sum_subtotals(subtotals)
    else:
        totals, subtotals = _register_totals_as_of(qs)
    filtered = bool(status or member_type or unit is not None)
    whole = share_capital_subledger_total(as_of=as_of) if filtered else totals["amount"]
    gl = share_capital_gl_balance(as_of=as_of)
    recon = [Reconciliation(label="ยอดรวมทะเบียนหุ้นทั้งหมด", subledger=whole, gl=gl)]
    return RegisterReport(
        as_of=as_of,
        order=order,
        filtered=filtered,
        rows=qs,
        totals=totals,
        unit_subtotals=subtotals,
        reconciliations=recon,
    )


# ======== (2) Monthly contributions (สรุปหุ้นรายเดือน) ========


def monthly_contribution_summary(*, period: dt.date) -> dict:
    """The month's monthly contributions by member type and in total, with the month's GL tie-out.

    ``rows``: member_type, member_type_label, members, shares, amount (reversals of the month's
    contributions netted); ``total``: the same summed; ``movement``: the share capital of the month
    by kind (opening + movements = closing) beside the GL; ``reconciliations``: ✔/✘ lines.
    """
    period = month_start(period)
    first, last = period, month_end(period)
    monthly = ShareTransaction.objects.filter(kind=TransactionKind.MONTHLY, period=period)
    reversals = ShareTransaction.objects.filter(
        kind=TransactionKind.REVERSAL, reverses__kind=TransactionKind.MONTHLY, reverses__period=period
    )
    contributions = monthly.filter(reversed_by__isnull=True)
    counts = {
        row["t"]: row["members"]
        for row in contributions.values(t=F("account__member__member_type"))
        .annotate(members=Count("account_id", distinct=True))
        .order_by()
    }
    sums: dict[str, dict] = {}
    for qs in (monthly, reversals):
        for row in (
            qs.values(t=F("account__member__member_type"))
            .annotate(shares=Sum("shares"), amount=money_sum("amount"))
            .order_by()
        ):
            s = sums.setdefault(row["t"], {"shares": 0, "amount": ZERO})
            s["shares"] += row["shares"] or 0
            s["amount"] += to_money(row["amount"])
    labels = dict(MemberType.choices)
    rows = []
    for value, label in MemberType.choices:
        s = sums.get(value, {"shares": 0, "amount": ZERO})
        rows.append(
            {
                "member_type": value,
                "member_type_label": str(label),
                "members": counts.get(value, 0),
                "shares": s["shares"],
                "amount": s["amount"],
            }
        )
    for value in set(sums) - set(labels):  # a type no longer in the choices still adds up
        rows.append(
            {"member_type": value, "member_type_label": value, "members": counts.get(value, 0), **sums[value]}
        )
    total = {
        "members": sum(r["members"] for r in rows),
        "shares": sum(r["shares"] for r in rows),
        "amount": sum((r["amount"] for r in rows), ZERO),
    }
    # The GL side of the same contributions: the share-capital lines of the vouchers that posted them.
    # Two plain subqueries on the (period, kind) index; an OR of pk__in over the transactions
    # table made PostgreSQL scan all of it (12 s at 4.8 million rows).
    gl_contrib = share_capital_gl_net_credit(
        lines=JournalLine.objects.filter(
            Q(entry_id__in=monthly.values("journal_entry_id"))
            | Q(entry_id__in=reversals.values("journal_entry_id"))
        )
    )
    movement = share_capital_movement(start=first, end=last)
    reconciliations = [
        Reconciliation(
            label="หุ้นรายเดือนตามรายงาน",
            subledger=total["amount"],
            gl=gl_contrib,
            gl_label="เครดิตทุนเรือนหุ้นในใบสำคัญหุ้นรายเดือน",
        ),
        *movement["reconciliations"],
    ]
    run = MonthlyRun.objects.filter(period=period).values("posted_on", "members", "amount").first()
    return {
        "period": period,
        "rows": rows,
        "total": total,
        "movement": movement,
        "reconciliations": reconciliations,
        "run": run,
    }


MOVEMENT_ORDER = [
    TransactionKind.OPENING,
    TransactionKind.INITIAL,
    TransactionKind.MONTHLY,
    TransactionKind.EXTRA,
    TransactionKind.TRANSFER_IN,
    TransactionKind.TRANSFER_OUT,
    TransactionKind.WITHDRAWAL,
    TransactionKind.REVERSAL,
]


def share_capital_movement(*, start: dt.date, end: dt.date) -> dict:
    """Share capital from ``start`` to ``end``: opening, each kind's movement, closing, and the GL."""
    before = ShareTransaction.objects.filter(date__lt=start).aggregate(s=Sum("shares"), a=money_sum("amount"))
    by_kind = {
        row["kind"]: row
        for row in ShareTransaction.objects.filter(date__gte=start, date__lte=end)
        .values("kind")
        .annotate(s=Sum("shares"), a=money_sum("amount"), n=Count("id"))
        .order_by()
    }
    labels = dict(TransactionKind.choices)
    lines = [
        {
            "kind": kind.value,
            "label": "ยอดยกมาจากระบบเดิม" if kind == TransactionKind.OPENING else str(labels[kind]),
            "count": by_kind.get(kind.value, {}).get("n", 0),
            "shares": by_kind.get(kind.value, {}).get("s") or 0,
            "amount": to_money(by_kind.get(kind.value, {}).get("a")),
        }
        for kind in MOVEMENT_ORDER
    ]
    opening = {"shares": before["s"] or 0, "amount": to_money(before["a"])}
    closing = {
        "shares": opening["shares"] + sum(line["shares"] for line in lines),
        "amount": opening["amount"] + sum((line["amount"] for line in lines), ZERO),
    }
    gl_opening = share_capital_gl_balance(as_of=start - dt.timedelta(days=1))
    gl_closing = share_capital_gl_balance(as_of=end)
    return {
        "start": start,
        "end": end,
        "opening": opening,
        "lines": lines,
        "closing": closing,
        "gl_opening": gl_opening,
        "gl_closing": gl_closing,
        "reconciliations": [
            Reconciliation(label="ทุนเรือนหุ้นยกมาตามทะเบียน", subledger=opening["amount"], gl=gl_opening),
            Reconciliation(label="ทุนเรือนหุ้นคงเหลือตามทะเบียน", subledger=closing["amount"], gl=gl_closing),
        ],
    }


# ======== (3) One member's share history by fiscal year ========

HISTORY_COLUMNS = [
    ("opening_kind", TransactionKind.OPENING),
    ("initial", TransactionKind.INITIAL),
    ("monthly", TransactionKind.MONTHLY),
    ("extra", TransactionKind.EXTRA),
    ("transfer_in", TransactionKind.TRANSFER_IN),
    ("withdrawal", TransactionKind.WITHDRAWAL),
    ("transfer_out", TransactionKind.TRANSFER_OUT),
    ("reversal", TransactionKind.REVERSAL),
]


def member_share_history(*, member: Member, today: dt.date | None = None) -> dict:
    """A member's shares by fiscal year (ประวัติหุ้นรายปีบัญชี): opening, each kind, closing, the GL.

    One GROUP BY (fiscal year, kind) over the member's transactions and one over the member's
    share-capital journal lines; years run from the first transaction to the current one.
    """
    today = today or timezone.localdate()
    start_month = fiscal_year_start_month()
    account = ShareAccount.objects.filter(member=member).first()
    years: dict[int, dict] = {}
    if account is not None:
        for row in (
            ShareTransaction.objects.filter(account=account)
            .annotate(fy=fiscal_year_expression("date", start_month=start_month))
            .values("fy", "kind")
            .annotate(s=Sum("shares"), a=money_sum("amount"))
            .order_by()
        ):
            year = years.setdefault(row["fy"], {})
            year[row["kind"]] = (row["s"] or 0, to_money(row["a"]))
    gl_by_year: dict[int, Decimal] = {}
    share_capital = account_for_role("share_capital")
    for row in (
        JournalLine.objects.filter(member=member, account=share_capital, entry__status=EntryStatus.POSTED)
        .annotate(fy=fiscal_year_expression("entry__date", start_month=start_month))
        .values("fy")
        .annotate(dr=money_sum("debit"), cr=money_sum("credit"))
        .order_by()
    ):
        gl_by_year[row["fy"]] = to_money(row["cr"]) - to_money(row["dr"])
    if account is not None:
        # The monthly batch posts one summary voucher whose share-capital line names no member;
        # the member's part of it is their own row (the voucher is tied out in the monthly summary).
        untagged = ShareTransaction.objects.filter(account=account).exclude(
            Exists(
                JournalLine.objects.filter(
                    entry_id=OuterRef("journal_entry_id"), account=share_capital, member__isnull=False
                )
            )
        )
        for row in (
            untagged.annotate(fy=fiscal_year_expression("date", start_month=start_month))
            .values("fy")
            .annotate(a=money_sum("amount"))
            .order_by()
        ):
            gl_by_year[row["fy"]] = gl_by_year.get(row["fy"], ZERO) + to_money(row["a"])
    current = fiscal_year_bounds(on=today, start_month=start_month)[1].year
    known = set(years) | set(gl_by_year)
    first = min(known) if known else current
    last = max([current, *known])
    rows = []
    shares, amount, gl = 0, ZERO, ZERO
    for fy in range(first, last + 1):
        start, end = fiscal_year_range(fy, start_month=start_month)
        kinds = years.get(fy, {})
        row: dict[str, Any] = {
            "fy": fy,
            "year_be": fy + 543,
            "start": start,
            "end": end,
            "opening_shares": shares,
            "opening_amount": amount,
        }
        for key, kind in HISTORY_COLUMNS:
            s, a = kinds.get(kind.value, (0, ZERO))
            row[key] = a
            row[f"{key}_shares"] = s
            shares += s
            amount += a
        gl += gl_by_year.get(fy, ZERO)
        row.update(
            {
                "purchases": row["opening_kind"]
                + row["initial"]
                + row["monthly"]
                + row["extra"]
                + row["transfer_in"],
                "outflows": row["withdrawal"] + row["transfer_out"],
                "closing_shares": shares,
                "closing_amount": amount,
                "gl_closing": gl,
                "ok": amount == gl,
            }
        )
        rows.append(row)
    totals = {key: sum((r[key] for r in rows), ZERO) for key, _ in HISTORY_COLUMNS}
    totals.update({"purchases": sum((r["purchases"] for r in rows), ZERO)})
    totals.update({"outflows": sum((r["outflows"] for r in rows), ZERO)})
    return {
        "member": member,
        "account": account,
        "rows": rows,
        "totals": totals,
        "closing_shares": shares,
        "closing_amount": amount,
        "reconciliations": [
            Reconciliation(
                label="ทุนเรือนหุ้นของสมาชิกตามทะเบียน",
                subledger=amount,
                gl=gl,
                gl_label="ทุนเรือนหุ้นของสมาชิกในบัญชีคุม",
            )
        ],
    }


# ======== (4) Monthly contribution status (สถานะการส่งหุ้นรายเดือน) ========

STATE_LABELS = {
    "paid": "ส่งแล้ว",
    "pending": "ยังไม่ถึงกำหนด/รอเรียกเก็บ",
    "behind": "ค้างส่ง",
    "default": "ขาดส่งถึงเกณฑ์ผิดนัด",
    "suspended": "งดส่ง",
    "none": "ไม่มีหุ้นรายเดือน",
}
STATE_ORDER = ["paid", "pending", "behind", "default", "suspended", "none"]


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from ``first`` to ``last`` inclusive (empty when first > last)."""
    return [add_months(first, n) for n in range(max(month_index(last) - month_index(first) + 1, 0))]


def last_due_month(*, as_of: dt.date) -> dt.date:
    """The latest month whose contribution should have been collected by ``as_of``.

    The current month counts once its monthly run has posted (or the month is over); before
    that its contribution is still to be collected, not missed.
    """
    this_month = month_start(as_of)
    if (
        as_of == month_end(as_of)
        or MonthlyRun.objects.filter(period=this_month, posted_on__lte=as_of).exists()
    ):
        return this_month
    return add_months(this_month, -1)


def monthly_contribution_status(
    *, as_of: dt.date, member_type: str | None = None, order: str = "type", unit=None
) -> dict:
    """Who paid this month's shares, who is behind, who is suspended, for every active member.

    A member's months are due from the month after the account was opened to
    ``last_due_month``; suspended months are not due. Missed months are counted back to back
    from the last one due (``consecutive``) and within the fiscal year (``missed_in_year``), and
    flagged against the rules' default (ผิดนัด) thresholds. One GROUP BY query for all members.
    """
    from sahakorn.shares.rules import share_rules_for

    rules = share_rules_for(on=as_of)
    this_month = month_start(as_of)
    due_until = last_due_month(as_of=as_of)
    fy_start, fy_end = fiscal_year_bounds(on=as_of, start_month=fiscal_year_start_month())
    paid = Q(
        transactions__kind=TransactionKind.MONTHLY,
        transactions__reversed_by__isnull=True,
        transactions__period__lte=this_month,
        transactions__date__lte=as_of,
    )
    accounts = ShareAccount.objects.filter(
        member__status=MemberStatus.ACTIVE,
        opened_on__lte=as_of,
        **({"member__member_type": member_type} if member_type else {}),
        **({"member__unit__path__startswith": unit.path} if unit is not None else {}),
    )
    qs = accounts.values(
        "id",
        "opened_on",
        "monthly_shares",
        "suspension",
        "suspended_from",
        "suspended_until",
        "balance_amount",
        "member_id",
        number=F("member__number"),
        name=member_full_name_sql("member__"),
        unit_code=F("member__unit__code"),
        member_type=F("member__member_type"),
        member_type_label=choice_label_sql("member__member_type", MemberType.choices),
    ).annotate(
        last_paid=Max("transactions__period", filter=paid),
        paid_this_month=Count("transactions", filter=paid & Q(transactions__period=this_month)),
        paid_in_year=Count(
            "transactions",
            filter=paid & Q(transactions__period__gte=fy_start, transactions__period__lte=due_until),
        ),
        amount_this_month=money_sum("transactions__amount", filter=paid & Q(transactions__period=this_month)),
    )
    qs = qs.order_by("member_type", "number") if order == "type" else qs.order_by("number")
    rows = []
    for row in qs:
        rows.append(
            _status_row(row, rules=rules, this_month=this_month, due_until=due_until, fy_start=fy_start)
        )
    summary: dict[str, dict] = {}
    for row in rows:
        s = summary.setdefault(
            row["member_type"],
            {"member_type": row["member_type"], "member_type_label": row["member_type_label"], "members": 0,
             "amount_this_month": ZERO, **{state: 0 for state in STATE_ORDER}},
        )  # fmt: skip
        s["members"] += 1
        s[row["state"]] += 1
        s["amount_this_month"] += row["amount_this_month"]
    by_type = [summary[t] for t in sorted(summary)]
    total = {
        "members": len(rows),
        "amount_this_month": sum((r["amount_this_month"] for r in rows), ZERO),
        **{state: sum(s[state] for s in by_type) for state in STATE_ORDER},
    }
    return {
        "as_of": as_of,
        "month": this_month,
        "due_until": due_until,
        "fiscal_year": (fy_start, fy_end),
        "rules": rules,
        "rows": rows,
        "by_type": by_type,
        "total": total,
        "state_labels": STATE_LABELS,
        "reconciliations": [share_capital_reconciliation(as_of=as_of)],
    }


class _AccountWindow:
    """The suspension fields of a ``values()`` row, for ``suspension_covers``."""

    def __init__(self, row: dict) -> None:
        self.suspension = row["suspension"]
        self.suspended_from = row["suspended_from"]
        self.suspended_until = row["suspended_until"]


def _status_row(row: dict, *, rules, this_month: dt.date, due_until: dt.date, fy_start: dt.date) -> dict:
    window = _AccountWindow(row)
    first_due = add_months(month_start(row["opened_on"]), 1)
    gap_from = max(first_due, add_months(row["last_paid"], 1)) if row["last_paid"] else first_due
    consecutive = sum(1 for m in _months(gap_from, due_until) if not suspension_covers(window, m))
    due_in_year = [
        m for m in _months(max(first_due, fy_start), due_until) if not suspension_covers(window, m)
    ]
    missed_in_year = max(len(due_in_year) - row["paid_in_year"], 0)
    suspended = suspension_covers(window, this_month)
    defaulted = (
        rules.default_consecutive_months > 0 and consecutive >= rules.default_consecutive_months
    ) or (rules.default_months_per_year > 0 and missed_in_year >= rules.default_months_per_year)
    if suspended:
        state = "suspended"
    elif defaulted:
        state = "default"
    elif row["paid_this_month"]:
        state = "paid"
    elif row["monthly_shares"] == 0:
        state = "none"
    elif consecutive:
        state = "behind"
    else:
        state = "pending"
    return {
        **row,
        "amount_this_month": to_money(row["amount_this_month"]),
        "paid": bool(row["paid_this_month"]),
        "consecutive": consecutive,
        "missed_in_year": missed_in_year,
        "defaulted": defaulted,
        "suspended": suspended,
        "state": state,
        "state_label": STATE_LABELS[state],
    }


# ======== (5) Withdrawal and transfer requests (คำขอถอน/โอนหุ้น) ========

OUT_KINDS = (TransactionKind.WITHDRAWAL, TransactionKind.TRANSFER_OUT)


def share_requests_report(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> dict:
    """Withdrawal and transfer requests by effective date, with the shares they moved out and the GL.

    ``rows`` carry the shares and baht actually posted (positive) for approved requests; the GL
    figure is the share-capital debits of the leaving member in those requests' vouchers.
    """
    requests = ShareRequest.objects.filter(kind__in=[RequestKind.WITHDRAWAL, RequestKind.TRANSFER])
    if start:
        requests = requests.filter(effective_on__gte=start)
    if end:
        requests = requests.filter(effective_on__lte=end)
    if status:
        requests = requests.filter(status=status)
    if kind:
        requests = requests.filter(kind=kind)
    out = Q(transactions__kind__in=OUT_KINDS)
    rows_qs = (
        requests.values(
            "id",
            "kind",
            "status",
            "effective_on",
            "requested_at",
            "decided_at",
            "reason",
            kind_label=choice_label_sql("kind", RequestKind.choices),
            status_label=choice_label_sql("status", RequestStatus.choices),
            number=F("member__number"),
            name=member_full_name_sql("member__"),
            to_number=F("to_member__number"),
            to_name=member_full_name_sql("to_member__"),
            requested_shares=F("shares"),
            requested_by_name=F("requested_by__username"),
            decided_by_name=F("decided_by__username"),
        )
        .annotate(
            posted_shares=Sum("transactions__shares", filter=out),
            posted_amount=money_sum("transactions__amount", filter=out),
        )
        .order_by("effective_on", "id")
    )
    rows = []
    for row in rows_qs:
        row["posted_shares"] = -(row["posted_shares"] or 0)
        row["posted_amount"] = -to_money(row["posted_amount"])
        rows.append(row)
    groups: dict[tuple[str, str], dict] = {}
    for row in rows:
        g = groups.setdefault(
            (row["kind"], row["status"]),
            {"kind_label": row["kind_label"], "status_label": row["status_label"], "requests": 0, "shares": 0,
             "amount": ZERO},
        )  # fmt: skip
        g["requests"] += 1
        g["shares"] += row["posted_shares"]
        g["amount"] += row["posted_amount"]
    total = {
        "requests": len(rows),
        "shares": sum(r["posted_shares"] for r in rows),
        "amount": sum((r["posted_amount"] for r in rows), ZERO),
    }
    out_tx = ShareTransaction.objects.filter(
        request__in=requests,
        kind__in=OUT_KINDS,
        journal_entry=OuterRef("entry_id"),
        account__member_id=OuterRef("member_id"),
    )
    gl_lines = JournalLine.objects.filter(Exists(out_tx))
    gl_out = -share_capital_gl_net_credit(lines=gl_lines)
    return {
        "start": start,
        "end": end,
        "rows": rows,
        "groups": [groups[k] for k in sorted(groups)],
        "total": total,
        "reconciliations": [
            Reconciliation(
                label="หุ้นที่ถอน/โอนออกตามรายงาน",
                subledger=total["amount"],
                gl=gl_out,
                gl_label="เดบิตทุนเรือนหุ้นของผู้ถอน/ผู้โอนในใบสำคัญ",
            ),
            share_capital_reconciliation(as_of=end),
        ],
    }
