"""The one date policy for money movements and batches (what a date may be, issue 11).

- A movement at the counter (a deposit or withdrawal, a loan payment, a share purchase, a loan
  application, a member's join date) is dated today or earlier: ``refuse_future``. A movement
  dated ahead would freeze the record, since every later movement must not be dated before it.
- A batch (month-end accruals, monthly shares, interest) and a voucher may be dated up to
  ``CoopProfile.month_end_days_ahead`` days after today, so month-end work can be done on the last
  working day before the month ends: ``latest_batch_date``.
- Batches take month-ends only, in order and without gaps: ``month_end_batch_check``.
- Back-dating goes only into open periods (the ledger refuses closed ones) and every back-dated
  voucher is listed with who posted it and when (the ledger's back-dated vouchers report).

"Today" is the coop's local date (``TIME_ZONE`` Asia/Bangkok), never UTC's.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from sahakorn.core.errors import ServiceError
from sahakorn.core.months import add_months, month_end
from sahakorn.core.thai import format_be_date

M_FUTURE = gettext_noop("%(what)s ลงวันที่ %(on)s ซึ่งเป็นวันในอนาคตไม่ได้ (วันนี้ %(today)s)")
M_BATCH_FUTURE = gettext_noop(
    "%(what)s งวด %(on)s ยังไม่ถึงกำหนด: ประมวลผลได้ไม่เกิน %(days)s วันก่อนสิ้นเดือน (ถึงวันที่ %(latest)s)"
)
M_DATED_AHEAD = gettext_noop(
    "%(what)s ลงวันที่ %(on)s ล่วงหน้าเกินกำหนด: ลงวันที่ได้ไม่เกิน %(latest)s (ล่วงหน้าได้ %(days)s วันสำหรับงานสิ้นเดือน)"
)
M_NOT_MONTH_END = gettext_noop("%(what)s ต้องลงวันสิ้นเดือน (%(on)s ไม่ใช่วันสิ้นเดือน เช่น %(end)s)")
M_BEFORE_LAST = gettext_noop("%(what)s งวด %(on)s ไม่ได้: ประมวลผลงวด %(last)s ไปแล้ว งวดต้องประมวลผลตามลำดับ")
M_GAP = gettext_noop("%(what)s งวด %(on)s ไม่ได้: ต้องประมวลผลงวด %(next)s ก่อน (งวดต้องต่อเนื่องไม่เว้นเดือน)")


def today() -> dt.date:
    """The coop's date today."""
    return timezone.localdate()


def month_end_days_ahead() -> int:
    from sahakorn.core.selectors import coop_profile_get  # selectors import models; keep this module light

    return coop_profile_get().month_end_days_ahead


def latest_batch_date() -> dt.date:
    """The latest date a batch or a voucher may carry: today plus the coop's month-end allowance."""
    return today() + dt.timedelta(days=month_end_days_ahead())


def refuse_future(
    on: dt.date, *, what: str, error: type[ServiceError] = ServiceError, field: str | None = None
) -> None:
    """Refuse a counter movement dated after today (``what``: "รายการฝากเงิน", "วันที่ชำระ", …)."""
    now = today()
    if on > now:
        raise error(
            gettext(M_FUTURE) % {"what": what, "on": format_be_date(on), "today": format_be_date(now)},
            field=field,
        )


def refuse_after_batch_limit(
    on: dt.date,
    *,
    what: str,
    error: type[ServiceError] = ServiceError,
    field: str | None = None,
    period: bool = True,
) -> None:
    """Refuse a batch or voucher dated later than ``latest_batch_date``. ``period``: ``what`` names a
    batch run for a period ("…งวด <date> ยังไม่ถึงกำหนด"); False: a dated document (a voucher)."""
    latest = latest_batch_date()
    if on > latest:
        raise error(
            gettext(M_BATCH_FUTURE if period else M_DATED_AHEAD)
            % {
                "what": what,
                "on": format_be_date(on),
                "days": month_end_days_ahead(),
                "latest": format_be_date(latest),
            },
            field=field,
        )


def month_end_batch_check(
    period_end: dt.date,
    *,
    last_done: dt.date | None,
    what: str,
    error: type[ServiceError] = ServiceError,
    field: str | None = "period_end",
) -> None:
    """A month-end batch for ``period_end``: a month's last day, not ahead, after ``last_done`` with no gap.

    ``last_done`` is the period end of the latest run of this batch (None before the first run,
    which may start at any month: a coop goes live mid-year). The caller returns an existing run
    of the same period before calling this (reruns are idempotent, not refused).
    """
    if period_end != month_end(period_end):
        raise error(
            gettext(M_NOT_MONTH_END)
            % {"what": what, "on": format_be_date(period_end), "end": format_be_date(month_end(period_end))},
            field=field,
        )
    refuse_after_batch_limit(period_end, what=what, error=error, field=field)
    if last_done is None:
        return
    if period_end <= last_done:
        raise error(
            gettext(M_BEFORE_LAST)
            % {"what": what, "on": format_be_date(period_end), "last": format_be_date(last_done)},
            field=field,
        )
    expected = month_end(add_months(last_done.replace(day=1), 1))
    if period_end != expected:
        raise error(
            gettext(M_GAP)
            % {"what": what, "on": format_be_date(period_end), "next": format_be_date(expected)},
            field=field,
        )
