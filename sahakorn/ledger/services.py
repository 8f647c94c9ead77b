"""Writes to the general ledger (บัญชีแยกประเภททั่วไป): the only code that creates and posts
vouchers, opens fiscal years and closes periods.

Sub-ledgers post through ``journal_entry_record`` (one voucher, inside their own transaction)
or ``journal_entries_post_bulk`` (month-end and year-end batches, set-based).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from sahakorn.core.dates import refuse_after_batch_limit
from sahakorn.core.errors import ServiceError
from sahakorn.core.money import ZERO, has_more_than_two_places
from sahakorn.core.months import add_months
from sahakorn.core.selectors import coop_profile_get
from sahakorn.core.subledger import control_roles, control_sources
from sahakorn.core.thai import be_year, format_be_date
from sahakorn.ledger.errors import LedgerError
from sahakorn.ledger.models import (
    Account,
    AccountRole,
    EntrySource,
    EntryStatus,
    FiscalPeriod,
    FiscalYear,
    JournalEntry,
    JournalLine,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User  # settings.AUTH_USER_MODEL, what the *_by columns hold

BULK_BATCH_SIZE = 5000
# Both are CharFields, so max_length is set (the stubs type it for any field: int | None).
_DESCRIPTION_MAX = cast(int, JournalEntry._meta.get_field("description").max_length)
_MEMO_MAX = cast(int, JournalLine._meta.get_field("memo").max_length)


@dataclass(frozen=True)
class Line:
    """One debit or credit of a voucher to be posted.

    ``account`` is a role key ("cash", "share_capital", …: what sub-ledgers use, so a coop's own
    chart only re-points roles), an account code ("11110"), or an ``Account``.
    """

    account: str | Account
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    member_id: int | None = None
    memo: str = ""


@dataclass(frozen=True)
class EntrySpec:
    """A voucher for ``journal_entries_post_bulk``."""

    date: dt.date
    description: str
    lines: Sequence[Line]
    source: str = EntrySource.MANUAL


# ======== Fiscal years and periods ========


def fiscal_year_bounds(*, on: dt.date, start_month: int) -> tuple[dt.date, dt.date]:
    """First and last day of the fiscal year containing ``on`` when years start in ``start_month``."""
    year = on.year if on.month >= start_month else on.year - 1
    start = dt.date(year, start_month, 1)
    return start, add_months(start, 12) - dt.timedelta(days=1)


@transaction.atomic
def fiscal_year_ensure(*, on: dt.date) -> FiscalYear:
    """The fiscal year (ปีบัญชี) containing ``on``, opened with its 12 monthly periods if new.

    An existing year wins over the coop's current start month, so changing that setting later
    never re-cuts a year that already holds vouchers; a new year that would overlap one is refused.
    Years stay contiguous (``_year_gap_close``): a voucher dated years away would otherwise open its
    year with the years between missing, and the year-end work could never run over them.
    """
    existing = FiscalYear.objects.filter(start_date__lte=on, end_date__gte=on).first()
    if existing is not None:
        return existing
    start, end = fiscal_year_bounds(on=on, start_month=coop_profile_get().fiscal_year_start_month)
    overlapping = FiscalYear.objects.filter(start_date__lte=end, end_date__gte=start).first()
    if overlapping is not None:
        raise LedgerError(
            f"เปิดปีบัญชีสำหรับวันที่ {format_be_date(on)} ไม่ได้: ช่วง {format_be_date(start)} – "
            f"{format_be_date(end)} ทับกับ{overlapping} (เดือนเริ่มปีบัญชีถูกเปลี่ยนหลังเปิดปีแล้ว)"
        )
    year_be = be_year(end.year)
    _year_gap_close(on=on, start=start, end=end, year_be=year_be)
    try:
        with transaction.atomic():
            fiscal_year = FiscalYear.objects.create(year_be=year_be, start_date=start, end_date=end)
            FiscalPeriod.objects.bulk_create(
                FiscalPeriod(
                    fiscal_year=fiscal_year,
                    number=n + 1,
                    start_date=add_months(start, n),
                    end_date=add_months(start, n + 1) - dt.timedelta(days=1),
                )
                for n in range(12)
            )
    except IntegrityError:
        # Another transaction opened the same year a moment ago; theirs is the one.
        return FiscalYear.objects.get(year_be=year_be)
    return fiscal_year


def _year_gap_close(*, on: dt.date, start: dt.date, end: dt.date, year_be: int) -> None:
    """Keep the years contiguous before the year [start, end] opens.

    Later than the latest year: the years between open first, empty. Nothing can be dated ahead of
    ``core.dates.latest_batch_date``, so such a gap only means the books had no voucher for a year.
    Earlier than the earliest year by more than one: refused, naming the missing years; a date typed
    decades back (2515 for 2565) would otherwise open a year cut off from the books.
    """
    latest = FiscalYear.objects.order_by("-end_date").first()
    if latest is None:
        return  # the first year
    next_day = latest.end_date + dt.timedelta(days=1)
    if start > latest.end_date:
        while next_day < start:
            next_day = fiscal_year_ensure(on=next_day).end_date + dt.timedelta(days=1)
        return
    earliest = FiscalYear.objects.order_by("start_date").first() or latest
    if end == earliest.start_date - dt.timedelta(days=1):
        return
    first_missing, last_missing = year_be + 1, earliest.year_be - 1
    missing = str(first_missing) if first_missing >= last_missing else f"{first_missing}–{last_missing}"
    raise LedgerError(
        f"เปิดปีบัญชี {year_be} สำหรับวันที่ {format_be_date(on)} ไม่ได้: ปีบัญชีต้องต่อเนื่องกัน "
        f"และยังไม่ได้เปิดปีบัญชี {missing} (ระหว่างปีบัญชี {year_be} กับ{earliest})",
        field="date",
    )


def fiscal_years_ensure(*, first: dt.date, last: dt.date) -> None:
    """Every fiscal year from the one containing ``first`` to the one containing ``last``.

    A batch (the data generator's history, a year-end run) spans its years whole: a year between two
    of its vouchers with none of its own is opened too. Each year opens next to an existing one
    (``fiscal_year_ensure``): earlier than the earliest newest first, later than it oldest first.
    """
    earliest = FiscalYear.objects.order_by("start_date").first()
    if earliest is None:
        earliest = fiscal_year_ensure(on=first)
    on = min(last, earliest.start_date - dt.timedelta(days=1))
    while on >= first:
        on = fiscal_year_ensure(on=on).start_date - dt.timedelta(days=1)
    on = max(first, earliest.start_date)
    while on <= last:
        on = fiscal_year_ensure(on=on).end_date + dt.timedelta(days=1)


@transaction.atomic
def fiscal_year_open_next() -> FiscalYear:
    """Open the fiscal year after the latest one (or the current one if none exists yet)."""
    latest = FiscalYear.objects.order_by("-end_date").first()
    on = latest.end_date + dt.timedelta(days=1) if latest else timezone.localdate()
    return fiscal_year_ensure(on=on)


@transaction.atomic
def fiscal_period_close(*, period: FiscalPeriod, closed_by: User) -> FiscalPeriod:
    """Close a period (ปิดงวด): from then on nothing posts or reverses into it.

    Periods close in order, and a period with drafts is refused: a draft left behind could
    never be posted, and the month's figures would silently differ from what was reviewed.
    """
    # Posting takes the same lock, so no voucher slips into the period while it closes.
    FiscalYear.objects.select_for_update().get(pk=period.fiscal_year_id)
    period = FiscalPeriod.objects.select_related("fiscal_year").get(pk=period.pk)
    if period.is_closed:
        raise LedgerError(f"{period} ปิดไปแล้วเมื่อ {format_be_date(period.closed_at)}")
    earlier_open = (
        FiscalPeriod.objects.filter(
            fiscal_year_id=period.fiscal_year_id, number__lt=period.number, closed_at__isnull=True
        )
        .select_related("fiscal_year")
        .order_by("number")
        .first()
    )
    if earlier_open is not None:
        raise LedgerError(f"ต้องปิด{earlier_open} ก่อน: งวดบัญชีต้องปิดตามลำดับ")
    drafts = JournalEntry.objects.filter(period=period, status=EntryStatus.DRAFT).count()
    if drafts:
        raise LedgerError(f"{period} ยังมีใบสำคัญร่าง {drafts} ฉบับ: ผ่านรายการหรือลบร่างก่อนปิดงวด")
    period.closed_at = timezone.now()
    period.closed_by = closed_by
    period.save(update_fields=["closed_at", "closed_by"])
    return period


def _refuse_closed(fiscal_year: FiscalYear, period: FiscalPeriod, on: dt.date) -> None:
    if fiscal_year.closed_at is not None:
        raise LedgerError(f"{fiscal_year} ปิดบัญชีแล้ว บันทึกรายการวันที่ {format_be_date(on)} ไม่ได้")
    if period.closed_at is not None:
        raise LedgerError(f"{period} ปิดงวดแล้ว บันทึกรายการวันที่ {format_be_date(on)} ไม่ได้")


def _period_for(fiscal_year: FiscalYear, on: dt.date) -> FiscalPeriod:
    return FiscalPeriod.objects.select_related("fiscal_year").get(
        fiscal_year=fiscal_year, start_date__lte=on, end_date__gte=on
    )


# ======== Validation shared by every posting path ========


class _AccountResolver:
    """Role key, code or Account → Account, with one query for all roles and one per unknown code."""

    def __init__(self) -> None:
        self._cache: dict[str, Account] | None = None
        self._controlled: frozenset[int] | None = None

    def get(self, ref: str | Account) -> Account:
        if isinstance(ref, Account):
            return ref
        if self._cache is None:
            self._cache = {role.key: role.account for role in AccountRole.objects.select_related("account")}
        account = self._cache.get(ref)
        if account is None:
            account = Account.objects.filter(code=ref).first()
            if account is None:
                raise LedgerError(f"ไม่พบบัญชีหรือบทบาทบัญชี “{ref}”")
            self._cache[ref] = account
        return account

    def controlled(self, owners: dict) -> frozenset[int]:
        """The ids of the accounts the roles in ``owners`` point at (sub-ledgers' control accounts)."""
        if self._controlled is None:
            self._controlled = frozenset(
                account.pk for role, account in self.roles().items() if role in owners
            )
        return self._controlled

    def roles(self) -> dict[str, Account]:
        """Role key → its account, from the one query ``get`` makes (codes looked up since come along
        too, and match no role)."""
        if self._cache is None:
            self._cache = {role.key: role.account for role in AccountRole.objects.select_related("account")}
        return self._cache


def _checked_amounts(debit: Decimal, credit: Decimal, *, where: str) -> tuple[Decimal, Decimal]:
    for amount in (debit, credit):
        if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
            raise TypeError(f"{where}: money must be Decimal, not {type(amount).__name__}")
    debit, credit = Decimal(debit), Decimal(credit)
    if not (debit.is_finite() and credit.is_finite()):
        raise LedgerError(f"{where}: จำนวนเงินไม่ถูกต้อง")
    if debit < 0 or credit < 0:
        raise LedgerError(f"{where}: จำนวนเงินติดลบไม่ได้ (ใช้ด้านตรงข้ามแทน)")
    if has_more_than_two_places(debit) or has_more_than_two_places(credit):
        raise LedgerError(f"{where}: จำนวนเงินมีทศนิยมเกิน 2 ตำแหน่ง")
    if (debit > 0) == (credit > 0):
        raise LedgerError(f"{where}: ต้องมีจำนวนเงินด้านเดบิตหรือด้านเครดิตด้านเดียว")
    return debit, credit


def _checked_text(text: str, *, limit: int, what: str) -> str:
    text = (text or "").strip()
    if len(text) > limit:
        raise LedgerError(f"{what}ยาวเกิน {limit} ตัวอักษร")
    return text


def _refuse_unpostable(account_ids: set[int]) -> None:
    """Only active leaf accounts take postings; a header's balance is the sum of its children."""
    bad = (
        Account.objects.filter(pk__in=account_ids)
        .annotate(is_header=Exists(Account.objects.filter(parent=OuterRef("pk"))))
        .filter(Q(is_header=True) | Q(is_active=False))
        .order_by("code")
        .first()
    )
    if bad is None:
        return
    if bad.is_header:
        raise LedgerError(f"บัญชี {bad} เป็นบัญชีคุม (มีบัญชีย่อย) ผ่านรายการเข้าบัญชีคุมไม่ได้ ใช้บัญชีย่อยแทน")
    raise LedgerError(f"บัญชี {bad} ถูกปิดการใช้งาน ผ่านรายการไม่ได้")


def _refuse_control_accounts(
    accounts: _AccountResolver,
    account_ids: set[int],
    *,
    source: str,
    reverses: JournalEntry | None = None,
    where: str = "",
) -> None:
    """A sub-ledger's control account (บัญชีคุม) takes postings only from the sub-ledgers' services.

    A manual voucher on share capital (Dr cash / Cr 31000) would leave ``shares check`` off by its
    amount for good: no share transaction goes with it. The same for an opening balance typed in,
    and for the reversal of such a voucher (its journal is the original's); a sub-ledger's own
    vouchers and their reversals pass (``core.subledger.control_sources``).
    """
    journal = reverses.source if source == EntrySource.REVERSAL and reverses is not None else source
    if journal in control_sources():
        return
    owners = control_roles()
    controlled = accounts.controlled(owners)
    if controlled.isdisjoint(account_ids):
        return  # the usual case, one set operation (a bulk batch asks once per voucher)
    hit = sorted(
        (
            (account, role)
            for role, account in accounts.roles().items()
            if role in owners and account.pk in account_ids
        ),
        key=lambda pair: (pair[0].code, pair[1]),
    )
    account, role = hit[0]
    owner = owners[role]
    what = EntrySource(journal).label if journal in EntrySource.values else journal
    if journal != source:
        what = f"กลับรายการของใบสำคัญ{what}"
    raise LedgerError(
        f"{where}บัญชี {account} เป็นบัญชีคุมของระบบ{owner.title} รับรายการจากระบบ{owner.title}เท่านั้น "
        f"ใบสำคัญ{what}ผ่านรายการเข้าบัญชีนี้ไม่ได้ ให้บันทึกที่หน้าจอของระบบ{owner.title}"
    )


def _unbalanced_message(debit: Decimal, credit: Decimal, prefix: str = "ใบสำคัญ") -> str:
    return (
        f"{prefix}ไม่สมดุล: เดบิตรวม {debit:,.2f} บาท แต่เครดิตรวม {credit:,.2f} บาท "
        f"(ต่างกัน {abs(debit - credit):,.2f} บาท)"
    )


# ======== Vouchers ========


def _entry_create(
    *,
    date: dt.date,
    description: str,
    lines: Sequence[Line],
    source: str,
    created_by: User | None,
    reverses: JournalEntry | None = None,
) -> JournalEntry:
    description = _checked_text(description, limit=_DESCRIPTION_MAX, what="คำอธิบาย")
    if not description:
        raise LedgerError("กรุณากรอกคำอธิบายใบสำคัญ")
    if not lines:
        raise LedgerError("ใบสำคัญต้องมีรายการอย่างน้อยหนึ่งรายการ")
    if source not in EntrySource.values:
        raise LedgerError(f"ไม่รู้จักที่มาของรายการ “{source}”")
    refuse_after_batch_limit(date, what=gettext("ใบสำคัญ"), error=LedgerError, field="date", period=False)
    fiscal_year = fiscal_year_ensure(on=date)
    period = _period_for(fiscal_year, date)
    # A draft dated into a closed period could never be posted.
    _refuse_closed(fiscal_year, period, date)
    accounts = _AccountResolver()
    rows = []
    for n, line in enumerate(lines, 1):
        debit, credit = _checked_amounts(line.debit, line.credit, where=f"รายการที่ {n}")
        memo = _checked_text(line.memo, limit=_MEMO_MAX, what=f"รายการที่ {n}: รายละเอียด")
        rows.append((accounts.get(line.account), debit, credit, line.member_id, memo))
    _refuse_control_accounts(accounts, {row[0].pk for row in rows}, source=source, reverses=reverses)
    entry = JournalEntry.objects.create(
        fiscal_year=fiscal_year,
        period=period,
        date=date,
        description=description,
        source=source,
        status=EntryStatus.DRAFT,
        reverses=reverses,
        created_by=created_by,
    )
    JournalLine.objects.bulk_create(
        JournalLine(entry=entry, account=account, debit=debit, credit=credit, member_id=member_id, memo=memo)
        for account, debit, credit, member_id, memo in rows
    )
    return entry


@transaction.atomic
def journal_entry_create(
    *,
    date: dt.date,
    description: str,
    lines: Sequence[Line],
    source: str = EntrySource.MANUAL,
    created_by: User | None = None,
) -> JournalEntry:
    """Save a voucher as a draft (ร่าง): no voucher number yet, and it may still be unbalanced."""
    return _entry_create(
        date=date, description=description, lines=lines, source=source, created_by=created_by
    )


@transaction.atomic
def journal_entry_post(*, entry: JournalEntry, posted_by: User | None) -> JournalEntry:
    """Post a draft (ผ่านรายการ): check it, then give it the next voucher number of its year."""
    # The year row is the voucher counter, and closing a period takes the same lock, so the
    # period cannot close between the check below and the posting.
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=entry.fiscal_year_id)
    locked = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status != EntryStatus.DRAFT:
        locked.fiscal_year = fiscal_year
        raise LedgerError(f"ใบสำคัญ {locked.voucher_label} ผ่านรายการไปแล้ว")
    period = FiscalPeriod.objects.select_related("fiscal_year").get(pk=locked.period_id)
    _refuse_closed(fiscal_year, period, locked.date)
    lines = list(JournalLine.objects.filter(entry=locked).order_by("id"))
    if not lines:
        raise LedgerError("ใบสำคัญไม่มีรายการ ผ่านรายการไม่ได้")
    for n, line in enumerate(lines, 1):
        _checked_amounts(line.debit, line.credit, where=f"รายการที่ {n}")
    debit = sum((line.debit for line in lines), ZERO)
    credit = sum((line.credit for line in lines), ZERO)
    if debit != credit:
        raise LedgerError(_unbalanced_message(debit, credit))
    _refuse_unpostable({line.account_id for line in lines})
    _refuse_own_approval(locked, debit=debit, posted_by=posted_by)

    fiscal_year.last_voucher_no += 1
    fiscal_year.save(update_fields=["last_voucher_no"])
    locked.fiscal_year = fiscal_year
    locked.voucher_no = fiscal_year.last_voucher_no
    locked.status = EntryStatus.POSTED
    locked.posted_by = posted_by
    locked.posted_at = timezone.now()
    locked.save(update_fields=["voucher_no", "status", "posted_by", "posted_at"])
    # The caller's instance reflects the posting too, so it can print the voucher label.
    entry.fiscal_year, entry.voucher_no, entry.status = fiscal_year, locked.voucher_no, locked.status
    entry.posted_by, entry.posted_at = locked.posted_by, locked.posted_at
    return locked


@transaction.atomic
def journal_entry_record(
    *,
    date: dt.date,
    description: str,
    lines: Sequence[Line],
    source: str = EntrySource.MANUAL,
    created_by: User | None = None,
    posted_by: User | None = None,
) -> JournalEntry:
    """Create and post a voucher in one transaction: what sub-ledgers call for each movement."""
    entry = _entry_create(
        date=date, description=description, lines=lines, source=source, created_by=created_by
    )
    return journal_entry_post(entry=entry, posted_by=posted_by if posted_by is not None else created_by)


def voucher_post(
    *,
    source: str,
    on: dt.date,
    description: str,
    lines: Sequence[Line],
    by: User | None,
    error: type[ServiceError] = LedgerError,
) -> JournalEntry:
    """The one way a sub-ledger service posts its voucher for a movement.

    The description is cut to the column's 300 characters; a ledger refusal (a closed period, an
    unbalanced or header-account line) becomes the caller's own error (``error``: ``LoanError``,
    ``ShareError``, …) saying "ผ่านรายการบัญชีไม่ได้: <why>", so the screen shows it like any other refusal.
    """
    try:
        return journal_entry_record(
            date=on, description=description[:300], lines=lines, source=source, created_by=by
        )
    except LedgerError as e:
        if error is LedgerError:
            raise
        raise error(f"ผ่านรายการบัญชีไม่ได้: {e.message}") from e


@transaction.atomic
def journal_entry_reverse(
    *, entry: JournalEntry, date: dt.date, reason: str, reversed_by: User | None
) -> JournalEntry:
    """Reverse a posted voucher (กลับรายการ): post a new one with debits and credits swapped.

    The original is never touched; the reversal points at it. A reversal itself cannot be
    reversed: to reinstate the original figures, post a fresh voucher, so that every voucher
    is reversed at most once and the audit trail never becomes a chain.
    """
    original = JournalEntry.objects.select_for_update().select_related("fiscal_year").get(pk=entry.pk)
    if original.status != EntryStatus.POSTED:
        raise LedgerError("ใบสำคัญร่างยังไม่ได้ผ่านรายการ กลับรายการไม่ได้ (ลบร่างแทน)")
    if original.source == EntrySource.REVERSAL:
        raise LedgerError(
            f"ใบสำคัญ {original.voucher_label} เป็นรายการกลับรายการอยู่แล้ว กลับรายการซ้ำไม่ได้ "
            "หากต้องการบันทึกรายการเดิมอีกครั้งให้บันทึกใบสำคัญใหม่"
        )
    existing = JournalEntry.objects.filter(reverses=original).select_related("fiscal_year").first()
    if existing is not None:
        raise LedgerError(f"ใบสำคัญ {original.voucher_label} ถูกกลับรายการแล้วโดย {existing.voucher_label}")
    reason = (reason or "").strip()
    if not reason:
        raise LedgerError("กรุณาระบุเหตุผลที่กลับรายการ")
    if date < original.date:
        raise LedgerError(
            f"วันที่กลับรายการ ({format_be_date(date)}) ต้องไม่ก่อนวันที่ของใบสำคัญเดิม ({format_be_date(original.date)})"
        )
    lines = [
        Line(
            account=line.account,
            debit=line.credit,
            credit=line.debit,
            member_id=line.member_id,
            memo=line.memo,
        )
        for line in original.lines.select_related("account").order_by("id")
    ]
    description = f"กลับรายการ {original.voucher_label}: {reason}"[:_DESCRIPTION_MAX]
    reversal = _entry_create(
        date=date,
        description=description,
        lines=lines,
        source=EntrySource.REVERSAL,
        created_by=reversed_by,
        reverses=original,
    )
    return journal_entry_post(entry=reversal, posted_by=reversed_by)


# What the ledger's own screen may reverse: the vouchers nothing else keeps rows for. A sub-ledger's
# voucher is reversed by that sub-ledger (its rows go back with it), a billing voucher not at all.
LEDGER_REVERSIBLE_SOURCES = (EntrySource.MANUAL, EntrySource.OPENING)


@transaction.atomic
def ledger_voucher_reverse(
    *, entry: JournalEntry, date: dt.date, reason: str, reversed_by: User | None
) -> JournalEntry:
    """Reverse a voucher from the general journal's screen: manual and opening vouchers only."""
    if entry.source not in LEDGER_REVERSIBLE_SOURCES:
        raise LedgerError(
            f"ใบสำคัญ {entry.voucher_label} มาจาก{EntrySource(entry.source).label}: กลับรายการที่หน้าจอของระบบนั้น "
            "เพื่อให้รายการของระบบงานกลับไปพร้อมกัน (กลับรายการที่สมุดรายวันได้เฉพาะใบสำคัญบันทึกด้วยมือและยอดยกมา)"
        )
    return journal_entry_reverse(entry=entry, date=date, reason=reason, reversed_by=reversed_by)


@transaction.atomic
def journal_entry_delete(*, entry: JournalEntry) -> None:
    """Discard a draft; a posted voucher is corrected by reversal instead."""
    locked = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.status != EntryStatus.DRAFT:
        raise LedgerError("ใบสำคัญที่ผ่านรายการแล้วลบไม่ได้ ให้กลับรายการแทน")
    JournalLine.objects.filter(entry=locked).delete()
    locked.delete()


# ======== Manual vouchers: a second person above the coop's limit ========


def manual_voucher_approval_limit() -> Decimal:
    """Above this total debit a manual voucher needs a second person (CoopProfile setting)."""
    return coop_profile_get().manual_voucher_approval_above


def manual_voucher_awaits_approval(entry: JournalEntry, *, total_debit: Decimal) -> bool:
    """A manual draft whose maker may not post it: another accountant or the manager approves it."""
    return (
        entry.status == EntryStatus.DRAFT
        and entry.source == EntrySource.MANUAL
        and total_debit > manual_voucher_approval_limit()
    )


def _refuse_own_approval(entry: JournalEntry, *, debit: Decimal, posted_by: User | None) -> None:
    """Nobody posts their own manual voucher above the limit (ผู้บันทึก-ผู้อนุมัติ คนละคน).

    Sub-ledger vouchers have their own maker-checker where the coop wants one (loans, shares,
    welfare, funeral requests); a manual voucher has nothing behind it but the accountant's word.
    """
    if entry.source != EntrySource.MANUAL or entry.created_by_id is None:
        return
    limit = manual_voucher_approval_limit()
    if debit <= limit:
        return
    if posted_by is None or posted_by.pk == entry.created_by_id:
        raise LedgerError(
            f"ใบสำคัญยอดเดบิตรวม {debit:,.2f} บาท เกินวงเงิน {limit:,.2f} บาท ที่ผู้บันทึกผ่านรายการเองได้ "
            "ต้องให้สมุห์บัญชีหรือผู้จัดการอีกคนอนุมัติ"
        )


@transaction.atomic
def manual_voucher_record(
    *, date: dt.date, description: str, lines: Sequence[Line], by: User
) -> JournalEntry:
    """Record a manual voucher and post it (บันทึกและผ่านรายการ), or, above the coop's limit, keep
    it as a draft awaiting a second person's approval (``manual_voucher_approve``)."""
    entry = _entry_create(
        date=date, description=description, lines=lines, source=EntrySource.MANUAL, created_by=by
    )
    total_debit = sum((line.debit for line in lines), ZERO)
    if manual_voucher_awaits_approval(entry, total_debit=total_debit):
        return entry
    return journal_entry_post(entry=entry, posted_by=by)


@transaction.atomic
def manual_voucher_approve(*, entry: JournalEntry, by: User) -> JournalEntry:
    """A second person approves a manual voucher (อนุมัติ): it is posted, with ``by`` as the poster.

    Refused: a voucher that is no manual draft, an approver without the permission, and the one who
    recorded it (a manager included).
    """
    locked = JournalEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.source != EntrySource.MANUAL or locked.status != EntryStatus.DRAFT:
        raise LedgerError("อนุมัติได้เฉพาะใบสำคัญบันทึกด้วยมือที่ยังเป็นร่าง")
    if not by.has_perm("ledger.approve_journalentry"):
        raise LedgerError(f"ผู้ใช้ {by.get_username()} ไม่มีสิทธิ์อนุมัติใบสำคัญ")
    if locked.created_by_id == by.pk:
        raise LedgerError("ผู้อนุมัติต้องไม่ใช่ผู้บันทึกใบสำคัญ (ต้องมีผู้ตรวจสอบคนที่สอง)")
    return journal_entry_post(entry=locked, posted_by=by)


@transaction.atomic
def journal_entries_post_bulk(*, entries: Sequence[EntrySpec], posted_by: User | None = None) -> int:
    """Post many vouchers at once, set-based (billing, interest, dividends, the data generator).

    All or nothing: every voucher is checked in Python first, voucher numbers are taken with
    one UPDATE per fiscal year, and rows go in with ``bulk_create``. Numbers within a year are
    contiguous and follow the vouchers' dates (input order within a date).
    """
    return len(_entries_post_bulk(list(entries), posted_by=posted_by))


def journal_entries_post_bulk_ids(
    *, entries: Sequence[EntrySpec], posted_by: User | None = None
) -> list[int]:
    """``journal_entries_post_bulk``, returning the vouchers' ids in ``entries``' order (a caller that
    records sub-ledger rows against each voucher, e.g. billing's posting of many units)."""
    numbers = _entries_post_bulk(list(entries), posted_by=posted_by)
    found: dict[tuple[int, int | None], int] = {}
    for year_id in {year_id for year_id, _ in numbers}:
        mine = [number for year, number in numbers if year == year_id]
        found.update(
            ((year_id, number), pk)
            for pk, number in JournalEntry.objects.filter(
                fiscal_year_id=year_id, voucher_no__gte=min(mine), voucher_no__lte=max(mine)
            ).values_list("pk", "voucher_no")
        )
    return [found[key] for key in numbers]


def _entries_post_bulk(specs: list[EntrySpec], *, posted_by: User | None) -> list[tuple[int, int]]:
    """Post ``specs``; (fiscal year id, voucher number) of each, in ``specs``' order."""
    if not specs:
        return []
    ahead = max(specs, key=lambda spec: spec.date)  # the latest date decides; one query, not one a voucher
    refuse_after_batch_limit(
        ahead.date, what=gettext("ใบสำคัญ “%s”") % ahead.description, error=LedgerError, period=False
    )
    accounts = _AccountResolver()
    prepared: list[list[tuple[int, Decimal, Decimal, int | None, str]]] = []
    used_accounts: set[int] = set()
    for n, spec in enumerate(specs, 1):
        where = f"ใบสำคัญลำดับที่ {n} ({spec.description})"
        _checked_text(spec.description, limit=_DESCRIPTION_MAX, what=f"{where}: คำอธิบาย")
        if not spec.description.strip():
            raise LedgerError(f"ใบสำคัญลำดับที่ {n}: ไม่มีคำอธิบาย")
        if not spec.lines:
            raise LedgerError(f"{where}: ไม่มีรายการ")
        if spec.source not in EntrySource.values:
            raise LedgerError(f"{where}: ไม่รู้จักที่มาของรายการ “{spec.source}”")
        rows = []
        total_debit = total_credit = ZERO
        for i, line in enumerate(spec.lines, 1):
            debit, credit = _checked_amounts(line.debit, line.credit, where=f"{where} รายการที่ {i}")
            memo = _checked_text(line.memo, limit=_MEMO_MAX, what=f"{where} รายการที่ {i}: รายละเอียด")
            account = accounts.get(line.account)
            used_accounts.add(account.pk)
            rows.append((account.pk, debit, credit, line.member_id, memo))
            total_debit += debit
            total_credit += credit
        if total_debit != total_credit:
            raise LedgerError(_unbalanced_message(total_debit, total_credit, prefix=f"{where} "))
        _refuse_control_accounts(accounts, {row[0] for row in rows}, source=spec.source, where=f"{where}: ")
        prepared.append(rows)
    _refuse_unpostable(used_accounts)

    years: list[FiscalYear] = []

    def year_for(on: dt.date) -> FiscalYear:
        for fiscal_year in years:
            if fiscal_year.start_date <= on <= fiscal_year.end_date:
                return fiscal_year
        fiscal_year = fiscal_year_ensure(on=on)
        years.append(fiscal_year)
        return fiscal_year

    order = sorted(range(len(specs)), key=lambda k: specs[k].date)
    fiscal_years_ensure(first=specs[order[0]].date, last=specs[order[-1]].date)  # contiguous years
    year_of = [year_for(spec.date) for spec in specs]
    counts = Counter(fiscal_year.pk for fiscal_year in year_of)

    # One UPDATE per year takes the numbers and holds the row lock (as journal_entry_post's
    # select_for_update does) until commit, so no period closes under this batch.
    next_no: dict[int, int] = {}
    for year_id, count in counts.items():
        FiscalYear.objects.filter(pk=year_id).update(last_voucher_no=F("last_voucher_no") + count)
        last_no, closed_at, year_be = FiscalYear.objects.values_list(
            "last_voucher_no", "closed_at", "year_be"
        ).get(pk=year_id)
        if closed_at is not None:
            raise LedgerError(f"ปีบัญชี {year_be} ปิดบัญชีแล้ว ผ่านรายการเข้าไม่ได้")
        next_no[year_id] = last_no - count + 1
    first_no = dict(next_no)
    periods = {
        period.start_date: period
        for period in FiscalPeriod.objects.filter(fiscal_year_id__in=counts).select_related("fiscal_year")
    }

    entry_rows: list[tuple] = []
    numbers: list[tuple[int, int]] = [(0, 0)] * len(specs)
    for k in order:
        spec, fiscal_year = specs[k], year_of[k]
        period = periods[spec.date.replace(day=1)]
        if period.closed_at is not None:
            raise LedgerError(
                f"ใบสำคัญลำดับที่ {k + 1} ({spec.description}): {period} ปิดงวดแล้ว "
                f"บันทึกรายการวันที่ {format_be_date(spec.date)} ไม่ได้"
            )
        entry_rows.append(
            (
                fiscal_year.pk,
                period.pk,
                next_no[fiscal_year.pk],
                spec.date,
                spec.description.strip(),
                spec.source,
            )
        )
        numbers[k] = (fiscal_year.pk, next_no[fiscal_year.pk])
        next_no[fiscal_year.pk] += 1
    # Born as drafts: the database refuses lines added to a posted voucher (see migration 0003),
    # and the flip to posted below is where it checks that each voucher balances.
    insert = _insert_drafts_copy if connection.vendor == "postgresql" else _insert_drafts_orm
    insert(
        entry_rows=entry_rows,
        line_groups=[prepared[k] for k in order],
        user_id=posted_by.pk if posted_by is not None else None,
        now=timezone.now(),
    )
    for year_id, count in counts.items():
        JournalEntry.objects.filter(
            fiscal_year_id=year_id,
            voucher_no__gte=first_no[year_id],
            voucher_no__lt=first_no[year_id] + count,
        ).update(status=EntryStatus.POSTED)
    return numbers


def _insert_drafts_orm(
    *, entry_rows: list[tuple], line_groups: list[list[tuple]], user_id: int | None, now: dt.datetime
) -> None:
    entries = [
        JournalEntry(
            fiscal_year_id=fiscal_year_id,
            period_id=period_id,
            voucher_no=voucher_no,
            date=date,
            description=description,
            source=source,
            status=EntryStatus.DRAFT,
            created_by_id=user_id,
            posted_by_id=user_id,
            posted_at=now,
        )
        for fiscal_year_id, period_id, voucher_no, date, description, source in entry_rows
    ]
    # bulk_create returns the new ids on PostgreSQL and SQLite alike; the lines need them.
    JournalEntry.objects.bulk_create(entries, batch_size=BULK_BATCH_SIZE)
    JournalLine.objects.bulk_create(
        (
            JournalLine(
                entry_id=entry.pk,
                account_id=account_id,
                debit=debit,
                credit=credit,
                member_id=member_id,
                memo=memo,
            )
            for entry, lines in zip(entries, line_groups, strict=True)
            for account_id, debit, credit, member_id, memo in lines
        ),
        batch_size=BULK_BATCH_SIZE,
    )


def _insert_drafts_copy(
    *, entry_rows: list[tuple], line_groups: list[list[tuple]], user_id: int | None, now: dt.datetime
) -> None:
    """PostgreSQL: take the ids from the sequence, then COPY entries and lines.

    About three times faster than ``bulk_create`` for a month-end batch, because no model
    instance is built per row. Every amount was checked for two places before this point, as
    ``MoneyField`` would have done on save.
    """
    entry_table, line_table = JournalEntry._meta.db_table, JournalLine._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [entry_table, len(entry_rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        raw = cursor.cursor  # psycopg's own cursor, which speaks COPY
        with raw.copy(
            f"COPY {entry_table} (id, fiscal_year_id, period_id, voucher_no, date, description, source, "
            "status, created_by_id, created_at, posted_by_id, posted_at) FROM STDIN"
        ) as copy:
            for entry_id, row in zip(ids, entry_rows, strict=True):
                copy.write_row((entry_id, *row, EntryStatus.DRAFT.value, user_id, now, user_id, now))
        with raw.copy(
            f"COPY {line_table} (entry_id, account_id, member_id, debit, credit, memo) FROM STDIN"
        ) as copy:
            for entry_id, lines in zip(ids, line_groups, strict=True):
                for account_id, debit, credit, member_id, memo in lines:
                    copy.write_row((entry_id, account_id, member_id, debit, credit, memo))
