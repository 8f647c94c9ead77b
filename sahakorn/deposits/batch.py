"""Deposit batches: the interest run (ประมวลผลดอกเบี้ยเงินฝาก) and dormancy marking.

Both touch every account of a product, so neither loops over accounts with a query each: the
interest run reads the product's transactions with ONE streamed query, computes each account with
the pure calculator (in Python, on the product's or else the coop's day basis, resolved once per
run: SQL only streams whole-satang amounts, no interest figure is computed there), posts one
summary voucher and writes the rows and the balances with a few statements; dormancy is one
INSERT … SELECT and one UPDATE per product.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from sahakorn.core.dates import refuse_after_batch_limit, refuse_future
from sahakorn.core.money import ZERO
from sahakorn.core.months import add_months
from sahakorn.core.thai import format_be_date
from sahakorn.deposits.calc import ONE_DAY, credit_months_parse, is_period_end, previous_period_end
from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.interest import (
    account_interest,
    day_basis_of,
    early_schedule,
    rate_schedule,
    stream_product,
)
from sahakorn.deposits.models import (
    AccountStatus,
    DepositAccount,
    DepositKind,
    DepositProduct,
    DepositTransaction,
    InterestRun,
    TransactionKind,
)
from sahakorn.ledger.models import EntrySource
from sahakorn.ledger.services import Line, voucher_post

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

BULK = 5000


def interest_run_description(product: DepositProduct, period_end: dt.date) -> str:
    """The summary voucher's text, shared with the data generator so both read the same."""
    return f"ดอกเบี้ยเงินฝาก{product.name} งวดสิ้นสุด {format_be_date(period_end)}"


def interest_period(product: DepositProduct, period_end: dt.date) -> tuple[dt.date, dt.date]:
    """[start, end] of the crediting period ending ``period_end``; refuses a date that ends none."""
    months = credit_months_parse(product.credit_months)
    if not is_period_end(period_end, months):
        raise DepositError(
            f"{format_be_date(period_end)} ไม่ใช่วันสิ้นงวดจ่ายดอกเบี้ยของ{product.name} "
            f"(สิ้นเดือนที่ {product.credit_months})",
            field="period_end",
        )
    return previous_period_end(period_end, months) + ONE_DAY, period_end


