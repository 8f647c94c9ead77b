import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import MonthlyChangeReason, ShareAccount
from sahakorn.shares.services import monthly_shares_in_force, share_monthly_change
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db


def _month(offset: int) -> dt.date:
    today = timezone.localdate()
    years, month0 = divmod(today.month - 1 + offset, 12)
    return dt.date(today.year + years, month0 + 1, 1)


@pytest.fixture
def member():
    # salary 15,000.00: at least 70 shares, at most 50% = 750 shares a month
    return member_with_shares(10, salary=D("15000.00"))


def test_change_this_month_updates_the_account_at_once(member, officer):
    # when
    change = share_monthly_change(
        member=member,
        to_shares=100,
        effective_month=_month(0),
        reason=MonthlyChangeReason.MEMBER_REQUEST,
        by=officer,
    )

    # then
    assert (change.from_shares, change.to_shares, change.created_by) == (70, 100, officer)
    assert ShareAccount.objects.get(member=member).monthly_shares == 100


def test_change_from_next_month_waits_in_the_change_rows(member, officer):
    share_monthly_change(
        member=member,
        to_shares=750,
        effective_month=_month(1),
        reason=MonthlyChangeReason.MEMBER_REQUEST,
        by=officer,
    )

    account = ShareAccount.objects.get(member=member)
    assert account.monthly_shares == 70
    assert monthly_shares_in_force(account=account, period=_month(1)) == 750


def test_below_the_table_minimum_is_refused_with_the_explanation(member, officer):
    with pytest.raises(ShareError, match="ขั้นต่ำ 70 หุ้น") as e:
        share_monthly_change(
            member=member,
            to_shares=69,
            effective_month=_month(0),
            reason=MonthlyChangeReason.MEMBER_REQUEST,
            by=officer,
        )
    assert e.value.failed_checks[0].figure == "69 หุ้น"
    assert ShareAccount.objects.get(member=member).monthly_changes.count() == 1


def test_above_the_percent_of_salary_maximum_is_refused(member, officer):
    with pytest.raises(ShareError, match="เกินหุ้นรายเดือนสูงสุด"):
        share_monthly_change(
            member=member,
            to_shares=751,
            effective_month=_month(0),
            reason=MonthlyChangeReason.MEMBER_REQUEST,
            by=officer,
        )


def test_salary_change_is_checked_against_the_new_salary(member, officer):
    # given: the salary rose to 20,000.01 → at least 100 shares
    from sahakorn.members.services import member_update

    member_update(member=member, by=officer, salary=D("20000.01"))

    with pytest.raises(ShareError, match="ขั้นต่ำ 100 หุ้น"):
        share_monthly_change(
            member=member,
            to_shares=80,
            effective_month=_month(1),
            reason=MonthlyChangeReason.SALARY_CHANGE,
            by=officer,
        )
    change = share_monthly_change(
        member=member,
        to_shares=100,
        effective_month=_month(1),
        reason=MonthlyChangeReason.SALARY_CHANGE,
        by=officer,
    )
    assert change.reason == MonthlyChangeReason.SALARY_CHANGE


def test_a_past_month_or_a_mid_month_date_is_refused(member, officer):
    with pytest.raises(ShareError, match="ไม่ก่อนเดือนปัจจุบัน") as e:
        share_monthly_change(
            member=member,
            to_shares=100,
            effective_month=_month(-1),
            reason=MonthlyChangeReason.MEMBER_REQUEST,
            by=officer,
        )
    assert e.value.field == "effective_month"
    with pytest.raises(ShareError, match="วันที่ 1"):
        share_monthly_change(
            member=member,
            to_shares=100,
            effective_month=_month(1).replace(day=2),
            reason=MonthlyChangeReason.MEMBER_REQUEST,
            by=officer,
        )


def test_no_change_is_refused(member, officer):
    with pytest.raises(ShareError, match="อยู่แล้ว"):
        share_monthly_change(
            member=member,
            to_shares=70,
            effective_month=_month(0),
            reason=MonthlyChangeReason.MEMBER_REQUEST,
            by=officer,
        )
