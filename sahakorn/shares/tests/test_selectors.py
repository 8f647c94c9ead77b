"""A member's share record (ข้อมูลหุ้น) as the back office and the portal read it."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.shares.models import ShareAccount, Suspension
from sahakorn.shares.selectors import (
    fiscal_year_of,
    fiscal_year_range,
    share_record_get,
    share_summary_get,
    suspension_covers,
)
from sahakorn.shares.tests.test_reports import coop  # noqa: F401  (the hand-built dataset)

pytestmark = pytest.mark.django_db


def test_fiscal_years_starting_in_october_are_named_by_the_year_they_end():
    assert fiscal_year_of(dt.date(2024, 9, 30), start_month=10) == 2024
    assert fiscal_year_of(dt.date(2024, 10, 1), start_month=10) == 2025
    assert fiscal_year_range(2025, start_month=10) == (dt.date(2024, 10, 1), dt.date(2025, 9, 30))
    assert fiscal_year_range(2025, start_month=1) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def test_share_record_of_an_active_member(coop):  # noqa: F811
    # when: late in February 2025, before anyone collects A's February shares
    record = share_record_get(member=coop["a"], today=dt.date(2025, 2, 20))

    # then
    assert (record.initial_shares, record.initial_amount) == (50, D("500.00"))
    assert (record.monthly_shares, record.monthly_amount) == (20, D("200.00"))
    assert (record.balance_shares, record.balance_amount) == (180, D("1800.00"))
    assert (record.pending_collection_shares, record.pending_collection_amount) == (20, D("200.00"))
    assert record.pending_refund == D("0.00") and not record.suspended_now and not record.has_left
    # each fiscal year's contributions (initial + monthly + extra), the current one and 5 before it
    years = [(fy.year_be, fy.amount) for fy in record.fiscal_years]
    assert years[:2] == [(2568, D("400.00")), (2567, D("500.00"))]
    assert len(years) == 6 and all(amount == 0 for _, amount in years[2:])
    # every transaction with its running balance and voucher
    assert [(h.kind, h.balance_amount) for h in record.history] == [
        ("initial", D("500.00")),
        ("monthly", D("700.00")),
        ("monthly", D("900.00")),
        ("transfer_in", D("1800.00")),
    ]
    assert record.history[0].voucher_label.startswith("JV2567-")
    assert record.history[0].date == dt.date(2024, 9, 10)


def test_purchases_during_the_current_month(coop):  # noqa: F811
    record = share_record_get(member=coop["b"], today=dt.date(2024, 11, 25))
    assert [(p.kind, p.amount) for p in record.current_month_purchases] == [("extra", D("300.00"))]
    assert record.current_month_total == D("300.00")


def test_a_member_who_left_has_a_pending_refund_and_nothing_to_collect(coop):  # noqa: F811
    record = share_summary_get(member=coop["c"], today=dt.date(2025, 2, 20))
    assert record.has_left
    assert record.balance_amount == D("0.00")
    assert record.pending_refund == D("300.00")
    assert record.pending_collection_amount == D("0.00")


def test_a_suspended_member_has_nothing_pending(coop):  # noqa: F811
    # given: D stops contributions permanently from March 2025
    ShareAccount.objects.filter(member=coop["d"]).update(
        suspension=Suspension.PERMANENT, suspended_from=dt.date(2025, 3, 1)
    )

    # when
    record = share_summary_get(member=coop["d"], today=dt.date(2025, 3, 10))

    # then
    assert record.suspended_now and record.pending_collection_amount == D("0.00")
    assert not suspension_covers(record.account, dt.date(2025, 2, 1))


def test_a_member_without_a_share_account(db):
    from sahakorn.members.tests.factories import MemberFactory

    record = share_record_get(member=MemberFactory(), today=dt.date(2025, 1, 1))
    assert record.account is None and record.history == [] and record.pending_refund == D("0.00")
