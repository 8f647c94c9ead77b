"""Loan reports (รายงานเงินกู้): rows and totals for the screen, the PDF and the Excel file.

As in ``shares.reports``, each builder returns plain dicts (``values()`` rows or raw-SQL rows,
never model instances) so the three outputs show the same figures, and the reports with a GL
counterpart carry ✔/✘ lines against it: the register's principal against ``loan_<family>``, the
interest received against ``interest_income_<family>`` month by month. Whatever runs over the
whole book is one query or a few (GROUP BY, window functions), never a loop over 300,000
contracts. Python passes over rows only where they are shown or written anyway, and once over the
guarantees for the guarantor summaries (each share is rounded row by row with ``round_money``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Round, TruncMonth
from django.utils import timezone

from sahakorn.core.money import SATANG, ZERO, round_money
from sahakorn.core.months import add_months
from sahakorn.core.phone import phone_display
from sahakorn.core.selectors import choice_label_sql
from sahakorn.core.thai import be_year, format_be_date
from sahakorn.ledger.models import EntryStatus, FiscalYear, JournalLine
from sahakorn.ledger.selectors import account_balance, account_for_role, fiscal_year_span
from sahakorn.loans.arrears import as_of_params, coverage_sql, overdue_principal
from sahakorn.loans.models import (
    ApplicationStatus,
    ContractStatus,
    Guarantee,
    GuaranteeRules,
    LoanContract,
    LoanFamily,
    LoanProduct,
    LoanTransaction,
    LoanTxKind,
    ScheduledInstallment,
)
from sahakorn.loans.rules import guarantee_rules_for
from sahakorn.members.models import Member
from sahakorn.members.selectors import member_full_name_sql
from sahakorn.shares.selectors import (
    Reconciliation,
    fiscal_year_range,
    fiscal_year_start_month,
    money_sum,
    month_index,
    to_money,
)

ALL = "all"  # the register's status filter for active and closed contracts together
FAMILY_LABELS = dict(LoanFamily.choices)
# Interest received: paid on payments and netting, taken back (negative) on reversals and refunds.
INTEREST_KINDS = (LoanTxKind.PAYMENT, LoanTxKind.NETTING, LoanTxKind.REVERSAL, LoanTxKind.REFUND)
ACCRUAL_KINDS = (LoanTxKind.ACCRUAL, LoanTxKind.ACCRUAL_REVERSAL)
_MONEY = DecimalField(max_digits=15, decimal_places=2)


def family_label(family: str) -> str:
    return str(FAMILY_LABELS.get(family, family))


def _family_order(family: str) -> int:
    return LoanFamily.values.index(family) if family in LoanFamily.values else len(LoanFamily.values)


def _date(value: Any) -> dt.date | None:
    """A date column of a raw query: SQLite returns ISO text, PostgreSQL a date."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _money_from_satang(value: Any) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(SATANG)


def principal_reconciliations(
    *, subledger: dict[str, Decimal], as_of: dt.date | None, label: str
) -> list[Reconciliation]:
    """One ✔/✘ line per family: the register's principal beside GL ``loan_<family>`` (as of a date)."""
    return [
        Reconciliation(
            label=f"{label} {family_label(family)}",
            subledger=subledger.get(family, ZERO),
            gl=account_balance(account=f"loan_{family}", as_of=as_of),
            gl_label=f"บัญชีลูกหนี้{family_label(family)} (บัญชีแยกประเภท)",
        )
        for family in LoanFamily.values
    ]


def book_principal_by_family(*, as_of: dt.date | None = None) -> dict[str, Decimal]:
    """The whole book's principal per family: the contracts' cached balances, or their
    transactions dated up to ``as_of`` (one GROUP BY either way)."""
    if as_of is None:
        rows = LoanContract.objects.values(family=F("product__family")).annotate(
            s=money_sum("principal_balance")
        )
    else:
        rows = (
            LoanTransaction.objects.filter(date__lte=as_of)
            .values(family=F("contract__product__family"))
            .annotate(s=money_sum("principal"))
        )
    return {row["family"]: to_money(row["s"]) for row in rows.order_by()}


# ======== (1) Loan register by product (ทะเบียนเงินกู้ตามประเภท) ========


def _balance_as_of(as_of: dt.date) -> Coalesce:
    # Rounded to the satang in SQL: SQLite sums the REAL column with binary drift, and this sum is
    # compared with the schedule's closing balances (installments paid) and with zero (closed).
    total = (
        LoanTransaction.objects.filter(contract=OuterRef("pk"), date__lte=as_of)
        .order_by()
        .values("contract")
        .annotate(s=Round(Sum("principal"), 2))
        .values("s")
    )
    return Coalesce(Subquery(total, output_field=_MONEY), Value(ZERO), output_field=_MONEY)


