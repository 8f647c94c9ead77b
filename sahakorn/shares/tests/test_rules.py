"""The share rules as calculations: hand-computed figures at every edge."""

import datetime as dt
from decimal import Decimal as D

import pytest

from sahakorn.core.money import Rounding
from sahakorn.shares.errors import ShareError
from sahakorn.shares.models import MonthlyMethod, ShareRules, Suspension, TableUnit
from sahakorn.shares.rules import (
    bracket_problems,
    default_check,
    holding_cap_check,
    holding_percent,
    monthly_requirement,
    months_between,
    share_rules_for,
    suspension_checks,
)
from sahakorn.shares.tests.factories import share_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded() -> ShareRules:
    return share_rules_for(on=dt.date(2026, 1, 1))


# ======== Which version applies ========


def test_rules_in_force_are_the_latest_version_on_or_before_the_day():
    # given: the seeded version (1900) and one from 1 Jul 2026
    newer = share_rules(effective_from=dt.date(2026, 7, 1), par_value=D("20.00"))

    # when / then
    assert share_rules_for(on=dt.date(2026, 6, 30)).par_value == D("10.00")
    assert share_rules_for(on=dt.date(2026, 7, 1)) == newer
    assert share_rules_for(on=dt.date(2027, 1, 1)) == newer


def test_no_rules_before_the_first_version_is_an_error():
    with pytest.raises(ShareError, match="ยังไม่มีระเบียบหุ้น"):
        share_rules_for(on=dt.date(1899, 12, 31))


# ======== Salary table (shares) ========


@pytest.mark.parametrize(
    ("salary", "min_shares", "min_amount"),
    [
        ("0.01", 20, "200.00"),
        ("5000.00", 20, "200.00"),
        ("5000.01", 25, "250.00"),
        ("6000.00", 25, "250.00"),
        ("15000.00", 70, "700.00"),
        ("16000.00", 75, "750.00"),
        ("16000.01", 80, "800.00"),
        ("20000.00", 80, "800.00"),
        ("20000.01", 100, "1000.00"),
        ("250000.00", 100, "1000.00"),
    ],
)
def test_salary_table_edges_are_inclusive(seeded, salary, min_shares, min_amount):
    # when
    req = monthly_requirement(rules=seeded, salary=D(salary))

    # then
    assert (req.min_shares, req.min_amount) == (min_shares, D(min_amount))


def test_requirement_explains_itself_in_thai(seeded):
    # when
    req = monthly_requirement(rules=seeded, salary=D("15000.00"))

    # then
    assert req.explanation.startswith(
        "เงินเดือน 15,000.00 บาท อยู่ในขั้นไม่เกิน 15,000.00 บาท: ขั้นต่ำ 70 หุ้น (700.00 บาท)"
    )


def test_max_percent_of_salary_caps_monthly_shares(seeded):
    # given: at most 50% of salary, par 10
    # when: 15,000.00 × 50% = 7,500.00 → 750 shares
    req = monthly_requirement(rules=seeded, salary=D("15000.00"))

    # then
    assert (req.max_shares, req.max_amount) == (750, D("7500.00"))


def test_max_is_rounded_down_to_whole_shares_and_never_below_the_minimum():
    # given: at most 3% of salary
    rules = share_rules(monthly_max_percent=D("3.00"))

    # when: 25,333.00 × 3% = 759.99 → 75 whole shares; 4,000.00 × 3% = 120 → 12, below the minimum 20
    high = monthly_requirement(rules=rules, salary=D("25333.00"))
    low = monthly_requirement(rules=rules, salary=D("4000.00"))

    # then
    assert (high.min_shares, high.max_shares, high.max_amount) == (100, 100, D("1000.00"))
    assert (low.min_shares, low.max_shares) == (20, 20)


def test_member_without_salary_pays_the_floor(seeded):
    # when: floor 200.00 baht at par 10
    req = monthly_requirement(rules=seeded, salary=D("0.00"))

    # then: no percent-of-salary maximum applies
    assert (req.min_shares, req.min_amount, req.max_shares) == (20, D("200.00"), None)
    assert "ไม่มีเงินเดือน" in req.explanation


def test_floor_not_a_multiple_of_par_rounds_up_to_a_whole_share():
    rules = share_rules(monthly_floor_no_salary=D("205.00"))

    req = monthly_requirement(rules=rules, salary=D("0.00"))

    assert (req.min_shares, req.min_amount) == (21, D("205.00"))


# ======== Salary table (baht) ========


def test_baht_table_gives_baht_and_shares_rounded_up():
    # given: ≤ 10,000 → 255 baht, above → 500 baht; par 10
    rules = share_rules(
        table_unit=TableUnit.BAHT, brackets=[(D("10000.00"), D("255.00")), (None, D("500.00"))]
    )

    # when
    low = monthly_requirement(rules=rules, salary=D("10000.00"))
    high = monthly_requirement(rules=rules, salary=D("10000.01"))

    # then: 255 baht needs 26 whole shares
    assert (low.min_amount, low.min_shares) == (D("255.00"), 26)
    assert (high.min_amount, high.min_shares) == (D("500.00"), 50)


