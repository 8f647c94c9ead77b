"""The ledger's reports' figures (the screens, PDF and Excel are in ``report_views.py``).

Back-dated vouchers (ใบสำคัญลงวันที่ย้อนหลัง): back-dating is allowed, but only into open periods
(the ledger refuses a closed one) and never silently. Every posted voucher dated before the day it
was posted is listed with who posted it, when, and how many days back, so the auditor reads each
one: a counter receipt keyed the next morning, a correction, or a figure moved behind a report
already given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import F, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from sahakorn.ledger.models import EntryStatus, FiscalYear, JournalEntry


def backdated_vouchers(
    *,
    fiscal_year: FiscalYear | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    source: str | None = None,
) -> QuerySet:
    """Posted vouchers dated before the day they were posted (the coop's local day), oldest date first.

    ``start``/``end`` bound the voucher's date; ``backdated_row`` turns each into a report row.
    """
    # TruncDate takes the current time zone (Asia/Bangkok): the day the officer saw, as core.dates.today.
    entries = (
        JournalEntry.objects.filter(status=EntryStatus.POSTED, posted_at__isnull=False)
        .annotate(posted_on=TruncDate("posted_at"))
        .filter(date__lt=F("posted_on"))
    )
    if fiscal_year is not None:
        entries = entries.filter(fiscal_year=fiscal_year)
    if start is not None:
        entries = entries.filter(date__gte=start)
    if end is not None:
        entries = entries.filter(date__lte=end)
    if source:
        entries = entries.filter(source=source)
    return entries.select_related("fiscal_year", "posted_by").order_by(
        "date", "fiscal_year__year_be", "voucher_no"
    )


def backdated_row(entry: JournalEntry) -> dict[str, Any]:
    """One report row of a back-dated voucher: its label, the day posted, the days back, who posted it."""
    posted_at = timezone.localtime(entry.posted_at)
    poster = entry.posted_by
    return {
        "entry_id": entry.pk,
        "voucher": entry.voucher_label,
        "date": entry.date,
        "posted_at": posted_at,
        "posted_on": posted_at.date(),
        "days_back": (posted_at.date() - entry.date).days,
        "source": entry.get_source_display(),
        "description": entry.description,
        # Bulk-posted vouchers (a batch's, the data generator's history) have no poster.
        "posted_by": (poster.get_full_name() or poster.get_username()) if poster is not None else "",
    }


def backdated_rows(entries: Iterable[JournalEntry]) -> Iterator[dict[str, Any]]:
    return (backdated_row(entry) for entry in entries)