def _installments_paid() -> Coalesce:
    """Installments reached by the principal repaid, as ``selectors.contract_summary`` counts them:
    the number of the last current schedule row whose closing balance the contract's balance has
    come down to (or the row before the first stored one: a brought-forward schedule starts late)."""
    current = ScheduledInstallment.objects.filter(
        contract=OuterRef("pk"), superseded_at__isnull=True
    ).order_by()
    reached = (
        current.filter(closing_balance__gte=OuterRef("balance"))
        .values("contract")
        .annotate(n=Max("number"))
        .values("n")
    )
    before_first = current.values("contract").annotate(n=Min("number") - 1).values("n")
    return Coalesce(
        Subquery(reached, output_field=IntegerField()),
        Subquery(before_first, output_field=IntegerField()),
        Value(0),
    )


def _register_contracts(*, as_of: dt.date | None, status: str, product=None, unit=None) -> QuerySet:
    """The contracts of the register with ``balance`` and ``row_status`` (as of ``as_of``) annotated."""
    qs = LoanContract.objects.all()
    if product is not None:
        qs = qs.filter(product=product)
    if unit is not None:
        qs = qs.filter(member__unit__path__startswith=unit.path)
    if as_of is None:
        qs = qs.annotate(balance=F("principal_balance"), row_status=F("status"))
    else:
        # A contract is closed exactly when its balance reaches zero (payoff, netting); a reversal
        # reopens it. So its status on a past date follows from its balance on that date.
        qs = qs.filter(disbursed_on__lte=as_of).annotate(balance=_balance_as_of(as_of))
        qs = qs.annotate(
            row_status=Case(
                When(balance=0, then=Value(ContractStatus.CLOSED.value)),
                default=Value(ContractStatus.ACTIVE.value),
                output_field=CharField(),
            )
        )
    if status in (ContractStatus.ACTIVE, ContractStatus.CLOSED):
        qs = qs.filter(row_status=status)
    return qs


def loan_register_queryset(
    *, as_of: dt.date | None = None, status: str = ContractStatus.ACTIVE, product=None, unit=None
) -> QuerySet:
    """The register's rows as a lazy ``values()`` query by product and contract number (the screen
    pages it, the files stream it through ``register_row``)."""
    qs = _register_contracts(as_of=as_of, status=status, product=product, unit=unit)
    return (
        qs.annotate(installments_paid=_installments_paid())
        .values(
            "number",
            "member_id",
            "product_id",
            "disbursed_on",
            "amount",
            "annual_rate",
            "installments",
            "installment_amount",
            "balance",
            "installments_paid",
            contract_id=F("id"),
            status_value=F("row_status"),
            member_number=F("member__number"),
            name=member_full_name_sql("member__"),
            unit_code=F("member__unit__code"),
            unit_name=F("member__unit__name"),
            product_code=F("product__code"),
            product_name=F("product__name"),
            family=F("product__family"),
            status_label=choice_label_sql("row_status", ContractStatus.choices),
        )
        .order_by("product__code", "number")
    )


def register_row(row: dict) -> dict:
    # A past date's balance comes from SQL arithmetic that SQLite hands back without its places.
    row["balance"] = Decimal(row["balance"]).quantize(SATANG)
    active = row["status_value"] == ContractStatus.ACTIVE
    row["installments_left"] = max(0, row["installments"] - row["installments_paid"]) if active else 0
    row["family_label"] = family_label(row["family"])
    return row


@dataclass
class LoanRegisterReport:
    as_of: dt.date | None
    status: str
    filtered: bool
    rows: QuerySet  # lazy: page it, or stream it through ``iter_rows``
    product_subtotals: list[dict]
    family_subtotals: list[dict]
    totals: dict
    reconciliations: list[Reconciliation]

    @property
    def as_of_date(self) -> dt.date:
        return self.as_of or timezone.localdate()

    def iter_rows(self) -> Iterator[dict]:
        for row in self.rows.iterator(chunk_size=2000):
            yield register_row(row)

    def iter_grouped(self) -> Iterator[dict]:
        """Rows by product with a heading before and a subtotal after each product (the files)."""
        subtotals = {s["product_id"]: s for s in self.product_subtotals}
        current = None
        for row in self.iter_rows():
            if row["product_id"] != current:
                if current is not None:
                    yield {"row_kind": "subtotal", **subtotals[current]}
                current = row["product_id"]
                yield {"row_kind": "group", **subtotals[current]}
            yield row
        if current is not None:
            yield {"row_kind": "subtotal", **subtotals[current]}


