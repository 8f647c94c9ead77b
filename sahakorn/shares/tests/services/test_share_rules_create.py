import datetime as dt
from decimal import Decimal as D

import pytest
from django.utils import timezone

from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import MonthlyMethod
from sahakorn.shares.rules import monthly_requirement, share_rules_for
from sahakorn.shares.services import share_rules_create
from sahakorn.shares.tests.factories import member_with_shares

pytestmark = pytest.mark.django_db


def test_new_version_carries_over_what_it_does_not_change(manager):
    # given: the seeded version
    on = timezone.localdate() + dt.timedelta(days=30)

    # when: only the par value and the table change
    rules = share_rules_create(
        by=manager,
        effective_from=on,
        brackets=[(D("10000.00"), D("30")), (None, D("60"))],
        note="มติที่ประชุมใหญ่ 2569",
        par_value=D("20.00"),
    )

    # then
    assert share_rules_for(on=on) == rules
    assert (rules.par_value, rules.entrance_fee, rules.created_by) == (D("20.00"), D("100.00"), manager)
    assert monthly_requirement(rules=rules, salary=D("10000.01")).min_amount == D("1200.00")
    assert share_rules_for(on=on - dt.timedelta(days=1)).par_value == D("10.00")


def test_brackets_none_keeps_the_previous_table(manager):
    on = timezone.localdate()
    rules = share_rules_create(
        by=manager, effective_from=on, brackets=None, note="ปรับค่าแรกเข้า", entrance_fee=D("50.00")
    )

    assert rules.brackets.count() == 14


def test_a_past_date_is_refused_once_transactions_exist(manager):
    member_with_shares(10)

    with pytest.raises(ShareError, match="ไม่ก่อนวันนี้") as e:
        share_rules_create(by=manager, effective_from=dt.date(2025, 1, 1), brackets=None, note="ย้อนหลัง")
    assert e.value.field == "effective_from"


def test_a_past_date_is_allowed_before_any_transaction(manager):
    rules = share_rules_create(
        by=manager, effective_from=dt.date(2020, 1, 1), brackets=None, note="ตั้งค่าเริ่มระบบ"
    )

    assert share_rules_for(on=dt.date(2021, 1, 1)) == rules


def test_bad_settings_are_refused_field_by_field(manager):
    with pytest.raises(ShareError) as e:
        share_rules_create(
            by=manager,
            effective_from=timezone.localdate(),
            brackets=[(D("5000"), D("20"))],
            note="",
            par_value=D("0.00"),
            monthly_method=MonthlyMethod.PERCENT,
            holding_cap_ratio=D("1.5"),
            holding_cap_min_holders=0,
        )
    assert set(e.value.errors) == {
        "note",
        "par_value",
        "monthly_min_percent",
        "holding_cap_ratio",
        "holding_cap_min_holders",
        "brackets",
    }
    assert e.value.errors["holding_cap_min_holders"] == "ต้องเป็นจำนวนเต็มตั้งแต่ 1 ขึ้นไป (1 = ตรวจเพดานทุกรายการ)"


def test_unknown_fields_are_a_programming_error(manager):
    with pytest.raises(TypeError):
        share_rules_create(
            by=manager, effective_from=timezone.localdate(), brackets=None, note="x", colour="red"
        )


def test_the_founding_holders_threshold_is_set_per_version_and_carries_over(manager):
    # given: the seeded version caps from 5 holders
    today = timezone.localdate()

    # when: a version from next week caps from 10; a later one changes only the entrance fee
    first = share_rules_create(
        by=manager,
        effective_from=today + dt.timedelta(days=7),
        brackets=None,
        note="สหกรณ์ตั้งใหม่",
        holding_cap_min_holders=10,
    )
    later = share_rules_create(
        by=manager,
        effective_from=today + dt.timedelta(days=30),
        brackets=None,
        note="ปรับค่าแรกเข้า",
        entrance_fee=D("50.00"),
    )

    # then
    assert share_rules_for(on=today).holding_cap_min_holders == 5
    assert (first.holding_cap_min_holders, later.holding_cap_min_holders) == (10, 10)
