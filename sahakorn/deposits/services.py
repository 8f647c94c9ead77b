"""Writes to deposits (เงินฝาก). Nothing else creates deposit rows or moves deposit balances, except
the set-based runs over a whole product in ``batch.py`` (the interest run, dormancy), re-exported here.

Each service checks first and raises ``DepositError`` (Thai message, naming the field) before
anything is written; then, in one transaction, it posts its voucher (``ledger.services.voucher_post``),
creates the ``DepositTransaction`` rows linked to that voucher (with the passbook's running
balance) and moves the account's cached balance.

Decisions worth knowing:

- The passbook is chronological: a movement dated before the account's latest transaction is
  refused, so ``balance_after`` is always the running balance in (date, id) order. So no movement,
  hold or status change is dated after today either (``core.dates.refuse_future``): one dated
  ahead would refuse every later movement dated today.
- A withdrawal must leave at least the product's minimum balance (closing the account is the
  way to take everything) and may not exceed the available balance (balance − active holds).
  The two checks are separate: a pledged amount may count toward the minimum balance.
- Withdrawals and transfers out count toward the monthly limit; reversed ones do not.
- A dormant account takes deposits and credits but refuses withdrawals, transfers out and
  closing until an officer reactivates it.
- Closing credits the interest accrued since the last crediting, then pays out the balance;
  the interest run skips closed accounts.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Max, Sum

from sahakorn.core.dates import refuse_after_batch_limit, refuse_future
from sahakorn.core.money import ZERO, baht, has_more_than_two_places
from sahakorn.core.months import add_months
from sahakorn.core.subledger import refuse_reversing_a_billing_row
from sahakorn.core.thai import format_be_date
from sahakorn.deposits.batch import deposit_interest_run, deposits_mark_dormant
from sahakorn.deposits.calc import ONE_DAY
from sahakorn.deposits.errors import DepositError
from sahakorn.deposits.interest import interest_accrued
from sahakorn.deposits.models import (
    AccountStatus,
    AccountStatusChange,
    Channel,
    DepositAccount,
    DepositHold,
    DepositKind,
    DepositProduct,
    DepositTransaction,
    EarlyWithdrawal,
    TransactionKind,
)
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import EntrySource, JournalEntry
from sahakorn.ledger.services import Line, journal_entry_reverse, voucher_post
from sahakorn.members.models import Member, MemberStatus

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    User = AbstractBaseUser

__all__ = [
    "deposit_account_close",
    "deposit_account_open",
    "deposit_account_reactivate",
    "deposit_credit_internal",
    "deposit_hold_place",
    "deposit_hold_release",
    "deposit_interest_run",
    "deposit_make",
    "deposit_transaction_reverse",
    "deposit_transfer",
    "deposit_withdraw",
    "deposits_mark_dormant",
]

# Where the money of each counter channel lands in the GL.
CHANNEL_ROLES = {Channel.CASH: "cash", Channel.TRANSFER: "bank", Channel.PAYROLL: "bank"}
DEPOSIT_CHANNELS = (Channel.CASH, Channel.TRANSFER, Channel.PAYROLL)
WITHDRAWAL_CHANNELS = (Channel.CASH, Channel.TRANSFER)


# ======== Helpers ========


def _money_role(channel: str, allowed) -> str:
    if channel not in allowed:
        labels = ", ".join(Channel(c).label for c in allowed)
        raise DepositError(f"ช่องทาง “{channel}” ใช้กับรายการนี้ไม่ได้ (ใช้ได้: {labels})", field="channel")
    return CHANNEL_ROLES[Channel(channel)]


def _checked_amount(amount, *, field: str = "amount") -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise DepositError("จำนวนเงินต้องเป็นตัวเลข", field=field)
    amount = Decimal(amount)
    if not amount.is_finite() or has_more_than_two_places(amount):
        raise DepositError("จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง", field=field)
    if amount <= 0:
        raise DepositError("จำนวนเงินต้องมากกว่า 0", field=field)
    return amount


def _locked(account: DepositAccount) -> DepositAccount:
    return (
        DepositAccount.objects.select_for_update(of=("self",))
        .select_related("product", "member")
        .get(pk=account.pk)
    )


def _last_date(account: DepositAccount) -> dt.date | None:
    return DepositTransaction.objects.filter(account=account).aggregate(d=Max("date"))["d"]


def _refuse_bad_date(account: DepositAccount, on: dt.date) -> None:
    if on < account.opened_on:
        raise DepositError(
            f"วันที่ {format_be_date(on)} อยู่ก่อนวันเปิดบัญชี ({format_be_date(account.opened_on)})", field="on"
        )
    last = _last_date(account)
    if last is not None and on < last:
        raise DepositError(
            f"วันที่ {format_be_date(on)} อยู่ก่อนรายการล่าสุดของบัญชี {account.number} "
            f"({format_be_date(last)}): สมุดบัญชีเงินฝากบันทึกตามลำดับวันที่",
            field="on",
        )


def _refuse_closed(account: DepositAccount) -> None:
    if account.status == AccountStatus.CLOSED:
        raise DepositError(
            f"บัญชี {account.number} ปิดแล้วเมื่อ {format_be_date(account.closed_on)}", field="account"
        )


def _refuse_dormant(account: DepositAccount, *, action: str) -> None:
    if account.status == AccountStatus.DORMANT:
        raise DepositError(
            f"{action}ไม่ได้: บัญชี {account.number} เป็นบัญชีพักการเคลื่อนไหว ให้เจ้าหน้าที่เปิดใช้บัญชีใหม่ก่อน",
            field="account",
        )


def _move(
    *,
    account: DepositAccount,
    kind: str,
    amount: Decimal,
    on: dt.date,
    entry: JournalEntry,
    by: User | None,
    channel: str = Channel.INTERNAL,
    memo: str = "",
    reverses: DepositTransaction | None = None,
    movement: bool = False,
) -> DepositTransaction:
    """Create a passbook row and move the cached balance by the same amount (account is locked)."""
    balance_after = account.balance + amount
    row = DepositTransaction.objects.create(
        account=account,
        date=on,
        kind=kind,
        channel=channel,
        amount=amount,
        balance_after=balance_after,
        journal_entry=entry,
        reverses=reverses,
        memo=memo[:200],
        created_by=by,
    )
    updates: dict = {"balance": F("balance") + amount}
    if movement:
        updates["last_movement_on"] = on
        account.last_movement_on = on
    DepositAccount.objects.filter(pk=account.pk).update(**updates)
    account.balance = balance_after
    return row


def _status(account: DepositAccount, to: str, *, on: dt.date, reason: str, by: User | None) -> None:
    AccountStatusChange.objects.create(
        account=account,
        from_status=account.status,
        to_status=to,
        effective_on=on,
        reason=reason[:300],
        changed_by=by,
    )
    account.status = to
    fields = {"status": to}
    if to == AccountStatus.CLOSED:
        account.closed_on = fields["closed_on"] = on
    DepositAccount.objects.filter(pk=account.pk).update(**fields)


def _account_number(product: DepositProduct) -> str:
    # The product row is locked by the caller, so two openings never take the same number.
    prefix = f"{product.code}-"
    last = (
        DepositAccount.objects.filter(product=product, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    seq = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{seq:07d}"


def holds_total(account: DepositAccount) -> Decimal:
    total = DepositHold.objects.filter(account=account, released_on__isnull=True).aggregate(t=Sum("amount"))[
        "t"
    ]
    return Decimal(total or 0).quantize(Decimal("0.01"))


def withdrawals_in_month(account: DepositAccount, on: dt.date) -> int:
    first = on.replace(day=1)
    return DepositTransaction.objects.filter(
        account=account,
        kind__in=(TransactionKind.WITHDRAWAL, TransactionKind.TRANSFER_OUT),
        date__gte=first,
        date__lt=add_months(first, 1),
        reversed_by__isnull=True,
    ).count()


def withdrawal_problems(*, account: DepositAccount, amount: Decimal, on: dt.date) -> list[str]:
    """Why taking ``amount`` out of ``account`` on ``on`` is refused (empty: it is allowed)."""
    product = account.product
    problems = []
    available = account.balance - holds_total(account)
    if amount > available:
        held = account.balance - available
        problems.append(
            f"ถอนได้ไม่เกินยอดที่ถอนได้ {baht(max(available, ZERO))} บาท (ยอดคงเหลือ {baht(account.balance)} "
            f"บาท อายัดไว้ {baht(held)} บาท) แต่ขอถอน {baht(amount)} บาท"
        )
    elif account.balance - amount < product.min_balance:
        problems.append(
            f"ต้องคงเหลือในบัญชีอย่างน้อย {baht(product.min_balance)} บาท (ยอดคงเหลือ {baht(account.balance)} บาท "
            f"ถอนได้ไม่เกิน {baht(max(account.balance - product.min_balance, ZERO))} บาท) หากต้องการถอนทั้งหมดให้ปิดบัญชี"
        )
    limit = product.max_withdrawals_per_month
    if limit is not None and withdrawals_in_month(account, on) >= limit:
        problems.append(
            f"{product.name}ถอนได้ไม่เกินเดือนละ {limit} ครั้ง และเดือน{format_be_date(on, 'month')}ถอนครบแล้ว"
        )
    problems += _early_problems(account, on)
    return problems


def _early_problems(account: DepositAccount, on: dt.date) -> list[str]:
    product = account.product
    if (
        product.kind == DepositKind.FIXED_TERM
        and account.matures_on is not None
        and on < account.matures_on
        and product.early_withdrawal == EarlyWithdrawal.REFUSED
    ):
        return [f"เงินฝากประจำถอนก่อนครบกำหนด ({format_be_date(account.matures_on)}) ไม่ได้"]
    return []


# ======== Accounts (บัญชีเงินฝาก) ========


@transaction.atomic
def deposit_account_open(
    *,
    member: Member,
    product: DepositProduct,
    opened_on: dt.date,
    initial_amount: Decimal = ZERO,
    channel: str = Channel.CASH,
    by: User | None,
) -> DepositAccount:
    """Open a deposit account (เปิดบัญชีเงินฝาก) for a member, with its first deposit if any."""
    refuse_future(opened_on, what="การเปิดบัญชีเงินฝาก", error=DepositError, field="opened_on")
    member = Member.objects.get(pk=member.pk)
    product = DepositProduct.objects.select_for_update().get(pk=product.pk)
    if member.status != MemberStatus.ACTIVE:
        raise DepositError(
            f"เปิดบัญชีไม่ได้: สมาชิก {member.number_and_name} มีสถานะ{member.get_status_display()}", field="member"
        )
    if not product.is_active:
        raise DepositError(f"{product.name}ปิดรับฝากแล้ว", field="product")
    if opened_on < member.joined_on:
        raise DepositError(
            f"วันที่เปิดบัญชีต้องไม่ก่อนวันที่เป็นสมาชิก ({format_be_date(member.joined_on)})", field="opened_on"
        )
    if initial_amount:
        initial_amount = _checked_amount(initial_amount, field="initial_amount")
    if initial_amount < product.min_opening:
        raise DepositError(
            f"{product.name}ต้องเปิดบัญชีด้วยเงินอย่างน้อย {baht(product.min_opening)} บาท", field="initial_amount"
        )
    if initial_amount:
        money_role = _money_role(channel, DEPOSIT_CHANNELS)
    matures_on = (
        add_months(opened_on, product.term_months)
        if product.kind == DepositKind.FIXED_TERM and product.term_months
        else None
    )
    account = DepositAccount.objects.create(
        number=_account_number(product),
        member=member,
        product=product,
        opened_on=opened_on,
        matures_on=matures_on,
        last_movement_on=opened_on,
        created_by=by,
    )
    AccountStatusChange.objects.create(
        account=account,
        to_status=AccountStatus.ACTIVE,
        effective_on=opened_on,
        reason="เปิดบัญชี",
        changed_by=by,
    )
    if initial_amount:
        entry = voucher_post(
            source=EntrySource.DEPOSITS,
            on=opened_on,
            description=f"เปิดบัญชีเงินฝาก {account.number} {member.number_and_name}",
            lines=[
                Line(money_role, debit=initial_amount, memo=account.number),
                Line(
                    product.gl_role, credit=initial_amount, member_id=member.pk, memo=f"ฝาก {account.number}"
                ),
            ],
            by=by,
            error=DepositError,
        )
        _move(
            account=account,
            kind=TransactionKind.DEPOSIT,
            amount=initial_amount,
            on=opened_on,
            entry=entry,
            by=by,
            channel=channel,
            memo="เปิดบัญชี",
            movement=True,
        )
    return account


@transaction.atomic
def deposit_account_reactivate(
    *, account: DepositAccount, on: dt.date, by: User | None, reason: str = ""
) -> DepositAccount:
    """Make a dormant account usable again (เปิดใช้บัญชีพักการเคลื่อนไหว); an officer's act, recorded."""
    refuse_future(on, what="การเปิดใช้บัญชี", error=DepositError, field="on")
    account = _locked(account)
    if account.status != AccountStatus.DORMANT:
        raise DepositError(f"บัญชี {account.number} ไม่ใช่บัญชีพักการเคลื่อนไหว", field="account")
    _status(account, AccountStatus.ACTIVE, on=on, reason=reason or "เปิดใช้บัญชีใหม่", by=by)
    DepositAccount.objects.filter(pk=account.pk).update(last_movement_on=on)
    account.last_movement_on = on
    return account