def loan_register(
    *, as_of: dt.date | None = None, status: str = ContractStatus.ACTIVE, product=None, unit=None
) -> LoanRegisterReport:
    """The loan register (ทะเบียนเงินกู้) by product with subtotals, and its tie-out with the GL.

    Keys of each row: contract_id, number, member_id, member_number, name, unit_code, unit_name,
    product_id, product_code, product_name, family, family_label, disbursed_on, amount,
    annual_rate, installments, installments_paid, installments_left, installment_amount, balance,
    status_value, status_label. Without ``as_of`` the balance is the contract's cached balance; with
    it, the sum of its transactions dated up to then. Each family's principal is tied to GL
    ``loan_<family>``: with a product or unit filter (or closed contracts only) the whole book's
    figure is shown beside the GL, as the share register does.
    """
    status = (
        status if status in (ContractStatus.ACTIVE, ContractStatus.CLOSED, ALL) else ContractStatus.ACTIVE
    )
    contracts = _register_contracts(as_of=as_of, status=status, product=product, unit=unit)
    per_product = (
        contracts.values("product_id")
        .annotate(contracts=Count("id"), amount=money_sum("amount"), balance=money_sum("balance"))
        .order_by()
    )
    products = {p["id"]: p for p in LoanProduct.objects.values("id", "code", "name", "family")}
    subtotals = []
    for row in per_product:
        p = products[row["product_id"]]
        subtotals.append(
            {
                "product_id": p["id"],
                "product_code": p["code"],
                "product_name": p["name"],
                "family": p["family"],
                "family_label": family_label(p["family"]),
                "row_label": f"{p['code']} {p['name']}",
                "contracts": row["contracts"],
                "amount": to_money(row["amount"]),
                "balance": to_money(row["balance"]),
            }
        )
    subtotals.sort(key=lambda s: s["product_code"])
    families = []
    for family in sorted({s["family"] for s in subtotals}, key=_family_order):
        mine = [s for s in subtotals if s["family"] == family]
        families.append(
            {
                "family": family,
                "family_label": family_label(family),
                "contracts": sum(s["contracts"] for s in mine),
                "amount": sum((s["amount"] for s in mine), ZERO),
                "balance": sum((s["balance"] for s in mine), ZERO),
            }
        )
    totals = {
        "contracts": sum(s["contracts"] for s in subtotals),
        "amount": sum((s["amount"] for s in subtotals), ZERO),
        "balance": sum((s["balance"] for s in subtotals), ZERO),
    }
    # Closed contracts carry no balance, so the active register's total is the whole book's.
    filtered = product is not None or unit is not None or status == ContractStatus.CLOSED
    if filtered:
        whole = book_principal_by_family(as_of=as_of)
        label = "เงินต้นคงเหลือทั้งทะเบียน"
    else:
        whole = {f["family"]: f["balance"] for f in families}
        label = "เงินต้นคงเหลือตามทะเบียน"
    return LoanRegisterReport(
        as_of=as_of,
        status=status,
        filtered=filtered,
        rows=loan_register_queryset(as_of=as_of, status=status, product=product, unit=unit),
        product_subtotals=subtotals,
        family_subtotals=families,
        totals=totals,
        reconciliations=principal_reconciliations(subledger=whole, as_of=as_of, label=label),
    )


# ======== (2) Loans in arrears (ลูกหนี้ค้างชำระ) ========


def _arrears_sql(*, product: bool) -> str:
    """Every live contract's arrears in one statement: ``arrears.coverage_sql`` over the contracts
    disbursed by ``as_of`` and not closed by then (the one rule the member card, eligibility and the
    dividend run read), then each listed contract's borrower, balance and guarantors."""
    if connection.vendor == "postgresql":
        guarantors = "string_agg(gm.number, ',')"
    else:
        guarantors = "group_concat(gm.number, ',')"
    scope = "c.disbursed_on <= %(until)s AND (c.closed_on IS NULL OR c.closed_on > %(until)s)"
    if product:
        scope += " AND c.product_id = %(product)s"
    select = f"""
    SELECT c.id, c.number, c.member_id, m.number, m.title || m.first_name || ' ' || m.last_name,
           m.phone, u.code, u.name, p.id, p.code, p.name, p.family, c.disbursed_on, c.amount,
           c.installment_amount, a.missed, a.due_total, a.paid_total, a.pay_due_total, a.money_total,
           a.arrears_total, a.months_overdue, a.overdue_since,
           (SELECT SUM(CAST(ROUND(b.principal * 100) AS BIGINT)) FROM loans_loantransaction b
            WHERE b.contract_id = c.id AND b.date <= %(until)s),
           (SELECT {guarantors} FROM loans_guarantee g JOIN members_member gm ON gm.id = g.guarantor_id
            WHERE g.contract_id = c.id AND g.ended_on IS NULL)
    FROM coverage_overdue a
    JOIN loans_loancontract c ON c.id = a.contract_id
    JOIN loans_loanproduct p ON p.id = c.product_id
    JOIN members_member m ON m.id = c.member_id
    JOIN members_unit u ON u.id = m.unit_id
    WHERE a.missed >= %(min_missed)s
      AND (a.missed > 0 OR a.arrears_total > 0
           OR (a.due_total > a.paid_total AND a.pay_due_total > a.money_total))
    ORDER BY p.code, c.number
    """  # noqa: S608 -- fixed table names and fragments; every value is a parameter
    return coverage_sql(scope=scope) + select