# ======== Percent of salary ========


def test_percent_rule_rounds_up_to_ten_baht():
    # given: 3% of salary, up to the next 10 baht, par 10
    rules = share_rules(
        monthly_method=MonthlyMethod.PERCENT,
        monthly_min_percent=D("3.00"),
        monthly_percent_rounding=Rounding.TEN_BAHT_UP,
        monthly_max_percent=None,
    )

    # when: 25,333.00 × 3% = 759.99 → 760.00 → 76 shares
    req = monthly_requirement(rules=rules, salary=D("25333.00"))

    # then
    assert (req.min_amount, req.min_shares, req.max_shares) == (D("760.00"), 76, None)
    assert "759.99" in req.explanation and "760.00" in req.explanation


def test_percent_rule_with_baht_rounding_needs_a_part_share_rounded_up():
    # given: 2.5% up to whole baht, par 10
    rules = share_rules(
        monthly_method=MonthlyMethod.PERCENT,
        monthly_min_percent=D("2.50"),
        monthly_percent_rounding=Rounding.BAHT_UP,
    )

    # when: 18,250.00 × 2.5% = 456.25 → 457.00 → 46 shares (45.7 rounded up)
    req = monthly_requirement(rules=rules, salary=D("18250.00"))

    # then
    assert (req.min_amount, req.min_shares) == (D("457.00"), 46)


# ======== The 1/5 holding cap (s.33(3)) ========


@pytest.mark.parametrize(
    ("member_after", "total_after", "passed"),
    [(20, 100, True), (21, 100, False), (225, 1125, True), (226, 1126, False), (0, 0, True)],
)
def test_holding_cap_is_exact_at_the_edge(seeded, member_after, total_after, passed):
    # when: five holders, so the cap applies
    check = holding_cap_check(
        member_shares_after=member_after, total_shares_after=total_after, holders_after=5, rules=seeded
    )

    # then
    assert check.passed is passed
    assert "33(3)" in check.rule


def test_holding_cap_names_the_holding_the_total_and_the_percentage(seeded):
    # when: 2,000 of 7,000 shares = 28.5714…%; 1/5 of 7,000 is 1,400
    check = holding_cap_check(
        member_shares_after=2000, total_shares_after=7000, holders_after=6, rules=seeded
    )

    # then
    assert not check.passed
    assert check.figure == "หลังรายการถือ 2,000 หุ้น จากหุ้นทั้งหมด 7,000 หุ้น = ร้อยละ 28.57 (ถือได้ไม่เกิน 1,400 หุ้น)"
    assert check.message == "เกินเพดานการถือหุ้นของสมาชิกหนึ่งคน"


@pytest.mark.parametrize(
    ("holders_after", "passed", "message"),
    [
        (4, True, "ผ่าน: ยังไม่ใช้เพดาน หลังรายการมีสมาชิกถือหุ้น 4 คน น้อยกว่า 5 คนตามระเบียบ (สหกรณ์ตั้งใหม่)"),
        (5, False, "เกินเพดานการถือหุ้นของสมาชิกหนึ่งคน"),
    ],
)
def test_holding_cap_applies_from_the_rules_number_of_holders(seeded, holders_after, passed, message):
    # given: the seeded rules apply the cap from 5 holders; 500 of 1,000 shares is 50%
    assert seeded.holding_cap_min_holders == 5

    # when
    check = holding_cap_check(
        member_shares_after=500, total_shares_after=1000, holders_after=holders_after, rules=seeded
    )

    # then
    assert (check.passed, check.message) == (passed, message)
    assert check.figure == "หลังรายการถือ 500 หุ้น จากหุ้นทั้งหมด 1,000 หุ้น = ร้อยละ 50.00 (ถือได้ไม่เกิน 200 หุ้น)"


@pytest.mark.parametrize(
    ("member_shares", "total_shares", "percent"),
    [
        (2000, 7000, D("28.57")),  # 28.5714… half up
        (1250, 6250, D("20.00")),  # exactly 1/5
        (20_001, 100_000, D("20.01")),  # 20.001 is over the cap: never shown as 20.00
        (19_999, 100_000, D("20.00")),  # 19.999 is within it: half up
        (0, 0, D("0.00")),
    ],
)
def test_holding_percent_is_half_up_but_never_hides_an_excess(seeded, member_shares, total_shares, percent):
    assert (
        holding_percent(
            member_shares=member_shares, total_shares=total_shares, ratio=seeded.holding_cap_ratio
        )
        == percent
    )


# ======== Suspension ========