@transaction.atomic
def deposit_account_close(
    *, account: DepositAccount, on: dt.date, channel: str, by: User | None
) -> DepositTransaction | None:
    """Close an account (ปิดบัญชี): credit interest accrued to the day before, pay out everything.

    Returns the payout row (None when nothing was left to pay).
    """
    refuse_future(on, what="การปิดบัญชี", error=DepositError, field="on")
    account = _locked(account)
    _refuse_closed(account)
    _refuse_dormant(account, action="ปิดบัญชี")
    _refuse_bad_date(account, on)
    money_role = _money_role(channel, WITHDRAWAL_CHANNELS)
    if holds_total(account) > 0:
        raise DepositError(f"ปิดบัญชี {account.number} ไม่ได้: ยังมีเงินอายัดอยู่ ให้ถอนอายัดก่อน", field="account")
    problems = _early_problems(account, on)
    if problems:
        raise DepositError(f"ปิดบัญชีไม่ได้: {problems[0]}", field="on")
    product, member = account.product, account.member
    interest = interest_accrued(account=account, through=on - ONE_DAY, closing=True)
    if interest > 0:
        entry = voucher_post(
            source=EntrySource.DEPOSITS,
            on=on,
            description=f"ดอกเบี้ยเงินฝากถึงวันปิดบัญชี {account.number} {member.number_and_name}",
            lines=[
                Line("deposit_interest_expense", debit=interest, memo=account.number),
                Line(product.gl_role, credit=interest, member_id=member.pk, memo=f"ดอกเบี้ย {account.number}"),
            ],
            by=by,
            error=DepositError,
        )
        _move(account=account, kind=TransactionKind.INTEREST, amount=interest, on=on, entry=entry, by=by,
              memo="ดอกเบี้ยถึงวันปิดบัญชี")  # fmt: skip
    payout = None
    if account.balance > 0:
        amount = account.balance
        entry = voucher_post(
            source=EntrySource.DEPOSITS,
            on=on,
            description=f"ปิดบัญชีเงินฝาก {account.number} {member.number_and_name}",
            lines=[
                Line(product.gl_role, debit=amount, member_id=member.pk, memo=f"ปิดบัญชี {account.number}"),
                Line(money_role, credit=amount, memo=account.number),
            ],
            by=by,
            error=DepositError,
        )
        payout = _move(account=account, kind=TransactionKind.WITHDRAWAL, amount=-amount, on=on, entry=entry,
                       by=by, channel=channel, memo="ปิดบัญชี", movement=True)  # fmt: skip
    _status(account, AccountStatus.CLOSED, on=on, reason="ปิดบัญชี", by=by)
    return payout