ARREARS_KEYS = (
    "contract_id", "number", "member_id", "member_number", "name", "phone", "unit_code", "unit_name",
    "product_id", "product_code", "product_name", "family", "disbursed_on", "amount",
    "installment_amount", "missed", "due_total", "paid_total", "pay_due_total", "money_total",
    "arrears_total", "months_overdue", "overdue_since", "balance", "guarantors",
)  # fmt: skip


def loans_in_arrears(
    *, as_of: dt.date, product=None, min_missed: int = 0, grace_days: int | None = None
) -> dict:
    """Contracts behind their schedule on ``as_of`` (ลูกหนี้ค้างชำระ), by product, in one query.

    A contract is listed when it missed an installment in the fiscal year of ``as_of``, has
    principal overdue or interest in arrears on that day (and, with ``min_missed``, missed at least
    that many). The rule is ``arrears``' (its module notes). Rows: ``missed`` in the year and
    ``overdue`` principal (what ``arrears.loan_arrears`` gives), ``months_overdue`` (installments
    due and not covered by everything repaid), ``overdue_since`` (the oldest of them),
    ``interest_arrears`` (ดอกเบี้ยค้างชำระ), ``scheduled`` / ``repaid`` (principal through
    ``as_of``), the balance on ``as_of``, the borrower's phone and unit, and the numbers of the
    guarantors in force. ``grace_days`` defaults to the coop's.
    """
    fy_start, fy_end = fiscal_year_span(on=as_of)
    params = as_of_params(as_of=as_of, grace_days=grace_days)
    params["min_missed"] = max(int(min_missed or 0), 0)
    if product is not None:
        params["product"] = product.pk
    with connection.cursor() as cursor:
        cursor.execute(_arrears_sql(product=product is not None), params)
        raw = [dict(zip(ARREARS_KEYS, values, strict=True)) for values in cursor.fetchall()]
    rows = []
    for row in raw:
        totals = {key: row.pop(key) for key in ("due_total", "paid_total", "pay_due_total", "money_total")}
        rows.append(
            {
                **row,
                "disbursed_on": _date(row["disbursed_on"]),
                "overdue_since": _date(row["overdue_since"]),
                "amount": Decimal(row["amount"]).quantize(SATANG),
                "installment_amount": Decimal(row["installment_amount"]).quantize(SATANG),
                "missed": int(row["missed"]),
                "months_overdue": int(row["months_overdue"]),
                "scheduled": _money_from_satang(totals["due_total"]),
                "repaid": _money_from_satang(totals["paid_total"]),
                "overdue": overdue_principal(**totals),
                "interest_arrears": _money_from_satang(row.pop("arrears_total")),
                "balance": _money_from_satang(row["balance"]),
                "phone_display": phone_display(row["phone"] or ""),
                "guarantors": ", ".join(sorted(filter(None, (row["guarantors"] or "").split(",")))),
                "family_label": family_label(row["family"]),
            }
        )
    subtotals: dict[int, dict] = {}
    for row in rows:
        s = subtotals.setdefault(
            row["product_id"],
            {"product_id": row["product_id"], "product_code": row["product_code"],
             "product_name": row["product_name"], "row_label": f"{row['product_code']} {row['product_name']}",
             "contracts": 0, "missed": 0, "overdue": ZERO, "interest_arrears": ZERO, "balance": ZERO},
        )  # fmt: skip
        s["contracts"] += 1
        s["missed"] += row["missed"]
        s["overdue"] += row["overdue"]
        s["interest_arrears"] += row["interest_arrears"]
        s["balance"] += row["balance"]
    product_subtotals = [subtotals[k] for k in sorted(subtotals, key=lambda k: subtotals[k]["product_code"])]
    totals = {
        "contracts": len(rows),
        "missed": sum(r["missed"] for r in rows),
        "overdue": sum((r["overdue"] for r in rows), ZERO),
        "interest_arrears": sum((r["interest_arrears"] for r in rows), ZERO),
        "balance": sum((r["balance"] for r in rows), ZERO),
    }
    return {
        "as_of": as_of,
        "fiscal_year": (fy_start, fy_end),
        "grace_days": params["grace"],
        "min_missed": params["min_missed"],
        "rows": rows,
        "product_subtotals": product_subtotals,
        "totals": totals,
        "reconciliations": principal_reconciliations(
            subledger=book_principal_by_family(as_of=as_of), as_of=as_of, label="เงินต้นคงเหลือทั้งทะเบียน"
        ),
    }


