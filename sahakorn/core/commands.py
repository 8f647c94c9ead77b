"""What every ``sahakorn <app> …`` command shares: how it reads a date or a month from its options.

Dates on the command line are C.E. ISO (YYYY-MM-DD), as cron and scripts write them; the screens
are where dates are B.E. A bad value stops argparse with the option's usage and this message.
"""

from __future__ import annotations

import argparse
import datetime as dt


def iso_date(text: str) -> dt.date:
    """``--on 2026-11-30`` → a date (argparse ``type=``)."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"วันที่ต้องเป็น YYYY-MM-DD (ค.ศ.) เช่น 2026-11-30 (ได้ “{text}”)"
        ) from None


def iso_month(text: str) -> dt.date:
    """``--period 2026-11`` → the month's first day (argparse ``type=``)."""
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"--period ต้องเป็นปี ค.ศ.-เดือน เช่น 2026-11 (ได้ “{text}”)") from None