# ======== Movements (ฝาก ถอน โอน) ========


@transaction.atomic
def deposit_make(
    *, account: DepositAccount, amount: Decimal, on: dt.date, channel: str, by: User | None, memo: str = ""
) -> DepositTransaction:
    """A deposit (ฝากเงิน). GL: Dr cash|bank / Cr the product's deposit account (member)."""
    refuse_future(on, what="รายการฝากเงิน", error=DepositError, field="on")
    amount = _checked_amount(amount)
    account = _locked(account)
    _refuse_closed(account)
    _refuse_bad_date(account, on)
    money_role = _money_role(channel, DEPOSIT_CHANNELS)
    member = account.member
    entry = voucher_post(
        source=EntrySource.DEPOSITS,
        on=on,
        description=f"ฝากเงิน {account.number} {member.number_and_name}",
        lines=[
            Line(money_role, debit=amount, memo=account.number),
            Line(
                account.product.gl_role,
                credit=amount,
                member_id=member.pk,
                memo=memo or f"ฝาก {account.number}",
            ),
        ],
        by=by,
        error=DepositError,
    )
    return _move(account=account, kind=TransactionKind.DEPOSIT, amount=amount, on=on, entry=entry, by=by,
                 channel=channel, memo=memo, movement=True)  # fmt: skip