def arrears_grouped(data: dict) -> Iterator[dict]:
    """The arrears rows by product with a heading and a subtotal per product (the files)."""
    subtotals = {s["product_id"]: s for s in data["product_subtotals"]}
    current = None
    for row in data["rows"]:
        if row["product_id"] != current:
            if current is not None:
                yield {"row_kind": "subtotal", **subtotals[current]}
            current = row["product_id"]
            yield {"row_kind": "group", **subtotals[current]}
        yield row
    if current is not None:
        yield {"row_kind": "subtotal", **subtotals[current]}


# ======== (3) Guarantor obligations per member (ภาระค้ำประกัน) ========

FLAG_LABELS = {"": "", "at": "ค้ำครบจำนวนสัญญาแล้ว", "over": "ค้ำเกินจำนวนสัญญา", "amount": "ค้ำเกินวงเงินรวม"}


def _live_on_contract() -> Coalesce:
    rows = (
        Guarantee.objects.filter(contract=OuterRef("contract_id"), ended_on__isnull=True)
        .order_by()
        .values("contract")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(1))


def guarantor_rows_queryset(*, member: Member | None = None, guarantor_ids=None) -> QuerySet:
    """Each guarantee in force on an active contract as a ``values()`` row, by guarantor then contract."""
    qs = Guarantee.objects.filter(ended_on__isnull=True, contract__status=ContractStatus.ACTIVE)
    if member is not None:
        qs = qs.filter(guarantor=member)
    if guarantor_ids is not None:
        qs = qs.filter(guarantor_id__in=guarantor_ids)
    return (
        qs.annotate(guarantors_on_contract=_live_on_contract())
        .values(
            "guarantor_id",
            "contract_id",
            "started_on",
            "guarantors_on_contract",
            guarantor_number=F("guarantor__number"),
            guarantor_name=member_full_name_sql("guarantor__"),
            guarantor_unit=F("guarantor__unit__code"),
            guarantor_status=F("guarantor__status"),
            contract_number=F("contract__number"),
            product_code=F("contract__product__code"),
            borrower_id=F("contract__member_id"),
            borrower_number=F("contract__member__number"),
            borrower_name=member_full_name_sql("contract__member__"),
            borrower_unit=F("contract__member__unit__code"),
            balance=F("contract__principal_balance"),
            replacement_needed=F("contract__guarantor_replacement_needed"),
        )
        .order_by("guarantor__number", "contract__number")
    )


def guarantor_row(row: dict) -> dict:
    """The guarantor's share of the contract: its balance split evenly over the guarantors in force."""
    row["share"] = round_money(row["balance"] / row["guarantors_on_contract"])
    return row


def _pending_applications(*, member: Member | None) -> dict[int, tuple[int, Decimal]]:
    """{guarantor_id: (applications, amount)} of applications not yet disbursed that they guarantee:
    the guarantor rules count them against the limit as well (``rules._live_guarantees``)."""
    qs = Guarantee.objects.filter(
        ended_on__isnull=True,
        contract__isnull=True,
        application__status__in=[ApplicationStatus.PENDING, ApplicationStatus.APPROVED],
    )
    if member is not None:
        qs = qs.filter(guarantor=member)
    rows = qs.values("guarantor_id").annotate(n=Count("id"), s=money_sum("application__amount")).order_by()
    return {r["guarantor_id"]: (r["n"], to_money(r["s"])) for r in rows}