@transaction.atomic
def deposit_interest_run(
    *, product: DepositProduct, period_end: dt.date, posted_on: dt.date | None = None, by: User | None = None
) -> InterestRun:
    """Credit a product's interest for the period ending ``period_end`` to every open account.

    All or nothing, and once per product and period: a second call returns the first run's record
    and writes nothing. Periods are run in order (an earlier period after a later one, or a period
    whose previous one holds movements but was never run, is refused), and nothing may be dated
    after ``posted_on``, so each interest row's running balance is the account's latest.
    """
    started = time.perf_counter()
    existing = InterestRun.objects.filter(product=product, period_end=period_end).first()
    if existing is not None:
        return existing
    start, end = interest_period(product, period_end)
    posted_on = posted_on or period_end
    # Interest for days not yet over is not owed yet (the coop's one date policy, core.dates).
    what = gettext("การประมวลผลดอกเบี้ยเงินฝาก")
    refuse_after_batch_limit(period_end, what=what, error=DepositError, field="period_end")
    if posted_on < period_end:
        raise DepositError("วันที่ผ่านรายการต้องไม่ก่อนวันสิ้นงวด", field="posted_on")
    refuse_after_batch_limit(posted_on, what=what, error=DepositError, field="posted_on")
    later = (
        InterestRun.objects.filter(product=product, period_end__gt=period_end).order_by("period_end").first()
    )
    if later is not None:
        raise DepositError(
            f"ประมวลผลดอกเบี้ยงวดที่สิ้นสุด {format_be_date(later.period_end)} ไปแล้ว ย้อนกลับมาประมวลผลงวดก่อนหน้าไม่ได้",
            field="period_end",
        )
    accounts = DepositAccount.objects.filter(product=product)
    previous_end = start - ONE_DAY
    if (
        not InterestRun.objects.filter(product=product, period_end=previous_end).exists()
        and DepositTransaction.objects.filter(account__in=accounts, date__lte=previous_end).exists()
        and InterestRun.objects.filter(product=product).exists()
    ):
        raise DepositError(
            f"ยังไม่ได้ประมวลผลดอกเบี้ยงวดที่สิ้นสุด {format_be_date(previous_end)} ให้ประมวลผลงวดนั้นก่อน",
            field="period_end",
        )
    late = (
        DepositTransaction.objects.filter(account__in=accounts, date__gt=posted_on).order_by("date").first()
    )
    if late is not None:
        raise DepositError(
            f"มีรายการลงวันที่ {format_be_date(late.date)} หลังวันที่ผ่านรายการ {format_be_date(posted_on)} "
            "ให้ผ่านรายการดอกเบี้ยลงวันที่ไม่ก่อนรายการล่าสุด",
            field="posted_on",
        )
    try:
        # The run row claims the period first: a concurrent run waits on the unique key, then finds it.
        with transaction.atomic():
            run = InterestRun.objects.create(
                product=product, period_start=start, period_end=end, posted_on=posted_on, run_by=by
            )
    except IntegrityError:
        return InterestRun.objects.get(product=product, period_end=period_end)

    info = {
        pk: (member_id, matures_on, number, balance)
        for pk, member_id, matures_on, number, balance in accounts.exclude(
            status=AccountStatus.CLOSED
        ).values_list("pk", "member_id", "matures_on", "number", "balance")
    }
    schedule = rate_schedule(product)
    early = early_schedule(product) if product.kind == DepositKind.FIXED_TERM else None
    basis = day_basis_of(product)
    credits: list[tuple[int, Decimal]] = []
    for account_id, opening, moves in stream_product(product=product, start=start, end=end):
        interest = account_interest(product=product, opening=opening, moves=moves, start=start, end=end,
                                    matures_on=info[account_id][1], schedule=schedule, early=early,
                                    day_basis=basis)  # fmt: skip
        if interest > 0:
            credits.append((account_id, interest))
    total = sum((amount for _, amount in credits), ZERO)
    entry = None
    if credits:
        lines = [Line("deposit_interest_expense", debit=total)] + [
            Line(product.gl_role, credit=amount, member_id=info[pk][0], memo=f"ดอกเบี้ย {info[pk][2]}")
            for pk, amount in credits
        ]
        entry = voucher_post(source=EntrySource.DEPOSITS, on=posted_on,
                             description=interest_run_description(product, end), lines=lines, by=by,
                             error=DepositError)  # fmt: skip
        now = timezone.now()
        memo = f"ดอกเบี้ย {format_be_date(start)} – {format_be_date(end)}"
        DepositTransaction.objects.bulk_create(
            (
                DepositTransaction(
                    account_id=pk,
                    date=posted_on,
                    kind=TransactionKind.INTEREST,
                    amount=amount,
                    balance_after=info[pk][3] + amount,
                    journal_entry=entry,
                    interest_run=run,
                    memo=memo,
                    created_by=by,
                    created_at=now,
                )  # fmt: skip
                for pk, amount in credits
            ),
            batch_size=BULK,
        )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE deposits_depositaccount
                   SET balance = deposits_depositaccount.balance + s.amount
                  FROM (SELECT account_id, amount FROM deposits_deposittransaction WHERE interest_run_id = %s) s
                 WHERE deposits_depositaccount.id = s.account_id
                """,
                [run.pk],
            )
    run.accounts, run.amount, run.journal_entry = len(credits), total, entry
    run.finished_at = timezone.now()
    run.seconds = Decimal(f"{time.perf_counter() - started:.3f}")
    run.save(update_fields=["accounts", "amount", "journal_entry", "finished_at", "seconds"])
    return run


_DORMANT_WHERE = """
 WHERE product_id = %(product)s AND status = 'active'
   AND COALESCE(last_movement_on, opened_on) <= %(cutoff)s
"""
# Fixed fragments; every value is a parameter.
_DORMANT_INSERT = f"""
INSERT INTO deposits_accountstatuschange
  (account_id, from_status, to_status, effective_on, reason, changed_by_id, changed_at)
SELECT id, 'active', 'dormant', %(on)s, %(reason)s, NULL, %(at)s FROM deposits_depositaccount {_DORMANT_WHERE}
"""  # noqa: S608
_DORMANT_UPDATE = f"UPDATE deposits_depositaccount SET status = 'dormant' {_DORMANT_WHERE}"  # noqa: S608


@transaction.atomic
def deposits_mark_dormant(*, on: dt.date) -> int:
    """Mark accounts with no own movement for the product's ``dormant_after_months`` as dormant.

    An account is dormant on ``on`` when its last movement (or its opening) is on or before the
    same day ``dormant_after_months`` months earlier. Set-based; returns how many were marked. Not
    for a day after today: an account would go dormant before its months without movement had passed.
    """
    refuse_future(on, what="การกำหนดบัญชีพักการเคลื่อนไหว", error=DepositError, field="on")
    marked = 0
    now = timezone.now()
    stamp = now if connection.vendor == "postgresql" else connection.ops.adapt_datetimefield_value(now)
    for product in DepositProduct.objects.filter(dormant_after_months__isnull=False):
        params = {"product": product.pk, "cutoff": add_months(on, -product.dormant_after_months), "on": on,
                  "reason": f"ไม่มีการเคลื่อนไหว {product.dormant_after_months} เดือน", "at": stamp}  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(_DORMANT_INSERT, params)
            cursor.execute(_DORMANT_UPDATE, params)
            marked += cursor.rowcount
    return marked