@transaction.atomic
def deposit_withdraw(
    *, account: DepositAccount, amount: Decimal, on: dt.date, channel: str, by: User | None, memo: str = ""
) -> DepositTransaction:
    """A withdrawal (ถอนเงิน). GL: Dr the product's deposit account (member) / Cr cash|bank."""
    refuse_future(on, what="รายการถอนเงิน", error=DepositError, field="on")
    amount = _checked_amount(amount)
    account = _locked(account)
    _refuse_closed(account)
    _refuse_dormant(account, action="ถอนเงิน")
    _refuse_bad_date(account, on)
    money_role = _money_role(channel, WITHDRAWAL_CHANNELS)
    problems = withdrawal_problems(account=account, amount=amount, on=on)
    if problems:
        raise DepositError("ถอนเงินไม่ได้: " + "; ".join(problems), field="amount")
    member = account.member
    entry = voucher_post(
        source=EntrySource.DEPOSITS,
        on=on,
        description=f"ถอนเงิน {account.number} {member.number_and_name}",
        lines=[
            Line(
                account.product.gl_role,
                debit=amount,
                member_id=member.pk,
                memo=memo or f"ถอน {account.number}",
            ),
            Line(money_role, credit=amount, memo=account.number),
        ],
        by=by,
        error=DepositError,
    )
    return _move(account=account, kind=TransactionKind.WITHDRAWAL, amount=-amount, on=on, entry=entry, by=by,
                 channel=channel, memo=memo, movement=True)  # fmt: skip