@dataclass
class GuarantorReport:
    rules: GuaranteeRules
    member: Member | None
    flagged_only: bool
    guarantors: list[dict]
    totals: dict
    _rows: QuerySet = field(repr=False)

    def rows_for(self, guarantor_ids: list[int]) -> dict[int, list[dict]]:
        """The contract rows of the given guarantors (one page of the screen), in one query."""
        out: dict[int, list[dict]] = {}
        for row in self._rows.filter(guarantor_id__in=guarantor_ids):
            out.setdefault(row["guarantor_id"], []).append(guarantor_row(row))
        return out

    def iter_grouped(self) -> Iterator[dict]:
        """Each guarantor's heading, contract rows and subtotal (the files), streamed."""
        summaries = {g["guarantor_id"]: g for g in self.guarantors}
        current = None
        for row in self._rows.iterator(chunk_size=2000):
            if row["guarantor_id"] not in summaries:
                continue  # not flagged, with the flagged-only filter
            if row["guarantor_id"] != current:
                if current is not None:
                    yield {"row_kind": "subtotal", **summaries[current]}
                current = row["guarantor_id"]
                yield {"row_kind": "group", **summaries[current]}
            yield guarantor_row(row)
        if current is not None:
            yield {"row_kind": "subtotal", **summaries[current]}


def guarantor_obligations(
    *, member: Member | None = None, flagged_only: bool = False, on: dt.date | None = None
) -> GuarantorReport:
    """What each member guarantees (ภาระค้ำประกัน): the active contracts, the borrower, the balance and
    the guarantor's share of it (balance ÷ guarantors in force, rounded half up to the satang).

    Per guarantor: contracts, balance, share, the applications not yet disbursed that they also
    guarantee, and a flag against the coop's guarantor rules in force ``on``: ``at`` the most
    contracts one member may guarantee, ``over`` it, or ``amount`` over the most in baht (the
    rules count the full balance, as ``rules.guaranteed_amount`` does). The per-guarantor figures
    come from one streamed pass over the rows (the shares need the rounding of each row).
    """
    rules = guarantee_rules_for(on=on or timezone.localdate())
    pending = _pending_applications(member=member)
    rows = guarantor_rows_queryset(member=member)
    summaries: dict[int, dict] = {}
    for row in rows.iterator(chunk_size=5000):
        s = summaries.get(row["guarantor_id"])
        if s is None:
            s = summaries[row["guarantor_id"]] = {
                "guarantor_id": row["guarantor_id"], "guarantor_number": row["guarantor_number"],
                "guarantor_name": row["guarantor_name"], "guarantor_unit": row["guarantor_unit"],
                "guarantor_status": row["guarantor_status"],
                "row_label": f"{row['guarantor_number']} {row['guarantor_name']}",
                "contracts": 0, "balance": ZERO, "share": ZERO,
            }  # fmt: skip
        s["contracts"] += 1
        s["balance"] += row["balance"]
        s["share"] += guarantor_row(row)["share"]
    guarantors = []
    for s in sorted(summaries.values(), key=lambda s: s["guarantor_number"]):
        applications, applied = pending.get(s["guarantor_id"], (0, ZERO))
        in_force = s["contracts"] + applications
        flag = ""
        if in_force > rules.max_contracts_per_guarantor:
            flag = "over"
        elif (
            rules.max_amount_per_guarantor is not None
            and s["balance"] + applied > rules.max_amount_per_guarantor
        ):
            flag = "amount"
        elif in_force == rules.max_contracts_per_guarantor:
            flag = "at"
        s.update(applications=applications, applied=applied, in_force=in_force, flag=flag,
                 flag_label=FLAG_LABELS[flag])  # fmt: skip
        if flag or not flagged_only:
            guarantors.append(s)
    totals = {
        "guarantors": len(guarantors),
        "contracts": sum(g["contracts"] for g in guarantors),
        "balance": sum((g["balance"] for g in guarantors), ZERO),
        "share": sum((g["share"] for g in guarantors), ZERO),
        "applications": sum(g["applications"] for g in guarantors),
        "flagged": sum(1 for g in guarantors if g["flag"]),
    }
    return GuarantorReport(
        rules=rules,
        member=member,
        flagged_only=flagged_only,
        guarantors=guarantors,
        totals=totals,
        _rows=rows,
    )


# ======== (4) Interest received per month by product (ดอกเบี้ยรับรายเดือนตามประเภทเงินกู้) ========


def fiscal_year_months(fy_end_year: int) -> tuple[dt.date, dt.date, list[dt.date]]:
    """First day, last day and the months (first days) of the fiscal year ending in C.E. ``fy_end_year``:
    the ledger's year when it has been opened, else the coop's start month."""
    opened = FiscalYear.objects.filter(year_be=be_year(fy_end_year)).first()
    if opened is not None:
        start, end = opened.start_date, opened.end_date
    else:
        start, end = fiscal_year_range(fy_end_year, start_month=fiscal_year_start_month())
    first = start.replace(day=1)
    months = [add_months(first, n) for n in range(month_index(end) - month_index(first) + 1)]
    return start, end, months