def _suspension(rules, **kw):
    args = {
        "rules": rules,
        "suspension": Suspension.TEMPORARY,
        "joined_on": dt.date(2000, 1, 1),
        "on": dt.date(2020, 1, 1),
        "balance_amount": D("10000.00"),
        "debts_total": D("0.00"),
    }
    return suspension_checks(**{**args, **kw})


def test_suspension_allowed_at_exactly_240_months(seeded):
    # given: 1 Jan 2000 → 1 Jan 2020 is 240 months
    checks = _suspension(seeded)

    assert all(c.passed for c in checks)


def test_suspension_refused_one_day_short_of_240_months(seeded):
    checks = _suspension(seeded, on=dt.date(2019, 12, 31))

    failed = [c for c in checks if not c.passed]
    assert [c.message for c in failed] == ["อายุการเป็นสมาชิกและทุนเรือนหุ้นยังไม่ถึงเกณฑ์งดส่ง"]
    assert "239 เดือน" in failed[0].figure


def test_suspension_allowed_for_a_new_member_with_enough_shares(seeded):
    checks = _suspension(seeded, joined_on=dt.date(2019, 1, 1), balance_amount=D("300000.00"))

    assert all(c.passed for c in checks)


def test_suspension_refused_when_debt_is_not_below_shares(seeded):
    checks = _suspension(seeded, debts_total=D("10000.00"))

    assert [c.rule for c in checks if not c.passed] == ["หนี้ต้องน้อยกว่าทุนเรือนหุ้น"]


def test_suspension_kind_not_allowed_by_the_rules():
    rules = share_rules(suspension_allow_permanent=False)

    checks = _suspension(rules, suspension=Suspension.PERMANENT)

    assert [c.message for c in checks if not c.passed] == ["ระเบียบไม่อนุญาตงดส่งถาวร"]


def test_months_between_counts_whole_months():
    assert months_between(dt.date(2026, 1, 15), dt.date(2026, 3, 14)) == 1
    assert months_between(dt.date(2026, 1, 15), dt.date(2026, 3, 15)) == 2
    assert months_between(dt.date(2026, 3, 15), dt.date(2026, 1, 15)) == 0


# ======== Default (ขาดส่ง) ========

FY = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_two_consecutive_missed_months_are_not_a_default(seeded):
    check = default_check(rules=seeded, missed=[dt.date(2026, 3, 1), dt.date(2026, 4, 1)], fiscal_year=FY)

    assert check.passed


def test_three_consecutive_missed_months_are_a_default(seeded):
    missed = [dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1)]

    check = default_check(rules=seeded, missed=missed, fiscal_year=FY)

    assert not check.passed
    assert check.figure == "ขาดส่งติดต่อกันสูงสุด 3 เดือน รวมในปีบัญชี 2 เดือน"


def test_six_scattered_missed_months_in_the_fiscal_year_are_a_default(seeded):
    missed = [dt.date(2026, m, 1) for m in (1, 3, 5, 7, 9, 11)]

    check = default_check(rules=seeded, missed=missed, fiscal_year=FY)

    assert not check.passed
    assert "รวมในปีบัญชี 6 เดือน" in check.figure


def test_five_scattered_missed_months_are_not(seeded):
    missed = [dt.date(2026, m, 1) for m in (1, 3, 5, 7, 9)] + [dt.date(2025, 11, 1)]

    assert default_check(rules=seeded, missed=missed, fiscal_year=FY).passed


# ======== Bracket tables ========


def test_bracket_table_must_end_with_one_open_row_and_ascend():
    assert bracket_problems([(D("5000"), D("20")), (None, D("25"))], required=True) is None
    assert "ขั้นสุดท้าย" in bracket_problems([(D("5000"), D("20"))], required=True)
    assert "เรียง" in bracket_problems(
        [(D("6000"), D("20")), (D("5000"), D("25")), (None, D("30"))], required=True
    )
    assert bracket_problems([], required=False) is None


def test_contribution_default_counts_unpaid_months_of_an_account():
    from sahakorn.shares.models import ShareAccount
    from sahakorn.shares.rules import contribution_default_check
    from sahakorn.shares.services import share_monthly_contribution_record
    from sahakorn.shares.tests.factories import member_with_shares

    # given: opened in Jan 2026, paid Feb and Mar, nothing for Apr, May, Jun
    member = member_with_shares(10, on=dt.date(2026, 1, 10))
    for month in (2, 3):
        share_monthly_contribution_record(
            member=member, period=dt.date(2026, month, 1), on=dt.date(2026, month, 28)
        )
    account = ShareAccount.objects.get(member=member)

    # when / then: as of July, April–June are three in a row
    assert contribution_default_check(account=account, as_of=dt.date(2026, 6, 15)).passed
    check = contribution_default_check(account=account, as_of=dt.date(2026, 7, 15))
    assert not check.passed
    assert check.figure == "ขาดส่งติดต่อกันสูงสุด 3 เดือน รวมในปีบัญชี 3 เดือน"