@transaction.atomic
def deposit_transfer(
    *, from_account: DepositAccount, to_account: DepositAccount, amount: Decimal, on: dt.date, by: User | None
) -> tuple[DepositTransaction, DepositTransaction]:
    """Move money between a member's own accounts (โอนเงินระหว่างบัญชีของตนเอง).

    The paying account follows the withdrawal rules. GL: Dr from-role / Cr to-role, both member-linked.
    Returns (transfer out, transfer in).
    """
    refuse_future(on, what="รายการโอนเงิน", error=DepositError, field="on")
    amount = _checked_amount(amount)
    if from_account.pk == to_account.pk:
        raise DepositError("บัญชีต้นทางและปลายทางต้องเป็นคนละบัญชี", field="to_account")
    # Lock in id order, so two opposite transfers cannot deadlock.
    locked = {a.pk: _locked(a) for a in sorted((from_account, to_account), key=lambda a: a.pk)}
    source, target = locked[from_account.pk], locked[to_account.pk]
    if source.member_id != target.member_id:
        raise DepositError("โอนได้เฉพาะระหว่างบัญชีของสมาชิกคนเดียวกัน", field="to_account")
    _refuse_closed(source)
    if target.status == AccountStatus.CLOSED:
        raise DepositError(f"บัญชีปลายทาง {target.number} ปิดแล้ว", field="to_account")
    _refuse_dormant(source, action="โอนเงินออก")
    _refuse_bad_date(source, on)
    _refuse_bad_date(target, on)
    problems = withdrawal_problems(account=source, amount=amount, on=on)
    if problems:
        raise DepositError("โอนเงินไม่ได้: " + "; ".join(problems), field="amount")
    member = source.member
    entry = voucher_post(
        source=EntrySource.DEPOSITS,
        on=on,
        description=f"โอนเงินฝาก {source.number} → {target.number} {member.number_and_name}",
        lines=[
            Line(source.product.gl_role, debit=amount, member_id=member.pk, memo=f"โอนไป {target.number}"),
            Line(
                target.product.gl_role, credit=amount, member_id=member.pk, memo=f"รับโอนจาก {source.number}"
            ),
        ],
        by=by,
        error=DepositError,
    )
    out = _move(account=source, kind=TransactionKind.TRANSFER_OUT, amount=-amount, on=on, entry=entry, by=by,
                memo=f"โอนไป {target.number}", movement=True)  # fmt: skip
    into = _move(account=target, kind=TransactionKind.TRANSFER_IN, amount=amount, on=on, entry=entry, by=by,
                 memo=f"รับโอนจาก {source.number}", movement=True)  # fmt: skip
    return out, into