def _by_product_month(qs: QuerySet, amount: Any) -> dict[tuple[int, dt.date], Decimal]:
    rows = (
        qs.values(product=F("contract__product_id"), month=TruncMonth("date")).annotate(s=amount).order_by()
    )
    return {(r["product"], _date(r["month"])): to_money(r["s"]) for r in rows}


def _settled_accruals() -> Subquery:
    """The month-end accruals a payment (or netting, or reversal) settles: those of its contract
    dated after its ``interest_from`` up to its ``interest_to``, i.e. accrued after the interest was
    last paid and before this receipt (``payments.accrued_unsettled``). An accrual's date is its
    ``interest_to`` (the month-end), and the date is indexed with the contract."""
    return Subquery(
        LoanTransaction.objects.filter(
            contract=OuterRef("contract_id"),
            kind__in=ACCRUAL_KINDS,  # net of accruals reversed before the receipt settled them
            date__gt=OuterRef("interest_from"),
            date__lte=OuterRef("interest_to"),
        )
        .order_by()
        .values("contract")
        .annotate(s=money_sum("interest"))
        .values("s")
    )


def _gl_interest_income(*, start: dt.date, end: dt.date) -> dict[tuple[str, dt.date], Decimal]:
    """{(family, month): credits − debits} on each family's interest income account, posted vouchers."""
    accounts = {family: account_for_role(f"interest_income_{family}").pk for family in LoanFamily.values}
    rows = (
        JournalLine.objects.filter(
            account_id__in=set(accounts.values()),
            entry__status=EntryStatus.POSTED,
            entry__date__gte=start,
            entry__date__lte=end,
        )
        .values("account_id", month=TruncMonth("entry__date"))
        .annotate(dr=money_sum("debit"), cr=money_sum("credit"))
        .order_by()
    )
    by_account = {(r["account_id"], _date(r["month"])): to_money(r["cr"]) - to_money(r["dr"]) for r in rows}
    return {
        (family, month): amount
        for family, account_id in accounts.items()
        for (acc, month), amount in by_account.items()
        if acc == account_id
    }


def _month_key(n: int) -> str:
    return f"m{n + 1:02d}"