@transaction.atomic
def deposit_credit_internal(
    *,
    account: DepositAccount,
    amount: Decimal,
    on: dt.date,
    debit_role: str,
    description: str,
    by: User | None,
) -> DepositTransaction:
    """Credit an account from inside the coop (welfare, dividend, loan proceeds …): เงินโอนเข้าบัญชีเงินฝาก.

    GL: Dr ``debit_role`` / Cr the product's deposit account (member). Allowed on a dormant account;
    it does not count as the member's own movement.
    """
    refuse_future(on, what="รายการเงินโอนเข้าบัญชีเงินฝาก", error=DepositError, field="on")
    amount = _checked_amount(amount)
    description = (description or "").strip()
    if not description:
        raise DepositError("กรุณาระบุคำอธิบายรายการ", field="description")
    account = _locked(account)
    _refuse_closed(account)
    _refuse_bad_date(account, on)
    member = account.member
    entry = voucher_post(
        source=EntrySource.DEPOSITS,
        on=on,
        description=f"{description} {account.number} {member.number_and_name}",
        lines=[
            Line(debit_role, debit=amount, member_id=member.pk, memo=description[:200]),
            Line(
                account.product.gl_role, credit=amount, member_id=member.pk, memo=f"เข้าบัญชี {account.number}"
            ),
        ],
        by=by,
        error=DepositError,
    )
    return _move(account=account, kind=TransactionKind.DEPOSIT, amount=amount, on=on, entry=entry, by=by,
                 channel=Channel.INTERNAL, memo=description)  # fmt: skip


# ======== Holds (อายัด) ========


@transaction.atomic
def deposit_hold_place(
    *, account: DepositAccount, amount: Decimal, reason: str, on: dt.date, by: User | None
) -> DepositHold:
    """Block ``amount`` on the account (อายัดเงินฝาก), e.g. pledged for a loan; no money moves."""
    refuse_future(on, what="การอายัดเงินฝาก", error=DepositError, field="on")
    amount = _checked_amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise DepositError("กรุณาระบุเหตุผลที่อายัด", field="reason")
    account = _locked(account)
    _refuse_closed(account)
    if on < account.opened_on:
        raise DepositError("วันที่อายัดอยู่ก่อนวันเปิดบัญชี", field="on")
    available = account.balance - holds_total(account)
    if amount > available:
        raise DepositError(
            f"อายัดได้ไม่เกินยอดที่ถอนได้ {baht(max(available, ZERO))} บาท (ขออายัด {baht(amount)} บาท)",
            field="amount",
        )
    return DepositHold.objects.create(
        account=account, amount=amount, reason=reason[:300], placed_on=on, placed_by=by
    )


@transaction.atomic
def deposit_hold_release(*, hold: DepositHold, on: dt.date, by: User | None) -> DepositHold:
    """Release a hold (ถอนอายัด); the row stays as the record."""
    refuse_future(on, what="การถอนอายัด", error=DepositError, field="on")
    hold = DepositHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_on is not None:
        raise DepositError(f"การอายัดนี้ถอนไปแล้วเมื่อ {format_be_date(hold.released_on)}", field="hold")
    if on < hold.placed_on:
        raise DepositError(f"วันที่ถอนอายัดต้องไม่ก่อนวันที่อายัด ({format_be_date(hold.placed_on)})", field="on")
    hold.released_on, hold.released_by = on, by
    hold.save(update_fields=["released_on", "released_by"])
    return hold


# ======== Corrections (กลับรายการ) ========


@transaction.atomic
def deposit_transaction_reverse(
    *, transaction: DepositTransaction, on: dt.date, reason: str, by: User | None
) -> DepositTransaction:
    """Reverse a passbook row (กลับรายการ): a REVERSAL row with the negated amount, and its voucher.

    A transfer reverses both sides. When the voucher holds only the reversed row(s) the whole voucher
    is reversed in the ledger; a row on a shared voucher (an interest run) gets a voucher of its own
    lines. A row is reversed at most once, and never a reversal or an opening balance.
    """
    refuse_future(on, what="การกลับรายการ", error=DepositError, field="on")
    original = DepositTransaction.objects.select_related("journal_entry").get(pk=transaction.pk)
    reason = (reason or "").strip()
    if not reason:
        raise DepositError("กรุณาระบุเหตุผลที่กลับรายการ", field="reason")
    if original.kind == TransactionKind.REVERSAL:
        raise DepositError("รายการนี้เป็นรายการกลับรายการอยู่แล้ว กลับรายการซ้ำไม่ได้")
    if original.kind == TransactionKind.OPENING:
        raise DepositError("ยอดยกมากลับรายการไม่ได้ ให้แก้ไขที่ใบสำคัญยอดยกมาในบัญชีแยกประเภท")
    if on < original.date:
        raise DepositError(
            f"วันที่กลับรายการต้องไม่ก่อนวันที่ของรายการเดิม ({format_be_date(original.date)})", field="on"
        )
    refuse_reversing_a_billing_row(original.journal_entry, error=DepositError)
    siblings = list(DepositTransaction.objects.filter(journal_entry=original.journal_entry).order_by("id"))
    if original.kind in (TransactionKind.TRANSFER_IN, TransactionKind.TRANSFER_OUT):
        group = [s for s in siblings if s.kind in (TransactionKind.TRANSFER_IN, TransactionKind.TRANSFER_OUT)]
    else:
        group = [original]
    if DepositTransaction.objects.filter(reverses__in=group).exists():
        raise DepositError("รายการนี้ถูกกลับรายการไปแล้ว")
    accounts = {
        a.pk: a
        for a in DepositAccount.objects.select_for_update(of=("self",))
        .select_related("product", "member")
        .filter(pk__in={row.account_id for row in group})
        .order_by("pk")
    }
    for row in group:
        account = accounts[row.account_id]
        _refuse_closed(account)
        _refuse_bad_date(account, on)
        if account.balance - row.amount < 0:
            raise DepositError(
                f"กลับรายการไม่ได้: ยอดคงเหลือบัญชี {account.number} ({baht(account.balance)} บาท) "
                f"ไม่พอให้หัก {baht(row.amount)} บาท"
            )
    if len(group) == len(siblings):
        try:
            entry = journal_entry_reverse(
                entry=original.journal_entry, date=on, reason=reason, reversed_by=by
            )
        except LedgerError as e:
            raise DepositError(f"กลับรายการบัญชีไม่ได้: {e.message}") from e
    else:
        entry = _reverse_own_lines(original=original, account=accounts[original.account_id], on=on,
                                   reason=reason, by=by)  # fmt: skip
    reversals = {
        row.pk: _move(
            account=accounts[row.account_id],
            kind=TransactionKind.REVERSAL,
            amount=-row.amount,
            on=on,
            entry=entry,
            by=by,
            channel=row.channel,
            reverses=row,
            memo=f"กลับรายการ{row.get_kind_display()}: {reason}",
        )
        for row in group
    }
    return reversals[original.pk]