def loan_interest_by_month(*, fy_end_year: int) -> dict:
    """Interest received (ดอกเบี้ยรับ) per month of a fiscal year by product, with family subtotals,
    and each family's month tied to the GL to the satang.

    ``received`` is the interest of payments and netting less reversals and refunds, by the
    receipt's date. The GL identity per family and month follows the vouchers: a receipt recognises
    the interest charged to its day (what it received, plus what it left in arrears, less the
    arrears it collected: ``arrears``), crediting ``accrued_interest_<family>`` with the part
    already accrued at month-ends and ``interest_income_<family>`` with the rest; a reversal swaps
    the same lines; a refund debits income; the month-end accrual credits income and its reversal
    (recomputation) debits it. So GL income (credits − debits) = received + ``arrears`` −
    ``settled`` (accruals the receipts settled, less those reversals gave back) + ``accrued``
    (accruals posted in the month, net of those reversed).

    Rows (products, families, the total) carry ``received`` (a list by month, also as ``m01``…
    ``m12`` keys for the files) and year figures; each family carries ``recon`` month by month
    (received, settled, accrued, income, gl, ok).
    """
    start, end, months = fiscal_year_months(fy_end_year)
    in_year = Q(date__gte=start, date__lte=end)
    receipts = LoanTransaction.objects.filter(in_year, kind__in=INTEREST_KINDS)
    received = _by_product_month(receipts, money_sum("interest"))
    arrears = _by_product_month(receipts, money_sum("interest_arrears"))
    accrued = _by_product_month(
        LoanTransaction.objects.filter(in_year, kind__in=ACCRUAL_KINDS), money_sum("interest")
    )
    # A reversal carries its payment's interest window, so the same accruals come back unsettled.
    settled_by = _by_product_month(
        receipts.exclude(kind=LoanTxKind.REVERSAL).annotate(settled=_settled_accruals()), Sum("settled")
    )
    unsettled_by = _by_product_month(
        receipts.filter(kind=LoanTxKind.REVERSAL).annotate(settled=_settled_accruals()), Sum("settled")
    )
    settled = {
        key: settled_by.get(key, ZERO) - unsettled_by.get(key, ZERO)
        for key in set(settled_by) | set(unsettled_by)
    }
    gl = _gl_interest_income(start=start, end=end)

    def figures(product_ids: list[int], month: dt.date) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        return (
            sum((received.get((p, month), ZERO) for p in product_ids), ZERO),
            sum((arrears.get((p, month), ZERO) for p in product_ids), ZERO),
            sum((settled.get((p, month), ZERO) for p in product_ids), ZERO),
            sum((accrued.get((p, month), ZERO) for p in product_ids), ZERO),
        )

    def row(ids: list[int], **fields) -> dict:
        by_month = [figures(ids, m) for m in months]
        out = {
            **fields,
            "received": [r for r, _, _, _ in by_month],
            "total": sum((r for r, _, _, _ in by_month), ZERO),
            "arrears_total": sum((x for _, x, _, _ in by_month), ZERO),
            "settled_total": sum((s for _, _, s, _ in by_month), ZERO),
            "accrued_total": sum((a for _, _, _, a in by_month), ZERO),
        }
        out["income_total"] = (
            out["total"] + out["arrears_total"] - out["settled_total"] + out["accrued_total"]
        )
        out.update({_month_key(n): value for n, value in enumerate(out["received"])})
        return out

    products = list(LoanProduct.objects.values("id", "code", "name", "family"))
    products.sort(key=lambda p: (_family_order(p["family"]), p["code"]))
    families = []
    reconciliations = []
    for family in LoanFamily.values:
        mine = [p for p in products if p["family"] == family]
        ids = [p["id"] for p in mine]
        label = family_label(family)
        fam = row(ids, family=family, family_label=label, row_label=f"รวม{label}")
        fam["products"] = [
            row([p["id"]], product_id=p["id"], product_code=p["code"], product_name=p["name"], family=family)
            for p in mine
        ]
        recon = []
        for month in months:
            r, x, s, a = figures(ids, month)
            income = r + x - s + a
            g = gl.get((family, month), ZERO)
            recon.append({"month": month, "received": r, "arrears": x, "settled": s, "accrued": a, "income": income,
                          "gl": g, "ok": income == g, "difference": income - g})  # fmt: skip
        fam["recon"] = recon
        fam["gl_total"] = sum((m["gl"] for m in recon), ZERO)
        fam["ok"] = all(m["ok"] for m in recon)
        families.append(fam)
        reconciliations.append(
            Reconciliation(
                label=f"{label}: รายได้ดอกเบี้ยตามทะเบียนเงินกู้ทั้งปีบัญชี",
                subledger=fam["income_total"],
                gl=fam["gl_total"],
                gl_label=f"บัญชีดอกเบี้ยรับ-{label} (บัญชีแยกประเภท)",
            )
        )
        # A month that is off is named on its own line: the year's totals could offset.
        reconciliations += [
            Reconciliation(
                label=f"{label} เดือน{format_be_date(m['month'], 'month')}",
                subledger=m["income"],
                gl=m["gl"],
                gl_label=f"บัญชีดอกเบี้ยรับ-{label}",
            )
            for m in recon
            if not m["ok"]
        ]
    all_ids = [p["id"] for p in products]
    total = row(all_ids, row_label="รวมทั้งสิ้น")
    total["gl_total"] = sum((f["gl_total"] for f in families), ZERO)
    return {
        "fy_end_year": fy_end_year,
        "year_be": be_year(fy_end_year),
        "start": start,
        "end": end,
        "months": months,
        "month_keys": [_month_key(n) for n in range(len(months))],
        "families": families,
        "total": total,
        "reconciliations": reconciliations,
    }


def interest_rows_grouped(data: dict) -> Iterator[dict]:
    """Products by family, each family a heading and a subtotal (the files)."""
    for fam in data["families"]:
        yield {"row_kind": "group", "row_label": fam["family_label"]}
        yield from fam["products"]
        yield {"row_kind": "subtotal", **fam}


def interest_recon_rows(data: dict) -> Iterator[dict]:
    """The GL tie-out by family and month (the files): a heading, the months, the year."""
    for fam in data["families"]:
        yield {"row_kind": "group", "row_label": fam["family_label"]}
        for m in fam["recon"]:
            yield {**m, "month_label": format_be_date(m["month"], "month"), "mark": "✔" if m["ok"] else "✘"}
        yield {
            "row_kind": "subtotal",
            "row_label": f"รวม{fam['family_label']}",
            "received": fam["total"],
            "arrears": fam["arrears_total"],
            "settled": fam["settled_total"],
            "accrued": fam["accrued_total"],
            "income": fam["income_total"],
            "gl": fam["gl_total"],
            "mark": "✔" if fam["ok"] else "✘",
        }