def _reverse_own_lines(
    *, original: DepositTransaction, account: DepositAccount, on: dt.date, reason: str, by: User | None
) -> JournalEntry:
    """A voucher undoing one row of a shared voucher: the deposit line against the voucher's other side."""
    from sahakorn.ledger.selectors import account_for_role

    role_account = account_for_role(account.product.gl_role)
    others = {line.account for line in original.journal_entry.lines.select_related("account")
              if line.account_id != role_account.pk}  # fmt: skip
    contra = others.pop() if len(others) == 1 else CHANNEL_ROLES.get(original.channel, "cash")
    member_id, amount = account.member_id, original.amount
    memo = f"กลับรายการ{original.get_kind_display()}"
    if amount > 0:
        lines = [
            Line(account.product.gl_role, debit=amount, member_id=member_id, memo=memo),
            Line(contra, credit=amount),
        ]
    else:
        lines = [
            Line(contra, debit=-amount),
            Line(account.product.gl_role, credit=-amount, member_id=member_id, memo=memo),
        ]
    return voucher_post(
        source=EntrySource.DEPOSITS,
        on=on,
        description=f"{memo} {account.number} ของใบสำคัญ {original.journal_entry.voucher_label}: {reason}",
        lines=lines,
        by=by,
        error=DepositError,
    )


# ======== Monthly deposits by payroll deduction (billing) ========


@transaction.atomic
def deposit_monthly_set(*, account: DepositAccount, amount: Decimal, by: User | None) -> DepositAccount:
    """Set the amount billing deducts from pay into the account each month (0 stops it).

    Savings accounts only: a fixed-term account takes its deposit when opened.
    """
    amount = Decimal(amount)
    if amount != ZERO:
        amount = _checked_amount(amount, field="monthly_deposit")
    account = _locked(account)
    _refuse_closed(account)
    if account.product.kind == DepositKind.FIXED_TERM:
        raise DepositError(
            f"บัญชี {account.number} เป็นเงินฝากประจำ ฝากรายเดือนจากเงินเดือนไม่ได้", field="monthly_deposit"
        )
    DepositAccount.objects.filter(pk=account.pk).update(monthly_deposit=amount)
    account.monthly_deposit = amount
    return account


def deposit_payroll_credit_lines(*, account: DepositAccount, amount: Decimal) -> list[Line]:
    """The credit side of a payroll deposit inside billing's voucher, checked before it is posted."""
    amount = _checked_amount(amount)
    account = _locked(account)
    _refuse_closed(account)
    return [
        Line(
            account.product.gl_role,
            credit=amount,
            member_id=account.member_id,
            memo=f"หักเงินเดือน ฝาก {account.number}",
        )
    ]


def deposit_payroll_receipt_record(
    *, account: DepositAccount, amount: Decimal, on: dt.date, entry: JournalEntry, by: User | None
) -> DepositTransaction:
    """The passbook row of a payroll deposit whose voucher billing has posted (same amount as its lines)."""
    refuse_after_batch_limit(on, what="การรับฝากจากเงินเดือน", error=DepositError, field="on")
    amount = _checked_amount(amount)
    account = _locked(account)
    _refuse_closed(account)
    _refuse_bad_date(account, on)
    if not entry.is_posted:
        raise DepositError("ใบสำคัญที่รับฝากจากเงินเดือนยังไม่ได้ผ่านรายการ")
    return _move(account=account, kind=TransactionKind.DEPOSIT, amount=amount, on=on, entry=entry, by=by,
                 channel=Channel.PAYROLL, memo="หักเงินเดือน", movement=True)  # fmt: skip
